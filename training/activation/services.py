"""One-time activation codes: issued per trainee, stored hashed, valid once and for a limited time."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from training import audit
from training.auth.services import set_password
from training.exceptions import DomainError
from training.extensions import db
from training.models import ActivationCode, Enrollment, EnrollmentStatus, Role, Trainee, User, utcnow

CODE_DIGITS = 12
VALID_FOR = timedelta(days=14)


class ActivationRefused(DomainError):
    pass


@dataclass
class Slip:
    trainee: Trainee
    code: str  # shown once, on the printed slip

    @property
    def grouped(self) -> str:
        return " ".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw or "" if ch.isdigit())


def issue_slips(cohort_id: int, issued_by_id: int) -> list[Slip]:
    """New codes for the cohort's trainees who have no account yet; earlier unused codes stop working."""
    trainees = db.session.scalars(
        select(Trainee)
        .join(Enrollment, Enrollment.trainee_id == Trainee.id)
        .outerjoin(User, User.trainee_id == Trainee.id)
        .where(
            Enrollment.cohort_id == cohort_id,
            Enrollment.status.in_([EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.COMPLETED]),
            User.id.is_(None),
        )
        .order_by(Trainee.name)
    ).all()
    now = utcnow()
    db.session.execute(
        update(ActivationCode)
        .where(ActivationCode.trainee_id.in_([t.id for t in trainees]), ActivationCode.used_at.is_(None))
        .values(expires_at=now)
    )
    slips = []
    for trainee in trainees:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        db.session.add(
            ActivationCode(
                trainee=trainee, code_hash=_digest(code), expires_at=now + VALID_FOR, created_by_id=issued_by_id
            )
        )
        slips.append(Slip(trainee, code))
    audit.record("activation_slips_issued", "cohort", cohort_id, after={"count": len(slips)})
    return slips


def pending_code(code: str) -> ActivationCode:
    """The live activation code, or ActivationRefused with one message for every bad case."""
    found = db.session.scalar(select(ActivationCode).where(ActivationCode.code_hash == _digest(normalize_code(code))))
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        raise ActivationRefused(
            _("This code is not valid. It may be mistyped, used or expired; ask your training centre for a new slip.")
        )
    return found


def _username_for(trainee: Trainee) -> str:
    """The phone number, easy to remember, unless someone has it already."""
    if trainee.phone and not db.session.scalar(select(User.id).where(func.lower(User.username) == trainee.phone)):
        return trainee.phone
    return f"t{trainee.id}"


def activate(code: str, password: str) -> User:
    """Use a code once: create the trainee's account with their own password."""
    activation = pending_code(code)
    trainee = activation.trainee
    if trainee.account is not None:
        raise ActivationRefused(_("This person already has an account; sign in instead."))
    user = User(username=_username_for(trainee), role=Role.TRAINEE, trainee=trainee, display_name=trainee.name)
    set_password(user, password)
    db.session.add(user)
    activation.used_at = utcnow()
    db.session.flush()
    audit.record(
        "account_activated",
        "user",
        user.id,
        actor_id=user.id,
        actor_name=user.username,
        after={"trainee_id": trainee.id},
    )
    return user

"""The trainee registry: create and update people, look them up, reveal an ID number (audited).

An ID number registered in another county: a county coordinator must learn enough not to
register the person twice, and no more (not where, not who), or the form would be an oracle
of who lives where. So the answer names neither county nor person, each person so answered is
an audit event (once a day per user), and a user answered about more than
REGISTERED_ELSEWHERE_LIMIT people in 24 hours may register or import nobody until the day has
passed: after the limit, no answer at all, not even "not registered".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import insert, select

from training import audit
from training.exceptions import DomainError
from training.extensions import db
from training.identity import mask_id_number
from training.models import AuditEvent, Role, Trainee, TraineeCategory, User, utcnow
from training.trainees.rules import identity_facts


class TraineeRefused(DomainError):
    pass


class LookupsPaused(TraineeRefused):
    """The user was told about too many people registered elsewhere today."""


REGISTERED_ELSEWHERE = "id_number_registered_elsewhere"  # the audit action
LOOKUP_WINDOW = timedelta(hours=24)


def registered_elsewhere_message() -> str:
    return _("This ID number is already registered. Contact the city coordinator.")


def only_county(user: User) -> str | None:
    """The only county whose people a user may register or import: a county coordinator's (None: any)."""
    return user.county_code if user.role == Role.COORDINATOR else None


def registered_elsewhere(trainee: Trainee, only_county: str | None) -> bool:
    """Whether a user limited to only_county (None: every county) must not learn where trainee is registered."""
    return bool(only_county) and trainee.county_code not in (None, only_county)


def _answered(user_id: int | None, now: datetime) -> set[str]:
    """The people registered elsewhere this user was told about in the last 24 hours."""
    return set(
        db.session.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.action == REGISTERED_ELSEWHERE,
                AuditEvent.actor_id == user_id,
                AuditEvent.at >= now - LOOKUP_WINDOW,
            )
        )
    )


def _paused() -> LookupsPaused:
    return LookupsPaused(
        _(
            "You have entered the ID numbers of too many people registered in other counties "
            "today, so registering and importing are paused for you for 24 hours. "
            "Contact the city coordinator."
        )
    )


def guard_lookups(user_id: int | None, *, limit: int, now: datetime) -> None:
    """Refuse to answer anything about ID numbers once this user is past the day's limit."""
    if len(_answered(user_id, now)) > limit:
        raise _paused()


def answer_registered_elsewhere(trainee_ids: list[int], *, user_id: int | None, limit: int, now: datetime) -> None:
    """Record that this user is told these people are registered elsewhere (an audit event each, once
    a day); LookupsPaused if that takes them past the limit. The caller commits, refused or not."""
    answered = _answered(user_id, now)
    new = [i for i in dict.fromkeys(trainee_ids) if str(i) not in answered]
    if new:
        audit.record_many(REGISTERED_ELSEWHERE, "trainee", [(i, None, None) for i in new], at=now)
    if len(answered) + len(new) > limit:
        raise _paused()


def register_trainee(
    data: TraineeData, *, user_id: int | None, only_county: str | None, limit: int, now: datetime
) -> Trainee:
    """create_trainee for a user limited to only_county: a person registered elsewhere is refused
    without saying where, audited and limited (see the module's docstring)."""
    if only_county:
        guard_lookups(user_id, limit=limit, now=now)
        existing = find_by_id_number(data.id_number)
        if existing is not None and registered_elsewhere(existing, only_county):
            answer_registered_elsewhere([existing.id], user_id=user_id, limit=limit, now=now)
            raise TraineeRefused(registered_elsewhere_message())
    return create_trainee(data)


@dataclass
class TraineeData:
    """Validated fields of one person, from a form or a sheet row."""

    id_number: str
    name: str
    phone: str | None = None
    county_code: str | None = None
    town: str = ""
    village: str = ""
    education: str = ""
    categories: set[str] = field(default_factory=set)


def find_by_id_number(id_number: str) -> Trainee | None:
    return db.session.scalar(select(Trainee).where(Trainee.id_number == id_number))


def _data_snapshot(data: TraineeData) -> dict:
    """What is stored of a person, ID number masked, for audit events."""
    return {
        "id_number": mask_id_number(data.id_number),
        "name": data.name,
        "phone": data.phone,
        "county_code": data.county_code,
        "town": data.town,
        "village": data.village,
        "education": data.education,
        "categories": sorted(data.categories),
    }


def snapshot(trainee: Trainee) -> dict:
    return _data_snapshot(
        TraineeData(
            trainee.id_number,
            trainee.name,
            trainee.phone,
            trainee.county_code,
            trainee.town,
            trainee.village,
            trainee.education,
            trainee.category_set,
        )
    )


def differs(trainee: Trainee, data: TraineeData) -> bool:
    """Whether applying data would change anything."""
    return (
        trainee.name != data.name
        or trainee.phone != data.phone
        or trainee.county_code != data.county_code
        or trainee.town != data.town
        or trainee.village != data.village
        or trainee.education != data.education
        or trainee.category_set != set(data.categories)
    )


def _apply(trainee: Trainee, data: TraineeData) -> None:
    trainee.name, trainee.phone, trainee.county_code = data.name, data.phone, data.county_code
    trainee.town, trainee.village, trainee.education = data.town, data.village, data.education
    current = trainee.category_set
    wanted = set(data.categories)
    trainee.categories[:] = [c for c in trainee.categories if c.category in wanted]
    trainee.categories.extend(TraineeCategory(category=c) for c in sorted(wanted - current))


def create_trainee(data: TraineeData, audit_action: str = "trainee_created") -> Trainee:
    """A new person; the same ID number never makes two trainees."""
    (trainee_id,) = create_trainees([data], audit_action)
    return db.session.get_one(Trainee, trainee_id)


def update_trainee(trainee: Trainee, data: TraineeData, audit_action: str = "trainee_updated") -> bool:
    """Apply changed fields (the ID number itself never changes here); False when nothing changed."""
    if not differs(trainee, data):
        return False
    before = snapshot(trainee)
    _apply(trainee, data)
    audit.record(audit_action, "trainee", trainee.id, before=before, after=snapshot(trainee))
    return True


def reveal_id_number(trainee: Trainee, reason: str = "") -> str:
    """The full ID number, for a coordinator who asked to see it; the viewing is audited."""
    audit.record("id_number_viewed", "trainee", trainee.id, after={"reason": reason[:200]})
    return trainee.id_number


def registry_query(scope, text: str = "", county_code: str = "", category: str = ""):
    """The registry list as a select(), newest first: search by name or phone (IDs: see the find form)."""
    from sqlalchemy.orm import joinedload, selectinload

    from training.search import contains

    query = select(Trainee).where(scope)
    text = text.strip()
    if text:
        query = query.where(contains(Trainee.name, text) | contains(Trainee.phone, text))
    if county_code:
        query = query.where(Trainee.county_code == county_code)
    if category:
        query = query.where(Trainee.categories.any(TraineeCategory.category == category))
    return query.options(joinedload(Trainee.county), selectinload(Trainee.categories)).order_by(Trainee.id.desc())


def enrollment_history(trainee_id: int):
    """The person's enrollments with cohort and course, newest first."""
    from sqlalchemy.orm import joinedload

    from training.models import Cohort, Enrollment

    return db.session.scalars(
        select(Enrollment)
        .where(Enrollment.trainee_id == trainee_id)
        .options(joinedload(Enrollment.cohort).joinedload(Cohort.course))
        .order_by(Enrollment.applied_at.desc())
    ).all()


def create_trainees(people: list[TraineeData], audit_action: str = "trainee_created") -> list[int]:
    """New people in bulk (an import, or one from the form): one lookup per 500 ID numbers,
    one INSERT per table, an audit event each. Returns their ids in the order given."""
    numbers = [data.id_number for data in people]
    for start in range(0, len(numbers), 500):
        taken = db.session.scalar(
            select(Trainee.id_number).where(Trainee.id_number.in_(numbers[start : start + 500])).limit(1)
        )
        if taken:
            raise TraineeRefused(
                _("A trainee with the ID number %(number)s is already registered.", number=mask_id_number(taken))
            )
    if not people:
        return []
    now = utcnow()
    rows = []
    for data in people:
        gender, birth_date = identity_facts(data.id_number)
        rows.append(
            dict(
                id_number=data.id_number,
                gender=gender,
                birth_date=birth_date,
                name=data.name,
                phone=data.phone,
                county_code=data.county_code,
                town=data.town,
                village=data.village,
                education=data.education,
                created_at=now,
                updated_at=now,
            )
        )
    ids = list(db.session.scalars(insert(Trainee).returning(Trainee.id, sort_by_parameter_order=True), rows))
    categories = [
        dict(trainee_id=i, category=c) for i, data in zip(ids, people, strict=True) for c in sorted(data.categories)
    ]
    if categories:
        db.session.execute(insert(TraineeCategory), categories)
    audit.record_many(audit_action, "trainee", [(i, None, _data_snapshot(d)) for i, d in zip(ids, people, strict=True)])
    return ids

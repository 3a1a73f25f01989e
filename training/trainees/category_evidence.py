"""The proof of a trainee's household category (脱贫 record, 低保 certificate, 就业创业证 …): what it
is and its number, who recorded it and when, as a subsidy claim needs it.

Which categories need proof is the setting CLAIM_EVIDENCE_CATEGORIES (comma-separated
HouseholdCategory values), parsed once when the app starts (init_app): an unknown value stops
the start with a message naming it and the values there are.

A category is a specific identity under PIPL (art. 28: 脱贫, 低保 status), and the proof's number
may hold an ID number (a 残疾人证 number is one plus two digits). So the proof is shown only to
those who keep the person's record (can_edit_trainee: their county's coordinators, the city's,
admins), and then masked (mask_evidence: the words kept, every number but its last 4 characters
hidden); others who see the person learn only whether the proof is recorded. The audit trail
holds it masked too: the full text is in trainee_category alone. Recording replaces the proof
and who recorded it; the caller commits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from training import audit
from training.exceptions import DomainError
from training.extensions import db
from training.labels import HOUSEHOLD_CATEGORIES
from training.models import HouseholdCategory, Trainee, TraineeCategory, User

SETTING = "CLAIM_EVIDENCE_CATEGORIES"
MAX_LENGTH = 120  # TraineeCategory.evidence
# A run of letters, digits and the dashes or slashes numbers are written with, holding a digit.
_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z/-]*[0-9A-Za-z]")
_ORDER = {category.value: index for index, category in enumerate(HouseholdCategory)}


class EvidenceRefused(DomainError):
    pass


def parse_categories_needing_evidence(text: str) -> frozenset[str]:
    """The categories a setting names; ValueError naming what is unknown and what is allowed."""
    named = {word.strip() for word in (text or "").split(",") if word.strip()}
    known = {category.value for category in HouseholdCategory}
    if unknown := named - known:
        raise ValueError(
            f"{SETTING}: unknown household categories {', '.join(sorted(unknown))}; "
            f"use a comma-separated list of {', '.join(category.value for category in HouseholdCategory)}"
        )
    return frozenset(named)


def init_app(app: Flask) -> None:
    """Parse the setting once, at start-up; the app does not start with a wrong one."""
    app.extensions[SETTING] = parse_categories_needing_evidence(str(app.config.get(SETTING, "")))


def categories_needing_evidence() -> frozenset[str]:
    """The household categories whose proof a claim needs (parsed at start-up)."""
    return current_app.extensions[SETTING]


def mask_evidence(text: str | None) -> str:
    """脱贫户信息系统编号 ******0012: the words kept, every number but its last 4 characters hidden."""

    def hide(number: re.Match) -> str:
        value = number.group()
        if not any(c.isdigit() for c in value) or len(value) <= 4:
            return value
        return "*" * (len(value) - 4) + value[-4:]

    return _NUMBER.sub(hide, text or "")


@dataclass(frozen=True)
class CategoryProof:
    """One household category of a trainee's page, with its proof as the viewer may see it."""

    category: str
    needed: bool  # a claim needs its proof
    recorded: bool
    shown: str | None = None  # the proof, masked; None for those who may not see it
    recorded_by: str | None = None
    recorded_at: datetime | None = None

    @property
    def missing(self) -> bool:
        return self.needed and not self.recorded


def panel(trainee_id: int, *, may_see_proof: bool) -> list[CategoryProof]:
    """The trainee's categories with their proof, in the categories' order: one statement."""
    rows = db.session.execute(
        select(TraineeCategory, User.display_name, User.username)
        .outerjoin(User, User.id == TraineeCategory.evidence_recorded_by_id)
        .where(TraineeCategory.trainee_id == trainee_id)
    ).all()
    needed = categories_needing_evidence()
    proofs = []
    for category, display_name, username in sorted(rows, key=lambda row: _ORDER.get(row[0].category, 99)):
        recorded = bool(category.evidence)
        seen = may_see_proof and recorded
        proofs.append(
            CategoryProof(
                category=category.category,
                needed=category.category in needed,
                recorded=recorded,
                shown=mask_evidence(category.evidence) if seen else None,
                recorded_by=(display_name or username) if seen else None,
                recorded_at=category.evidence_recorded_at if seen else None,
            )
        )
    return proofs


def record_evidence(trainee: Trainee, category: str, evidence: str, *, user_id: int, now: datetime) -> bool:
    """Record (or replace) the proof of one of the trainee's categories; False when it is unchanged."""
    held = next((c for c in trainee.categories if c.category == category), None)
    if held is None:
        label = HOUSEHOLD_CATEGORIES.get(category, category)
        raise EvidenceRefused(
            _("%(name)s is not registered as %(category)s: add the category first.", name=trainee.name, category=label)
        )
    text = " ".join(unicodedata.normalize("NFKC", evidence or "").split())
    if not text:
        raise EvidenceRefused(_("Write what the proof is and its number, such as 脱贫户信息系统编号 6109240012."))
    if len(text) > MAX_LENGTH:
        raise EvidenceRefused(_("At most %(n)d characters.", n=MAX_LENGTH))
    if text == held.evidence:
        return False
    before = {"category": category, "evidence": mask_evidence(held.evidence)} if held.evidence else None
    held.evidence, held.evidence_recorded_by_id, held.evidence_recorded_at = text, user_id, now
    after = {"category": category, "evidence": mask_evidence(text)}
    audit.record("category_evidence_recorded", "trainee", trainee.id, before=before, after=after)
    return True

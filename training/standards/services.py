"""The catalogue of subsidy standards: keeping it, finding the standard in force, freezing it on a cohort.

Functions over db.session that raise StandardRefused instead of returning flags; they never
commit. Every change is audited with its before and after. Two standards of the same
occupation, level and training type in force on the same day are refused (rules.py); on
PostgreSQL writers of the catalogue take one transaction lock first, so two at once cannot both
pass that check (SQLite lets one writer at a time by itself). A cohort's frozen standard is
freezing.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, text

from training import audit
from training.exceptions import DomainError
from training.extensions import db
from training.labels import TRAINING_TYPES, VOCATIONAL_LEVELS
from training.models import Cohort, SubsidyStandard, TrainingType
from training.search import contains
from training.standards.rules import MAX_HOURS, MAX_YUAN, Period, in_force_on, overlapping

CATALOGUE_LOCK = 613_013  # pg_advisory_xact_lock key of the catalogue's writers (培训需求目录)


class StandardRefused(DomainError):
    pass


@dataclass
class StandardDetails:
    occupation: str
    level: int
    training_type: str
    yuan: Decimal
    min_hours: int
    valid_from: date
    valid_to: date | None = None

    @property
    def period(self) -> Period:
        return Period(self.valid_from, self.valid_to)

    @property
    def group(self) -> tuple[str, int, str]:
        """Occupation, level and training type: the standards whose periods may not overlap."""
        return (self.occupation.strip(), self.level, self.training_type)

    @classmethod
    def of(cls, standard: SubsidyStandard) -> StandardDetails:
        return cls(
            standard.occupation,
            standard.level,
            standard.training_type,
            standard.yuan,
            standard.min_hours,
            standard.valid_from,
            standard.valid_to,
        )


def snapshot(standard: SubsidyStandard) -> dict:
    return {
        "occupation": standard.occupation,
        "level": standard.level,
        "training_type": standard.training_type,
        "yuan": str(fen(standard.yuan)),
        "min_hours": standard.min_hours,
        "valid_from": standard.valid_from.isoformat(),
        "valid_to": standard.valid_to.isoformat() if standard.valid_to else None,
    }


def fen(yuan: Decimal) -> Decimal:
    """An amount of yuan to the fen, as stored and as the audit trail writes it."""
    return Decimal(yuan).quantize(Decimal("0.01"))


def describe(occupation: str, level: int, training_type: str) -> str:
    """足部修护师 · 五级/初级工 · 项目制, in the user's language."""
    return " · ".join(
        [occupation, str(VOCATIONAL_LEVELS.get(level, level)), str(TRAINING_TYPES.get(training_type, training_type))]
    )


def describe_period(period: Period) -> str:
    start = format_date(period.valid_from, "medium")
    if period.valid_to is None:
        return _("from %(start)s, no end", start=start)
    return _("%(start)s to %(end)s", start=start, end=format_date(period.valid_to, "medium"))


# ---- reading ---------------------------------------------------------------------------------


def catalogue_query(text_filter: str | None = None, training_type: str | None = None, on: date | None = None) -> Select:
    """The catalogue, by occupation, level (5 first), training type and newest period first."""
    query = select(SubsidyStandard).order_by(
        SubsidyStandard.occupation,
        SubsidyStandard.level.desc(),
        SubsidyStandard.training_type,
        SubsidyStandard.valid_from.desc(),
    )
    if text_filter and text_filter.strip():
        query = query.where(contains(SubsidyStandard.occupation, text_filter))
    if training_type:
        query = query.where(SubsidyStandard.training_type == training_type)
    if on is not None:
        query = query.where(in_force_on(on))
    return query


def in_force(occupation: str, level: int, training_type: str, on: date) -> SubsidyStandard | None:
    """The standard of this occupation, level and training type in force on that day, if any."""
    return db.session.scalars(
        select(SubsidyStandard)
        .where(
            SubsidyStandard.occupation == occupation.strip(),
            SubsidyStandard.level == level,
            SubsidyStandard.training_type == training_type,
            in_force_on(on),
        )
        .order_by(SubsidyStandard.valid_from.desc())
        .limit(1)
    ).first()


def frozen_by(standard_ids: list[int]) -> dict[int, int]:
    """How many cohorts froze each of these standards."""
    rows = db.session.execute(
        select(Cohort.standard_id, func.count())
        .where(Cohort.standard_id.in_(standard_ids))
        .group_by(Cohort.standard_id)
    )
    return {standard_id: count for standard_id, count in rows.tuples() if standard_id is not None}


# ---- keeping the catalogue -------------------------------------------------------------------


def lock_catalogue() -> None:
    """Wait for any other writer of the catalogue to finish (PostgreSQL; SQLite has one writer at a time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CATALOGUE_LOCK})


def _check(details: StandardDetails, standard: SubsidyStandard | None) -> None:
    if not details.occupation.strip():
        raise StandardRefused(_("The occupation is missing."))
    if details.level not in VOCATIONAL_LEVELS:
        raise StandardRefused(_("The level is one of the national levels 5 to 1."))
    if details.training_type not in set(TrainingType):
        raise StandardRefused(_("Unknown training type."))
    if not 0 <= details.yuan <= MAX_YUAN:
        raise StandardRefused(_("The amount is between 0 and %(max)s yuan.", max=f"{MAX_YUAN:,}"))
    if not 1 <= details.min_hours <= MAX_HOURS:
        raise StandardRefused(_("The minimum hours are a whole number from 1 to %(max)d.", max=MAX_HOURS))
    if details.valid_to is not None and details.valid_to < details.valid_from:
        raise StandardRefused(_("The end date is before the start date."))
    if standard is not None and frozen_by([standard.id]).get(standard.id):
        kept = (standard.occupation, standard.level, standard.training_type)
        if (details.occupation.strip(), details.level, details.training_type) != kept:
            raise StandardRefused(
                _(
                    "Cohorts have frozen this standard: its occupation, level and training type can no longer "
                    "change. Give it an end date and add a new standard instead."
                )
            )
    other = db.session.scalars(
        select(SubsidyStandard)
        .where(
            SubsidyStandard.occupation == details.occupation.strip(),
            SubsidyStandard.level == details.level,
            SubsidyStandard.training_type == details.training_type,
            SubsidyStandard.id != (standard.id if standard else 0),
            overlapping(details.period),
        )
        .order_by(SubsidyStandard.valid_from)
        .limit(1)
    ).first()
    if other is not None:
        raise StandardRefused(
            overlap_message(
                other.occupation, other.level, other.training_type, Period(other.valid_from, other.valid_to)
            )
        )


def overlap_message(occupation: str, level: int, training_type: str, period: Period) -> str:
    return _(
        "The catalogue already has %(standard)s in force %(period)s: two standards of the same occupation, level "
        "and training type may not be in force on the same day. Give that one an end date first, or choose other dates.",
        standard=describe(occupation, level, training_type),
        period=describe_period(period),
    )


def _apply(standard: SubsidyStandard, details: StandardDetails) -> None:
    standard.occupation = details.occupation.strip()
    standard.level = details.level
    standard.training_type = details.training_type
    standard.yuan = details.yuan
    standard.min_hours = details.min_hours
    standard.valid_from = details.valid_from
    standard.valid_to = details.valid_to


def create_standard(details: StandardDetails) -> SubsidyStandard:
    lock_catalogue()
    _check(details, None)
    standard = SubsidyStandard()
    _apply(standard, details)
    db.session.add(standard)
    db.session.flush()
    audit.record("standard_created", "subsidy_standard", standard.id, after=snapshot(standard))
    return standard


def update_standard(standard: SubsidyStandard, details: StandardDetails) -> bool:
    """Change a standard; cohorts that froze it keep the figures they froze. True if anything changed."""
    lock_catalogue()
    _check(details, standard)
    before = snapshot(standard)
    _apply(standard, details)
    if snapshot(standard) == before:
        return False
    db.session.flush()
    audit.record("standard_updated", "subsidy_standard", standard.id, before=before, after=snapshot(standard))
    return True


def delete_standard(standard: SubsidyStandard) -> None:
    """Only a standard that no cohort froze may go; the others are given an end date."""
    lock_catalogue()
    if frozen_by([standard.id]).get(standard.id):
        raise StandardRefused(
            _("Cohorts have frozen this standard, so it cannot be deleted; give it an end date instead.")
        )
    audit.record("standard_deleted", "subsidy_standard", standard.id, before=snapshot(standard))
    db.session.delete(standard)

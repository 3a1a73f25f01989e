"""A cohort's subsidy standard: the one it would take while a draft, the one it froze when it opened.

When a cohort opens (catalog.services.change_status, the one function that changes a cohort's
status), it takes the standard in force on its start date for its course's occupation and level
and its training type, and copies its figures (yuan, minimum hours); from then on they never
change, whatever happens to the cohort (its start date, its course) or to the standard. A cohort
may open with none: then no subsidy can be claimed for it. Sent back to draft (possible while
nobody has applied), it has not opened: it lets its standard go, and takes the one in force when
it opens again. Each freeze and release is audited; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from training import audit
from training.models import Cohort, CohortStatus, SubsidyStandard
from training.standards.services import fen, in_force


def freeze(cohort: Cohort) -> SubsidyStandard | None:
    """When a cohort opens: copy the standard in force on its start date (or none), audited."""
    course = cohort.course
    standard = in_force(course.occupation, course.level, cohort.training_type, cohort.start_date)
    cohort.standard = standard
    cohort.standard_yuan = fen(standard.yuan) if standard else None
    cohort.standard_min_hours = standard.min_hours if standard else None
    audit.record("cohort_standard_frozen", "cohort", cohort.id, after=_frozen(cohort))
    return standard


def _frozen(cohort: Cohort) -> dict:
    return {
        "standard_id": cohort.standard.id if cohort.standard else cohort.standard_id,
        "standard_yuan": str(fen(cohort.standard_yuan)) if cohort.standard_yuan is not None else None,
        "standard_min_hours": cohort.standard_min_hours,
    }


def release(cohort: Cohort) -> None:
    """When a cohort goes back to draft: it has not opened, so it holds no standard; audited."""
    if cohort.standard_id is None and cohort.standard_yuan is None:
        return
    before = _frozen(cohort)
    cohort.standard = None
    cohort.standard_yuan = cohort.standard_min_hours = None
    audit.record("cohort_standard_released", "cohort", cohort.id, before=before)


@dataclass
class CohortStandard:
    """What the cohort page says of its standard: frozen (or none), or, while a draft, what it would take."""

    frozen: bool
    standard: SubsidyStandard | None
    yuan: Decimal | None
    min_hours: int | None
    course_hours: int
    # The course or training type changed after opening: the frozen standard names other ones.
    differs: bool = False

    @property
    def short_of_hours(self) -> bool:
        return self.min_hours is not None and self.course_hours < self.min_hours


def cohort_standard(cohort: Cohort) -> CohortStandard:
    """The standard panel of the cohort page: cohort.standard and cohort.course are loaded by the caller."""
    course = cohort.course
    if cohort.status == CohortStatus.DRAFT:
        standard = in_force(course.occupation, course.level, cohort.training_type, cohort.start_date)
        return CohortStandard(
            False,
            standard,
            standard.yuan if standard else None,
            standard.min_hours if standard else None,
            course.total_hours,
        )
    standard = cohort.standard
    differs = standard is not None and (standard.occupation, standard.level, standard.training_type) != (
        course.occupation,
        course.level,
        cohort.training_type,
    )
    return CohortStandard(True, standard, cohort.standard_yuan, cohort.standard_min_hours, course.total_hours, differs)

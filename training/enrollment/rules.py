"""The subsidy rules (DESIGN.md) as a pure function over a person's earlier trainings."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

MAX_SUBSIDISED_PER_YEAR = 3

# Statuses in which a training uses up a subsidy: a seat held or the training done.
SUBSIDY_USING = frozenset({"waitlisted", "enrolled", "completed", "failed"})


@dataclass(frozen=True)
class PastTraining:
    cohort_code: str
    course_name: str
    occupation: str
    level: int  # 5 = 初级 … 1 = 高级技师: a smaller number is a higher level
    year: int
    status: str
    subsidised: bool


@dataclass(frozen=True)
class SubsidyConflict:
    rule: str  # "yearly_limit" | "same_course" | "higher_level_done"
    message: object
    trainings: tuple[PastTraining, ...]


def subsidy_conflicts(history: list[PastTraining], occupation: str, level: int, year: int) -> list[SubsidyConflict]:
    """Which subsidy rules a new subsidised training (occupation, level, year) would break."""
    using = [t for t in history if t.subsidised and t.status in SUBSIDY_USING]
    conflicts = []
    this_year = tuple(t for t in using if t.year == year)
    if len(this_year) >= MAX_SUBSIDISED_PER_YEAR:
        conflicts.append(
            SubsidyConflict(
                "yearly_limit",
                _l(
                    "Already %(n)d subsidised trainings in %(year)d; the limit is %(limit)d a year.",
                    n=len(this_year),
                    year=year,
                    limit=MAX_SUBSIDISED_PER_YEAR,
                ),
                this_year,
            )
        )
    same = tuple(t for t in using if t.occupation == occupation and t.level == level)
    if same:
        conflicts.append(
            SubsidyConflict("same_course", _l("The same occupation and level was already subsidised."), same)
        )
    higher = tuple(t for t in history if t.occupation == occupation and t.level < level and t.status == "completed")
    if higher:
        conflicts.append(
            SubsidyConflict(
                "higher_level_done", _l("A higher level of this occupation has already been completed."), higher
            )
        )
    return conflicts

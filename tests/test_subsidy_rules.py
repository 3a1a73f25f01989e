"""The subsidy rules as a table: yearly limit, same course, lower level after a higher one."""

import pytest

from training.enrollment.rules import PastTraining, subsidy_conflicts


def past(occupation="足部修护师", level=5, year=2026, status="completed", subsidised=True, code="X"):
    return PastTraining(code, occupation, occupation, level, year, status, subsidised)


@pytest.mark.parametrize(
    "history, occupation, level, year, rules",
    [
        ([], "茶艺师", 5, 2026, []),
        ([past("A"), past("B")], "茶艺师", 5, 2026, []),
        ([past("A"), past("B"), past("C")], "茶艺师", 5, 2026, ["yearly_limit"]),
        ([past("A"), past("B"), past("C", status="enrolled")], "茶艺师", 5, 2026, ["yearly_limit"]),
        ([past("A"), past("B"), past("C", status="waitlisted")], "茶艺师", 5, 2026, ["yearly_limit"]),
        ([past("A"), past("B"), past("C", status="withdrawn")], "茶艺师", 5, 2026, []),
        ([past("A"), past("B"), past("C", status="applied")], "茶艺师", 5, 2026, []),
        ([past("A"), past("B"), past("C", subsidised=False)], "茶艺师", 5, 2026, []),
        ([past("A", year=2025), past("B", year=2025), past("C", year=2025)], "茶艺师", 5, 2026, []),
        ([past("茶艺师")], "茶艺师", 5, 2027, ["same_course"]),
        ([past("茶艺师", status="failed")], "茶艺师", 5, 2027, ["same_course"]),
        ([past("茶艺师", level=5)], "茶艺师", 4, 2027, []),
        ([past("茶艺师", level=4)], "茶艺师", 5, 2027, ["higher_level_done"]),
        ([past("茶艺师", level=4, status="enrolled")], "茶艺师", 5, 2027, []),
        ([past("茶艺师", level=4, subsidised=False)], "茶艺师", 5, 2027, ["higher_level_done"]),
    ],
    ids=[
        "first",
        "two-this-year",
        "fourth-this-year",
        "third-is-enrolled",
        "third-is-waitlisted",
        "withdrawn-frees-slot",
        "applications-do-not-count",
        "unsubsidised-do-not-count",
        "last-year",
        "same-course",
        "same-course-failed",
        "next-level-up",
        "lower-after-higher",
        "higher-not-finished",
        "higher-done-self-paid",
    ],
)
def test_subsidy_rules(history, occupation, level, year, rules):
    assert [c.rule for c in subsidy_conflicts(history, occupation, level, year)] == rules


def test_a_refusal_names_the_earlier_trainings():
    conflicts = subsidy_conflicts([past("茶艺师", code="HY-2025-01", year=2025)], "茶艺师", 5, 2026)
    assert [t.cohort_code for t in conflicts[0].trainings] == ["HY-2025-01"]

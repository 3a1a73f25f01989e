"""The trainee page's pure rules: hours still needed against the course minimum, and which
enrollment the page is about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from training.main.me import AttendanceProgress, current_enrollment


def progress(attended, scheduled, unmarked=(), min_pct=80) -> AttendanceProgress:
    """`unmarked`: the hours of each session not marked yet."""
    return AttendanceProgress(
        Decimal(str(attended)), Decimal(str(scheduled)), tuple(Decimal(str(hours)) for hours in unmarked), min_pct
    )


@pytest.mark.parametrize(
    ("attended", "scheduled", "min_pct", "needed", "missing", "reached"),
    [
        (0, 40, 80, "32", "32", False),
        (8, 40, 80, "32", "24", False),
        (31.9, 40, 80, "32", "0.1", False),
        (32, 40, 80, "32", "0", True),  # exactly the minimum reaches it
        (40, 40, 80, "32", "0", True),
        (5, 7.5, 83, "6.3", "1.3", False),  # 6.225 rounds up: 6.2 hours would fall short
        (6.3, 7.5, 83, "6.3", "0", True),
        (0, 10, 100, "10", "10", False),
        (0, 0, 80, "0", "0", False),  # no timetable yet: nothing is reached
    ],
)
def test_hours_needed_missing_and_reached(attended, scheduled, min_pct, needed, missing, reached):
    p = progress(attended, scheduled, min_pct=min_pct)

    assert (p.needed, p.missing, p.reached) == (Decimal(needed), Decimal(missing), reached)


@pytest.mark.parametrize(
    ("attended", "scheduled", "unmarked", "reachable"),
    [
        (0, 40, [4] * 10, True),  # nothing marked yet
        (8, 40, [4] * 6, True),  # exactly enough left
        (8, 40, [4] * 5, False),
        (32, 40, [], True),  # already reached
        (0, 40, [], False),
    ],
)
def test_the_minimum_is_reachable_while_unmarked_hours_can_make_up_what_is_missing(
    attended, scheduled, unmarked, reachable
):
    assert progress(attended, scheduled, unmarked).reachable is reachable


@pytest.mark.parametrize(
    ("attended", "scheduled", "unmarked", "classes"),
    [
        (31.2, 40, [4] * 2, 1),  # 0.8 hours missing: one more class, not "0.8 hours"
        (8, 40, [4] * 8, 6),  # 24 hours missing in classes of 4
        (8, 40, [4] * 6, 6),  # exactly enough left: every one of them
        (0, 10, [2, 2, 4, 2], 3),  # 8 hours of 10 (80 %), longest first: 4 + 2 + 2
        (20, 30, [1, 1, 6], 1),  # a long practice day makes up the 4 hours alone
        (32, 40, [4, 4], 0),  # already reached
        (8, 40, [4] * 5, None),  # not enough classes left
    ],
)
def test_what_is_missing_is_counted_in_the_fewest_classes_still_to_attend(attended, scheduled, unmarked, classes):
    assert progress(attended, scheduled, unmarked).classes_missing == classes


@pytest.mark.parametrize(("min_pct", "step"), [(80, 80), (83, 85), (82, 80), (1, 0), (100, 100), (67, 65)])
def test_the_bar_marks_the_minimum_at_the_nearest_five_percent(min_pct, step):
    assert progress(0, 40, min_pct=min_pct).minimum_step == step


def enrollment(n, status, start):
    return SimpleNamespace(id=n, status=status, cohort=SimpleNamespace(start_date=start))


def test_the_page_is_about_the_enrolled_class_that_starts_first():
    newest_first = [
        enrollment(4, "applied", date(2025, 9, 1)),
        enrollment(3, "enrolled", date(2025, 7, 1)),
        enrollment(2, "enrolled", date(2025, 5, 1)),
        enrollment(1, "completed", date(2024, 3, 1)),
    ]

    assert current_enrollment(newest_first).id == 2


def test_without_an_enrolled_class_the_page_is_about_the_newest_enrollment():
    newest_first = [enrollment(2, "waitlisted", date(2025, 9, 1)), enrollment(1, "completed", date(2024, 3, 1))]

    assert current_enrollment(newest_first).id == 2
    assert current_enrollment([]) is None

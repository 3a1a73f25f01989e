"""Placement rules: calendar-correct follow-up dates, wage limits, start and end dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from training.exceptions import InvalidValue
from training.placement.rules import (
    add_months,
    check_end_date,
    check_follow_up_open,
    check_start_date,
    check_wage,
    closed_by_ending,
    follow_up_schedule,
)


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2025, 3, 15), 3, date(2025, 6, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2025, 5, 31), 1, date(2025, 6, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 10, 1), 3, date(2026, 1, 1)),
        (date(2025, 12, 31), 12, date(2026, 12, 31)),
        (date(2025, 12, 15), 0, date(2025, 12, 15)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(start, months, due):
    assert add_months(start, months) == due


def test_a_placement_needs_follow_ups_at_3_6_and_12_months():
    assert follow_up_schedule(date(2025, 11, 30)) == [
        (3, date(2026, 2, 28)),
        (6, date(2026, 5, 30)),
        (12, date(2026, 11, 30)),
    ]


@pytest.mark.parametrize(
    ("wage", "stored"),
    [
        (Decimal("0"), Decimal("0.00")),
        (Decimal("4500"), Decimal("4500.00")),
        (Decimal("6200.456"), Decimal("6200.46")),
        (Decimal("100000"), Decimal("100000.00")),
    ],
)
def test_a_wage_from_nothing_up_to_the_maximum_is_accepted(wage, stored):
    assert check_wage(wage, 100000) == stored


@pytest.mark.parametrize(
    ("wage", "max_wage", "message"),
    [
        (Decimal("-1"), 100000, "cannot be negative"),
        (Decimal("-4500"), 100000, "cannot be negative"),
        (Decimal("100000.01"), 100000, "more than the 100,000 allowed"),
        (Decimal("450000"), 100000, "450,000 yuan a month"),
        (Decimal("30001"), 30000, "more than the 30,000 allowed"),
        (None, 100000, "Give the monthly wage"),
    ],
)
def test_a_negative_missing_or_absurd_wage_is_refused(wage, max_wage, message):
    with pytest.raises(InvalidValue) as refusal:
        check_wage(wage, max_wage)

    assert message in str(refusal.value)


@pytest.mark.parametrize(
    ("start", "accepted"),
    [
        (date(2025, 6, 29), False),
        (date(2025, 6, 30), True),
        (date(2025, 7, 1), True),
    ],
)
def test_a_job_starts_on_or_after_the_last_day_of_training(start, accepted):
    ended = date(2025, 6, 30)
    if accepted:
        assert check_start_date(start, ended) == start
    else:
        with pytest.raises(InvalidValue, match="before the training ended"):
            check_start_date(start, ended)


@pytest.mark.parametrize(
    ("today", "open_"),
    [
        (date(2026, 12, 2), False),  # the job starts on 20 December: its 3-month follow-up is months away
        (date(2027, 3, 13), False),
        (date(2027, 3, 14), True),  # six days ahead: the follow-up list shows it as due this week
        (date(2027, 3, 20), True),
        (date(2027, 9, 1), True),  # overdue
    ],
)
def test_a_follow_up_opens_in_the_week_it_is_due(today, open_):
    due = follow_up_schedule(date(2026, 12, 20))[0][1]
    if open_:
        check_follow_up_open(due, today)
    else:
        with pytest.raises(InvalidValue, match="can be recorded from 2027-03-14"):
            check_follow_up_open(due, today)


def test_a_job_cannot_end_before_it_started():
    with pytest.raises(InvalidValue, match="before the start"):
        check_end_date(date(2025, 7, 1), date(2025, 7, 2))
    assert check_end_date(date(2025, 7, 2), date(2025, 7, 2)) == date(2025, 7, 2)


@pytest.mark.parametrize(
    ("end", "closed"),
    [
        (date(2025, 3, 1), [3, 6, 12]),
        (date(2025, 4, 1), [6, 12]),  # due 1 April: the job still ran that day
        (date(2025, 8, 15), [12]),
        (date(2026, 1, 1), []),
    ],
)
def test_ending_a_job_answers_the_follow_ups_due_after_the_end(end, closed):
    assert closed_by_ending(follow_up_schedule(date(2025, 1, 1)), end) == closed

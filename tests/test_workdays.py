"""China's working-day calendar (training/workdays.py): the package's holidays and make-up working
days, the settings that add a year not yet published, and `calendar add-workdays`."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import base_config
from training import create_app
from training.workdays import Calendar, SettingRefused

OFFICIAL = Calendar()


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        # National Day 2025: 1-8 October off, Sunday 28 September and Saturday 11 October worked.
        (date(2025, 10, 13), -5, date(2025, 9, 29)),
        (date(2025, 10, 13), -1, date(2025, 10, 11)),  # the make-up Saturday counts
        (date(2025, 9, 26), 2, date(2025, 9, 29)),  # Saturday 27 does not, Sunday 28 does
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # the eight days off are skipped
        (date(2025, 10, 13), 0, date(2025, 10, 13)),
        # An ordinary week: Friday to Monday is one working day.
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
        (date(2026, 3, 9), -1, date(2026, 3, 6)),
    ],
)
def test_working_days_are_counted_on_the_official_calendar(day, count, expected):
    assert OFFICIAL.add_workdays(day, count) == expected


def test_a_year_the_package_does_not_hold_is_counted_monday_to_friday_and_said_to_be_provisional():
    assert not OFFICIAL.published(2040)
    assert OFFICIAL.add_workdays(date(2040, 1, 6), 1) == date(2040, 1, 9)  # Friday → Monday
    assert OFFICIAL.provisional(date(2026, 12, 28), date(2040, 1, 1)) == list(range(2027, 2041))
    assert OFFICIAL.provisional(date(2025, 1, 1), date(2026, 12, 31)) == []


def test_the_settings_add_the_dates_of_a_year_not_yet_published():
    calendar = Calendar.from_config(
        {"CALENDAR_HOLIDAYS": "2040-10-01, 2040-10-02,2040-10-03", "CALENDAR_WORKDAYS": "2040-09-29"}
    )
    assert calendar.published(2040)
    # Monday 8 October 2040, 5 working days ahead: back over 3 days off, one worked Saturday.
    assert calendar.add_workdays(date(2040, 10, 8), -5) == date(2040, 9, 27)
    assert calendar.is_workday(date(2040, 9, 29)) and not calendar.is_workday(date(2040, 10, 2))


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"CALENDAR_HOLIDAYS": "2040-13-01"}, "CALENDAR_HOLIDAYS: '2040-13-01' is not a date"),
        ({"CALENDAR_WORKDAYS": "next monday"}, "CALENDAR_WORKDAYS: 'next monday' is not a date"),
        ({"CALENDAR_HOLIDAYS": "2040-10-01", "CALENDAR_WORKDAYS": "2040-10-01"}, "both hold 2040-10-01"),
    ],
)
def test_a_calendar_setting_that_cannot_be_read_stops_the_start(database_url, config, words):
    with pytest.raises(SettingRefused, match=words):
        create_app({**base_config(database_url), **config})


def test_the_command_prints_the_date_and_says_when_it_is_provisional(runner):
    result = runner.invoke(args=["calendar", "add-workdays", "2025-10-13", "-5"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "2025-09-29\n"
    result = runner.invoke(args=["calendar", "add-workdays", "2040-01-06", "1"])
    assert result.stdout == "2040-01-09\n"
    assert "provisional" in result.stderr and "2040" in result.stderr


def test_the_command_refuses_a_date_it_cannot_read(runner):
    result = runner.invoke(args=["calendar", "add-workdays", "13 October", "5"])
    assert result.exit_code == 2
    assert "13 October" in result.output

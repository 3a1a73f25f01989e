"""China's official working-day calendar (法定节假日与调休), for deadlines counted in working days.

The dates of each year come from the maintained `chinesecalendar` package, which holds the
State Council's published arrangements. A year it does not hold yet (the arrangement for the
next year is published in November or December) is given by two settings: CALENDAR_HOLIDAYS,
the days off that fall on weekdays, and CALENDAR_WORKDAYS, the make-up working days (调休) that
fall on weekends, as ISO dates separated by commas. They also correct a date the package got
wrong. A year known to neither is counted Monday to Friday and said to be provisional, so a
deadline is still shown, marked as such, rather than refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
import click
from flask import Flask, current_app

EXTENSION = "workdays"


class SettingRefused(ValueError):
    """A calendar setting that cannot be read; the message names it."""


def _dates(text: str | Iterable[str] | None, name: str) -> frozenset[date]:
    items = text.split(",") if isinstance(text, str) else list(text or ())
    days = set()
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        try:
            days.add(date.fromisoformat(item))
        except ValueError:
            raise SettingRefused(f"{name}: {item!r} is not a date; give ISO dates such as 2027-10-01") from None
    return frozenset(days)


@dataclass(frozen=True)
class Calendar:
    """The official calendar, with the dates the settings add or correct."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            raise SettingRefused(
                f"CALENDAR_HOLIDAYS and CALENDAR_WORKDAYS both hold {', '.join(sorted(map(str, both)))}"
            )

    @classmethod
    def from_config(cls, config: Mapping) -> Calendar:
        return cls(
            _dates(config.get("CALENDAR_HOLIDAYS"), "CALENDAR_HOLIDAYS"),
            _dates(config.get("CALENDAR_WORKDAYS"), "CALENDAR_WORKDAYS"),
        )

    def published(self, year: int) -> bool:
        """Whether the year's arrangement is known: in the package, or given by the settings."""
        if any(day.year == year for day in self.holidays | self.workdays):
            return True
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def add_workdays(self, day: date, count: int) -> date:
        """The date `count` working days after `day` (before it when negative; `day` itself when 0).
        The filing deadline is add_workdays(start, -N): N working days lie between it and the start."""
        step = timedelta(days=1 if count > 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_workday(day):
                remaining -= 1
        return day

    def provisional(self, first: date, last: date) -> list[int]:
        """The years from `first` to `last` whose arrangement is not known (counted Monday to Friday)."""
        low, high = sorted((first, last))
        return [year for year in range(low.year, high.year + 1) if not self.published(year)]


def init_app(app: Flask) -> None:
    """Read the settings once, at start-up: the app does not start with a date it cannot read."""
    app.extensions[EXTENSION] = Calendar.from_config(app.config)
    app.cli.add_command(calendar_cli)


def current() -> Calendar:
    """The calendar of the running app (the package's dates with the settings' additions)."""
    return current_app.extensions[EXTENSION]


@click.group("calendar")
def calendar_cli() -> None:
    """China's working-day calendar, as the filing deadline counts it."""


# ignore_unknown_options: a negative COUNT ("-5") is a number, not an option.
@click.command("add-workdays", context_settings={"ignore_unknown_options": True})
@click.argument("day", metavar="DATE", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("count", type=int)
def add_workdays_command(day, count: int) -> None:
    """Print the date COUNT working days after DATE (YYYY-MM-DD; before it when COUNT is negative)."""
    calendar = current()
    result = calendar.add_workdays(day.date(), count)
    click.echo(result.isoformat())
    years = calendar.provisional(day.date(), result)
    if years:
        click.echo(
            f"provisional: the official arrangement of {', '.join(map(str, years))} is not known, so those days were "
            "counted Monday to Friday; add its dates with CALENDAR_HOLIDAYS and CALENDAR_WORKDAYS",
            err=True,
        )


calendar_cli.add_command(add_workdays_command)

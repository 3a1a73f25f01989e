"""The last day to file a cohort: FILING_WORKING_DAYS working days before its start, on China's
official calendar (training/workdays.py, the same count as `flask --app app calendar add-workdays`).

A filing submitted on the last day is on time; one submitted after it is late and carries a written
reason. When the calendar of a year the count passes through is not published yet, the day is
counted Monday to Friday and said to be provisional."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from training import workdays


@dataclass(frozen=True)
class Deadline:
    day: date
    provisional: bool

    def missed_on(self, today: date) -> bool:
        """Whether filing on `today` is late."""
        return today > self.day


def deadline_for(start: date, calendar: workdays.Calendar, working_days: int) -> Deadline:
    day = calendar.add_workdays(start, -working_days)
    return Deadline(day, bool(calendar.provisional(day, start)))


def deadline_of(start: date) -> Deadline:
    """The running app's deadline for a class starting on `start` (its calendar and setting)."""
    return deadline_for(start, workdays.current(), current_app.config["FILING_WORKING_DAYS"])

"""The schedule generator: sessions on chosen weekdays and times between two dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Slot:
    """A daily time slot: 08:00–12:00, theory."""

    start: time
    end: time
    kind: str = "theory"

    @property
    def hours(self) -> Decimal:
        minutes = (datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)).seconds // 60
        return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class PlannedSession:
    starts_at: datetime
    ends_at: datetime
    hours: Decimal
    kind: str


def plan_sessions(
    first_day: date,
    last_day: date,
    weekdays: Iterable[int],
    slots: Iterable[Slot],
    timezone: str,
    holidays: Iterable[date] = (),
) -> list[PlannedSession]:
    """Sessions for every slot on the given weekdays (0 = Monday), skipping holidays, in UTC."""
    zone = ZoneInfo(timezone)
    days, skip, slots = set(weekdays), set(holidays), list(slots)
    planned = []
    day = first_day
    while day <= last_day:
        if day.weekday() in days and day not in skip:
            for slot in slots:
                starts = datetime.combine(day, slot.start, tzinfo=zone)
                ends = datetime.combine(day, slot.end, tzinfo=zone)
                planned.append(
                    PlannedSession(
                        starts.astimezone(ZoneInfo("UTC")), ends.astimezone(ZoneInfo("UTC")), slot.hours, slot.kind
                    )
                )
        day += timedelta(days=1)
    return planned

"""The completion rule (DESIGN.md), as pure functions: no Flask request, no database.

A trainee completes a cohort when the hours they attended (present or late, and under a
two-mark course signed out or the sign-out confirmed: models.Attendance.counts_hours) are at least
the course's minimum share of the hours of the sessions HELD so far, and both scores are
at least the pass score. A session is held once it has started: sessions still in the
future neither count against the trainee nor for them. When a trainee is not eligible,
`completion_verdict` says why, in the user's language.

Each rule that queries also apply in SQL has its SQL form beside it: `is_held` and `held`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import BindParameter, ColumnElement

from training.models.attendance import counts_hours
from training.models.catalog import ClassSession


def is_held(starts_at: datetime, now: datetime) -> bool:
    """A session counts once it has started; `held` is the same test in SQL."""
    return starts_at <= now


def held(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """is_held in SQL, on ClassSession: the session has started by `now` (negated: still to come)."""
    return ClassSession.starts_at <= now


def meets_minimum(attended_hours: Decimal, scheduled_hours: Decimal, min_attendance_pct: int) -> bool:
    """Attended hours at least the minimum share of the scheduled hours (none scheduled: not met).

    Compared without dividing, so that exactly the minimum passes whatever the hours."""
    if not scheduled_hours:
        return False
    return Decimal(attended_hours) * 100 >= Decimal(min_attendance_pct) * Decimal(scheduled_hours)


@dataclass(frozen=True)
class SessionMark:
    """One session as one trainee saw it: when, how long, and their attendance (None: unmarked);
    a mark made under the two-mark rule counts once signed out."""

    starts_at: datetime
    hours: Decimal
    status: str | None
    signout_required: bool = False
    signed_out: bool = False

    @property
    def counts(self) -> bool:
        return counts_hours(self.status, self.signout_required, self.signed_out)


@dataclass(frozen=True)
class Hours:
    attended: Decimal
    scheduled: Decimal


def tally(marks: Iterable[SessionMark], now: datetime) -> Hours:
    """Attended and scheduled hours over the sessions held by `now`."""
    held = [m for m in marks if is_held(m.starts_at, now)]
    return Hours(
        attended=sum((Decimal(m.hours) for m in held if m.counts), Decimal(0)),
        scheduled=sum((Decimal(m.hours) for m in held), Decimal(0)),
    )


def attendance_rate(attended_hours: Decimal, scheduled_hours: Decimal) -> Decimal:
    """Attended ÷ scheduled hours, 0 when nothing was scheduled."""
    return Decimal(0) if not scheduled_hours else Decimal(attended_hours) / Decimal(scheduled_hours)


def format_percent(rate: Decimal) -> str:
    """A rate as a percentage, rounded down to 0.1 so that a rate below the minimum never reads as it."""
    percent = (Decimal(rate) * 100).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return format_score(percent)


def format_score(value: Decimal) -> str:
    """85 rather than 85.0; 85.5 stays."""
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


@dataclass(frozen=True)
class Shortfall:
    """One reason a trainee does not complete: a rule name for code, a message for people."""

    rule: str  # "no_sessions" | "attendance" | "theory_missing" | "theory_low" | "practical_missing" | "practical_low"
    message: object  # a lazy string; str() renders it in the current language


@dataclass(frozen=True)
class Verdict:
    attended_hours: Decimal
    scheduled_hours: Decimal
    rate: Decimal | None  # None when no session has been held
    shortfalls: tuple[Shortfall, ...]

    @property
    def eligible(self) -> bool:
        return not self.shortfalls

    @property
    def percent(self) -> str | None:
        """The rate as shown to people (rounded down), None when no session has been held."""
        return None if self.rate is None else format_percent(self.rate)

    @property
    def reasons(self) -> list[str]:
        return [str(s.message) for s in self.shortfalls]


def completion_verdict(
    attended_hours: Decimal,
    scheduled_hours: Decimal,
    min_attendance_pct: int,
    theory_score: Decimal | None,
    practical_score: Decimal | None,
    pass_score: int,
) -> Verdict:
    """Whether the trainee completes, with every reason they do not."""
    shortfalls = []
    rate = None
    if not scheduled_hours:
        shortfalls.append(Shortfall("no_sessions", _l("No session has been held yet, so attendance cannot be judged")))
    else:
        rate = attendance_rate(attended_hours, scheduled_hours)
        if not meets_minimum(attended_hours, scheduled_hours, min_attendance_pct):
            shortfalls.append(
                Shortfall(
                    "attendance",
                    _l(
                        "Attendance %(rate)s%%, below %(minimum)d%%",
                        rate=format_percent(rate),
                        minimum=min_attendance_pct,
                    ),
                )
            )
    shortfalls += _score_shortfalls("theory", theory_score, pass_score)
    shortfalls += _score_shortfalls("practical", practical_score, pass_score)
    return Verdict(Decimal(attended_hours), Decimal(scheduled_hours), rate, tuple(shortfalls))


def _score_shortfalls(kind: str, score: Decimal | None, pass_score: int) -> list[Shortfall]:
    if score is None:
        message = _l("No theory score entered") if kind == "theory" else _l("No practical score entered")
        return [Shortfall(f"{kind}_missing", message)]
    if score < pass_score:
        values = {"score": format_score(score), "pass_score": pass_score}
        message = (
            _l("Theory score %(score)s, below the pass score %(pass_score)d", **values)
            if kind == "theory"
            else _l("Practical score %(score)s, below the pass score %(pass_score)d", **values)
        )
        return [Shortfall(f"{kind}_low", message)]
    return []


def meets_completion(
    attended_hours: Decimal,
    scheduled_hours: Decimal,
    min_attendance_pct: int,
    theory_score: Decimal | None,
    practical_score: Decimal | None,
    pass_score: int,
) -> bool:
    """Attendance at or above the course minimum, and both scores at or above the pass score."""
    return completion_verdict(
        attended_hours, scheduled_hours, min_attendance_pct, theory_score, practical_score, pass_score
    ).eligible

"""The completion rule (DESIGN.md), as pure functions."""
from __future__ import annotations

from decimal import Decimal


def attendance_rate(attended_hours: Decimal, scheduled_hours: Decimal) -> Decimal:
    """Attended ÷ scheduled hours, 0 when nothing was scheduled."""
    return Decimal(0) if not scheduled_hours else Decimal(attended_hours) / Decimal(scheduled_hours)


def meets_completion(
    attended_hours: Decimal,
    scheduled_hours: Decimal,
    min_attendance_pct: int,
    theory_score: Decimal | None,
    practical_score: Decimal | None,
    pass_score: int,
) -> bool:
    """Attendance at or above the course minimum, and both scores at or above the pass score."""
    if theory_score is None or practical_score is None or not scheduled_hours:
        return False
    return (
        attendance_rate(attended_hours, scheduled_hours) * 100 >= min_attendance_pct
        and theory_score >= pass_score
        and practical_score >= pass_score
    )

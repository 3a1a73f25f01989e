"""Attendance marks: one per enrollment and session, with how and by whom."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.catalog import ClassSession
from training.models.enrollment import Enrollment
from training.models.people import User
from training.orm import one_of, utcnow


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"


# The marks whose hours count as attended (the completion rule); absent and excused do not.
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
# The marks of a session the trainee did not miss: attended, or excused (leave the trainer granted).
# Absence warnings count the sessions ended since the last of these (training/attendance/warnings.py).
NOT_MISSED = ATTENDED | {AttendanceStatus.EXCUSED}


class MarkMethod(enum.StrEnum):
    ROSTER = "roster"
    QR = "qr"
    CODE = "code"
    CORRECTION = "correction"


class Attendance(Model):
    __table_args__ = (
        UniqueConstraint("enrollment_id", "session_id"),
        one_of("status", AttendanceStatus),
        one_of("method", MarkMethod),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("class_session.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(12), default=MarkMethod.ROSTER)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped on every change: a roster page posts the versions it loaded (optimistic check).
    version: Mapped[int] = mapped_column(default=1)

    enrollment: Mapped[Enrollment] = relationship()
    session: Mapped[ClassSession] = relationship()
    marked_by: Mapped[User | None] = relationship()

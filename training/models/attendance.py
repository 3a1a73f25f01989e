"""Attendance marks: one per enrollment and session, with how and by whom."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, String, Text, UniqueConstraint, and_, false, or_
from sqlalchemy.ext.hybrid import hybrid_property
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
# A mark made under a course's two-mark rule counts only once signed out too: Attendance.counts_hours.
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
# The marks of a session the trainee did not miss: attended, or excused (leave the trainer granted).
# Absence warnings count the sessions ended since the last of these (training/attendance/warnings.py).
NOT_MISSED = ATTENDED | {AttendanceStatus.EXCUSED}


class MarkMethod(enum.StrEnum):
    ROSTER = "roster"
    QR = "qr"
    CODE = "code"
    CORRECTION = "correction"


# How a sign-out was made: the trainee's own scan or code, or the trainer's confirmation on the roster.
SIGNOUT_METHODS = (MarkMethod.QR, MarkMethod.CODE, MarkMethod.ROSTER)


class Attendance(Model):
    """One mark per enrollment and session. Under a two-mark course (Course.marks_per_session = 2)
    the mark is the sign-in (marked_at) and the row also holds the sign-out: signed_out_at, its
    method, who made it and, for the trainer's confirmation, why. signout_required is the course's
    rule when the row was first written, so changing the course's setting never recounts past marks."""

    __table_args__ = (
        UniqueConstraint("enrollment_id", "session_id"),
        one_of("status", AttendanceStatus),
        one_of("method", MarkMethod),
        CheckConstraint(
            "signout_method IN ('qr', 'code', 'roster')",
            name="signout_method_valid",
        ),
        CheckConstraint(
            "signout_method IS NULL OR signed_out_at IS NOT NULL",
            name="signout_has_time",
        ),
        CheckConstraint(
            "signout_method IS NULL OR signout_method <> 'roster' OR signout_reason IS NOT NULL",
            name="signout_confirmation_has_reason",
        ),
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
    signout_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    signed_out_at: Mapped[datetime | None]
    signout_method: Mapped[str | None] = mapped_column(String(12))
    signout_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signout_reason: Mapped[str | None] = mapped_column(Text)

    enrollment: Mapped[Enrollment] = relationship()
    session: Mapped[ClassSession] = relationship()
    marked_by: Mapped[User | None] = relationship(foreign_keys=[marked_by_id])
    signout_by: Mapped[User | None] = relationship(foreign_keys=[signout_by_id])

    @hybrid_property
    def counts_hours(self) -> bool:
        """The session's hours count as attended: present or late, and signed out when the rule asks it."""
        return counts_hours(self.status, self.signout_required, self.signed_out_at is not None)

    @counts_hours.inplace.expression
    @classmethod
    def _counts_hours_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status.in_(ATTENDED), or_(cls.signout_required.is_(False), cls.signed_out_at.is_not(None)))

    @hybrid_property
    def awaits_signout(self) -> bool:
        """Signed in under the two-mark rule and not out yet: the hours may still count (a sign-out
        or the trainer's confirmation), so the session is still open, neither attended nor missed."""
        return self.status in ATTENDED and self.signout_required and self.signed_out_at is None

    @awaits_signout.inplace.expression
    @classmethod
    def _awaits_signout_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status.in_(ATTENDED), cls.signout_required.is_(True), cls.signed_out_at.is_(None))


def counts_hours(status: str | None, signout_required: bool, signed_out: bool) -> bool:
    """Attendance.counts_hours for a mark held in hand (the completion rule's tally)."""
    return status in ATTENDED and (not signout_required or signed_out)


class CheckinKind(enum.StrEnum):
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"


class PositionState(enum.StrEnum):
    """What a self check-in's position says, worked out by attendance/position.judge."""

    INSIDE = "inside"  # within the cohort's radius of its site
    OUTSIDE = "outside"
    REFUSED = "refused"  # the trainee consented, then the browser was refused the position
    UNAVAILABLE = "unavailable"  # no fix, no JavaScript, or a timeout
    NO_CONSENT = "no_consent"  # never asked: the trainee has not consented (or withdrew)
    IMPLAUSIBLE = "implausible"  # absurd coordinates or accuracy: stored as such, never an error
    NO_SITE = "no_site"  # a position, but the cohort's site has none to measure from


# The states the supervisor's view flags: anything but a position inside the radius.
POSITION_FLAGGED = frozenset(PositionState) - {PositionState.INSIDE}


class CheckinRecord(Model):
    """One row per self-mark (a trainee's own sign-in or sign-out by QR or code): where and from
    which phone, so the supervisor's view can drill down. latitude and longitude are removed after
    CHECKIN_POSITION_KEEP_DAYS (attendance/position.forget_old_positions); the distance, the
    accuracy and the state stay."""

    __table_args__ = (
        one_of("kind", CheckinKind),
        one_of("position_state", PositionState),
        CheckConstraint("method IN ('qr', 'code')", name="method_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendance.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    method: Mapped[str] = mapped_column(String(12))
    position_state: Mapped[str] = mapped_column(String(12))
    distance_m: Mapped[int | None]
    accuracy_m: Mapped[int | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    device_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # The phone sent a device cookie whose signature did not hold: it was replaced by a new id.
    device_forged: Mapped[bool] = mapped_column(default=False, server_default=false())

    attendance: Mapped[Attendance] = relationship()

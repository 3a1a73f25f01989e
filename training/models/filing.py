"""A cohort's class-opening filing (开班备案) and the changes filed after its approval."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.catalog import Cohort
from training.models.people import User
from training.orm import one_of, utcnow


class FilingStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    # Sent back with the reasons: corrected (prepared again) and submitted again, the same filing.
    RETURNED = "returned"
    APPROVED = "approved"


# While the filing may still be prepared again from the records; after submission its snapshot is what was filed.
PREPARABLE = (FilingStatus.DRAFT, FilingStatus.RETURNED)


class Filing(Model):
    """The filing of a cohort, one per cohort: its snapshot of the class as filed, and its review."""

    __table_args__ = (
        one_of("status", FilingStatus),
        CheckConstraint("NOT late OR late_reason IS NOT NULL", name="late_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=FilingStatus.DRAFT, index=True)
    # The last day to file (FILING_WORKING_DAYS working days before the start), as last counted.
    deadline: Mapped[date]
    # Course, standard, class and site, timetable, trainers, roster, assessment, employer (filing/snapshot.py).
    snapshot: Mapped[dict] = mapped_column(JSON)
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    prepared_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(default=False)
    late_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    # Every return, oldest first: [{"reason": …, "by": user id, "at": ISO time}].
    returns: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    prepared_by: Mapped[User] = relationship(foreign_keys=[prepared_by_id])
    changes: Mapped[list[FilingChange]] = relationship(
        back_populates="filing", order_by="FilingChange.id", cascade="all, delete-orphan"
    )


class FilingChange(Model):
    """A change to an approved filing (变更): why, and each part of the snapshot it changed, before and after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filing.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    # {"timetable": {"before": [...], "after": [...]}, …}: only the parts that changed.
    changes: Mapped[dict] = mapped_column(JSON)
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[datetime | None]

    filing: Mapped[Filing] = relationship(back_populates="changes")

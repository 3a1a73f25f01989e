"""A trainee's place in a cohort, with scores and the decisions taken on it."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.catalog import Cohort
from training.models.people import Trainee, User
from training.orm import one_of, utcnow


class EnrollmentStatus(enum.StrEnum):
    APPLIED = "applied"
    WAITLISTED = "waitlisted"
    ENROLLED = "enrolled"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"
    FAILED = "failed"


# Who holds or held a seat of a cohort: its enrolled count (已入班) and what its capacity is
# measured against. Finalising turns enrolled into completed or failed and they keep their seat,
# so a finalised class neither looks empty nor takes more than its capacity; seats are counted
# per cohort, so it never blocks a seat of the next class.
# The same people are the cohort's roster (a line to mark) and those it assesses.
SEATED = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED, EnrollmentStatus.FAILED)
# Who still waits for or sits in a place that withdrawing or declining would free: a person holds
# at most one such enrollment per cohort, and a cohort with any cannot go back to draft.
HOLDING_A_PLACE = (EnrollmentStatus.APPLIED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.ENROLLED)


class Enrollment(Model):
    __table_args__ = (
        UniqueConstraint("trainee_id", "cohort_id"),
        # Seat counts and rosters ask for a cohort's enrollments of one status.
        Index("ix_enrollment_cohort_status", "cohort_id", "status"),
        one_of("status", EnrollmentStatus),
        CheckConstraint("theory_score BETWEEN 0 AND 100", name="theory_score_range"),
        CheckConstraint("practical_score BETWEEN 0 AND 100", name="practical_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainee.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    status: Mapped[str] = mapped_column(String(20), default=EnrollmentStatus.APPLIED)
    subsidised: Mapped[bool] = mapped_column(default=True)
    subsidy_override_reason: Mapped[str | None] = mapped_column(Text)
    # Who wrote the override reason: someone else approves it (an applied enrollment waits until then).
    override_prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    theory_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    practical_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    waitlisted_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # Enrolled although the trainee's sessions in another cohort overlap this one's: the coordinator's
    # reason, which the class-opening filing lists.
    overlap_reason: Mapped[str | None] = mapped_column(Text)

    trainee: Mapped[Trainee] = relationship()
    cohort: Mapped[Cohort] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    override_prepared_by: Mapped[User | None] = relationship(foreign_keys=[override_prepared_by_id])

    @property
    def awaits_override_approval(self) -> bool:
        return self.status == EnrollmentStatus.APPLIED and self.override_prepared_by_id is not None

"""Phone sampling (电话抽查): each call made to a trainee of a cohort's sample, and what it found."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.catalog import Cohort, CohortStatus
from training.models.enrollment import Enrollment
from training.models.people import User
from training.orm import one_of, utcnow


class SampleOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"  # reached, and they confirmed attending the class
    DENIED = "denied"  # reached, and they denied attending it: the cohort is marked for review
    UNREACHABLE = "unreachable"


# The cohorts phone sampling covers: those that run or ran (the "running or finished").
SAMPLED = (CohortStatus.RUNNING, CohortStatus.FINISHED)


class SampleCall(Model):
    """One call to a sampled trainee. Calls are only ever added, never changed: a second call after an
    unreachable one is a new row, and a denial stays on the record whatever a later call says."""

    __table_args__ = (one_of("outcome", SampleOutcome),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    called_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    called_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    enrollment: Mapped[Enrollment] = relationship()
    called_by: Mapped[User] = relationship()

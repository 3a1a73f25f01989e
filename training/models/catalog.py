"""Courses, the subsidy standards they are paid by, cohorts (a course run at a site), their trainers
and scheduled sessions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.people import County, User
from training.orm import one_of, utcnow

if TYPE_CHECKING:
    from training.models.placement import Employer


class CohortStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    RUNNING = "running"
    FINISHED = "finished"
    CLOSED = "closed"


# Cohorts whose timetable is committed: a trainer or a trainee booked in one of them is not free at
# its sessions' times. A draft's timetable may still change, and a closed cohort's is only history.
TIMETABLE_COMMITTED = (CohortStatus.OPEN, CohortStatus.RUNNING, CohortStatus.FINISHED)


class SiteKind(enum.StrEnum):
    COMMUNITY_FACTORY = "community_factory"  # 新社区工厂
    RESETTLEMENT_COMMUNITY = "resettlement_community"  # 安置社区
    TOWN_CENTRE = "town_centre"  # 集镇
    TRAINING_SCHOOL = "training_school"  # 培训学校


class SessionKind(enum.StrEnum):
    THEORY = "theory"
    PRACTICE = "practice"


class TrainingType(enum.StrEnum):
    PROJECT = "project"  # 项目制
    EMPLOYEE = "employee"  # 企业职工
    INDIVIDUAL = "individual"  # 个人自主


class SubsidyStandard(Model):
    """One entry of the province's catalogue: what a person trained in it is worth, and when."""

    __table_args__ = (
        one_of("training_type", TrainingType),
        UniqueConstraint("occupation", "level", "training_type", "valid_from"),
        CheckConstraint("yuan >= 0", name="yuan_not_negative"),
        CheckConstraint("min_hours > 0", name="min_hours_positive"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occupation: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[int]
    training_type: Mapped[str] = mapped_column(String(20))
    yuan: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    min_hours: Mapped[int]
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Course(Model):
    __table_args__ = (
        CheckConstraint("min_attendance_pct BETWEEN 1 AND 100", name="min_attendance_range"),
        CheckConstraint("pass_score BETWEEN 0 AND 100", name="pass_score_range"),
        CheckConstraint("total_hours > 0", name="total_hours_positive"),
        CheckConstraint("marks_per_session IN (1, 2)", name="marks_per_session_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    occupation: Mapped[str] = mapped_column(String(80))
    level: Mapped[int]  # national vocational levels: 5 (初级) … 1 (高级技师)
    labour_brand: Mapped[str] = mapped_column(String(40), default="")
    total_hours: Mapped[int]
    min_attendance_pct: Mapped[int] = mapped_column(default=80)
    pass_score: Mapped[int] = mapped_column(default=60)
    # 1: one mark per session (the trainer's roster or a check-in); 2: sign-in and sign-out (签到 / 签退).
    marks_per_session: Mapped[int] = mapped_column(default=1, server_default="1")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def signs_out(self) -> bool:
        """Whether its sessions take a sign-out besides the sign-in."""
        return self.marks_per_session == 2


cohort_trainer = Table(
    "cohort_trainer",
    Model.metadata,
    Column("cohort_id", ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Cohort(Model):
    __table_args__ = (
        one_of("status", CohortStatus),
        one_of("site_kind", SiteKind),
        one_of("training_type", TrainingType),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint("checkin_radius_m > 0", name="checkin_radius_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), index=True)
    site_name: Mapped[str] = mapped_column(String(100))
    site_kind: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[date]
    end_date: Mapped[date]
    capacity: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=CohortStatus.DRAFT, index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"))
    committed_placements: Mapped[int | None]
    training_type: Mapped[str] = mapped_column(String(20), default=TrainingType.PROJECT)
    # The standard in force on the start date, frozen (with its figures) when the cohort opens.
    standard_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_standard.id"))
    standard_yuan: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    standard_min_hours: Mapped[int | None]
    # The site's position for self check-in (not personal information); no position, no distance.
    site_latitude: Mapped[float | None]
    site_longitude: Mapped[float | None]
    checkin_radius_m: Mapped[int] = mapped_column(default=300, server_default="300")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    standard: Mapped[SubsidyStandard | None] = relationship()
    county: Mapped[County] = relationship()
    employer: Mapped[Employer | None] = relationship()
    trainers: Mapped[list[User]] = relationship(secondary=cohort_trainer)
    sessions: Mapped[list[ClassSession]] = relationship(
        back_populates="cohort", order_by="ClassSession.starts_at", cascade="all, delete-orphan"
    )


class ClassSession(Model):
    """One scheduled class (课次) of a cohort."""

    __table_args__ = (
        UniqueConstraint("cohort_id", "starts_at"),
        one_of("kind", SessionKind),
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
        CheckConstraint("hours > 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    topic: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(20), default=SessionKind.THEORY)
    location: Mapped[str] = mapped_column(String(120), default="")

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")

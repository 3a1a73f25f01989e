"""Employers, graduates' placements and the follow-ups due after them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.enrollment import Enrollment
from training.models.people import Trainee, User
from training.orm import one_of, utcnow


class PlacementKind(enum.StrEnum):
    DIRECTED = "directed"  # 定向输送
    SELF_FOUND = "self_found"
    SELF_EMPLOYED = "self_employed"
    COMMUNITY_FACTORY = "community_factory"
    PUBLIC_WELFARE = "public_welfare"


class PlacementScope(enum.StrEnum):
    SAME_COUNTY = "same_county"
    IN_CITY = "in_city"
    IN_PROVINCE = "in_province"
    OUT_OF_PROVINCE = "out_of_province"


class Employer(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    province: Mapped[str] = mapped_column(String(30), default="")
    city: Mapped[str] = mapped_column(String(30), default="")
    county: Mapped[str] = mapped_column(String(30), default="")
    industry: Mapped[str] = mapped_column(String(60), default="")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Placement(Model):
    __table_args__ = (
        one_of("kind", PlacementKind),
        one_of("scope", PlacementScope),
        CheckConstraint("monthly_wage >= 0", name="wage_not_negative"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        # One current job per person, whatever two requests do at the same moment.
        Index(
            "uq_placement_open_per_trainee",
            "trainee_id",
            unique=True,
            sqlite_where=text("end_date IS NULL"),
            postgresql_where=text("end_date IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainee.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    position: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(80), default="")
    start_date: Mapped[date]
    monthly_wage: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    contract_months: Mapped[int | None]
    end_date: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    trainee: Mapped[Trainee] = relationship()
    enrollment: Mapped[Enrollment] = relationship()
    employer: Mapped[Employer | None] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="placement", order_by="FollowUp.due_months", cascade="all, delete-orphan"
    )


class FollowUp(Model):
    __table_args__ = (
        UniqueConstraint("placement_id", "due_months"),
        CheckConstraint("due_months IN (3, 6, 12)", name="due_months_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"))
    due_months: Mapped[int]
    due_date: Mapped[date] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    still_employed: Mapped[bool | None]
    same_employer: Mapped[bool | None]
    monthly_wage: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    note: Mapped[str | None] = mapped_column(Text)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    placement: Mapped[Placement] = relationship(back_populates="follow_ups")
    checked_by: Mapped[User | None] = relationship()

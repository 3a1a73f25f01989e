"""What a subsidy claim is made of besides the standard (models/catalog): skill certificates issued
by other bodies, a cohort's claim with one line per subsidised enrollment and the objections to
its public notice, and the evidence files of a placement."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.catalog import Cohort
from training.models.enrollment import Enrollment
from training.models.people import User
from training.models.placement import Placement
from training.orm import one_of, utcnow


class ExternalCertificateKind(enum.StrEnum):
    SKILL_LEVEL = "skill_level"  # 职业技能等级证书, by an 评价机构
    SPECIAL_ABILITY = "special_ability"  # 专项职业能力证书
    SPECIAL_OPERATION = "special_operation"  # 特种作业操作证


class ExternalCertificate(Model):
    """A skill certificate another body issued for an enrollment, with its scan and manual check."""

    __table_args__ = (
        one_of("kind", ExternalCertificateKind),
        UniqueConstraint("kind", "number"),
        CheckConstraint("level IS NULL OR level BETWEEN 1 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))
    issuer: Mapped[str] = mapped_column(String(100))
    level: Mapped[int | None]
    issued_on: Mapped[date]
    # The scan, re-encoded, under instance/ (its name is derived from its SHA-256).
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    scan_type: Mapped[str | None] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The manual check on the national query site: None until someone looked.
    check_found: Mapped[bool | None]
    checked_at: Mapped[datetime | None]
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    enrollment: Mapped[Enrollment] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])


class ClaimStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NOTICE = "notice"  # 公示
    REVIEW = "review"
    APPROVED = "approved"
    PAID = "paid"
    # Sent back for a correction: kept as it was, and a new version of the claim is the draft.
    RETURNED = "returned"


# A claim that still stands: at most one per cohort, and its lines hold their enrollments.
STANDING = (
    ClaimStatus.DRAFT,
    ClaimStatus.SUBMITTED,
    ClaimStatus.NOTICE,
    ClaimStatus.REVIEW,
    ClaimStatus.APPROVED,
    ClaimStatus.PAID,
)
# After submission the snapshot (lines, figures, amounts) never changes.
FROZEN = (ClaimStatus.SUBMITTED, ClaimStatus.NOTICE, ClaimStatus.REVIEW, ClaimStatus.APPROVED, ClaimStatus.PAID)


class Claim(Model):
    """A cohort's subsidy claim (补贴申领), one version of it."""

    __tablename__ = "subsidy_claim"
    __table_args__ = (
        one_of("status", ClaimStatus),
        UniqueConstraint("cohort_id", "version"),
        # One standing claim per cohort, whatever two coordinators do at the same moment.
        Index(
            "uq_subsidy_claim_standing_cohort",
            "cohort_id",
            unique=True,
            sqlite_where=text("status != 'returned'"),
            postgresql_where=text("status != 'returned'"),
        ),
        CheckConstraint("tier_pct BETWEEN 0 AND 100", name="tier_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    version: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_claim.id"))
    status: Mapped[str] = mapped_column(String(20), default=ClaimStatus.DRAFT, index=True)
    # The figures that chose the tier: employed ÷ completed on the measuring date.
    measured_on: Mapped[date]
    completed_count: Mapped[int]
    employed_count: Mapped[int]
    tier_pct: Mapped[int]
    standard_yuan: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    total_yuan: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    prepared_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None]
    notice_starts_on: Mapped[date | None]
    notice_ends_on: Mapped[date | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None]
    approved_yuan: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    paid_on: Mapped[date | None]
    paid_yuan: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    payment_reference: Mapped[str | None] = mapped_column(String(80))
    paid_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    returned_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(Text)

    cohort: Mapped[Cohort] = relationship()
    previous: Mapped[Claim | None] = relationship(remote_side=[id])
    prepared_by: Mapped[User] = relationship(foreign_keys=[prepared_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
    lines: Mapped[list[ClaimLine]] = relationship(
        back_populates="claim", order_by="ClaimLine.position", cascade="all, delete-orphan"
    )


class LineDecision(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class ClaimLine(Model):
    """One subsidised enrollment in a claim: the snapshot taken when the claim was prepared,
    its verdict with the reasons, and what review and the public notice decided."""

    __table_args__ = (
        UniqueConstraint("claim_id", "enrollment_id"),
        one_of("decision", LineDecision),
        # An enrollment is in at most one standing claim (lines of a returned claim let go).
        Index(
            "uq_claim_line_standing_enrollment",
            "enrollment_id",
            unique=True,
            sqlite_where=text("standing"),
            postgresql_where=text("standing"),
        ),
        CheckConstraint("amount_yuan >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id", ondelete="CASCADE"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    position: Mapped[int]
    standing: Mapped[bool] = mapped_column(default=True)
    eligible: Mapped[bool]
    # [{"rule": "not_completed", "params": {...}}, …]: the words are made when shown.
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # Name, sex, ID number, category, occupation and level, certificate, hours, employment.
    snapshot: Mapped[dict] = mapped_column(JSON)
    decision: Mapped[str | None] = mapped_column(String(10))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]

    claim: Mapped[Claim] = relationship(back_populates="lines")
    enrollment: Mapped[Enrollment] = relationship()
    objections: Mapped[list[ClaimObjection]] = relationship(
        back_populates="line", order_by="ClaimObjection.received_at", cascade="all, delete-orphan"
    )


class ObjectionOutcome(enum.StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class ClaimObjection(Model):
    """An objection to a line of a claim's public notice, and what came of it."""

    __table_args__ = (one_of("outcome", ObjectionOutcome),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("claim_line.id", ondelete="CASCADE"), index=True)
    raised_by: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[str] = mapped_column(String(10), default=ObjectionOutcome.PENDING)
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]

    line: Mapped[ClaimLine] = relationship(back_populates="objections")


class EvidenceKind(enum.StrEnum):
    CONTRACT = "contract"  # 劳动合同
    AGREEMENT = "agreement"  # 就业协议
    BUSINESS_LICENCE = "business_licence"  # 营业执照, for the self-employed
    WAGE_SLIP = "wage_slip"  # 工资流水


class PlacementEvidence(Model):
    """A file that proves a placement, kept under instance/ by its SHA-256."""

    __table_args__ = (one_of("kind", EvidenceKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(20))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship()


# "The line stands", written as the partial index uq_claim_line_standing_enrollment says it: SQLite
# uses a partial index only for a query that repeats its WHERE term, and `standing IS 1` or
# `standing = 1` (how SQLAlchemy writes ClaimLine.standing there) do not, so a query joining lines by
# enrollment would scan them instead. Plain text: a typed Boolean would be written `= 1` again.
LINE_STANDS = text("claim_line.standing")

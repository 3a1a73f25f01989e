"""Certificates, their per-year-and-county serial counters, and the signing keys' public halves."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.enrollment import Enrollment
from training.models.people import User
from training.orm import one_of, utcnow


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class Certificate(Model):
    __table_args__ = (
        one_of("status", CertificateStatus),
        # At most one valid certificate per enrollment; reissues supersede the old one.
        Index(
            "uq_certificate_valid_enrollment",
            "enrollment_id",
            unique=True,
            sqlite_where=text("status = 'valid'"),
            postgresql_where=text("status = 'valid'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    snapshot: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=CertificateStatus.VALID)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(ForeignKey("signing_key.key_id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None]
    revoke_category: Mapped[str | None] = mapped_column(String(30))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))

    enrollment: Mapped[Enrollment] = relationship()
    issued_by: Mapped[User | None] = relationship()
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id])


class SerialCounter(Model):
    """The last serial number handed out for one year and county."""

    year: Mapped[int] = mapped_column(primary_key=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class SigningKey(Model):
    """An Ed25519 public key; the private half lives in instance/ only."""

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

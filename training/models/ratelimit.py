"""Rate-limit counters kept in the database, for app servers that share no Redis (training.ratelimit)."""

from __future__ import annotations

from sqlalchemy import Double, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import Model

KEY_LENGTH = 255


class RateLimitCounter(Model):
    """Hits of one limit's key in its current fixed window."""

    __table_args__ = (Index("ix_rate_limit_counter_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    count: Mapped[int]
    # Seconds since the epoch, as the limits library counts time.
    expires_at: Mapped[float] = mapped_column(Double)

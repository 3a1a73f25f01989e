"""Long tasks run by the queue, with progress the page that started them can poll."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import Model
from training.orm import one_of, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Model):
    __table_args__ = (one_of("status", JobStatus),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    failures: Mapped[list] = mapped_column(JSON, default=list)
    result: Mapped[dict | None] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The last sign of life: put on the queue, or a step committed. A running job whose
    # heartbeat is old lost its worker (killed, machine gone) and is put back on the queue.
    heartbeat_at: Mapped[datetime | None]
    # Which run of a worker holds the job: its commits check it, so a worker taken for dead
    # whose job another worker took over keeps nothing it does afterwards.
    claim: Mapped[str | None] = mapped_column(String(32))

    @property
    def percent(self) -> int:
        return (
            100
            if self.total == 0 and self.status == JobStatus.DONE
            else (int(100 * self.done / self.total) if self.total else 0)
        )

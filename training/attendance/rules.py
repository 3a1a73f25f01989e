"""The attendance rules as pure functions: when a session may be marked, by whom and how, when
check-in is open, and what a roster save should do with each posted mark."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

STATUSES = ("present", "late", "absent", "excused")
STAFF_ROLES = frozenset({"coordinator", "admin"})


class Phase(enum.StrEnum):
    NOT_STARTED = "not_started"
    OPEN = "open"
    LOCKED = "locked"


def marking_phase(starts_at: datetime, ends_at: datetime, now: datetime, lock_hours: int) -> Phase:
    """Before the start nobody marks; until lock_hours after the end trainers do; then it is locked."""
    if now < starts_at:
        return Phase.NOT_STARTED
    if now <= ends_at + timedelta(hours=lock_hours):
        return Phase.OPEN
    return Phase.LOCKED


def locks_at(ends_at: datetime, lock_hours: int) -> datetime:
    return ends_at + timedelta(hours=lock_hours)


def may_correct(role: str) -> bool:
    """Only coordinators and admins change marks after the lock."""
    return role in STAFF_ROLES


def checkin_open(starts_at: datetime, ends_at: datetime, now: datetime, opens_minutes: int) -> bool:
    """Trainees check themselves in from a little before the start until the end."""
    return starts_at - timedelta(minutes=opens_minutes) <= now <= ends_at


class Decision(enum.StrEnum):
    UNCHANGED = "unchanged"  # already stored as posted, or not touched on this page
    WRITE = "write"
    CONFLICT = "conflict"  # someone else changed it since the page loaded


@dataclass(frozen=True)
class PostedMark:
    enrollment_id: int
    status: str | None  # what the page posts now (None: nothing chosen)
    loaded_status: str | None  # what the page showed when it loaded (None: unmarked)
    loaded_version: int  # 0 when there was no mark


def decide(posted: PostedMark, stored_status: str | None, stored_version: int) -> Decision:
    """What a save does with one posted mark, given what is stored now.

    Posting what is stored changes nothing (so a save is idempotent); a row the user did not
    touch is left alone even if someone else changed it meanwhile; a touched row whose
    version moved on is a conflict, never overwritten.
    """
    if posted.status is None or posted.status == stored_status:
        return Decision.UNCHANGED
    if posted.status == posted.loaded_status:
        return Decision.UNCHANGED
    if posted.loaded_version != stored_version:
        return Decision.CONFLICT
    return Decision.WRITE


def counts(statuses) -> dict[str, int]:
    """How many of each status, and how many are not marked yet (None)."""
    result = {status: 0 for status in STATUSES} | {"unmarked": 0}
    for status in statuses:
        result[status if status in STATUSES else "unmarked"] += 1
    return result

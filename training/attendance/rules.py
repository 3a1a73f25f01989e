"""The attendance rules as pure functions: when a session may be marked, by whom and how, when
check-in (and, under a two-mark course, sign-out) is open, and what a roster save should do with
each posted mark."""

from __future__ import annotations

import enum
from collections.abc import Mapping
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


@dataclass(frozen=True)
class CheckinTimes:
    """The check-in settings: opens this many minutes before the start; under two marks, sign-out
    in the last signout_minutes of the session and up to grace_minutes after its end."""

    opens_minutes: int
    signout_minutes: int = 30
    grace_minutes: int = 15

    @classmethod
    def from_config(cls, config: Mapping) -> CheckinTimes:
        """From app.config; a ValueError names a setting that cannot work (create_app calls it)."""
        values = {}
        for name, key, low, high in (
            ("opens_minutes", "CHECKIN_OPENS_MINUTES", 0, 24 * 60),
            ("signout_minutes", "SIGNOUT_WINDOW_MINUTES", 1, 24 * 60),
            ("grace_minutes", "SIGNOUT_GRACE_MINUTES", 0, 24 * 60),
        ):
            value = config.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{key}={value!r}: give a whole number of minutes from {low} to {high}")
            values[name] = value
        return cls(**values)


class CheckinPhase(enum.StrEnum):
    CLOSED = "closed"
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"


def signout_opens(starts_at: datetime, ends_at: datetime, signout_minutes: int) -> datetime:
    """The start of the sign-out phase: the last minutes of the session, never before its start."""
    return max(starts_at, ends_at - timedelta(minutes=signout_minutes))


def signout_closes(ends_at: datetime, grace_minutes: int) -> datetime:
    return ends_at + timedelta(minutes=grace_minutes)


def checkin_phase(
    starts_at: datetime, ends_at: datetime, now: datetime, times: CheckinTimes, marks: int
) -> CheckinPhase:
    """What a scan or a code does now. One mark: check in while checkin_open. Two marks: sign in
    until the sign-out phase opens, then sign out until the grace after the end; the two never
    overlap, so a scan never has to guess."""
    if marks < 2:
        return (
            CheckinPhase.SIGN_IN if checkin_open(starts_at, ends_at, now, times.opens_minutes) else CheckinPhase.CLOSED
        )
    opens = signout_opens(starts_at, ends_at, times.signout_minutes)
    if opens <= now <= signout_closes(ends_at, times.grace_minutes):
        return CheckinPhase.SIGN_OUT
    if starts_at - timedelta(minutes=times.opens_minutes) <= now < opens:
        return CheckinPhase.SIGN_IN
    return CheckinPhase.CLOSED


def minutes_late(starts_at: datetime, signed_in_at: datetime | None) -> int:
    """Whole minutes a sign-in came after the start (0: on time; there is no grace in the rules)."""
    if signed_in_at is None or signed_in_at <= starts_at:
        return 0
    return max(1, int((signed_in_at - starts_at).total_seconds() // 60))


def minutes_early(ends_at: datetime, signed_out_at: datetime | None) -> int:
    """Whole minutes a sign-out came before the end (0: at or after the end)."""
    if signed_out_at is None or signed_out_at >= ends_at:
        return 0
    return max(1, int((ends_at - signed_out_at).total_seconds() // 60))


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

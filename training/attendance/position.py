"""Position at self check-in: what the browser sent, judged against the cohort's site; and the
periodic removal of raw coordinates. Services never commit.

A position is whereabouts (行踪轨迹), sensitive personal information: it is asked for only with the
trainee's separate consent (User.position_consent_at), and of each check-in we keep the distance
to the site, the accuracy and the state for good, the raw coordinates only
CHECKIN_POSITION_KEEP_DAYS. Whatever the browser sends, the check-in counts: absurd input is kept
as implausible, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update

from training import audit
from training.extensions import db
from training.models import CheckinRecord, ClassSession, PositionState, User

EARTH_RADIUS_M = 6_371_000
MAX_ACCURACY_M = 10_000
# What the page's script says when the browser gave no position (GeolocationPositionError).
BROWSER_ERRORS = {"denied": PositionState.REFUSED, "unavailable": PositionState.UNAVAILABLE}


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


@dataclass(frozen=True)
class Reading:
    """A judged position: what is stored on the check-in record."""

    state: PositionState
    distance_m: int | None = None
    accuracy_m: int | None = None
    latitude: float | None = None
    longitude: float | None = None


def _number(text: object) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def judge(
    consented: bool,
    posted: Mapping[str, str],
    site: tuple[float | None, float | None],
    radius_m: int,
) -> Reading:
    """The state of a check-in from the posted latitude, longitude, accuracy and position_error."""
    if not consented:
        return Reading(PositionState.NO_CONSENT)
    raw = [posted.get(name, "") for name in ("latitude", "longitude", "accuracy")]
    if not any(value.strip() for value in raw):
        return Reading(BROWSER_ERRORS.get(posted.get("position_error", ""), PositionState.UNAVAILABLE))
    latitude, longitude, accuracy = (_number(value) for value in raw)
    if (
        latitude is None
        or longitude is None
        or accuracy is None
        or not -90 <= latitude <= 90
        or not -180 <= longitude <= 180
        or not 0 <= accuracy <= MAX_ACCURACY_M
    ):
        return Reading(PositionState.IMPLAUSIBLE)
    site_latitude, site_longitude = site
    if site_latitude is None or site_longitude is None:
        return Reading(PositionState.NO_SITE, None, round(accuracy), latitude, longitude)
    distance = round(haversine_m(latitude, longitude, site_latitude, site_longitude))
    state = PositionState.INSIDE if distance <= radius_m else PositionState.OUTSIDE
    return Reading(state, distance, round(accuracy), latitude, longitude)


@dataclass(frozen=True)
class SelfMarkContext:
    """What a self-mark brings besides the code: consent, what the browser posted, the phone."""

    consented: bool
    posted: Mapping[str, str] = field(default_factory=dict)
    device_id: str | None = None
    device_forged: bool = False


def record_self_mark(
    attendance_id: int, session: ClassSession, kind: str, method: str, now: datetime, context: SelfMarkContext
) -> CheckinRecord:
    """The check-in record of one self-mark: its position judged against the cohort's site, its device."""
    cohort = session.cohort
    reading = judge(
        context.consented, context.posted, (cohort.site_latitude, cohort.site_longitude), cohort.checkin_radius_m
    )
    record = CheckinRecord(
        attendance_id=attendance_id,
        kind=kind,
        at=now,
        method=method,
        position_state=reading.state,
        distance_m=reading.distance_m,
        accuracy_m=reading.accuracy_m,
        latitude=reading.latitude,
        longitude=reading.longitude,
        device_id=context.device_id,
        device_forged=context.device_forged,
    )
    db.session.add(record)
    return record


def give_consent(user: User, now: datetime) -> None:
    """The trainee's separate consent to their position at self check-in, from now (audited)."""
    if user.position_consent_at is not None:
        return
    user.position_consent_at = now
    audit.record(
        "position_consent_given", "user", user.id, before={"position_consent_at": None}, after={"at": now.isoformat()}
    )


def withdraw_consent(user: User, now: datetime) -> None:
    """From now on no position is asked; records already made keep theirs until the retention removes it."""
    if user.position_consent_at is None:
        return
    given, user.position_consent_at = user.position_consent_at, None
    audit.record(
        "position_consent_withdrawn",
        "user",
        user.id,
        before={"position_consent_at": given.isoformat()},
        after={"at": now.isoformat()},
    )


def forget_old_positions(now: datetime, keep_days: int) -> int:
    """Remove the raw coordinates of check-ins older than keep_days (one UPDATE); how many rows."""
    result = db.session.execute(
        update(CheckinRecord)
        .where(CheckinRecord.at < now - timedelta(days=keep_days), CheckinRecord.latitude.is_not(None))
        .values(latitude=None, longitude=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]  # CursorResult at run time

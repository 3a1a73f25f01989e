"""The device identifier of a phone that checks in: a random id in a long-lived cookie signed with
the app's SECRET_KEY (itsdangerous), so one phone used for several trainees in one session shows.

A cookie that does not verify (forged, tampered, another server's) is never an error: it is
replaced by a new id and the check-in record says so (CheckinRecord.device_forged).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from training.extensions import db
from training.models import Attendance, CheckinRecord

COOKIE_NAME = "jfw_device"
COOKIE_MAX_AGE = 5 * 365 * 24 * 3600  # a phone keeps its id for years unless the cookie is cleared
_SALT = "jinfanwan device"


@dataclass(frozen=True)
class Device:
    id: str
    forged: bool = False  # a cookie was sent but did not verify
    new: bool = False  # the cookie must be (re)set on the response


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def read_device(secret_key: str, cookie: str | None) -> Device:
    """The phone's device id from its cookie, or a new one (flagged forged if the cookie was bad)."""
    if cookie:
        try:
            value = _serializer(secret_key).loads(cookie)
        except BadSignature:
            value = None
        if isinstance(value, str) and len(value) == 32:
            return Device(value)
        return Device(secrets.token_hex(16), forged=True, new=True)
    return Device(secrets.token_hex(16), new=True)


def device_cookie(secret_key: str, device: Device) -> str:
    return _serializer(secret_key).dumps(device.id)


def shared_devices(session_id: int) -> dict[str, set[int]]:
    """The devices used for two or more trainees' self-marks in one session, with those trainees'
    enrollment ids (one statement)."""
    shared = (
        select(CheckinRecord.device_id)
        .join(Attendance, Attendance.id == CheckinRecord.attendance_id)
        .where(Attendance.session_id == session_id, CheckinRecord.device_id.is_not(None))
        .group_by(CheckinRecord.device_id)
        .having(func.count(func.distinct(Attendance.enrollment_id)) >= 2)
    )
    rows = db.session.execute(
        select(CheckinRecord.device_id, Attendance.enrollment_id)
        .join(Attendance, Attendance.id == CheckinRecord.attendance_id)
        .where(Attendance.session_id == session_id, CheckinRecord.device_id.in_(shared))
        .distinct()
    )
    found: dict[str, set[int]] = {}
    for device_id, enrollment_id in rows:
        found.setdefault(device_id, set()).add(enrollment_id)
    return found

"""Who of a cohort is phoned (电话抽查): a reproducible random sample, as pure functions.

At least SAMPLING_SHARE (default 10 %) of the cohort's seated trainees, and at least one person.
The order is HMAC-SHA256, keyed by the app's SECRET_KEY, of the cohort id and each enrollment id:
random to anyone without the key (an organiser cannot tell whom to coach before the call), and the
same every time for the same cohort, so a coordinator cannot draw again until the list suits them;
there is no "draw again" anywhere. A trainee added later takes their own place in that order and
the others keep theirs: the sample grows with the roster and never reshuffles. A new SECRET_KEY
draws anew; the calls already recorded stay on the cohort's page (services.sample_page).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable
from fractions import Fraction

from flask import Flask, current_app

SETTING = "SAMPLING_SHARE"


def parse_share(value, name: str = SETTING) -> Fraction:
    """ "10%", "1/10" or "0.1" → the share; refused (ValueError naming the setting) unless above 0 and at most 1."""
    text = str(value or "").replace(" ", "")
    try:
        share = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{name}={value!r} is not a share of the trainees: give it as 10%, 1/10 or 0.1") from None
    if not 0 < share <= 1:
        raise ValueError(f"{name}={value!r}: the share of the trainees must be above 0 and at most 1")
    return share


def init_app(app: Flask) -> None:
    """Parse the setting once, at start-up; the app does not start with a wrong one."""
    app.extensions[SETTING] = parse_share(app.config.get(SETTING, "10%"))


def share() -> Fraction:
    """The share of each cohort's trainees to phone (parsed at start-up)."""
    return current_app.extensions[SETTING]


def sample_size(seated: int, share: Fraction) -> int:
    """At least `share` of the seated trainees, rounded up, and at least one (none of nobody)."""
    return 0 if seated <= 0 else max(1, math.ceil(share * seated))


def draw_key(secret: str, cohort_id: int, enrollment_id: int) -> str:
    """An enrollment's place in its cohort's order: nobody without the secret can compute it."""
    message = f"sample:{cohort_id}:{enrollment_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def draw(secret: str, cohort_id: int, enrollment_ids: Iterable[int], share: Fraction) -> list[int]:
    """The enrollments to phone, in the order to phone them: the same for the same cohort, every time."""
    ordered = sorted(set(enrollment_ids), key=lambda enrollment_id: draw_key(secret, cohort_id, enrollment_id))
    return ordered[: sample_size(len(ordered), share)]

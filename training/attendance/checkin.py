"""Rotating check-in tokens (in the QR) and six-digit codes (beside it), signed with HMAC.

A token names its session and its time window (the number of CHECKIN_ROTATE_SECONDS periods
since the epoch) and carries an HMAC of both, so it cannot be forged or moved to another
session. The current window and the one before it are accepted, so a scan right at the
rotation still works. Tokens are short on purpose: a small QR reads better on cheap cameras.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import re
from datetime import datetime

TOKEN = re.compile(r"^(\d{1,12})-(\d{1,12})-([A-Za-z0-9_-]{22})$")
CODE_DIGITS = 6


class TokenProblem(enum.StrEnum):
    INVALID = "invalid"  # malformed, forged, or signed for another session
    EXPIRED = "expired"


class TokenRejected(Exception):
    def __init__(self, problem: TokenProblem):
        super().__init__(problem.value)
        self.problem = problem


def window_at(now: datetime, rotate_seconds: int) -> int:
    """The number of the rotation window `now` falls in."""
    return int(now.timestamp()) // rotate_seconds


def seconds_left(now: datetime, rotate_seconds: int) -> int:
    """Seconds until the next rotation."""
    return rotate_seconds - int(now.timestamp()) % rotate_seconds


def _key(secret_key: str) -> bytes:
    # A key of its own, so these MACs can never be confused with other uses of SECRET_KEY.
    return hmac.new(secret_key.encode(), b"jinfanwan checkin", hashlib.sha256).digest()


def _mac(secret_key: str, purpose: str, session_id: int, window: int) -> bytes:
    return hmac.new(_key(secret_key), f"{purpose}:{session_id}:{window}".encode(), hashlib.sha256).digest()


def make_token(secret_key: str, session_id: int, window: int) -> str:
    signature = base64.urlsafe_b64encode(_mac(secret_key, "qr", session_id, window)[:16]).decode().rstrip("=")
    return f"{session_id}-{window}-{signature}"


def make_code(secret_key: str, session_id: int, window: int) -> str:
    """Six digits derived from the session and the window."""
    number = int.from_bytes(_mac(secret_key, "code", session_id, window)[:8], "big") % 10**CODE_DIGITS
    return f"{number:0{CODE_DIGITS}d}"


def read_token(secret_key: str, token: str, current_window: int) -> int:
    """The session id a token checks in to; TokenRejected if forged or too old."""
    match = TOKEN.match(token or "")
    if not match:
        raise TokenRejected(TokenProblem.INVALID)
    session_id, window = int(match.group(1)), int(match.group(2))
    if not hmac.compare_digest(make_token(secret_key, session_id, window), token):
        raise TokenRejected(TokenProblem.INVALID)
    if window > current_window:
        raise TokenRejected(TokenProblem.INVALID)
    if window < current_window - 1:
        raise TokenRejected(TokenProblem.EXPIRED)
    return session_id


def code_matches(secret_key: str, session_id: int, code: str, current_window: int) -> bool:
    """Whether a typed code is this session's code of the current or the previous window."""
    typed = re.sub(r"\s", "", code or "")
    return any(
        hmac.compare_digest(make_code(secret_key, session_id, window), typed)
        for window in (current_window, current_window - 1)
    )

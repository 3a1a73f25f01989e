"""The centre's local day: the date in BABEL_DEFAULT_TIMEZONE (Asia/Shanghai), in a request, a
command or a background job alike. Times are stored in UTC; a deadline, an issue date or "today"
on a page is a local date."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app

from training.orm import utcnow


def local_today() -> date:
    return utcnow().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()

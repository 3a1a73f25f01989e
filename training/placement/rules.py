"""Pure rules for employers, placements and follow-ups: no Flask app, no database.

Each check takes values as typed and returns the normalised value, or raises InvalidValue
(training.exceptions) with a message for the user.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from training.exceptions import InvalidValue
from training.identity import normalize_phone

FOLLOW_UP_MONTHS = (3, 6, 12)
# A follow-up is "due this week" on the list, and may be answered, from today to six days ahead:
# a coordinator phones a little early, never months before (a 3-month answer taken before the
# job even started said nothing about staying in it).
DUE_SOON_DAYS = 7
DEFAULT_MAX_WAGE = 100000
# Stored on follow-ups that fell due after their placement ended (see end_placement).
ENDED_NOTE = "placement ended"

_SEPARATORS = re.compile(r"[\s\u3000\-－—_.·]+")
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d\d))-?(\d{7,8})(?:-(\d{1,6}))?$")
_SERVICE_NUMBER = re.compile(r"^([48]00)-?(\d{3})-?(\d{4})$")
_MOBILE_LIKE = re.compile(r"^(\+?86|0086)?1\d*$")


def normalize_uscc(raw) -> str:
    """The 18-character unified social credit code in capitals, or InvalidValue saying what is wrong."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or ""))).upper()
    if not text:
        raise InvalidValue(_l("The unified social credit code is missing."))
    try:
        return uscc.validate(text)
    except InvalidLength:
        raise InvalidValue(
            _l("A unified social credit code has 18 characters; this one has %(n)d.", n=len(text))
        ) from None
    except InvalidFormat:
        if not text[:8].isdigit():
            raise InvalidValue(_l("The first 8 characters of the code are digits.")) from None
        raise InvalidValue(
            _l("After the first 8 digits the code has only digits and capital letters other than I, O, S, V and Z.")
        ) from None
    except InvalidChecksum:
        raise InvalidValue(
            _l("The last character (the check character) does not match the others; check for a typing mistake.")
        ) from None


def normalize_employer_phone(raw) -> str | None:
    """A mobile (11 digits), a landline with its area code (0915-1234567, extension allowed) or a
    400/800 service number, in one stored form; None when empty."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if not text:
        return None
    compact = re.sub(r"[\s\u3000()（）]+", "", text)
    if _MOBILE_LIKE.match(compact.replace("-", "")):
        return normalize_phone(compact.replace("-", ""))
    parts = compact.split("-")
    digits = "".join(parts)
    # Without a hyphen the area code is read by the numbering plan: 010 and 02x have 3 digits, others 4.
    candidates = [compact] if len(parts) > 1 else [digits]
    for candidate in candidates:
        landline = _LANDLINE.match(candidate)
        if landline:
            area, number, extension = landline.groups()
            return f"{area}-{number}" + (f"-{extension}" if extension else "")
        service = _SERVICE_NUMBER.match(candidate)
        if service:
            return "-".join(service.groups())
    raise InvalidValue(
        _l("Give a mobile number (11 digits starting with 1) or a landline with its area code, such as 0915-1234567.")
    )


def add_months(start: date, months: int) -> date:
    """The same day `months` later; a day the month lacks becomes its last day (31 Jan + 1 → 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def follow_up_schedule(start: date) -> list[tuple[int, date]]:
    """(months, due date) of each follow-up a placement starting on `start` needs."""
    return [(months, add_months(start, months)) for months in FOLLOW_UP_MONTHS]


def follow_up_opens(due: date) -> date:
    """The first day a follow-up due on `due` may be answered: the day the list starts showing it."""
    return due - timedelta(days=DUE_SOON_DAYS - 1)


def check_follow_up_open(due: date, today: date) -> None:
    """Refuse an answer taken before the follow-up is open (see DUE_SOON_DAYS)."""
    opens = follow_up_opens(due)
    if today < opens:
        raise InvalidValue(
            _l(
                "This follow-up is due on %(due)s; it can be recorded from %(opens)s, when the follow-up list shows it.",
                due=due.isoformat(),
                opens=opens.isoformat(),
            )
        )


def check_wage(wage: Decimal | None, max_wage) -> Decimal:
    """A monthly wage in yuan between 0 and the configured maximum, to the fen."""
    if wage is None:
        raise InvalidValue(_l("Give the monthly wage in yuan."))
    if wage < 0:
        raise InvalidValue(_l("A wage cannot be negative."))
    if wage > Decimal(str(max_wage)):
        raise InvalidValue(
            _l(
                "%(wage)s yuan a month is more than the %(max)s allowed; check for an extra digit.",
                wage=f"{wage:,.0f}",
                max=f"{Decimal(str(max_wage)):,.0f}",
            )
        )
    return wage.quantize(Decimal("0.01"))


def check_start_date(start: date, training_ended: date) -> date:
    """A job recorded for a graduate starts on or after the last day of the training."""
    if start < training_ended:
        raise InvalidValue(
            _l("The job cannot start before the training ended (%(end)s).", end=training_ended.isoformat())
        )
    return start


def check_end_date(end: date, start: date) -> date:
    if end < start:
        raise InvalidValue(_l("The end date cannot be before the start (%(start)s).", start=start.isoformat()))
    return end


def closed_by_ending(due_dates: list[tuple[int, date]], end: date) -> list[int]:
    """Which follow-ups (by months) an ending on `end` answers by itself: those due after it."""
    return [months for months, due in due_dates if due > end]

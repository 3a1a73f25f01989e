"""Resident ID numbers (居民身份证号码): the check character, what the number says; masking of
ID numbers, names and mobile numbers."""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# A mainland mobile number standing alone (not a run of digits inside an ID number).
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def check_character(first17: str) -> str:
    """The 18th character of an ID number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=False)) % 11]


def make_id_number(region: str, birth: date, sequence: int) -> str:
    """A well-formed ID number; sequence 0-999 (odd = male), for demo and benchmark data."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_character(first17)


def gender_of(id_number: str) -> str:
    """'M' or 'F', from the parity of the sequence digits."""
    return "M" if int(id_number[16]) % 2 else "F"


def birth_date_of(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def mask_id_number(id_number: str | None) -> str:
    """First 6 and last 4 characters, the rest hidden: 610924********1234."""
    if not id_number:
        return ""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str | None) -> str:
    """First 3 and last 4 digits, the rest hidden: 138****1234."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_phones_in(text: str | None) -> str:
    """Every mobile number in a text masked: a username that is one, an audit record's values."""
    return _MOBILE_IN_TEXT.sub(lambda number: mask_phone(number.group()), text or "")


def mask_name(name: str) -> str:
    """张*华: first and last character kept (one star for two-character names: 张*)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]

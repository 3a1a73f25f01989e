"""Resident ID numbers (居民身份证号码) and mobile numbers: checking them as typed or read from a
sheet (InvalidValue says what is wrong), the check character, what an ID number says; masking of
ID numbers, names (on screen, and in lists the public reads) and mobile numbers."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from stdnum import numdb
from stdnum.cn import ric

from training.exceptions import InvalidValue

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u3000\-]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
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


def mask_name_public(name: str) -> str:
    """A name in a list the public reads (公示名单): the surname, one star, and the last character of a
    name of three or more characters: 王*英, 欧*英 (the star does not tell the length), 王*."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" + (name[-1] if len(name) >= 3 else "")


def _plain(text) -> str:
    """NFKC folds full-width digits and letters (１２３ＸＡ) into ASCII; spaces go."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text or "")))


@lru_cache(maxsize=4096)
def region_exists(code: str) -> bool:
    """Whether a six-digit region code exists or once existed (any period of validity)."""
    info = {k: v for _, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return "county" in info


def normalize_id_number(raw, today: date | None = None) -> str:
    """The 18-character ID number, upper-case X, or InvalidValue saying what is wrong.

    The region code only has to exist or to have existed: a number keeps the code of
    where and when it was assigned, so old codes (6124xx) and new codes for people born
    before the change (6109xx, born 1980) both appear on real rosters.
    """
    text = _plain(raw).upper()
    if not text:
        raise InvalidValue(_l("The ID number is missing."))
    if _SCIENTIFIC.match(text) or (text.endswith(".0") and text[:-2].isdigit()):
        raise InvalidValue(
            _l(
                "Excel stored this ID number as a number and its last digits are lost. "
                "Format the column as Text in the sheet, type the numbers again, and upload it again."
            )
        )
    if len(text) == 15:
        raise InvalidValue(_l("15-digit ID numbers are no longer valid; use the 18-character number."))
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise InvalidValue(_l("An ID number has 17 digits followed by a digit or X."))
    if check_character(text[:17]) != text[17]:
        raise InvalidValue(_l("The ID number's last character does not match; check for a typing mistake."))
    try:
        born = ric.get_birth_date(text)
    except ValueError:
        raise InvalidValue(_l("The birth date inside the ID number is not a real date.")) from None
    if born > (today or date.today()) or born.year < 1900:
        raise InvalidValue(_l("The birth date inside the ID number is impossible."))
    if not region_exists(text[:6]):
        raise InvalidValue(_l("The region code %(code)s at the start of the ID number does not exist.", code=text[:6]))
    return text


def normalize_phone(raw) -> str | None:
    """An 11-digit mainland mobile number, +86 / 0086 and spaces removed; None when empty."""
    text = _plain(raw)
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as float
        text = text[:-2]
    if not text:
        return None
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == 11 + len(prefix):
            text = text[len(prefix) :]
            break
    if not _MOBILE.match(text):
        raise InvalidValue(_l("A mobile number has 11 digits and starts with 1."))
    return text

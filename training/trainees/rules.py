"""Pure rules for trainee data: resident ID numbers, phone numbers, household categories.

No Flask, no database: each function takes text as typed or as found in a sheet, and
returns the normalised value or raises InvalidValue with a message for the user.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from stdnum import numdb
from stdnum.cn import ric

from training.identity import birth_date_of, check_character, gender_of

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u3000\-]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class InvalidValue(ValueError):
    """A value that cannot be accepted; str() is the user's explanation."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


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


def identity_facts(id_number: str) -> tuple[str, date]:
    """Gender ('M'/'F') and birth date, read from a valid ID number."""
    return gender_of(id_number), birth_date_of(id_number)


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


# What county offices write in the 人员类别 column, mapped to HouseholdCategory values.
CATEGORY_WORDS = {
    "脱贫人口": "poverty_alleviated",
    "脱贫户": "poverty_alleviated",
    "脱贫劳动力": "poverty_alleviated",
    "建档立卡": "poverty_alleviated",
    "监测对象": "monitored",
    "防返贫监测对象": "monitored",
    "易地搬迁": "relocated",
    "搬迁户": "relocated",
    "易地扶贫搬迁": "relocated",
    "零就业家庭": "zero_employment",
    "返乡农民工": "returned_migrant",
    "返乡人员": "returned_migrant",
    "登记失业": "registered_unemployed",
    "登记失业人员": "registered_unemployed",
    "未升学初高中毕业生": "school_leaver",
    "两后生": "school_leaver",
    "残疾人": "disabled",
}
_CATEGORY_SPLIT = re.compile(r"[,，、;；/|\s]+")


def parse_categories(raw) -> set[str]:
    """Household categories from a cell such as '脱贫人口、易地搬迁' or 'relocated,disabled'."""
    from training.models import HouseholdCategory

    values = {c.value for c in HouseholdCategory}
    found = set()
    for word in filter(None, _CATEGORY_SPLIT.split(unicodedata.normalize("NFKC", str(raw or "")).strip())):
        value = CATEGORY_WORDS.get(word) or (word.lower() if word.lower() in values else None)
        if value is None:
            raise InvalidValue(_l("Unknown household category: %(word)s", word=word))
        found.add(value)
    return found


def safe_text(raw, limit: int) -> str:
    """Cell or form text, trimmed; never interpreted (a leading = stays a character)."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if len(text) > limit:
        raise InvalidValue(_l("At most %(n)d characters.", n=limit))
    return text

"""Pure rules for trainee data: what an ID number says, household categories, text cells.

No Flask, no database: each function takes text as typed or as found in a sheet, and
returns the normalised value or raises InvalidValue with a message for the user. ID numbers
and phone numbers are checked by training.identity (placement and enrollment check them too).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l

from training.exceptions import InvalidValue
from training.identity import birth_date_of, gender_of


def identity_facts(id_number: str) -> tuple[str, date]:
    """Gender ('M'/'F') and birth date, read from a valid ID number."""
    return gender_of(id_number), birth_date_of(id_number)


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

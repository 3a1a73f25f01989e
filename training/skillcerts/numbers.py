"""The number of an external certificate, checked against what is recorded with it.

A 职业技能等级证书 number has 22 characters: S (a social evaluation organisation) or Y (an
employer), 4 digits of the institution (0000 when registered at province level), 2 of the
province, 6 of the site, 2 of the year, 1 of the level (1–5), 6 of the serial. Its year and
level must agree with the certificate's issue date and level. Other kinds have no national
form: a number of letters, digits and dashes is all that is asked.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from training.models import ExternalCertificateKind

SKILL_LEVEL_LENGTH = 22
_SKILL_LEVEL = re.compile(r"^[SY]\d{21}$")
_OTHER = re.compile(r"^[0-9A-Z][0-9A-Z-]{3,39}$")
# 11 北京 … 65 新疆; 71 台湾, 81 香港, 82 澳门 do not issue these.
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65}
)


def check_number(kind: str, number: str, *, level: int | None, issued_on: date | None) -> list[str]:
    """What is wrong with this certificate number, in words (an empty list: nothing).

    `level` and `issued_on` are what is recorded with the certificate; None is not compared."""
    if not number:
        return [_("The certificate number is missing.")]
    if kind != ExternalCertificateKind.SKILL_LEVEL:
        if not _OTHER.match(number):
            return [_("A certificate number has 4 to 40 letters, digits or dashes.")]
        return []
    if len(number) != SKILL_LEVEL_LENGTH:
        return [
            _(
                "A 职业技能等级证书 number has 22 characters; this one has %(n)d.",
                n=len(number),
            )
        ]
    if not _SKILL_LEVEL.match(number):
        return [_("A 职业技能等级证书 number is S or Y followed by 21 digits.")]
    problems = []
    if int(number[5:7]) not in PROVINCES:
        problems.append(_("Characters 6–7 of the number are a province code, and %(code)s is none.", code=number[5:7]))
    year, number_level = int(number[13:15]), int(number[15])
    if issued_on is not None and year != issued_on.year % 100:
        problems.append(
            _(
                "The number says it was issued in 20%(year)02d, but the issue date is in %(issued)d.",
                year=year,
                issued=issued_on.year,
            )
        )
    if not 1 <= number_level <= 5:
        problems.append(_("Character 16 of the number is the level, 1 to 5; it is %(digit)d.", digit=number_level))
    elif level is not None and number_level != level:
        problems.append(
            _(
                "The number says level %(number_level)d, but the certificate's level is %(level)d.",
                number_level=number_level,
                level=level,
            )
        )
    return problems

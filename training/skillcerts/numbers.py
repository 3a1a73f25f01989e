"""The numbers of skill certificates issued elsewhere, as a pure rule: no Flask request, no database.

A 职业技能等级证书 number has 22 characters (FIELD.md):

    S 0000 61 610924 26 5 000123
    │ │    │  │      │  │ └ serial, 6 digits
    │ │    │  │      │  └ level, 1 (一级/高级技师) … 5 (五级/初级工), as Course.level counts
    │ │    │  │      └ year, the last 2 digits of the issue year
    │ │    │  └ site, 6 digits
    │ │    └ province, 2 digits (61 Shaanxi)
    │ └ institution, 4 digits (0000 when registered at province level)
    └ S: a social evaluation organisation, Y: an employer

Its year and level must agree with the issue date and the level recorded beside it. The other
kinds (专项职业能力证书, 特种作业操作证) have no national form: a number of a sane length and
characters. `check_number` answers with the problems in words (empty: the number is good);
each problem is a str that also names its rule, for callers that count or tests that compare.
Store `normalize_number(number)`, the form that was checked.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import gettext as _

from training.models.claims import ExternalCertificateKind

SKILL_LEVEL_LENGTH = 22
# Other kinds: what the column holds, and no shorter than a real number can be.
OTHER_MIN_LENGTH = 4
OTHER_MAX_LENGTH = 40
# Province-level divisions (GB/T 2260): 11 Beijing … 65 Xinjiang, 71 Taiwan, 81 Hong Kong, 82 Macao.
PROVINCES = frozenset(
    str(code)
    for code in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66))
    + (71, 81, 82)
)
_SPACES = re.compile(r"\s+")
# Letters, digits and CJK characters, with the separators printed numbers use.
_OTHER = re.compile(r"^[0-9A-Z\u4e00-\u9fff\-/()]+$")


class NumberProblem(str):
    """One thing wrong with a number: the words (the str itself) and the rule it breaks."""

    rule: str

    def __new__(cls, rule: str, words: str) -> NumberProblem:
        problem = super().__new__(cls, words)
        problem.rule = rule
        return problem


def normalize_number(number: str | None) -> str:
    """The number as it is checked and stored: full-width folded (NFKC), no spaces, upper case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", number or "")).upper()


def check_number(kind: str, number: str | None, *, level: int | None, issued_on: date | None) -> list[NumberProblem]:
    """What is wrong with a certificate number of this kind, recorded with this level and issue date."""
    text = normalize_number(number)
    if not text:
        return [NumberProblem("missing", _("The certificate number is missing."))]
    if kind == ExternalCertificateKind.SKILL_LEVEL:
        return _skill_level_problems(text, level, issued_on)
    if kind in (ExternalCertificateKind.SPECIAL_ABILITY, ExternalCertificateKind.SPECIAL_OPERATION):
        return _other_problems(text)
    return [NumberProblem("unknown_kind", _("Unknown certificate kind: %(kind)s.", kind=kind))]


def _skill_level_problems(text: str, level: int | None, issued_on: date | None) -> list[NumberProblem]:
    problems = []
    if text[0] not in "SY":
        problems.append(
            NumberProblem(
                "first_letter",
                _(
                    "A skill level certificate number starts with S (an evaluation organisation) "
                    "or Y (an employer), not %(first)s.",
                    first=text[0],
                ),
            )
        )
    if not text[1:].isdigit():
        problems.append(
            NumberProblem("not_digits", _("After its first letter, a skill level certificate number has only digits."))
        )
    if len(text) != SKILL_LEVEL_LENGTH:
        problems.append(
            NumberProblem(
                "length",
                _(
                    "A skill level certificate number has %(expected)d characters; this one has %(n)d.",
                    expected=SKILL_LEVEL_LENGTH,
                    n=len(text),
                ),
            )
        )
    if problems:  # the parts below are only where they should be in a number of the right form
        return problems
    province, year, level_digit = text[5:7], text[13:15], int(text[15])
    if province not in PROVINCES:
        problems.append(
            NumberProblem(
                "province",
                _("Characters 6 and 7 (%(code)s) should be a province code, such as 61 for Shaanxi.", code=province),
            )
        )
    if issued_on is None:
        problems.append(NumberProblem("no_issue_date", _("The issue date is missing, so the year cannot be checked.")))
    elif int(year) != issued_on.year % 100:
        problems.append(
            NumberProblem(
                "year",
                _(
                    "The year in the number (%(year)s) does not agree with the issue date (%(issued)d).",
                    year=year,
                    issued=issued_on.year,
                ),
            )
        )
    if not 1 <= level_digit <= 5:
        problems.append(
            NumberProblem(
                "level_digit",
                _("The level in the number (character 16) must be 1 to 5, not %(digit)d.", digit=level_digit),
            )
        )
    elif level is None:
        problems.append(NumberProblem("no_level", _("The level is missing, so the number's level cannot be checked.")))
    elif level_digit != level:
        problems.append(
            NumberProblem(
                "level",
                _(
                    "The level in the number (%(digit)d) does not agree with the recorded level (%(level)d).",
                    digit=level_digit,
                    level=level,
                ),
            )
        )
    return problems


def _other_problems(text: str) -> list[NumberProblem]:
    problems = []
    if not OTHER_MIN_LENGTH <= len(text) <= OTHER_MAX_LENGTH:
        problems.append(
            NumberProblem(
                "length",
                _(
                    "A certificate number has %(min)d to %(max)d characters; this one has %(n)d.",
                    min=OTHER_MIN_LENGTH,
                    max=OTHER_MAX_LENGTH,
                    n=len(text),
                ),
            )
        )
    if not _OTHER.match(text):
        problems.append(
            NumberProblem(
                "characters",
                _("A certificate number has only letters, digits, Chinese characters, and - / ( )."),
            )
        )
    return problems

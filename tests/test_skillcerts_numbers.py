"""The certificate number rule as a table: the 22-character 职业技能等级证书 number, its year and
level against what is recorded, and the plain numbers of the other kinds."""

from datetime import date

import pytest

from training.skillcerts.numbers import check_number, normalize_number

SKILL = "skill_level"
GOOD = "S00006161092426" + "5" + "000123"  # S, 0000, 61, 610924, 26, level 5, serial 000123
ISSUED = date(2026, 7, 1)


@pytest.mark.parametrize(
    "kind, number, level, issued_on, rules",
    [
        (SKILL, GOOD, 5, ISSUED, []),
        (SKILL, "Y" + GOOD[1:], 5, ISSUED, []),
        (SKILL, "S1234" + GOOD[5:], 5, ISSUED, []),
        (SKILL, GOOD.lower(), 5, ISSUED, []),
        (SKILL, " S0000 61 610924 26 5 000123 ", 5, ISSUED, []),
        (SKILL, "Ｓ００００６１６１０９２４２６５０００１２３", 5, ISSUED, []),
        (SKILL, GOOD[:15] + "1" + GOOD[16:], 1, ISSUED, []),
        (SKILL, "", 5, ISSUED, ["missing"]),
        (SKILL, None, 5, ISSUED, ["missing"]),
        (SKILL, "   ", 5, ISSUED, ["missing"]),
        (SKILL, "X" + GOOD[1:], 5, ISSUED, ["first_letter"]),
        (SKILL, "0" + GOOD[1:], 5, ISSUED, ["first_letter"]),
        (SKILL, GOOD[:-1], 5, ISSUED, ["length"]),
        (SKILL, GOOD + "4", 5, ISSUED, ["length"]),
        (SKILL, GOOD[:10] + "O" + GOOD[11:], 5, ISSUED, ["not_digits"]),
        (SKILL, GOOD[:10] + "-" + GOOD[11:], 5, ISSUED, ["not_digits"]),
        (SKILL, "X" + GOOD[1:-1], 5, ISSUED, ["first_letter", "length"]),
        (SKILL, GOOD[:5] + "99" + GOOD[7:], 5, ISSUED, ["province"]),
        (SKILL, GOOD[:5] + "00" + GOOD[7:], 5, ISSUED, ["province"]),
        (SKILL, GOOD, 5, date(2025, 12, 31), ["year"]),
        (SKILL, GOOD, 5, date(2126, 7, 1), []),
        (SKILL, GOOD, 5, None, ["no_issue_date"]),
        (SKILL, GOOD, 4, ISSUED, ["level"]),
        (SKILL, GOOD, None, ISSUED, ["no_level"]),
        (SKILL, GOOD[:15] + "0" + GOOD[16:], 5, ISSUED, ["level_digit"]),
        (SKILL, GOOD[:15] + "6" + GOOD[16:], 5, ISSUED, ["level_digit"]),
        (SKILL, GOOD, 4, date(2025, 1, 1), ["year", "level"]),
        ("special_ability", "ZY2026-0001", None, ISSUED, []),
        ("special_ability", "陕专能(2026)0001", None, ISSUED, []),
        ("special_operation", "T610924199005170012", None, ISSUED, []),
        ("special_operation", "t610924199005170012", None, None, []),
        ("special_ability", "", None, ISSUED, ["missing"]),
        ("special_ability", "AB1", None, ISSUED, ["length"]),
        ("special_ability", "A" * 41, None, ISSUED, ["length"]),
        ("special_ability", "A" * 40, None, ISSUED, []),
        ("special_operation", "T6109<script>", None, ISSUED, ["characters"]),
        ("special_operation", "T6109'1", None, ISSUED, ["characters"]),
        ("special_operation", "T;1", None, ISSUED, ["length", "characters"]),
        ("own", GOOD, 5, ISSUED, ["unknown_kind"]),
    ],
    ids=[
        "good",
        "employer-issued",
        "institution-not-at-province-level",
        "lower-case",
        "spaces-between-parts",
        "full-width",
        "highest-level",
        "empty",
        "none",
        "only-spaces",
        "wrong-first-letter",
        "digit-first",
        "one-short",
        "one-long",
        "letter-o-for-zero",
        "hyphen-inside",
        "wrong-letter-and-short",
        "no-such-province",
        "province-zero",
        "year-disagrees",
        "year-two-digits-only",
        "no-issue-date",
        "level-disagrees",
        "no-level",
        "level-digit-zero",
        "level-digit-six",
        "year-and-level-disagree",
        "special-ability",
        "special-ability-chinese",
        "special-operation",
        "special-operation-lower-case-no-date",
        "other-empty",
        "other-too-short",
        "other-too-long",
        "other-longest",
        "other-markup",
        "other-quote",
        "other-short-and-bad-character",
        "unknown-kind",
    ],
)
def test_certificate_number_rule(kind, number, level, issued_on, rules):
    assert [problem.rule for problem in check_number(kind, number, level=level, issued_on=issued_on)] == rules


def test_a_problem_is_words_that_name_what_disagrees():
    [problem] = check_number(SKILL, GOOD, level=4, issued_on=ISSUED)

    assert problem == "The level in the number (5) does not agree with the recorded level (4)."


def test_a_year_problem_names_both_years():
    [problem] = check_number(SKILL, GOOD, level=5, issued_on=date(2025, 3, 1))

    assert "(26)" in problem and "(2025)" in problem


def test_the_number_is_stored_as_it_was_checked():
    assert normalize_number(" s0000 61 610924 26 5 000123\u3000") == GOOD

"""Employer rules: the unified social credit code and the contact phone, as typed."""

from __future__ import annotations

import pytest
from stdnum.cn.uscc import calc_check_digit

from training.exceptions import InvalidValue
from training.placement.rules import normalize_employer_phone, normalize_uscc


def code(base17: str) -> str:
    """A valid code: 17 characters and their check character."""
    return base17 + calc_check_digit(base17)


VALID = code("91610924MA6YQ0N0X")
VALID_ALL_DIGITS = code("91310112607412345")
WRONG_CHECK = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (VALID, VALID),
        (VALID.lower(), VALID),
        (f" {VALID[:6]} {VALID[6:]} ", VALID),
        (f"{VALID[:8]}-{VALID[8:]}", VALID),
        (VALID_ALL_DIGITS, VALID_ALL_DIGITS),
        ("".join(chr(ord(c) + 0xFEE0) for c in VALID_ALL_DIGITS), VALID_ALL_DIGITS),  # full-width digits
    ],
)
def test_a_valid_code_is_stored_in_capitals_without_spaces(typed, stored):
    assert normalize_uscc(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "missing"),
        ("   ", "missing"),
        (VALID[:17], "18 characters; this one has 17"),
        (VALID + "1", "18 characters; this one has 19"),
        ("12345", "18 characters; this one has 5"),
        ("A" + VALID[1:], "first 8 characters of the code are digits"),
        (VALID[:8] + "I" + VALID[9:], "capital letters other than I, O, S, V and Z"),
        (VALID[:8] + "O" + VALID[9:], "capital letters other than I, O, S, V and Z"),
        (VALID[:8] + "中" + VALID[9:], "capital letters other than I, O, S, V and Z"),
        (WRONG_CHECK, "check character"),
    ],
)
def test_an_invalid_code_is_refused_saying_what_is_wrong(typed, message):
    with pytest.raises(InvalidValue) as refusal:
        normalize_uscc(typed)

    assert message in str(refusal.value)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", None),
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0915-1234567", "0915-1234567"),
        ("0915 1234567", "0915-1234567"),
        ("09151234567", "0915-1234567"),
        ("(0915)1234567", "0915-1234567"),
        ("021-62345678", "021-62345678"),
        ("02162345678", "021-62345678"),
        ("010-12345678-801", "010-12345678-801"),
        ("400-123-4567", "400-123-4567"),
        ("4001234567", "400-123-4567"),
    ],
)
def test_a_contact_phone_may_be_a_mobile_a_landline_or_a_service_number(typed, stored):
    assert normalize_employer_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("3234567", "area code"),
        ("1234567", "11 digits"),
        ("1391234567", "11 digits"),
        ("0915-123", "area code"),
        ("电话", "area code"),
    ],
)
def test_a_contact_phone_without_an_area_code_or_with_missing_digits_is_refused(typed, message):
    with pytest.raises(InvalidValue) as refusal:
        normalize_employer_phone(typed)

    assert message in str(refusal.value)

"""ID numbers, phones and household categories as county sheets and forms give them."""

from datetime import date

import pytest

from training.exceptions import InvalidValue
from training.identity import (
    make_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_phones_in,
    normalize_id_number,
    normalize_phone,
)
from training.trainees.rules import parse_categories

VALID = make_id_number("610924", date(1990, 5, 17), 123)
TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (VALID, VALID),
        (make_id_number("612425", date(1975, 3, 2), 41), make_id_number("612425", date(1975, 3, 2), 41)),
        (make_id_number("610924", date(1968, 3, 2), 41), make_id_number("610924", date(1968, 3, 2), 41)),
        (make_id_number("612401", date(1960, 3, 2), 17), make_id_number("612401", date(1960, 3, 2), 17)),
        (" " + VALID[:6] + " " + VALID[6:14] + " " + VALID[14:] + " ", VALID),
        ("".join(chr(ord(c) + 0xFEE0) for c in VALID), VALID),
    ],
    ids=["new-code", "old-6124xx-born-1975", "6109xx-born-1968", "old-city-code", "spaces", "full-width"],
)
def test_valid_id_numbers_are_accepted_and_normalised(raw, expected):
    assert normalize_id_number(raw, today=TODAY) == expected


def test_a_lowercase_x_check_character_is_stored_upper_case():
    number = next(
        make_id_number("610929", date(1985, 1, d), s)
        for d in range(1, 29)
        for s in range(1000)
        if make_id_number("610929", date(1985, 1, d), s).endswith("X")
    )
    assert normalize_id_number(number.lower(), today=TODAY) == number


@pytest.mark.parametrize(
    "raw, words",
    [
        ("", "missing"),
        (VALID[:17] + ("0" if VALID[17] != "0" else "1"), "last character"),
        ("6109241990023112", "17 digits"),
        ("6.10924E+17", "Excel"),
        ("610924199005171230.0", "Excel"),
        ("610924900517123", "15-digit"),
        ("61092419900517123", "17 digits"),
        (make_id_number("999999", date(1990, 1, 1), 1), "region code"),
        (make_id_number("610924", date(2030, 1, 1), 1), "impossible"),
    ],
    ids=[
        "empty",
        "bad-check",
        "short",
        "scientific",
        "float",
        "fifteen",
        "seventeen",
        "unknown-region",
        "future-birth",
    ],
)
def test_invalid_id_numbers_are_refused_with_a_reason(raw, words):
    with pytest.raises(InvalidValue) as refusal:
        normalize_id_number(raw, today=TODAY)
    assert words in str(refusal.value)


def test_an_impossible_birth_date_is_refused():
    first17 = "61092419900230123"  # 30 February
    from training.identity import check_character

    with pytest.raises(InvalidValue, match="not a real date"):
        normalize_id_number(first17 + check_character(first17), today=TODAY)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086-13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("", None),
        ("13800138000.0", "13800138000"),
    ],
)
def test_mobile_numbers_are_normalised(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["1380013800", "23800138000", "0298888888", "phone"])
def test_other_phone_numbers_are_refused(raw):
    with pytest.raises(InvalidValue):
        normalize_phone(raw)


def test_household_categories_are_read_from_chinese_or_english_words():
    assert parse_categories("脱贫人口、易地搬迁") == {"poverty_alleviated", "relocated"}
    assert parse_categories("disabled, monitored") == {"disabled", "monitored"}
    assert parse_categories("") == set()
    with pytest.raises(InvalidValue, match="富农"):
        parse_categories("富农")


@pytest.mark.parametrize("value, masked", [(VALID, VALID[:6] + "********" + VALID[-4:]), ("", ""), (None, "")])
def test_id_numbers_are_masked_to_first_six_and_last_four(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize("name, masked", [("张三华", "张*华"), ("李娜", "李*"), ("欧阳小明", "欧**明"), ("王", "王")])
def test_names_are_masked_for_public_pages(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [("13800138000", "138****8000"), ("", ""), (None, ""), ("12345", "*****")])
def test_mobile_numbers_are_masked_to_first_three_and_last_four(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    "text, masked",
    [
        ('{"phone": "13912345678", "name": "张三"}', '{"phone": "139****5678", "name": "张三"}'),
        ("15800001111", "158****1111"),
        (VALID, VALID),  # the digits inside an ID number are not a phone
        ("0915-3212345", "0915-3212345"),  # a landline is an office's, not a person's
        ("li.hua", "li.hua"),
        (None, ""),
    ],
)
def test_every_mobile_number_in_a_text_is_masked_and_nothing_else(text, masked):
    assert mask_phones_in(text) == masked

"""Logs are JSON lines on stderr and never carry an ID number or a mobile number."""

import json
import logging
from datetime import date

import pytest

from training.identity import make_id_number
from training.logs import JsonFormatter, scrub

ID_NUMBER = make_id_number("610924", date(1990, 5, 17), 123)


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"import row for {ID_NUMBER}", f"import row for {ID_NUMBER[:6]}********{ID_NUMBER[-4:]}"),
        ("call 13800138000 now", "call 138****8000 now"),
        ("order 12345 of 2026", "order 12345 of 2026"),
    ],
)
def test_personal_numbers_are_masked_in_log_messages(text, expected):
    assert scrub(text) == expected


def test_a_log_record_is_one_json_line_without_the_id_number():
    record = logging.LogRecord("training", logging.WARNING, __file__, 1, "refused %s", (ID_NUMBER,), None)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "training"
    assert ID_NUMBER not in line and "\n" not in line

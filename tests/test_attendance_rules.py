"""The attendance rules as tables: marking phases, check-in hours, what a save does with a
posted mark, counts, and the rotating tokens and codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from training.attendance import checkin, rules
from training.attendance.checkin import TokenProblem, TokenRejected
from training.attendance.rules import Decision, Phase, PostedMark

START = datetime(2026, 5, 12, 0, 0, tzinfo=UTC)
END = START + timedelta(hours=4)
SECRET = "a test secret"


@pytest.mark.parametrize(
    ("now", "phase"),
    [
        (START - timedelta(seconds=1), Phase.NOT_STARTED),
        (START, Phase.OPEN),
        (END, Phase.OPEN),
        (END + timedelta(hours=48), Phase.OPEN),
        (END + timedelta(hours=48, seconds=1), Phase.LOCKED),
    ],
)
def test_marking_phase(now, phase):
    assert rules.marking_phase(START, END, now, lock_hours=48) == phase


@pytest.mark.parametrize(
    ("role", "may"), [("trainer", False), ("coordinator", True), ("admin", True), ("trainee", False)]
)
def test_who_may_correct_after_the_lock(role, may):
    assert rules.may_correct(role) is may


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (START - timedelta(minutes=30, seconds=1), False),
        (START - timedelta(minutes=30), True),
        (END, True),
        (END + timedelta(seconds=1), False),
    ],
)
def test_check_in_hours(now, open_):
    assert rules.checkin_open(START, END, now, opens_minutes=30) is open_


@pytest.mark.parametrize(
    ("posted", "stored", "decision"),
    [
        # posted (status, loaded status, loaded version), stored (status, version)
        (("present", None, 0), (None, 0), Decision.WRITE),
        (("late", "present", 1), ("present", 1), Decision.WRITE),
        (("present", None, 0), ("present", 1), Decision.UNCHANGED),  # the same save again
        ((None, None, 0), (None, 0), Decision.UNCHANGED),  # nothing chosen
        (("present", "present", 1), ("late", 2), Decision.UNCHANGED),  # not touched here; someone else changed it
        (("absent", None, 0), ("late", 1), Decision.CONFLICT),
        (("absent", "present", 1), ("late", 2), Decision.CONFLICT),
    ],
)
def test_what_a_save_does_with_a_posted_mark(posted, stored, decision):
    status, loaded, version = posted
    assert rules.decide(PostedMark(1, status, loaded, version), *stored) == decision


def test_counts_include_the_unmarked():
    assert rules.counts(["present", None, "late", "present", "excused"]) == {
        "present": 2,
        "late": 1,
        "absent": 0,
        "excused": 1,
        "unmarked": 1,
    }


def test_a_token_reads_back_as_its_session_in_its_window_and_the_next():
    token = checkin.make_token(SECRET, 42, 1000)

    assert checkin.read_token(SECRET, token, 1000) == 42
    assert checkin.read_token(SECRET, token, 1001) == 42


@pytest.mark.parametrize(
    ("token", "current", "problem"),
    [
        (checkin.make_token(SECRET, 42, 1000), 1002, TokenProblem.EXPIRED),
        (checkin.make_token(SECRET, 42, 1000), 999, TokenProblem.INVALID),
        (checkin.make_token("another secret", 42, 1000), 1000, TokenProblem.INVALID),
        ("43-1000-" + checkin.make_token(SECRET, 42, 1000).rsplit("-", 1)[1], 1000, TokenProblem.INVALID),
        ("42-1000", 1000, TokenProblem.INVALID),
        ("", 1000, TokenProblem.INVALID),
    ],
)
def test_a_bad_token_is_rejected(token, current, problem):
    with pytest.raises(TokenRejected) as rejected:
        checkin.read_token(SECRET, token, current)
    assert rejected.value.problem == problem


def test_codes_are_six_digits_and_change_with_the_window_and_the_session():
    codes = {checkin.make_code(SECRET, session, window) for session in (1, 2) for window in range(1000, 1050)}

    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(codes) > 95


@pytest.mark.parametrize(
    ("window", "current", "matches"), [(1000, 1000, True), (1000, 1001, True), (1000, 1002, False), (1001, 1000, False)]
)
def test_a_code_matches_in_its_window_and_the_next(window, current, matches):
    assert checkin.code_matches(SECRET, 7, checkin.make_code(SECRET, 7, window), current) is matches


def test_windows_turn_every_rotation():
    at = datetime.fromtimestamp(30 * 1000 + 29, UTC)

    assert checkin.window_at(at, 30) == 1000
    assert checkin.window_at(at + timedelta(seconds=1), 30) == 1001
    assert checkin.seconds_left(at, 30) == 1

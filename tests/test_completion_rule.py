"""The completion rule as tables: which hours count, where the minimum lies, and the reasons given."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from training import completion
from training.completion import SessionMark, completion_verdict, format_percent, meets_completion, meets_minimum, tally
from training.extensions import db
from training.models import ClassSession

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
D = Decimal


def held(status, hours=4, days_ago=1):
    return SessionMark(NOW - timedelta(days=days_ago), D(hours), status)


def future(status=None, hours=4, days_ahead=1):
    return SessionMark(NOW + timedelta(days=days_ahead), D(hours), status)


@pytest.mark.parametrize(
    "marks, attended, scheduled",
    [
        ([held("present"), held("present")], 8, 8),
        ([held("late")], 4, 4),
        ([held("excused")], 0, 4),
        ([held("absent")], 0, 4),
        ([held(None)], 0, 4),
        ([held("present"), future(), future("present")], 4, 4),
        ([SessionMark(NOW, D(4), "present")], 4, 4),
        ([future(), future()], 0, 0),
        ([held("present", hours="3.5"), held("late", hours="2.5"), held("excused", hours=4)], 6, 10),
    ],
    ids=[
        "present-counts",
        "late-counts-as-attended",
        "excused-does-not-count",
        "absent-does-not-count",
        "unmarked-is-scheduled-not-attended",
        "future-sessions-ignored",
        "a-session-starting-now-is-held",
        "nothing-held-yet",
        "hours-add-up",
    ],
)
def test_which_hours_count(marks, attended, scheduled):
    hours = tally(marks, NOW)
    assert (hours.attended, hours.scheduled) == (D(attended), D(scheduled))


@pytest.mark.parametrize(
    "attended, scheduled, minimum, theory, practical, rules",
    [
        (32, 40, 80, 60, 60, []),
        ("31.5", 40, 80, 90, 90, ["attendance"]),
        (40, 40, 80, 88, "92.5", []),
        (36, 40, 90, 70, 70, []),
        (35, 40, 90, 70, 70, ["attendance"]),
        (40, 40, 80, None, 70, ["theory_missing"]),
        (40, 40, 80, 70, None, ["practical_missing"]),
        (40, 40, 80, None, None, ["theory_missing", "practical_missing"]),
        (40, 40, 80, 55, 70, ["theory_low"]),
        (40, 40, 80, 70, "59.9", ["practical_low"]),
        (0, 0, 80, 90, 90, ["no_sessions"]),
        (0, 0, 80, None, None, ["no_sessions", "theory_missing", "practical_missing"]),
        ("28.8", 40, 80, 55, None, ["attendance", "theory_low", "practical_missing"]),
        (0, 40, 80, 100, 100, ["attendance"]),
    ],
    ids=[
        "exactly-at-the-minimum-and-the-pass-score",
        "just-below-the-minimum",
        "a-decimal-score",
        "a-higher-course-minimum-met",
        "a-higher-course-minimum-missed",
        "no-theory-score",
        "no-practical-score",
        "no-scores",
        "theory-below-pass",
        "practical-just-below-pass",
        "no-session-held",
        "nothing-yet-at-all",
        "every-reason-at-once",
        "never-came",
    ],
)
def test_completion_table(attended, scheduled, minimum, theory, practical, rules):
    scores = [None if s is None else D(s) for s in (theory, practical)]
    verdict = completion_verdict(D(attended), D(scheduled), minimum, *scores, 60)
    assert [s.rule for s in verdict.shortfalls] == rules
    assert verdict.eligible is (rules == [])
    assert meets_completion(D(attended), D(scheduled), minimum, *scores, 60) is verdict.eligible


@pytest.mark.parametrize(
    "attended, scheduled, theory, practical, reasons",
    [
        ("28.8", 40, 70, 70, ["Attendance 72%, below 80%"]),
        ("31.9", 40, 70, 70, ["Attendance 79.7%, below 80%"]),
        (40, 40, 55, 70, ["Theory score 55, below the pass score 60"]),
        (40, 40, 70, "59.5", ["Practical score 59.5, below the pass score 60"]),
        (40, 40, 70, None, ["No practical score entered"]),
        (40, 40, None, 70, ["No theory score entered"]),
        (0, 0, 70, 70, ["No session has been held yet, so attendance cannot be judged"]),
    ],
)
def test_the_reasons_read_as_sentences(app, attended, scheduled, theory, practical, reasons):
    scores = [None if s is None else D(s) for s in (theory, practical)]
    with force_locale("en"):
        assert completion_verdict(D(attended), D(scheduled), 80, *scores, 60).reasons == reasons


@pytest.mark.parametrize(
    "rate, shown",
    [("0.72", "72"), ("0.7999", "79.9"), ("0.8", "80"), ("1", "100"), ("0.123456", "12.3"), ("0", "0")],
)
def test_a_rate_below_the_minimum_never_reads_as_the_minimum(rate, shown):
    assert format_percent(D(rate)) == shown


def test_future_sessions_do_not_hold_back_a_trainee_who_came_to_every_held_one():
    marks = [held("present", days_ago=d) for d in range(1, 9)] + [held("absent", days_ago=d) for d in (9, 10)]
    marks += [future(days_ahead=d) for d in range(1, 6)]
    hours = tally(marks, NOW)
    verdict = completion_verdict(hours.attended, hours.scheduled, 80, D(60), D(60), 60)
    assert verdict.eligible and verdict.rate == D("0.8")


@pytest.mark.parametrize(
    "attended, scheduled, minimum, met",
    [(8, 10, 80, True), ("7.9", 10, 80, False), (10, 10, 100, True), (0, 0, 80, False), (0, 0, 0, False)],
    ids=["exactly-the-minimum", "just-below", "all-of-it", "nothing-scheduled", "nothing-scheduled-no-minimum"],
)
def test_where_the_attendance_minimum_lies(attended, scheduled, minimum, met):
    assert meets_minimum(D(attended), D(scheduled), minimum) is met


def test_the_sql_form_of_held_counts_the_sessions_is_held_counts(make):
    cohort = make.cohort(sessions=0)
    for minutes in (-60, 0, 1, 60):
        make.session(cohort, starts_at=NOW + timedelta(minutes=minutes))
    db.session.commit()
    sessions = db.session.scalars(select(ClassSession).where(ClassSession.cohort_id == cohort.id)).all()
    in_sql = set(db.session.scalars(select(ClassSession.id).where(completion.held(NOW))))
    still_to_come = set(db.session.scalars(select(ClassSession.id).where(~completion.held(NOW))))
    assert in_sql == {s.id for s in sessions if completion.is_held(s.starts_at, NOW)}
    assert len(in_sql) == 2 and still_to_come == {s.id for s in sessions} - in_sql

"""Two trainers saving the same roster at the same moment on PostgreSQL: the first value of a
contested mark stays, the second is reported as a conflict, and nothing else is lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import BACKEND
from tests.support.races import first_holds_second_waits
from training.attendance import services
from training.attendance.rules import PostedMark
from training.extensions import db
from training.models import Attendance, AuditEvent, ClassSession

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="concurrent writers are a PostgreSQL matter; SQLite serialises them itself"
)


def race(app, session_id: int, first: list[PostedMark], second: list[PostedMark], user_ids) -> dict:
    """Save `first`, and while its transaction is still open, `second` from another connection."""
    posted = (first, second)

    def save(index: int):
        return services.save_marks(
            db.session.get(ClassSession, session_id),
            posted[index],
            user_id=user_ids[index],
            role="trainer",
            now=datetime.now(UTC),
            lock_hours=48,
        )

    return first_holds_second_waits(app, save)


@pytest.fixture
def lesson(make):
    trainers = [make.user("trainer"), make.user("trainer")]
    cohort = make.cohort(trainers=trainers)
    session = make.session(cohort, starts_at=datetime.now(UTC) - timedelta(hours=1))
    enrollments = [make.enrollment(cohort=cohort) for _ in range(2)]
    db.session.commit()
    return session, enrollments, [t.id for t in trainers]


def marks() -> dict[int, tuple[str, int]]:
    db.session.expire_all()
    return {a.enrollment_id: (a.status, a.version) for a in db.session.scalars(select(Attendance))}


def test_two_new_marks_for_the_same_trainee_at_once_keep_the_first_and_report_the_second(app, lesson):
    session, (contested, other), users = lesson

    outcomes = race(
        app,
        session.id,
        [PostedMark(contested.id, "late", None, 0)],
        [PostedMark(contested.id, "absent", None, 0), PostedMark(other.id, "present", None, 0)],
        users,
    )

    assert marks() == {contested.id: ("late", 1), other.id: ("present", 1)}
    assert outcomes[0].saved == 1 and not outcomes[0].conflicts
    assert outcomes[1].saved == 1
    [conflict] = outcomes[1].conflicts
    assert (conflict.enrollment_id, conflict.yours, conflict.current.status) == (contested.id, "absent", "late")
    assert len(db.session.scalars(select(AuditEvent)).all()) == 2


def test_two_changes_of_the_same_mark_at_once_keep_the_first_and_report_the_second(app, make, lesson):
    session, (contested, other), users = lesson
    make.attendance(contested, session, "present", version=1)
    db.session.commit()

    outcomes = race(
        app,
        session.id,
        [PostedMark(contested.id, "late", "present", 1)],
        [PostedMark(contested.id, "excused", "present", 1), PostedMark(other.id, "absent", None, 0)],
        users,
    )

    assert marks() == {contested.id: ("late", 2), other.id: ("absent", 1)}
    [conflict] = outcomes[1].conflicts
    assert (conflict.yours, conflict.current.status, conflict.current.version) == ("excused", "late", 2)

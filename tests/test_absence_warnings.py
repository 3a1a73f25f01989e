"""Absence warnings: who can no longer reach the minimum, who missed ABSENCE_WARNING_IN_A_ROW
sessions in a row; listed on the trainer's home and the cohort page, told on /me in plain words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, base_config, translated_app
from tests.factories import Factories
from tests.support.me import in_class
from tests.support.statements import statements_sent
from tests.support.translations import compiled_translations
from training import create_app
from training.attendance import warnings
from training.extensions import db
from training.models import Attendance, Cohort, CohortStatus, utcnow

E, M = True, False  # a session that has ended, one still going on


@pytest.mark.parametrize(
    "sessions, missed",
    [
        ([], 0),
        ([(E, "absent"), (E, "absent")], 2),
        ([(E, "absent"), (E, "present"), (E, "absent")], 1),
        ([(E, None), (E, "absent")], 2),  # ended with no mark: nobody checked them in
        ([(E, "absent"), (E, "excused"), (E, "absent")], 1),  # leave granted is not a class missed
        ([(E, "late"), (E, "absent")], 0),
        ([(M, None), (E, "absent"), (E, "absent")], 2),  # the class going on counts neither way…
        ([(M, "present"), (E, "absent"), (E, "absent")], 0),  # …until they check in to it
    ],
)
def test_missed_in_a_row_counts_the_ended_sessions_missed_since_the_last_one_not_missed(sessions, missed):
    assert warnings.missed_in_a_row(sessions) == missed


@pytest.mark.parametrize(
    "attended, still_open, scheduled, minimum, cannot",
    [
        ("8", "4", "20", 80, True),  # 12 of the 16 needed at best
        ("12", "4", "20", 80, False),  # exactly the minimum is reachable
        ("0", "0", "0", 80, False),  # nothing scheduled: nothing to judge
        ("16", "0", "20", 80, False),  # reached already
        ("7.9", "0", "10", 80, True),
    ],
)
def test_cannot_reach_uses_the_completion_minimum(attended, still_open, scheduled, minimum, cannot):
    assert warnings.cannot_reach(Decimal(attended), Decimal(still_open), Decimal(scheduled), minimum) is cannot


@pytest.mark.parametrize("value", ["0", "-1", "two", ""])
def test_the_app_does_not_start_with_a_wrong_in_a_row_setting(database_url, value):
    with pytest.raises(ValueError, match="ABSENCE_WARNING_IN_A_ROW"):
        create_app({**base_config(database_url), "ABSENCE_WARNING_IN_A_ROW": value})


def _warned(cohort, warn_after=2):
    return {w.name: w for w in warnings.absence_warnings(Cohort.id == cohort.id, utcnow(), warn_after)}


def test_a_trainee_who_missed_two_classes_in_a_row_is_listed(make):
    setup = in_class(make, held=3, to_come=10, marks=["present", "absent", "absent"])

    [warning] = _warned(setup.cohort).values()

    assert (warning.name, warning.missed, warning.missed_too_many, warning.unreachable) == ("王秀英", 2, True, False)


def test_a_trainee_who_missed_one_class_or_came_back_is_not_listed(make):
    one = in_class(make, held=3, to_come=10, marks=["present", "present", "absent"])
    back = in_class(make, held=3, to_come=10, marks=["absent", "absent", "present"])

    assert _warned(one.cohort) == {}
    assert _warned(back.cohort) == {}


def test_the_number_in_a_row_is_the_setting(make):
    setup = in_class(make, held=3, to_come=20, marks=["absent", "absent", "absent"])

    assert _warned(setup.cohort, warn_after=4) == {}
    assert _warned(setup.cohort, warn_after=3)["王秀英"].missed == 3


def test_a_trainee_who_can_no_longer_reach_the_minimum_is_listed(make):
    # 4 classes of 4 hours, 80 %: 12.8 hours needed; 8 attended and one class of 4 left make 12.
    setup = in_class(make, held=3, to_come=1, marks=["present", "absent", "present"])

    [warning] = _warned(setup.cohort).values()

    assert warning.unreachable and not warning.missed_too_many
    assert (warning.attended, warning.still_open, warning.scheduled) == (Decimal(8), Decimal(4), Decimal(16))


def test_a_class_signed_in_and_not_out_yet_still_counts_as_open_here_and_on_me(client, make):
    # A two-mark course whose last class waits for its sign-out (or the trainer's confirmation): its
    # hours may yet count, so 8 signed out + 4 waiting + 4 to come reach 12.8; without it, 12 do not.
    setup = in_class(make, held=3, to_come=1, marks=["present", "present", "present"])
    rows = {
        r.session_id: r
        for r in db.session.scalars(select(Attendance).where(Attendance.enrollment_id == setup.enrollment.id))
    }
    for row in rows.values():
        row.signout_required, row.signed_out_at = True, utcnow()
    rows[setup.held[-1].id].signed_out_at = None
    db.session.commit()

    assert _warned(setup.cohort) == {}
    AuthActions(client, make).login(setup.user)
    assert "me-absence-unreachable" not in client.get("/me").get_data(as_text=True)


def test_a_class_held_and_not_marked_yet_still_counts_as_open(make):
    # The trainer may still mark it (until the lock): 8 + 4 held unmarked + 4 to come reach 12.8.
    setup = in_class(make, held=3, to_come=1, marks=["present", "present", None])

    warning = _warned(setup.cohort).get("王秀英")

    assert warning is None


def test_only_running_cohorts_warn(make):
    setup = in_class(make, held=3, to_come=1, marks=["absent", "absent", "absent"], status="completed")
    setup.cohort.status = CohortStatus.FINISHED
    db.session.commit()

    assert _warned(setup.cohort) == {}


def test_the_warnings_of_a_cohort_take_one_statement_for_30_trainees_as_for_3(make):
    def cohort_of(n):
        setup = in_class(make, held=4, to_come=4, marks=["absent"] * 4)
        for _ in range(n - 1):
            enrollment = make.enrollment(cohort=setup.cohort)
            for session in setup.held:
                make.attendance(enrollment, session, "absent")
        db.session.commit()
        return setup.cohort

    small, large = cohort_of(3).id, cohort_of(30).id
    with statements_sent() as few:
        assert len(warnings.absence_warnings(Cohort.id == small, utcnow(), 2)) == 3
    with statements_sent() as many:
        assert len(warnings.absence_warnings(Cohort.id == large, utcnow(), 2)) == 30

    assert len(few) == len(many) == 1


# ---- where they are shown ----------------------------------------------------------------------


@pytest.fixture
def in_english(client):
    client.set_cookie("jfw_lang", "en")


def test_the_trainer_sees_the_warnings_of_their_classes_on_their_home_page(client, auth, make, in_english):
    mine = in_class(make, held=3, to_come=10, marks=["present", "absent", "absent"])
    in_class(make, held=3, to_come=10, marks=["absent", "absent", "absent"], trainee=make.trainee(name="赵别班"))
    auth.login(mine.cohort.trainers[0])

    html = client.get("/").get_data(as_text=True)

    assert "Absence warnings" in html
    assert "王秀英" in html and "Missed 2 classes in a row" in html
    assert "赵别班" not in html  # another trainer's class


def test_the_cohort_page_lists_its_warnings(client, auth, make, in_english):
    setup = in_class(make, held=3, to_come=1, marks=["present", "absent", "present"])
    auth.login("coordinator")

    html = client.get(f"/cohorts/{setup.cohort.id}").get_data(as_text=True)

    assert "absence-warnings" in html and "Can no longer reach the minimum" in html


def test_nobody_warned_shows_no_panel(client, auth, make, in_english):
    setup = in_class(make, held=2, to_come=10, marks=["present", "present"])
    auth.login(setup.cohort.trainers[0])

    assert "absence-warnings" not in client.get(f"/cohorts/{setup.cohort.id}").get_data(as_text=True)
    assert "absence-warnings" not in client.get("/").get_data(as_text=True)


# ---- /me, in Chinese ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


@pytest.fixture
def chinese_client(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app:
        yield app.test_client()


def _me(client, setup) -> str:
    AuthActions(client, Factories()).login(setup.user)
    return client.get("/me").get_data(as_text=True)


def test_me_tells_a_trainee_who_cannot_reach_the_minimum_what_is_missing_and_what_to_do(chinese_client):
    # 5 classes of 4 hours, 80 %: 16 hours needed; 8 attended, one class of 4 hours left.
    setup = in_class(Factories(), held=4, to_come=1, marks=["present", "present", "absent", "absent"])

    html = _me(chinese_client, setup)

    assert "您已连续缺课 2 次。" in html
    assert "还差 8 学时才能达到结业要求，剩余课程共 4 学时，无法达到，请联系培训老师。" in html


def test_me_tells_a_trainee_who_missed_classes_in_a_row_to_come_to_the_rest(chinese_client):
    setup = in_class(Factories(), held=2, to_come=10, marks=["absent", "absent"])

    html = _me(chinese_client, setup)

    assert "您已连续缺课 2 次。" in html
    assert "还差 38.4 学时才能达到结业要求。请按时参加剩下的每一次课；如果来不了，请告诉培训老师。" in html
    assert "无法达到" not in html


def test_me_warns_nobody_who_attends(chinese_client):
    setup = in_class(Factories(), held=2, to_come=10, marks=["present", "absent"])

    assert "me-absence" not in _me(chinese_client, setup)


def test_me_warns_about_a_class_that_is_running_only(chinese_client):
    now = datetime.now(UTC)
    setup = in_class(
        Factories(), held=2, to_come=1, marks=["absent", "absent"], start_date=(now - timedelta(days=3)).date()
    )
    setup.cohort.status = CohortStatus.OPEN
    db.session.commit()

    assert "me-absence" not in _me(chinese_client, setup)

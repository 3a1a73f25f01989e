"""The trainee's own page (/me) in each state a training goes through, as the trainee reads it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.support.me import SHANGHAI, certificate_row, in_class, text_of
from training.extensions import db
from training.models import (
    CohortStatus,
    EnrollmentStatus,
)


@pytest.fixture
def me(client, auth):
    """me(user) → the /me page as that trainee reads it, in English."""
    client.set_cookie("jfw_lang", "en")

    def page(user) -> str:
        auth.login(user)
        response = client.get("/me")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return page


def test_a_trainee_in_no_class_is_told_so_and_pointed_to_the_classes_to_apply_for(me, make):
    user = make.trainee_user()
    db.session.commit()

    page = me(user)

    assert "You are not in any class yet." in page
    assert 'href="/apply"' in page
    assert "attended-hours" not in page


def test_an_application_says_it_waits_for_a_place_and_shows_no_hours(me, make):
    setup = in_class(make, to_come=3, status=EnrollmentStatus.APPLIED)

    page = me(setup.user)

    assert "足部修护师（五级）" in page
    assert "You have applied. You will be told when you get a place." in page
    assert "attended-hours" not in page
    assert "Next class" not in page  # an applicant has no class to come to yet


def test_the_waiting_list_says_a_place_comes_when_one_is_free(me, make):
    setup = in_class(make, to_come=3, status=EnrollmentStatus.WAITLISTED)

    page = me(setup.user)

    assert "You are on the waiting list. You get a place when one is free." in page
    assert "<progress" not in page


def test_before_the_first_class_the_page_shows_it_and_all_the_hours_still_needed(me, make):
    setup = in_class(make, to_come=5)
    first = setup.to_come[0]

    page = me(setup.user)

    assert "Next class" in page and "Tomorrow" in page
    assert "蒿坪镇社区活动室" in page
    assert "Classes have not started yet." in page
    assert text_of(page, "attended-hours") == "0"
    assert "of 20 hours attended" in page
    assert text_of(page, "missing-classes") == "4"  # 16 of the 20 hours, in classes of 4
    assert "Minimum: 16 hours" in page
    assert first.starts_at.astimezone(SHANGHAI).strftime("%-I:%M") in page
    assert first.starts_at.astimezone(SHANGHAI).strftime("%A") in page


def test_during_the_course_the_page_counts_present_and_late_hours_and_what_is_still_needed(me, make):
    setup = in_class(make, held=4, to_come=6, marks=["present", "late", "absent", None])

    page = me(setup.user)

    assert text_of(page, "attended-hours") == "8"
    assert "of 40 hours attended" in page
    assert '<progress class="me-bar-value" max="40.0" value="8.0"' in page
    assert 'Still <span class="missing-classes">6</span> more classes to attend to reach the minimum.' in page
    assert "me-min-80" in page
    assert "In progress" in page


def test_the_last_classes_show_each_mark_and_the_ones_not_marked_yet(me, make):
    setup = in_class(make, held=4, to_come=1, marks=["present", "late", "absent", None])

    page = me(setup.user)

    recent = page[page.index("Last classes") :]
    assert [m for m in re.findall(r'me-mark-status">([^<]+)<', recent)] == [
        "Not marked yet",
        "Absent",
        "Late",
        "Present",
    ]


def test_two_classes_of_one_day_are_told_apart_by_their_start_time(me, make):
    setup = in_class(make, to_come=1)
    morning = datetime.now(SHANGHAI).replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=1)
    afternoon = morning + timedelta(hours=6)
    make.attendance(setup.enrollment, make.session(setup.cohort, starts_at=morning), "present")
    make.attendance(setup.enrollment, make.session(setup.cohort, starts_at=afternoon), "excused")
    db.session.commit()

    page = me(setup.user)

    recent = page[page.index("Last classes") :]
    lines = re.findall(r"<span>([^<]+)</span>\s*<strong class=\"me-mark-status\">([^<]+)<", recent)
    assert [(when.split()[-2], mark) for when, mark in lines] == [("2:00", "Excused"), ("8:00", "Present")], lines


def test_the_trainers_name_and_the_site_are_shown(me, make):
    setup = in_class(make, held=1, to_come=1, marks=["present"])

    page = me(setup.user)

    assert "Trainer" in page and "李老师" in page
    assert "金川社区新社区工厂" in page


def test_hours_with_a_half_are_shown_as_such_and_the_minimum_rounds_up(me, make):
    setup = in_class(make, held=2, to_come=1, marks=["present", "present"], hours=2.5, min_pct=83)

    page = me(setup.user)

    assert text_of(page, "attended-hours") == "5"
    assert "of 7.5 hours attended" in page
    assert "Minimum: 6.3 hours" in page  # 83 % of 7.5 is 6.225: 6.2 hours would fall short
    assert 'Still <span class="missing-classes">1</span> more class to attend to reach the minimum.' in page
    assert "1.3" not in page  # the 1.3 hours missing are one class to a trainee


def test_once_the_minimum_is_reached_the_page_says_so(me, make):
    setup = in_class(make, held=8, to_come=2, marks=["present"] * 7 + ["late"])

    page = me(setup.user)

    assert text_of(page, "attended-hours") == "32"
    assert "You have reached the minimum." in page
    assert "missing-classes" not in page


def test_when_too_few_classes_are_left_the_trainee_is_told_to_talk_to_the_trainer(me, make):
    setup = in_class(make, held=6, to_come=4, marks=["absent"] * 6)

    page = me(setup.user)

    assert "missing-classes" not in page
    assert "Not enough classes are left to reach the minimum. Please talk to your trainer." in page


def test_a_completed_training_shows_the_scores_and_that_the_trainee_passed(me, make):
    setup = in_class(make, held=10, marks=["present"] * 10, status=EnrollmentStatus.COMPLETED)
    setup.cohort.status = CohortStatus.FINISHED
    setup.enrollment.theory_score, setup.enrollment.practical_score = Decimal("85"), Decimal("92.5")
    db.session.commit()

    page = me(setup.user)

    assert "You passed. Well done!" in page
    assert re.search(r"<dt>Theory test</dt>\s*<dd>85</dd>", page)
    assert re.search(r"<dt>Practical test</dt>\s*<dd>92.5</dd>", page)
    assert "Pass mark: 60" in page
    assert "You have reached the minimum." in page


def test_scores_entered_during_the_course_are_shown_and_a_missing_one_says_not_yet(me, make):
    setup = in_class(make, held=2, to_come=2, marks=["present", "present"])
    setup.enrollment.theory_score = Decimal("55")
    db.session.commit()

    page = me(setup.user)

    assert re.search(r'<div class="me-score me-score-low">\s*<dt>Theory test</dt>\s*<dd>55</dd>', page)
    assert re.search(r"<dt>Practical test</dt>\s*<dd>Not yet</dd>", page)


def test_a_training_not_passed_gives_the_reasons_of_the_completion_rule(me, make):
    setup = in_class(make, held=10, marks=["present"] * 7 + ["absent"] * 3, status=EnrollmentStatus.FAILED)
    setup.cohort.status = CohortStatus.FINISHED
    setup.enrollment.theory_score, setup.enrollment.practical_score = Decimal("50"), Decimal("70")
    db.session.commit()

    page = me(setup.user)

    assert "You did not pass." in page
    reasons = re.findall(r"<li>([^<]+)</li>", page[page.index("Why:") :])
    assert "Attendance 70%, below 80%" in reasons
    assert "Theory score 50, below the pass score 60" in reasons
    assert not any("Practical" in reason for reason in reasons)
    assert "Still" not in page  # the course is over: no hours are still to be made up


def test_a_training_whose_classes_are_over_waits_for_its_result(me, make):
    setup = in_class(make, held=3, marks=["present"] * 3, status=EnrollmentStatus.ENROLLED)
    setup.cohort.status = CohortStatus.FINISHED
    db.session.commit()

    assert "Classes are over. Your result comes soon." in me(setup.user)


def test_a_certificate_shows_its_number_and_status(me, make):
    setup = in_class(make, held=2, marks=["present"] * 2, status=EnrollmentStatus.COMPLETED)
    certificate = certificate_row(setup.enrollment)
    db.session.commit()

    page = me(setup.user)

    assert "My certificate" in page
    assert certificate.serial in page


def test_certificates_show_number_and_status_and_only_the_valid_one_downloads(me, make):
    setup = in_class(make, held=2, marks=["present"] * 2, status=EnrollmentStatus.COMPLETED)
    old = certificate_row(setup.enrollment, status="superseded")
    new = certificate_row(setup.enrollment)
    db.session.commit()

    page = me(setup.user)

    assert page.index(new.serial) < page.index(old.serial)  # the valid one first
    assert re.search(rf"{new.serial}</span></div>\s*<div><span class=\"badge me-badge\">Valid<", page)
    assert re.search(rf"{old.serial}</span></div>\s*<div><span class=\"badge me-badge\">Replaced by a new one<", page)
    assert f"/me/certificates/{new.serial}.pdf" in page and f"/me/certificates/{old.serial}.pdf" not in page


def test_a_job_record_is_shown_when_one_is_recorded(me, make):
    pytest.importorskip("training.placement.queries")
    setup = in_class(make, held=2, marks=["present"] * 2, status=EnrollmentStatus.COMPLETED)
    make.placement(enrollment=setup.enrollment, position="足浴技师", place="上海市")
    db.session.commit()

    page = me(setup.user)

    assert "My job" in page
    assert "足浴技师" in page


def test_a_training_failed_after_its_certificate_was_revoked_still_shows_the_certificate_and_the_job(me, make):
    setup = in_class(make, held=2, marks=["present"] * 2, status=EnrollmentStatus.FAILED)
    revoked = certificate_row(setup.enrollment, status="revoked")
    make.placement(enrollment=setup.enrollment, position="足浴技师")
    in_class(make, held=0, to_come=3, trainee=setup.trainee, course_name="母婴护理员（五级）")
    db.session.commit()

    page = me(setup.user)

    assert revoked.serial in page
    assert "足浴技师" in page


def test_the_check_in_button_is_there_only_while_a_class_takes_check_ins(me, client, make, app):
    if "attendance.checkin_code" not in app.view_functions:
        pytest.skip("the check-in code page has not landed yet")
    setup = in_class(make, to_come=1)

    assert "Check in with a code" not in me(setup.user)

    make.session(setup.cohort, starts_at=datetime.now(UTC) - timedelta(minutes=10))
    db.session.commit()
    page = client.get("/me").get_data(as_text=True)

    assert "Class now" in page
    assert re.search(r'<a class="btn[^"]*me-checkin" href="/checkin">Check in with a code</a>', page)


def test_the_current_enrollment_comes_first_and_earlier_trainings_follow_in_short(me, make):
    earlier = in_class(
        make, held=10, marks=["present"] * 10, status=EnrollmentStatus.COMPLETED, course_name="茶艺师（五级）"
    )
    earlier.cohort.status = CohortStatus.CLOSED
    current = in_class(make, held=1, to_come=4, marks=["present"], trainee=earlier.trainee)
    # Applied for later than the enrollment: still, the class the trainee is in comes first.
    in_class(make, to_come=3, status=EnrollmentStatus.APPLIED, trainee=earlier.trainee, course_name="母婴护理员")

    page = me(current.user)

    mine, others = page.split("My other classes")
    assert "足部修护师（五级）" in mine and text_of(mine, "attended-hours") == "4"
    assert "茶艺师（五级）" in others and "of 40 hours attended" in others
    assert "母婴护理员" in others and "Applied" in others
    assert "attended-hours" not in others


def test_without_an_enrollment_the_newest_application_is_the_current_one(me, make):
    earlier = in_class(
        make, held=2, marks=["present"] * 2, status=EnrollmentStatus.COMPLETED, course_name="茶艺师（五级）"
    )
    in_class(make, to_come=2, status=EnrollmentStatus.WAITLISTED, trainee=earlier.trainee, course_name="母婴护理员")

    mine, others = me(earlier.user).split("My other classes")

    assert "母婴护理员" in mine and "waiting list" in mine
    assert "茶艺师（五级）" in others


def test_the_page_has_no_inline_style_or_script_and_brings_its_own_stylesheet(me, make):
    setup = in_class(make, held=3, to_come=2, marks=["present", "late", "absent"])
    certificate_row(setup.enrollment)
    db.session.commit()

    page = me(setup.user)

    assert " style=" not in page and "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert '<link rel="stylesheet" href="/static/css/me.css">' in page

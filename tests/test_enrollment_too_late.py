"""Too late to add: once a share of a running class's hours has passed (FILING_ADD_TRAINEE_UNTIL,
default 1/3), nobody more is enrolled: a coordinator may not quietly add people to a class they never
attended."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from tests.conftest import base_config, translated_app
from tests.support.translations import compiled_translations
from training import create_app
from training.enrollment import checks, services
from training.enrollment.checks import TooLateToAdd
from training.extensions import db
from training.models import CohortStatus, Enrollment, EnrollmentStatus, utcnow

pytestmark = pytest.mark.usefixtures("english")


def running_class(make, ended: int, to_come: int):
    """A running class of four-hour sessions: `ended` of them over, `to_come` still ahead."""
    cohort = make.cohort(status=CohortStatus.RUNNING, start_date=(utcnow() - timedelta(days=ended + 1)).date())
    now = utcnow()
    for n in range(ended):
        make.session(cohort, starts_at=now - timedelta(days=n + 1))
    for n in range(to_come):
        make.session(cohort, starts_at=now + timedelta(days=n + 1))
    return cohort


@pytest.mark.parametrize(
    ("text", "share"),
    [("1/3", Fraction(1, 3)), (" 1 / 3 ", Fraction(1, 3)), ("0.33", Fraction(33, 100)), ("25%", Fraction(1, 4))]
    + [("0", Fraction(0)), ("1", Fraction(1))],
)
def test_the_setting_is_read_as_a_fraction_or_a_decimal(text, share):
    assert checks.parse_share(text) == share


@pytest.mark.parametrize("text", ["", "a third", "1/0", "4/3", "-0.1", "1.5", "1/3/4"])
def test_a_setting_that_is_no_share_is_refused_naming_it(text):
    with pytest.raises(ValueError, match="FILING_ADD_TRAINEE_UNTIL"):
        checks.parse_share(text)


def test_the_app_does_not_start_with_a_wrong_setting(database_url):
    with pytest.raises(ValueError, match="FILING_ADD_TRAINEE_UNTIL='half'"):
        create_app({**base_config(database_url), "FILING_ADD_TRAINEE_UNTIL": "half"})


@pytest.mark.parametrize(
    ("passed", "scheduled", "until", "too_late"),
    [
        ("0", "12", "1/3", False),
        ("3.5", "12", "1/3", False),
        ("4", "12", "1/3", True),  # a third has passed
        ("8", "12", "1/3", True),
        ("4", "12", "1/2", False),
        ("0", "12", "0", False),  # nothing has passed yet
        ("0.5", "12", "0", True),
        ("12", "12", "1", True),
        ("0", "0", "1/3", False),  # no timetable
    ],
)
def test_the_rule(passed, scheduled, until, too_late):
    assert checks.is_too_late(Decimal(passed), Decimal(scheduled), checks.parse_share(until)) is too_late


def test_before_a_third_of_the_hours_a_trainee_is_still_added(make):
    cohort = running_class(make, ended=1, to_come=3)  # 4 of 16 hours
    assert services.enroll(make.trainee().id, cohort.id, None).status == EnrollmentStatus.ENROLLED


def test_after_a_third_of_the_hours_a_trainee_is_refused_with_the_hours(make):
    cohort = running_class(make, ended=2, to_come=3)  # 8 of 20 hours
    trainee = make.trainee()
    with pytest.raises(TooLateToAdd) as refusal:
        services.enroll(trainee.id, cohort.id, make.user().id, override_reason="特批", overlap_reason="特批")
    assert str(refusal.value) == (
        "8 of this class's 20 hours have already passed; trainees may be added only until 33% of them "
        "(6.7 hours). A coordinator may not quietly add people to a class they never attended."
    )
    assert db.session.scalar(select(Enrollment).where(Enrollment.trainee_id == trainee.id)) is None


def test_an_application_is_not_accepted_once_too_late(make):
    cohort = running_class(make, ended=3, to_come=3)
    application = make.enrollment(cohort=cohort, status=EnrollmentStatus.APPLIED)
    with pytest.raises(TooLateToAdd):
        services.accept(application.id, make.user().id)


def test_an_open_class_is_never_too_late(make):
    cohort = running_class(make, ended=3, to_come=1)
    cohort.status = CohortStatus.OPEN
    assert services.enroll(make.trainee().id, cohort.id, None).status == EnrollmentStatus.ENROLLED


@pytest.mark.parametrize(("ended", "promoted"), [(1, True), (3, False)])  # 4 of 20 hours passed; 12 of 20
def test_the_waiting_list_moves_up_only_before_the_share_has_passed(make, ended, promoted):
    cohort = running_class(make, ended=ended, to_come=5 - ended)
    cohort.capacity = 1
    seated = make.enrollment(cohort=cohort, status=EnrollmentStatus.ENROLLED)
    waiting = make.enrollment(cohort=cohort, status=EnrollmentStatus.WAITLISTED, waitlisted_at=utcnow())

    assert services.withdraw(seated.id, None, "搬家") == (waiting if promoted else None)
    assert waiting.status == (EnrollmentStatus.ENROLLED if promoted else EnrollmentStatus.WAITLISTED)


def test_the_share_is_a_setting(app, make):
    app.extensions[checks.SETTING] = checks.parse_share("0.5")
    cohort = running_class(make, ended=2, to_come=3)  # 8 of 20 hours: less than half
    assert services.enroll(make.trainee().id, cohort.id, None).status == EnrollmentStatus.ENROLLED


def test_the_enrollment_page_says_why(client, auth, make):
    cohort = running_class(make, ended=2, to_come=1)
    trainee = make.trainee()
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.submit(
        f"/cohorts/{cohort.id}/enroll-one", {"person": trainee.id_number}, page=f"/cohorts/{cohort.id}"
    ).get_data(as_text=True)
    assert "8 of this class&#39;s 12 hours have already passed" in page


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def test_the_refusal_reads_in_chinese(database_url, translation_directory):
    from tests.factories import Factories

    with translated_app(database_url, translation_directory) as app, app.test_request_context():
        make = Factories()
        cohort = running_class(make, ended=2, to_come=1)
        with pytest.raises(TooLateToAdd) as refusal:
            services.enroll(make.trainee().id, cohort.id, None)
    assert str(refusal.value) == (
        "本班 12 课时中已过去 8 课时；只有在课时过去 33%（4 课时）之前才能增加学员。协调员不得把没有上过课的人悄悄加进班里。"
    )

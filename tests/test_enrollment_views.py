"""Enrollment pages: one by ID number, many ticked from the registry, applications, withdrawals."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import translated_app
from tests.factories import TEST_PASSWORD, Factories
from tests.support.translations import compiled_translations
from training.extensions import db
from training.models import CohortStatus, Enrollment, EnrollmentStatus


def cohort_page(client, cohort):
    return client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_a_coordinator_enrolls_a_trainee_by_full_id_number(client, auth, make):
    cohort, trainee = make.cohort(status=CohortStatus.OPEN), make.trainee(name="刘德林")
    db.session.commit()
    auth.login("coordinator", county="610924")
    response = client.submit(
        f"/cohorts/{cohort.id}/enroll-one", {"person": trainee.id_number.lower()}, page=f"/cohorts/{cohort.id}"
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Enrollment.status).where(Enrollment.trainee_id == trainee.id)) == "enrolled"
    assert "刘德林" in cohort_page(client, cohort)


def test_a_subsidy_refusal_names_the_rule_and_the_earlier_trainings(client, auth, make):
    trainee = make.trainee()
    earlier = make.cohort(
        code="ZY-2025-09", course=make.course(occupation="茶艺师", level=5), start_date=date(2025, 4, 1)
    )
    make.enrollment(trainee=trainee, cohort=earlier, status=EnrollmentStatus.COMPLETED)
    cohort = make.cohort(course=make.course(occupation="茶艺师", level=5), status=CohortStatus.OPEN)
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.submit(
        f"/cohorts/{cohort.id}/enroll-one", {"person": trainee.id_number}, page=f"/cohorts/{cohort.id}"
    ).get_data(as_text=True)
    assert "same occupation and level" in page and "ZY-2025-09" in page
    assert db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id)) is None


def test_a_refused_enrollment_keeps_the_id_number_typed_for_the_override(client, auth, make):
    trainee = make.trainee()
    earlier = make.cohort(course=make.course(occupation="茶艺师", level=5), start_date=date(2025, 4, 1))
    make.enrollment(trainee=trainee, cohort=earlier, status=EnrollmentStatus.COMPLETED)
    cohort = make.cohort(course=make.course(occupation="茶艺师", level=5), status=CohortStatus.OPEN)
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.submit(
        f"/cohorts/{cohort.id}/enroll-one", {"person": trainee.id_number}, page=f"/cohorts/{cohort.id}"
    ).get_data(as_text=True)
    assert f'name="person" required type="text" value="{trainee.id_number}"' in page
    assert '<details class="mb-2" open>' in page  # the override box is open for its reason


def test_an_empty_single_enrollment_says_what_to_type(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN)
    db.session.commit()
    auth.login("coordinator", county="610924")
    response = client.submit(f"/cohorts/{cohort.id}/enroll-one", {"person": "  "}, page=f"/cohorts/{cohort.id}")
    assert "Type the trainee's full ID number, or their name to search for." in response.get_data(as_text=True)
    assert db.session.scalar(select(Enrollment)) is None


def test_a_county_coordinator_finds_by_name_only_their_countys_people_with_masked_id_numbers(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN)
    here, namesake = make.trainee(name="陈春花"), make.trainee(name="陈春花", village="双安村")
    elsewhere = make.trainee(name="陈春花", county_code="610929")
    make.trainee(name="李明")
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.submit(f"/cohorts/{cohort.id}/enroll-one", {"person": "春花"}, page=f"/cohorts/{cohort.id}").get_data(
        as_text=True
    )
    picks = page[page.index("enroll-one-matches") :]
    assert f'value="{here.id}"' in picks and f'value="{namesake.id}"' in picks and "双安村" in picks
    assert f'value="{elsewhere.id}"' not in picks and "李明" not in picks
    assert here.id_number[:6] + "********" + here.id_number[-4:] in picks
    assert here.id_number not in page and namesake.id_number not in page
    assert db.session.scalar(select(Enrollment)) is None  # nobody enrolled before a pick


def test_a_city_coordinator_finds_people_of_every_county_by_name(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN)
    here, elsewhere = make.trainee(name="陈春花"), make.trainee(name="陈春花", county_code="610929")
    db.session.commit()
    auth.login("coordinator")
    page = client.submit(
        f"/cohorts/{cohort.id}/enroll-one", {"person": "陈春花"}, page=f"/cohorts/{cohort.id}"
    ).get_data(as_text=True)
    assert f'value="{here.id}"' in page and f'value="{elsewhere.id}"' in page


def test_the_person_picked_from_a_search_by_name_is_enrolled(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN)
    make.trainee(name="陈春花")
    picked = make.trainee(name="陈春花")
    db.session.commit()
    auth.login("coordinator", county="610924")
    response = client.submit(
        f"/cohorts/{cohort.id}/enroll-one",
        {"person": "陈春花", "trainee_id": str(picked.id)},
        page=f"/cohorts/{cohort.id}",
    )
    assert response.status_code == 302
    assert db.session.execute(select(Enrollment.trainee_id, Enrollment.status)).all() == [(picked.id, "enrolled")]


def test_a_pick_outside_the_coordinators_county_enrolls_nobody(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN)
    elsewhere = make.trainee(name="陈春花", county_code="610929")
    db.session.commit()
    auth.login("coordinator", county="610924")
    client.submit(
        f"/cohorts/{cohort.id}/enroll-one",
        {"person": "陈春花", "trainee_id": str(elsewhere.id)},
        page=f"/cohorts/{cohort.id}",
    )
    assert db.session.scalar(select(Enrollment)) is None


def test_ticking_many_enrolls_the_allowed_and_keeps_the_refused_ticked(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN, course=make.course(occupation="茶艺师", level=5))
    fine, refused = make.trainee(name="可以报"), make.trainee(name="不能报")
    done = make.cohort(course=make.course(occupation="茶艺师", level=4), start_date=date(2025, 1, 1))
    make.enrollment(trainee=refused, cohort=done, status=EnrollmentStatus.COMPLETED)
    db.session.commit()
    auth.login("coordinator", county="610924")
    url = f"/cohorts/{cohort.id}/enroll"
    response = client.submit(url, {"trainee_id": [str(fine.id), str(refused.id)]})
    page = response.get_data(as_text=True)
    assert "higher level" in page
    assert f'value="{refused.id}" id="t{refused.id}" checked' in page
    statuses = dict(
        db.session.execute(
            select(Enrollment.trainee_id, Enrollment.status).where(Enrollment.cohort_id == cohort.id)
        ).all()
    )
    assert statuses == {fine.id: "enrolled"}


def _refused_for_the_same_course(make):
    cohort = make.cohort(status=CohortStatus.OPEN, course=make.course(occupation="茶艺师", level=5))
    trainee = make.trainee()
    done = make.cohort(course=make.course(occupation="茶艺师", level=4), start_date=date(2025, 1, 1))
    make.enrollment(trainee=trainee, cohort=done, status=EnrollmentStatus.COMPLETED)
    return cohort, trainee


def test_an_override_reason_prepares_an_override_that_waits_for_approval(client, auth, make):
    cohort, trainee = _refused_for_the_same_course(make)
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.submit(
        f"/cohorts/{cohort.id}/enroll", {"trainee_id": [str(trainee.id)], "override_reason": "复训，局长批准"}
    ).get_data(as_text=True)
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    assert (enrollment.status, enrollment.subsidy_override_reason) == ("applied", "复训，局长批准")
    assert "waiting for another coordinator to approve it" in page and "0 enrolled or on the waiting list." in page


def test_the_preparer_sees_that_someone_else_must_approve_and_who_can(client, auth, make):
    cohort, trainee = _refused_for_the_same_course(make)
    make.user("coordinator", county_code="610924", display_name="县里的李四")
    make.user("coordinator", display_name="市里的王五")
    make.user("coordinator", county_code="610929", display_name="白河的赵六")
    db.session.commit()
    preparer = auth.login("coordinator", county="610924", display_name="张三")
    client.submit(
        f"/cohorts/{cohort.id}/enroll-one",
        {"person": trainee.id_number, "override_reason": "复训"},
        page=f"/cohorts/{cohort.id}",
    )
    page = cohort_page(client, cohort)
    mine = page[page.index("override-own") :]
    mine = mine[: mine.index("</p>")]
    assert "nobody approves what they prepared" in mine
    assert "县里的李四" in mine and "市里的王五" in mine and "白河的赵六" not in mine and "张三" not in mine
    assert "Approve the override" not in page

    page = client.submit(
        f"/enrollments/{_only_enrollment(cohort).id}/accept", page=f"/cohorts/{cohort.id}", follow_redirects=True
    ).get_data(as_text=True)
    assert "Nobody approves what they prepared" in page
    assert _only_enrollment(cohort).status == "applied"
    assert _only_enrollment(cohort).override_prepared_by_id == preparer.id


def test_another_coordinator_approves_the_override_from_the_cohort_page(client, auth, make):
    cohort, trainee = _refused_for_the_same_course(make)
    preparer = make.user("coordinator", county_code="610924")
    db.session.commit()
    from training.enrollment import services

    services.enroll(trainee.id, cohort.id, preparer.id, "复训，局长批准")
    db.session.commit()
    approver = auth.login("coordinator")
    assert "Approve the override" in cohort_page(client, cohort)
    client.submit(f"/enrollments/{_only_enrollment(cohort).id}/accept", page=f"/cohorts/{cohort.id}")
    enrollment = _only_enrollment(cohort)
    assert (enrollment.status, enrollment.decided_by_id) == ("enrolled", approver.id)


def _only_enrollment(cohort):
    db.session.expire_all()
    return db.session.scalars(select(Enrollment).where(Enrollment.cohort_id == cohort.id)).one()


def test_withdrawing_from_the_cohort_page_promotes_the_waiting_trainee(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN, capacity=1)
    seated = make.enrollment(cohort=cohort)
    waiting = make.enrollment(cohort=cohort, status=EnrollmentStatus.WAITLISTED)
    db.session.commit()
    auth.login("coordinator", county="610924")
    client.submit(f"/enrollments/{seated.id}/withdraw", {"reason": "外出务工"}, page=f"/cohorts/{cohort.id}")
    db.session.refresh(waiting)
    assert waiting.status == "enrolled"
    assert "moved up from the waiting list" in cohort_page(client, cohort)


def test_a_coordinator_of_another_county_cannot_enroll(client, auth, make):
    cohort, trainee = make.cohort(status=CohortStatus.OPEN, county_code="610924"), make.trainee(county_code="610929")
    db.session.commit()
    auth.login("coordinator", county="610929")
    response = client.submit(f"/cohorts/{cohort.id}/enroll-one", {"person": trainee.id_number}, page="/")
    assert response.status_code == 403
    assert db.session.scalar(select(Enrollment)) is None


def test_a_trainee_applies_to_an_open_class_in_their_county(client, auth, make):
    trainee = make.trainee(county_code="610929")
    user = make.trainee_user(trainee=trainee)
    open_here = make.cohort(county_code="610929", status=CohortStatus.OPEN, site_name="宋家镇安置社区")
    make.cohort(county_code="610924", status=CohortStatus.OPEN, site_name="别的县的班")
    db.session.commit()
    auth.login(user)
    page = client.get("/apply").get_data(as_text=True)
    assert "宋家镇安置社区" in page and "别的县的班" not in page
    client.submit(f"/apply/{open_here.id}", page="/apply")
    assert db.session.scalar(select(Enrollment.status).where(Enrollment.trainee_id == trainee.id)) == "applied"


def test_a_trainee_cannot_apply_to_a_class_of_another_county(client, auth, make):
    user = make.trainee_user(trainee=make.trainee(county_code="610929"))
    elsewhere = make.cohort(county_code="610924", status=CohortStatus.OPEN)
    db.session.commit()
    auth.login(user)
    assert client.submit(f"/apply/{elsewhere.id}", page="/apply").status_code == 404
    assert db.session.scalar(select(Enrollment)) is None


def test_a_coordinator_accepts_and_declines_applications(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN)
    first = make.enrollment(cohort=cohort, status=EnrollmentStatus.APPLIED)
    second = make.enrollment(cohort=cohort, status=EnrollmentStatus.APPLIED)
    db.session.commit()
    auth.login("coordinator", county="610924")
    client.submit(f"/enrollments/{first.id}/accept", page=f"/cohorts/{cohort.id}")
    client.submit(f"/enrollments/{second.id}/decline", {"reason": "年龄不符"}, page=f"/cohorts/{cohort.id}")
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, second.status, second.decision_reason) == ("enrolled", "declined", "年龄不符")


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def test_a_fourth_subsidised_enrollment_is_refused_all_in_chinese(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app:
        make = Factories()
        trainee = make.trainee()
        for n in range(3):
            earlier = make.cohort(
                code=f"ZY-2026-0{n + 1}", course=make.course(occupation=f"工种{n}"), start_date=date(2026, 3, n + 1)
            )
            make.enrollment(trainee=trainee, cohort=earlier)
        fourth = make.cohort(status=CohortStatus.OPEN, start_date=date(2026, 9, 1))
        user = make.user("coordinator", county_code="610924")
        db.session.commit()
        client = app.test_client()
        client.submit("/login", {"username": user.username, "password": TEST_PASSWORD})
        page = client.submit(
            f"/cohorts/{fourth.id}/enroll-one", {"person": trainee.id_number}, page=f"/cohorts/{fourth.id}"
        ).get_data(as_text=True)
    message = page[page.index('class="alert alert-danger"') :]
    message = message[: message.index("</div>")]
    assert "此前参加的培训：ZY-2026-01" in message and "ZY-2026-03" in message
    assert "Earlier" not in message and "Already" not in message
    assert f'value="{trainee.id_number}"' in page


def test_a_search_by_a_common_name_shows_the_first_twenty_and_asks_for_more_of_the_name(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN)
    for _ in range(21):
        make.trainee(name="陈春花")
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.submit(f"/cohorts/{cohort.id}/enroll-one", {"person": "陈"}, page=f"/cohorts/{cohort.id}").get_data(
        as_text=True
    )
    assert page.count('name="trainee_id"') == 20
    assert "Only the first 20 are shown: type more of the name." in page

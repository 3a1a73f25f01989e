"""Enrollment pages: one by ID number, many ticked from the registry, applications, withdrawals."""
from datetime import date

from sqlalchemy import select

from training.extensions import db
from training.models import CohortStatus, Enrollment, EnrollmentStatus


def cohort_page(client, cohort):
    return client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_a_coordinator_enrolls_a_trainee_by_full_id_number(client, auth, make):
    cohort, trainee = make.cohort(status=CohortStatus.OPEN), make.trainee(name="刘德林")
    db.session.commit()
    auth.login("coordinator", county="610924")
    response = client.submit(f"/cohorts/{cohort.id}/enroll-one", {"person": trainee.id_number.lower()},
                             page=f"/cohorts/{cohort.id}")
    assert response.status_code == 302
    assert db.session.scalar(select(Enrollment.status).where(Enrollment.trainee_id == trainee.id)) == "enrolled"
    assert "刘德林" in cohort_page(client, cohort)


def test_a_subsidy_refusal_names_the_rule_and_the_earlier_trainings(client, auth, make):
    trainee = make.trainee()
    earlier = make.cohort(code="ZY-2025-09", course=make.course(occupation="茶艺师", level=5), start_date=date(2025, 4, 1))
    make.enrollment(trainee=trainee, cohort=earlier, status=EnrollmentStatus.COMPLETED)
    cohort = make.cohort(course=make.course(occupation="茶艺师", level=5), status=CohortStatus.OPEN)
    db.session.commit()
    auth.login("coordinator", county="610924")
    client.submit(f"/cohorts/{cohort.id}/enroll-one", {"person": trainee.id_number}, page=f"/cohorts/{cohort.id}")
    page = cohort_page(client, cohort)
    assert "same occupation and level" in page and "ZY-2025-09" in page
    assert db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id)) is None


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
    statuses = dict(db.session.execute(select(Enrollment.trainee_id, Enrollment.status)
                                       .where(Enrollment.cohort_id == cohort.id)).all())
    assert statuses == {fine.id: "enrolled"}


def test_an_override_reason_enrolls_the_refused_trainee(client, auth, make):
    cohort = make.cohort(status=CohortStatus.OPEN, course=make.course(occupation="茶艺师", level=5))
    trainee = make.trainee()
    done = make.cohort(course=make.course(occupation="茶艺师", level=4), start_date=date(2025, 1, 1))
    make.enrollment(trainee=trainee, cohort=done, status=EnrollmentStatus.COMPLETED)
    db.session.commit()
    auth.login("coordinator", county="610924")
    client.submit(f"/cohorts/{cohort.id}/enroll", {"trainee_id": [str(trainee.id)], "override_reason": "复训，局长批准"})
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    assert enrollment.subsidy_override_reason == "复训，局长批准"


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

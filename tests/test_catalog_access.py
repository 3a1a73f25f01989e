"""Who reaches the catalog pages: coordinators in scope and admins manage, trainers read what they
teach, trainees never see them; the cohort page's queries do not grow with its timetable."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.support.statements import statements_sent
from training.extensions import db
from training.models import AuditEvent

pytestmark = pytest.mark.usefixtures("english")


def test_trainer_sees_a_read_only_page_of_a_cohort_they_teach(client, auth, make):
    trainer = auth.login("trainer", county="610924")
    cohort = make.cohort(trainers=[trainer], sessions=2, status="open")
    db.session.commit()
    response = client.get(f"/cohorts/{cohort.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert cohort.code in page and "session-row" in page
    for management in ("cohort-actions", "status-action", "schedule-generator", "/edit", "/delete"):
        assert management not in page


def test_trainer_gets_403_for_a_cohort_they_do_not_teach(client, auth, make):
    cohort = make.cohort()
    db.session.commit()
    user = auth.login("trainer", county="610924")
    assert client.get(f"/cohorts/{cohort.id}").status_code == 403
    denied = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access_denied"))
    assert (denied.actor_id, denied.entity_id) == (user.id, str(cohort.id))


@pytest.mark.parametrize(
    ("path", "data"),
    [("status", {"status": "finished"}), ("schedule", {"weekdays": "0", "create": "x"})],
)
def test_trainer_cannot_change_a_cohort_they_teach(client, auth, make, path, data):
    trainer = auth.login("trainer", county="610924")
    cohort = make.cohort(trainers=[trainer])
    db.session.commit()
    response = client.submit(f"/cohorts/{cohort.id}/{path}", data, page=f"/cohorts/{cohort.id}")
    assert response.status_code == 403


def test_trainer_lists_only_the_cohorts_they_teach(client, auth, make):
    trainer = auth.login("trainer", county="610924")
    make.cohort(code="MINE", trainers=[trainer])
    make.cohort(code="OTHER")
    db.session.commit()
    page = client.get("/cohorts").get_data(as_text=True)
    assert "MINE" in page and "OTHER" not in page and "New cohort" not in page


@pytest.mark.parametrize("url", ["/cohorts/{id}", "/cohorts", "/courses", "/cohorts/new"])
def test_trainee_gets_404(client, auth, make, url):
    trainee_user = make.trainee_user()
    cohort = make.cohort()
    make.enrollment(trainee=trainee_user.trainee, cohort=cohort)
    db.session.commit()
    auth.login(trainee_user)
    assert client.get(url.format(id=cohort.id)).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, make):
    cohort = make.cohort()
    db.session.commit()
    response = client.get(f"/cohorts/{cohort.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_and_admins_find_cohorts_and_courses_in_the_menu(client, auth, role):
    auth.login(role)
    page = client.get("/").get_data(as_text=True)
    assert page.index('href="/cohorts"') < page.index('href="/courses"')


def test_admin_manages_a_cohort_of_any_county(client, auth, make):
    cohort = make.cohort(county_code="610981", status="draft")
    auth.login("admin")
    assert "status-action" in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def statements_for(client, url) -> int:
    with statements_sent() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_cohort_page_needs_as_many_statements_for_a_long_timetable_as_for_a_short_one(client, auth, make):
    short = make.cohort(start_date=date(2026, 3, 2), sessions=2, trainers=[make.user(role="trainer")])
    long = make.cohort(start_date=date(2026, 3, 2), sessions=30, trainers=[make.user(role="trainer") for _ in range(4)])
    db.session.commit()
    auth.login("coordinator")
    assert statements_for(client, f"/cohorts/{short.id}") == statements_for(client, f"/cohorts/{long.id}")


def test_the_cohort_list_needs_as_many_statements_for_many_cohorts_as_for_one(client, auth, make):
    make.cohort()
    db.session.commit()
    auth.login("coordinator")
    one = statements_for(client, "/cohorts")
    for _ in range(10):
        make.cohort()
    db.session.commit()
    assert statements_for(client, "/cohorts") == one

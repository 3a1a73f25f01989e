"""Insecure direct object references: ids and serials in URLs and forms that belong to someone
else. Each refusal changes nothing (but the audit trail's access_denied event where staff
are refused). Also covered elsewhere: /me shows only one's own records
(tests/test_me_privacy.py); a trainer cannot mark a cohort they do not teach
(tests/test_attendance_roster.py); every route × role in test_route_table.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.security.conftest import HOME, OTHER, fingerprint
from training.extensions import db
from training.models import Attendance, AuditEvent, CohortStatus, utcnow


@pytest.fixture
def trainee_client(app, make, world):
    from training.models import User

    client = app.test_client()
    AuthActions(client, make).login(db.session.scalar(select(User).where(User.username == "own_trainee")))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/certificates/{serial}.pdf",
        "/certificates/{serial}",
        "/cohorts/{cohort_id}/activation-slips",
        "/trainees/{trainee_id}",
        "/cohorts/{cohort_id}",
        "/jobs/{job_id}.json",
        "/placements/{placement_id}",
    ],
)
def test_a_trainee_reaches_no_staff_page_of_another_trainee(app, world, trainee_client, path):
    before = fingerprint()

    response = trainee_client.get(path.format(**world.ids))

    assert response.status_code == 404
    assert b"%PDF" not in response.get_data() and "汉滨" not in response.get_data(as_text=True)
    assert fingerprint() == before


def _victim(world, who: str) -> dict:
    """The classmate (same class, same county) or the graduate of another county, with their name."""
    if who == "classmate":
        return world.classmate
    records = world.ids if who == "other county" else world.second
    return {**records, "name": f"{records['place']}学员"}


# The trainee's own pages: those that take an id or a serial must refuse another's; those that
# take none must show nothing of anyone else.
OWN_PAGES = [
    ("GET", "/me/certificates/{serial}.pdf", 404),
    ("GET", "/me", 200),
    ("GET", "/me/certificates", 200),
    ("GET", "/apply", 200),
    ("POST", "/apply/{cohort_id}", 404),
]


@pytest.mark.parametrize("who", ["classmate", "other county", "second county"])
@pytest.mark.parametrize(("method", "path", "status"), OWN_PAGES)
def test_a_trainee_reaches_nothing_of_another_trainee(app, world, trainee_client, who, method, path, status):
    victim = _victim(world, who)
    target = path.format(**victim)
    before = fingerprint()

    if method == "GET":
        response = trainee_client.get(target)
    else:
        response = trainee_client.post(target, data={"csrf_token": trainee_client.csrf_token("/me")})

    page = response.get_data(as_text=True).replace(target, "")  # the language switch names the page asked for
    assert response.status_code == status
    assert b"%PDF" not in response.get_data() and victim["name"] not in page and victim["serial"] not in page
    assert fingerprint() == before


@pytest.mark.parametrize("who", ["other county", "second county"])
def test_a_trainee_cannot_check_in_to_a_class_of_another_with_its_qr_code(app, world, trainee_client, who):
    victim = _victim(world, who)
    before = fingerprint()

    response = trainee_client.get(f"/checkin/{victim['attendance.checkin_token:token']}")

    assert response.status_code == 400
    assert fingerprint() == before


def test_a_trainee_downloads_their_own_certificate_until_it_is_revoked(app, world, trainee_client):
    from training.certificates import services

    path = f"/me/certificates/{world.own['serial']}.pdf"
    valid = trainee_client.get(path)
    assert valid.status_code == 200 and valid.get_data().startswith(b"%PDF")
    valid.close()
    services.revoke(world.own["certificate_id"], "error", "issued in error", None)
    db.session.commit()

    revoked = trainee_client.get(path)
    content = revoked.get_data()
    revoked.close()

    assert revoked.status_code == 404 and b"%PDF" not in content
    assert path not in trainee_client.get("/me/certificates").get_data(as_text=True)  # no download offered


def test_the_certificate_file_of_another_trainee_is_not_found_even_with_its_token(app, world, trainee_client):
    response = trainee_client.get(f"/me/certificates/{world.ids['serial']}.pdf?t={world.ids['certificate_token']}")

    assert response.status_code == 404


def test_a_trainer_cannot_mark_someone_of_another_cohort_through_a_session_they_teach(app, client, auth, make, world):
    trainer = auth.login("trainer", county=HOME)
    cohort = make.cohort(county_code=HOME, trainers=[trainer], start_date=utcnow().date())
    session = make.session(cohort, starts_at=utcnow() - timedelta(hours=1))
    mine = make.enrollment(cohort=cohort, trainee=make.trainee(county_code=HOME))
    db.session.commit()
    stranger = world.ids["graduate_enrollment_id"]  # enrolled in the other county's cohort
    before = db.session.scalar(select(func.count()).select_from(Attendance))

    response = client.submit(
        f"/sessions/{session.id}/roster",
        {
            f"version-{mine.id}": "0",
            f"mark-{mine.id}": "present",
            f"version-{stranger}": "0",
            f"mark-{stranger}": "absent",
        },
    )

    assert response.status_code == 302
    marks = db.session.execute(select(Attendance.enrollment_id, Attendance.session_id)).all()
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == before + 1
    assert (mine.id, session.id) in marks and all(e != stranger or s != session.id for e, s in marks)


def test_a_trainer_posting_marks_to_another_cohorts_session_is_refused_and_audited(app, client, auth, world):
    trainer = auth.login("trainer", county=HOME)
    enrollment = world.ids["graduate_enrollment_id"]
    before = fingerprint()

    response = client.submit(
        f"/sessions/{world.ids['session_id']}/roster",
        {f"version-{enrollment}": "1", f"was-{enrollment}": "present", f"mark-{enrollment}": "absent"},
        page="/",
    )

    assert response.status_code == 403
    assert fingerprint() == before
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access_denied"))
    assert (event.actor_id, event.entity_type, event.entity_id) == (trainer.id, "cohort", str(world.ids["cohort_id"]))
    assert event.ip == "127.0.0.1"


@pytest.mark.parametrize(
    "path",
    [
        "/trainees/{trainee_id}",
        "/trainees/{trainee_id}/edit",
        "/trainees/{trainee_id}/placements/new",
        "/cohorts/{cohort_id}/certificates.zip",
    ],
)
def test_a_county_coordinator_cannot_read_another_countys_trainees(app, client, auth, world, path):
    auth.login("coordinator", county=HOME)
    before = fingerprint()

    response = client.get(path.format(**world.ids))

    assert response.status_code == 403
    assert "汉滨学员" not in response.get_data(as_text=True)
    assert fingerprint() == before


def test_a_county_coordinator_cannot_reveal_another_countys_id_number(app, client, auth, world):
    auth.login("coordinator", county=HOME)

    response = client.submit(f"/trainees/{world.ids['trainee_id']}/reveal", {"reason": "curious"}, page="/trainees")

    assert response.status_code == 403
    assert not db.session.scalar(select(AuditEvent).where(AuditEvent.action == "id_number_viewed"))


def test_asking_the_registry_for_another_county_lists_nobody_from_there(app, client, auth, world):
    auth.login("coordinator", county=HOME)

    page = client.get(f"/trainees?county={OTHER}&q=汉滨").get_data(as_text=True)

    assert "汉滨学员" not in page


def test_finding_another_countys_trainee_by_full_id_number_finds_nobody(app, client, auth, world):
    from training.models import Trainee

    auth.login("coordinator", county=HOME)
    number = db.session.get(Trainee, world.ids["trainee_id"]).id_number

    response = client.submit("/trainees/find", {"id_number": number}, page="/trainees")

    assert response.status_code == 302 and response.headers["Location"].endswith("/trainees")


def test_a_county_coordinators_export_holds_only_their_county_whatever_the_query_asks(app, client, auth, make, world):
    if "reports.start_export" not in app.view_functions:
        pytest.skip("no report exports yet")
    from training.jobs import services

    own = make.cohort(county_code=HOME, status=CohortStatus.FINISHED, start_date=utcnow().date() - timedelta(days=20))
    make.graduate(cohort=own, name="紫阳结业")
    db.session.commit()
    auth.login("coordinator", county=HOME)

    response = client.submit(
        f"/reports/exports?county={OTHER}&date_from=2000-01-01", {"format": "csv"}, page="/reports"
    )
    job_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    services.run(job_id)
    download = client.get(f"/reports/exports/{job_id}/file")
    content = download.get_data().decode("utf-8-sig")
    download.close()

    assert "紫阳结业" in content and "汉滨学员" not in content and "汉滨证书" not in content


def test_discarding_another_users_upload_leaves_it_alone(app, client, auth, world):
    from pathlib import Path

    auth.login("coordinator", county=OTHER)  # same county, another user

    response = client.submit(f"/trainees/import/{world.ids['token']}/discard", page="/trainees/import/")

    assert response.status_code == 302
    assert Path(world.ids["upload_path"]).exists()

"""Who sees and changes skill certificates issued elsewhere: the coordinators of the cohort's
county, the city's coordinators and admins; the scan also the trainee themself; trainers, other
counties and other trainees nothing. The trainee page lists them in a fixed number of statements."""

from __future__ import annotations

import pytest

from tests.support.evidence_files import jpeg, with_scan
from tests.support.skill_certificates import HERE, THERE, finished_class
from tests.support.statements import statements_sent
from training.extensions import db
from training.models import utcnow

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def certificate(app, make, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    certificate = with_scan(make.external_certificate(finished_class(make).enrollment), jpeg())
    db.session.commit()
    return certificate


def scan_url(certificate) -> str:
    return f"/skill-certificates/{certificate.id}/scan"


def page_url(certificate) -> str:
    return f"/skill-certificates/{certificate.id}"


@pytest.mark.parametrize(
    "role, county", [("coordinator", HERE), ("coordinator", None), ("admin", None)], ids=["county", "city", "admin"]
)
def test_those_who_manage_the_cohort_see_the_certificate_and_its_scan(client, auth, certificate, role, county):
    auth.login(role, county=county)

    assert client.get(page_url(certificate)).status_code == 200
    response = client.get(scan_url(certificate))
    assert response.status_code == 200 and response.mimetype == "image/jpeg"


def test_a_coordinator_of_another_county_is_refused_the_certificate_and_its_scan(client, auth, certificate):
    auth.login("coordinator", county=THERE)

    assert client.get(page_url(certificate)).status_code == 403
    assert client.get(scan_url(certificate)).status_code == 403
    assert client.get(f"/trainees/{certificate.enrollment.trainee_id}/skill-certificates/new").status_code == 403


def test_a_coordinator_of_another_county_cannot_check_or_revoke(client, auth, certificate):
    auth.login("coordinator", county=THERE)

    assert client.submit(page_url(certificate) + "/check", {"found": "yes"}, page="/").status_code == 403
    assert client.submit(page_url(certificate) + "/revoke", {"reason": "x"}, page="/").status_code == 403
    db.session.expire_all()
    assert certificate.check_found is None and certificate.revoked_at is None


def test_a_trainer_of_the_class_sees_neither_the_certificate_nor_its_scan(client, auth, make, certificate):
    trainer = auth.login("trainer", county=HERE)
    certificate.enrollment.cohort.trainers.append(trainer)
    db.session.commit()

    assert client.get(page_url(certificate)).status_code == 403
    assert client.get(scan_url(certificate)).status_code == 403


def test_the_trainee_sees_their_own_scan(client, auth, make, certificate):
    auth.login(make.trainee_user(trainee=certificate.enrollment.trainee))

    response = client.get(scan_url(certificate))

    assert response.status_code == 200 and response.data.startswith(b"\xff\xd8")


def test_another_trainee_is_told_the_scan_does_not_exist(client, auth, make, certificate):
    auth.login(make.trainee_user())

    assert client.get(scan_url(certificate)).status_code == 404


def test_the_trainee_does_not_open_the_staff_page_of_their_certificate(client, auth, make, certificate):
    auth.login(make.trainee_user(trainee=certificate.enrollment.trainee))

    assert client.get(page_url(certificate)).status_code == 404


def test_the_home_county_of_a_trainee_trained_elsewhere_sees_the_number_but_not_the_scan(client, auth, make):
    elsewhere = finished_class(make, county=THERE)
    elsewhere.trainee.county_code = HERE
    certificate = with_scan(make.external_certificate(elsewhere.enrollment))
    db.session.commit()
    auth.login("coordinator", county=HERE)

    page = client.get(f"/trainees/{elsewhere.trainee.id}").get_data(as_text=True)

    assert certificate.number in page and page_url(certificate) not in page
    assert client.get(scan_url(certificate)).status_code == 403


def test_a_certificate_without_a_scan_has_none_to_show(client, auth, make):
    certificate = make.external_certificate(finished_class(make).enrollment)
    db.session.commit()
    auth.login("coordinator", county=HERE)

    assert client.get(scan_url(certificate)).status_code == 404


def _statements_of_trainee_page(client, trainee_id: int) -> list[str]:
    db.session.expire_all()
    with statements_sent() as statements:
        assert client.get(f"/trainees/{trainee_id}").status_code == 200
    return statements


def test_the_trainee_page_lists_five_certificates_in_as_many_statements_as_one(client, auth, make):
    auth.login("coordinator", county=HERE)
    one, five = finished_class(make, name="甲"), finished_class(make, name="乙")
    one_elsewhere = make.graduate(cohort=make.cohort(county_code=THERE, status="finished"), trainee=one.trainee)
    make.external_certificate(one_elsewhere, checked_by_id=make.user().id, check_found=True, checked_at=utcnow())
    # Trained in other counties too: those cohorts are not among the ones the page loads to record on.
    elsewhere = [
        make.graduate(cohort=make.cohort(county_code=THERE, status="finished"), trainee=five.trainee) for _ in range(4)
    ]
    trainings = [five.enrollment, *elsewhere]
    for enrollment, kind in zip(trainings, ["skill_level", "special_ability", "special_operation"] * 2, strict=False):
        make.external_certificate(
            enrollment, kind=kind, checked_by_id=make.user().id, check_found=True, checked_at=utcnow()
        )
    db.session.commit()

    few = _statements_of_trainee_page(client, one.trainee.id)
    many = _statements_of_trainee_page(client, five.trainee.id)

    assert len(many) == len(few), "\n\n".join(many)
    assert len([s for s in few if "FROM external_certificate" in s]) == 1

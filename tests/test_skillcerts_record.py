"""Recording a skill certificate issued elsewhere on a trainee's training: what is stored and
audited, and each refusal (a number of the wrong form, one already recorded, a date or level
that does not fit) shown under its field with what was typed kept and nothing written."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKEND
from tests.support.evidence_files import EXE, pdf
from tests.support.races import first_holds_second_waits
from tests.support.skill_certificates import HERE, ISSUED, finished_class, new_url, number, typed
from training.extensions import db
from training.models import AuditEvent, ExternalCertificate
from training.skillcerts import services
from training.skillcerts.services import CertificateDetails, CertificateRefused

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(app, make, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    return finished_class(make)


def certificates() -> list[ExternalCertificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(ExternalCertificate)))


def test_a_coordinator_records_a_certificate_and_sees_it_on_the_trainees_page(client, auth, world):
    user = auth.login("coordinator", county=HERE)

    response = client.submit(new_url(world), typed(world, number=" s000061610924255000123 "))

    [certificate] = certificates()
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/skill-certificates/{certificate.id}"
    )
    assert (certificate.number, certificate.level, certificate.issued_on) == (number(), 5, ISSUED)
    assert certificate.recorded_by_id == user.id and certificate.check_found is None
    page = client.get(f"/trainees/{world.trainee.id}").get_data(as_text=True)
    assert number() in page and "Not checked yet" in page


def test_recording_is_audited_with_what_was_recorded(client, auth, world):
    user = auth.login("coordinator", county=HERE)

    client.submit(new_url(world), typed(world))

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "external_certificate_recorded"))
    assert event.actor_id == user.id
    assert event.after["number"] == number() and event.after["enrollment_id"] == world.enrollment.id


def test_a_number_of_the_wrong_form_is_refused_under_the_number_with_what_was_typed_kept(client, auth, world):
    auth.login("coordinator", county=HERE)

    response = client.submit(new_url(world), typed(world, number=number(level=4), issuer="安康市职业技能鉴定所"))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The level in the number (4) does not agree with the recorded level (5)." in page
    assert 'value="安康市职业技能鉴定所"' in page and f'value="{number(level=4)}"' in page
    assert certificates() == []


def test_every_problem_of_a_number_is_named(client, auth, world):
    auth.login("coordinator", county=HERE)

    page = client.submit(new_url(world), typed(world, number=number(level=4, year=24))).get_data(as_text=True)

    assert "The year in the number (24) does not agree with the issue date (2025)." in page
    assert "does not agree with the recorded level (5)" in page


def test_a_number_already_recorded_is_refused(client, auth, make, world):
    make.external_certificate(finished_class(make, name="李兰").enrollment, number=number())
    db.session.commit()
    auth.login("coordinator", county=HERE)

    response = client.submit(new_url(world), typed(world))

    assert response.status_code == 400
    assert "A certificate of this kind with this number is already recorded." in response.get_data(as_text=True)
    assert len(certificates()) == 1


def test_a_skill_level_certificate_without_its_level_is_refused(client, auth, world):
    auth.login("coordinator", county=HERE)

    response = client.submit(new_url(world), typed(world, level=""))

    assert "A skill level certificate states its level: choose it." in response.get_data(as_text=True)
    assert certificates() == []


def test_a_special_ability_certificate_needs_no_level(client, auth, world):
    auth.login("coordinator", county=HERE)

    client.submit(new_url(world), typed(world, kind="special_ability", number="ZY-2025-0031", level=""))

    [certificate] = certificates()
    assert (certificate.kind, certificate.number, certificate.level) == ("special_ability", "ZY-2025-0031", None)


@pytest.mark.parametrize(
    "issued_on, message",
    [
        ("2999-01-01", "The issue date is in the future."),
        ("2025-02-28", "The issue date is before this training started (2025-03-01)"),
    ],
    ids=["future", "before-the-training"],
)
def test_an_issue_date_that_cannot_be_is_refused(client, auth, world, issued_on, message):
    auth.login("coordinator", county=HERE)

    response = client.submit(new_url(world), typed(world, issued_on=issued_on, number=number(year=int(issued_on[2:4]))))

    assert message in response.get_data(as_text=True)
    assert certificates() == []


def test_an_applicant_has_no_training_to_record_a_certificate_on(app, client, auth, make, world):
    applicant = make.enrollment(cohort=world.cohort, status="applied")
    db.session.commit()
    auth.login("coordinator", county=HERE)

    page = client.get(f"/trainees/{applicant.trainee_id}/skill-certificates/new").get_data(as_text=True)

    assert "has no training of a class you manage" in page


def test_the_service_refuses_a_certificate_for_an_enrollment_that_did_not_take_part(make, world):
    withdrawn = make.enrollment(cohort=world.cohort, status="withdrawn")
    details = CertificateDetails("skill_level", number(), "紫阳县足部修护协会", 5, ISSUED)

    with pytest.raises(CertificateRefused, match="took part in this training"):
        services.record_certificate(withdrawn, details, scan=None, user_id=1, today=date(2025, 12, 1))


def test_a_scan_sent_with_the_form_is_stored_with_the_certificate(app, client, auth, world):
    auth.login("coordinator", county=HERE)
    form = typed(world, scan=(io.BytesIO(pdf()), "证书.pdf"))

    client.submit(new_url(world), form, content_type="multipart/form-data")

    [certificate] = certificates()
    assert certificate.scan_type == "application/pdf"
    assert client.get(f"/skill-certificates/{certificate.id}/scan").data == pdf()


def test_a_scan_that_is_not_what_it_says_is_refused_under_the_scan_and_nothing_is_written(app, client, auth, world):
    auth.login("coordinator", county=HERE)
    form = typed(world, scan=(io.BytesIO(EXE), "证书.pdf"))

    response = client.submit(new_url(world), form, content_type="multipart/form-data")

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This file is a program, not a PDF, JPEG or PNG file." in page and f'value="{number()}"' in page
    assert certificates() == []
    assert not Path(app.config["EVIDENCE_DIR"]).exists()


def test_a_good_scan_on_a_refused_form_asks_for_the_file_again(client, auth, world):
    auth.login("coordinator", county=HERE)
    form = typed(world, number="S1", scan=(io.BytesIO(pdf()), "证书.pdf"))

    page = client.submit(new_url(world), form, content_type="multipart/form-data").get_data(as_text=True)

    assert "The file was fine; choose it again" in page


@pytest.mark.skipif(BACKEND != "postgresql", reason="two transactions at once: PostgreSQL's unique index decides")
def test_two_coordinators_recording_the_same_number_at_once_record_it_once(app, make, world):
    enrollment_id, user_id = world.enrollment.id, make.user("coordinator", county_code=HERE).id
    db.session.commit()
    details = CertificateDetails("skill_level", number(), "紫阳县足部修护协会", 5, ISSUED)

    def record(index: int) -> str:
        enrollment = db.session.get_one(type(world.enrollment), enrollment_id)
        services.record_certificate(enrollment, details, scan=None, user_id=user_id, today=date(2025, 12, 1))
        return "recorded"

    outcomes = first_holds_second_waits(app, record, refused=(CertificateRefused,))

    assert outcomes == {0: "recorded", 1: "refused"}
    assert db.session.scalar(select(func.count()).select_from(ExternalCertificate)) == 1


def test_a_scan_over_the_servers_limit_gives_the_form_back_with_what_was_typed(app, client, auth, world):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    auth.login("coordinator", county=HERE)
    form = typed(world, issuer="安康市职业技能鉴定所", scan=(io.BytesIO(pdf() + b"%" * (100 * 1024)), "证书.pdf"))

    response = client.submit(new_url(world), form, content_type="multipart/form-data")

    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The file is over the limit of 5 MB" in page and 'value="安康市职业技能鉴定所"' in page
    assert certificates() == []

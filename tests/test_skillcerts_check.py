"""The manual check on the national query site (found or not, when, by whom; never by who
recorded the certificate) and revocation with a reason: each audited, and a revoked certificate
changes no more."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, translated_app
from tests.factories import Factories
from tests.support.evidence_files import pdf
from tests.support.skill_certificates import HERE, finished_class
from tests.support.translations import compiled_translations
from training.extensions import db
from training.models import AuditEvent, ExternalCertificate

pytestmark = pytest.mark.usefixtures("english")

CHECK_BUTTON = "I checked it on the national skill level certificate query site"


@pytest.fixture
def certificate(app, make, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    recorder = make.user("coordinator", county_code=HERE)
    certificate = make.external_certificate(finished_class(make).enrollment, recorded_by_id=recorder.id)
    db.session.commit()
    return certificate


def url(certificate, action: str = "") -> str:
    return f"/skill-certificates/{certificate.id}" + (f"/{action}" if action else "")


def stored(certificate) -> ExternalCertificate:
    db.session.expire_all()
    return db.session.get_one(ExternalCertificate, certificate.id)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_page_offers_the_check_on_the_national_query_site(client, auth, certificate):
    auth.login("coordinator", county=HERE)

    page = client.get(url(certificate)).get_data(as_text=True)

    assert CHECK_BUTTON in page and "Not checked yet" in page


def test_another_coordinator_records_that_the_certificate_was_found(client, auth, certificate):
    checker = auth.login("coordinator", county=HERE, display_name="张核验")

    response = client.submit(url(certificate, "check"), {"found": "yes"}, page=url(certificate))

    assert response.status_code == 302
    checked = stored(certificate)
    assert checked.check_found is True and checked.checked_by_id == checker.id and checked.checked_at is not None
    assert "张核验" in client.get(url(certificate)).get_data(as_text=True)


def test_a_certificate_not_found_on_the_site_is_recorded_as_such(client, auth, certificate):
    auth.login("coordinator", county=HERE)

    client.submit(url(certificate, "check"), {"found": "no"}, page=url(certificate))

    assert stored(certificate).check_found is False
    assert "Not found" in client.get(f"/trainees/{certificate.enrollment.trainee_id}").get_data(as_text=True)


def test_the_check_is_audited_with_what_it_replaced(client, auth, certificate):
    auth.login("coordinator", county=HERE)
    client.submit(url(certificate, "check"), {"found": "no"}, page=url(certificate))

    client.submit(url(certificate, "check"), {"found": "yes"}, page=url(certificate))

    first, second = events("external_certificate_checked")
    assert first.before == {"check_found": None, "checked_by_id": None} and first.after["check_found"] is False
    assert second.before["check_found"] is False and second.after["check_found"] is True


def test_who_recorded_a_certificate_cannot_check_it(client, auth, certificate):
    recorder = db.session.get(type(certificate.recorded_by), certificate.recorded_by_id)
    auth.login(recorder)

    response = client.submit(url(certificate, "check"), {"found": "yes"}, page=url(certificate))

    assert response.status_code == 400
    assert "You recorded this certificate: someone else checks it" in response.get_data(as_text=True)
    assert stored(certificate).check_found is None and events("external_certificate_checked") == []


def test_a_check_without_what_the_site_showed_is_refused(client, auth, certificate):
    auth.login("coordinator", county=HERE)

    response = client.submit(url(certificate, "check"), {}, page=url(certificate))

    assert response.status_code == 400 and "Say what the query site showed." in response.get_data(as_text=True)
    assert stored(certificate).check_found is None


def test_revoking_keeps_the_certificate_with_its_reason_and_audits_it(client, auth, certificate):
    user = auth.login("coordinator", county=HERE)

    client.submit(url(certificate, "revoke"), {"reason": "查询网站无此证书"}, page=url(certificate))

    revoked = stored(certificate)
    assert revoked.revoked_at is not None and revoked.revoke_reason == "查询网站无此证书"
    [event] = events("external_certificate_revoked")
    assert event.actor_id == user.id and event.after == {"revoked": True, "reason": "查询网站无此证书"}
    page = client.get(url(certificate)).get_data(as_text=True)
    assert "查询网站无此证书" in page and CHECK_BUTTON not in page


def test_a_revocation_without_a_reason_is_refused(client, auth, certificate):
    auth.login("coordinator", county=HERE)

    response = client.submit(url(certificate, "revoke"), {"reason": "  "}, page=url(certificate))

    assert response.status_code == 400 and "Give the reason for the revocation." in response.get_data(as_text=True)
    assert stored(certificate).revoked_at is None


@pytest.mark.parametrize(
    "action, data",
    [
        ("check", {"found": "yes"}),
        ("revoke", {"reason": "又一次"}),
        ("scan", {"scan": (io.BytesIO(pdf()), "证书.pdf")}),
    ],
    ids=["check", "revoke-again", "scan"],
)
def test_a_revoked_certificate_changes_no_more(client, auth, certificate, action, data):
    auth.login("coordinator", county=HERE)
    client.submit(url(certificate, "revoke"), {"reason": "录入错误"}, page=url(certificate))

    response = client.submit(url(certificate, action), data, page="/", content_type="multipart/form-data")

    assert response.status_code == 400
    assert "This certificate was revoked; it cannot be changed." in response.get_data(as_text=True)
    after = stored(certificate)
    assert (after.check_found, after.revoke_reason, after.scan_sha256) == (None, "录入错误", None)


def test_the_check_button_says_so_in_chinese(database_url, tmp_path_factory, tmp_path):
    with translated_app(database_url, compiled_translations(tmp_path_factory)) as app:
        app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
        make, client = Factories(), app.test_client()
        certificate = make.external_certificate(finished_class(make).enrollment)
        db.session.commit()
        AuthActions(client, make).login("coordinator", county=HERE)

        page = client.get(url(certificate)).get_data(as_text=True)

    assert "我已在全国职业技能等级证书查询网站核验" in page and "职业技能等级证书" in page

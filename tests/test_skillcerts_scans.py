"""The scan of a skill certificate issued elsewhere: added or replaced on its page (checked and
re-encoded by training/files.py, audited), refused with words when it is not what it says or too
large, and served as a download that no cache keeps."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from tests.support.evidence_files import image, pdf, photo_on_its_side, png, with_scan
from tests.support.skill_certificates import HERE, finished_class
from training import files
from training.extensions import db
from training.models import AuditEvent, ExternalCertificate

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def certificate(app, make, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    certificate = make.external_certificate(finished_class(make).enrollment)
    db.session.commit()
    return certificate


@pytest.fixture
def coordinator(auth):
    return auth.login("coordinator", county=HERE)


def upload(client, certificate, data: bytes, name: str = "证书.jpg"):
    page = f"/skill-certificates/{certificate.id}"
    response = client.submit(
        f"{page}/scan", {"scan": (io.BytesIO(data), name)}, page=page, content_type="multipart/form-data"
    )
    response.request.environ["wsgi.input"].close()  # the test client spools a large body to a file it leaves open
    return response


def stored(certificate) -> ExternalCertificate:
    db.session.expire_all()
    return db.session.get_one(ExternalCertificate, certificate.id)


def test_a_photo_of_the_certificate_is_kept_re_encoded_and_served_as_a_download(client, coordinator, certificate):
    response = upload(client, certificate, photo_on_its_side())

    assert response.status_code == 302
    served = client.get(f"/skill-certificates/{certificate.id}/scan")
    assert served.mimetype == "image/jpeg" and served.headers["Cache-Control"] == "private, no-store"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert b"PhoneMaker" not in served.data
    with Image.open(io.BytesIO(served.data)) as kept:
        assert kept.size == (240, 320)


def test_the_page_shows_an_image_scan(client, coordinator, certificate):
    upload(client, certificate, png(), "证书.png")

    page = client.get(f"/skill-certificates/{certificate.id}").get_data(as_text=True)

    assert f'<img class="img-fluid border" src="/skill-certificates/{certificate.id}/scan"' in page


def test_a_scan_replaced_keeps_both_hashes_in_the_audit_trail(client, coordinator, certificate):
    upload(client, certificate, pdf(), "证书.pdf")
    first = stored(certificate).scan_sha256

    upload(client, certificate, png(), "证书.png")

    second = stored(certificate)
    assert second.scan_type == "image/png" and second.scan_sha256 != first
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "external_certificate_scan_attached").order_by(AuditEvent.id)
    ).all()
    assert [e.before["scan_sha256"] for e in events] == [None, first]
    assert events[1].after["scan_sha256"] == second.scan_sha256


def test_a_pdf_named_jpg_is_refused_and_the_old_scan_stays(client, coordinator, certificate):
    upload(client, certificate, png(), "证书.png")
    before = stored(certificate).scan_sha256

    response = upload(client, certificate, pdf(), "证书.jpg")

    assert response.status_code == 400
    assert "The file is named .jpg but it is a PDF" in response.get_data(as_text=True)
    assert stored(certificate).scan_sha256 == before


def test_a_cut_off_photo_is_refused(client, coordinator, certificate):
    response = upload(client, certificate, image("JPEG", size=(640, 480))[:-500])

    assert "This image is cut off or damaged" in response.get_data(as_text=True)
    assert stored(certificate).scan_sha256 is None


def test_a_scan_over_the_evidence_limit_is_refused_with_the_limit(app, client, coordinator, certificate):
    app.config["EVIDENCE_MAX_MB"] = 1

    response = upload(client, certificate, pdf() + b"%" * (2 * 2**20), "证书.pdf")

    assert "over the limit of 1 MB" in response.get_data(as_text=True)
    assert stored(certificate).scan_sha256 is None


def test_a_scan_over_the_servers_limit_answers_413_with_the_evidence_limit(app, client, coordinator, certificate):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

    response = upload(client, certificate, pdf() + b"%" * (100 * 1024), "证书.pdf")

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is over the limit of 5 MB" in page and "Add the scan" in page


def test_an_upload_over_the_servers_limit_reveals_nothing_to_another_county(app, client, auth, certificate):
    auth.login("coordinator", county="610929")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

    response = upload(client, certificate, pdf() + b"%" * (100 * 1024), "证书.pdf")

    assert response.status_code == 413 and certificate.number not in response.get_data(as_text=True)


def test_a_scan_missing_on_disk_answers_404(client, coordinator, make, certificate):
    with_scan(certificate)
    db.session.commit()
    files.evidence_path(certificate.scan_sha256).unlink()

    assert client.get(f"/skill-certificates/{certificate.id}/scan").status_code == 404


def test_a_scan_is_stored_under_its_sha256(app, client, coordinator, certificate):
    upload(client, certificate, pdf(), "证书.pdf")

    digest = stored(certificate).scan_sha256
    assert Path(app.config["EVIDENCE_DIR"], digest[:2], digest).read_bytes() == pdf()

"""Who sees and downloads which certificate; the coordinator's pages; revoke and reissue over HTTP."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from training.certificates import storage
from training.extensions import db
from training.models import AuditEvent, Certificate, CohortStatus, Job


@pytest.fixture(autouse=True)
def own_storage(app, tmp_path):
    app.config["CERTIFICATE_DIR"] = str(tmp_path / "certificates")
    app.instance_path = str(tmp_path / "instance")


@pytest.fixture
def issued(make):
    cohort = make.cohort(status=CohortStatus.FINISHED, county_code="610924", code="ZY-A-01")
    certificates = make.issued(cohort=cohort, names=["王秀英", "李桂兰"])
    db.session.commit()
    return cohort, certificates


def download(client, path: str):
    """GET a file download, read it and close it (send_file keeps the file open until then)."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


def test_a_coordinator_downloads_the_stored_file_itself(client, auth, issued):
    _, [certificate, _] = issued
    auth.login("coordinator", county="610924")

    response = download(client, f"/certificates/{certificate.serial}.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == storage.path_for(certificate.serial).read_bytes()
    assert storage.sha256(response.data) == certificate.pdf_sha256
    assert f"{certificate.serial}.pdf" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]


def test_a_trainee_downloads_their_own_certificate(client, auth, make, issued):
    _, [certificate, _] = issued
    auth.login(make.trainee_user(trainee=certificate.enrollment.trainee))

    listing = client.get("/me/certificates").get_data(as_text=True)
    response = download(client, f"/me/certificates/{certificate.serial}.pdf")

    assert certificate.serial in listing and "Download my certificate" in listing
    assert response.status_code == 200 and response.data == storage.path_for(certificate.serial).read_bytes()


def test_another_trainee_s_certificate_is_not_found(client, auth, make, issued):
    _, [mine, theirs] = issued
    auth.login(make.trainee_user(trainee=mine.enrollment.trainee))

    assert client.get(f"/me/certificates/{theirs.serial}.pdf").status_code == 404
    assert client.get(f"/certificates/{theirs.serial}.pdf").status_code == 404
    assert client.get(f"/certificates/{mine.serial}.pdf").status_code == 404
    assert theirs.serial not in client.get("/me/certificates").get_data(as_text=True)


@pytest.mark.parametrize("role, county", [("coordinator", "610929"), ("trainer", "610924")])
def test_staff_out_of_scope_are_refused(client, auth, issued, role, county):
    cohort, [certificate, _] = issued
    auth.login(role, county=county)

    for path in (
        f"/certificates/{certificate.serial}.pdf",
        f"/certificates/{certificate.serial}",
        f"/cohorts/{cohort.id}/certificates",
        f"/cohorts/{cohort.id}/certificates.zip",
    ):
        assert client.get(path).status_code == 403, path
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access_denied")) is not None


def test_the_cohort_zip_streams_every_valid_certificate(client, auth, issued):
    cohort, certificates = issued
    auth.login("coordinator", county="610924")

    response = client.get(f"/cohorts/{cohort.id}/certificates.zip")

    assert response.status_code == 200 and response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert names == sorted(f"{c.serial}_{c.snapshot['name']}.pdf" for c in certificates)
    for certificate in certificates:
        member = next(n for n in names if n.startswith(certificate.serial))
        assert storage.sha256(archive.read(member)) == certificate.pdf_sha256


def test_the_cohort_page_lists_graduates_and_starts_a_job(client, auth, make, issued):
    cohort, certificates = issued
    newcomer = make.graduate(cohort=cohort, name="张玉梅")
    db.session.commit()
    auth.login("coordinator", county="610924")

    html = client.get(f"/cohorts/{cohort.id}/certificates").get_data(as_text=True)
    response = client.submit(
        f"/cohorts/{cohort.id}/certificates/issue", {"scope": "all"}, page=f"/cohorts/{cohort.id}/certificates"
    )

    assert "张玉梅" in html and certificates[0].serial in html and "Not issued" in html
    assert response.status_code == 302
    job = db.session.scalar(select(Job))
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert job.kind == "certificates_issue" and job.params["enrollment_ids"] == [newcomer.id] and job.total == 1


def test_issuing_nobody_is_refused_with_a_message(client, auth, issued):
    cohort, _ = issued
    auth.login("coordinator", county="610924")

    response = client.submit(
        f"/cohorts/{cohort.id}/certificates/issue",
        {"scope": "all"},
        page=f"/cohorts/{cohort.id}/certificates",
        follow_redirects=True,
    )

    assert "Nobody to issue to" in response.get_data(as_text=True)
    assert db.session.scalar(select(Job)) is None


def test_revoking_needs_a_reason_and_is_audited(client, auth, issued):
    _, [certificate, _] = issued
    auth.login("coordinator", county="610924")
    page = f"/certificates/{certificate.serial}"

    refused = client.submit(
        f"{page}/revoke", {"category": "error", "reason": "", "confirm_serial": certificate.serial}, page=page
    )
    db.session.expire_all()
    assert refused.status_code == 422 and db.session.get(Certificate, certificate.id).status == "valid"
    assert "Give a reason for the revocation." in refused.get_data(as_text=True)

    client.submit(
        f"{page}/revoke",
        {"category": "error", "reason": "wrong cohort", "confirm_serial": certificate.serial},
        page=page,
    )

    db.session.expire_all()
    revoked = db.session.get(Certificate, certificate.id)
    assert (revoked.status, revoked.revoke_category, revoked.revoke_reason) == ("revoked", "error", "wrong cohort")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_revoked"))
    assert event.entity_id == certificate.serial and event.after["reason"] == "wrong cohort"


def test_the_revoke_form_preselects_no_category(client, auth, issued):
    _, [certificate, _] = issued
    auth.login("coordinator", county="610924")

    html = client.get(f"/certificates/{certificate.serial}").get_data(as_text=True)

    select_html = re.search(r'<select[^>]*name="category".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option([^>]*)value="([^"]*)"', select_html)
    assert options[0][1] == ""
    assert [value for attributes, value in options if "selected" in attributes] in ([], [""])


@pytest.mark.parametrize(
    "posted, message",
    [
        ({"reason": "forged papers", "confirm_serial": "{serial}"}, "Choose why the certificate is revoked."),
        ({"category": "fraud", "reason": "forged papers"}, "Type the certificate number to confirm."),
        (
            {"category": "fraud", "reason": "forged papers", "confirm_serial": "AK-0000-9"},
            "This is not the number of this certificate ({serial}).",
        ),
    ],
)
def test_a_revocation_is_confirmed_by_a_chosen_category_and_the_typed_number(client, auth, issued, posted, message):
    _, [certificate, _] = issued
    auth.login("coordinator", county="610924")
    page = f"/certificates/{certificate.serial}"
    posted = {key: value.format(serial=certificate.serial) for key, value in posted.items()}

    refused = client.submit(f"{page}/revoke", posted, page=page)

    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert message.format(serial=certificate.serial) in html
    assert "forged papers</textarea>" in html  # what was typed stays
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).status == "valid"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_revoked")) is None


def test_the_number_typed_to_confirm_may_be_in_lower_case(client, auth, issued):
    _, [certificate, _] = issued
    auth.login("coordinator", county="610924")
    page = f"/certificates/{certificate.serial}"

    client.submit(
        f"{page}/revoke",
        {"category": "other", "reason": "duplicate", "confirm_serial": f" {certificate.serial.lower()} "},
        page=page,
    )

    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).status == "revoked"


def test_a_reissue_without_a_reason_comes_back_saying_why(client, auth, issued):
    _, [certificate, _] = issued
    auth.login("coordinator", county="610924")
    page = f"/certificates/{certificate.serial}"

    refused = client.submit(f"{page}/reissue", {"reason": "  "}, page=page)

    assert refused.status_code == 422
    assert "Say what the new certificate corrects." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).status == "valid"


def test_each_label_of_the_certificate_page_names_a_box_of_its_own_form(client, auth, issued):
    _, [certificate, _] = issued
    auth.login("coordinator", county="610924")

    html = client.get(f"/certificates/{certificate.serial}").get_data(as_text=True)

    ids = [i for i in re.findall(r'\bid="([^"]+)"', html) if i != "csrf_token"]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for form_class in ("reissue-form", "revoke-form"):
        form = re.search(rf'<form[^>]*class="[^"]*{form_class}.*?</form>', html, re.S).group(0)
        for target in re.findall(r'<label[^>]*for="([^"]+)"', form):
            assert f'id="{target}"' in form, (form_class, target)


def test_reissuing_from_the_certificate_page_supersedes_it(client, auth, issued):
    _, [certificate, _] = issued
    certificate.enrollment.trainee.name = "王秀瑛"
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = f"/certificates/{certificate.serial}"

    response = client.submit(f"{page}/reissue", {"reason": "name corrected: 瑛"}, page=page)

    db.session.expire_all()
    old = db.session.get(Certificate, certificate.id)
    assert old.status == "superseded" and old.superseded_by is not None
    assert response.headers["Location"].endswith(f"/certificates/{old.superseded_by.serial}")
    assert old.superseded_by.snapshot["name"] == "王秀瑛"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert certificate.serial in shown  # the history lists the superseded one
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_reissued")).after["reason"]
        == "name corrected: 瑛"
    )

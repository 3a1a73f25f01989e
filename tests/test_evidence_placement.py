"""A placement's evidence files: uploaded on the job's page with their type and size checked,
listed there, downloaded within the trainee's scope (their coordinators, the city, admins, the
trainee; not trainers, not other counties), removed with a reason; every change audited."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.support.evidence_files import EXE, jpeg, pdf, placement_evidence
from tests.support.skill_certificates import HERE, THERE, finished_class
from training.extensions import db
from training.models import AuditEvent, PlacementEvidence

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def placement(app, make, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    placement = make.placement(enrollment=finished_class(make).enrollment)
    db.session.commit()
    return placement


def upload(client, placement, data: bytes, name: str = "劳动合同.pdf", kind: str = "contract"):
    page = f"/placements/{placement.id}"
    form = {"kind": kind, "file": (io.BytesIO(data), name)}
    response = client.submit(f"{page}/evidence", form, page=page, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()  # the test client spools a large body to a file it leaves open
    return response


def evidence() -> list[PlacementEvidence]:
    db.session.expire_all()
    return list(db.session.scalars(select(PlacementEvidence)))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_contract_uploaded_on_the_job_page_is_listed_there_and_audited(client, auth, placement):
    user = auth.login("coordinator", county=HERE)

    response = upload(client, placement, pdf())

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/placements/{placement.id}#evidence")
    [kept] = evidence()
    assert (kept.kind, kept.filename, kept.content_type, kept.size_bytes) == (
        "contract",
        "劳动合同.pdf",
        "application/pdf",
        len(pdf()),
    )
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "劳动合同.pdf" in page and "Labour contract" in page
    [event] = events("placement_evidence_added")
    assert event.actor_id == user.id and event.after["sha256"] == kept.sha256


def test_a_downloaded_file_is_the_one_kept(client, auth, placement):
    auth.login("coordinator", county=HERE)
    upload(client, placement, jpeg(), "工资流水.jpg", kind="wage_slip")
    [kept] = evidence()

    response = client.get(f"/placement-evidence/{kept.id}")

    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert (
        "attachment" in response.headers["Content-Disposition"]
        and response.headers["Cache-Control"] == "private, no-store"
    )
    assert len(response.data) == kept.size_bytes


@pytest.mark.parametrize(
    "data, name, message",
    [
        (EXE, "劳动合同.pdf", "This file is a program, not a PDF, JPEG or PNG file."),
        (jpeg(), "劳动合同.pdf", "The file is named .pdf but it is a JPEG image"),
        (pdf()[:-40], "劳动合同.pdf", "This PDF is incomplete"),
        (pdf(script=True), "劳动合同.pdf", "This PDF contains scripts"),
    ],
    ids=["exe", "renamed", "cut-off", "script"],
)
def test_a_file_that_is_not_what_it_says_is_refused_with_the_problem_and_nothing_is_kept(
    app, client, auth, placement, data, name, message
):
    auth.login("coordinator", county=HERE)

    response = upload(client, placement, data, name)

    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert evidence() == [] and events("placement_evidence_added") == []


def test_the_kind_chosen_is_kept_when_the_file_is_refused(client, auth, placement):
    auth.login("coordinator", county=HERE)

    response = upload(client, placement, EXE, kind="wage_slip")

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<option selected value="wage_slip">' in page


def test_a_file_over_the_evidence_limit_is_refused_with_the_limit(app, client, auth, placement):
    app.config["EVIDENCE_MAX_MB"] = 1
    auth.login("coordinator", county=HERE)

    response = upload(client, placement, pdf() + b"%" * (2 * 2**20))

    assert "over the limit of 1 MB" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert evidence() == []


def test_a_file_over_the_servers_limit_answers_413_with_the_evidence_limit(app, client, auth, placement):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    auth.login("coordinator", county=HERE)

    response = upload(client, placement, pdf() + b"%" * (100 * 1024))

    assert response.status_code == 413 and "The file is over the limit of 5 MB" in response.get_data(as_text=True)
    assert evidence() == []


def test_a_business_licence_proves_only_a_self_employed_job(client, auth, placement):
    auth.login("coordinator", county=HERE)

    response = upload(client, placement, pdf(), "营业执照.pdf", kind="business_licence")

    assert "A business licence proves self-employment" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert evidence() == []


def test_a_self_employed_graduate_proves_the_job_with_a_business_licence(client, auth, make):
    self_employed = make.placement(enrollment=finished_class(make).enrollment, kind="self_employed", employer=None)
    db.session.commit()
    auth.login("coordinator", county=HERE)

    upload(client, self_employed, pdf(), "营业执照.pdf", kind="business_licence")

    assert [e.kind for e in evidence()] == ["business_licence"]


def test_removing_a_file_needs_a_reason_and_is_audited_with_what_it_was(client, auth, placement):
    user = auth.login("coordinator", county=HERE)
    kept = placement_evidence(placement)
    db.session.commit()
    page = f"/placements/{placement.id}"

    client.submit(f"/placement-evidence/{kept.id}/delete", {"reason": ""}, page=page)
    assert len(evidence()) == 1

    client.submit(f"/placement-evidence/{kept.id}/delete", {"reason": "传错了人的合同"}, page=page)

    assert evidence() == []
    [event] = events("placement_evidence_deleted")
    assert event.actor_id == user.id and event.after == {"reason": "传错了人的合同"}
    assert event.before["filename"] == "劳动合同.pdf" and event.before["sha256"] == kept.sha256


@pytest.mark.parametrize(
    "role, county, status",
    [
        ("coordinator", HERE, 200),
        ("coordinator", None, 200),
        ("admin", None, 200),
        ("coordinator", THERE, 403),
        ("trainer", HERE, 403),
    ],
    ids=["county", "city", "admin", "other-county", "trainer"],
)
def test_who_downloads_a_jobs_evidence(client, auth, placement, role, county, status):
    kept = placement_evidence(placement)
    db.session.commit()
    auth.login(role, county=county)

    assert client.get(f"/placement-evidence/{kept.id}").status_code == status


def test_the_trainee_downloads_their_own_evidence_and_no_one_elses(client, auth, make, placement):
    own = placement_evidence(placement)
    other = placement_evidence(make.placement(enrollment=finished_class(make, name="李兰").enrollment))
    auth.login(make.trainee_user(trainee=placement.enrollment.trainee))

    assert client.get(f"/placement-evidence/{own.id}").status_code == 200
    assert client.get(f"/placement-evidence/{other.id}").status_code == 404


def test_a_coordinator_of_another_county_can_neither_upload_nor_remove(client, auth, placement):
    kept = placement_evidence(placement)
    db.session.commit()
    auth.login("coordinator", county=THERE)

    assert upload(client, placement, pdf()).status_code == 403
    assert client.submit(f"/placement-evidence/{kept.id}/delete", {"reason": "x"}, page="/").status_code == 403
    assert len(evidence()) == 1

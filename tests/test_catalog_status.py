"""The cohort status path: draft → open → running → finished → closed, one step at a time."""

import pytest
from sqlalchemy import select

from training.catalog import services
from training.catalog.services import StatusChangeRefused
from training.extensions import db
from training.models import AuditEvent, EnrollmentStatus

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("status", "places_taken", "allowed"),
    [
        ("draft", False, ["open"]),
        ("open", False, ["running", "draft"]),
        ("open", True, ["running"]),
        ("running", False, ["finished"]),
        ("finished", True, ["closed"]),
        ("closed", False, []),
    ],
)
def test_allowed_transitions(status, places_taken, allowed):
    assert services.allowed_transitions(status, places_taken) == allowed


@pytest.mark.parametrize(
    ("before", "after"),
    [("draft", "open"), ("open", "running"), ("running", "finished"), ("finished", "closed"), ("open", "draft")],
)
def test_a_cohort_moves_one_step(make, before, after):
    cohort = make.cohort(status=before, timetable=True)
    if after == "running":
        make.approved_filing(cohort)
    services.change_status(cohort, after)
    assert cohort.status == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("draft", "running"),
        ("draft", "closed"),
        ("open", "finished"),
        ("running", "open"),
        ("running", "draft"),
        ("finished", "running"),
        ("closed", "finished"),
        ("closed", "draft"),
        ("draft", "draft"),
        ("open", "archived"),
    ],
)
def test_a_cohort_cannot_skip_or_go_back(make, before, after):
    cohort = make.cohort(status=before)
    with pytest.raises(StatusChangeRefused):
        services.change_status(cohort, after)
    assert cohort.status == before


@pytest.mark.parametrize("holding", [EnrollmentStatus.APPLIED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.ENROLLED])
def test_an_open_cohort_with_trainees_cannot_go_back_to_draft(make, holding):
    cohort = make.cohort(status="open")
    make.enrollment(cohort=cohort, status=holding)
    with pytest.raises(StatusChangeRefused, match="cannot go back to draft"):
        services.change_status(cohort, "draft")


def test_an_open_cohort_whose_trainees_all_withdrew_can_go_back_to_draft(make):
    cohort = make.cohort(status="open")
    make.enrollment(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)
    services.change_status(cohort, "draft")
    assert cohort.status == "draft"


@pytest.mark.parametrize(("before", "after"), [("draft", "open"), ("open", "running")])
def test_a_cohort_without_sessions_neither_opens_nor_starts(make, before, after):
    cohort = make.cohort(status=before)
    with pytest.raises(StatusChangeRefused, match="no sessions yet"):
        services.change_status(cohort, after)
    assert cohort.status == before


def test_opening_a_cohort_without_sessions_is_refused_on_its_page_with_the_reason(client, auth, make):
    cohort = make.cohort(status="draft")
    auth.login("coordinator", county="610924")
    response = client.submit(
        f"/cohorts/{cohort.id}/status", {"status": "open"}, page=f"/cohorts/{cohort.id}", follow_redirects=True
    )
    assert "This cohort has no sessions yet. Schedule its sessions before it opens or starts." in response.get_data(
        as_text=True
    )
    db.session.refresh(cohort)
    assert cohort.status == "draft"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_status_changed")) is None


def test_coordinator_opens_a_draft_cohort_and_the_change_is_audited(client, auth, make):
    cohort = make.cohort(status="draft", timetable=True)
    auth.login("coordinator", county="610924")
    response = client.submit(f"/cohorts/{cohort.id}/status", {"status": "open"}, page=f"/cohorts/{cohort.id}")
    assert response.status_code == 302
    db.session.refresh(cohort)
    assert cohort.status == "open"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_status_changed"))
    assert (event.before, event.after) == ({"status": "draft"}, {"status": "open"})


def test_a_refused_status_change_is_explained_and_changes_nothing(client, auth, make):
    cohort = make.cohort(status="draft")
    auth.login("coordinator", county="610924")
    response = client.submit(
        f"/cohorts/{cohort.id}/status", {"status": "closed"}, page=f"/cohorts/{cohort.id}", follow_redirects=True
    )
    assert "A cohort cannot go from “Draft” to “Closed”." in response.get_data(as_text=True)
    db.session.refresh(cohort)
    assert cohort.status == "draft"


@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        ("draft", ["Open for enrollment"]),
        ("open", ["Start: mark as running", "Back to draft"]),
        ("finished", ["Close the cohort"]),
        ("closed", []),
    ],
)
def test_the_cohort_page_offers_only_the_allowed_next_steps(client, auth, make, status, buttons):
    cohort = make.cohort(status=status)
    auth.login("coordinator")
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    shown = [part.split("</button>")[0] for part in page.split('status-action">')[1:]]
    assert shown == buttons


def test_an_open_cohort_starts_only_once_its_filing_is_approved_and_the_refusal_says_so(client, auth, make):
    cohort = make.cohort(status="open", timetable=True)
    auth.login("coordinator", county="610924")
    response = client.submit(
        f"/cohorts/{cohort.id}/status", {"status": "running"}, page=f"/cohorts/{cohort.id}", follow_redirects=True
    )
    assert "This cohort has no class-opening filing" in response.get_data(as_text=True)
    assert cohort.status == "open"
    make.approved_filing(cohort)
    db.session.commit()
    client.submit(f"/cohorts/{cohort.id}/status", {"status": "running"}, page=f"/cohorts/{cohort.id}")
    db.session.expire_all()
    assert cohort.status == "running"

"""Browsing the audit trail at /audit: who reads which events, the filters, pages, and that
nobody can change an event (no route; on PostgreSQL, a trigger)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.conftest import BACKEND
from training import audit
from training.extensions import db
from training.models import AuditEvent

EVENT_ROW = re.compile(r"<tr>\s*<td class=\"text-nowrap\">", re.S)


def _event(action="trainee_updated", actor=None, entity_type="trainee", entity_id="1", at=None, **fields):
    event = audit.record(
        action,
        entity_type,
        entity_id,
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else "system",
        **fields,
    )
    if at is not None:
        event.at = at
    db.session.flush()
    return event


def _rows(response) -> int:
    return len(EVENT_ROW.findall(response.get_data(as_text=True)))


@pytest.fixture
def world(make):
    """Actors in two counties, and one event by each."""
    here = make.user("trainer", county_code="610924", username="zy_trainer")
    there = make.user("trainer", county_code="610902", username="hb_trainer")
    _event("attendance_marked", here, "attendance", "11")
    _event("attendance_marked", there, "attendance", "22")
    _event("login_failed", None, "user", None)
    db.session.commit()
    return here, there


def test_a_county_coordinator_reads_the_events_of_actors_in_their_county_and_their_own(client, auth, world):
    me = auth.login("coordinator", county="610924")

    page = client.get("/audit").get_data(as_text=True)

    assert "zy_trainer" in page and me.username in page  # their sign-in is an event of theirs
    assert "hb_trainer" not in page and "login_failed" not in page


@pytest.mark.parametrize("role, county", [("admin", None), ("coordinator", None)])
def test_admins_and_city_coordinators_read_every_event(client, auth, world, role, county):
    auth.login(role, county=county)

    page = client.get("/audit").get_data(as_text=True)

    assert "zy_trainer" in page and "hb_trainer" in page and "login_failed" in page


@pytest.mark.parametrize("role, status", [("trainer", 403), ("trainee", 404)])
def test_trainers_and_trainees_cannot_open_the_audit_trail(client, auth, world, role, status):
    auth.login(role, county="610924")

    assert client.get("/audit").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/audit")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_nav_bar_offers_the_audit_trail_to_coordinators(client, auth):
    auth.login("coordinator", county="610924")

    assert 'href="/audit"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("actor=zy_", {"zy_trainer"}),
        ("actor=%25", set()),  # a literal %: no name has one
        ("action=attendance_marked", {"zy_trainer", "hb_trainer"}),
        ("entity_type=attendance&entity_id=22", {"hb_trainer"}),
        ("entity_id=11", {"zy_trainer"}),
    ],
)
def test_filters_narrow_the_events(client, auth, world, query, expected):
    auth.login("admin")

    page = client.get(f"/audit?{query}").get_data(as_text=True)

    assert {name for name in ("zy_trainer", "hb_trainer") if name in page} == expected


def test_a_date_range_keeps_whole_local_days(client, auth, make):
    actor = make.user("trainer", county_code="610924", username="dated")
    # 2026-03-01 23:30 in Ankang is 15:30 UTC; 2026-03-02 00:30 there is 16:30 UTC the day before.
    _event("a_first", actor, at=datetime(2026, 3, 1, 15, 30, tzinfo=UTC))
    _event("a_second", actor, at=datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    db.session.commit()
    auth.login("admin")

    page = client.get("/audit?date_from=2026-03-02&date_to=2026-03-02").get_data(as_text=True)

    assert "a_second" in page.split("audit-events")[1] and "a_first" not in page.split("audit-events")[1]


def test_an_end_date_before_the_start_is_explained_and_lists_nothing(client, auth, world):
    auth.login("admin")

    response = client.get("/audit?date_from=2026-03-02&date_to=2026-03-01")

    assert response.status_code == 200
    assert "audit-events" not in response.get_data(as_text=True)
    assert "alert-danger" in response.get_data(as_text=True)


def test_an_action_that_is_not_in_the_trail_is_refused_by_the_filter(client, auth, world):
    auth.login("admin")

    response = client.get("/audit?action=%27%20OR%201%3D1--")

    assert "audit-events" not in response.get_data(as_text=True)


def test_events_come_newest_first_fifty_to_a_page(client, auth, make):
    actor = make.user("trainer", county_code="610924")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(60):
        _event(f"step_{n:02d}", actor, at=start + timedelta(minutes=n))
    db.session.commit()
    auth.login("admin")

    first = client.get(f"/audit?actor={actor.username}").get_data(as_text=True).split("audit-events")[1]
    second = client.get(f"/audit?actor={actor.username}&page=2").get_data(as_text=True).split("audit-events")[1]

    assert _rows(client.get(f"/audit?actor={actor.username}")) == 50
    assert first.index("step_59") < first.index("step_58")
    assert "step_10" in first and "step_09" not in first
    assert "step_09" in second and "step_00" in second and "step_10" not in second
    assert f"page=2&amp;actor={actor.username}" in first or f"actor={actor.username}&amp;page=2" in first


def test_before_and_after_are_shown_escaped(client, auth, make):
    actor = make.user("coordinator", county_code="610924")
    _event("trainee_updated", actor, before={"name": "<script>alert(1)</script>"}, after={"name": "王秀英"})
    db.session.commit()
    auth.login("admin")

    page = client.get("/audit").get_data(as_text=True)

    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "王秀英" in page


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_no_route_changes_an_event(client, auth, world, method):
    auth.login("admin")
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))

    response = getattr(client, method)("/audit")

    assert response.status_code in (400, 405)  # CSRFProtect answers 400 before routing's 405
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


postgres_only = pytest.mark.skipif(BACKEND != "postgresql", reason="the audit_event guard is a PostgreSQL trigger")


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(action="tampered"),
        text("DELETE FROM audit_event"),
        text("TRUNCATE audit_event"),
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(app, world, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(statement)
    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "tampered")) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 3


@postgres_only
def test_the_guard_lets_the_test_suite_purge_with_the_session_setting_on(app, world):
    db.session.execute(text("SET LOCAL jinfanwan.allow_audit_purge = 'on'"))
    db.session.execute(text("DELETE FROM audit_event"))
    db.session.rollback()  # and leave the events for the next check

    db.session.execute(text("SET LOCAL jinfanwan.allow_audit_purge = 'off'"))
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event"))
    db.session.rollback()

"""The follow-up list (due this week and overdue, in the coordinator's scope) and recording one."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from training.extensions import db
from training.models import AuditEvent

pytestmark = pytest.mark.usefixtures("english")

HERE, THERE = "610924", "610929"


def today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
def due(make):
    """Follow-ups of graduates here, due at various distances from today, and one of a graduate there."""

    def follow_up(name: str, days: int, county: str = HERE, done: bool = False):
        trainee = make.trainee(county_code=county, name=name)
        cohort = make.cohort(
            county_code=county, start_date=today() - timedelta(days=400), end_date=today() - timedelta(days=390)
        )
        placement = make.placement(enrollment=make.enrollment(trainee=trainee, cohort=cohort, status="completed"))
        first = placement.follow_ups[0]
        first.due_date = today() + timedelta(days=days)
        for later in placement.follow_ups[1:]:
            later.due_date = today() + timedelta(days=400)
        if done:
            first.done_at, first.still_employed = datetime.now(ZoneInfo("UTC")), True
        return first

    records = {
        "long overdue": follow_up("逾期很久", -40),
        "overdue": follow_up("昨天到期", -1),
        "today": follow_up("今天到期", 0),
        "this week": follow_up("六天后到期", 6),
        "later": follow_up("七天后到期", 7),
        "done": follow_up("已经回访", -3, done=True),
        "there": follow_up("白河县的人", -2, county=THERE),
    }
    db.session.commit()
    return records


def test_the_list_shows_overdue_and_this_weeks_follow_ups_oldest_first(client, auth, due):
    auth.login("coordinator", county=HERE)

    page = client.get("/follow-ups").get_data(as_text=True)

    shown = ["逾期很久", "昨天到期", "今天到期", "六天后到期"]
    assert all(name in page for name in shown)
    assert [page.index(name) for name in shown] == sorted(page.index(name) for name in shown)
    assert "七天后到期" not in page and "已经回访" not in page
    assert "2 overdue" in page and "2 due this week" in page
    assert "40 days overdue" in page and "in 6 days" in page


def test_a_county_coordinator_sees_only_their_countys_follow_ups(client, auth, due):
    auth.login("coordinator", county=THERE)

    page = client.get("/follow-ups").get_data(as_text=True)

    assert "白河县的人" in page and "逾期很久" not in page and "1 overdue" in page


def test_a_city_coordinator_sees_every_county(client, auth, due):
    auth.login("coordinator")

    page = client.get("/follow-ups").get_data(as_text=True)

    assert "白河县的人" in page and "逾期很久" in page and "3 overdue" in page


def test_recording_a_follow_up_stores_the_answer_who_checked_and_when(client, auth, due):
    caller = auth.login("coordinator", county=HERE)
    record = due["overdue"]

    response = client.submit(
        f"/follow-ups/{record.id}",
        {"still_employed": "yes", "same_employer": "no", "monthly_wage": "7000", "note": "换到浦东店"},
    )

    db.session.refresh(record)
    assert response.status_code == 302 and response.location.endswith("/follow-ups")
    assert (record.still_employed, record.same_employer, record.monthly_wage, record.note) == (
        True,
        False,
        Decimal("7000.00"),
        "换到浦东店",
    )
    assert record.checked_by_id == caller.id and record.done_at is not None
    assert "昨天到期" not in client.get("/follow-ups").get_data(as_text=True)


def test_recording_a_follow_up_is_audited(client, auth, due):
    auth.login("coordinator", county=HERE)
    record = due["today"]

    client.submit(f"/follow-ups/{record.id}", {"still_employed": "no", "note": "回家带孩子"})

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "follow_up_recorded"))
    assert event.entity_id == str(record.id)
    assert (event.before["still_employed"], event.after["still_employed"], event.after["note"]) == (
        None,
        False,
        "回家带孩子",
    )


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({}, "Say whether the graduate still has a job."),
        ({"still_employed": "yes"}, "Say whether it is the same employer."),
        ({"still_employed": "yes", "same_employer": "yes", "monthly_wage": "-5"}, "cannot be negative"),
    ],
)
def test_an_incomplete_follow_up_is_refused_with_the_reason(client, auth, due, answer, message):
    auth.login("coordinator", county=HERE)
    record = due["today"]

    page = client.submit(f"/follow-ups/{record.id}", answer).get_data(as_text=True)

    db.session.refresh(record)
    assert message in page and record.done_at is None


def test_a_follow_up_due_this_week_may_be_recorded_ahead_of_its_date(client, auth, due):
    auth.login("coordinator", county=HERE)
    record = due["this week"]

    client.submit(f"/follow-ups/{record.id}", {"still_employed": "yes", "same_employer": "yes", "monthly_wage": "4000"})

    db.session.refresh(record)
    assert record.done_at is not None and record.monthly_wage == Decimal("4000.00")


def test_a_follow_up_not_yet_on_the_list_is_refused_with_the_day_it_opens(client, auth, due):
    auth.login("coordinator", county=HERE)
    record = due["later"]
    opens = (today() + timedelta(days=1)).isoformat()

    shown = client.get(f"/follow-ups/{record.id}").get_data(as_text=True)
    posted = client.submit(
        f"/follow-ups/{record.id}",
        {"still_employed": "yes", "same_employer": "yes", "monthly_wage": "4000"},
        page=f"/placements/{record.placement_id}",
    )

    assert "follow-up-not-open" in shown and 'class="follow-up-form"' not in shown
    assert f"it can be recorded from {opens}" in posted.get_data(as_text=True)
    db.session.refresh(record)
    assert record.done_at is None and record.monthly_wage is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "follow_up_recorded")) is None


def test_the_job_page_offers_only_the_follow_ups_that_are_open(client, auth, due):
    auth.login("coordinator", county=HERE)
    placement = due["this week"].placement  # its 6- and 12-month follow-ups are months away

    html = client.get(f"/placements/{placement.id}").get_data(as_text=True)

    assert html.count('href="/follow-ups/') == 1
    assert f'href="/follow-ups/{due["this week"].id}' in html


def test_a_coordinator_of_another_county_cannot_record_a_follow_up(client, auth, due):
    outsider = auth.login("coordinator", county=THERE)

    response = client.get(f"/follow-ups/{due['today'].id}")

    assert response.status_code == 403
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "access_denied", AuditEvent.actor_id == outsider.id)
        )
        is not None
    )


@pytest.mark.parametrize(("role", "status"), [("trainer", 403), ("trainee", 404)])
def test_trainers_and_trainees_have_no_follow_up_list(client, auth, make, due, role, status):
    user = make.trainee_user(due["today"].placement.trainee) if role == "trainee" else make.user(role)
    db.session.commit()
    auth.login(user)

    assert client.get("/follow-ups").status_code == status
    assert client.get(f"/follow-ups/{due['today'].id}").status_code == status

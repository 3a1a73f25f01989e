"""The roster page, its JSON and its save run a fixed number of SQL statements whatever the
roster size (an executemany or a multi-row statement counts once)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.support.statements import statements_sent
from training.extensions import db
from training.models import Attendance, AuditEvent

HIDDEN = re.compile(r'<input type="hidden" name="((?:version|was)-\d+)" value="([^"]*)">')
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def trainer(make):
    user = make.user("trainer", county_code="610924")
    db.session.commit()
    return user


def roster_of(make, trainer, size: int):
    """A class going on now with `size` trainees, half of them already marked present."""
    cohort = make.cohort(trainers=[trainer], capacity=size)
    session = make.session(cohort, starts_at=datetime.now(UTC) - timedelta(hours=1))
    for n in range(size):
        enrollment = make.enrollment(trainee=make.trainee(), cohort=cohort)
        if n % 2:
            make.attendance(enrollment, session, "present")
    db.session.commit()
    return f"/sessions/{session.id}/roster"


def count(client, method: str, url: str, **kwargs) -> list[str]:
    client.get("/")  # the login session's bookkeeping settles outside the measurement
    with statements_sent() as sent:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code in (200, 302), response.status_code
    return sent


@pytest.mark.parametrize("page", ["", ".json"])
def test_the_roster_loads_in_as_many_statements_for_60_trainees_as_for_5(client, auth, make, trainer, page):
    small, large = roster_of(make, trainer, 5), roster_of(make, trainer, 60)
    auth.login(trainer)

    for_5, for_60 = count(client, "get", small + page), count(client, "get", large + page)

    assert len(for_5) == len(for_60) <= 5, for_60


def save_everyone(client, url: str, status: str) -> dict:
    """The page as loaded, with every line set to `status`: half updates, half new marks."""
    html = client.get(url).get_data(as_text=True)
    form = dict(HIDDEN.findall(html)) | {"csrf_token": CSRF.search(html).group(1)}
    ids = [key.split("-")[1] for key in form if key.startswith("version-")]
    return form | {f"mark-{n}": status for n in ids}


def test_saving_a_roster_takes_as_many_statements_for_60_trainees_as_for_5(client, auth, make, trainer):
    small, large = roster_of(make, trainer, 5), roster_of(make, trainer, 60)
    auth.login(trainer)

    for_5 = count(client, "post", small, data=save_everyone(client, small, "late"))
    for_60 = count(client, "post", large, data=save_everyone(client, large, "late"))

    # The sign-in check, the session, its scope, the rows, the UPDATE, the INSERT, the audit rows.
    assert len(for_5) == len(for_60) <= 7, for_60
    assert db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.status == "late")) == 65
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "attendance_marked"))
        == 65
    )

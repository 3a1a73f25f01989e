"""The graduates grid of a cohort: one row per graduate without a current job, saved all or nothing."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from training.extensions import db
from training.models import AuditEvent, Placement

pytestmark = pytest.mark.usefixtures("english")

HERE, THERE = "610924", "610929"
ENDED = date(2025, 6, 30)


@pytest.fixture
def cohort(make):
    partner = make.employer(name="上海远元足部修护连锁有限公司")
    cohort = make.cohort(
        county_code=HERE,
        start_date=ENDED - timedelta(days=20),
        end_date=ENDED,
        status="finished",
        employer_id=partner.id,
        committed_placements=10,
    )
    people = SimpleNamespace(
        first=make.enrollment(cohort=cohort, status="completed", trainee=make.trainee(name="甲秀英")),
        second=make.enrollment(cohort=cohort, status="completed", trainee=make.trainee(name="乙秀兰")),
        third=make.enrollment(cohort=cohort, status="completed", trainee=make.trainee(name="丙秀芳")),
        placed=make.enrollment(cohort=cohort, status="completed", trainee=make.trainee(name="丁已就业")),
        failed=make.enrollment(cohort=cohort, status="failed", trainee=make.trainee(name="戊未结业")),
    )
    make.placement(enrollment=people.placed, employer=partner)
    db.session.commit()
    cohort.people, cohort.partner = people, partner
    return cohort


def url(cohort) -> str:
    return f"/cohorts/{cohort.id}/graduates"


def row(enrollment, **values) -> dict:
    filled = {
        "employer_id": "",
        "position": "足部修护师",
        "kind": "directed",
        "scope": "out_of_province",
        "place": "上海",
        "start_date": "2025-07-15",
        "monthly_wage": "6000",
        "contract_months": "12",
    }
    filled.update(values)
    return {f"r{enrollment.id}-{name}": value for name, value in filled.items()}


def test_the_grid_lists_graduates_without_a_current_job_only(client, auth, cohort):
    auth.login("coordinator", county=HERE)

    page = client.get(url(cohort)).get_data(as_text=True)

    assert all(name in page for name in ("甲秀英", "乙秀兰", "丙秀芳"))
    assert "丁已就业" not in page and "戊未结业" not in page
    assert "1 of 4 graduates have a current job." in page


def test_filled_rows_are_saved_and_empty_rows_left_alone(client, auth, cohort):
    auth.login("coordinator", county=HERE)
    p = cohort.people
    data = {
        **row(p.first, employer_id=str(cohort.partner.id)),
        **row(p.second, employer_id="", kind="self_employed", position="开修脚店", scope="same_county"),
        **{f"r{p.third.id}-kind": "directed", f"r{p.third.id}-employer_id": str(cohort.partner.id)},
    }

    response = client.submit(url(cohort), data)

    saved = dict(db.session.execute(select(Placement.enrollment_id, Placement.kind)).all())
    assert response.status_code == 302
    assert saved == {p.placed.id: "directed", p.first.id: "directed", p.second.id: "self_employed"}
    assert "3 of 4 graduates have a current job." in client.get(url(cohort)).get_data(as_text=True)


def test_one_refused_row_saves_nothing_and_keeps_every_typed_value(client, auth, cohort):
    auth.login("coordinator", county=HERE)
    p = cohort.people
    data = {
        **row(p.first, employer_id=str(cohort.partner.id), position="店长助理"),
        **row(p.second, employer_id=str(cohort.partner.id), start_date="2025-06-01", position="修脚师"),
    }

    response = client.submit(url(cohort), data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was saved: 1 row needs correcting." in page
    assert "cannot start before the training ended" in page
    assert 'value="店长助理"' in page and 'value="2025-06-01"' in page and 'value="修脚师"' in page
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "placement_created")) is None


def test_a_row_failing_the_form_checks_saves_nothing(client, auth, cohort):
    auth.login("coordinator", county=HERE)
    p = cohort.people
    data = {
        **row(p.first, employer_id=str(cohort.partner.id)),
        **row(p.second, employer_id=str(cohort.partner.id), monthly_wage="六千", kind=""),
    }

    page = client.submit(url(cohort), data).get_data(as_text=True)

    assert "correct the marked rows" in page and "Choose the kind of job." in page and 'value="六千"' in page
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 1


def test_submitting_an_empty_grid_saves_nothing(client, auth, cohort):
    auth.login("coordinator", county=HERE)

    page = client.submit(
        url(cohort),
        {},
    ).get_data(as_text=True)

    assert "fill in at least one row" in page


def test_the_rows_of_a_directed_cohort_start_with_its_partner_employer(client, auth, cohort):
    auth.login("coordinator", county=HERE)

    page = client.get(url(cohort)).get_data(as_text=True)

    assert page.count(f'<option selected value="{cohort.partner.id}">') == 3


@pytest.mark.parametrize(("who", "status"), [("coordinator there", 403), ("trainer", 403), ("trainee", 404)])
def test_people_outside_the_cohort_scope_cannot_open_the_grid(client, auth, make, cohort, who, status):
    if who == "trainee":
        user = make.trainee_user(cohort.people.first.trainee)
    elif who == "trainer":
        user = make.user("trainer", county_code=HERE)
        cohort.trainers.append(user)
    else:
        user = make.user("coordinator", county_code=THERE)
    db.session.commit()
    auth.login(user)

    assert client.get(url(cohort)).status_code == status

"""Recording a graduate's job from their page, correcting it, ending it; who may do so."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from training.extensions import db
from training.models import AuditEvent, Employer, FollowUp, Placement

pytestmark = pytest.mark.usefixtures("english")

HERE, THERE = "610924", "610929"
ENDED = date(2025, 6, 30)


@pytest.fixture
def world(make):
    partner = make.employer(name="上海远元足部修护连锁有限公司")
    cohort = make.cohort(
        county_code=HERE,
        start_date=ENDED - timedelta(days=20),
        end_date=ENDED,
        status="finished",
        employer_id=partner.id,
        committed_placements=10,
    )
    graduate = make.trainee(county_code=HERE, name="陈秀英")
    enrollment = make.enrollment(trainee=graduate, cohort=cohort, status="completed")
    db.session.commit()
    return SimpleNamespace(partner=partner, cohort=cohort, graduate=graduate, enrollment=enrollment)


def job(world, **changes) -> dict:
    values = {
        "enrollment_id": str(world.enrollment.id),
        "employer_id": str(world.partner.id),
        "position": "足部修护师",
        "kind": "directed",
        "scope": "out_of_province",
        "place": "上海市闵行区",
        "start_date": "2025-07-15",
        "monthly_wage": "6500",
        "contract_months": "24",
    }
    values.update(changes)
    return values


def new_url(world) -> str:
    return f"/trainees/{world.graduate.id}/placements/new"


def test_the_form_proposes_the_partner_employer_of_a_directed_cohort(client, auth, world):
    auth.login("coordinator", county=HERE)

    page = client.get(new_url(world)).get_data(as_text=True)

    assert f'<option selected value="{world.partner.id}">' in page
    assert '<option selected value="directed">' in page


def test_a_coordinator_records_a_job_from_the_trainee_page(client, auth, world):
    auth.login("coordinator", county=HERE)

    response = client.submit(new_url(world), job(world))

    placement = db.session.scalar(select(Placement))
    assert response.status_code == 302 and response.location.endswith(f"/placements/{placement.id}")
    assert (placement.enrollment_id, placement.monthly_wage, placement.contract_months) == (
        world.enrollment.id,
        Decimal("6500.00"),
        24,
    )
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 3


def test_the_job_page_shows_the_job_and_its_follow_ups(client, auth, world):
    auth.login("coordinator", county=HERE)
    client.submit(new_url(world), job(world))

    page = client.get(f"/placements/{db.session.scalar(select(Placement.id))}").get_data(as_text=True)

    assert "上海远元足部修护连锁有限公司" in page and "¥6,500.00" in page
    assert "Oct 15, 2025" in page and "Jan 15, 2026" in page and "Jul 15, 2026" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_date": "2025-06-29"}, "cannot start before the training ended (2025-06-30)"),
        ({"monthly_wage": "-3000"}, "A wage cannot be negative."),
        ({"monthly_wage": "650000"}, "more than the 100,000 allowed"),
        ({"employer_id": ""}, "only self-employment needs none"),
    ],
)
def test_a_refused_job_shows_the_reason_and_keeps_what_was_typed(client, auth, world, change, message):
    auth.login("coordinator", county=HERE)

    response = client.submit(new_url(world), job(world, position="高级修脚师", **change))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and 'value="高级修脚师"' in page
    assert db.session.scalar(select(Placement)) is None


def test_the_wage_limit_comes_from_the_setting(app, client, auth, world):
    app.config["PLACEMENT_MAX_WAGE"] = 20000
    auth.login("coordinator", county=HERE)

    page = client.submit(new_url(world), job(world, monthly_wage="25000")).get_data(as_text=True)

    assert "more than the 20,000 allowed" in page


def test_a_trainee_who_has_not_completed_a_training_gets_no_form(client, auth, make):
    trainee = make.trainee(county_code=HERE, name="还在学")
    make.enrollment(trainee=trainee, status="enrolled")
    db.session.commit()
    auth.login("coordinator", county=HERE)

    page = client.get(f"/trainees/{trainee.id}/placements/new").get_data(as_text=True)

    assert "has not completed a training yet" in page and "placement-form" not in page


def test_a_second_current_job_is_refused_with_a_message(client, auth, world, make):
    make.placement(enrollment=world.enrollment, start_date=date(2025, 7, 1), position="修脚师")
    db.session.commit()
    auth.login("coordinator", county=HERE)

    assert "already has a current job" in client.get(new_url(world)).get_data(as_text=True)
    page = client.submit(new_url(world), job(world, start_date="2025-08-01")).get_data(as_text=True)

    assert "End it before recording a new one." in page
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 1


def test_a_self_employed_graduate_needs_no_employer(client, auth, world):
    auth.login("coordinator", county=HERE)

    client.submit(
        new_url(world),
        job(
            world, employer_id="", kind="self_employed", position="开办修脚店", scope="same_county", monthly_wage="3000"
        ),
    )

    assert db.session.scalar(select(Placement)).employer_id is None


def test_an_employer_is_registered_on_the_spot_with_the_job(client, auth, world):
    from stdnum.cn.uscc import calc_check_digit

    code = "91610924MA6YQ0N0X" + calc_check_digit("91610924MA6YQ0N0X")
    auth.login("coordinator", county=HERE)

    client.submit(
        new_url(world),
        job(
            world,
            employer_id="",
            kind="community_factory",
            new_employer_name="紫阳新社区工厂",
            new_employer_uscc=code.lower(),
        ),
    )

    placement = db.session.scalar(select(Placement))
    assert placement.employer.name == "紫阳新社区工厂" and placement.employer.uscc == code
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "employer_created")) is not None


def test_an_employer_registered_on_the_spot_needs_a_name(client, auth, world):
    from stdnum.cn.uscc import calc_check_digit

    code = "91610924MA6YQ0N0X" + calc_check_digit("91610924MA6YQ0N0X")
    auth.login("coordinator", county=HERE)

    page = client.submit(
        new_url(world), job(world, employer_id="", new_employer_name=" ", new_employer_uscc=code)
    ).get_data(as_text=True)

    assert "Give the new employer's name." in page
    assert db.session.scalar(select(func.count()).select_from(Employer)) == 1
    assert db.session.scalar(select(Placement)) is None


def test_an_employer_registered_on_the_spot_with_a_known_code_saves_nothing(client, auth, world):
    auth.login("coordinator", county=HERE)

    page = client.submit(
        new_url(world), job(world, employer_id="", new_employer_name="重复", new_employer_uscc=world.partner.uscc)
    ).get_data(as_text=True)

    assert "already registered for 上海远元足部修护连锁有限公司" in page
    assert db.session.scalar(select(func.count()).select_from(Employer)) == 1
    assert db.session.scalar(select(Placement)) is None


def test_searching_employers_narrows_the_list_without_saving(client, auth, world, make):
    make.employer(name="安康茶艺馆")
    make.employer(name="杭州足浴城")
    db.session.commit()
    auth.login("coordinator", county=HERE)

    page = client.submit(
        new_url(world), job(world, employer_id="", employer_q="茶艺", find_employer="Search", position="茶艺师")
    ).get_data(as_text=True)

    assert "安康茶艺馆" in page and 'value="茶艺师"' in page
    assert "杭州足浴城" not in page.split('name="employer_id"')[1].split("</select>")[0]
    assert db.session.scalar(select(Placement)) is None


def test_ending_a_job_on_its_page_closes_the_later_follow_ups(client, auth, world, make):
    placement = make.placement(enrollment=world.enrollment, start_date=date(2025, 7, 15))
    db.session.commit()
    auth.login("coordinator", county=HERE)

    response = client.submit(
        f"/placements/{placement.id}/end",
        {"end_date": "2025-11-30", "reason": "回乡"},
        page=f"/placements/{placement.id}",
    )

    db.session.refresh(placement)
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert response.status_code == 302 and placement.end_date == date(2025, 11, 30)
    assert "2 later follow-ups were recorded as not employed." in page
    assert "Record a new job" in page and "Job had ended" in page


def test_an_end_before_the_start_is_refused_on_the_job_page(client, auth, world, make):
    placement = make.placement(enrollment=world.enrollment, start_date=date(2025, 7, 15))
    db.session.commit()
    auth.login("coordinator", county=HERE)

    response = client.submit(
        f"/placements/{placement.id}/end",
        {"end_date": "2025-07-01", "reason": "回乡"},
        page=f"/placements/{placement.id}",
    )

    assert response.status_code == 400 and "before the start" in response.get_data(as_text=True)
    db.session.refresh(placement)
    assert placement.end_date is None


def test_a_correction_is_saved_and_audited(client, auth, world, make):
    placement = make.placement(enrollment=world.enrollment, employer=world.partner, start_date=date(2025, 7, 15))
    db.session.commit()
    auth.login("coordinator", county=HERE)

    client.submit(f"/placements/{placement.id}/edit", job(world, monthly_wage="7200"))

    db.session.refresh(placement)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "placement_updated"))
    assert placement.monthly_wage == Decimal("7200.00")
    assert (event.before["monthly_wage"], event.after["monthly_wage"]) == ("6000.00", "7200.00")


def _pages(world, placement) -> list[str]:
    return [new_url(world), f"/placements/{placement.id}", f"/placements/{placement.id}/edit"]


def test_a_coordinator_of_another_county_is_refused_and_the_refusal_audited(client, auth, world, make):
    placement = make.placement(enrollment=world.enrollment)
    db.session.commit()
    outsider = auth.login("coordinator", county=THERE)

    statuses = [client.get(url).status_code for url in _pages(world, placement)]
    ending = client.submit(f"/placements/{placement.id}/end", {"end_date": "2025-12-01", "reason": "x"}, page="/")

    assert statuses == [403, 403, 403] and ending.status_code == 403
    db.session.refresh(placement)
    assert placement.end_date is None
    denials = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access_denied", AuditEvent.actor_id == outsider.id)
    ).all()
    assert {(d.entity_type, d.entity_id) for d in denials} >= {("trainee", str(world.graduate.id))}


def test_the_graduate_themself_gets_not_found_on_the_staff_pages(client, auth, world, make):
    placement = make.placement(enrollment=world.enrollment)
    user = make.trainee_user(world.graduate)
    db.session.commit()
    auth.login(user)

    assert [client.get(url).status_code for url in _pages(world, placement)] == [404, 404, 404]


def test_a_trainer_of_the_cohort_is_refused(client, auth, world, make):
    placement = make.placement(enrollment=world.enrollment)
    trainer = make.user("trainer", county_code=HERE)
    world.cohort.trainers.append(trainer)
    db.session.commit()
    auth.login(trainer)

    assert [client.get(url).status_code for url in _pages(world, placement)] == [403, 403, 403]

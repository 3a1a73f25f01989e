"""Employer registry pages: register, refuse a second employer with one code, edit, search."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from stdnum.cn.uscc import calc_check_digit

from training.extensions import db
from training.models import AuditEvent, Employer

pytestmark = pytest.mark.usefixtures("english")

CODE = "91310112MA1GBQ4U7" + calc_check_digit("91310112MA1GBQ4U7")


def form(**changes) -> dict:
    values = {
        "name": "上海远元足部修护连锁有限公司",
        "uscc": CODE.lower(),
        "province": "上海市",
        "city": "上海市",
        "county": "闵行区",
        "industry": "居民服务",
        "contact_name": "陈经理",
        "contact_phone": "021 6234 5678",
    }
    values.update(changes)
    return values


def test_a_coordinator_registers_an_employer_with_its_code_normalised(client, auth):
    auth.login("coordinator")

    response = client.submit("/employers/new", form())

    employer = db.session.scalar(select(Employer))
    assert response.status_code == 302
    assert (employer.uscc, employer.contact_phone, employer.county) == (CODE, "021-62345678", "闵行区")


def test_a_county_coordinator_may_register_employers_too(client, auth):
    auth.login("coordinator", county="610924")

    assert client.submit("/employers/new", form()).status_code == 302


def test_registering_an_employer_is_audited(client, auth):
    user = auth.login("coordinator")
    client.submit("/employers/new", form())

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "employer_created"))
    assert event.actor_id == user.id and event.after["uscc"] == CODE


def test_a_second_employer_with_the_same_code_is_refused_naming_the_first(client, auth, make):
    first = make.employer(name="紫阳县修脚协会", uscc=CODE)
    db.session.commit()
    auth.login("coordinator")

    response = client.submit("/employers/new", form(name="另一个名字", uscc=" " + CODE[:9] + " " + CODE[9:]))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already registered for 紫阳县修脚协会" in page
    assert f"/employers/{first.id}/edit" in page
    assert db.session.scalar(select(func.count()).select_from(Employer)) == 1


def test_an_invalid_code_is_refused_on_the_form_saying_why(client, auth):
    auth.login("coordinator")

    response = client.submit("/employers/new", form(uscc=CODE[:-1] + ("0" if CODE[-1] != "0" else "1")))

    assert "check character" in response.get_data(as_text=True)
    assert db.session.scalar(select(Employer)) is None


def test_an_employer_is_edited_with_before_and_after_audited(client, auth, make):
    employer = make.employer(name="旧名字", uscc=CODE)
    db.session.commit()
    auth.login("coordinator")

    client.submit(f"/employers/{employer.id}/edit", form(name="新名字", contact_phone="0915-3212345"))

    db.session.refresh(employer)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "employer_updated"))
    assert (employer.name, employer.contact_phone) == ("新名字", "0915-3212345")
    assert (event.before["name"], event.after["name"]) == ("旧名字", "新名字")


def test_an_employer_cannot_take_the_code_of_another(client, auth, make):
    make.employer(name="先登记的", uscc=CODE)
    second = make.employer(name="后登记的")
    db.session.commit()
    auth.login("coordinator")

    response = client.submit(f"/employers/{second.id}/edit", form(name="后登记的"))

    assert "already registered for 先登记的" in response.get_data(as_text=True)
    db.session.refresh(second)
    assert second.uscc != CODE


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("远元", {"上海远元足部修护连锁有限公司"}),
        (CODE[8:14].lower(), {"上海远元足部修护连锁有限公司"}),
        ("%", {"100%修脚"}),
        ("_", set()),
        ("", {"上海远元足部修护连锁有限公司", "100%修脚", "安康茶艺馆"}),
    ],
)
def test_the_list_searches_names_and_codes_literally(client, auth, make, query, found):
    make.employer(name="上海远元足部修护连锁有限公司", uscc=CODE)
    make.employer(name="100%修脚")
    make.employer(name="安康茶艺馆")
    db.session.commit()
    auth.login("coordinator")

    page = client.get("/employers", query_string={"q": query}).get_data(as_text=True)

    names = {"上海远元足部修护连锁有限公司", "100%修脚", "安康茶艺馆"}
    assert {name for name in names if name in page} == found


def test_the_list_is_paginated(client, auth, make):
    for n in range(55):
        make.employer(name=f"企业{n:02d}")
    db.session.commit()
    auth.login("coordinator")

    first = client.get("/employers").get_data(as_text=True)
    second = client.get("/employers?page=2").get_data(as_text=True)

    assert "企业00" in first and "企业54" not in first
    assert "企业54" in second and "55 employers" in first


@pytest.mark.parametrize(("role", "status"), [("trainer", 403), ("trainee", 404)])
def test_trainers_and_trainees_cannot_open_the_registry(client, auth, make, role, status):
    user = make.trainee_user() if role == "trainee" else make.user(role)
    db.session.commit()
    auth.login(user)

    assert client.get("/employers").status_code == status
    assert client.get("/employers/new").status_code == status

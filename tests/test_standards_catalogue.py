"""The catalogue of subsidy standards: every coordinator reads it; admins and city coordinators keep it,
every change audited; two standards of one occupation, level and type never in force on one day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.support.statements import statements_sent
from training.extensions import db
from training.models import AuditEvent, SubsidyStandard

pytestmark = pytest.mark.usefixtures("english")


def standard_form(**overrides) -> dict:
    values = {
        "occupation": "足部修护师",
        "level": "5",
        "training_type": "project",
        "yuan": "4500",
        "min_hours": "90",
        "valid_from": "2026-01-01",
        "valid_to": "",
    }
    values.update(overrides)
    return values


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def stored() -> list[tuple]:
    return list(
        db.session.execute(
            select(
                SubsidyStandard.occupation,
                SubsidyStandard.level,
                SubsidyStandard.training_type,
                SubsidyStandard.yuan,
                SubsidyStandard.min_hours,
                SubsidyStandard.valid_from,
                SubsidyStandard.valid_to,
            ).order_by(SubsidyStandard.valid_from)
        ).tuples()
    )


# ---- who reaches what ------------------------------------------------------------------------


@pytest.mark.parametrize("role, county", [("coordinator", "610924"), ("coordinator", None), ("admin", None)])
def test_every_coordinator_and_admin_reads_the_catalogue(client, auth, make, role, county):
    make.standard(occupation="母婴护理员", level=4, yuan=Decimal("4500"))
    db.session.commit()
    auth.login(role, county=county)

    page = client.get("/standards/").get_data(as_text=True)

    assert "母婴护理员 · Level 4 (intermediate worker) · Project-based training" in page
    assert "4,500.00 yuan per person" in page


@pytest.mark.parametrize("role", ["trainer", "trainee"])
def test_trainers_and_trainees_do_not_reach_the_catalogue(client, auth, role):
    auth.login(role)

    assert client.get("/standards/").status_code in (403, 404)


@pytest.mark.parametrize("url", ["/standards/new", "/standards/import", "/standards/import/template.xlsx"])
def test_a_county_coordinator_may_not_keep_the_catalogue(client, auth, url):
    auth.login("coordinator", county="610924")

    assert client.get(url).status_code == 403


def test_a_county_coordinator_sees_no_link_to_change_a_standard(client, auth, make):
    standard = make.standard()
    db.session.commit()
    auth.login("coordinator", county="610924")

    page = client.get("/standards/").get_data(as_text=True)

    assert f"/standards/{standard.id}" not in page
    assert "/standards/new" not in page


def test_a_county_coordinator_cannot_post_a_change_to_a_standard(client, auth, make):
    standard = make.standard(yuan=Decimal("4500"))
    db.session.commit()
    auth.login("coordinator", county="610924")

    response = client.submit(f"/standards/{standard.id}", standard_form(yuan="9999"), page="/standards/")

    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(SubsidyStandard, standard.id).yuan == Decimal("4500.00")


def test_the_catalogue_filters_by_occupation_type_and_what_is_in_force_today(client, auth, make):
    make.standard(occupation="茶艺师", valid_from=date(2020, 1, 1), valid_to=date(2020, 12, 31))
    make.standard(occupation="茶艺师", valid_from=date(2021, 1, 1), yuan=Decimal("3000"))
    make.standard(occupation="钢筋工", training_type="employee")
    db.session.commit()
    auth.login("coordinator")

    in_force = client.get("/standards/?q=茶艺&current=y").get_data(as_text=True)
    employee = client.get("/standards/?training_type=employee").get_data(as_text=True)

    assert in_force.count('class="list-group-item standard-row"') == 1
    assert "3,000.00 yuan" in in_force
    assert "钢筋工" in employee and "茶艺师" not in employee


def test_the_catalogue_page_needs_as_many_statements_for_many_standards_as_for_one(client, auth, make):
    cohort = make.cohort(status="open")
    cohort.standard = make.standard(course=cohort.course)
    db.session.commit()
    auth.login("coordinator")
    with statements_sent() as one:
        client.get("/standards/")
    for n in range(15):
        other = make.cohort(status="open")
        other.standard = make.standard(occupation=f"工种{n}")
    db.session.commit()

    with statements_sent() as many:
        client.get("/standards/")

    assert len(many) == len(one)


# ---- keeping it ------------------------------------------------------------------------------


def test_a_city_coordinator_adds_a_standard_and_it_is_audited(client, auth):
    auth.login("coordinator")

    response = client.submit("/standards/new", standard_form())

    assert response.status_code == 302
    assert stored() == [("足部修护师", 5, "project", Decimal("4500.00"), 90, date(2026, 1, 1), None)]
    [event] = events("standard_created")
    assert event.after == {
        "occupation": "足部修护师",
        "level": 5,
        "training_type": "project",
        "yuan": "4500.00",
        "min_hours": 90,
        "valid_from": "2026-01-01",
        "valid_to": None,
    }


def test_editing_a_standard_audits_its_before_and_after(client, auth, make):
    standard = make.standard(occupation="足部修护师", level=5, valid_from=date(2026, 1, 1), yuan=Decimal("4500"))
    db.session.commit()
    auth.login("admin")

    response = client.submit(f"/standards/{standard.id}", standard_form(yuan="4800", valid_to="2026-12-31"))

    assert response.status_code == 302
    [event] = events("standard_updated")
    assert (event.before["yuan"], event.before["valid_to"]) == ("4500.00", None)
    assert (event.after["yuan"], event.after["valid_to"]) == ("4800.00", "2026-12-31")


def test_saving_a_standard_unchanged_writes_no_event(client, auth, make):
    standard = make.standard(occupation="足部修护师", level=5, valid_from=date(2026, 1, 1), yuan=Decimal("4500"))
    db.session.commit()
    auth.login("admin")

    client.submit(f"/standards/{standard.id}", standard_form(min_hours=str(standard.min_hours)))

    assert events("standard_updated") == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("occupation", "", "This field is required."),
        ("yuan", "-1", "Number must be between 0 and 100000"),
        ("yuan", "4500.555", "The amount has at most two decimals (fen)."),
        ("min_hours", "0", "Number must be between 1 and 2000"),
        ("valid_from", "", "This field is required."),
        ("valid_to", "2025-12-31", "The end date is before the start date."),
        ("level", "6", "Not a valid choice"),
        ("training_type", "apprentice", "Not a valid choice"),
    ],
)
def test_a_standard_with_an_invalid_field_is_refused_with_a_message_and_not_stored(client, auth, field, value, message):
    auth.login("coordinator")

    page = client.submit("/standards/new", standard_form(**{field: value})).get_data(as_text=True)

    assert message in page
    assert stored() == []


def test_a_refused_standard_form_keeps_what_was_typed(client, auth):
    auth.login("coordinator")

    page = client.submit("/standards/new", standard_form(occupation="茶艺师", min_hours="0", yuan="3000.50")).get_data(
        as_text=True
    )

    assert 'value="茶艺师"' in page
    assert 'value="3000.50"' in page
    assert 'value="2026-01-01"' in page


def test_a_standard_in_force_on_days_of_another_of_the_same_kind_is_refused_with_a_clear_message(client, auth, make):
    make.standard(occupation="足部修护师", level=5, valid_from=date(2024, 1, 1), valid_to=None)
    db.session.commit()
    auth.login("coordinator")

    page = client.submit("/standards/new", standard_form(valid_from="2026-01-01")).get_data(as_text=True)

    assert (
        "The catalogue already has 足部修护师 · Level 5 (junior worker) · Project-based training in force from "
        "Jan 1, 2024, no end: two standards of the same occupation, level and training type may not be in force "
        "on the same day. Give that one an end date first, or choose other dates."
    ) in page
    assert 'value="足部修护师"' in page  # the form keeps what was typed
    assert len(stored()) == 1


@pytest.mark.parametrize(
    "other",
    [
        {"level": 4},
        {"training_type": "employee"},
        {"occupation": "茶艺师"},
        {"valid_to": date(2025, 12, 31)},
    ],
    ids=["another level", "another training type", "another occupation", "one that ended the day before"],
)
def test_a_standard_beside_another_that_does_not_share_its_days_or_kind_is_accepted(client, auth, make, other):
    fields = dict(occupation="足部修护师", level=5, training_type="project", valid_from=date(2024, 1, 1))
    make.standard(**{**fields, **other})
    db.session.commit()
    auth.login("coordinator")

    response = client.submit("/standards/new", standard_form(valid_from="2026-01-01"))

    assert response.status_code == 302
    assert len(stored()) == 2


def test_an_edit_that_makes_two_standards_overlap_is_refused(client, auth, make):
    make.standard(occupation="足部修护师", level=5, valid_from=date(2026, 1, 1))
    old = make.standard(occupation="足部修护师", level=5, valid_from=date(2024, 1, 1), valid_to=date(2025, 12, 31))
    db.session.commit()
    auth.login("coordinator")

    page = client.submit(f"/standards/{old.id}", standard_form(valid_from="2024-01-01", valid_to="")).get_data(
        as_text=True
    )

    assert "may not be in force on the same day" in page
    db.session.expire_all()
    assert db.session.get(SubsidyStandard, old.id).valid_to == date(2025, 12, 31)


def test_a_standard_that_a_cohort_froze_keeps_its_occupation_level_and_type(client, auth, make):
    cohort = make.cohort(status="open")
    standard = make.standard(course=cohort.course)
    cohort.standard = standard
    db.session.commit()
    auth.login("admin")

    page = client.submit(
        f"/standards/{standard.id}", standard_form(occupation="茶艺师", valid_from=standard.valid_from.isoformat())
    ).get_data(as_text=True)

    assert "Cohorts have frozen this standard: its occupation, level and training type can no longer change." in page
    db.session.expire_all()
    assert db.session.get(SubsidyStandard, standard.id).occupation == cohort.course.occupation


def test_a_standard_no_cohort_froze_is_deleted_and_audited(client, auth, make):
    standard = make.standard()
    db.session.commit()
    auth.login("admin")

    response = client.submit(f"/standards/{standard.id}/delete", page=f"/standards/{standard.id}")

    assert response.status_code == 302
    assert stored() == []
    [event] = events("standard_deleted")
    assert event.before["occupation"] == standard.occupation


def test_a_standard_that_a_cohort_froze_is_not_deleted(client, auth, make):
    cohort = make.cohort(status="open")
    standard = make.standard(course=cohort.course)
    cohort.standard = standard
    db.session.commit()
    auth.login("admin")

    response = client.submit(f"/standards/{standard.id}/delete", page="/standards/", follow_redirects=True)

    assert "Cohorts have frozen this standard, so it cannot be deleted" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SubsidyStandard)) == 1

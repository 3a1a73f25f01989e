"""The proof of household categories on a trainee's page: marked where it is missing, recorded by those
who keep the person's record, shown to them masked, to other staff only as recorded, to trainers never."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, running_app, translated_app
from tests.factories import Factories
from tests.support.pages import errors, texts
from tests.support.statements import statements_sent
from tests.support.translations import compiled_translations
from training.extensions import db
from training.models import AuditEvent, CohortStatus, HouseholdCategory, TraineeCategory
from training.trainees.category_evidence import record_evidence

PROOF = "脱贫户信息系统编号 6109240517"
MASKED = "脱贫户信息系统编号 ******0517"
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def trainee(make):
    """A 紫阳 trainee who is 脱贫人口 (its proof is needed by default) and 易地搬迁 (not needed)."""
    person = make.trainee(
        county_code="610924",
        categories=[TraineeCategory(category="poverty_alleviated"), TraineeCategory(category="relocated")],
    )
    db.session.commit()
    return person


@pytest.fixture
def english(client):
    client.set_cookie("jfw_lang", "en")


def page(client, trainee) -> str:
    response = client.get(f"/trainees/{trainee.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post_proof(client, trainee, category="poverty_alleviated", evidence=PROOF):
    return client.submit(
        f"/trainees/{trainee.id}/evidence", {"category": category, "evidence": evidence}, page=f"/trainees/{trainee.id}"
    )


def recorded(trainee, category="poverty_alleviated") -> str | None:
    db.session.expire_all()
    return db.session.get(TraineeCategory, (trainee.id, category)).evidence


def test_the_page_marks_the_categories_whose_needed_proof_is_missing(client, auth, english, trainee):
    auth.login("coordinator", county="610924")
    html = page(client, trainee)
    assert texts(html, "category-proof") == [
        "Poverty-alleviated Proof missing Record the proof Proof and its number "
        "What the proof is and its number: 脱贫户信息系统编号, 低保证号, 残疾人证号, 就业创业证号 … Save the proof",
        "Relocated Record the proof Proof and its number "
        "What the proof is and its number: 脱贫户信息系统编号, 低保证号, 残疾人证号, 就业创业证号 … Save the proof",
    ]


def test_which_categories_need_proof_follows_the_setting(database_url):
    with running_app(database_url, CLAIM_EVIDENCE_CATEGORIES="relocated") as app:
        make = Factories()
        person = make.trainee(
            categories=[TraineeCategory(category="poverty_alleviated"), TraineeCategory(category="relocated")]
        )
        db.session.commit()
        client = app.test_client()
        AuthActions(client, make).login("coordinator", county="610924")
        html = client.get(f"/trainees/{person.id}").get_data(as_text=True)
        assert len(texts(html, "proof-missing")) == 1
        assert texts(html, "category-proof")[1].startswith("Relocated Proof missing")


def test_a_coordinator_of_the_county_records_a_proof_and_sees_it_masked_with_who_and_when(
    client, auth, english, trainee
):
    coordinator = auth.login("coordinator", county="610924", display_name="紫阳协调员")
    response = post_proof(client, trainee)
    assert response.status_code == 302 and response.location.endswith(f"/trainees/{trainee.id}#category-evidence")
    assert recorded(trainee) == PROOF
    html = page(client, trainee)
    assert texts(html, "proof-shown") == [MASKED]
    assert "紫阳协调员" in texts(html, "proof-recorded")[0]
    assert PROOF not in html and "proof-missing" not in html
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "category_evidence_recorded")).one()
    assert (event.actor_id, event.after["evidence"]) == (coordinator.id, MASKED)


@pytest.mark.parametrize("role, county", [("coordinator", None), ("admin", None)], ids=["city", "admin"])
def test_the_city_and_admins_record_proofs_too(client, auth, trainee, role, county):
    auth.login(role, county=county)
    assert post_proof(client, trainee).status_code == 302
    assert recorded(trainee) == PROOF


def test_an_empty_proof_is_explained_under_its_field_and_nothing_is_recorded(client, auth, english, trainee):
    auth.login("coordinator", county="610924")
    html = post_proof(client, trainee, evidence="  ").get_data(as_text=True)
    assert "Write what the proof is and its number, such as 脱贫户信息系统编号 6109240012." in errors(html)
    assert recorded(trainee) is None


def test_a_too_long_proof_is_refused_and_the_form_keeps_what_was_typed(client, auth, english, trainee):
    auth.login("coordinator", county="610924")
    typed = "脱贫户" + "1" * 130
    html = post_proof(client, trainee, evidence=typed).get_data(as_text=True)
    assert errors(html)
    assert f'value="{typed}"' in html
    assert recorded(trainee) is None


def test_a_proof_of_a_category_the_person_does_not_have_is_refused(client, auth, english, trainee):
    auth.login("coordinator", county="610924")
    html = post_proof(client, trainee, category="disabled").get_data(as_text=True)
    assert f"{trainee.name} is not registered as Person with disability: add the category first." in errors(html)
    assert recorded(trainee) is None
    assert db.session.get(TraineeCategory, (trainee.id, "disabled")) is None


def test_a_coordinator_seeing_the_person_through_a_class_learns_only_that_the_proof_is_recorded(
    client, auth, english, make, trainee
):
    record_evidence(trainee, "poverty_alleviated", PROOF, user_id=make.user("coordinator").id, now=NOW)
    make.enrollment(trainee=trainee, cohort=make.cohort(county_code="610929", status=CohortStatus.RUNNING))
    db.session.commit()
    auth.login("coordinator", county="610929")
    html = page(client, trainee)
    assert texts(html, "proof-recorded") == ["Proof recorded"]
    assert "******0517" not in html and "proof-form" not in html


def test_a_coordinator_of_another_county_may_not_record_a_proof(client, auth, make, trainee):
    make.enrollment(trainee=trainee, cohort=make.cohort(county_code="610929", status=CohortStatus.RUNNING))
    db.session.commit()
    auth.login("coordinator", county="610929")
    assert post_proof(client, trainee).status_code == 403
    assert recorded(trainee) is None
    denied = select(AuditEvent).where(AuditEvent.action == "access_denied", AuditEvent.entity_id == str(trainee.id))
    assert db.session.scalars(denied).one().entity_type == "trainee"


def test_trainers_see_no_proof_and_record_none(client, auth, make, trainee):
    trainer = make.user("trainer", county_code="610924")
    make.enrollment(trainee=trainee, cohort=make.cohort(status=CohortStatus.RUNNING, trainers=[trainer]))
    db.session.commit()
    auth.login(trainer)
    assert client.get(f"/trainees/{trainee.id}").status_code == 403
    assert post_proof(client, trainee).status_code == 403
    assert recorded(trainee) is None


def statements_for_the_page(client, trainee) -> int:
    client.get(f"/trainees/{trainee.id}")
    db.session.expire_all()
    with statements_sent() as statements:
        assert client.get(f"/trainees/{trainee.id}").status_code == 200
    return len(statements)


def test_the_page_costs_as_many_statements_with_eight_proven_categories_as_with_one(client, auth, make):
    coordinator = auth.login("coordinator", county="610924")
    one = make.trainee(categories=[TraineeCategory(category="disabled")])
    eight = make.trainee(categories=[TraineeCategory(category=c.value) for c in HouseholdCategory])
    for c in HouseholdCategory:
        record_evidence(eight, c.value, f"证明 {c.value} 0001", user_id=coordinator.id, now=NOW)
    db.session.commit()
    assert statements_for_the_page(client, eight) == statements_for_the_page(client, one)


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def test_the_chinese_page_marks_a_missing_proof_in_chinese(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app:
        make = Factories()
        person = make.trainee(categories=[TraineeCategory(category="poverty_alleviated")])
        db.session.commit()
        client = app.test_client()
        AuthActions(client, make).login("coordinator", county="610924")
        html = client.get(f"/trainees/{person.id}").get_data(as_text=True)
        assert texts(html, "proof-missing") == ["缺少证明"]
        assert "登记证明" in html

"""The trainee registry as coordinators use it: county scope, masked IDs, audited full-ID views."""

from datetime import date

from sqlalchemy import select

from tests.support.pages import errors
from training.extensions import db
from training.identity import make_id_number, mask_id_number
from training.models import AuditEvent, Trainee

NEW_ID = make_id_number("610924", date(1988, 8, 8), 222)


def register(client, **fields):
    data = {
        "id_number": NEW_ID,
        "name": "陈桂兰",
        "phone": "+86 138 0013 8000",
        "county_code": "610924",
        "town": "蒿坪镇",
        "village": "金川社区",
        "education": "初中",
        "categories": ["relocated", "poverty_alleviated"],
    }
    data.update(fields)
    return client.submit("/trainees/new", data)


def test_a_coordinator_registers_a_trainee_with_gender_and_birth_date_from_the_id(client, auth):
    auth.login("coordinator", county="610924")
    response = register(client, id_number=NEW_ID.lower())
    assert response.status_code == 302
    trainee = db.session.scalar(select(Trainee).where(Trainee.id_number == NEW_ID))
    assert (trainee.gender, trainee.birth_date) == ("F", date(1988, 8, 8))
    assert trainee.phone == "13800138000"
    assert trainee.category_set == {"relocated", "poverty_alleviated"}


def test_a_bad_id_number_is_explained_and_the_form_keeps_what_was_typed(client, auth):
    auth.login("coordinator", county="610924")
    response = register(client, id_number=NEW_ID[:17] + "0" if NEW_ID[17] != "0" else NEW_ID[:17] + "1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "last character does not match" in page
    assert 'value="陈桂兰"' in page and 'value="蒿坪镇"' in page
    assert db.session.scalar(select(db.func.count()).select_from(Trainee)) == 0


def test_the_same_id_number_never_makes_two_trainees(client, auth, make):
    make.trainee(id_number=NEW_ID)
    db.session.commit()
    auth.login("coordinator", county="610924")
    response = register(client)
    assert "already registered" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Trainee)) == 1


ELSEWHERE = "This ID number is already registered. Contact the city coordinator."
PAUSED = "registering and importing are paused for you for 24 hours"


def told_of(user) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.action == "id_number_registered_elsewhere", AuditEvent.actor_id == user.id
            )
        )
    )


def test_an_id_number_registered_in_another_county_is_answered_without_where_or_who_and_audited(client, auth, make):
    other = make.trainee(county_code="610929", name="外县人", id_number=make_id_number("610929", date(1988, 8, 8), 222))
    db.session.commit()
    coordinator = auth.login("coordinator", county="610924")
    for _ in range(2):
        page = register(client, id_number=other.id_number).get_data(as_text=True)
        assert errors(page) == [ELSEWHERE]
        assert "外县人" not in page and "白河" not in page  # the typed number starts with 610929, nothing else does
        assert 'value="陈桂兰"' in page  # the form keeps what was typed
    assert told_of(coordinator) == [str(other.id)]  # once a day for the same person
    assert db.session.scalar(select(db.func.count()).select_from(Trainee)) == 1


def test_a_coordinator_told_of_too_many_people_registered_elsewhere_may_register_nobody_that_day(
    client, auth, make, app
):
    app.config["REGISTERED_ELSEWHERE_LIMIT"] = 2
    others = [make.trainee(county_code="610929") for _ in range(3)]
    db.session.commit()
    coordinator = auth.login("coordinator", county="610924")
    pages = [register(client, id_number=other.id_number).get_data(as_text=True) for other in others]
    assert [ELSEWHERE in page for page in pages] == [True, True, False]
    assert PAUSED in pages[2]
    page = register(client).get_data(as_text=True)  # a person nobody registered: no answer either
    assert PAUSED in page
    assert db.session.scalar(select(Trainee).where(Trainee.id_number == NEW_ID)) is None
    assert sorted(told_of(coordinator)) == sorted(str(other.id) for other in others)


def test_a_city_coordinator_is_not_limited_and_told_the_masked_number(client, auth, make, app):
    app.config["REGISTERED_ELSEWHERE_LIMIT"] = 0
    make.trainee(county_code="610929", id_number=NEW_ID)
    db.session.commit()
    city = auth.login("coordinator")
    page = register(client).get_data(as_text=True)
    assert f"A trainee with the ID number {mask_id_number(NEW_ID)} is already registered." in page
    assert told_of(city) == []


def test_the_list_shows_masked_ids_and_only_the_coordinators_county(client, auth, make):
    mine = make.trainee(county_code="610924", name="本县人")
    other = make.trainee(county_code="610929", name="外县人")
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.get("/trainees").get_data(as_text=True)
    assert "本县人" in page and "外县人" not in page
    assert mask_id_number(mine.id_number) in page and mine.id_number not in page
    assert client.get(f"/trainees/{other.id}").status_code == 403


def test_a_search_by_full_id_number_finds_the_person_without_showing_the_number(client, auth, make):
    wanted = make.trainee(name="要找的人")
    make.trainee(name="别人")
    db.session.commit()
    auth.login("coordinator", county="610924")
    response = client.submit("/trainees/find", {"id_number": wanted.id_number.lower()}, page="/trainees")
    assert response.location.endswith(f"/trainees/{wanted.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "要找的人" in page and wanted.id_number not in page


def test_a_search_by_an_id_number_out_of_scope_finds_nobody(client, auth, make):
    elsewhere = make.trainee(county_code="610929")
    db.session.commit()
    auth.login("coordinator", county="610924")
    response = client.submit("/trainees/find", {"id_number": elsewhere.id_number}, page="/trainees")
    assert response.location.endswith("/trainees")
    assert "Nobody with this ID number" in client.get("/trainees").get_data(as_text=True)


def test_search_wildcards_are_literal(client, auth, make):
    make.trainee(name="王秀英")
    db.session.commit()
    auth.login("coordinator", county="610924")
    for text in ("%", "_", "' OR 1=1--"):
        page = client.get("/trainees", query_string={"q": text}).get_data(as_text=True)
        assert "王秀英" not in page


def test_the_full_id_number_is_shown_on_request_and_the_viewing_is_audited(client, auth, make):
    trainee = make.trainee()
    db.session.commit()
    coordinator = auth.login("coordinator", county="610924")
    assert trainee.id_number not in client.get(f"/trainees/{trainee.id}").get_data(as_text=True)
    page = client.submit(f"/trainees/{trainee.id}/reveal", {"reason": "核对花名册"}, page=f"/trainees/{trainee.id}")
    assert trainee.id_number in page.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "id_number_viewed"))
    assert (event.actor_id, event.entity_id, event.after) == (coordinator.id, str(trainee.id), {"reason": "核对花名册"})


def test_trainers_and_trainees_cannot_open_the_registry(client, auth, make):
    auth.login("trainer", county="610924")
    assert client.get("/trainees").status_code == 403


def test_editing_keeps_the_id_number_and_audits_before_and_after(client, auth, make):
    trainee = make.trainee(name="旧名字")
    db.session.commit()
    auth.login("coordinator", county="610924")
    response = client.submit(
        f"/trainees/{trainee.id}/edit", {"name": "新名字", "county_code": "610924", "categories": ["disabled"]}
    )
    assert response.status_code == 302
    db.session.refresh(trainee)
    assert trainee.name == "新名字" and trainee.category_set == {"disabled"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "trainee_updated"))
    assert event.before["name"] == "旧名字" and event.after["name"] == "新名字"
    assert trainee.id_number not in str(event.before)


def test_a_coordinator_who_sees_a_trainee_only_through_their_cohort_may_read_but_not_edit_the_record(
    client, auth, make
):
    visitor = make.trainee(county_code="610929", name="白河人")
    make.enrollment(trainee=visitor, cohort=make.cohort(county_code="610924"))
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.get(f"/trainees/{visitor.id}").get_data(as_text=True)
    assert "白河人" in page and f"/trainees/{visitor.id}/edit" not in page
    assert client.get(f"/trainees/{visitor.id}/edit").status_code == 403
    response = client.submit(
        f"/trainees/{visitor.id}/edit", {"name": "白河人", "county_code": "610924"}, page=f"/trainees/{visitor.id}"
    )
    assert response.status_code == 403
    db.session.refresh(visitor)
    assert visitor.county_code == "610929"


def test_the_trainees_own_county_and_the_city_still_edit_a_trainee_enrolled_elsewhere(client, auth, make):
    visitor = make.trainee(county_code="610929", name="白河人")
    make.enrollment(trainee=visitor, cohort=make.cohort(county_code="610924"))
    db.session.commit()
    for county in ("610929", None):
        auth.login("coordinator", county=county)
        assert f"/trainees/{visitor.id}/edit" in client.get(f"/trainees/{visitor.id}").get_data(as_text=True)
        response = client.submit(f"/trainees/{visitor.id}/edit", {"name": "白河人", "county_code": "610929"})
        assert response.status_code == 302
        auth.logout()


def test_saving_the_edit_page_unchanged_keeps_an_imported_education_not_on_the_list(client, auth, make):
    trainee = make.trainee(county_code="610924", education="硕士研究生")
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.get(f"/trainees/{trainee.id}/edit").get_data(as_text=True)
    assert '<option selected value="硕士研究生">' in page
    response = client.submit(
        f"/trainees/{trainee.id}/edit", {"name": trainee.name, "county_code": "610924", "education": "硕士研究生"}
    )
    assert response.status_code == 302
    db.session.refresh(trainee)
    assert trainee.education == "硕士研究生"

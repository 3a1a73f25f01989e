"""Phone sampling (电话抽查): the sample's share and minimum, its reproducibility, the calls recorded
and audited, a denial marking the cohort and its subsidy claim, who reads and who phones, Chinese."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, base_config, translated_app
from tests.factories import Factories
from tests.support.claims import build_claim
from tests.support.translations import compiled_translations
from training import create_app
from training.extensions import db
from training.models import AuditEvent, CohortStatus, SampleCall, SampleOutcome, utcnow
from training.sampling import sample, services

HOME, OTHER = "610924", "610902"


@pytest.mark.parametrize(
    "seated, share, size",
    [(0, "10%", 0), (1, "10%", 1), (9, "10%", 1), (10, "10%", 1), (11, "10%", 2), (60, "10%", 6), (7, "1/3", 3)],
)
def test_the_sample_is_at_least_the_share_and_at_least_one_person(seated, share, size):
    assert sample.sample_size(seated, sample.parse_share(share)) == size


@pytest.mark.parametrize("value", ["0", "0%", "150%", "ten", ""])
def test_the_app_does_not_start_with_a_wrong_share(database_url, value):
    with pytest.raises(ValueError, match="SAMPLING_SHARE"):
        create_app({**base_config(database_url), "SAMPLING_SHARE": value})


def test_the_same_cohort_always_draws_the_same_list():
    ids = range(1, 41)

    first = sample.draw("secret", 7, ids, Fraction(1, 10))

    assert len(first) == 4
    assert sample.draw("secret", 7, reversed(ids), Fraction(1, 10)) == first


def test_different_cohorts_and_secrets_draw_different_lists():
    ids = range(1, 41)

    lists = {
        tuple(sample.draw(secret, cohort, ids, Fraction(1, 4))) for secret, cohort in [("a", 1), ("a", 2), ("b", 1)]
    }

    assert len(lists) == 3


def test_a_trainee_added_later_leaves_the_others_in_their_order():
    before = sample.draw("secret", 7, range(1, 21), Fraction(1))
    after = sample.draw("secret", 7, range(1, 22), Fraction(1))

    assert [i for i in after if i != 21] == before


# ---- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def in_english(client):
    client.set_cookie("jfw_lang", "en")


def class_of(make, n=20, county=HOME, status=CohortStatus.FINISHED, **fields):
    """A class of `county` with n seated trainees, each with a mobile number."""
    cohort = make.cohort(county_code=county, status=status, **fields)
    for i in range(n):
        make.enrollment(cohort=cohort, trainee=make.trainee(county_code=county, phone=f"1380915{i:04d}"))
    db.session.commit()
    return cohort


def drawn(app, cohort):
    return services.sample_page(cohort, app.config["SECRET_KEY"], sample.share()).people


def test_the_coordinator_sees_the_sample_with_phones_masked(app, client, auth, make, in_english):
    cohort = class_of(make, 20)
    auth.login("coordinator")
    people = drawn(app, cohort)

    html = client.get(f"/sampling/cohorts/{cohort.id}").get_data(as_text=True)

    assert len(people) == 2 and html.count('class="card mb-2 sampled-person"') == 2
    phone = people[0].enrollment.trainee.phone
    assert phone not in html and f"{phone[:3]}****{phone[-4:]}" in html
    assert people[0].enrollment.trainee.id_number not in html


def test_the_same_cohort_shows_the_same_people_on_every_visit(app, client, auth, make, in_english):
    cohort = class_of(make, 30)
    auth.login("coordinator")

    # The people listed, in order (the whole page differs from second to second: its signed CSRF token).
    first, second = (
        re.findall(
            r'class="sampled-name">([^<]+)<', client.get(f"/sampling/cohorts/{cohort.id}").get_data(as_text=True)
        )
        for _ in range(2)
    )

    assert first == second == [p.enrollment.trainee.name for p in drawn(app, cohort)]


def test_showing_the_number_to_call_is_audited_and_not_cached(app, client, auth, make, in_english):
    cohort = class_of(make, 5)
    auth.login("coordinator")
    [person] = drawn(app, cohort)
    url = f"/sampling/cohorts/{cohort.id}/people/{person.enrollment.id}/number"

    response = client.submit(url, page=f"/sampling/cohorts/{cohort.id}")

    assert person.enrollment.trainee.phone in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sample_phone_shown"))
    assert event.entity_id == str(person.enrollment.id) and event.after == {"cohort_id": cohort.id}


def _record(client, cohort, enrollment_id, outcome, note=""):
    return client.submit(
        f"/sampling/cohorts/{cohort.id}/people/{enrollment_id}/calls",
        {"outcome": outcome, "note": note},
        page=f"/sampling/cohorts/{cohort.id}",
    )


def test_a_call_is_recorded_with_who_and_when_and_audited(app, client, auth, make, in_english):
    cohort = class_of(make, 5)
    caller = auth.login("coordinator")
    [person] = drawn(app, cohort)

    response = _record(client, cohort, person.enrollment.id, "confirmed", "本人接听，确认参加")

    assert response.status_code == 302
    call = db.session.scalar(select(SampleCall))
    assert (call.outcome, call.note, call.called_by_id, call.enrollment_id) == (
        "confirmed",
        "本人接听，确认参加",
        caller.id,
        person.enrollment.id,
    )
    assert (utcnow() - call.called_at).total_seconds() < 60
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sample_call_recorded"))
    assert event.entity_id == str(call.id) and event.after["outcome"] == "confirmed"
    html = client.get(f"/sampling/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Reached: confirmed attending the class" in html and "本人接听，确认参加" in html


def test_a_denial_needs_a_note_and_nothing_is_stored_without_one(app, client, auth, make, in_english):
    cohort = class_of(make, 5)
    auth.login("coordinator")
    [person] = drawn(app, cohort)

    response = _record(client, cohort, person.enrollment.id, "denied")

    assert response.status_code == 200 and "Write down what the trainee said." in response.get_data(as_text=True)
    assert db.session.scalar(select(SampleCall)) is None


def test_someone_outside_the_sample_cannot_be_recorded(app, client, auth, make, in_english):
    cohort = class_of(make, 5)
    auth.login("coordinator")
    [person] = drawn(app, cohort)
    other = next(e for e in cohort_enrollments(cohort) if e.id != person.enrollment.id)

    assert _record(client, cohort, other.id, "confirmed").status_code == 404
    assert db.session.scalar(select(SampleCall)) is None


def cohort_enrollments(cohort):
    from training.models import Enrollment

    return db.session.scalars(select(Enrollment).where(Enrollment.cohort_id == cohort.id)).all()


def _deny(app, cohort, make):
    [person, *_] = drawn(app, cohort)
    services.record_call(
        cohort, person.enrollment, SampleOutcome.DENIED, "说没参加过", caller=make.user("coordinator"), now=utcnow()
    )
    db.session.commit()
    return person


def test_a_denial_marks_the_cohort_for_review_even_after_a_later_confirmation(app, client, auth, make, in_english):
    cohort = class_of(make, 5)
    person = _deny(app, cohort, make)
    services.record_call(
        cohort, person.enrollment, SampleOutcome.CONFIRMED, "", caller=make.user("coordinator"), now=utcnow()
    )
    db.session.commit()
    auth.login("coordinator")

    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert "In the phone sampling, a trainee denied attending the class" in html
    assert "Marked for review" in client.get("/sampling").get_data(as_text=True)


def test_the_claim_page_of_a_cohort_with_a_denial_tells_its_reviewer(app, client, auth, make, in_english):
    cohort = make.cohort(county_code=HOME, status=CohortStatus.FINISHED, start_date=date(2026, 5, 1))
    claim = build_claim(make, cohort=cohort, trainees=4)
    db.session.commit()
    auth.login("reviewer")
    assert "sampling-denied" not in client.get(f"/claims/{claim.id}").get_data(as_text=True)

    _deny(app, cohort, make)

    assert "In the phone sampling, a trainee denied attending the class" in client.get(f"/claims/{claim.id}").get_data(
        as_text=True
    )


# ---- who reads, who phones ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, county, reads, phones",
    [
        ("coordinator", None, 200, 302),  # the city
        ("coordinator", HOME, 200, 302),  # the class's county
        ("coordinator", OTHER, 403, 403),
        ("reviewer", None, 200, 403),
        ("admin", None, 200, 403),
        ("trainer", HOME, 403, 403),
    ],
)
def test_who_reads_the_sample_and_who_phones(app, client, auth, make, in_english, role, county, reads, phones):
    cohort = class_of(make, 5)
    auth.login(role, county=county)
    [person] = drawn(app, cohort)

    assert client.get(f"/sampling/cohorts/{cohort.id}").status_code == reads
    page = "/" if role != "coordinator" or county == OTHER else f"/sampling/cohorts/{cohort.id}"
    response = client.submit(
        f"/sampling/cohorts/{cohort.id}/people/{person.enrollment.id}/calls", {"outcome": "confirmed"}, page=page
    )
    assert response.status_code == phones


def test_a_coordinator_who_teaches_the_class_does_not_phone_it(app, client, auth, make, in_english):
    coordinator = make.user("coordinator", county_code=HOME)
    cohort = class_of(make, 5, trainers=[coordinator])
    auth.login(coordinator)
    [person] = drawn(app, cohort)

    html = client.get(f"/sampling/cohorts/{cohort.id}").get_data(as_text=True)
    response = _record(client, cohort, person.enrollment.id, "confirmed")

    assert "Show the number to call" not in html and "Record the call" not in html
    assert response.status_code == 403 and db.session.scalar(select(SampleCall)) is None


def test_the_list_holds_the_running_and_finished_classes_of_the_county(app, client, auth, make, in_english):
    mine = class_of(make, 3, code="ZY-RUN")
    class_of(make, 3, status=CohortStatus.OPEN, code="ZY-OPEN")
    class_of(make, 3, county=OTHER, code="HB-FIN")
    auth.login("coordinator", county=HOME)

    html = client.get("/sampling").get_data(as_text=True)

    assert mine.code in html and "ZY-OPEN" not in html and "HB-FIN" not in html
    assert client.get(f"/sampling/cohorts/{db.session.scalar(select_open())}").status_code == 404


def select_open():
    from training.models import Cohort

    return select(Cohort.id).where(Cohort.code == "ZY-OPEN")


# ---- in Chinese --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


@pytest.fixture
def chinese_app(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app:
        yield app


def test_the_pages_read_in_chinese_and_the_claim_says_a_trainee_denied(chinese_app):
    make = Factories()
    client = chinese_app.test_client()
    cohort = make.cohort(county_code=HOME, status=CohortStatus.FINISHED, start_date=date(2026, 5, 1))
    claim = build_claim(make, cohort=cohort, trainees=4)
    db.session.commit()
    _deny(chinese_app, cohort, make)
    AuthActions(client, make).login("coordinator")

    page = client.get(f"/sampling/cohorts/{cohort.id}").get_data(as_text=True)
    claim_page = client.get(f"/claims/{claim.id}").get_data(as_text=True)

    assert "电话抽查" in page and "记录抽查结果" in page and "已接通：否认参加过培训" in page
    assert "电话抽查有学员否认参训" in claim_page

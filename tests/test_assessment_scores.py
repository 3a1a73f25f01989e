"""The score grid: trainers and coordinators enter theory and practical scores, all valid or none saved."""

import re
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.support.pages import errors, input_value, texts
from training.assessment.forms import parse_score
from training.extensions import db
from training.models import AuditEvent, CohortStatus, Enrollment, EnrollmentStatus

HERE, THERE = "610924", "610929"
INPUT = re.compile(r'<input[^>]*\bname="((?:was_)?(?:theory|practical)_\d+)"[^>]*>')


@pytest.fixture
def cohort(make):
    """A running cohort here, taught by one trainer, with two trainees holding a place and one who withdrew."""
    trainer = make.user("trainer", county_code=HERE)
    cohort = make.cohort(county_code=HERE, trainers=[trainer])
    make.enrollment(cohort=cohort, trainee=make.trainee(name="陈桂兰"))
    make.enrollment(cohort=cohort, trainee=make.trainee(name="李秀英"), theory_score=Decimal("70"))
    make.enrollment(cohort=cohort, trainee=make.trainee(name="王退学"), status=EnrollmentStatus.WITHDRAWN)
    db.session.commit()
    return cohort


def by_name(cohort, name) -> Enrollment:
    return next(
        e
        for e in db.session.scalars(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
        if e.trainee.name == name
    )


def url(cohort) -> str:
    return f"/cohorts/{cohort.id}/scores"


def save_grid(client, cohort, cells: dict) -> object:
    """Post the grid as a browser would: every cell as shown, with these (enrollment, kind) cells retyped."""
    page = client.get(url(cohort)).get_data(as_text=True)
    data = {name: input_value(page, name) or "" for name in INPUT.findall(page)}
    for (enrollment, kind), value in cells.items():
        data[f"{kind}_{enrollment.id}"] = value
    return client.submit(url(cohort), data)


@pytest.mark.parametrize(
    "typed, score, message",
    [
        ("88.5", Decimal("88.5"), None),
        ("", None, None),
        ("   ", None, None),
        ("0", Decimal("0"), None),
        ("100", Decimal("100"), None),
        ("60.0", Decimal("60"), None),
        ("８８．５", Decimal("88.5"), None),
        ("88。5", Decimal("88.5"), None),
        ("-1", None, "A score is from 0 to 100."),
        ("−1", None, "A score is from 0 to 100."),
        ("101", None, "A score is from 0 to 100."),
        ("100.1", None, "A score is from 0 to 100."),
        ("88.55", None, "At most one decimal place, such as 85.5."),
        ("abc", None, "Enter a number from 0 to 100, such as 85 or 85.5."),
        ("8 5", None, "Enter a number from 0 to 100, such as 85 or 85.5."),
        ("1e2", None, "Enter a number from 0 to 100, such as 85 or 85.5."),
        ("85分", None, "Enter a number from 0 to 100, such as 85 or 85.5."),
    ],
)
def test_score_validation(app, typed, score, message):
    with force_locale("en"):
        if message is None:
            assert parse_score(typed) == score
        else:
            with pytest.raises(ValueError, match=re.escape(message)):
                parse_score(typed)


def test_the_grid_lists_everyone_holding_a_place_with_decimal_keypads(client, auth, cohort):
    auth.login(cohort.trainers[0])
    page = client.get(url(cohort)).get_data(as_text=True)
    assert sorted(texts(page, "trainee-name")) == sorted(["李秀英", "陈桂兰"])
    assert "王退学" not in page
    assert page.count('inputmode="decimal"') == 4
    assert 'class="table-responsive"' in page
    assert input_value(page, f"theory_{by_name(cohort, '李秀英').id}") == "70"


def test_valid_scores_are_saved_and_each_changed_enrollment_is_audited(client, auth, cohort):
    trainer = auth.login(cohort.trainers[0])
    chen, li = by_name(cohort, "陈桂兰"), by_name(cohort, "李秀英")
    response = save_grid(client, cohort, {(chen, "theory"): "88.5", (chen, "practical"): "92", (li, "practical"): ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert (chen.theory_score, chen.practical_score) == (Decimal("88.5"), Decimal("92"))
    assert (li.theory_score, li.practical_score) == (Decimal("70"), None)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "scores_changed")).all()
    assert [(e.entity_type, e.entity_id, e.actor_id) for e in events] == [("enrollment", str(chen.id), trainer.id)]
    assert events[0].before == {"theory_score": None, "practical_score": None}
    assert events[0].after["theory_score"] == "88.5" and events[0].after["practical_score"] == "92"


def test_a_correction_records_the_old_and_the_new_score(client, auth, cohort):
    auth.login("coordinator", county=HERE)
    li = by_name(cohort, "李秀英")
    save_grid(client, cohort, {(li, "theory"): "75"})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "scores_changed"))
    assert (event.before, {k: event.after[k] for k in ("theory_score",)}) == (
        {"theory_score": "70"},
        {"theory_score": "75"},
    )


def test_saving_an_unchanged_grid_changes_and_audits_nothing(client, auth, cohort):
    auth.login(cohort.trainers[0])
    response = save_grid(client, cohort, {})
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "scores_changed")) is None


def test_one_bad_cell_saves_nothing_and_the_grid_keeps_what_was_typed(client, auth, cohort, english):
    auth.login(cohort.trainers[0])
    chen, li = by_name(cohort, "陈桂兰"), by_name(cohort, "李秀英")
    response = save_grid(
        client,
        cohort,
        {(chen, "theory"): "88.5", (chen, "practical"): "abc", (li, "theory"): "-1", (li, "practical"): "101"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert input_value(page, f"theory_{chen.id}") == "88.5"
    assert input_value(page, f"practical_{chen.id}") == "abc"
    assert input_value(page, f"theory_{li.id}") == "-1"
    assert input_value(page, f"practical_{li.id}") == "101"
    assert sorted(errors(page)) == sorted(
        [
            "Enter a number from 0 to 100, such as 85 or 85.5.",
            "A score is from 0 to 100.",
            "A score is from 0 to 100.",
            "Nothing was saved. Correct the marked scores and save again.",
        ]
    )
    assert page.count("is-invalid") == 3
    db.session.expire_all()
    assert (chen.theory_score, li.theory_score) == (None, Decimal("70"))
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "scores_changed")) is None


def test_a_score_changed_meanwhile_by_someone_else_is_not_overwritten(client, auth, cohort, english):
    auth.login(cohort.trainers[0])
    chen, li = by_name(cohort, "陈桂兰"), by_name(cohort, "李秀英")
    page = client.get(url(cohort)).get_data(as_text=True)
    data = {name: input_value(page, name) or "" for name in INPUT.findall(page)}
    li.theory_score = Decimal("66")  # another trainer saves first
    db.session.commit()
    data.update({f"theory_{li.id}": "80", f"theory_{chen.id}": "90"})
    response = client.submit(url(cohort), data)
    page = response.get_data(as_text=True)
    assert "Changed meanwhile by someone else to 66. Check it and save again." in errors(page)
    db.session.expire_all()
    assert (li.theory_score, chen.theory_score) == (Decimal("66"), None)
    assert (input_value(page, f"theory_{li.id}"), input_value(page, f"was_theory_{li.id}")) == ("80", "66")


def test_after_a_conflict_saving_again_overwrites_knowingly(client, auth, cohort):
    auth.login(cohort.trainers[0])
    li = by_name(cohort, "李秀英")
    page = client.get(url(cohort)).get_data(as_text=True)
    data = {name: input_value(page, name) or "" for name in INPUT.findall(page)}
    li.theory_score = Decimal("66")
    db.session.commit()
    data[f"theory_{li.id}"] = "80"
    page = client.submit(url(cohort), data).get_data(as_text=True)
    again = {name: input_value(page, name) or "" for name in INPUT.findall(page)}
    assert client.submit(url(cohort), again).status_code == 302
    db.session.expire_all()
    assert li.theory_score == Decimal("80")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "scores_changed")).one()
    assert (event.before, event.after["theory_score"]) == ({"theory_score": "66"}, "80")


def test_untouched_cells_do_not_undo_what_someone_else_saved_meanwhile(client, auth, cohort):
    auth.login(cohort.trainers[0])
    chen, li = by_name(cohort, "陈桂兰"), by_name(cohort, "李秀英")
    page = client.get(url(cohort)).get_data(as_text=True)
    data = {name: input_value(page, name) or "" for name in INPUT.findall(page)}
    li.theory_score = Decimal("66")
    db.session.commit()
    data[f"practical_{chen.id}"] = "77"
    assert client.submit(url(cohort), data).status_code == 302
    db.session.expire_all()
    assert (li.theory_score, chen.practical_score) == (Decimal("66"), Decimal("77"))


def test_a_county_coordinator_scores_cohorts_of_their_county(client, auth, cohort):
    auth.login("coordinator", county=HERE)
    chen = by_name(cohort, "陈桂兰")
    assert save_grid(client, cohort, {(chen, "theory"): "61"}).status_code == 302
    db.session.expire_all()
    assert chen.theory_score == Decimal("61")


@pytest.mark.parametrize("who", ["trainer of another cohort", "coordinator of another county"])
def test_staff_out_of_scope_are_refused_and_the_refusal_is_audited(client, auth, make, cohort, who):
    if who == "trainer of another cohort":
        user = make.user("trainer", county_code=HERE)
        make.cohort(county_code=HERE, trainers=[user])
        db.session.commit()
        auth.login(user)
    else:
        user = auth.login("coordinator", county=THERE)
    assert client.get(url(cohort)).status_code == 403
    chen = by_name(cohort, "陈桂兰")
    response = client.post(url(cohort), data={f"theory_{chen.id}": "99", f"was_theory_{chen.id}": ""})
    assert response.status_code in (400, 403)
    denials = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access_denied", AuditEvent.actor_id == user.id)
    ).all()
    assert [(e.entity_type, e.entity_id) for e in denials][0] == ("cohort", str(cohort.id))
    db.session.expire_all()
    assert chen.theory_score is None


def test_a_trainee_of_the_cohort_is_told_the_page_does_not_exist(client, auth, cohort):
    auth.login(auth.make.trainee_user(by_name(cohort, "陈桂兰").trainee))
    assert client.get(url(cohort)).status_code == 404


def test_a_closed_cohort_shows_its_scores_but_takes_no_changes(client, auth, cohort):
    cohort.status = CohortStatus.CLOSED
    db.session.commit()
    auth.login(cohort.trainers[0])
    page = client.get(url(cohort)).get_data(as_text=True)
    assert page.count("disabled") >= 4 and 'type="submit">' not in page.split("score-grid")[1]
    chen = by_name(cohort, "陈桂兰")
    client.submit(url(cohort), {f"theory_{chen.id}": "99", f"was_theory_{chen.id}": ""})
    db.session.expire_all()
    assert chen.theory_score is None


def test_the_grid_warns_that_a_decision_taken_stays_until_finalised_again(client, auth, cohort, english):
    by_name(cohort, "陈桂兰").status = EnrollmentStatus.COMPLETED
    db.session.commit()
    auth.login(cohort.trainers[0])
    page = client.get(url(cohort)).get_data(as_text=True)
    assert "Completed" in page
    assert texts(page, "decided-note") == [
        "Some trainees have already been marked completed or not passed. "
        "Changing their scores does not change that decision until a "
        "coordinator finalises the cohort again."
    ]

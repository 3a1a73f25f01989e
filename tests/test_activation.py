"""Activation slips: one-time codes with which trainees set up their own login."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from training.activation import services
from training.extensions import db
from training.models import ActivationCode, User, utcnow


@pytest.fixture
def cohort_with_trainees(make):
    cohort = make.cohort(county_code="610924")
    first, second = make.trainee(phone="13800138001"), make.trainee()
    make.enrollment(trainee=first, cohort=cohort)
    make.enrollment(trainee=second, cohort=cohort)
    make.enrollment(trainee=make.trainee(), cohort=cohort, status="withdrawn")
    db.session.commit()
    return cohort, first, second


def test_a_coordinator_prints_slips_for_trainees_without_a_login(client, auth, cohort_with_trainees):
    cohort, first, second = cohort_with_trainees
    auth.login("coordinator", county="610924")
    page = client.submit(f"/cohorts/{cohort.id}/activation-slips").get_data(as_text=True)
    assert first.name in page and second.name in page
    assert first.id_number not in page
    assert page.count('class="slip"') == 2
    assert page.count("data:image/svg+xml") == 2
    assert db.session.scalar(select(db.func.count()).select_from(ActivationCode)) == 2


def test_a_coordinator_of_another_county_cannot_print_the_slips(client, auth, cohort_with_trainees):
    cohort, _, _ = cohort_with_trainees
    auth.login("coordinator", county="610929")
    assert client.submit(f"/cohorts/{cohort.id}/activation-slips", page="/").status_code == 403
    assert db.session.scalar(select(db.func.count()).select_from(ActivationCode)) == 0


def test_a_trainee_activates_with_the_code_and_signs_in(app, client, make, cohort_with_trainees):
    cohort, first, _ = cohort_with_trainees
    coordinator = make.user("coordinator")
    slip = next(s for s in services.issue_slips(cohort.id, coordinator.id) if s.trainee.id == first.id)
    db.session.commit()
    response = client.submit(
        f"/activate?code={slip.code}",
        {"code": slip.grouped, "password": "我的密码是茶叶2026", "confirm": "我的密码是茶叶2026"},
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.trainee_id == first.id))
    assert user.username == "13800138001" and user.role == "trainee"
    signed_in = client.submit("/login", {"username": "13800138001", "password": "我的密码是茶叶2026"})
    assert signed_in.status_code == 302


def test_a_code_works_only_once(client, make, cohort_with_trainees):
    cohort, first, _ = cohort_with_trainees
    slip = services.issue_slips(cohort.id, make.user("coordinator").id)[0]
    services.activate(slip.code, "a long enough pass 1")
    db.session.commit()
    response = client.submit(
        "/activate", {"code": slip.code, "password": "another pass 22", "confirm": "another pass 22"}
    )
    assert "not valid" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User).where(User.role == "trainee")) == 1


def test_an_expired_code_is_refused(make, cohort_with_trainees):
    cohort, _, _ = cohort_with_trainees
    slip = services.issue_slips(cohort.id, make.user("coordinator").id)[0]
    for code in db.session.scalars(select(ActivationCode)):
        code.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(services.ActivationRefused):
        services.activate(slip.code, "a long enough pass 1")


def test_printing_new_slips_retires_the_old_codes(make, cohort_with_trainees):
    cohort, _, _ = cohort_with_trainees
    coordinator = make.user("coordinator")
    old = services.issue_slips(cohort.id, coordinator.id)[0]
    services.issue_slips(cohort.id, coordinator.id)
    with pytest.raises(services.ActivationRefused):
        services.activate(old.code, "a long enough pass 1")


def test_a_weak_password_is_refused_and_the_code_stays_usable(client, make, cohort_with_trainees):
    cohort, _, _ = cohort_with_trainees
    slip = services.issue_slips(cohort.id, make.user("coordinator").id)[0]
    db.session.commit()
    response = client.submit("/activate", {"code": slip.code, "password": "12345678", "confirm": "12345678"})
    assert response.status_code == 200
    assert services.pending_code(slip.code) is not None


def test_a_wrong_code_gets_the_same_message_as_a_used_one(client):
    response = client.submit(
        "/activate", {"code": "0000 0000 0000", "password": "a long pass 123", "confirm": "a long pass 123"}
    )
    assert "not valid" in response.get_data(as_text=True)

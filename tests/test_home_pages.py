"""Each role's home page shows its own scope, in Chinese by default; the language switch sticks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import AuthActions
from tests.support.pages import html_lang, texts
from training.extensions import db
from training.models import CohortStatus, User

LOCAL = ZoneInfo("Asia/Shanghai")


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


def _counters(page: str) -> list[str]:
    return texts(page, "display-6")


def _sections(page: str) -> list[str]:
    """The trainer's page: today, coming days, recent, split at the headings."""
    return page.split("<h2")


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_admin_home_counts_active_accounts_per_role(client, auth, make):
    make.user("coordinator", county_code="610924")
    make.user("coordinator", active=False)
    for _ in range(3):
        make.user("trainer")
    db.session.commit()
    auth.login("admin")

    response = client.get("/")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html_lang(page) == "zh-CN"
    assert _counters(page) == ["1", "1", "3", "0", "0"]  # admin, coordinator, trainer, trainee, reviewer
    assert page.count('<div class="small text-muted">') == 1  # the disabled coordinator


def test_a_county_coordinator_counts_only_their_countys_trainees_and_cohorts(client, auth, make):
    for _ in range(2):
        make.enrollment(trainee=make.trainee(county_code="610924"), cohort=make.cohort(county_code="610924"))
    for _ in range(3):
        make.enrollment(trainee=make.trainee(county_code="610929"), cohort=make.cohort(county_code="610929"))
    make.cohort(county_code="610924", status=CohortStatus.OPEN)
    db.session.commit()
    auth.login("coordinator", county="610924")

    page = client.get("/").get_data(as_text=True)

    assert html_lang(page) == "zh-CN"
    trainees, running, open_, completed = _counters(page)[:4]
    assert (trainees, running, open_, completed) == ("2", "2", "1", "0")


def test_a_city_coordinator_counts_every_county(client, auth, make):
    for county in ("610924", "610929", "610981"):
        make.enrollment(trainee=make.trainee(county_code=county), cohort=make.cohort(county_code=county))
    db.session.commit()
    auth.login("coordinator")

    page = client.get("/").get_data(as_text=True)

    assert _counters(page)[:2] == ["3", "3"]


def test_a_trainer_sees_todays_sessions_of_their_own_cohorts_only(client, auth, make):
    trainer = auth.login("trainer", county="610924")
    today = datetime.now(LOCAL).date()
    mine = make.cohort(trainers=[trainer], code="ZY-MINE")
    theirs = make.cohort(trainers=[make.user("trainer")], code="ZY-THEIRS")
    make.session(mine, starts_at=_local(today, 12, 0))
    make.session(theirs, starts_at=_local(today, 12, 0))
    db.session.commit()

    page = client.get("/").get_data(as_text=True)

    today_part = _sections(page)[0]
    assert html_lang(page) == "zh-CN"
    assert "ZY-MINE" in today_part
    assert "ZY-THEIRS" not in page


def test_todays_classes_offer_the_qr_check_in_only_until_they_end(client, auth, make, monkeypatch):
    from training.main import views

    today = datetime.now(LOCAL).date()
    monkeypatch.setattr(views, "utcnow", lambda: _local(today, 15, 0))
    trainer = auth.login("trainer", county="610924")
    cohort = make.cohort(trainers=[trainer])
    morning = make.session(cohort, starts_at=_local(today, 8, 0), hours=4)
    afternoon = make.session(cohort, starts_at=_local(today, 16, 0), hours=2)
    db.session.commit()

    today_part = _sections(client.get("/").get_data(as_text=True))[0]

    assert f"/sessions/{morning.id}/roster" in today_part and f"/sessions/{afternoon.id}/roster" in today_part
    assert f"/sessions/{morning.id}/checkin-qr" not in today_part
    assert f"/sessions/{afternoon.id}/checkin-qr" in today_part


def test_the_trainers_today_runs_from_local_midnight_to_local_midnight(client, auth, make):
    trainer = auth.login("trainer", county="610924")
    today = datetime.now(LOCAL).date()
    for code, starts_at in [
        ("EARLY-TODAY", _local(today, 0, 3)),
        ("LATE-TODAY", _local(today, 23, 57)),
        ("LATE-YESTERDAY", _local(today - timedelta(days=1), 23, 57)),
    ]:
        make.session(make.cohort(trainers=[trainer], code=code), starts_at=starts_at, hours=1)
    db.session.commit()

    today_part = _sections(client.get("/").get_data(as_text=True))[0]

    assert "EARLY-TODAY" in today_part
    assert "LATE-TODAY" in today_part
    assert "LATE-YESTERDAY" not in today_part


def test_a_trainee_is_sent_from_home_to_their_own_page(client, auth, make):
    auth.login(make.trainee_user())

    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/me"
    assert html_lang(client.get("/me").get_data(as_text=True)) == "zh-CN"


@pytest.mark.parametrize("role", ["admin", "coordinator", "trainer"])
def test_staff_have_no_trainee_page(client, auth, role):
    auth.login(role)

    assert client.get("/me").status_code == 403


# --- language --------------------------------------------------------------------------


def _switch(client, lang: str, page: str = "/login", **kwargs):
    return client.submit("/language", {"lang": lang}, page=page, **kwargs)


def test_switching_to_english_sets_a_cookie_the_account_and_the_page_language(client, auth):
    user = auth.login("coordinator")

    response = _switch(client, "en", page="/")

    assert response.status_code == 302
    assert client.get_cookie("jfw_lang").value == "en"
    assert db.session.get(User, user.id).locale == "en"
    assert html_lang(client.get("/").get_data(as_text=True)) == "en"


def test_the_chosen_language_persists_on_the_next_requests(client, auth):
    auth.login("coordinator")
    _switch(client, "en", page="/")

    for path in ("/", "/account/password", "/"):
        assert html_lang(client.get(path).get_data(as_text=True)) == "en"


def test_the_accounts_language_follows_it_to_another_device(app, client, auth, make):
    user = auth.login("trainer")
    _switch(client, "en", page="/")
    auth.logout()

    other = app.test_client()
    assert html_lang(other.get("/login").get_data(as_text=True)) == "zh-CN"
    AuthActions(other, make).login(user)

    assert html_lang(other.get("/").get_data(as_text=True)) == "en"


def test_an_anonymous_visitor_can_switch_the_login_page_to_english(client):
    _switch(client, "en")

    assert html_lang(client.get("/login").get_data(as_text=True)) == "en"


def test_switching_back_to_chinese_works(client, auth):
    user = auth.login("coordinator")
    _switch(client, "en", page="/")
    _switch(client, "zh_CN", page="/")

    assert html_lang(client.get("/").get_data(as_text=True)) == "zh-CN"
    assert db.session.get(User, user.id).locale == "zh_CN"


def test_an_unknown_language_falls_back_to_chinese(client):
    _switch(client, "fr")

    assert client.get_cookie("jfw_lang").value == "zh_CN"
    assert html_lang(client.get("/login").get_data(as_text=True)) == "zh-CN"


def test_the_switch_returns_to_the_page_it_was_on(client):
    response = client.submit("/language?next=/login", {"lang": "en"}, page="/login")

    assert response.headers["Location"] == "/login"


def test_switching_language_without_a_csrf_token_is_refused(client, auth):
    user = auth.login("coordinator")

    response = client.post("/language", data={"lang": "en"})

    assert response.status_code == 400
    assert client.get_cookie("jfw_lang") is None
    assert db.session.get(User, user.id).locale is None
    assert html_lang(client.get("/").get_data(as_text=True)) == "zh-CN"

"""The health check answers 200 while the database answers, 503 when it does not."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import FormClient, base_config
from training import create_app


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


UNREACHABLE = {
    "sqlite-in-a-missing-folder": lambda tmp_path: f"sqlite:///{tmp_path}/no-such-folder/jinfanwan.sqlite",
    "postgresql-on-a-closed-port": lambda tmp_path: (
        f"postgresql+psycopg://jfw@127.0.0.1:{_closed_port()}/jinfanwan?connect_timeout=2"
    ),
}


@pytest.fixture(params=UNREACHABLE, ids=list(UNREACHABLE))
def down(request, tmp_path):
    """A client of an app whose database cannot be reached."""
    app = create_app(base_config(UNREACHABLE[request.param](tmp_path)))
    app.test_client_class = FormClient
    return app.test_client()


def test_the_health_check_answers_ok_in_json(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == {"status": "ok", "database": "ok"}


def test_the_health_check_needs_no_sign_in_and_sets_no_session(client):
    response = client.get("/healthz")

    assert not any(h.startswith("jfw_session=") for h in response.headers.getlist("Set-Cookie"))


def test_the_health_check_answers_503_when_the_database_is_unreachable(down):
    response = down.get("/healthz")

    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.json["status"] == "unavailable"
    assert response.json["database"] == "unreachable"


def test_signing_in_while_the_database_is_unreachable_shows_the_503_page(down):
    response = down.submit("/login", {"username": "someone", "password": "whatever it is"})

    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert 'action="/logout"' not in response.get_data(as_text=True)  # the plain error page


def test_the_health_check_answers_json_to_a_signed_in_browser_when_the_database_is_down(app, client, auth, tmp_path):
    auth.login("coordinator")
    cookie = client.get_cookie("jfw_session")
    config = base_config(UNREACHABLE["sqlite-in-a-missing-folder"](tmp_path))
    broken = create_app({**config, "SECRET_KEY": app.config["SECRET_KEY"]})
    browser = broken.test_client()
    browser.set_cookie("jfw_session", cookie.value)

    response = browser.get("/healthz")

    assert response.status_code == 503
    assert response.json["database"] == "unreachable"

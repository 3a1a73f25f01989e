"""The database goes away and comes back: a PostgreSQL server of this test's own is stopped
under a running app, which answers 503 with a friendly page (and /healthz says why), then
started again, and the same app, untouched, serves the same signed-in browser again."""

from __future__ import annotations

import pytest

from tests.conftest import BACKEND, FormClient, base_config
from tests.security.conftest import fingerprint
from tests.support import postgres
from training import create_app
from training.extensions import db

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BACKEND != "postgresql", reason="starts a PostgreSQL server of its own: with the PostgreSQL run"
    ),
]


@pytest.fixture
def cluster():
    if not postgres.can_run():
        pytest.skip("starting a PostgreSQL server as the postgres user needs root and its programs (make install-test)")
    settings = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
    with postgres.throwaway_cluster("jfw-pg-down-", settings, stop_mode="immediate") as server:
        yield server


@pytest.fixture
def running(cluster):
    """An app on the cluster, migrated, with a coordinator signed in."""
    from flask_migrate import upgrade

    from tests.conftest import AuthActions
    from tests.factories import Factories

    app = create_app(base_config(cluster.url + "?connect_timeout=3"))
    app.test_client_class = FormClient
    with app.app_context():
        upgrade()
        make = Factories()
        make.cohort(county_code="610924", site_name="蒿坪镇新社区工厂")
        db.session.commit()
        client = app.test_client()
        AuthActions(client, make).login("coordinator", county="610924")
        yield app, client
        db.session.remove()
        db.engine.dispose()


def test_pages_answer_503_while_the_database_is_down_and_recover_when_it_is_back(cluster, running):
    app, client = running
    assert client.get("/cohorts").status_code == 200

    cluster.stop()
    page = client.get("/cohorts")
    health = app.test_client().get("/healthz")  # as the load balancer asks: signed out

    assert page.status_code == 503 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Traceback" not in html and "psycopg" not in html and "蒿坪镇" not in html
    assert health.status_code == 503
    assert health.json["status"] == "unavailable" and health.json["database"] == "unreachable"
    assert health.json["reason"] == "OperationalError"

    cluster.start()
    health = app.test_client().get("/healthz")
    page = client.get("/cohorts")

    assert health.status_code == 200 and health.json == {"status": "ok", "database": "ok"}
    assert page.status_code == 200 and "蒿坪镇新社区工厂" in page.get_data(as_text=True)  # still signed in


def test_a_form_posted_while_the_database_is_down_is_refused_and_nothing_is_half_written(cluster, running):
    app, client = running
    token = client.csrf_token("/trainees/new")
    before = fingerprint()

    cluster.stop()
    response = client.post(
        "/trainees/new",
        data={"csrf_token": token, "name": "断线学员", "county_code": "610924", "id_number": "610924199005170011"},
    )
    cluster.start()

    assert response.status_code == 503
    assert fingerprint() == before

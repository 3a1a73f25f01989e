"""CSRF: every route that accepts POST refuses a form without its token (400), as a role that
would otherwise reach it, and nothing in the database changes. (That no GET changes the
database is checked for every GET route and every role in test_route_table.py.)"""

from __future__ import annotations

import pytest

from tests.security.conftest import fingerprint, url
from tests.security.test_route_table import TABLE

ORDER = ("admin", "city", "county", "trainer", "trainee", "reviewer")


def _posting_endpoints():
    from tests.conftest import base_config
    from training import create_app

    app = create_app(base_config("sqlite://"))
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods)


def _role_that_reaches(endpoint: str) -> str:
    access = TABLE[endpoint]
    if access.public:
        return "anonymous"
    return next(role for role in ORDER if role in access.reach | access.scoped)


@pytest.mark.parametrize("endpoint", _posting_endpoints())
def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(app, world, clients, endpoint):
    role = _role_that_reaches(endpoint)
    client = app.test_client() if role == "anonymous" else clients[role]
    # What a forged form would send: plausible fields, no token.
    data = {
        "username": "admin",
        "password": "x" * 12,
        "reason": "forged",
        "status": "closed",
        "lang": "en",
        "code": "123456",
        "serial": world.ids["serial"],
        "name": "汉滨证书",
        "scope": "all",
        "id_number": "610902199005170011",
        "category": "error",
        "new_password": "y" * 12,
    }
    before = fingerprint()

    response = client.post(url(app, world, endpoint), data=data)

    assert response.status_code == 400, f"{endpoint} as {role}: {response.status_code}"
    assert fingerprint() == before


def test_a_token_from_another_session_is_refused(app, world, clients):
    stolen = app.test_client().get("/login")  # an attacker's own session and token
    token = app.test_client().csrf_token("/login")
    admin = clients["admin"]
    before = fingerprint()

    response = admin.post(
        url(app, world, "admin.reset_password"), data={"csrf_token": token, "password": "a-brand-new-password"}
    )

    assert stolen.status_code == 200
    assert response.status_code == 400
    assert fingerprint() == before

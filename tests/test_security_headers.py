"""Response headers and cookie flags: CSP without inline script, no framing, no sniffing, safe cookies."""

from __future__ import annotations

import re

import pytest

from tests.conftest import CSRF_FIELD

SESSION_COOKIE = "jfw_session"


def _csp(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response.headers["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


def _set_cookie(response, name: str) -> str:
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    return header


def _flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


@pytest.fixture
def signed_in_pages(client, auth, make):
    """Every page a role lands on, rendered for a signed-in user of that role."""

    def pages():
        yield client.get("/login")
        for role in ("admin", "coordinator", "trainer"):
            auth.login(role)
            yield client.get("/")
            auth.logout()
        auth.login(make.trainee_user())
        yield client.get("/me")

    return pages


def test_html_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/login")

    policy = _csp(response)
    assert response.mimetype == "text/html"
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


def test_html_pages_forbid_sniffing_framing_caching_and_cross_site_referrers(client):
    headers = client.get("/login").headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert headers["Cache-Control"] == "no-store"


def test_pages_contain_nothing_the_policy_would_block(signed_in_pages):
    for response in signed_in_pages():
        page = response.get_data(as_text=True)
        assert response.status_code == 200, response.request.path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), response.request.path
        assert not re.search(r"\son[a-z]+\s*=", page), response.request.path
        assert not re.search(r"<style|\sstyle\s*=", page), response.request.path
        assert not re.search(r'(?:src|href)="(?:https?:)?//', page), response.request.path


def test_json_answers_get_the_same_headers(client):
    headers = client.get("/healthz").headers

    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_http_only_and_same_site_lax_but_not_secure_over_http(client):
    flags = _flags(_set_cookie(client.get("/login"), SESSION_COOKIE))

    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags


def test_the_session_cookie_is_secure_over_https(app):
    client = app.test_client()

    response = client.get("/login", base_url="https://localhost")

    flags = _flags(_set_cookie(response, SESSION_COOKIE))
    assert {"secure", "httponly", "samesite=lax"} <= flags
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_https_is_not_announced_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_the_language_cookie_is_http_only_and_secure_over_https(app):
    client = app.test_client()
    html = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    csrf = CSRF_FIELD.search(html).group(1)

    response = client.post(
        "/language",
        data={"lang": "en", "csrf_token": csrf},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
    )

    flags = _flags(_set_cookie(response, "jfw_lang"))
    assert {"secure", "httponly", "samesite=lax"} <= flags

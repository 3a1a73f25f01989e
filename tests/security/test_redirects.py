"""Open redirects: a ?next= that leaves the site is ignored, on every form that follows one.
Browsers read a backslash as a slash and drop tabs and newlines inside a URL, so /\\host and
/<tab>/host lead off the site as surely as //host."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD
from training.extensions import db

OFF_SITE = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "///evil.example/",
    "javascript:alert(1)",
    "\\\\evil.example/",
]


def _sign_in(client, make, target: str):
    user = make.user("coordinator")
    db.session.commit()
    return client.submit(
        "/login", {"username": user.username, "password": TEST_PASSWORD, "next": target}, page="/login"
    )


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_never_follows_a_next_that_leaves_the_site(client, make, target):
    response = _sign_in(client, make, target)

    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_choosing_a_language_never_follows_a_next_that_leaves_the_site(client, target):
    response = client.submit("/language", {"lang": "en", "next": target}, page="/login")

    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_next_on_this_site_is_followed(client, make):
    response = _sign_in(client, make, "/cohorts?status=open")

    assert response.headers["Location"] == "/cohorts?status=open"

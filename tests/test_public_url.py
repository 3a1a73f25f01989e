"""PUBLIC_BASE_URL, printed in every certificate's QR code: a loopback address while people reach the
server by another name is reported in the log, on the admin's home page and on a cohort's certificates
page, before anyone issues."""

from __future__ import annotations

import logging

import pytest

from training import public_url
from training.extensions import db
from training.models import CohortStatus


@pytest.mark.parametrize(
    ("base_url", "request_host", "unreachable"),
    [
        ("http://127.0.0.1:5000", "peixun.example.gov.cn", True),
        ("http://localhost:5000", "10.20.0.7:8000", True),
        ("http://[::1]:5000", "peixun.example.gov.cn", True),
        ("http://127.0.0.1:5000", "127.0.0.1:5100", False),  # make run on one machine
        ("http://127.0.0.1:5000", "localhost", False),
        ("https://peixun.example.gov.cn", "peixun.example.gov.cn", False),
        ("https://peixun.example.gov.cn", "127.0.0.1:8000", False),  # a health check from the machine itself
    ],
)
def test_a_loopback_public_address_is_unreachable_only_when_the_server_is_reached_by_another_name(
    base_url, request_host, unreachable
):
    assert public_url.unreachable(base_url, request_host) is unreachable


def test_the_admin_home_warns_when_qr_codes_would_point_at_the_server_itself(app, client, auth, caplog):
    app.config.update(PUBLIC_BASE_URL="http://127.0.0.1:5000", SERVER_NAME="peixun-warn.example.gov.cn")
    auth.login("admin")

    with caplog.at_level(logging.WARNING, logger="training.public_url"):
        page = client.get("/").get_data(as_text=True)

    assert "public-url-warning" in page
    assert "Certificates issued now cannot be verified." in page
    assert "http://127.0.0.1:5000" in page and "peixun-warn.example.gov.cn" in page
    assert any(
        "PUBLIC_BASE_URL" in record.getMessage() and "peixun-warn.example.gov.cn" in record.getMessage()
        for record in caplog.records
    )


def test_the_admin_home_says_nothing_when_the_public_address_is_set(app, client, auth, caplog):
    app.config.update(PUBLIC_BASE_URL="https://peixun.example.gov.cn", SERVER_NAME="peixun.example.gov.cn")
    auth.login("admin")

    with caplog.at_level(logging.WARNING, logger="training.public_url"):
        page = client.get("/").get_data(as_text=True)

    assert "Administration" in page and "public-url-warning" not in page
    assert not [record for record in caplog.records if record.name == "training.public_url"]


def test_a_coordinator_about_to_issue_certificates_is_warned_too(app, client, auth, make):
    app.config.update(PUBLIC_BASE_URL="http://localhost:5000", SERVER_NAME="10.20.0.7:8000")
    cohort = make.cohort(status=CohortStatus.FINISHED, county_code="610924")
    make.graduate(cohort=cohort)
    db.session.commit()
    auth.login("coordinator")

    page = client.get(f"/cohorts/{cohort.id}/certificates").get_data(as_text=True)

    assert "Certificates issued now cannot be verified." in page and "10.20.0.7:8000" in page
    assert "issue-all" in page  # warned, not stopped: the address may be right behind a proxy

"""`PORT=… make run`: the app served by scripts/run.sh (gunicorn and its worker) on a port that is
not the default. A coordinator issues a cohort's certificates there; the QR code printed in the PDF
opens that server's verification page, on an employer's phone."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import TEST_PASSWORD
from tests.support.servers import wait_healthy
from training.certificates import qr
from training.extensions import db
from training.models import CohortStatus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert port != 5000
    return port


@pytest.fixture
def make_run(database_url, tmp_path):
    """scripts/run.sh on a free port, on the test database, with an instance folder of its own and
    no PUBLIC_BASE_URL: what `PORT=5100 make run` does on a fresh clone."""
    port = _free_port()
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "FLASK_DEBUG", "REDIS_URL")}
    env.update(
        PORT=str(port),
        JFW_BIN=str(Path(sys.executable).parent),
        DATABASE_URL=database_url,
        JINFANWAN_INSTANCE=str(instance),
        HUEY_SQLITE_PATH=str(instance / "huey.sqlite"),
        CERTIFICATE_RENDER_PROCESSES="1",
        LOG_LEVEL="WARNING",
    )
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        [ROOT / "scripts" / "run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, [process], timeout=180, log=tmp_path / "run.log")
        yield url
    finally:
        process.send_signal(signal.SIGTERM)  # run.sh stops its server and worker
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture
def finished_cohort(app, make):
    coordinator = make.user("coordinator", county_code="610924", username="coord_port")
    cohort = make.cohort(status=CohortStatus.FINISHED, county_code="610924", code="ZY-PORT-01")
    make.graduate(cohort=cohort, name="欧阳秀英")
    db.session.commit()
    return coordinator, cohort


def test_a_certificate_issued_on_another_port_has_a_qr_code_that_opens_its_verify_page(
    finished_cohort, make_run, new_page
):
    coordinator, cohort = finished_cohort
    page = new_page(DESKTOP)
    sign_in(page, make_run, coordinator.username, TEST_PASSWORD)
    page.goto(f"{make_run}/cohorts/{cohort.id}/certificates")
    page.click("button.issue-all")
    expect(page.locator(".job-bar")).to_have_attribute("value", "100", timeout=120_000)

    page.goto(f"{make_run}/cohorts/{cohort.id}/certificates")
    page.locator(".certificate-roster a.text-nowrap").first.click()
    download = page.locator("a[href$='.pdf']").first.get_attribute("href")
    pdf = page.request.get(make_run + download)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    [link] = qr.qr_texts(pdf.body())

    assert link.startswith(f"{make_run}/verify/")
    phone = new_page(PHONE)
    response = phone.goto(link)
    assert response.ok
    expect(phone.locator(".verdict-good")).to_be_visible()
    expect(phone.locator(".verify-details")).to_contain_text("欧**英")

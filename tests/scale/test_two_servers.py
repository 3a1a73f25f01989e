"""Scale-out, for real: PostgreSQL, Redis, two gunicorn app servers on loopback ports and two
Huey workers, sharing one instance folder (same SECRET_KEY and signing key) as
docs/deploy.md describes. A coordinator signs in on one server, issues a cohort's
certificates there, follows the job and downloads the files on the other; the public
verifies every certificate through the other server too.

Run by `make test-scale` (JFW_SCALE=1, with the throwaway servers of scripts/test.sh).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import drop_postgres_database, new_postgres_database
from tests.support.consumers import consumer_command
from tests.support.servers import Browser, free_port, wait_healthy

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("JFW_SCALE") != "1", reason="the scale-out test runs with `make test-scale`"),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GRADUATES = 12


@pytest.fixture
def cluster(tmp_path):
    postgres, redis = os.environ.get("JFW_TEST_POSTGRES_URL"), os.environ.get("JFW_TEST_REDIS_URL")
    if not postgres or not redis:
        pytest.fail("the scale-out test needs JFW_TEST_POSTGRES_URL and JFW_TEST_REDIS_URL (make test-scale sets them)")
    database = new_postgres_database()
    instance = tmp_path / "shared-instance"
    ports = [free_port(), free_port()]
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("HUEY_SQLITE_PATH", "FLASK_DEBUG")},
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "JINFANWAN_INSTANCE": str(instance),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports[1]}",
        "CERTIFICATE_BATCH_SIZE": "4",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([BIN / "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    _flush_queue(redis)
    processes, logs = [], []
    try:
        for n, port in enumerate(ports):
            log = (tmp_path / f"server{n}.log").open("w")
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [BIN / "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "120", "app:app"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for n in range(2):
            log = (tmp_path / f"worker{n}.log").open("w")
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    consumer_command("training.jobs.worker.huey"),
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        servers = [f"http://127.0.0.1:{port}" for port in ports]
        for server in servers:
            wait_healthy(server, processes)
        yield servers, env, database
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
        drop_postgres_database(database)


def _flush_queue(redis_url: str) -> None:
    from huey import RedisHuey

    RedisHuey("jinfanwan", url=redis_url).flush()


def _seed(env: dict) -> tuple[int, str, str]:
    """A finished cohort with graduates and a coordinator account, written through the app's own code."""
    script = f"""
import json
from training import create_app
from training.extensions import db
from training.models import CohortStatus
from tests.factories import Factories, TEST_PASSWORD
app = create_app()
with app.app_context():
    make = Factories()
    cohort = make.cohort(status=CohortStatus.FINISHED, county_code="610924", code="SCALE-01")
    for n in range({GRADUATES}):
        make.graduate(cohort=cohort, name=f"规模学员{{n}}")
    user = make.user("coordinator", county_code="610924", username="scale_coordinator")
    db.session.commit()
    print(json.dumps([cohort.id, user.username, TEST_PASSWORD]))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return tuple(json.loads(result.stdout.strip().splitlines()[-1]))


def _certificates(env: dict) -> list[dict]:
    script = """
import json
from sqlalchemy import select
from training import create_app
from training.extensions import db
from training.models import Certificate
app = create_app()
with app.app_context():
    print(json.dumps([{"serial": c.serial, "token": c.token, "sha256": c.pdf_sha256}
                      for c in db.session.scalars(select(Certificate).order_by(Certificate.serial))]))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_certificates_issued_through_one_server_verify_and_download_through_the_other(cluster):
    (one, other), env, _database = cluster
    cohort_id, username, password = _seed(env)
    browser = Browser()

    status, headers, _ = browser.form(f"{one}/login", f"{one}/login", {"username": username, "password": password})
    assert status == 302, "sign-in on server one"
    status, headers, _ = browser.form(
        f"{one}/cohorts/{cohort_id}/certificates", f"{one}/cohorts/{cohort_id}/certificates/issue", {"scope": "all"}
    )
    assert status == 302 and "/jobs/" in headers["Location"], "issuing started on server one"
    job_id = headers["Location"].rstrip("/").rsplit("/", 1)[1]

    # The same session, signed by server one, is honoured by server two: it follows the job there.
    deadline, progress = time.monotonic() + 180, {}
    while time.monotonic() < deadline:
        status, _, body = browser.request(f"{other}/jobs/{job_id}.json")
        assert status == 200
        progress = json.loads(body)
        if progress["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert progress["status"] == "done", progress
    assert (progress["done"], progress["total"], progress["failures"]) == (GRADUATES, GRADUATES, [])

    certificates = _certificates(env)
    assert len(certificates) == GRADUATES
    public = Browser()
    for certificate in certificates:
        status, _, page = public.request(f"{other}/verify/{certificate['serial']}?t={certificate['token']}")
        assert status == 200 and certificate["serial"] in page.decode()
        status, _, body = public.request(f"{other}/verify/{certificate['serial']}.json?t={certificate['token']}")
        facts = json.loads(body)
        assert status == 200 and facts["status"] == "valid" and facts["signature_valid"] is True
        status, _, pdf = browser.request(f"{other}/certificates/{certificate['serial']}.pdf")
        assert status == 200 and hashlib.sha256(pdf).hexdigest() == certificate["sha256"]

"""The database goes away and comes back: a PostgreSQL server of this test's own is stopped
under a running app, which answers 503 with a friendly page (and /healthz says why), then
started again, and the same app, untouched, serves the same signed-in browser again."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import BACKEND, FormClient, base_config
from tests.security.conftest import fingerprint
from training import create_app
from training.extensions import db

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BACKEND != "postgresql", reason="starts a PostgreSQL server of its own: with the PostgreSQL run"
    ),
]


def _bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]) if found and (Path(found[-1]) / "pg_ctl").exists() else None


class Cluster:
    """A throwaway PostgreSQL cluster on a free loopback port, run as the postgres user."""

    def __init__(self, root: Path, port: int):
        self.root, self.port, self.data = root, port, root / "data"
        self.bin = _bin()

    def _run(self, *command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        shutil.chown(self.root, "postgres")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth=trust",
            "--no-sync",
        )
        (self.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.root}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )

    def start(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres?connect_timeout=3"


@pytest.fixture
def cluster():
    if os.geteuid() != 0:
        pytest.skip("starting a PostgreSQL server as the postgres user needs root")
    if _bin() is None or shutil.which("runuser") is None:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql (make install-test)")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(tempfile.mkdtemp(prefix="jfw-pg-down-"))
    os.chmod(root.parent, os.stat(root.parent).st_mode)  # /tmp: already traversable
    server = Cluster(root, port)
    server.init()
    server.start()
    yield server
    if (server.data / "postmaster.pid").exists():
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(server.bin / "pg_ctl"),
                "-D",
                str(server.data),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            capture_output=True,
        )
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def running(cluster):
    """An app on the cluster, migrated, with a coordinator signed in."""
    from flask_migrate import upgrade

    from tests.conftest import AuthActions
    from tests.factories import Factories

    app = create_app(base_config(cluster.url))
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

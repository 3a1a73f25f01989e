"""A throwaway PostgreSQL server of its own (initdb in a temporary folder, a free loopback port),
run as the postgres user, for the tests and benchmarks that stop a server or need one of their
own size. No fixtures: bench/load.py uses it too."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.support.servers import free_port


def server_bin() -> Path | None:
    """The newest PostgreSQL server's programs (initdb, pg_ctl), or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]) if found and (Path(found[-1]) / "pg_ctl").exists() else None


def can_run() -> bool:
    """Whether this process may start one: as root, with the server's programs and runuser installed."""
    return os.geteuid() == 0 and server_bin() is not None and shutil.which("runuser") is not None


class Cluster:
    """A cluster in `root` on `port`; `settings` are added to its postgresql.conf."""

    def __init__(self, root: Path, port: int, settings: str = ""):
        bin_dir = server_bin()
        assert bin_dir is not None, "no PostgreSQL server installed (make install-test)"
        self.root, self.port, self.settings, self.data, self.bin = root, port, settings, root / "data", bin_dir

    def _run(self, *command: str | Path, check: bool = True) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)], check=check, capture_output=True, timeout=120
        )

    def init(self) -> None:
        shutil.chown(self.root, "postgres")
        self._run(
            self.bin / "initdb",
            "-D",
            self.data,
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
                + self.settings
            )

    def start(self) -> None:
        """Start the server and wait until it takes connections."""
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.root / "server.log", "-w", "start")

    def stop(self, mode: str = "fast", check: bool = True) -> None:
        """Stop the server and wait until it has; `immediate` does not wait for the clients to go."""
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=check)

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@contextlib.contextmanager
def throwaway_cluster(prefix: str, settings: str = "", stop_mode: str = "fast") -> Iterator[Cluster]:
    """A cluster started in a new temporary folder, stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    cluster = Cluster(root, free_port(), settings)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.running:
            cluster.stop(stop_mode, check=False)
        shutil.rmtree(root, ignore_errors=True)

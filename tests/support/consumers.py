"""Real huey consumer processes for tests: started with the test's environment, always stopped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def consumer_command(module: str, *options: str) -> list[str]:
    """huey_consumer of `module` with one thread and short polling delays, so a test waits little."""
    huey_consumer = str(Path(sys.executable).with_name("huey_consumer"))
    return [huey_consumer, module, "-w", "1", "-k", "thread", "-d", "0.05", "-m", "0.2", *options]


def start_consumer(
    env: dict[str, str], log_path: Path, module: str = "tests.support.jobs_worker.huey", *options: str
) -> tuple[subprocess.Popen, object]:
    """A one-thread consumer with short polling delays, logging to log_path; returns (process, log)."""
    full_env = {
        **os.environ,
        **env,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    log = log_path.open("w")
    command = consumer_command(module, *options)
    return subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT), log


def stop_consumer(process: subprocess.Popen, log) -> None:
    """Terminate (kill after 10 s) if still running, and close its log."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log.close()


def share_with_worker(app, database_url: str, tmp_path: Path, monkeypatch) -> dict[str, str]:
    """What the web side and a worker share: the database, a queue file, the certificate folder.

    Sets them in this process's environment (for make_huey()) and returns them for start_consumer()."""
    env = {
        "DATABASE_URL": database_url,
        "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite"),
        "CERTIFICATE_DIR": str(tmp_path / "certificates"),
        "JINFANWAN_INSTANCE": os.environ["JINFANWAN_INSTANCE"],
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    app.config["CERTIFICATE_DIR"] = env["CERTIFICATE_DIR"]
    return env

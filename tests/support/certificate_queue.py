"""Fixtures for issuing certificates through the real task queue (a pytest plugin loaded by
tests/conftest.py): the worker's environment, the views' enqueue() pointed at this test's queue
file, and a real huey consumer process."""

from __future__ import annotations

import pytest

from tests.support.consumers import share_with_worker, start_consumer, stop_consumer


@pytest.fixture
def worker_env(app, database_url, tmp_path, monkeypatch) -> dict[str, str]:
    return share_with_worker(app, database_url, tmp_path, monkeypatch)


@pytest.fixture
def enqueue(worker_env, monkeypatch):
    """The views' enqueue(), pointed at this test's queue file."""
    from tests.support import jobs_worker
    from training.jobs.queue import make_huey

    task = make_huey().task(retries=2, retry_delay=5)(jobs_worker.run_job.func)
    monkeypatch.setattr("training.certificates.views.enqueue", task)
    return task


@pytest.fixture
def consumer(worker_env, tmp_path):
    process, log = start_consumer(worker_env, tmp_path / "consumer.log", "tests.support.jobs_worker.huey", "-C")
    yield process
    stop_consumer(process, log)

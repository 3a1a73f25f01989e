"""Crashes in the middle of work: a worker process SIGKILLed while issuing certificates or
importing trainees, and a roster save that fails half way. The database is left as before
the unit of work in progress, and doing it again finishes the work without duplicates."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.support.consumers import share_with_worker, start_consumer, stop_consumer
from tests.support.import_sheets import person, workbook
from training.certificates import storage
from training.extensions import db
from training.jobs import services
from training.jobs.queue import make_huey
from training.jobs.worker import run_job
from training.models import Attendance, AuditEvent, Certificate, Job, JobStatus, Trainee, utcnow

pytestmark = pytest.mark.slow


@pytest.fixture
def worker_env(app, database_url, tmp_path, monkeypatch) -> dict[str, str]:
    return share_with_worker(app, database_url, tmp_path, monkeypatch)


@pytest.fixture
def enqueue(worker_env):
    return make_huey().task(retries=2, retry_delay=5)(run_job.func)


class Consumers:
    """Start consumer processes (one may pause at a point, to be killed there); all stopped at the end."""

    def __init__(self, env: dict, tmp_path: Path):
        self.env, self.tmp_path, self.processes = env, tmp_path, []

    def start(self, pause: str | None = None) -> tuple[subprocess.Popen, Path]:
        marker = self.tmp_path / f"paused-{len(self.processes)}"
        env = dict(self.env)
        if pause:
            env |= {"JFW_FAULT_PAUSE": pause, "JFW_FAULT_MARKER": str(marker)}
        log_path = self.tmp_path / f"consumer-{len(self.processes)}.log"
        process, log = start_consumer(env, log_path, "tests.support.faults_worker.huey")
        self.processes.append((process, log))
        return process, marker

    def stop(self):
        for process, log in self.processes:
            stop_consumer(process, log)


@pytest.fixture
def consumers(worker_env, tmp_path):
    started = Consumers(worker_env, tmp_path)
    yield started
    started.stop()


def _wait_until(check, process, timeout: float = 90, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see what the worker committed
        if check():
            return
        assert process.poll() is None, f"the consumer died before {what}"
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _kill(process) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def _requeue_lost(app, enqueue, job_id: str) -> None:
    """What a live worker does once the killed worker's job has been silent for JOB_STALE_MINUTES."""
    stale_after = timedelta(minutes=app.config["JOB_STALE_MINUTES"])
    assert services.requeue_stale(utcnow(), stale_after) == []  # not yet: it may still be working
    assert services.requeue_stale(utcnow() + stale_after + timedelta(seconds=1), stale_after) == [job_id]
    enqueue(job_id)


def _count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_worker_killed_while_issuing_loses_only_its_batch_and_a_rerun_issues_the_rest_once(
    app, make, enqueue, consumers, worker_env
):
    job_id = make.issuing_job(graduates=12).id
    # Batches of 10 and 2: pause once the second batch's files are written, before its commit.
    first, marker = consumers.start(pause="training.certificates.storage:store:2")
    enqueue(job_id)
    _wait_until(marker.exists, first, what="the second batch")

    _kill(first)

    issued_before = _count(Certificate)
    done_before = db.session.get(Job, job_id).done
    assert (issued_before, done_before) == (10, 10)
    assert _count(AuditEvent, AuditEvent.action == "certificate_issued") == 10

    second, _ = consumers.start()
    _requeue_lost(app, enqueue, job_id)  # the killed worker took its task with it
    _wait_until(
        lambda: db.session.get(Job, job_id).status in (JobStatus.DONE, JobStatus.FAILED), second, what="the rerun"
    )

    job = db.session.get(Job, job_id)
    certificates = db.session.scalars(select(Certificate)).all()
    assert job.status == JobStatus.DONE and job.done == 12 and job.failures == []
    assert len(certificates) == 12 and len({c.enrollment_id for c in certificates}) == 12
    assert sorted(int(c.serial.rsplit("-", 1)[1]) for c in certificates) == list(range(1, 13))
    with app.app_context():
        for certificate in certificates:  # the killed batch's files were replaced by the rerun's
            assert storage.sha256(storage.path_for(certificate.serial).read_bytes()) == certificate.pdf_sha256
    assert _count(AuditEvent, AuditEvent.action == "certificate_issued") == 12


def _descendants(pid: int) -> set[int]:
    """The processes started by pid, and theirs, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_worker_killed_while_its_render_pool_works_leaves_no_process_and_a_rerun_issues_all_once(
    app, make, enqueue, consumers, worker_env
):
    job_id = make.issuing_job(graduates=24).id
    # Batches of 20 and 4; the first is laid out by two pool processes. Pause once its files are written.
    consumers.env |= {"CERTIFICATE_BATCH_SIZE": "20", "CERTIFICATE_RENDER_PROCESSES": "2"}
    first, marker = consumers.start(pause="training.certificates.storage:store:1")
    enqueue(job_id)
    _wait_until(marker.exists, first, what="the first batch")
    helpers = _descendants(first.pid)
    assert len(helpers) >= 3, "expected a forkserver and two layout processes"

    _kill(first)

    deadline = time.monotonic() + 15
    while any(_running(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in helpers if _running(pid)], "layout processes outlived their worker"
    assert (_count(Certificate), db.session.get(Job, job_id).done) == (0, 0)

    second, _ = consumers.start()
    _requeue_lost(app, enqueue, job_id)
    _wait_until(
        lambda: db.session.get(Job, job_id).status in (JobStatus.DONE, JobStatus.FAILED), second, what="the rerun"
    )

    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.DONE and job.done == 24 and job.failures == []
    serials = db.session.scalars(select(Certificate.serial)).all()
    assert sorted(int(serial.rsplit("-", 1)[1]) for serial in serials) == list(range(1, 25))


def test_a_worker_killed_in_the_middle_of_an_import_writes_nothing_and_a_rerun_imports_once(
    app, make, enqueue, consumers, worker_env
):
    from training.imports import checking, uploads

    coordinator = make.user("coordinator", county_code="610924")
    db.session.commit()
    people = [person() for _ in range(30)]
    upload = uploads.store_upload(workbook(people), owner_id=coordinator.id, filename="roster.xlsx")
    plan = checking.preview(upload.path, checking.ImportScope.of(coordinator))
    upload.rows = len(plan.rows)
    upload.save()
    job = services.create_job(
        "trainee_import",
        {
            "token": upload.token,
            "user_id": coordinator.id,
            "fingerprint": plan.fingerprint,
            "cohort_id": None,
            "default_county": None,
            "locale": "zh_CN",
            "ip": "127.0.0.1",
        },
        coordinator.id,
        total=upload.rows,
    )
    db.session.commit()
    job_id = job.id
    first, marker = consumers.start(pause="training.imports.committing:apply:1")  # rows written, not committed
    enqueue(job_id)
    _wait_until(marker.exists, first, what="the import's writes")

    _kill(first)

    assert _count(Trainee) == 0
    assert _count(AuditEvent, AuditEvent.action.in_(["trainee_imported", "trainees_imported"])) == 0

    second, _ = consumers.start()
    _requeue_lost(app, enqueue, job_id)
    _wait_until(
        lambda: db.session.get(Job, job_id).status in (JobStatus.DONE, JobStatus.FAILED), second, what="the rerun"
    )

    assert db.session.get(Job, job_id).status == JobStatus.DONE
    assert _count(Trainee) == 30
    assert set(db.session.scalars(select(Trainee.id_number))) == {p["id_number"] for p in people}
    assert _count(AuditEvent, AuditEvent.action == "trainees_imported") == 1

    enqueue(job_id)  # delivered once more: a job already done is left alone
    time.sleep(1)
    assert _count(Trainee) == 30


@pytest.fixture
def lesson(make):
    trainer = make.user("trainer", county_code="610924")
    cohort = make.cohort(county_code="610924", trainers=[trainer], start_date=utcnow().date())
    session = make.session(cohort, starts_at=utcnow() - timedelta(hours=1))
    marked = make.enrollment(cohort=cohort, trainee=make.trainee(name="已点名"))
    fresh = make.enrollment(cohort=cohort, trainee=make.trainee(name="未点名"))
    make.attendance(marked, session, "present", version=1)
    db.session.commit()
    return trainer, session, marked, fresh


def _marks(session_id) -> set:
    db.session.rollback()
    return set(
        db.session.execute(
            select(Attendance.enrollment_id, Attendance.status, Attendance.version).where(
                Attendance.session_id == session_id
            )
        ).tuples()
    )


def test_a_roster_save_that_fails_half_way_leaves_the_marks_as_they_were_and_saving_again_works(
    app, client, make, lesson, monkeypatch
):
    from training.attendance import services as attendance

    trainer, session, marked, fresh = lesson
    AuthActions(client, make).login(trainer)
    before = _marks(session.id)
    form = {
        f"version-{marked.id}": "1",
        f"was-{marked.id}": "present",
        f"mark-{marked.id}": "late",
        f"version-{fresh.id}": "0",
        f"mark-{fresh.id}": "absent",
    }
    original = attendance.audit.record_many

    def crash(
        action, entity_type, changes, at=None
    ):  # the UPDATE and the INSERT have run; the audit events would be next
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(attendance.audit, "record_many", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    failed = client.submit(f"/sessions/{session.id}/roster", form)

    assert failed.status_code == 500
    assert _marks(session.id) == before
    assert _count(AuditEvent, AuditEvent.action == "attendance_marked") == 0

    monkeypatch.setattr(attendance.audit, "record_many", original)
    saved = client.submit(f"/sessions/{session.id}/roster", form)

    assert saved.status_code == 302
    assert _marks(session.id) == {(marked.id, "late", 2), (fresh.id, "absent", 1)}
    assert _count(AuditEvent, AuditEvent.action == "attendance_marked") == 2

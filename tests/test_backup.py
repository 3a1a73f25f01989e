"""`flask backup` while the app writes, and `flask restore` into a fresh instance: same rows,
same files, same secrets; refusals that leave the target alone."""

from __future__ import annotations

import hashlib
import json
import stat
import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select

from tests.conftest import BACKEND, base_config, drop_postgres_database, new_postgres_database
from training import create_app
from training.backup.archive import read_manifest
from training.extensions import db
from training.models import AuditEvent, Certificate, CohortStatus, Trainee, utcnow


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def own_instance(app, tmp_path):
    app.config["CERTIFICATE_DIR"] = str(tmp_path / "instance" / "certificates")
    app.instance_path = str(tmp_path / "instance")
    Path(app.instance_path).mkdir()
    (Path(app.instance_path) / "secret_key").write_text("the-secret-of-the-running-instance")


@pytest.fixture
def records(app, make):
    """A cohort with issued certificates (files, signing key) and a seal image."""
    from training.certificates import storage

    cohort = make.cohort(status=CohortStatus.FINISHED, code="ZY-BACKUP")
    make.issued(cohort=cohort, names=["王秀英", "李桂兰", "张红梅"])
    db.session.commit()
    storage.save_seal(_png())
    return cohort


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def fresh(tmp_path):
    """An empty instance to restore into: its own database (no tables) and folder."""
    url = new_postgres_database() if BACKEND == "postgresql" else f"sqlite:///{tmp_path}/restored.sqlite"
    folder = tmp_path / "restored-instance"
    folder.mkdir()
    app = create_app(base_config(url) | {"CERTIFICATE_DIR": str(folder / "certificates")})
    app.instance_path = str(folder)
    yield app
    with app.app_context():
        db.engine.dispose()
    if BACKEND == "postgresql":
        drop_postgres_database(url)


class Writer(threading.Thread):
    """Commits audit events one by one on its own connection until stopped."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine, self.stop, self.written, self.error = create_engine(url), threading.Event(), 0, None

    def run(self):
        try:
            while not self.stop.is_set():
                with self.engine.begin() as connection:
                    connection.execute(
                        insert(AuditEvent.__table__).values(
                            at=utcnow(), actor_name="load", action="load_write", entity_type="load"
                        )
                    )
                self.written += 1
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            self.engine.dispose()


def _restore(fresh, archive, *extra):
    with fresh.app_context():
        return fresh.test_cli_runner().invoke(args=["restore", str(archive), *extra])


def test_a_backup_made_under_load_restores_into_a_fresh_instance_with_the_same_rows_and_files(
    app, runner, records, fresh, tmp_path, database_url
):
    archive = tmp_path / "out" / "jinfanwan.tar.gz"
    writer = Writer(database_url)
    writer.start()
    while writer.written < 20 and writer.is_alive():
        time.sleep(0.01)

    result = runner.invoke(args=["backup", str(archive)])
    at_backup = writer.written
    time.sleep(0.2)
    writer.stop.set()
    writer.join(10)

    assert writer.error is None and writer.written > at_backup >= 20
    assert result.exit_code == 0, result.output
    manifest = read_manifest(archive)
    assert manifest["rows"]["certificate"] == 3 and manifest["rows"]["audit_event"] >= 20

    restored = _restore(fresh, archive)

    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 3
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        names = set(db.session.scalars(select(Trainee.name)))
    assert events == manifest["rows"]["audit_event"]
    assert {"王秀英", "李桂兰", "张红梅"} <= names
    source, target = Path(app.config["CERTIFICATE_DIR"]), Path(fresh.config["CERTIFICATE_DIR"])
    originals = {p.name: _sha(p) for p in source.glob("*.pdf")}
    assert len(originals) == 3
    assert {p.name: _sha(p) for p in target.glob("*.pdf")} == originals
    for name in ("secret_key", "certificate_signing_key.pem", "certificate-seal.png"):
        assert _sha(Path(fresh.instance_path) / name) == _sha(Path(app.instance_path) / name), name
        assert stat.S_IMODE((Path(fresh.instance_path) / name).stat().st_mode) == 0o600


def test_the_archive_is_private_and_its_manifest_lists_counts_and_hashes(app, runner, records, tmp_path):
    archive = tmp_path / "b.tar.gz"

    runner.invoke(args=["backup", str(archive)])

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    manifest = read_manifest(archive)
    assert manifest["backend"] == BACKEND and manifest["revision"]
    assert manifest["rows"]["trainee"] == 3
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        for member in tar.getmembers():
            assert member.mode == 0o600 and member.isfile()
        for name, facts in manifest["files"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == facts["sha256"]
    assert {
        "manifest.json",
        "instance/secret_key",
        "instance/certificate_signing_key.pem",
        "instance/certificate-seal.png",
    } <= names
    assert len([n for n in names if n.startswith("certificates/")]) == 3


def test_restore_refuses_a_database_that_holds_data_and_leaves_it_alone(app, runner, records, tmp_path):
    archive = tmp_path / "b.tar.gz"
    runner.invoke(args=["backup", str(archive)])
    db.session.add(
        Trainee(
            id_number="610924199005170019", name="后来者", gender="M", birth_date=utcnow().date(), county_code="610924"
        )
    )
    db.session.commit()

    result = runner.invoke(args=["restore", str(archive)])

    assert result.exit_code != 0 and "--force" in result.output
    assert db.session.scalar(select(func.count()).select_from(Trainee)) == 4


def test_a_failed_sign_in_on_the_new_instance_does_not_block_the_restore(app, runner, records, fresh, tmp_path):
    archive = tmp_path / "b.tar.gz"
    runner.invoke(args=["backup", str(archive)])
    with fresh.app_context():
        upgrade = fresh.test_cli_runner().invoke(args=["db", "upgrade"])
        assert upgrade.exit_code == 0, upgrade.output
        from training.ratelimit import DatabaseStorage

        DatabaseStorage("jfwdb://").incr("LIMITER/login/someone", 300)

    result = _restore(fresh, archive)

    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert db.session.scalar(select(func.count()).select_from(Trainee)) == 3


def test_restore_with_force_replaces_the_data(app, runner, records, tmp_path):
    archive = tmp_path / "b.tar.gz"
    runner.invoke(args=["backup", str(archive)])
    db.session.add(
        Trainee(
            id_number="610924199005170019", name="后来者", gender="M", birth_date=utcnow().date(), county_code="610924"
        )
    )
    db.session.commit()
    db.session.remove()

    result = runner.invoke(args=["restore", "--force", str(archive)])

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Trainee)) == 3


def test_a_damaged_archive_is_refused_before_anything_is_touched(app, runner, records, fresh, tmp_path):
    archive = tmp_path / "b.tar.gz"
    runner.invoke(args=["backup", str(archive)])
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("certificates/"):
                data = data.replace(b"%PDF", b"%PDX", 1)
            member.size = len(data)
            import io

            target.addfile(member, io.BytesIO(data))

    result = _restore(fresh, tampered)

    assert result.exit_code != 0 and "SHA-256" in result.output
    assert not Path(fresh.config["CERTIFICATE_DIR"]).exists()
    with fresh.app_context():
        from training.backup.archive import data_rows

        assert data_rows(fresh.config["SQLALCHEMY_DATABASE_URI"]) == 0


def test_a_file_that_is_not_a_backup_is_refused(app, fresh, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        info = tarfile.TarInfo("hello.txt")
        tar.addfile(info)

    result = _restore(fresh, bogus)

    assert result.exit_code != 0 and "manifest" in result.output
    json.dumps(result.output)

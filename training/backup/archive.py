"""Backups while the app runs, and restoring one into an empty instance.

create_backup(PATH) writes one .tar.gz (mode 0600) holding:

- the database: SQLite through its online backup API (a consistent copy while others
  write), or PostgreSQL through pg_dump inside an exported snapshot, so that the row
  counts in the manifest are those of the dump exactly;
- the certificate files (CERTIFICATE_DIR) and the instance secrets (session key,
  certificate signing key, seal image);
- manifest.json: when, from which schema revision, row counts per table, SHA-256 and
  size of every file.

The database is copied first and the files after: a certificate row is committed only
after its file is written, so every row in the copy finds its file.

restore_backup(PATH) checks every hash, refuses a target database that holds data (unless
force), loads the database, puts the files back and checks the counts.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from training.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
INSTANCE_FILES = ("secret_key", "certificate_signing_key.pem", "certificate-seal.png")
REFERENCE_TABLES = {"county", "alembic_version"}  # loaded by the migrations, present in an empty instance
# Counts that a failed sign-in on a new instance leaves behind: not data that a restore would lose.
TRANSIENT_TABLES = {"rate_limit_counter"}


class BackupError(Exception):
    """A backup or restore that stopped; nothing was left half done. str() says why."""


# ---------------------------------------------------------------- helpers


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _uri() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _backend(uri: str) -> str:
    name = make_url(uri).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database: {name}")
    return name


def _sqlite_path(uri: str) -> Path:
    database = make_url(uri).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: the newest under /usr/lib/postgresql, else the one on PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    tool = found[-1] if found else shutil.which(name)
    if not tool:
        raise BackupError(f"{name} not found: install PostgreSQL's client programs (apt-get install postgresql-client)")
    return tool


def _libpq(uri: str) -> tuple[str, dict]:
    """A libpq URL without the password, and the environment that carries it (kept out of `ps`)."""
    url = make_url(uri)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _count_rows(connection) -> dict[str, int]:
    names = sorted(inspect(connection).get_table_names())
    return {
        name: connection.execute(select(func.count()).select_from(text(f'"{name}"'))).scalar_one() for name in names
    }


def _revision(counts_source) -> str | None:
    with contextlib.suppress(Exception):
        return counts_source.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None


# ---------------------------------------------------------------- backup


def _dump_sqlite(uri: str, target: Path) -> tuple[dict[str, int], str | None]:
    source = sqlite3.connect(_sqlite_path(uri), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # pages copied in one consistent pass, restarted if a writer interferes
    finally:
        source.close()
        copy.close()
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            return _count_rows(connection), _revision(connection)
    finally:
        engine.dispose()


def _dump_postgres(uri: str, target: Path) -> tuple[dict[str, int], str | None]:
    engine = create_engine(uri, isolation_level="REPEATABLE READ")
    dsn, env = _libpq(uri)
    try:
        with engine.connect() as connection:
            # pg_dump reads the very snapshot our counts were taken in.
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts, revision = _count_rows(connection), _revision(connection)
            result = subprocess.run(  # nosec B603
                [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={dsn}",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            connection.rollback()
    finally:
        engine.dispose()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts, revision


def _files_to_copy() -> list[tuple[str, Path]]:
    """(name in the archive, path) of the certificate files and the instance secrets that exist."""
    files = []
    certificates = Path(current_app.config["CERTIFICATE_DIR"])
    if certificates.is_dir():
        files += [
            (f"certificates/{p.name}", p)
            for p in sorted(certificates.iterdir())
            if p.is_file() and not p.name.startswith(".")
        ]
    instance = Path(current_app.instance_path)
    files += [(f"instance/{name}", instance / name) for name in INSTANCE_FILES if (instance / name).is_file()]
    return files


def create_backup(path: str | Path) -> dict:
    """Write the backup archive at path (mode 0600, replaced whole); return its manifest."""
    path = Path(path)
    uri = _uri()
    backend = _backend(uri)
    with tempfile.TemporaryDirectory(prefix="jfw-backup-") as work:
        database = Path(work) / ("database.sqlite" if backend == "sqlite" else "database.pgdump")
        counts, revision = (_dump_sqlite if backend == "sqlite" else _dump_postgres)(uri, database)
        members = [(database.name, database)]
        files = {}
        for name, source in _files_to_copy():
            copy = Path(work) / "files" / name  # copied once, so the hash is that of what is archived
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(source, copy)
            except FileNotFoundError:
                continue  # removed meanwhile (a failed batch cleaning up): not part of any committed row
            members.append((name, copy))
        for name, member in members:
            files[name] = {"sha256": _sha256(member), "size": member.stat().st_size}
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "backend": backend,
            "revision": revision,
            "database": database.name,
            "rows": counts,
            "files": files,
        }
        _write_archive(path, manifest, members)
    return manifest


def _write_archive(path: Path, manifest: dict, members: list[tuple[str, Path]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name, member in members:
                archive.add(member, arcname=name, recursive=False, filter=lambda i: _private(i))
            handle.flush()
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


# ---------------------------------------------------------------- restore


def read_manifest(path: str | Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError("not a Jinfanwan backup: no manifest.json")
        return json.load(member)


def _unpack(path: Path, into: Path) -> dict:
    """Extract safely (regular files only, no path outside `into`) and check every hash."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"the archive cannot be read: {error}") from None
    manifest_path = into / MANIFEST
    if not manifest_path.is_file():
        raise BackupError("not a Jinfanwan backup: no manifest.json")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, facts in manifest["files"].items():
        member = into / name
        if not member.is_file() or _sha256(member) != facts["sha256"]:
            raise BackupError(f"{name}: missing or damaged (its SHA-256 differs from the manifest)")
    return manifest


def data_rows(uri: str) -> int:
    """Rows in the target database outside the reference data; 0 for a database without tables."""
    return sum(count for name, count in _row_counts(uri).items() if name not in REFERENCE_TABLES | TRANSIENT_TABLES)


def _row_counts(uri: str) -> dict[str, int]:
    """_count_rows on a database of its own engine, disposed of afterwards."""
    engine = create_engine(uri)
    try:
        with engine.connect() as connection:
            return _count_rows(connection)
    finally:
        engine.dispose()


def _load_sqlite(database: Path, uri: str) -> None:
    target = _sqlite_path(uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target, timeout=30)
    try:
        source.backup(copy)  # into the live file, WAL and all, rather than replacing it underneath
    finally:
        source.close()
        copy.close()


def _load_postgres(database: Path, uri: str) -> None:
    dsn, env = _libpq(uri)
    result = subprocess.run(  # nosec B603
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dsn}",
            str(database),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _put_files(manifest: dict, unpacked: Path) -> None:
    certificates = Path(current_app.config["CERTIFICATE_DIR"])
    instance = Path(current_app.instance_path)
    for name in manifest["files"]:
        folder, _, filename = name.partition("/")
        if folder not in ("certificates", "instance"):
            continue
        target = (certificates if folder == "certificates" else instance) / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{filename}.restore.tmp")
        shutil.copyfile(unpacked / name, temporary)
        os.chmod(temporary, 0o600 if folder == "instance" else 0o640)
        os.replace(temporary, target)


def restore_backup(path: str | Path, force: bool = False) -> dict:
    """Restore an archive into this instance; refuse a database holding data unless force."""
    uri = _uri()
    backend = _backend(uri)
    db.session.remove()
    db.engine.dispose()  # our own pooled connections would hold locks, or see the old schema
    with tempfile.TemporaryDirectory(prefix="jfw-restore-") as work:
        unpacked = Path(work)
        manifest = _unpack(Path(path), unpacked)
        if manifest["backend"] != backend:
            raise BackupError(f"this backup is of a {manifest['backend']} database; the instance uses {backend}")
        existing = data_rows(uri)
        if existing and not force:
            raise BackupError(
                f"the target database holds {existing} rows; restore into an empty instance, "
                "or pass --force to replace them"
            )
        (_load_sqlite if backend == "sqlite" else _load_postgres)(unpacked / manifest["database"], uri)
        _put_files(manifest, unpacked)
    counts = _row_counts(uri)
    differing = {t: (n, counts.get(t)) for t, n in manifest["rows"].items() if counts.get(t) != n}
    if differing:
        raise BackupError(f"row counts differ after the restore (table: expected, found): {differing}")
    return manifest

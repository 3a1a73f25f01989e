"""A claim's evidence pack (ZIP): the claim's documents, a folder per claimed trainee (pack_contents),
a list of what is missing, and SHA256SUMS.txt, the SHA-256 of every other file (`sha256sum -c`
checks it inside the pack's folder).

Safety, in the order it happens: the ZIP is written to a temporary name in CLAIM_PACK_DIR (mode
0600: it holds full ID numbers), one file after another, each copied in chunks and hashed as it
goes, so memory does not grow with the class; when the manifest is written the file is flushed
to disk and only then renamed to claim-<id>.zip, the one name ever offered. A worker killed
midway leaves a temporary file nobody serves (the rerun writes its own again, and temporary files
a day old are removed); a pack being rebuilt leaves the last complete one offered meanwhile."""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from training.claims import documents
from training.claims.pack_contents import Entry, Missing, safe_name, trainee_entries
from training.extensions import db
from training.models import Claim, ClassSession

CHUNK = 256 * 1024
MANIFEST = "SHA256SUMS.txt"
MISSING = "缺失文件.txt"
COMPRESSED = (".csv", ".txt")  # PDFs, images and .xlsx are compressed already: stored as they are
TEMPORARY_KEEP_SECONDS = 24 * 3600


def pack_dir() -> Path:
    path = Path(current_app.config["CLAIM_PACK_DIR"])
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def pack_path(claim_id: int) -> Path:
    return pack_dir() / f"claim-{int(claim_id)}.zip"


def temporary_path(claim_id: int, run: str) -> Path:
    return pack_dir() / f".claim-{int(claim_id)}-{safe_name(run)}.part"


@dataclass(frozen=True)
class ReadyPack:
    path: Path
    size: int
    built_at: datetime


def ready_pack(claim_id: int) -> ReadyPack | None:
    """The claim's last complete pack, if one was built."""
    path = pack_path(claim_id)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return ReadyPack(path, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))


def purge_temporary(now: float | None = None) -> int:
    """Remove temporary packs left by killed workers once a day old (no run still writes them)."""
    now = time.time() if now is None else now
    removed = 0
    for path in pack_dir().glob(".claim-*.part"):
        with contextlib.suppress(FileNotFoundError):
            if now - path.stat().st_mtime > TEMPORARY_KEEP_SECONDS:
                path.unlink()
                removed += 1
    return removed


class PackWriter:
    """Files into a ZIP under one folder, each hashed as written; finish() adds the manifest and
    renames the file into place, discard() removes it."""

    def __init__(self, temporary: Path, final: Path, folder: str):
        self.temporary, self.final, self.folder = temporary, final, folder
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.file = os.fdopen(fd, "wb")
        self.zip = zipfile.ZipFile(self.file, "w", allowZip64=True)
        self.hashes: list[tuple[str, str]] = []
        self.names: set[str] = set()

    def _member(self, name: str) -> tuple[str, zipfile.ZipInfo]:
        stem, dot, extension = name.rpartition(".")
        unique, n = name, 1
        while unique in self.names:
            n += 1
            unique = f"{stem}-{n}.{extension}" if dot else f"{name}-{n}"
        self.names.add(unique)
        info = zipfile.ZipInfo(f"{self.folder}/{unique}", date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if unique.endswith(COMPRESSED) else zipfile.ZIP_STORED
        info.external_attr = 0o600 << 16
        return unique, info

    def add_bytes(self, name: str, data: bytes) -> str:
        unique, info = self._member(name)
        with self.zip.open(info, "w") as member:
            member.write(data)
        digest = hashlib.sha256(data).hexdigest()
        self.hashes.append((unique, digest))
        return digest

    def add_file(self, name: str, path: Path) -> str:
        """Copy a stored file in chunks; its SHA-256 as copied."""
        unique, info = self._member(name)
        digest = hashlib.sha256()
        with path.open("rb") as source, self.zip.open(info, "w") as member:
            while block := source.read(CHUNK):
                digest.update(block)
                member.write(block)
        self.hashes.append((unique, digest.hexdigest()))
        return digest.hexdigest()

    def finish(self) -> None:
        manifest = "".join(f"{digest}  {name}\n" for name, digest in self.hashes)
        _, info = self._member(MANIFEST)
        self.zip.writestr(info, manifest.encode("utf-8"))
        self.zip.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.temporary, self.final)
        fd = os.open(self.final.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.zip.close()
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(FileNotFoundError):
            self.temporary.unlink()


def folder_of(claim: Claim) -> str:
    return safe_name(f"补贴申领-{claim.cohort.code}-v{claim.version}", "claim")


@dataclass
class Progress:
    """What one step of the build did: the trainee (or the documents) written, what was missing."""

    item: str
    missing: list[Missing]


def build(claim: Claim, writer: PackWriter, today: date) -> Iterator[Progress]:
    """Write the pack into `writer` step by step (the documents, then one trainee a step); the caller
    finishes or discards the writer. Missing files are listed in 缺失文件.txt before the manifest."""
    sessions = db.session.scalars(
        select(ClassSession).where(ClassSession.cohort_id == claim.cohort_id).order_by(ClassSession.starts_at)
    ).all()
    for name in documents.available(claim):
        title = documents.DOCUMENTS[name][0]
        suffix = "（身份证号完整）" if name in documents.FULL_ID_DOCUMENTS else ""
        writer.add_bytes(f"{title}{suffix}.{name.rsplit('.', 1)[1]}", documents.render(claim, name, today))
    yield Progress("documents", [])
    lacking: list[str] = []
    for number, line in enumerate(documents.claimed_lines(claim), 1):
        folder = f"{number:02d}-{safe_name(line.snapshot['name'], 'trainee')}"
        missing: list[Missing] = []
        for entry in trainee_entries(line, sessions):
            if isinstance(entry, Missing):
                missing.append(entry)
                continue
            missing += _write(writer, folder, entry)
        lacking += [f"{folder}：{m.words}" for m in missing]
        yield Progress(folder, missing)
    if lacking:
        writer.add_bytes(MISSING, ("\n".join(lacking) + "\n").encode("utf-8"))


def _write(writer: PackWriter, folder: str, entry: Entry) -> list[Missing]:
    name = f"{folder}/{entry.name}"
    if entry.data is not None:
        writer.add_bytes(name, entry.data)
        return []
    assert entry.path is not None
    try:
        digest = writer.add_file(name, entry.path)
    except FileNotFoundError:  # removed between listing and copying
        return [Missing("file_missing", {"file": name})]
    if entry.expected_sha256 and digest != entry.expected_sha256:
        return [Missing("hash_mismatch", {"file": name})]
    return []

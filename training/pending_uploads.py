"""Uploaded files waiting between an import's preview and its commit.

A file is kept under instance/<FOLDER>/ (mode 0600, a random token for a name) with its
metadata beside it, until it is committed or 24 hours pass; after a commit only its rows in
error stay, as a workbook to download. Each import subclasses PendingUpload with the choices
its upload form made and a folder of its own, so a token of one import is nothing to another.
An upload is found only by the user who made it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Self

from flask import current_app

UPLOAD_MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class PendingUpload:
    FOLDER: ClassVar[str] = "uploads"

    token: str
    path: Path
    owner_id: int | None
    filename: str
    rows: int = 0  # counted by the preview at upload
    committed: bool = False  # then only the rows in error are kept, as a workbook

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")

    @property
    def errors_path(self) -> Path:
        return self.path.with_suffix(".errors.xlsx")

    @classmethod
    def directory(cls) -> Path:
        directory = Path(current_app.instance_path) / cls.FOLDER
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        return directory

    def save(self) -> None:
        """Write the metadata, replacing it whole."""
        meta = {key: value for key, value in vars(self).items() if key not in ("token", "path")}
        temporary = self.path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        write_private(temporary, json.dumps(meta).encode())
        os.replace(temporary, self.meta_path)

    @classmethod
    def store(cls, content: bytes, *, owner_id: int | None, filename: str, **choices) -> Self:
        """Keep an uploaded file (mode 0600) under a random token until it is committed or 24 hours pass."""
        cls.purge_stale()
        token = secrets.token_urlsafe(24)
        upload = cls(token, cls.directory() / token, owner_id, Path(filename or "").name[:200], **choices)
        write_private(upload.path, content)
        upload.save()
        return upload

    @classmethod
    def find(cls, token: str, owner_id: int | None) -> Self | None:
        """The stored upload, if the token is well-formed, fresh and this user's."""
        if not _TOKEN.match(token or ""):
            return None
        path = cls.directory() / token
        try:
            fresh = time.time() - path.with_suffix(".json").stat().st_mtime < UPLOAD_MAX_AGE_SECONDS
            upload = cls(token, path, **json.loads(path.with_suffix(".json").read_text()))
        except (OSError, ValueError, TypeError):
            return None
        kept = upload.errors_path if upload.committed else upload.path
        return upload if fresh and upload.owner_id == owner_id and kept.exists() else None

    def finish(self, error_rows: bytes | None) -> None:
        """After a commit: the file goes; its rows in error (a workbook) stay to download, if there are any."""
        self.path.unlink(missing_ok=True)
        if error_rows is None:
            self.meta_path.unlink(missing_ok=True)
            return
        write_private(self.errors_path, error_rows)
        self.committed = True
        self.save()

    def discard(self) -> None:
        for path in (self.path, self.meta_path, self.errors_path):
            path.unlink(missing_ok=True)

    @classmethod
    def purge_stale(cls, max_age: float = UPLOAD_MAX_AGE_SECONDS) -> None:
        cutoff = time.time() - max_age
        for path in cls.directory().iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                pass  # another process removed it first


def write_private(path: Path, content: bytes) -> None:
    """A new file that only this process's user may read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)

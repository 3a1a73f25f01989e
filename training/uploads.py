"""Uploaded files waiting between an import's preview and its commit, one folder of instance/ per kind.

A file is kept (mode 0600, a random token for a name, its metadata beside it as JSON) until it
is committed, discarded or 24 hours old; only its owner finds it again, by a token of the right
form. After a commit the file goes; what the import chooses to keep (its rows in error, as a
workbook) may stay, and the upload is then marked committed. Each kind of import keeps its own
folder (an UploadFolder), so a token of one kind never opens a file of another.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from flask import current_app

UPLOAD_MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class Upload:
    """A stored file; a kind of import adds its own fields (they are kept in the metadata)."""

    token: str
    path: Path
    owner_id: int | None
    filename: str
    committed: bool = False  # then only what the import kept (errors_path) is left

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")

    @property
    def errors_path(self) -> Path:
        return self.path.with_suffix(".errors.xlsx")

    def save(self) -> None:
        """Write the metadata, replacing it whole."""
        meta = {key: value for key, value in vars(self).items() if key not in ("token", "path")}
        temporary = self.path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        write_private(temporary, json.dumps(meta).encode())
        os.replace(temporary, self.meta_path)


U = TypeVar("U", bound=Upload)


def write_private(path: Path, content: bytes) -> None:
    """A new file that only this process's user may read (it fails if the file exists)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


@dataclass(frozen=True)
class UploadFolder(Generic[U]):
    """The uploads of one kind of import, under instance/<name>/."""

    name: str
    kind: type[U]

    def directory(self) -> Path:
        directory = Path(current_app.instance_path) / self.name
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        return directory

    def store(self, content: bytes, *, owner_id: int | None, filename: str, **fields) -> U:
        """Keep an uploaded file under a random token until it is committed or 24 hours pass."""
        self.purge_stale()
        token = secrets.token_urlsafe(24)
        path = self.directory() / token
        upload = self.kind(token, path, owner_id, Path(filename or "").name[:200], **fields)
        write_private(upload.path, content)
        upload.save()
        return upload

    def find(self, token: str, owner_id: int | None) -> U | None:
        """The stored upload, if the token is well-formed, fresh and this user's."""
        if not _TOKEN.match(token or ""):
            return None
        path = self.directory() / token
        try:
            fresh = time.time() - path.with_suffix(".json").stat().st_mtime < UPLOAD_MAX_AGE_SECONDS
            upload = self.kind(token, path, **json.loads(path.with_suffix(".json").read_text()))
        except (OSError, ValueError, TypeError):
            return None
        kept = upload.errors_path if upload.committed else upload.path
        return upload if fresh and upload.owner_id == owner_id and kept.exists() else None

    def finish(self, upload: U, kept: bytes | None = None) -> None:
        """After a commit: the file goes; `kept` (the rows in error, as a workbook) stays to download, if given."""
        upload.path.unlink(missing_ok=True)
        if kept is None:
            upload.meta_path.unlink(missing_ok=True)
            return
        write_private(upload.errors_path, kept)
        upload.committed = True
        upload.save()

    def discard(self, upload: U) -> None:
        for path in (upload.path, upload.meta_path, upload.errors_path):
            path.unlink(missing_ok=True)

    def purge_stale(self, max_age: float = UPLOAD_MAX_AGE_SECONDS) -> None:
        cutoff = time.time() - max_age
        for path in self.directory().iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                pass  # another process removed it first

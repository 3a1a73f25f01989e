"""Certificate files under CERTIFICATE_DIR, named by serial, and the seal image in instance/.

A file is written to a temporary name, flushed to disk and renamed into place
(training/files.write_durably), so a reader never sees half a certificate, and the database
row that points at it is only committed after the rename.
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask import current_app

from training.certificates.serials import is_serial
from training.files import sha256 as sha256  # the certificates' callers read storage.sha256
from training.files import sync_directory, write_durably
from training.images import UnreadableImage, decode_image

log = logging.getLogger(__name__)

SEAL_FILE = "certificate-seal.png"
SEAL_MAX_PIXELS = 800
WRITERS = 8


class StorageFailed(OSError):
    """A certificate file could not be written; strerror says why in plain words."""


class SealRejected(ValueError):
    pass


def certificate_dir() -> Path:
    return Path(current_app.config["CERTIFICATE_DIR"])


def path_for(serial: str) -> Path:
    if not is_serial(serial):
        raise ValueError(f"not a serial number: {serial!r}")
    return certificate_dir() / f"{serial}.pdf"


def store(pdfs: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Write each (serial, pdf) durably; on any failure remove what was written and raise StorageFailed.

    The files are written by a few threads at once: the file system then commits their
    fsyncs together, several times faster than one after the other.
    """
    paths = [path_for(serial) for serial, _ in pdfs]
    written: list[Path] = []
    try:
        directory = certificate_dir()
        directory.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=max(1, min(WRITERS, len(pdfs)))) as pool:
            outcomes = [pool.submit(write_durably, path, data) for path, (_, data) in zip(paths, pdfs, strict=True)]
        errors = [error for outcome in outcomes if (error := outcome.exception()) is not None]
        written = [path for path, outcome in zip(paths, outcomes, strict=True) if outcome.exception() is None]
        if errors:
            raise errors[0]
        sync_directory(directory)
    except OSError as error:
        log.error("certificate storage failed: %s", error)
        discard(written)
        raise StorageFailed(error.errno, error.strerror or str(error)) from error
    return paths


def discard(paths: Sequence[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


# ---------------------------------------------------------------- the seal


def _seal_path() -> Path:
    return Path(current_app.instance_path) / SEAL_FILE


def seal_data_uri() -> str | None:
    """The uploaded seal as a data: URI, or None (the template then prints the placeholder)."""
    try:
        data = _seal_path().read_bytes()
    except FileNotFoundError:
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def save_seal(upload: bytes) -> None:
    """Re-encode an uploaded PNG or JPEG as a PNG of at most 800 px: no metadata, nothing but pixels."""
    try:
        image, _format = decode_image(upload)
    except UnreadableImage as error:
        raise SealRejected(str(error)) from error
    image.thumbnail((SEAL_MAX_PIXELS, SEAL_MAX_PIXELS))
    converted = image.convert("RGBA")
    buffer = io.BytesIO()
    converted.save(buffer, format="PNG", optimize=True)
    path = _seal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_durably(path, buffer.getvalue())


def remove_seal() -> bool:
    try:
        _seal_path().unlink()
    except FileNotFoundError:
        return False
    return True

"""A ZIP of certificate files, streamed as it is written: no temporary file, flat memory."""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)
CHUNK = 256 * 1024
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


class _Sink:
    """A write-only stream that hands over what was written so far."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """Nothing to close; ZipFile never closes a stream it was given, but its type asks for the method."""

    def drain(self) -> Iterator[bytes]:
        parts, self.parts = self.parts, []
        yield from parts


def member_name(serial: str, name: str) -> str:
    return f"{serial}_{_UNSAFE.sub('_', name).strip() or 'certificate'}.pdf"


def safe_ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text) or "cohort"


def stream(entries: Iterable[tuple[str, Path]]) -> Iterator[bytes]:
    """ZIP bytes of (name in archive, file) entries; PDFs are compressed already, so stored as they are."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as zipped:
        for name, path in entries:
            if not path.is_file():
                log.error("certificate file missing from the archive", extra={"file": path.name})
                continue
            with path.open("rb") as source, zipped.open(name, "w") as member:
                while block := source.read(CHUNK):
                    member.write(block)
                    yield from sink.drain()
            yield from sink.drain()
    yield from sink.drain()

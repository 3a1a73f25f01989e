"""Files kept on disk: the durable write every stored file goes through, and evidence files (the
scan of a certificate, the contract of a job): the one place that checks, stores and reads them.

An uploaded evidence file is judged by its content, never by its name: it must be a PDF, a JPEG
or a PNG, and a name that says otherwise (a .pdf that is a PNG, an .exe) is refused. An image is
decoded whole by training/images.py (a truncated one is refused) and re-encoded, so nothing but
its pixels is kept: no metadata, no trailing bytes. A PDF is kept as sent once it parses as a PDF with pages, ends as a
PDF ends, is not locked with a password and carries no script or attached file. Each refusal is
a FileRejected whose words name the problem.

Evidence is stored under EVIDENCE_DIR by its SHA-256 and read back by it. A file is written to a
temporary name, flushed to disk and renamed into place, so a reader never sees half a file; the
row that points at it is committed after the rename. Identical files are one file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from training.exceptions import DomainError
from training.images import UnreadableImage, decode_image

log = logging.getLogger(__name__)

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}
# An image is kept at most this wide and high (training/images.py limits what is decoded): a page stays readable.
EVIDENCE_MAX_SIDE = 4000
FILENAME_LENGTH = 120
# A PDF ends with %%EOF, perhaps followed by a few line ends: within its last kilobyte.
_PDF_TAIL = 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,8}")
_UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")
# Files people send instead, by their first bytes, to say what was sent.
_OTHER_FILES = (
    ((b"MZ", b"\x7fELF", b"#!"), _l("a program")),
    ((b"PK\x03\x04",), _l("a Word, Excel or ZIP file")),
    ((b"\xd0\xcf\x11\xe0",), _l("an old Word or Excel file")),
    ((b"Rar!", b"7z\xbc\xaf"), _l("a compressed archive")),
    ((b"GIF8",), _l("a GIF image")),
    ((b"BM",), _l("a BMP image")),
    ((b"II*\x00", b"MM\x00*"), _l("a TIFF image")),
    ((b"{\\rtf",), _l("a Word (RTF) file")),
)


class FileRejected(DomainError):
    """An upload that is not an acceptable file; str(error) says why, in the user's language."""


@dataclass(frozen=True)
class CheckedFile:
    """An evidence file that passed the checks: what is stored (an image re-encoded), its type and name."""

    data: bytes
    content_type: str
    filename: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


# ---------------------------------------------------------------- writing durably


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_durably(path: Path, data: bytes) -> None:
    """Write to a temporary name beside `path`, flush it to disk, rename it into place."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def sync_directory(directory: Path) -> None:
    """Flush a directory's entries, so a file renamed into it survives a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- images (decoded by training/images.py)


def _pixels_for(image: Image.Image, image_format: str) -> Image.Image:
    """The image in a mode its format stores: grey stays grey, transparency stays in a PNG."""
    if image.mode.startswith("I"):  # 16-bit grey (scanners): scaled to 8 bits, not clipped
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("1", "L"):
        return image.convert("L")
    if image_format == "PNG" and ("A" in image.mode or "transparency" in image.info):
        return image.convert("RGBA")
    return image.convert("RGB")


def _reencoded(data: bytes) -> bytes:
    try:
        image, image_format = decode_image(data)
    except UnreadableImage as error:
        raise FileRejected(str(error)) from error
    image.thumbnail((EVIDENCE_MAX_SIDE, EVIDENCE_MAX_SIDE))
    pixels = _pixels_for(image, image_format)
    buffer = io.BytesIO()
    if image_format == "JPEG":
        pixels.save(buffer, format="JPEG", quality=88, optimize=True)
    else:
        pixels.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# ---------------------------------------------------------------- PDFs


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-_PDF_TAIL:]:
        raise FileRejected(_("This PDF is incomplete: its end is missing. Upload the whole file again."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRejected(_("This PDF is locked with a password; upload it without the password."))
        pages = len(reader.pages)
        active = _active_content(reader)
    except FileRejected:
        raise
    except Exception as error:  # whatever a damaged file makes the parser raise
        log.info("PDF refused: %s", error)
        raise FileRejected(_("This PDF is damaged and cannot be read.")) from error
    if not pages:
        raise FileRejected(_("This PDF has no pages."))
    if active:
        raise FileRejected(
            _(
                "This PDF contains %(what)s, which is not accepted; print it to a new PDF or scan the paper, "
                "and upload that.",
                what=active,
            )
        )


def _active_content(reader: PdfReader) -> str | None:
    """What the document's catalog would run or carry besides pages: scripts, launches, attachments."""
    root = reader.root_object
    names = _resolved(root.get("/Names")) or {}
    action = _resolved(root.get("/OpenAction"))
    if "/JavaScript" in names or "/AA" in root:
        return _("scripts")
    if isinstance(action, dict) and action.get("/S") in ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm"):
        return _("scripts")
    if "/EmbeddedFiles" in names:
        return _("attached files")
    return None


def _resolved(value: Any) -> Any:
    return value.get_object() if value is not None else None


# ---------------------------------------------------------------- evidence files


def content_type_of(data: bytes) -> str | None:
    """PDF, JPEG or PNG by the first bytes; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _what_else(data: bytes) -> str:
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return _("a HEIC photo (the iPhone's format)")
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _("a WebP image")
    for starts, words in _OTHER_FILES:
        if data.startswith(starts):
            return str(words)
    return _("of a kind that cannot be read")


def _clean_name(filename: str | None) -> str:
    """The name without its folders, control characters or characters that file systems refuse."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_IN_NAMES.sub("", name).strip().lstrip(".")


def _extension(name: str) -> str:
    """The name's extension, lower case; '' when it has none (or only a number after its last dot)."""
    stem, dot, extension = name.rpartition(".")
    if not (dot and stem and _EXTENSION.fullmatch(extension)) or extension.isdigit():
        return ""
    return f".{extension.lower()}"


def _named(name: str, content_type: str) -> str:
    """The name to keep and offer for download, ending in the extension of what the file is."""
    if not _extension(name):
        name = f"{name or _('file')}{EXTENSIONS[content_type][0]}"
    stem, _dot, extension = name.rpartition(".")
    return f"{stem[: FILENAME_LENGTH - len(extension) - 1]}.{extension}"


def _refuse_a_name_that_disagrees(name: str, content_type: str) -> None:
    extension = _extension(name)
    if not extension or extension in EXTENSIONS[content_type]:
        return
    what = {PDF: _("a PDF"), JPEG: _("a JPEG image"), PNG: _("a PNG image")}[content_type]
    raise FileRejected(
        _(
            "The file is named %(extension)s but it is %(what)s: choose the right file, or correct its name.",
            extension=extension,
            what=what,
        )
    )


def check_evidence(data: bytes, filename: str | None, *, max_mb: int) -> CheckedFile:
    """The upload as it will be stored, or FileRejected naming what is wrong with it."""
    if not data:
        raise FileRejected(_("The file is empty."))
    if len(data) > max_mb * 2**20:
        raise FileRejected(
            _(
                "The file is %(size)s MB, over the limit of %(limit)d MB: scan at a lower resolution or in "
                "parts, and upload it again.",
                size=f"{len(data) / 2**20:.1f}",
                limit=max_mb,
            )
        )
    content_type = content_type_of(data)
    if content_type is None:
        raise FileRejected(_("This file is %(what)s, not a PDF, JPEG or PNG file.", what=_what_else(data)))
    name = _clean_name(filename)
    _refuse_a_name_that_disagrees(name, content_type)
    if content_type == PDF:
        _check_pdf(data)
        stored = data
    else:
        stored = _reencoded(data)
    return CheckedFile(stored, content_type, _named(name, content_type), sha256(stored))


def check_upload(upload: FileStorage) -> CheckedFile:
    """check_evidence on an uploaded file, with the limit of EVIDENCE_MAX_MB."""
    return check_evidence(upload.read(), upload.filename, max_mb=current_app.config["EVIDENCE_MAX_MB"])


def too_large_words() -> str:
    """What an upload form says when the request was over even the server's limit (its size unknown)."""
    return _(
        "The file is over the limit of %(limit)d MB: scan at a lower resolution or in parts, and upload it again.",
        limit=current_app.config["EVIDENCE_MAX_MB"],
    )


def evidence_path(digest: str) -> Path:
    """Where the evidence file with this SHA-256 lives: EVIDENCE_DIR/ab/abcdef…"""
    if not _SHA256.match(digest):
        raise ValueError(f"not a SHA-256: {digest!r}")
    return Path(current_app.config["EVIDENCE_DIR"]) / digest[:2] / digest


def store_evidence(checked: CheckedFile) -> str:
    """Write the file durably under its SHA-256 (once: an identical file is already there); its digest."""
    digest = checked.sha256
    path = evidence_path(digest)
    if path.is_file() and sha256(path.read_bytes()) == digest:
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    write_durably(path, checked.data)
    sync_directory(path.parent)
    return digest


def send_evidence(digest: str, content_type: str, download_name: str) -> Response:
    """The stored file as a download, never kept by a cache; 404 (and an error in the log) when it is missing."""
    try:
        data = read_evidence(digest)
    except FileNotFoundError as error:
        log.error("evidence file missing or changed: %s", error)
        abort(404)
    response = send_file(
        io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=download_name, etag=digest
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def read_evidence(digest: str) -> bytes:
    """The stored file with this SHA-256; FileNotFoundError when it is missing or no longer matches."""
    data = evidence_path(digest).read_bytes()
    if sha256(data) != digest:
        raise FileNotFoundError(f"evidence {digest} changed on disk")
    return data

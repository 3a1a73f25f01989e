"""Sample uploads for the evidence tests: real PDFs, JPEGs and PNGs, and files that only pretend."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


def pdf(pages: int = 1, *, script: bool = False, attachment: bool = False, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if script:
        writer.add_open_action(JavaScript("app.alert('x');"))
    if attachment:
        writer.add_attachment("payload.exe", EXE)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_of_size(size: int) -> bytes:
    """A one-page PDF of exactly `size` bytes, its metadata padded."""

    def padded(padding: int) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.add_metadata({"/Padding": "x" * padding})
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    padding = size - len(padded(0))
    padding += size - len(padded(padding))  # the offsets written at the end grew by a digit or two
    data = padded(padding)
    assert len(data) == size
    return data


def image(image_format: str = "JPEG", size: tuple[int, int] = (320, 240), mode: str = "RGB", **save) -> bytes:
    picture = Image.new(mode, size, "white" if mode in ("RGB", "RGBA") else 255)
    if mode in ("RGB", "RGBA"):
        picture.paste((200, 30, 30) + ((255,) if mode == "RGBA" else ()), (0, 0, size[0] // 2, size[1] // 2))
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **save)
    return buffer.getvalue()


def jpeg(**save) -> bytes:
    return image("JPEG", **save)


def png(**save) -> bytes:
    return image("PNG", **save)


def photo_on_its_side() -> bytes:
    """A 320 × 240 JPEG whose EXIF says: turn it a quarter (orientation 6), as phones write them."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    return image("JPEG", exif=exif.tobytes())


def stored(data: bytes | None = None, name: str = "scan"):
    """A file checked and stored as an upload would be: its CheckedFile (EVIDENCE_DIR of the app)."""
    from training import files

    checked = files.check_evidence(data if data is not None else pdf(), name, max_mb=5)
    files.store_evidence(checked)
    return checked


def with_scan(certificate, data: bytes | None = None):
    """The external certificate with a stored scan."""
    checked = stored(data)
    certificate.scan_sha256, certificate.scan_type = checked.sha256, checked.content_type
    return certificate


def placement_evidence(placement, kind: str = "contract", data: bytes | None = None, name: str = "劳动合同.pdf"):
    """An evidence file of the placement, stored, as the upload adds it."""
    from training.extensions import db
    from training.models import PlacementEvidence

    checked = stored(data, name)
    evidence = PlacementEvidence(
        placement_id=placement.id,
        kind=kind,
        filename=checked.filename,
        content_type=checked.content_type,
        size_bytes=checked.size,
        sha256=checked.sha256,
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence

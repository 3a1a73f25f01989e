"""training/files.py: an uploaded evidence file is judged by its content. Good PDFs, JPEGs and
PNGs pass (images re-encoded, PDFs kept as sent); a file that is not what it says, a cut-off
file, a file over EVIDENCE_MAX_MB are refused with words naming the problem; what passes is
stored under EVIDENCE_DIR by its SHA-256 and read back by it."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image

from tests.conftest import translated_app
from tests.support.evidence_files import EXE, image, jpeg, pdf, pdf_of_size, photo_on_its_side, png
from tests.support.import_sheets import workbook
from tests.support.translations import compiled_translations
from training import files
from training.files import JPEG, PDF, PNG, FileRejected, check_evidence


def refusal(data: bytes, name: str = "scan", max_mb: int = 5) -> str:
    with pytest.raises(FileRejected) as refused:
        check_evidence(data, name, max_mb=max_mb)
    return str(refused.value)


@pytest.mark.parametrize(
    "make, name, content_type",
    [(pdf, "合同.pdf", PDF), (jpeg, "合同.jpg", JPEG), (jpeg, "合同.JPEG", JPEG), (png, "合同.png", PNG)],
    ids=["pdf", "jpeg", "jpeg-upper-case-name", "png"],
)
def test_a_good_file_passes_with_its_type(app, make, name, content_type):
    assert check_evidence(make(), name, max_mb=5).content_type == content_type


def test_a_pdf_is_kept_as_it_was_sent(app):
    data = pdf(pages=3)

    assert check_evidence(data, "合同.pdf", max_mb=5).data == data


def test_a_jpeg_is_re_encoded_without_its_metadata(app):
    sent = photo_on_its_side()

    kept = check_evidence(sent, "photo.jpg", max_mb=5).data

    assert kept != sent and b"PhoneMaker" in sent and b"PhoneMaker" not in kept
    with Image.open(io.BytesIO(kept)) as stored:
        assert stored.format == "JPEG" and not stored.getexif()


def test_a_photo_taken_on_its_side_is_kept_upright(app):
    kept = check_evidence(photo_on_its_side(), "photo.jpg", max_mb=5).data

    with Image.open(io.BytesIO(kept)) as stored:
        assert stored.size == (240, 320)


def test_a_png_is_re_encoded_and_keeps_its_transparency(app):
    kept = check_evidence(image("PNG", mode="RGBA") + b"PK\x03\x04hidden", "scan.png", max_mb=5).data

    assert b"hidden" not in kept
    with Image.open(io.BytesIO(kept)) as stored:
        assert stored.format == "PNG" and stored.mode == "RGBA"


def test_a_large_photo_is_kept_at_most_4000_pixels_wide(app):
    kept = check_evidence(image("JPEG", size=(6000, 3000)), "photo.jpg", max_mb=5).data

    with Image.open(io.BytesIO(kept)) as stored:
        assert stored.size == (4000, 2000)


@pytest.mark.parametrize(
    "data, what",
    [
        (EXE, "a program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "a program"),
        (lambda: workbook([]), "a Word, Excel or ZIP file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "an old Word or Excel file"),
        (lambda: image("GIF", mode="P"), "a GIF image"),
        (lambda: image("BMP"), "a BMP image"),
        (lambda: image("TIFF"), "a TIFF image"),
        (lambda: image("WEBP"), "a WebP image"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "a HEIC photo (the iPhone's format)"),
        (b"<html><script>alert(1)</script></html>", "of a kind that cannot be read"),
    ],
    ids=["exe", "elf", "xlsx", "xls", "gif", "bmp", "tiff", "webp", "heic", "html"],
)
def test_a_file_of_another_kind_is_refused_with_what_it_is(app, data, what):
    content = data() if callable(data) else data

    assert refusal(content) == f"This file is {what}, not a PDF, JPEG or PNG file."


@pytest.mark.parametrize(
    "make, name, extension, what",
    [
        (png, "合同.pdf", ".pdf", "a PNG image"),
        (pdf, "合同.jpg", ".jpg", "a PDF"),
        (jpeg, "合同.png", ".png", "a JPEG image"),
        (pdf, "setup.exe", ".exe", "a PDF"),
        (jpeg, "合同.docx", ".docx", "a JPEG image"),
    ],
    ids=["png-named-pdf", "pdf-named-jpg", "jpeg-named-png", "pdf-named-exe", "jpeg-named-docx"],
)
def test_a_file_whose_name_says_another_kind_is_refused(app, make, name, extension, what):
    assert refusal(make(), name) == (
        f"The file is named {extension} but it is {what}: choose the right file, or correct its name."
    )


def test_an_executable_renamed_pdf_is_refused_as_a_program(app):
    assert refusal(EXE, "劳动合同.pdf") == "This file is a program, not a PDF, JPEG or PNG file."


@pytest.mark.parametrize(
    "make",
    [lambda: jpeg()[:-1], lambda: jpeg()[:-300], lambda: image("JPEG", progressive=True)[:-200], lambda: png()[:-20]],
    ids=["jpeg-last-byte", "jpeg-cut", "progressive-jpeg-cut", "png-cut"],
)
def test_a_cut_off_image_is_refused(app, make):
    assert refusal(make()) == "This image is cut off or damaged: upload the whole file again."


@pytest.mark.parametrize("position", [12, 40, -8], ids=["header", "pixels", "end"])
def test_a_png_with_a_damaged_chunk_is_refused(app, position):
    data = bytearray(png())
    data[position] ^= 0xFF

    assert refusal(bytes(data)) == "This image is cut off or damaged: upload the whole file again."


def test_a_jpeg_whose_frame_header_is_broken_is_refused_as_damaged(app):
    data = bytearray(jpeg())
    data[data.index(b"\xff\xc0") + 4] = 0  # 0 bits a sample

    assert refusal(bytes(data)) == "This image is damaged and cannot be read."


def test_a_cut_off_pdf_is_refused(app):
    assert refusal(pdf()[:-60]) == "This PDF is incomplete: its end is missing. Upload the whole file again."


def test_a_pdf_header_over_garbage_is_refused_as_damaged(app):
    assert refusal(b"%PDF-1.7\n" + b"garbage " * 200 + b"\n%%EOF\n") == "This PDF is damaged and cannot be read."


def test_a_pdf_locked_with_a_password_is_refused(app):
    assert refusal(pdf(password="123456")) == "This PDF is locked with a password; upload it without the password."


@pytest.mark.parametrize(
    "options, what", [({"script": True}, "scripts"), ({"attachment": True}, "attached files")], ids=["js", "attachment"]
)
def test_a_pdf_that_runs_or_carries_something_is_refused(app, options, what):
    assert refusal(pdf(**options)).startswith(f"This PDF contains {what}, which is not accepted")


def test_a_file_over_the_limit_is_refused_with_its_size_and_the_limit(app):
    data = pdf() + b"%" * (3 * 2**20)

    assert refusal(data, "big.pdf", max_mb=2) == (
        "The file is 3.0 MB, over the limit of 2 MB: scan at a lower resolution or in parts, and upload it again."
    )


def test_a_file_of_exactly_the_limit_passes(app):
    data = pdf_of_size(2**20)

    assert check_evidence(data, "limit.pdf", max_mb=1).size == 2**20


def test_a_file_one_byte_over_the_limit_is_refused(app):
    assert refusal(pdf_of_size(2**20 + 1), max_mb=1).startswith("The file is 1.0 MB, over the limit of 1 MB")


def test_the_size_refusal_is_in_chinese(database_url, tmp_path_factory):
    with translated_app(database_url, compiled_translations(tmp_path_factory)), force_locale("zh_CN"):
        message = refusal(pdf() + b"%" * (6 * 2**20), max_mb=5)

    assert message.startswith("文件大小为 6.0 MB，超过了 5 MB 的上限")


def test_an_empty_file_is_refused(app):
    assert refusal(b"") == "The file is empty."


@pytest.mark.parametrize("size", [(8_000, 8_000), (10_000, 10_000)], ids=["over-our-limit", "over-pillows-limit"])
def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(app, size):
    bomb = image("PNG", size=size, mode="1")
    assert len(bomb) < 100_000

    assert refusal(bomb) == "This image has more than 60 million pixels; take the photo again at a normal size."


@pytest.mark.parametrize(
    "name, kept",
    [
        ("../../etc/劳动合同.pdf", "劳动合同.pdf"),
        ("C:\\Users\\王\\就业协议.PDF", "就业协议.PDF"),
        ("合同", "合同.pdf"),
        ("合同.2024", "合同.2024.pdf"),
        ("", "file.pdf"),
        (None, "file.pdf"),
        ("<b>合同<b>\x00?.pdf", "b合同b.pdf"),
        ("长" * 200 + ".pdf", "长" * 116 + ".pdf"),
    ],
    ids=["path", "windows-path", "no-extension", "number-after-the-dot", "empty", "none", "markup", "long"],
)
def test_the_name_kept_is_the_file_name_alone_ending_as_the_file_is(app, name, kept):
    assert check_evidence(pdf(), name, max_mb=5).filename == kept


def test_a_stored_file_is_under_its_sha256_and_reads_back(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    checked = check_evidence(pdf(), "合同.pdf", max_mb=5)

    digest = files.store_evidence(checked)

    assert digest == hashlib.sha256(checked.data).hexdigest()
    assert files.evidence_path(digest) == tmp_path / "evidence" / digest[:2] / digest
    assert files.read_evidence(digest) == checked.data


def test_the_same_file_twice_is_one_file_and_no_temporary_file_is_left(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    checked = check_evidence(png(), "a.png", max_mb=5)

    assert files.store_evidence(checked) == files.store_evidence(checked)

    assert [p.name for p in Path(tmp_path / "evidence").rglob("*") if p.is_file()] == [checked.sha256]


def test_a_stored_file_changed_on_disk_is_not_read_back(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    digest = files.store_evidence(check_evidence(pdf(), "a.pdf", max_mb=5))
    files.evidence_path(digest).write_bytes(pdf(pages=2))

    with pytest.raises(FileNotFoundError):
        files.read_evidence(digest)


def test_a_stored_file_damaged_on_disk_is_written_again(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    checked = check_evidence(pdf(), "a.pdf", max_mb=5)
    files.evidence_path(checked.sha256).parent.mkdir(parents=True)
    files.evidence_path(checked.sha256).write_bytes(b"half")

    files.store_evidence(checked)

    assert files.read_evidence(checked.sha256) == checked.data


@pytest.mark.parametrize("digest", ["../../etc/passwd", "ABC", "a" * 63, "g" * 64])
def test_only_a_sha256_names_a_stored_file(app, digest):
    with pytest.raises(ValueError):
        files.evidence_path(digest)


def test_the_seal_is_decoded_the_same_way_so_a_cut_off_seal_is_refused(app):
    from training.certificates import storage

    with pytest.raises(storage.SealRejected):
        storage.save_seal(png()[:-20])

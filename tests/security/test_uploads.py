"""Hostile uploads to the trainee import (/trainees/import/) over HTTP: each is refused with a
plain message, writes no row, and leaves no file behind. (The reader's own limits are tested
on the service in tests/test_import_files.py; these go through the web form.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import current_app

from tests.security.conftest import fingerprint
from tests.support.import_sheets import EXE, billion_laughs_workbook, person, workbook, zipped


@pytest.fixture
def coordinator(client, auth):
    client.set_cookie("jfw_lang", "en")
    return auth.login("coordinator", county="610924")


def _upload(client, content: bytes, name: str):
    data = {"file": (io.BytesIO(content), name), "county_code": "", "cohort_id": ""}
    return client.submit("/trainees/import/", data, content_type="multipart/form-data")


def _uploads_left() -> list[Path]:
    folder = Path(current_app.instance_path) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


HOSTILE = {
    "zip bomb": (
        lambda: zipped({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\x00" * (101 * 1024 * 1024)}),
        "too large once unpacked",
    ),
    "billion laughs": (billion_laughs_workbook, "XML that is not accepted"),
    "executable renamed .xlsx": (lambda: EXE, "not a spreadsheet"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_workbook_is_refused_with_a_message_and_nothing_is_kept(app, client, coordinator, kind):
    make_content, message = HOSTILE[kind]
    before = fingerprint()

    response = _upload(client, make_content(), "roster.xlsx")

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert fingerprint() == before
    assert _uploads_left() == []


def test_an_upload_over_the_size_limit_answers_413_and_keeps_nothing(app, client, coordinator):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    before = fingerprint()

    response = _upload(client, b"a,b\n" * 40_000, "roster.csv")

    assert response.status_code == 413
    assert fingerprint() == before
    assert _uploads_left() == []


@pytest.mark.parametrize("name", ["../../etc/passwd.xlsx", "..\\..\\windows\\win.ini.xlsx", "/etc/cron.d/x.xlsx"])
def test_a_path_in_the_file_name_never_reaches_the_disk(app, client, coordinator, tmp_path, name):
    response = _upload(client, workbook([person()]), name)

    assert response.status_code == 200
    stored = _uploads_left()
    assert stored and all(path.parent == Path(app.instance_path) / "imports" for path in stored)
    assert all(".." not in path.name and "passwd" not in path.name for path in stored)
    assert not (Path(app.instance_path).parent / "etc").exists()
    page = response.get_data(as_text=True)
    assert "../" not in page and "..\\" not in page


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_a_seal_image_in_another_format_than_png_or_jpeg_is_refused_and_nothing_is_stored(
    app, client, auth, image_format
):
    from PIL import Image

    from training.certificates import storage

    client.set_cookie("jfw_lang", "en")
    auth.login("admin")
    image = io.BytesIO()
    Image.new("RGB", (120, 120), (200, 30, 30)).save(image, format=image_format)

    response = client.submit(
        "/admin/seal", {"image": (io.BytesIO(image.getvalue()), "seal.png")}, content_type="multipart/form-data"
    )

    assert response.status_code == 200 and "not a PNG or JPEG image" in response.get_data(as_text=True)
    assert storage.seal_data_uri() is None

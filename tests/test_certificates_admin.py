"""The admin's seal page: upload the issuing authority's seal, printed on certificates issued afterwards."""

from __future__ import annotations

import io

import pypdf
import pytest
from PIL import Image
from sqlalchemy import select

from training.certificates import storage
from training.extensions import db
from training.models import AuditEvent


@pytest.fixture(autouse=True)
def own_storage(app, tmp_path):
    app.config["CERTIFICATE_DIR"] = str(tmp_path / "certificates")
    app.instance_path = str(tmp_path / "instance")


def png(colour=(200, 30, 30, 255), size=(300, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, data: bytes, filename: str = "seal.png"):
    return client.submit("/admin/seal", {"image": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def images_in(pdf_bytes: bytes) -> list:
    """The raster images page 1 draws, including those inside form XObjects."""
    found = []

    def walk(resources):
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject["/Subtype"] == "/Image":
                found.append(xobject)
            elif "/Resources" in xobject:
                walk(xobject["/Resources"])

    walk(pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages[0]["/Resources"])
    return found


def test_without_an_upload_certificates_carry_the_neutral_placeholder(app, client, auth, make):
    auth.login("admin")
    html = client.get("/admin/seal").get_data(as_text=True)
    [certificate] = make.issued()

    assert "seal-placeholder.svg" in html and storage.seal_data_uri() is None
    sizes = sorted(int(image["/Width"]) for image in images_in(storage.path_for(certificate.serial).read_bytes()))
    assert len(sizes) == 2 and sizes[1] == 400  # the QR code (a pixel per module) and the grey dashed circle


def test_an_admin_uploads_a_seal_that_later_certificates_print(app, client, auth, make):
    auth.login("admin")

    response = upload(client, png())

    assert response.status_code == 302
    assert storage.seal_data_uri().startswith("data:image/png;base64,")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "seal_uploaded")) is not None
    [certificate] = make.issued()
    sizes = sorted(int(image["/Width"]) for image in images_in(storage.path_for(certificate.serial).read_bytes()))
    assert len(sizes) == 2 and sizes[1] == 300  # the QR code and the uploaded seal


def test_a_file_that_is_not_an_image_is_refused(client, auth):
    auth.login("admin")

    response = upload(client, b"<svg onload=alert(1)>", filename="seal.png")

    assert response.status_code == 200 and "not a PNG or JPEG image" in response.get_data(as_text=True)
    assert storage.seal_data_uri() is None


def test_a_large_seal_is_scaled_down_and_can_be_removed(client, auth):
    auth.login("admin")
    upload(client, png(size=(2400, 2400)))

    with Image.open(io.BytesIO(storage._seal_path().read_bytes())) as stored:
        assert max(stored.size) <= storage.SEAL_MAX_PIXELS
    client.submit("/admin/seal/remove", page="/admin/seal")
    assert storage.seal_data_uri() is None


@pytest.mark.parametrize("role", ["coordinator", "trainer"])
def test_only_admins_see_the_seal_page(client, auth, role):
    auth.login(role)

    assert client.get("/admin/seal").status_code == 403

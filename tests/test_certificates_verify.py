"""Public verification: the QR code's page, manual lookup, JSON and keys, and the CLI check of a PDF."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import urllib.parse

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm.attributes import flag_modified

from tests.conftest import CSRF_FIELD
from training.certificates import qr, services, signing, storage
from training.certificates.cli import certificates_cli
from training.extensions import db
from training.models import Certificate


@pytest.fixture(autouse=True)
def own_storage(app, tmp_path):
    app.config["CERTIFICATE_DIR"] = str(tmp_path / "certificates")
    app.instance_path = str(tmp_path / "instance")
    if "certificates" not in app.cli.commands:
        app.cli.add_command(certificates_cli)


@pytest.fixture
def certificate(make) -> Certificate:
    [certificate] = make.issued(names=["张秀华"])
    certificate.enrollment.trainee.phone = "13900001111"
    db.session.commit()
    return certificate


def scanned_path(certificate: Certificate) -> str:
    """What a phone opens: the QR code read from a rendering of the stored PDF, as a local path."""
    [text] = qr.qr_texts(storage.path_for(certificate.serial).read_bytes())
    url = urllib.parse.urlsplit(text)
    assert f"{url.scheme}://{url.netloc}" == "http://127.0.0.1:5000"
    return f"{url.path}?{url.query}"


def page(client, path: str):
    response = client.get(path)
    return response, response.get_data(as_text=True)


def test_the_qr_code_of_an_issued_pdf_opens_a_page_that_says_valid(client, certificate):
    response, html = page(client, scanned_path(certificate))

    assert response.status_code == 200
    assert "Valid certificate" in html
    assert "张*华" in html and "张秀华" not in html
    assert "足部修护师" in html and "五级/初级工" in html and str(certificate.snapshot["hours"]) in html
    assert certificate.snapshot["issuer"] in html and certificate.serial in html
    assert "signature-ok" in html


def test_the_page_shows_no_id_number_phone_address_or_household_category(client, certificate):
    trainee = certificate.enrollment.trainee

    _, html = page(client, scanned_path(certificate))

    for private in (trainee.id_number, trainee.id_number[:6] + "*", trainee.id_number[-4:], "13900001111", "Poverty"):
        assert private not in html


def test_verification_pages_are_not_indexed(client, certificate):
    for path in (scanned_path(certificate), "/verify", f"/verify/{certificate.serial}", "/verify/keys.json"):
        response = client.get(path)
        assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in page(client, scanned_path(certificate))[1]


def test_a_revoked_certificate_s_qr_code_says_revoked_with_the_date_and_category(client, certificate):
    path = scanned_path(certificate)
    services.revoke(certificate.id, "fraud", "forged attendance sheets", None)
    db.session.commit()

    response, html = page(client, path)

    assert response.status_code == 200
    assert "Revoked" in html and "Obtained by fraud" in html and "Valid certificate" not in html
    assert "forged attendance sheets" not in html


def test_a_reissued_certificate_is_superseded_by_the_new_serial_and_the_new_one_is_valid(client, certificate):
    old_path = scanned_path(certificate)
    certificate.enrollment.trainee.name = "张晓华"
    new = services.reissue(certificate.id, "name misspelt", None)
    db.session.commit()

    _, old_html = page(client, old_path)
    _, new_html = page(client, scanned_path(new))

    assert "Superseded" in old_html and new.serial in old_html
    assert "Valid certificate" in new_html and new.serial in new_html
    assert new.snapshot["name"] == "张晓华" and certificate.superseded_by_id == new.id
    assert (
        "张晓华"
        in subprocess.run(
            ["pdftotext", str(storage.path_for(new.serial)), "-"], capture_output=True, text=True, check=True
        ).stdout
    )


@pytest.mark.parametrize("query", ["?t=forged-token-000000000", "", "?t="], ids=["forged", "missing", "empty"])
def test_a_wrong_or_missing_token_answers_exactly_like_an_unknown_serial(client, certificate, query):
    unknown_serial = certificate.serial[:-5] + "99999"

    wrong, wrong_html = page(client, f"/verify/{certificate.serial}{query}")
    unknown, unknown_html = page(client, f"/verify/{unknown_serial}{query}")
    wrong_json = client.get(f"/verify/{certificate.serial}.json{query}")
    unknown_json = client.get(f"/verify/{unknown_serial}.json{query}")

    assert wrong.status_code == unknown.status_code == 404

    # the pages differ only where they echo the address asked for (the language switch's return
    # link) and in the CSRF token's timestamp
    def normalised(html: str, serial: str) -> str:
        return CSRF_FIELD.sub("csrf", html.replace(serial, "SERIAL"))

    assert normalised(wrong_html, certificate.serial) == normalised(unknown_html, unknown_serial)
    assert "No such certificate" in wrong_html
    assert (
        (wrong_json.status_code, wrong_json.json)
        == (unknown_json.status_code, unknown_json.json)
        == (404, {"status": "unknown"})
    )


def test_an_unknown_serial_is_reported_as_unknown(client):
    response, html = page(client, "/verify/AK-2026-610924-00001?t=anything")

    assert response.status_code == 404 and "No such certificate" in html


def test_an_altered_record_is_reported_as_not_matching_its_signature(client, certificate):
    path = scanned_path(certificate)
    certificate.snapshot = {**certificate.snapshot, "hours": 400}
    flag_modified(certificate, "snapshot")
    db.session.commit()

    _, html = page(client, path)

    assert "Do not trust this certificate" in html and "Valid certificate" not in html
    assert client.get(path.replace("?", ".json?")).json["signature_valid"] is False


def test_a_signature_made_by_another_key_does_not_verify(client, certificate):
    path = scanned_path(certificate)
    intruder = Ed25519PrivateKey.generate()
    certificate.signature = signing.b64(intruder.sign(signing.canonical(certificate.snapshot)))
    db.session.commit()

    _, html = page(client, path)

    assert "Do not trust this certificate" in html


def offline_check(client, data: dict) -> None:
    """Check the JSON's signature the way a verifier does, with nothing but the published key."""
    keys = {k["key_id"]: k for k in client.get("/verify/keys.json").json["keys"]}
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(keys[data["key_id"]]["public_key"]))
    message = json.dumps(data["payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    public.verify(base64.b64decode(data["signature"]), message)  # raises if it does not verify


def test_the_json_carries_the_signed_payload_that_verifies_offline_with_the_published_key(client, certificate):
    data = client.get(scanned_path(certificate).replace("?", ".json?")).json

    offline_check(client, data)
    assert data["status"] == "valid" and data["signature_valid"] is True
    assert data["payload"]["serial"] == certificate.serial and data["payload"]["key_id"] == data["key_id"]
    assert set(data["payload"]) >= {"course", "level", "hours", "start_date", "end_date", "issuer", "name_sha256"}


def test_the_json_masks_the_name_like_the_page_and_the_printed_name_checks_against_its_signed_hash(client, certificate):
    response = client.get(scanned_path(certificate).replace("?", ".json?"))
    data = response.json

    assert "张秀华" not in response.get_data(as_text=True) and data["name"] == "张*华"
    payload = data["payload"]
    printed = hashlib.sha256((payload["name_salt"] + "张秀华").encode()).hexdigest()
    guessed = hashlib.sha256((payload["name_salt"] + "张秀英").encode()).hexdigest()
    assert payload["v"] == 2 and payload["name_sha256"] == printed != guessed


def test_a_certificate_whose_stored_name_was_changed_no_longer_verifies(client, certificate):
    path = scanned_path(certificate)
    certificate.snapshot = {**certificate.snapshot, "name": "李四"}
    flag_modified(certificate, "snapshot")
    db.session.commit()

    assert "Do not trust this certificate" in page(client, path)[1]


@pytest.fixture
def old_certificate(certificate) -> Certificate:
    """A certificate as issued before version 2: the full name in the signed payload."""
    snapshot = {k: v for k, v in certificate.snapshot.items() if k not in ("name_salt", "name_sha256")}
    certificate.snapshot = {**snapshot, "v": 1}
    certificate.signature = signing.current_key().sign(certificate.snapshot)
    db.session.commit()
    return certificate


def test_a_certificate_signed_with_the_full_name_still_verifies_and_its_json_hides_the_name(
    client, runner, old_certificate, tmp_path
):
    path = scanned_path(old_certificate)
    response = client.get(path.replace("?", ".json?"))
    data = response.json

    assert "Valid certificate" in page(client, path)[1]
    assert data["signature_valid"] is True and "张秀华" not in response.get_data(as_text=True)
    offline_check(client, {**data, "payload": {**data["payload"], "name": "张秀华"}})  # the name on the paper
    pdf_file = tmp_path / "old.pdf"
    pdf_file.write_bytes(storage.path_for(old_certificate.serial).read_bytes())
    result = runner.invoke(args=["certificates", "verify", str(pdf_file)])
    assert result.exit_code == 0 and "payload version: 1" in result.output


def test_old_keys_stay_published_after_a_rotation_and_old_certificates_still_verify(client, runner, certificate):
    path = scanned_path(certificate)

    result = runner.invoke(args=["certificates", "rotate-key"])

    assert result.exit_code == 0, result.output
    keys = client.get("/verify/keys.json").json["keys"]
    assert len(keys) == 2
    old = next(k for k in keys if k["key_id"] == certificate.key_id)
    assert old["retired_at"] is not None
    assert "Valid certificate" in page(client, path)[1]
    assert signing.current_key().key_id != certificate.key_id


def test_manual_lookup_by_serial_and_full_name_shows_the_result(client, certificate):
    response = client.submit("/verify", {"serial": certificate.serial.lower(), "name": " 张秀华 "})

    assert response.status_code == 200
    assert "Valid certificate" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "serial_change, name", [(False, "张秀"), (True, "张秀华")], ids=["wrong name", "unknown serial"]
)
def test_a_wrong_combination_in_the_lookup_answers_like_an_unknown_serial(client, certificate, serial_change, name):
    serial = certificate.serial[:-5] + "99999" if serial_change else certificate.serial

    response = client.submit("/verify", {"serial": serial, "name": name})

    assert response.status_code == 404
    assert "No such certificate" in response.get_data(as_text=True)


def test_manual_lookup_is_rate_limited_per_address(app, client, certificate):
    app.config["VERIFY_LOOKUP_LIMIT"] = "3 per minute"
    token = client.csrf_token("/verify")
    statuses = [
        client.post("/verify", data={"serial": certificate.serial, "name": "猜名字", "csrf_token": token}).status_code
        for _ in range(4)
    ]
    other = app.test_client()
    elsewhere = other.post(
        "/verify",
        data={"serial": certificate.serial, "name": "x", "csrf_token": other.csrf_token("/verify")},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )

    assert statuses == [404, 404, 404, 429]
    assert elsewhere.status_code == 404


def test_the_cli_verifies_an_issued_pdf(runner, certificate, tmp_path):
    copy = tmp_path / "scan.pdf"
    copy.write_bytes(storage.path_for(certificate.serial).read_bytes())

    result = runner.invoke(args=["certificates", "verify", str(copy)])

    assert result.exit_code == 0, result.output
    assert "VALID" in result.output and certificate.serial in result.output and "signature: verified" in result.output


def test_the_cli_refuses_a_revoked_certificate(runner, certificate):
    services.revoke(certificate.id, "error", "issued to the wrong cohort", None)
    db.session.commit()

    result = runner.invoke(args=["certificates", "verify", str(storage.path_for(certificate.serial))])

    assert result.exit_code == 1 and "NOT VALID" in result.output and "revoked" in result.output


def test_the_cli_refuses_a_pdf_that_was_altered_after_issue(runner, certificate, tmp_path):
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(storage.path_for(certificate.serial).read_bytes() + b"\n% edited\n")

    result = runner.invoke(args=["certificates", "verify", str(altered)])

    assert result.exit_code == 1 and "not the PDF that was issued" in result.output


def test_the_cli_refuses_a_file_without_a_qr_code(runner, tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf")

    result = runner.invoke(args=["certificates", "verify", str(junk)])

    assert result.exit_code == 1 and "NOT VALID" in result.output


def test_the_cli_revokes_with_a_required_reason(runner, certificate):
    missing = runner.invoke(args=["certificates", "revoke", certificate.serial])
    done = runner.invoke(
        args=["certificates", "revoke", certificate.serial, "--reason", "duplicate", "--category", "error"]
    )

    assert missing.exit_code == 2
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).status == "revoked"


def test_guessing_tokens_and_lookups_share_one_limit_and_genuine_checks_do_not_count(app, client, certificate):
    app.config["VERIFY_LOOKUP_LIMIT"] = "3 per minute"
    genuine = scanned_path(certificate)

    checks = [client.get(genuine).status_code for _ in range(5)]
    guesses = [client.get(f"/verify/{certificate.serial}?t=guess{n}").status_code for n in range(2)]
    json_guess = client.get(f"/verify/{certificate.serial}.json?t=guess").status_code
    after = client.get(f"/verify/{certificate.serial}?t=guess-again")

    assert checks == [200] * 5
    assert guesses == [404, 404] and json_guess == 404
    assert after.status_code == 429 and after.headers["X-Robots-Tag"].startswith("noindex")


def test_an_address_out_of_attempts_still_gets_answers_to_genuine_qr_links_and_nothing_else(app, client, certificate):
    """Many phones behind one address (a factory's Wi-Fi): one of them guessing must not lock the others out."""
    app.config["VERIFY_LOOKUP_LIMIT"] = "3 per minute"
    guesses = [client.get(f"/verify/{certificate.serial}?t=guess{n}").status_code for n in range(4)]

    genuine_page = client.get(scanned_path(certificate))
    genuine_json = client.get(f"/verify/{certificate.serial}.json?t={certificate.token}")
    another_guess = client.get(f"/verify/{certificate.serial}?t=guess-more")
    by_name = client.post(
        "/verify", data={"serial": certificate.serial, "name": "猜名字", "csrf_token": client.csrf_token("/verify")}
    )

    assert guesses == [404, 404, 404, 429]
    assert genuine_page.status_code == 200 and certificate.serial in genuine_page.get_data(as_text=True)
    assert genuine_json.status_code == 200 and genuine_json.json["status"] == "valid"
    assert (another_guess.status_code, by_name.status_code) == (429, 429)

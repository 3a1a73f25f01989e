"""Public verification, no login: the page a certificate's QR code opens, a manual lookup by
serial and full name, and JSON for those who verify the signature themselves.

A wrong or missing token answers exactly like an unknown serial, and failed attempts from one
address are limited (VERIFY_LOOKUP_LIMIT); a genuine QR link is answered all the same. Nothing
here is indexed.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import format_date

from training.certificates import signing, verification
from training.certificates.forms import LookupForm
from training.certificates.services import REVOKE_CATEGORIES
from training.extensions import limiter
from training.identity import mask_name

bp = Blueprint("verify", __name__, url_prefix="/verify")
ROBOTS = "noindex, nofollow, noarchive"
# The JSON, like the page, never gives the full name: whoever checks holds the paper that prints it.
NAME_CHECK = (
    "payload version 2 signs no name but name_sha256, the hex SHA-256 of the UTF-8 bytes of name_salt "
    "followed by the name printed on the certificate (NFKC, whitespace removed); version 1 signs the "
    'name itself: add it to the payload as "name" before checking the signature'
)


@bp.app_template_filter("certificate_date")
def certificate_date(iso: str) -> str:
    """A date from a certificate's snapshot (ISO), in the reader's language: 2026年3月1日."""
    try:
        return format_date(date.fromisoformat(iso), "long")
    except (TypeError, ValueError):  # an altered record: show it as it is, the signature check says the rest
        return str(iso)


@bp.after_request
def not_for_search_engines(response):
    response.headers["X-Robots-Tag"] = ROBOTS
    return response


def _lookup_limit() -> str:
    return current_app.config["VERIFY_LOOKUP_LIMIT"]


def _not_found(response) -> bool:
    return response.status_code == 404


def _genuine_scan() -> bool:
    """Whether this is a real certificate's QR link (serial and token). Such a request is answered
    even from an address out of attempts: many phones share one address (a factory's network, a
    carrier's NAT), and a 128-bit token is no easier to guess for being answered."""
    serial = (request.view_args or {}).get("serial")
    if serial is None:
        return False
    g.verification = verification.by_token(serial, request.args.get("t"))
    return g.verification is not None


def _verification(serial: str) -> verification.Verification | None:
    """The check _genuine_scan made for this request (found or not), or a new one."""
    if "verification" in g:
        return g.pop("verification")
    return verification.by_token(serial, request.args.get("t"))


# Failed attempts from one address, whichever way they come (a guessed token, a wrong name,
# the JSON): one budget. Genuine checks of genuine certificates are never counted, nor refused.
failed_guesses = limiter.shared_limit(_lookup_limit, scope="verify-failures", deduct_when=_not_found)
token_guesses = limiter.shared_limit(
    _lookup_limit, scope="verify-failures", deduct_when=_not_found, exempt_when=_genuine_scan
)


def _result_page(found: verification.Verification | None):
    if found is None:
        return render_template("certificates/verify_unknown.html", plain_page=True, form=LookupForm()), 404
    return render_template(
        "certificates/verify.html",
        plain_page=True,
        v=found,
        s=found.snapshot,
        masked_name=mask_name(found.snapshot.get("name", "")),
        categories=REVOKE_CATEGORIES,
    )


@bp.route("", methods=["GET", "POST"])
@failed_guesses
def lookup():
    form = LookupForm()
    if form.validate_on_submit():
        assert form.serial.data is not None and form.name.data is not None  # DataRequired
        return _result_page(verification.by_name(form.serial.data, form.name.data))
    return render_template("certificates/lookup.html", plain_page=True, form=form)


@bp.get("/keys.json")
def keys():
    return {
        "algorithm": signing.ALGORITHM,
        "signed_bytes": "the payload as JSON: keys sorted, no whitespace, UTF-8 (not ASCII-escaped)",
        "name": NAME_CHECK,
        "keys": [
            {
                "key_id": key.key_id,
                "algorithm": signing.ALGORITHM,
                "public_key": key.public_key,
                "created_at": key.created_at.isoformat(),
                "retired_at": key.retired_at.isoformat() if key.retired_at else None,
            }
            for key in signing.published_keys()
        ],
    }


@bp.get("/<serial>.json")
@token_guesses
def certificate_json(serial: str):
    found = _verification(serial)
    if found is None:
        return {"status": "unknown"}, 404
    certificate = found.certificate
    return {
        "serial": certificate.serial,
        "status": certificate.status,
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revoke_category": certificate.revoke_category,
        "superseded_by": found.superseded_by,
        "name": mask_name(found.snapshot.get("name", "")),
        "payload": signing.public_payload(found.snapshot),
        "name_check": NAME_CHECK,
        "signature": certificate.signature,
        "key_id": certificate.key_id,
        "algorithm": signing.ALGORITHM,
        "signature_valid": found.signature_ok,
        "keys_url": "/verify/keys.json",
    }


@bp.get("/<serial>")
@token_guesses
def certificate(serial: str):
    return _result_page(_verification(serial))

"""What a verifier learns about a certificate: its status, and whether its signature checks out.

A wrong token and an unknown serial are indistinguishable to the caller: both give None,
after the same work.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from training.certificates import serials, signing
from training.extensions import db
from training.models import Certificate, CertificateStatus, SigningKey

_NO_TOKEN = "-" * 22


@dataclass(frozen=True)
class Verification:
    certificate: Certificate
    key: SigningKey | None
    signature_ok: bool

    @property
    def status(self) -> str:
        return self.certificate.status

    @property
    def snapshot(self) -> dict:
        return self.certificate.snapshot

    @property
    def genuine_and_valid(self) -> bool:
        return self.signature_ok and self.status == CertificateStatus.VALID

    @property
    def superseded_by(self) -> str | None:
        replacement = self.certificate.superseded_by
        return replacement.serial if replacement is not None else None


def _find(serial: str) -> Certificate | None:
    if not serials.is_serial(serial):
        return None
    return db.session.scalar(
        select(Certificate).options(joinedload(Certificate.superseded_by)).where(Certificate.serial == serial)
    )


def signature_ok(certificate: Certificate, key: SigningKey | None) -> bool:
    """The stored snapshot is what was signed, for this serial, by the published key it names."""
    snapshot = certificate.snapshot or {}
    return (
        key is not None
        and snapshot.get("serial") == certificate.serial
        and snapshot.get("key_id") == certificate.key_id == key.key_id
        and signing.name_matches(snapshot)
        and signing.verify(signing.signed_payload(snapshot), certificate.signature, key.public_key)
    )


def of(certificate: Certificate) -> Verification:
    key = db.session.get(SigningKey, certificate.key_id)
    return Verification(certificate, key, signature_ok(certificate, key))


def by_token(serial: str, token: str | None) -> Verification | None:
    """The certificate the QR code points at, if the token is its own."""
    certificate = _find(serial)
    expected = certificate.token if certificate is not None else _NO_TOKEN
    if not hmac.compare_digest(expected.encode(), (token or "").encode()) or certificate is None:
        return None
    return of(certificate)


def by_name(serial: str, name: str) -> Verification | None:
    """Manual lookup: the serial and the full name as printed on the certificate."""
    certificate = _find((serial or "").strip().upper())
    printed = signing.normalize_name(certificate.snapshot.get("name", "")) if certificate is not None else _NO_TOKEN
    if not hmac.compare_digest(printed.encode(), signing.normalize_name(name).encode()) or certificate is None:
        return None
    return of(certificate)

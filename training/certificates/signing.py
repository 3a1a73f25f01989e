"""Ed25519 signatures over what a certificate states, and the key pair that makes them.

The private key lives in instance/ only (mode 0600), generated once when absent; its
public half is published in the signing_key table (and at /verify/keys.json), where it
stays after a rotation so that older certificates still verify.

What is signed (payload versions): up to version 1 the whole snapshot, the holder's full name
included, so the published payload gave the name away. From version 2 the name is signed as
a salted SHA-256 (name_salt, name_sha256): whoever holds the paper checks the printed name
against it; the published payload carries no name. The stored snapshot keeps the name (the
PDF, the staff pages and the lookup by name need it) and a changed name no longer matches.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import select, update

from training.extensions import db
from training.models import SigningKey, utcnow
from training.orm import insert_ignoring_conflicts

KEY_FILE = "certificate_signing_key.pem"
ALGORITHM = "Ed25519"


@dataclass(frozen=True)
class KeyPair:
    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public_key_b64(self) -> str:
        return b64(self.private_key.public_key().public_bytes_raw())

    def sign(self, payload: dict) -> str:
        """The base64 signature of the payload's canonical JSON."""
        return b64(self.private_key.sign(canonical(payload)))


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def canonical(payload: dict) -> bytes:
    """Sorted keys, no spaces, UTF-8: the exact bytes that are signed."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def normalize_name(name: str) -> str:
    """A name as compared: NFKC, without whitespace (张 秀华 and 张秀华 are one name)."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def name_sha256(salt: str, name: str) -> str:
    """The hex SHA-256 of the UTF-8 bytes of salt + the normalised name: what version 2 signs."""
    return hashlib.sha256((salt + normalize_name(name)).encode("utf-8")).hexdigest()


def with_name_hash(snapshot: dict) -> dict:
    """A version-2 snapshot: the name's salted hash added beside the name it stands for."""
    salt = secrets.token_hex(16)
    return {**snapshot, "name_salt": salt, "name_sha256": name_sha256(salt, snapshot["name"])}


def _hashes_name(snapshot: dict) -> bool:
    return int(snapshot.get("v") or 1) >= 2


def signed_payload(snapshot: dict) -> dict:
    """What the signature covers: the whole snapshot up to version 1, all but the name from version 2."""
    if _hashes_name(snapshot):
        return {k: v for k, v in snapshot.items() if k != "name"}
    return dict(snapshot)


def public_payload(snapshot: dict) -> dict:
    """What may be published: the signed payload without a full name (a version-1 verifier puts
    the printed name back as "name" before checking the signature)."""
    return {k: v for k, v in snapshot.items() if k != "name"}


def name_matches(snapshot: dict) -> bool:
    """The stored name is the one the signature stands for (always, up to version 1: it is signed)."""
    if not _hashes_name(snapshot):
        return True
    salt, digest = snapshot.get("name_salt"), snapshot.get("name_sha256")
    return (
        isinstance(salt, str)
        and isinstance(digest, str)
        and secrets.compare_digest(name_sha256(salt, snapshot.get("name", "")), digest)
    )


def key_id_for(public_raw: bytes) -> str:
    """Derived from the public key, so every process that reads the key file agrees on it."""
    return "ed25519-" + hashlib.sha256(public_raw).hexdigest()[:16]


def verify(payload: dict, signature_b64: str, public_key_b64: str) -> bool:
    try:
        public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        public_key.verify(base64.b64decode(signature_b64, validate=True), canonical(payload))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def _pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_private(path: Path, pem: bytes) -> Path:
    """A complete key file at a temporary name (O_EXCL, 0600), flushed to disk."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    return temporary


def _load(pem: bytes) -> KeyPair:
    private_key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ValueError(f"{KEY_FILE} does not hold an Ed25519 key")
    return KeyPair(key_id_for(private_key.public_key().public_bytes_raw()), private_key)


def current_key() -> KeyPair:
    """The signing key, generated once if absent, its public half published in this transaction."""
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = _write_private(path, _pem(Ed25519PrivateKey.generate()))
        try:
            os.link(temporary, path)  # atomic and exclusive: two workers starting together agree on one key
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    pair = _load(path.read_bytes())
    publish(pair)
    return pair


def publish(pair: KeyPair) -> None:
    db.session.execute(
        insert_ignoring_conflicts(db.session, SigningKey).values(
            key_id=pair.key_id, public_key=pair.public_key_b64, created_at=utcnow()
        )
    )


def rotate_key() -> tuple[str | None, KeyPair]:
    """Replace the private key with a new one; the old public key stays published, marked retired.

    The old private key is destroyed: a retired key must never sign again. The caller commits.
    """
    path = _key_path()
    old = _load(path.read_bytes()).key_id if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = _pem(Ed25519PrivateKey.generate())
    os.replace(_write_private(path, pem), path)
    pair = _load(pem)
    db.session.execute(
        update(SigningKey)
        .where(SigningKey.key_id != pair.key_id, SigningKey.retired_at.is_(None))
        .values(retired_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    publish(pair)
    return old, pair


def published_keys() -> list[SigningKey]:
    return list(db.session.scalars(select(SigningKey).order_by(SigningKey.created_at, SigningKey.key_id)))

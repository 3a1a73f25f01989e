"""The signing key pair in instance/, canonical JSON, signatures that verify and those that do not."""

from __future__ import annotations

import os
import stat
import threading

import pytest
from sqlalchemy import select

from training.certificates import signing
from training.extensions import db
from training.models import SigningKey

PAYLOAD = {"serial": "AK-2026-610924-00017", "name": "王秀英", "hours": 120, "course": "足部修护师（五级）"}


@pytest.fixture(autouse=True)
def own_instance(app, tmp_path):
    app.instance_path = str(tmp_path / "instance")


def test_the_canonical_form_has_sorted_keys_no_spaces_and_raw_utf8():
    assert signing.canonical(PAYLOAD) == (
        '{"course":"足部修护师（五级）","hours":120,"name":"王秀英","serial":"AK-2026-610924-00017"}'.encode()
    )


def test_the_key_is_made_once_private_to_its_owner_and_published(app):
    first = signing.current_key()
    second = signing.current_key()

    path = os.path.join(app.instance_path, signing.KEY_FILE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert first.key_id == second.key_id and first.key_id.startswith("ed25519-")
    [published] = db.session.scalars(select(SigningKey)).all()
    assert (published.key_id, published.public_key, published.retired_at) == (first.key_id, first.public_key_b64, None)
    with open(path, "rb") as handle:
        assert b"PRIVATE KEY" in handle.read()


def test_processes_starting_together_agree_on_one_key(app):
    ids = []

    def start():
        with app.app_context():
            ids.append(signing.current_key().key_id)
            db.session.rollback()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert len(ids) == 4 and len(set(ids)) == 1
    assert [name for name in os.listdir(app.instance_path) if name.startswith(".")] == []


def test_a_signature_verifies_against_its_public_key_only():
    key = signing.current_key()
    other = signing.KeyPair("x", signing.Ed25519PrivateKey.generate())
    signature = key.sign(PAYLOAD)

    assert signing.verify(PAYLOAD, signature, key.public_key_b64)
    assert not signing.verify({**PAYLOAD, "hours": 121}, signature, key.public_key_b64)
    assert not signing.verify(PAYLOAD, other.sign(PAYLOAD), key.public_key_b64)
    assert not signing.verify(PAYLOAD, "not base64!", key.public_key_b64)
    assert not signing.verify(PAYLOAD, signature, "AAAA")


def test_rotation_retires_the_old_key_and_signs_with_the_new_one():
    old = signing.current_key()

    retired, new = signing.rotate_key()
    db.session.commit()

    assert retired == old.key_id and new.key_id != old.key_id
    assert signing.current_key().key_id == new.key_id
    keys = {k.key_id: k for k in signing.published_keys()}
    assert keys[old.key_id].retired_at is not None and keys[new.key_id].retired_at is None

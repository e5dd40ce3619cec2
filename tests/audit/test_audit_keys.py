"""The signing key: made private, never overwritten, refused when exposed in production."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from jingwang.audit.errors import (
    PublicKeyInvalid,
    SigningKeyExists,
    SigningKeyExposed,
    SigningKeyInvalid,
    SigningKeyMissing,
)
from jingwang.audit.keys import generate_key, load_key, load_public_key, signing_key_for
from jingwang.settings import Settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_key_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "audit.pem"
    key = generate_key(path)
    assert (_mode(path.parent), _mode(path)) == (0o700, 0o600)
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert len(key.key_id) == 64
    assert int(key.key_id, 16) >= 0
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    loaded = load_key(path, production=True)
    assert loaded.key_id == key.key_id


def test_keygen_never_overwrites_a_key(tmp_path: Path) -> None:
    path = tmp_path / "audit.pem"
    first = generate_key(path)
    with pytest.raises(SigningKeyExists, match="already exists"):
        generate_key(path)
    assert load_key(path, production=False).key_id == first.key_id


def test_production_refuses_a_key_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "audit.pem"
    generate_key(path)
    path.chmod(0o640)
    with pytest.raises(SigningKeyExposed, match=f"chmod 600 {path}") as caught:
        load_key(path, production=True)
    assert caught.value.code == "audit.key_exposed"
    assert load_key(path, production=False).key_id  # development only logs a warning


def test_a_missing_key_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyMissing, match="jingwang audit keygen") as caught:
        load_key(tmp_path / "none.pem", production=True)
    assert caught.value.code == "audit.key_missing"


def test_files_that_are_not_ed25519_private_keys_are_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key")
    garbage.chmod(0o600)
    with pytest.raises(SigningKeyInvalid, match="not an unencrypted PEM private key"):
        load_key(garbage, production=True)
    other = tmp_path / "ec.pem"
    other.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    other.chmod(0o600)
    with pytest.raises(SigningKeyInvalid, match="not Ed25519"):
        load_key(other, production=True)


def test_the_public_key_round_trips_and_verifies(tmp_path: Path) -> None:
    key = generate_key(tmp_path / "audit.pem")
    public = tmp_path / "audit.pub.pem"
    public.write_text(key.verify_key.pem())
    loaded = load_public_key(public)
    assert loaded.key_id == key.key_id
    signature = key.sign(b"message")
    assert loaded.verifies(signature, b"message")
    assert not loaded.verifies(signature, b"massage")


def test_a_private_key_is_not_accepted_as_a_public_one(tmp_path: Path) -> None:
    path = tmp_path / "audit.pem"
    generate_key(path)
    with pytest.raises(PublicKeyInvalid, match="export-key"):
        load_public_key(path)
    with pytest.raises(PublicKeyInvalid, match="cannot read"):
        load_public_key(tmp_path / "missing.pem")


def test_development_makes_the_key_on_first_use_production_does_not(settings: Settings) -> None:
    production = settings.model_copy(update={"mode": "production"})
    with pytest.raises(SigningKeyMissing):
        signing_key_for(production, create=True)
    with pytest.raises(SigningKeyMissing):
        signing_key_for(settings, create=False)
    made = signing_key_for(settings, create=True)
    assert made.path == settings.data_dir.resolve() / "keys" / "audit-ed25519.pem"
    assert signing_key_for(settings, create=True).key_id == made.key_id

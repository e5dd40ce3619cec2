"""The audit signing key: an Ed25519 key pair whose private half never enters the database.

The private key is a PEM file (PKCS #8, unencrypted) at ``settings.resolved_audit_signing_key``
(default ``DATA_DIR/keys/audit-ed25519.pem``): mode 0600 in a folder made with mode 0700. It
lives on the machines that run the worker, not on the database server, so someone who can
rewrite the database still cannot sign a checkpoint of the rewritten log. Verifying needs only
the public key (``jingwang audit export-key``), so an auditor never holds the private one.

**Who creates it.** ``jingwang audit keygen`` in production: a key appearing by itself would
let a lost or deleted key be replaced silently, and auditors must be handed the public key
anyway. In development mode the first checkpoint creates it, so a demo shows signed
checkpoints without a setup step. Production refuses to sign with a key file that group or
others may read or write.

A key is named by its *key id*: the SHA-256 of the 32 raw public-key bytes, in hex. Every
checkpoint records the id of the key that signed it, so keys can be rotated.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from jingwang.audit.errors import (
    PublicKeyInvalid,
    SigningKeyExists,
    SigningKeyExposed,
    SigningKeyInvalid,
    SigningKeyMissing,
)
from jingwang.settings import Settings

log = logging.getLogger(__name__)

KEY_FOLDER_MODE = 0o700
KEY_FILE_MODE = 0o600


@dataclass(frozen=True)
class VerifyKey:
    """A public key that checks checkpoint signatures."""

    public: Ed25519PublicKey

    @cached_property
    def key_id(self) -> str:
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()

    def pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def verifies(self, signature: bytes, message: bytes) -> bool:
        try:
            self.public.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """The private key and where it was read from."""

    private: Ed25519PrivateKey
    path: Path

    @cached_property
    def verify_key(self) -> VerifyKey:
        return VerifyKey(self.private.public_key())

    @property
    def key_id(self) -> str:
        return self.verify_key.key_id

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def generate_key(path: Path) -> SigningKey:
    """Create a new key at ``path`` (mode 0600; a missing folder is made with mode 0700).

    Refuses to overwrite a key: losing it would leave existing checkpoints signed by a key
    nobody holds.
    """
    if path.exists():
        raise SigningKeyExists(
            f"an audit signing key already exists at {path}; keep it (auditors hold its public "
            "key), or move it away first to start a new one",
            path=str(path),
        )
    path.parent.mkdir(mode=KEY_FOLDER_MODE, parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_once(path, pem)
    log.info("created the audit signing key %s", path)
    return SigningKey(private, path)


def _write_once(path: Path, content: bytes) -> None:
    """Write ``path`` whole or not at all, and never over an existing file."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), KEY_FILE_MODE)
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.link(temporary, path)  # atomic, and fails when the name is taken
    except FileExistsError:
        raise SigningKeyExists(
            f"an audit signing key appeared at {path} while this one was made; use that one",
            path=str(path),
        ) from None
    finally:
        temporary.unlink(missing_ok=True)


def exposure(path: Path) -> str | None:
    """Why the key file is too open (group or others have any access), or None."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return f"mode {mode:04o} lets group or others use it"
    return None


def load_key(path: Path, *, production: bool) -> SigningKey:
    """Read the private key at ``path``; refuse an exposed file in production."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyMissing(
            f"no audit signing key at {path}: run `jingwang audit keygen` (and give auditors "
            "the output of `jingwang audit export-key`), or set audit_signing_key",
            path=str(path),
        ) from None
    except OSError as exc:
        raise SigningKeyInvalid(f"cannot read the audit signing key {path}: {exc}") from exc
    problem = exposure(path)
    if problem is not None:
        if production:
            raise SigningKeyExposed(
                f"refusing to sign with {path}: {problem}; run `chmod 600 {path}`",
                path=str(path),
            )
        log.warning("audit signing key %s: %s (refused in production)", path, problem)
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyInvalid(
            f"{path} is not an unencrypted PEM private key: {exc}", path=str(path)
        ) from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyInvalid(f"{path} holds a key that is not Ed25519", path=str(path))
    return SigningKey(private, path)


def signing_key_for(settings: Settings, *, create: bool = False) -> SigningKey:
    """The configured key; with ``create`` in development mode, made on first use."""
    path = settings.resolved_audit_signing_key
    if create and settings.mode == "development" and not path.exists():
        try:
            return generate_key(path)
        except SigningKeyExists:  # another process made it a moment ago
            pass
    return load_key(path, production=settings.mode == "production")


def load_public_key(path: Path) -> VerifyKey:
    """A public key from a PEM file (what ``jingwang audit export-key`` prints)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PublicKeyInvalid(f"cannot read the public key {path}: {exc}") from exc
    try:
        public = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise PublicKeyInvalid(
            f"{path} is not a PEM public key (use the output of `jingwang audit export-key`)",
            path=str(path),
        ) from exc
    if not isinstance(public, Ed25519PublicKey):
        raise PublicKeyInvalid(f"{path} holds a key that is not Ed25519", path=str(path))
    return VerifyKey(public)


def keys_by_id(keys: Iterable[VerifyKey]) -> dict[str, VerifyKey]:
    return {key.key_id: key for key in keys}


__all__ = [
    "KEY_FILE_MODE",
    "KEY_FOLDER_MODE",
    "SigningKey",
    "VerifyKey",
    "exposure",
    "generate_key",
    "keys_by_id",
    "load_key",
    "load_public_key",
    "signing_key_for",
]

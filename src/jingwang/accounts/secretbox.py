"""Encryption of the few secrets the server must read back (TOTP seeds), at rest in the DB.

AES-256-GCM with a key derived from ``settings.secret_key`` (HKDF-SHA256, its own ``info``), so
a copy of the database alone does not reveal anyone's second factor. Changing the secret key
makes the stored seeds unreadable: those users' TOTP must then be reset by an administrator,
which :class:`SecretUnreadable` says.
"""

from __future__ import annotations

import base64
import os
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jingwang.errors import ConfigError

VERSION: Final = "v1"
_NONCE_BYTES: Final = 12


class SecretUnreadable(ConfigError):
    code = "accounts.secret_unreadable"


class SecretBox:
    """Seals and opens short secrets with a key derived from the installation's secret key."""

    def __init__(self, secret_key: str, purpose: str = "totp") -> None:
        key = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=None,
            info=f"jingwang {purpose} secrets {VERSION}".encode(),
        ).derive(secret_key.encode("utf-8"))
        self._aead = AESGCM(key)
        self._purpose = purpose.encode()

    def seal(self, plaintext: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), self._purpose)
        return f"{VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def open(self, sealed: str) -> str:
        version, _, body = sealed.partition(":")
        try:
            if version != VERSION:
                raise ValueError(version)
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            plain = self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], self._purpose)
        except (ValueError, InvalidTag) as exc:
            raise SecretUnreadable(
                "a stored secret cannot be decrypted with the current secret key (was "
                "JINGWANG_SECRET_KEY changed?); an administrator must reset this user's TOTP"
            ) from exc
        return plain.decode("utf-8")


__all__ = ["SecretBox", "SecretUnreadable"]

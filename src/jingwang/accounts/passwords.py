"""Password hashing (argon2id) and the rules a new password must follow.

Hashes carry their own parameters, so raising them in the settings renews each user's hash at
their next login (:func:`needs_rehash`). A login for an unknown user name still verifies against
a dummy hash, so the answer takes as long as for a real one.
"""

from __future__ import annotations

import secrets
from functools import cached_property
from typing import Final

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from jingwang.accounts.errors import WeakPassword

MAX_LENGTH: Final = 1024
MIN_DISTINCT_CHARACTERS: Final = 5
# Unambiguous characters for generated passwords (no 0/O, 1/l/I).
_ALPHABET: Final = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
COMMON_PASSWORDS: Final = frozenset(
    {
        "password1234", "passwordpassword", "123456789012", "1234567890123",
        "qwertyuiop12", "qwertyuiopasdf", "iloveyou1234", "administrator", "adminadmin12",
        "changeme1234", "letmein12345", "welcome12345", "jingwang1234", "jingwangjingwang",
    }
)  # fmt: skip


class Passwords:
    """Hashes and checks passwords with one set of argon2id parameters."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4) -> None:
        self.hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; always spends the time of one verification."""
        try:
            return self.hasher.verify(stored_hash or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    @cached_property
    def _dummy_hash(self) -> str:
        return self.hasher.hash(secrets.token_urlsafe(16))


def check_password_rules(password: str, *, username: str, min_length: int) -> None:
    """Raise :class:`WeakPassword`, saying what to change, unless ``password`` is acceptable."""
    lowered = password.lower()
    if len(password) < min_length:
        raise WeakPassword(
            f"the password must be at least {min_length} characters long",
            rule="min_length",
            min_length=min_length,
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must be at most {MAX_LENGTH} characters", rule="max")
    if username and username.lower() in lowered:
        raise WeakPassword("the password must not contain the user name", rule="username")
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise WeakPassword(
            f"the password must use at least {MIN_DISTINCT_CHARACTERS} different characters",
            rule="distinct",
        )
    if lowered in COMMON_PASSWORDS:
        raise WeakPassword("this password is too common; choose another", rule="common")


def generate_password(min_length: int = 16) -> str:
    """A random password of groups of four, e.g. ``k7Qm-xR3p-…``, at least ``min_length`` long."""
    groups = max(4, -(-min_length // 4))
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(groups))


__all__ = ["COMMON_PASSWORDS", "Passwords", "check_password_rules", "generate_password"]

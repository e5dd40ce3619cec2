"""Errors of the audit package, each with a stable ``code``.

::

    NotConfigured
    └── SigningKeyMissing       audit.key_missing        no private key file where settings say
    ConfigError
    ├── SigningKeyExposed       audit.key_exposed        group or others may read the key file
    └── SigningKeyInvalid       audit.key_invalid        the file is not an Ed25519 private key
    InvalidInput
    ├── PublicKeyInvalid        audit.public_key_invalid a --public-key file is not usable
    └── InvalidAuditFilter      audit.invalid_filter     a browser filter or cursor is malformed
    Conflict
    ├── SigningKeyExists        audit.key_exists         keygen would overwrite a key
    └── ChainBroken             audit.chain_broken       refusing to sign a log that is broken

The database's own refusal to change the log is :class:`jingwang.store.guard.AppendOnlyViolation`
(``store.append_only``). A broken chain found by ``audit verify`` is not an error: verification
reports it (:mod:`jingwang.audit.report`).
"""

from __future__ import annotations

from jingwang.errors import ConfigError, Conflict, InvalidInput, NotConfigured


class SigningKeyMissing(NotConfigured):
    code = "audit.key_missing"


class SigningKeyExposed(ConfigError):
    code = "audit.key_exposed"


class SigningKeyInvalid(ConfigError):
    code = "audit.key_invalid"


class PublicKeyInvalid(InvalidInput):
    code = "audit.public_key_invalid"


class InvalidAuditFilter(InvalidInput):
    code = "audit.invalid_filter"


class SigningKeyExists(Conflict):
    code = "audit.key_exists"


class ChainBroken(Conflict):
    """Signing a checkpoint was refused: the entries it would cover do not verify."""

    code = "audit.chain_broken"


__all__ = [
    "ChainBroken",
    "InvalidAuditFilter",
    "PublicKeyInvalid",
    "SigningKeyExists",
    "SigningKeyExposed",
    "SigningKeyInvalid",
    "SigningKeyMissing",
]

"""The one error tree of jingwang.

Every domain raises a subclass of :class:`JingwangError` with a stable ``code``: a short
dotted string that clients may rely on (``store.blob_corrupt``, ``jobs.not_found`` …). The web
layer maps codes to HTTP statuses once (``jingwang.web.errors``) and the CLI maps them to
exit codes (``jingwang.cli.exit_codes``). Nothing below the web layer knows about HTTP.

::

    JingwangError                    code "error"
    ├── ConfigError                  settings that cannot work (bad value, default secret)
    ├── NotConfigured                an optional component lacks what it needs
    ├── InvalidInput                 bad input from a person or client: says what to fix
    │   ├── jingwang.core.url.URLError          url.invalid
    │   ├── jingwang.core.domains.DomainError   domain.invalid
    │   ├── jingwang.classify.IcpNumberError    icp.invalid
    │   └── jingwang.jobs.errors.InvalidPayload …
    ├── NotFound                     the object asked for does not exist
    ├── Conflict                     the change clashes with the current state
    ├── PermissionDenied             the actor may not do this
    ├── StoreError                   storage trouble
    │   ├── BlobCorrupt              a blob no longer matches its digest
    │   └── jingwang.store.guard.AppendOnlyViolation  store.append_only (the audit log)
    └── JobError                     job queue trouble (jingwang.jobs.errors: jobs.*)
"""

from __future__ import annotations

from typing import Any, ClassVar


class JingwangError(Exception):
    """Root of every error jingwang raises on purpose.

    ``message`` is for people and says what to fix; ``details`` carries context (a URL, a
    job id, a line number) as JSON-safe values.
    """

    code: ClassVar[str] = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details

    def __str__(self) -> str:
        if not self.details:
            return self.message
        context = ", ".join(f"{k}={v!r}" for k, v in sorted(self.details.items()))
        return f"{self.message} ({context})"


class ConfigError(JingwangError):
    code = "config.invalid"


class NotConfigured(JingwangError):
    """An optional component cannot work here; it stays off instead of half-working."""

    code = "config.not_configured"


class InvalidInput(JingwangError):
    code = "input.invalid"


class NotFound(JingwangError):
    code = "not_found"


class Conflict(JingwangError):
    code = "conflict"


class PermissionDenied(JingwangError):
    code = "permission.denied"


class StoreError(JingwangError):
    code = "store.error"


class BlobCorrupt(StoreError):
    code = "store.blob_corrupt"


class JobError(JingwangError):
    code = "jobs.error"


__all__ = [
    "BlobCorrupt",
    "ConfigError",
    "Conflict",
    "InvalidInput",
    "JingwangError",
    "JobError",
    "NotConfigured",
    "NotFound",
    "PermissionDenied",
    "StoreError",
]

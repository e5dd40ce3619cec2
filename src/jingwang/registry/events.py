"""Events of the registry package. Stored shapes: add fields only with defaults, never rename."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from jingwang.core.events import DomainEvent


class RegistryImported(DomainEvent):
    """An import was accepted; the counts say what it changed (all zero on a re-import)."""

    name: ClassVar[str] = "registry.imported"
    object_type: ClassVar[str] = "registry_import"

    kind: str
    mode: str
    as_of: dt.date
    org_id: int | None = None
    file_name: str = ""
    file_sha256: str = ""
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: int = 0


__all__ = ["RegistryImported"]

"""Events of the registry package. Stored shapes: add fields only with defaults, never rename."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import Field

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


class FindingStateChanged(DomainEvent):
    """Someone changed a finding's state (acknowledged, claimed fixed, false positive, reopened)."""

    name: ClassVar[str] = "registry.finding_state_changed"
    object_type: ClassVar[str] = "registry_finding"

    rule: str
    before: str
    after: str
    note: str | None = None
    addressee_org_id: int | None = None
    province: str | None = None


class RegistryAudited(DomainEvent):
    """An audit run finished; ``counts`` holds, per rule, new, still_open, reopened and fixed."""

    name: ClassVar[str] = "registry.audited"
    object_type: ClassVar[str] = "registry_audit_run"

    mode: str
    on_date: dt.date
    rules: list[str] = Field(default_factory=list)
    counts: dict[str, dict[str, int]] = Field(default_factory=dict)


__all__ = ["FindingStateChanged", "RegistryAudited", "RegistryImported"]

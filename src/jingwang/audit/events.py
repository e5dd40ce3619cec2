"""Events of the audit package. Stored shapes: add fields only with defaults, never rename.

Reading the log in the browser is not an event (it would double the log with every page);
exporting it is: the export leaves the system, so who took what, filtered how, is on record.
Checkpoints are not events either: each would add an entry that the next checkpoint must sign.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from jingwang.core.events import DomainEvent


class AuditExported(DomainEvent):
    """Someone exported (part of) the audit log; ``object_id`` is the format."""

    name: ClassVar[str] = "audit.exported"
    object_type: ClassVar[str] = "audit_log"

    rows: int
    up_to_seq: int
    filters: dict[str, str] = Field(default_factory=dict)


__all__ = ["AuditExported"]

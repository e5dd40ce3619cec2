"""The hash chain: which fields an entry's hash covers, and how they are written down.

``entry_hash = SHA-256(canonical JSON of {v, the entry's fields, prev_hash})`` where the
canonical JSON has sorted keys, no insignificant whitespace, UTF-8 text, and times written as
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC. ``seq`` is not hashed: the order of entries is carried by
``prev_hash`` (each entry names the hash of the one before), and ``seq`` is checked separately
for gaps. ``v`` names this recipe so it can change later without breaking old entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jingwang.audit.models import AuditEntry

HASH_VERSION = 1


class AuditRecord(BaseModel):
    """The hashed content of one entry (everything but ``seq`` and the two hashes)."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    event_id: int | None = None
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    actor_type: str = "system"
    actor_id: str | None = None
    org_id: str | None = None
    action: str
    object_type: str
    object_id: str
    summary: dict[str, Any] = Field(default_factory=dict)
    request_id: str | None = None


def format_utc(value: dt.datetime) -> str:
    """``value`` as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC: how hashed and signed times look."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(record: AuditRecord, prev_hash: str) -> bytes:
    doc: dict[str, Any] = record.model_dump()
    doc.update(
        v=HASH_VERSION,
        occurred_at=format_utc(record.occurred_at),
        recorded_at=format_utc(record.recorded_at),
        prev_hash=prev_hash,
    )
    text = json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def compute_hash(record: AuditRecord, prev_hash: str) -> str:
    return hashlib.sha256(canonical_json(record, prev_hash)).hexdigest()


def record_of(entry: AuditEntry) -> AuditRecord:
    return AuditRecord.model_validate(entry)


def hash_matches(entry: AuditEntry) -> bool:
    """True when the stored ``entry_hash`` still covers the stored fields."""
    return compute_hash(record_of(entry), entry.prev_hash) == entry.entry_hash


__all__ = [
    "HASH_VERSION",
    "AuditRecord",
    "canonical_json",
    "compute_hash",
    "format_utc",
    "hash_matches",
    "record_of",
]

"""The audit log: append-only, hash-chained entries, one per published domain event.

The sequencer hands every outbox event to :class:`AuditLogConsumer`, which appends one entry
per event in the same transaction that marks the event published. :func:`verify_chain` walks
the chain and names the first entry that was edited, deleted, inserted or reordered.
"""

from jingwang.audit.chain import AuditRecord, compute_hash
from jingwang.audit.log import (
    AuditEntryInfo,
    AuditLogConsumer,
    append_entry,
    latest_entries,
    record_from_event,
)
from jingwang.audit.models import GENESIS_HASH, AuditEntry
from jingwang.audit.verify import BreakReason, VerifyResult, verify_chain

__all__ = [
    "GENESIS_HASH",
    "AuditEntry",
    "AuditEntryInfo",
    "AuditLogConsumer",
    "AuditRecord",
    "BreakReason",
    "VerifyResult",
    "append_entry",
    "compute_hash",
    "latest_entries",
    "record_from_event",
    "verify_chain",
]

"""Appending to the audit log, and recording domain events in it.

Entries are only ever appended. :func:`append_entry` numbers the entry after the last one and
chains it to that entry's hash; on PostgreSQL it first takes the audit advisory lock so two
appenders cannot both claim the same ``seq`` (on SQLite the transaction's write lock does it).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.audit.chain import AuditRecord, compute_hash
from jingwang.audit.models import GENESIS_HASH, AuditEntry
from jingwang.core.events import DomainEvent
from jingwang.store.base import utcnow
from jingwang.store.outbox import Delivery, transaction_lock

AUDIT_LOCK = "audit.append"


def append_entry(session: Session, record: AuditRecord) -> AuditEntry:
    """Append ``record`` as the next entry of the chain, in the caller's transaction."""
    transaction_lock(session, AUDIT_LOCK)
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).one_or_none()
    seq, prev_hash = (last.seq + 1, last.entry_hash) if last is not None else (1, GENESIS_HASH)
    entry = AuditEntry(
        seq=seq,
        prev_hash=prev_hash,
        entry_hash=compute_hash(record, prev_hash),
        **record.model_dump(),
    )
    session.add(entry)
    session.flush()
    return entry


def record_from_event(event: DomainEvent, *, event_id: int | None = None) -> AuditRecord:
    """The audit record of a domain event: who did what to which object, and what changed."""
    return AuditRecord(
        event_id=event_id,
        occurred_at=event.occurred_at,
        recorded_at=utcnow(),
        actor_type=event.actor.type,
        actor_id=event.actor.id,
        org_id=event.actor.org_id,
        action=event.name,
        object_type=event.object_type,
        object_id=event.object_id,
        summary=event.summary(),
        request_id=event.request_id,
    )


class AuditEntryInfo(AuditRecord):
    """The public view of an entry (CLI ``--json``, later the browser)."""

    seq: int
    prev_hash: str
    entry_hash: str


def latest_entries(session: Session, limit: int = 20) -> list[AuditEntry]:
    """The newest ``limit`` entries, newest first."""
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)))


class AuditLogConsumer:
    """The sequencer's first consumer: one audit entry per published event, in order."""

    name = "audit"

    def consume(self, session: Session, delivery: Delivery) -> None:
        append_entry(session, record_from_event(delivery.event, event_id=delivery.outbox_id))


__all__ = [
    "AUDIT_LOCK",
    "AuditEntryInfo",
    "AuditLogConsumer",
    "append_entry",
    "latest_entries",
    "record_from_event",
]

"""The event outbox: domain events written in the same transaction as the change they describe.

:func:`emit` adds one row to ``outbox_events`` inside the caller's transaction, so the event
exists exactly when the change does. The sequencer (:mod:`jingwang.jobs.sequencer`) publishes
unpublished rows in ``id`` order and stamps ``published_at``.

Ids must follow commit order, or the sequencer could publish event 11 before event 10 commits.
SQLite gives that for free: every transaction holds the database's write lock from its first
statement (``BEGIN IMMEDIATE``). On PostgreSQL, :func:`emit` takes a transaction-scoped
advisory lock before it draws the id, so emitting transactions commit one at a time from that
point on. Emit last in a transaction: the lock is held until commit.

:func:`transaction_lock` and :func:`try_transaction_lock` are the named advisory locks used
here and by the sequencer and the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import JSON, BigInteger, Index, Integer, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from jingwang.core.events import DomainEvent
from jingwang.store.base import Base, UTCDateTime, utcnow

OUTBOX_LOCK = "outbox.emit"

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
_ID = BigInteger().with_variant(Integer(), "sqlite")


class OutboxEvent(Base):
    """One stored domain event. ``published_at`` is empty until the sequencer publishes it."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index("ix_outbox_events_unpublished", "published_at", "id"),
        {"sqlite_autoincrement": True},  # ids are never reused, even after rows are pruned
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxEvent {self.id} {self.name}>"


@dataclass(frozen=True)
class Delivery:
    """One published event, as handed to a consumer."""

    outbox_id: int
    created_at: dt.datetime
    event: DomainEvent


class OutboxConsumer(Protocol):
    """Receives every published event, in order, once. Writes go through ``session``, the
    sequencer's transaction, so they commit together with the event's "published" stamp."""

    name: str

    def consume(self, session: Session, delivery: Delivery) -> None: ...


def emit(session: Session, event: DomainEvent) -> OutboxEvent:
    """Write ``event`` to the outbox in the caller's transaction and return its row."""
    transaction_lock(session, OUTBOX_LOCK)
    row = OutboxEvent(name=event.name, payload=event.to_payload(), created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def unpublished(session: Session, limit: int) -> list[OutboxEvent]:
    """The oldest ``limit`` unpublished events, in id order."""
    query = (
        select(OutboxEvent)
        .where(OutboxEvent.published_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
    )
    return list(session.scalars(query))


# Advisory locks are database-wide; the key includes the schema so that installations (and
# test runs) sharing one PostgreSQL database in different schemas do not block each other.
# hashtextextended is stable across PostgreSQL versions (hash partitioning relies on it).
_KEY = "hashtextextended(:name || '@' || current_schema(), 0)"


def transaction_lock(session: Session, name: str) -> None:
    """Wait for the advisory lock ``name``, held until the transaction ends (PostgreSQL).

    On SQLite the transaction already holds the database's one write lock, so this is a no-op.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({_KEY})"), {"name": name})


def try_transaction_lock(session: Session, name: str) -> bool:
    """Take the advisory lock ``name`` for this transaction if free; False if someone holds it."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    taken = session.execute(text(f"SELECT pg_try_advisory_xact_lock({_KEY})"), {"name": name})
    return bool(taken.scalar_one())


__all__ = [
    "OUTBOX_LOCK",
    "Delivery",
    "OutboxConsumer",
    "OutboxEvent",
    "emit",
    "transaction_lock",
    "try_transaction_lock",
    "unpublished",
]

"""The sequencer: publishes outbox events, in id order, exactly once, to registered consumers.

One batch is one transaction: take the sequencer lock, read the oldest unpublished events, hand
each to every consumer inside a savepoint, and stamp it published. Consumers write through the
same session, so for database consumers (the audit log) "consumed" and "published" commit
together: exactly once. A consumer that raises rolls its savepoint back and stops the batch at
that event; the events before it commit, it and the ones after stay unpublished and are tried
again, in order, next time. (A consumer that talks to the outside world gets at-least-once and
must deduplicate by ``outbox_id``.)

Only one sequencer publishes at a time: on PostgreSQL a transaction-scoped advisory lock (a
second sequencer gives up at once and reports ``locked_out``); on SQLite every transaction
already holds the one write lock, so a second sequencer waits and then finds the events
published. Each event is stamped with a conditional update too, so even without the lock an
event could not be published twice.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from jingwang.core.events import EVENT_MODULES, load_event
from jingwang.store import Database
from jingwang.store.base import utcnow
from jingwang.store.outbox import (
    Delivery,
    OutboxConsumer,
    OutboxEvent,
    try_transaction_lock,
    unpublished,
)

log = logging.getLogger(__name__)

SEQUENCER_LOCK = "outbox.sequencer"


@dataclass(frozen=True)
class SequenceReport:
    published: int = 0
    batches: int = 0
    locked_out: bool = False  # another sequencer holds the lock (PostgreSQL)
    stopped_at: int | None = None  # outbox id of the event a consumer refused
    error: str | None = None


class AlreadyPublished(Exception):
    """The conditional stamp matched nothing: someone else published this event."""


class Sequencer:
    def __init__(
        self, db: Database, consumers: Sequence[OutboxConsumer] = (), batch_size: int = 500
    ) -> None:
        self.db = db
        self.consumers = tuple(consumers)
        self.batch_size = batch_size
        for module in EVENT_MODULES:
            importlib.import_module(module)

    def run(self, max_batches: int = 100) -> SequenceReport:
        """Publish batches until none is left, a consumer fails, or ``max_batches`` ran."""
        total = 0
        for number in range(1, max_batches + 1):
            batch = self.run_batch()
            total += batch.published
            if batch.locked_out or batch.stopped_at is not None:
                return SequenceReport(
                    total, number, batch.locked_out, batch.stopped_at, batch.error
                )
            if batch.published < self.batch_size:
                return SequenceReport(total, number)
        return SequenceReport(total, max_batches)

    def run_batch(self) -> SequenceReport:
        published = 0
        with self.db.session() as session:
            if not try_transaction_lock(session, SEQUENCER_LOCK):
                return SequenceReport(locked_out=True)
            for row in unpublished(session, self.batch_size):
                error = self._publish(session, row)
                if error is not None:
                    return SequenceReport(published, 1, stopped_at=row.id, error=error)
                published += 1
        return SequenceReport(published, 1)

    def _publish(self, session: Session, row: OutboxEvent) -> str | None:
        """Deliver one event to every consumer and stamp it; the error text if that failed."""
        consumer_name = "(loading)"
        try:
            delivery = Delivery(row.id, row.created_at, load_event(row.name, row.payload))
            with session.begin_nested():
                for consumer in self.consumers:
                    consumer_name = consumer.name
                    consumer.consume(session, delivery)
                consumer_name = "(stamping)"
                _stamp(session, row.id)
        except Exception as exc:  # a consumer's failure stops the batch, never the process
            log.error(
                "outbox event %s (%s) not published: %s refused it: %s",
                row.id,
                row.name,
                consumer_name,
                exc,
                exc_info=True,
            )
            return f"{consumer_name}: {type(exc).__name__}: {exc}"
        return None


def _stamp(session: Session, outbox_id: int) -> None:
    stmt = (
        update(OutboxEvent)
        .where(OutboxEvent.id == outbox_id, OutboxEvent.published_at.is_(None))
        .values(published_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
        raise AlreadyPublished(f"outbox event {outbox_id} was published by someone else")


__all__ = ["SEQUENCER_LOCK", "Delivery", "OutboxConsumer", "SequenceReport", "Sequencer"]

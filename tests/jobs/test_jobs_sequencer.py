"""The sequencer publishes outbox events in id order, once each, stopping at a failing consumer."""

from __future__ import annotations

import threading
from typing import ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwang.audit import AuditEntry, AuditLogConsumer, verify_chain
from jingwang.core.events import DomainEvent
from jingwang.jobs import Sequencer
from jingwang.store import Database
from jingwang.store.outbox import Delivery, OutboxEvent, emit


class Noted(DomainEvent):
    name: ClassVar[str] = "tests.noted"
    object_type: ClassVar[str] = "note"

    n: int


class Recorder:
    """Remembers what it was handed; refuses events whose ``n`` is in ``refuse``."""

    name = "recorder"

    def __init__(self, refuse: set[int] | None = None) -> None:
        self.seen: list[int] = []
        self.refuse = refuse or set()

    def consume(self, session: Session, delivery: Delivery) -> None:
        assert isinstance(delivery.event, Noted)
        if delivery.event.n in self.refuse:
            raise RuntimeError(f"cannot take note {delivery.event.n}")
        self.seen.append(delivery.event.n)


def _emit(db: Database, *numbers: int) -> list[int]:
    with db.session() as session:
        return [emit(session, Noted(object_id=str(n), n=n)).id for n in numbers]


def _unpublished(db: Database) -> int:
    with db.session() as session:
        query = select(func.count()).where(OutboxEvent.published_at.is_(None))
        return session.scalar(query) or 0


def _audit_event_ids(db: Database) -> list[int | None]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.event_id).order_by(AuditEntry.seq)))


def test_publishes_in_id_order_in_batches_and_exactly_once(db: Database) -> None:
    _emit(db, *range(1, 8))
    recorder = Recorder()
    sequencer = Sequencer(db, [recorder], batch_size=3)
    report = sequencer.run()
    assert (report.published, report.batches, report.stopped_at) == (7, 3, None)
    assert recorder.seen == list(range(1, 8))
    assert sequencer.run().published == 0
    assert recorder.seen == list(range(1, 8))
    assert _unpublished(db) == 0


def test_a_failing_consumer_stops_the_batch_and_is_retried_in_order(db: Database) -> None:
    ids = _emit(db, 1, 2, 3, 4, 5)
    recorder = Recorder(refuse={3})
    sequencer = Sequencer(db, [AuditLogConsumer(), recorder])
    report = sequencer.run()
    assert (report.published, report.stopped_at) == (2, ids[2])
    assert report.error is not None
    assert "recorder" in report.error
    assert "note 3" in report.error
    assert _unpublished(db) == 3
    assert _audit_event_ids(db) == ids[:2]  # the audit entry for event 3 was rolled back too
    recorder.refuse.clear()
    assert sequencer.run().published == 3
    assert recorder.seen == [1, 2, 3, 4, 5]
    assert _audit_event_ids(db) == ids
    with db.session() as session:
        assert verify_chain(session).ok


def test_an_unknown_stored_event_stops_the_sequencer_at_it(db: Database) -> None:
    ids = _emit(db, 1)
    with db.session() as session:
        session.add(OutboxEvent(name="tests.from_the_future", payload={"object_id": "x"}))
    _emit(db, 2)
    report = Sequencer(db, [Recorder()]).run()
    assert report.published == 1
    assert report.stopped_at == ids[0] + 1
    assert report.error is not None
    assert "tests.from_the_future" in report.error


def test_concurrent_emitters_and_sequencers_keep_commit_order(live_db: Database) -> None:
    """Four threads emit while two sequencers publish: the audit log sees ids in order, once."""
    stop = threading.Event()

    def emitter(offset: int) -> None:
        for i in range(15):
            _emit(live_db, offset + i)

    def sequencer() -> None:
        seq = Sequencer(live_db, [AuditLogConsumer()], batch_size=4)
        while not stop.is_set():
            seq.run()

    emitters = [threading.Thread(target=emitter, args=(k * 100,)) for k in range(4)]
    sequencers = [threading.Thread(target=sequencer) for _ in range(2)]
    for t in emitters + sequencers:
        t.start()
    for t in emitters:
        t.join()
    stop.set()
    for t in sequencers:
        t.join()
    Sequencer(live_db, [AuditLogConsumer()]).run()
    recorded = _audit_event_ids(live_db)
    assert len(recorded) == 60
    assert recorded == sorted(recorded)  # published in id order, each once
    with live_db.session() as session:
        assert verify_chain(session).ok

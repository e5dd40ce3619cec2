"""The outbox: events are written in the caller's transaction, and stored events load back."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, ClassVar

import pytest
from sqlalchemy import select

from jingwang.core.events import (
    DomainEvent,
    EventActor,
    UnknownEvent,
    event_names,
    load_event,
)
from jingwang.errors import ConfigError, InvalidInput
from jingwang.jobs.events import BlobsVerified, JobCancelled, JobDead, JobRetried
from jingwang.store import Database
from jingwang.store.outbox import OutboxEvent, emit, try_transaction_lock, unpublished

PG_URL = os.environ.get("JINGWANG_TEST_DATABASE_URL", "")
WHEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)

# Payloads exactly as earlier versions stored them. They must keep loading: never edit these,
# add new ones when an event gains fields.
SAVED: list[tuple[str, dict[str, Any], DomainEvent]] = [
    (
        "jobs.job_dead",
        {
            "object_id": "42",
            "occurred_at": "2026-01-02T03:04:05Z",
            "actor": {"type": "system", "id": None, "org_id": None},
            "request_id": None,
            "kind": "probe.capture",
            "attempts": 5,
            "last_error": "TimeoutError: read timed out",
        },
        JobDead(
            object_id="42",
            occurred_at=WHEN,
            kind="probe.capture",
            attempts=5,
            last_error="TimeoutError: read timed out",
        ),
    ),
    (
        "jobs.job_cancelled",
        {
            "object_id": "7",
            "occurred_at": "2026-01-02T03:04:05Z",
            "actor": {"type": "cli", "id": "alice", "org_id": "miit"},
            "kind": "blobs.verify",
            "previous_state": "running",
        },
        JobCancelled(
            object_id="7",
            occurred_at=WHEN,
            actor=EventActor(type="cli", id="alice", org_id="miit"),
            kind="blobs.verify",
            previous_state="running",
        ),
    ),
    (
        "jobs.job_retried",
        {
            "object_id": "7",
            "occurred_at": "2026-01-02T03:04:05+00:00",
            "actor": {"type": "cli", "id": "bob"},
            "kind": "blobs.verify",
            "previous_state": "dead",
            "previous_attempts": 5,
            "a_field_from_a_newer_version": True,
        },
        JobRetried(
            object_id="7",
            occurred_at=WHEN,
            actor=EventActor(type="cli", id="bob"),
            kind="blobs.verify",
            previous_state="dead",
            previous_attempts=5,
        ),
    ),
    (
        "store.blobs_verified",
        {
            "object_id": "file:/srv/jingwang/blobs",
            "occurred_at": "2026-01-02T03:04:05.000000Z",
            "total": 3,
            "passed": 2,
            "failed": 1,
            "failed_digests": ["ab" * 32],
        },
        BlobsVerified(
            object_id="file:/srv/jingwang/blobs",
            occurred_at=WHEN,
            total=3,
            passed=2,
            failed=1,
            failed_digests=["ab" * 32],
        ),
    ),
]


@pytest.mark.parametrize(("name", "payload", "expected"), SAVED, ids=[s[0] for s in SAVED])
def test_saved_events_still_load(name: str, payload: dict[str, Any], expected: DomainEvent) -> None:
    assert load_event(name, payload) == expected


def test_every_registered_event_has_a_saved_example() -> None:
    saved = {name for name, _, _ in SAVED}
    ours = {n for n in event_names() if n.startswith(("jobs.", "store."))}
    assert ours <= saved


def test_summary_holds_the_events_own_fields() -> None:
    event = SAVED[1][2]
    assert event.summary() == {"kind": "blobs.verify", "previous_state": "running"}
    assert load_event(event.name, event.to_payload()) == event


def test_unknown_and_broken_events_say_what_is_wrong() -> None:
    with pytest.raises(UnknownEvent, match="EVENT_MODULES"):
        load_event("no.such_event", {})
    with pytest.raises(InvalidInput, match="attempts"):
        load_event("jobs.job_dead", {"object_id": "1", "kind": "x"})


def test_an_event_name_cannot_be_declared_twice() -> None:
    with pytest.raises(ConfigError, match="declared twice"):

        class Impostor(DomainEvent):
            name: ClassVar[str] = "jobs.job_dead"
            object_type: ClassVar[str] = "job"


def test_emit_writes_in_the_callers_transaction(db: Database) -> None:
    with db.session() as session:
        before = len(unpublished(session, 1000))

    def failing_change() -> None:
        with db.session() as session:
            emit(session, SAVED[0][2])
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    with db.session() as session:
        first = emit(session, SAVED[0][2])
        second = emit(session, SAVED[1][2])
    assert second.id > first.id
    with db.session() as session:
        rows = unpublished(session, 1000)
        assert len(rows) == before + 2
        stored = session.scalars(select(OutboxEvent).where(OutboxEvent.id == first.id)).one()
        assert (stored.name, stored.published_at) == ("jobs.job_dead", None)
        assert load_event(stored.name, stored.payload) == SAVED[0][2]


@pytest.mark.skipif(not PG_URL, reason="advisory locks exist on PostgreSQL only")
def test_advisory_locks_are_per_schema(db: Database, live_db: Database) -> None:
    with live_db.session() as holder:
        assert try_transaction_lock(holder, "tests.lock")
        with live_db.session() as same_schema:
            assert not try_transaction_lock(same_schema, "tests.lock")
            assert try_transaction_lock(same_schema, "tests.other_lock")
        with db.session() as other_schema:
            assert try_transaction_lock(other_schema, "tests.lock")
    with live_db.session() as after_commit:
        assert try_transaction_lock(after_commit, "tests.lock")

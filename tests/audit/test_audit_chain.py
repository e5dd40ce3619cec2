"""The audit chain verifies when intact, and names the first bad entry after SQL tampering."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from auditkit import guard_off
from sqlalchemy import delete, insert, select, text, update

from jingwang.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditRecord,
    BreakReason,
    append_entry,
    compute_hash,
    verify_chain,
)
from jingwang.audit.chain import canonical_json
from jingwang.store import Database

WHEN = dt.datetime(2026, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC)


def _record(n: int) -> AuditRecord:
    return AuditRecord(
        event_id=None,
        occurred_at=WHEN + dt.timedelta(minutes=n),
        recorded_at=WHEN + dt.timedelta(minutes=n, seconds=1),
        actor_type="cli",
        actor_id="alice",
        action="tests.something_happened",
        object_type="site",
        object_id=f"site-{n}",
        summary={"n": n, "名称": "测试", "nested": {"b": [1, 2.5, None], "a": True}},
    )


@pytest.fixture
def chain(db: Database) -> Database:
    """Six entries, seq 1..6."""
    with db.session() as session:
        for n in range(1, 7):
            append_entry(session, _record(n))
    return db


def _verify(db: Database) -> tuple[bool, int | None, BreakReason | None, int]:
    with db.session() as session:
        result = verify_chain(session)
    return result.ok, result.first_bad_seq, result.reason, result.count


def _hash_of(db: Database, seq: int) -> str:
    with db.session() as session:
        return session.scalars(select(AuditEntry.entry_hash).where(AuditEntry.seq == seq)).one()


def _move(db: Database, pairs: list[tuple[int, int]]) -> None:
    with db.session() as session, guard_off(session):
        for old, new in pairs:
            session.execute(update(AuditEntry).where(AuditEntry.seq == old).values(seq=new))


def test_an_intact_chain_verifies(chain: Database) -> None:
    assert _verify(chain) == (True, None, None, 6)
    with chain.session() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))


def test_an_empty_chain_verifies(db: Database) -> None:
    assert _verify(db) == (True, None, None, 0)


GOLDEN_CANONICAL = (
    '{"action":"tests.something_happened","actor_id":"alice","actor_type":"cli","event_id":null,'
    '"object_id":"site-1","object_type":"site","occurred_at":"2026-02-03T04:06:06.789012Z",'
    '"org_id":null,"prev_hash":"' + "0" * 64 + '","recorded_at":"2026-02-03T04:06:07.789012Z",'
    '"request_id":null,"summary":{"n":1,"nested":{"a":true,"b":[1,2.5,null]},"名称":"测试"},"v":1}'
)


def test_hash_recipe_is_stable() -> None:
    """Golden values: the v1 recipe may never change, or old chains stop verifying."""
    record = _record(1)
    assert canonical_json(record, GENESIS_HASH).decode("utf-8") == GOLDEN_CANONICAL
    assert compute_hash(record, GENESIS_HASH) == (
        "303809b34a775e10ef97cd9c0338e91f99b1e0d6a43f9550d644f3738813f02b"
    )


def test_an_edited_entry_is_named(chain: Database) -> None:
    with chain.session() as session, guard_off(session):
        session.execute(text("UPDATE audit_entries SET object_id = 'forged' WHERE seq = 3"))
    assert _verify(chain) == (False, 3, BreakReason.EDITED, 2)


def test_an_entry_rewritten_with_a_fresh_hash_is_named(chain: Database) -> None:
    forged = _record(3).model_copy(update={"object_id": "forged"})
    with chain.session() as session, guard_off(session):
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.seq == 3)
            .values(object_id="forged", entry_hash=compute_hash(forged, _hash_of(chain, 2)))
        )
    assert _verify(chain) == (False, 3, BreakReason.EDITED, 2)


def test_a_deleted_entry_is_named(chain: Database) -> None:
    with chain.session() as session, guard_off(session):
        session.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    assert _verify(chain) == (False, 3, BreakReason.DELETED, 2)


def test_a_deleted_first_entry_is_named(chain: Database) -> None:
    with chain.session() as session, guard_off(session):
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 1))
    assert _verify(chain) == (False, 1, BreakReason.DELETED, 0)


def test_an_inserted_entry_is_named(chain: Database) -> None:
    # Make room at seq 3, then insert a well-formed entry chained to entry 2.
    _move(chain, [(n, n + 100) for n in range(6, 2, -1)])
    _move(chain, [(n + 100, n + 1) for n in range(3, 7)])
    forged, prev = _record(99), _hash_of(chain, 2)
    values = {**forged.model_dump(), "seq": 3, "prev_hash": prev}
    with chain.session() as session:
        session.execute(insert(AuditEntry).values(entry_hash=compute_hash(forged, prev), **values))
    assert _verify(chain) == (False, 3, BreakReason.INSERTED, 2)


def test_an_inserted_entry_with_a_made_up_link_is_named(chain: Database) -> None:
    _move(chain, [(n, n + 100) for n in range(6, 2, -1)])
    _move(chain, [(n + 100, n + 1) for n in range(3, 7)])
    forged = _record(99)
    values = {**forged.model_dump(), "seq": 3, "prev_hash": "f" * 64}
    with chain.session() as session:
        session.execute(
            insert(AuditEntry).values(entry_hash=compute_hash(forged, "f" * 64), **values)
        )
    assert _verify(chain) == (False, 3, BreakReason.INSERTED, 2)


def test_reordered_entries_are_named(chain: Database) -> None:
    _move(chain, [(3, 103), (4, 3), (103, 4)])
    assert _verify(chain) == (False, 3, BreakReason.REORDERED, 2)


def test_appending_after_verification_continues_the_chain(chain: Database) -> None:
    with chain.session() as session:
        entry = append_entry(session, _record(7))
    assert (entry.seq, entry.prev_hash) == (7, _hash_of(chain, 6))
    assert _verify(chain)[0]

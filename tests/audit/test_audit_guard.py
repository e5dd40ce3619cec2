"""The database itself refuses UPDATE, DELETE (and TRUNCATE) on the audit tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from auditkit import guard_off
from sqlalchemy import delete, select, text, update

from jingwang.audit import AuditCheckpoint, AuditEntry, AuditRecord, append_entry, make_checkpoint
from jingwang.audit.keys import generate_key
from jingwang.store import Database
from jingwang.store.guard import AppendOnlyViolation

WHEN = dt.datetime(2026, 2, 3, tzinfo=dt.UTC)


@pytest.fixture
def log(live_db: Database, tmp_path: Path) -> Database:
    with live_db.session() as session:
        for n in (1, 2):
            record = AuditRecord(
                occurred_at=WHEN, recorded_at=WHEN, action="tests.happened", object_type="site",
                object_id=str(n),
            )  # fmt: skip
            append_entry(session, record)
    make_checkpoint(live_db, generate_key(tmp_path / "audit.pem"))
    return live_db


def _refused(db: Database, statement: object) -> AppendOnlyViolation:
    with pytest.raises(AppendOnlyViolation) as caught, db.session() as session:
        session.execute(statement)  # type: ignore[call-overload]
    return caught.value


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEntry).where(AuditEntry.seq == 1).values(actor_id="mallory"),
        delete(AuditEntry).where(AuditEntry.seq == 2),
        delete(AuditEntry),
        update(AuditCheckpoint).values(entry_count=1),
        delete(AuditCheckpoint),
    ],
    ids=["update entry", "delete entry", "delete all", "update checkpoint", "delete checkpoint"],
)
def test_changes_are_refused_and_nothing_changes(log: Database, statement: object) -> None:
    error = _refused(log, statement)
    assert error.code == "store.append_only"
    assert "append-only" in error.message
    assert "Nothing was changed" in error.message
    assert "audit log is append-only" in error.details["database_message"]
    with log.session() as session:
        assert session.scalars(select(AuditEntry.actor_id)).all() == [None, None]
        assert len(session.scalars(select(AuditCheckpoint)).all()) == 1


def test_truncate_is_refused_on_postgresql(log: Database) -> None:
    if log.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE; DELETE without WHERE is refused instead")
    for table in ("audit_entries", "audit_checkpoints"):
        error = _refused(log, text(f"TRUNCATE {table}"))
        assert error.details["statement"] == "TRUNCATE"


def test_appending_is_still_allowed_and_the_guard_comes_back_on(log: Database) -> None:
    with log.session() as session, guard_off(session):
        session.execute(update(AuditEntry).where(AuditEntry.seq == 1).values(request_id="r"))
    _refused(log, update(AuditEntry).where(AuditEntry.seq == 1).values(request_id="s"))
    with log.session() as session:
        record = AuditRecord(
            occurred_at=WHEN, recorded_at=WHEN, action="a", object_type="o", object_id="3"
        )
        assert append_entry(session, record).seq == 3

"""The audit log's one table: append-only entries, each chained to the one before by hash.

``seq`` numbers entries 1, 2, 3 … without gaps. ``entry_hash`` is SHA-256 over the canonical
JSON of the entry's fields and ``prev_hash`` (see :mod:`jingwang.audit.chain`), so editing,
deleting, inserting or reordering entries breaks the chain where it happened.

``audit_checkpoints`` holds signed checkpoints: the head of the chain (its ``seq`` and
``entry_hash``) and the entry count, signed with the Ed25519 key that never enters the
database (see :mod:`jingwang.audit.checkpoints`). Both tables are append-only: migration 0003
adds triggers that make the database refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE).
The indexes serve the browser's filters; entries are listed newest first by ``seq``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jingwang.store.base import Base, UTCDateTime

GENESIS_HASH = "0" * 64


# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
_ID = BigInteger().with_variant(Integer(), "sqlite")


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_org_id", "org_id"),
        Index("ix_audit_entries_occurred_at", "occurred_at"),
        Index("ix_audit_entries_actor_id", "actor_id"),
        Index("ix_audit_entries_action", "action"),
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_request_id", "request_id"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The outbox event recorded here (unique: an event is recorded once); empty for entries
    # appended directly.
    event_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_type: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str | None] = mapped_column(String(200))
    org_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(200))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.seq} {self.action} {self.object_type}:{self.object_id}>"


class AuditCheckpoint(Base):
    """A signed statement: "the log had ``entry_count`` entries, the last one ``seq`` with hash
    ``head_hash``, at ``created_at``", signed by the key named ``key_id``."""

    __tablename__ = "audit_checkpoints"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)  # one checkpoint per head
    head_hash: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(String(64))  # SHA-256 of the raw public key, hex
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, 64 bytes in hex

    def __repr__(self) -> str:
        return f"<AuditCheckpoint {self.id} seq {self.seq}>"


__all__ = ["GENESIS_HASH", "AuditCheckpoint", "AuditEntry"]

"""The audit log's one table: append-only entries, each chained to the one before by hash.

``seq`` numbers entries 1, 2, 3 … without gaps. ``entry_hash`` is SHA-256 over the canonical
JSON of the entry's fields and ``prev_hash`` (see :mod:`jingwang.audit.chain`), so editing,
deleting, inserting or reordering entries breaks the chain where it happened.

Ready for what comes next, not built yet: signed checkpoints (a table of ``(seq, entry_hash,
signature)``; ``entry_hash`` is unique and indexed for them), database triggers refusing
UPDATE and DELETE, and the browser.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from jingwang.store.base import Base, UTCDateTime

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_entries"

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


__all__ = ["GENESIS_HASH", "AuditEntry"]

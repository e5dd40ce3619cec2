"""Verifying the audit chain: walk it in ``seq`` order and name the first entry that is wrong.

For each entry, in order:

1. its hash must still cover its fields, or it was **edited**;
2. its ``prev_hash`` must be the hash of the entry before it (the genesis hash for the first);
3. its ``seq`` must follow the one before without a gap.

When a link (2) is broken, the neighbourhood says what happened: the entry the broken link
names sits later in the log (**reordered**); the entry after this one links to the one before
(this one was **inserted**); the named entry sits earlier, with entries in between (those were
**inserted**); ``seq`` jumps (entries were **deleted**); otherwise the entry before was
rewritten together with its hash (**edited**).

Not detectable from the chain alone, and the reason signed checkpoints come next: entries cut
off the end, and a whole chain rewritten from some point on with fresh hashes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.audit.chain import hash_matches
from jingwang.audit.models import GENESIS_HASH, AuditEntry


class BreakReason(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # entries that verified before the first problem (all of them when ok)
    first_bad_seq: int | None = None
    reason: BreakReason | None = None
    detail: str = ""


@dataclass(frozen=True)
class _Break:
    prev: AuditEntry | None
    entry: AuditEntry
    expected_seq: int
    count: int


def verify_chain(session: Session) -> VerifyResult:
    """Check the whole chain; never raises for a broken chain, it reports it."""
    result = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
    )
    try:
        outcome = _walk(result.scalars())
    finally:
        result.close()
    if isinstance(outcome, VerifyResult):
        return outcome
    return _classify(session, outcome)


def _walk(entries: Iterable[AuditEntry]) -> VerifyResult | _Break:
    prev: AuditEntry | None = None
    expected_seq, count = 1, 0
    for entry in entries:
        if not hash_matches(entry):
            detail = f"entry {entry.seq}'s fields no longer match its hash"
            return VerifyResult(False, count, entry.seq, BreakReason.EDITED, detail)
        if entry.prev_hash != (prev.entry_hash if prev is not None else GENESIS_HASH):
            return _Break(prev, entry, expected_seq, count)
        if entry.seq != expected_seq:
            detail = f"seq jumps from {expected_seq - 1} to {entry.seq} but the chain is intact"
            return VerifyResult(False, count, entry.seq, BreakReason.EDITED, detail)
        prev, expected_seq, count = entry, entry.seq + 1, count + 1
    return VerifyResult(True, count)


def _classify(session: Session, brk: _Break) -> VerifyResult:
    entry, prev = brk.entry, brk.prev

    def bad(seq: int, reason: BreakReason, detail: str) -> VerifyResult:
        verified = min(brk.count, seq - 1)  # entries before the first bad one
        return VerifyResult(False, verified, seq, reason, detail)

    named = session.scalar(select(AuditEntry.seq).where(AuditEntry.entry_hash == entry.prev_hash))
    if named is not None and named > entry.seq:
        return bad(entry.seq, BreakReason.REORDERED, f"entry {entry.seq} follows entry {named}")
    after = session.scalars(
        select(AuditEntry).where(AuditEntry.seq > entry.seq).order_by(AuditEntry.seq).limit(1)
    ).first()
    if prev is not None and after is not None and after.prev_hash == prev.entry_hash:
        return bad(entry.seq, BreakReason.INSERTED, f"entry {entry.seq} is not part of the chain")
    if prev is not None and named is not None and named < prev.seq:
        detail = f"entries {named + 1} to {prev.seq} are not part of the chain"
        return bad(named + 1, BreakReason.INSERTED, detail)
    if entry.seq > brk.expected_seq:
        detail = f"entries {brk.expected_seq} to {entry.seq - 1} are missing"
        return bad(brk.expected_seq, BreakReason.DELETED, detail)
    seq = prev.seq if prev is not None else entry.seq
    return bad(seq, BreakReason.EDITED, f"entry {seq} was rewritten together with its hash")


__all__ = ["BreakReason", "VerifyResult", "verify_chain"]

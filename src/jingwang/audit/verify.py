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

Not detectable from the chain alone: entries cut off the end, and a whole chain rewritten from
some point on with fresh hashes. Signed checkpoints catch those (:mod:`jingwang.audit.report`
combines both checks); for them :func:`verify_chain` can ``observe`` every entry in one pass,
and checkpoint signing verifies only the entries ``after`` the last checkpoint ``until`` the
head it signs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


Observer = Callable[[AuditEntry], None]


def verify_chain(
    session: Session,
    *,
    after: AuditEntry | None = None,
    until: int | None = None,
    observe: Observer | None = None,
) -> VerifyResult:
    """Check the chain; never raises for a broken chain, it reports it.

    ``after``: a trusted entry (one a valid checkpoint signed) to continue from; ``count`` then
    counts the entries after it. ``until``: stop after this ``seq``. ``observe`` is called with
    every entry walked, in order, also after the first problem.
    """
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if after is not None:
        query = query.where(AuditEntry.seq > after.seq)
    if until is not None:
        query = query.where(AuditEntry.seq <= until)
    result = session.execute(query.execution_options(yield_per=1000))
    try:
        outcome = _walk(result.scalars(), after, observe)
    finally:
        result.close()
    if isinstance(outcome, VerifyResult):
        return outcome
    return _classify(session, outcome)


def _walk(
    entries: Iterable[AuditEntry], start: AuditEntry | None, observe: Observer | None
) -> VerifyResult | _Break:
    prev = start
    expected_seq, count = (start.seq + 1 if start is not None else 1), 0
    outcome: VerifyResult | _Break | None = None
    for entry in entries:
        if observe is not None:
            observe(entry)
        if outcome is not None:
            if observe is None:
                break
            continue
        outcome = _check(prev, entry, expected_seq, count)
        prev, expected_seq, count = entry, entry.seq + 1, count + 1
    return outcome or VerifyResult(True, count)


def _check(
    prev: AuditEntry | None, entry: AuditEntry, expected_seq: int, count: int
) -> VerifyResult | _Break | None:
    """The problem with ``entry`` following ``prev``, or None."""
    if not hash_matches(entry):
        detail = f"entry {entry.seq}'s fields no longer match its hash"
        return VerifyResult(False, count, entry.seq, BreakReason.EDITED, detail)
    if entry.prev_hash != (prev.entry_hash if prev is not None else GENESIS_HASH):
        return _Break(prev, entry, expected_seq, count)
    if entry.seq != expected_seq:
        detail = f"seq jumps from {expected_seq - 1} to {entry.seq} but the chain is intact"
        return VerifyResult(False, count, entry.seq, BreakReason.EDITED, detail)
    return None


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


__all__ = ["BreakReason", "Observer", "VerifyResult", "verify_chain"]

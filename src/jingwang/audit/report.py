"""Verifying the whole audit log with nothing but public keys: passed, failed or unknown.

:func:`verify_log` walks the chain once (:func:`~jingwang.audit.verify.verify_chain`) and, in the
same pass, notes what each checkpoint needs: the entry at its ``seq`` and how many entries lie
up to it. Then, for every checkpoint, oldest first:

1. its key id must be one of the keys given, or it is **unknown_key**;
2. its signature must cover the row as stored, or it is **bad_signature** (edited or forged);
3. the entry at its ``seq`` must still have the signed hash. No entry there and the log ends
   before it: entries were cut off the end (**truncated**); a different hash: the log was
   **rewritten** with fresh hashes somewhere after the newest checkpoint that still matches
   (the first entry after that checkpoint is named: only a backup can say which entry in
   between was changed; where the chain itself breaks in that range, the chain's entry is
   named instead);
4. the entries up to its ``seq`` must still number what it signed (**count**).

The chain's own problems (edited, deleted, inserted, reordered) come first. The report names
the first bad entry over all problems. Without a key the checkpoints are not checked, and the
report says **unknown**, never passed. Nothing here raises for a broken log: it is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwang.audit.checkpoints import CheckpointInfo, signature_valid
from jingwang.audit.keys import VerifyKey, keys_by_id
from jingwang.audit.models import AuditCheckpoint, AuditEntry
from jingwang.audit.verify import verify_chain


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # not checked: no key, or nothing signed yet


@dataclass(frozen=True)
class Problem:
    kind: str  # edited | deleted | inserted | reordered | truncated | rewritten | count | …
    detail: str
    seq: int | None = None  # the first entry concerned, when one can be named
    checkpoint_id: int | None = None


@dataclass(frozen=True)
class LogVerification:
    """The report of :func:`verify_log` (``jingwang audit verify --json`` prints it)."""

    status: Verdict  # failed: any problem; passed: chain and signatures passed; else unknown
    chain: Verdict  # the hash chain alone
    signatures: Verdict  # the checkpoints: signature, head and count (unknown: not checked)
    entries: int  # entries in the log
    verified: int  # entries before the first bad one (all of them when nothing is wrong)
    checkpoints: int
    checkpoints_verified: int  # checkpoints whose signature, head and count all check out
    first_bad_seq: int | None = None
    reason: str | None = None  # the kind of problem at first_bad_seq (or of the first one)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # findings that do not fail verification
    key_ids: list[str] = field(default_factory=list)  # the keys signatures were checked with
    latest_checkpoint: CheckpointInfo | None = None

    @property
    def ok(self) -> bool:
        return self.status is not Verdict.FAILED


@dataclass
class _Tally:
    """What one pass over the entries learned for the checkpoints."""

    wanted: set[int]  # the seqs checkpoints signed
    hashes: dict[int, str] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)
    seen: int = 0
    last_seq: int = 0

    def observe(self, entry: AuditEntry) -> None:
        self.seen += 1
        self.last_seq = max(self.last_seq, entry.seq)
        if entry.seq in self.wanted:
            self.hashes[entry.seq] = entry.entry_hash

    def count(self, session: Session, seqs: list[int], *, contiguous: bool) -> None:
        """Entries up to each of ``seqs``; an intact chain numbers them 1..n without gaps."""
        for seq in seqs:
            if contiguous:
                self.counts[seq] = min(seq, self.last_seq)
                continue
            query = select(func.count()).select_from(AuditEntry).where(AuditEntry.seq <= seq)
            self.counts[seq] = session.scalar(query) or 0


def verify_log(
    session: Session,
    keys: Iterable[VerifyKey] | None,
    *,
    stale_after: dt.timedelta | None = None,
    now: dt.datetime | None = None,
) -> LogVerification:
    """Verify the chain and every checkpoint with ``keys`` (None or empty: not checked).

    ``stale_after``: note when unsigned entries wait behind a checkpoint older than this.
    """
    trusted = keys_by_id(keys or ())
    checkpoints = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)))
    tally = _Tally({cp.seq for cp in checkpoints})
    chain = verify_chain(session, observe=tally.observe)
    problems: list[Problem] = []
    if not chain.ok:
        problems.append(Problem(str(chain.reason), chain.detail, chain.first_bad_seq))
    notes: list[str] = []
    checked = 0
    if trusted:
        signed = [cp.seq for cp in checkpoints if cp.key_id in trusted]
        tally.count(session, signed, contiguous=chain.ok)
        checked = _check_checkpoints(
            checkpoints, trusted, tally, problems, notes, chain.first_bad_seq
        )
    else:
        notes.append("no public key: checkpoint signatures were not checked")
    latest = CheckpointInfo.of(checkpoints[-1]) if checkpoints else None
    notes.extend(_coverage(tally, latest, stale_after, now or dt.datetime.now(dt.UTC)))
    signatures = (
        Verdict.FAILED if any(p.checkpoint_id is not None for p in problems)
        else Verdict.PASSED if trusted and checkpoints
        else Verdict.UNKNOWN
    )  # fmt: skip
    chain_verdict = Verdict.PASSED if chain.ok else Verdict.FAILED
    named = [p for p in problems if p.seq is not None]
    first = min(named, key=lambda p: p.seq or 0) if named else None
    return LogVerification(
        status=_overall(problems, chain_verdict, signatures),
        chain=chain_verdict,
        signatures=signatures,
        entries=tally.seen,
        verified=min(chain.count, first.seq - 1) if first and first.seq else chain.count,
        checkpoints=len(checkpoints),
        checkpoints_verified=checked,
        first_bad_seq=first.seq if first else None,
        reason=(first or problems[0]).kind if problems else None,
        problems=problems,
        notes=notes,
        key_ids=sorted(trusted),
        latest_checkpoint=latest,
    )


def _overall(problems: list[Problem], chain: Verdict, signatures: Verdict) -> Verdict:
    if problems:
        return Verdict.FAILED
    if chain is Verdict.PASSED and signatures is Verdict.PASSED:
        return Verdict.PASSED
    return Verdict.UNKNOWN


def _check_checkpoints(
    checkpoints: list[AuditCheckpoint],
    trusted: dict[str, VerifyKey],
    tally: _Tally,
    problems: list[Problem],
    notes: list[str],
    chain_bad: int | None,
) -> int:
    checked, last_good, diverged, later = 0, 0, False, 0
    for cp in checkpoints:
        when = cp.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        name = f"checkpoint {cp.id} (seq {cp.seq}, {when})"
        key = trusted.get(cp.key_id)
        if key is None:
            detail = f"{name} is signed by key {cp.key_id[:16]}…, not one of the keys given"
            problems.append(Problem("unknown_key", detail, None, cp.id))
            continue
        if not signature_valid(cp, key):
            detail = f"{name}: the signature does not cover the row: it was edited or forged"
            problems.append(Problem("bad_signature", detail, None, cp.id))
            continue
        problem = _match(cp, name, tally, last_good)
        if problem is not None and problem.kind == "rewritten" and chain_bad is not None:
            # Where the chain breaks in the rewritten range, it names the entry more precisely.
            precise = last_good < chain_bad <= cp.seq
            problem = replace(problem, seq=None) if precise else problem
        if problem is None:
            checked, last_good = checked + 1, cp.seq
        elif diverged:
            later += 1
        else:
            problems.append(problem)
            diverged = problem.kind in ("rewritten", "truncated")
    if later:
        notes.append(f"{later} later checkpoints no longer match the log either")
    return checked


def _match(cp: AuditCheckpoint, name: str, tally: _Tally, last_good: int) -> Problem | None:
    found = tally.hashes.get(cp.seq)
    if found is None and cp.seq > tally.last_seq:
        detail = (
            f"entries after seq {tally.last_seq} were deleted: {name} signed "
            f"{cp.entry_count} entries up to seq {cp.seq}"
        )
        return Problem("truncated", detail, tally.last_seq + 1, cp.id)
    if found is None:
        detail = f"entry {cp.seq}, which {name} signed, is missing"
        return Problem("deleted", detail, cp.seq, cp.id)
    if found != cp.head_hash:
        since = (
            f"the log still matches the checkpoint at seq {last_good}"
            if last_good
            else "no earlier checkpoint matches"
        )
        detail = (
            f"entries {last_good + 1} to {cp.seq} were rewritten with fresh hashes ({since}): "
            f"entry {cp.seq}'s hash is not the one {name} signed"
        )
        return Problem("rewritten", detail, last_good + 1, cp.id)
    counted = tally.counts.get(cp.seq, cp.entry_count)
    if counted != cp.entry_count:
        detail = f"{name} signed {cp.entry_count} entries up to seq {cp.seq}; there are {counted}"
        return Problem("count", detail, None, cp.id)
    return None


def _coverage(
    tally: _Tally,
    latest: CheckpointInfo | None,
    stale_after: dt.timedelta | None,
    now: dt.datetime,
) -> list[str]:
    """Notes on what the checkpoints do not cover yet."""
    if latest is None:
        return ["no checkpoint yet: nothing is signed"] if tally.seen else []
    if tally.last_seq <= latest.seq:
        return []
    notes = [
        f"entries {latest.seq + 1} to {tally.last_seq} are newer than the latest checkpoint "
        "and not signed yet"
    ]
    if stale_after is not None and now - latest.created_at > stale_after:
        notes.append(
            f"the latest checkpoint is from {latest.created_at:%Y-%m-%d %H:%M:%S} UTC: "
            "checkpoints stopped, or the newest ones were deleted; check the worker"
        )
    return notes


__all__ = ["LogVerification", "Problem", "Verdict", "verify_log"]

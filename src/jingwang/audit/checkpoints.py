"""Signed checkpoints: the head of the chain, signed with a key the database never sees.

A checkpoint signs this message (UTF-8, every line ending in ``\\n``)::

    jingwang-audit-checkpoint/v1
    seq=<the head entry's seq>
    head=<the head entry's entry_hash, 64 hex digits>
    count=<entries in the log up to and including seq>
    created_at=<YYYY-MM-DDTHH:MM:SS.ffffffZ, UTC>

with Ed25519 (RFC 8032); the 64-byte signature is stored in hex. The first line names the
recipe: a change of format gets a new version and old checkpoints keep verifying.

:func:`make_checkpoint` never signs a log it has not verified: it checks the entries after the
newest checkpoint it can trust (one its own key signed, whose entry still has the signed hash),
or the whole chain when there is none, and raises :class:`ChainBroken` naming the first bad
entry instead of signing. Verification is read-only and happens before the short transaction
that takes the audit lock, re-reads the head and writes the checkpoint, so appending waits only
for that. A head that already has a checkpoint is not signed again: running twice is harmless.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.audit.chain import format_utc, hash_matches
from jingwang.audit.errors import ChainBroken
from jingwang.audit.keys import SigningKey, VerifyKey
from jingwang.audit.log import AUDIT_LOCK
from jingwang.audit.models import AuditCheckpoint, AuditEntry
from jingwang.audit.verify import verify_chain
from jingwang.store import Database
from jingwang.store.base import utcnow
from jingwang.store.outbox import transaction_lock

MESSAGE_VERSION = "jingwang-audit-checkpoint/v1"


def checkpoint_message(
    seq: int, head_hash: str, entry_count: int, created_at: dt.datetime
) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    lines = (
        MESSAGE_VERSION,
        f"seq={seq}",
        f"head={head_hash}",
        f"count={entry_count}",
        f"created_at={format_utc(created_at)}",
    )
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def message_of(checkpoint: AuditCheckpoint) -> bytes:
    return checkpoint_message(
        checkpoint.seq, checkpoint.head_hash, checkpoint.entry_count, checkpoint.created_at
    )


def signature_valid(checkpoint: AuditCheckpoint, key: VerifyKey) -> bool:
    """True when ``key`` signed exactly what the row says (and the row names that key)."""
    try:
        signature = bytes.fromhex(checkpoint.signature)
    except ValueError:
        return False
    return checkpoint.key_id == key.key_id and key.verifies(signature, message_of(checkpoint))


@dataclass(frozen=True)
class CheckpointInfo:
    """The public view of a checkpoint (CLI ``--json``, verification reports)."""

    id: int
    seq: int
    head_hash: str
    entry_count: int
    created_at: dt.datetime
    key_id: str
    signature: str

    @classmethod
    def of(cls, row: AuditCheckpoint) -> CheckpointInfo:
        return cls(
            row.id, row.seq, row.head_hash, row.entry_count, row.created_at, row.key_id,
            row.signature,
        )  # fmt: skip


@dataclass(frozen=True)
class CheckpointOutcome:
    checkpoint: CheckpointInfo | None  # the new one, the one already covering the head, or None
    created: bool


@dataclass(frozen=True)
class _Head:
    seq: int
    entry_hash: str
    count: int


def make_checkpoint(
    db: Database, key: SigningKey, *, now: dt.datetime | None = None
) -> CheckpointOutcome:
    """Verify the log up to its head and sign a checkpoint of that head (see module docs)."""
    with db.session() as session:
        head = _verified_head(session, key.verify_key)
    if head is None:
        return CheckpointOutcome(None, False)
    with db.session() as session:
        transaction_lock(session, AUDIT_LOCK)
        existing = session.scalars(
            select(AuditCheckpoint)
            .where(AuditCheckpoint.seq >= head.seq)
            .order_by(AuditCheckpoint.seq.desc())
            .limit(1)
        ).first()
        if existing is not None and existing.seq > head.seq:
            raise ChainBroken(
                f"checkpoint {existing.id} covers entry {existing.seq} but the log ends at "
                f"{head.seq}: entries were deleted; run `jingwang audit verify`",
                seq=head.seq + 1,
                checkpoint_id=existing.id,
            )
        if existing is not None:
            return CheckpointOutcome(CheckpointInfo.of(existing), False)
        now_hash = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == head.seq))
        if now_hash != head.entry_hash:
            raise ChainBroken(
                f"entry {head.seq} changed while it was being verified; run `jingwang audit "
                "verify`",
                seq=head.seq,
            )
        created_at = now or utcnow()
        message = checkpoint_message(head.seq, head.entry_hash, head.count, created_at)
        row = AuditCheckpoint(
            seq=head.seq,
            head_hash=head.entry_hash,
            entry_count=head.count,
            created_at=created_at,
            key_id=key.key_id,
            signature=key.sign(message).hex(),
        )
        session.add(row)
        session.flush()
        return CheckpointOutcome(CheckpointInfo.of(row), True)


def _verified_head(session: Session, key: VerifyKey) -> _Head | None:
    """The newest entry, once everything up to it verifies; None for an empty log."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).one_or_none()
    if last is None:
        return None
    base, base_count = _trusted_base(session, key)
    if base is not None and base.seq >= last.seq:
        return _Head(base.seq, base.entry_hash, base_count)
    result = verify_chain(session, after=base, until=last.seq)
    if not result.ok:
        raise ChainBroken(
            f"refusing to sign the audit log: entry {result.first_bad_seq} is {result.reason} "
            f"({result.detail}); run `jingwang audit verify` and restore the log from a backup",
            seq=result.first_bad_seq,
            reason=str(result.reason),
        )
    return _Head(last.seq, last.entry_hash, base_count + result.count)


def _trusted_base(session: Session, key: VerifyKey) -> tuple[AuditEntry | None, int]:
    """The entry of the newest checkpoint this key signed and that still matches, and its count.

    A newest checkpoint this key signed that does not verify, or whose entry changed, is a
    break: nothing is signed on top of it.
    """
    latest = session.scalars(
        select(AuditCheckpoint)
        .where(AuditCheckpoint.key_id == key.key_id)
        .order_by(AuditCheckpoint.seq.desc())
        .limit(1)
    ).first()
    if latest is None:
        return None, 0
    if not signature_valid(latest, key):
        raise ChainBroken(
            f"checkpoint {latest.id}'s signature does not verify: the row was edited or forged; "
            "run `jingwang audit verify`",
            checkpoint_id=latest.id,
        )
    entry = session.get(AuditEntry, latest.seq)
    if entry is None or entry.entry_hash != latest.head_hash or not hash_matches(entry):
        raise ChainBroken(
            f"entry {latest.seq} no longer matches checkpoint {latest.id}: the log was "
            "rewritten or cut; run `jingwang audit verify`",
            seq=latest.seq,
            checkpoint_id=latest.id,
        )
    return entry, latest.entry_count


def list_checkpoints(session: Session, limit: int | None = None) -> list[AuditCheckpoint]:
    """Checkpoints, newest first."""
    query = select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


__all__ = [
    "MESSAGE_VERSION",
    "CheckpointInfo",
    "CheckpointOutcome",
    "checkpoint_message",
    "list_checkpoints",
    "make_checkpoint",
    "message_of",
    "signature_valid",
]

"""Signed checkpoints: the message format, signing only a verified log, and verify_log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from auditkit import guard_off
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from jingwang.audit import (
    AuditRecord,
    Verdict,
    append_entry,
    checkpoint_message,
    make_checkpoint,
    verify_log,
)
from jingwang.audit.checkpoints import list_checkpoints, signature_valid
from jingwang.audit.errors import ChainBroken
from jingwang.audit.keys import SigningKey, generate_key
from jingwang.store import Database

WHEN = dt.datetime(2026, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC)
GOLDEN_MESSAGE = (
    b"jingwang-audit-checkpoint/v1\nseq=12\nhead=" + b"ab" * 32 + b"\ncount=12\n"
    b"created_at=2026-02-03T04:05:06.789012Z\n"
)


@pytest.fixture
def key(tmp_path: Path) -> SigningKey:
    return generate_key(tmp_path / "keys" / "audit.pem")


def _append(db: Database, first: int, last: int) -> None:
    with db.session() as session:
        for n in range(first, last + 1):
            append_entry(
                session,
                AuditRecord(
                    occurred_at=WHEN + dt.timedelta(minutes=n),
                    recorded_at=WHEN + dt.timedelta(minutes=n),
                    action="tests.happened",
                    object_type="site",
                    object_id=f"site-{n}",
                    summary={"n": n},
                ),
            )


def _verify(db: Database, key: SigningKey | None) -> tuple[Verdict, int | None, str | None]:
    with db.session() as session:
        result = verify_log(session, [key.verify_key] if key else None)
    return result.status, result.first_bad_seq, result.reason


def test_the_signed_message_and_signature_are_stable() -> None:
    """Golden values: v1 may never change, or auditors' tools stop verifying old checkpoints."""
    assert checkpoint_message(12, "ab" * 32, 12, WHEN) == GOLDEN_MESSAGE
    fixed = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(range(32))), Path("fixed"))
    assert fixed.key_id == "56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c"
    assert fixed.sign(GOLDEN_MESSAGE).hex() == (
        "ad597ca028670143f3ac8dab9ab3b92795d659236077a4994204a78455f3c8e5"
        "8e6397075a485bb10dc00d3f985da76aa6419fba2e8ced79b1e8273c14ada70f"
    )


def test_an_empty_log_is_not_signed(db: Database, key: SigningKey) -> None:
    outcome = make_checkpoint(db, key)
    assert (outcome.checkpoint, outcome.created) == (None, False)


def test_checkpoints_sign_the_head_once_and_continue_from_the_last(
    db: Database, key: SigningKey
) -> None:
    _append(db, 1, 3)
    first = make_checkpoint(db, key, now=WHEN)
    assert first.created
    assert first.checkpoint is not None
    assert (first.checkpoint.seq, first.checkpoint.entry_count) == (3, 3)
    assert make_checkpoint(db, key).checkpoint == first.checkpoint  # nothing new: not signed
    _append(db, 4, 5)
    second = make_checkpoint(db, key)
    assert second.created
    assert second.checkpoint is not None
    assert (second.checkpoint.seq, second.checkpoint.entry_count) == (5, 5)
    with db.session() as session:
        rows = list_checkpoints(session)
        assert [row.seq for row in rows] == [5, 3]
        assert all(signature_valid(row, key.verify_key) for row in rows)
    assert _verify(db, key) == (Verdict.PASSED, None, None)


def test_a_broken_log_is_not_signed(db: Database, key: SigningKey) -> None:
    _append(db, 1, 3)
    make_checkpoint(db, key)
    _append(db, 4, 6)
    with db.session() as session, guard_off(session):
        session.execute(text("UPDATE audit_entries SET object_id = 'forged' WHERE seq = 5"))
    with pytest.raises(ChainBroken, match="entry 5 is edited") as caught:
        make_checkpoint(db, key)
    assert caught.value.details["seq"] == 5


def test_nothing_is_signed_on_top_of_a_forged_checkpoint(db: Database, key: SigningKey) -> None:
    _append(db, 1, 3)
    make_checkpoint(db, key)
    _append(db, 4, 4)
    with db.session() as session, guard_off(session):
        session.execute(text("UPDATE audit_checkpoints SET entry_count = 2"))
    with pytest.raises(ChainBroken, match="signature does not verify"):
        make_checkpoint(db, key)


def test_nothing_is_signed_after_entries_below_a_checkpoint_vanished(
    db: Database, key: SigningKey
) -> None:
    _append(db, 1, 3)
    make_checkpoint(db, key)
    with db.session() as session, guard_off(session):
        session.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    with pytest.raises(ChainBroken, match="no longer matches checkpoint"):
        make_checkpoint(db, key)


def test_without_a_key_checkpoints_are_unknown_not_passed(db: Database, key: SigningKey) -> None:
    _append(db, 1, 3)
    make_checkpoint(db, key)
    with db.session() as session:
        result = verify_log(session, None)
    assert (result.status, result.chain, result.signatures) == (
        Verdict.UNKNOWN,
        Verdict.PASSED,
        Verdict.UNKNOWN,
    )
    assert "no public key: checkpoint signatures were not checked" in result.notes
    assert result.problems == []


def test_a_checkpoint_signed_by_another_key_fails(
    db: Database, key: SigningKey, tmp_path: Path
) -> None:
    _append(db, 1, 3)
    make_checkpoint(db, generate_key(tmp_path / "other.pem"))
    with db.session() as session:
        result = verify_log(session, [key.verify_key])
    assert result.status is Verdict.FAILED
    assert result.signatures is Verdict.FAILED
    assert [p.kind for p in result.problems] == ["unknown_key"]
    assert result.first_bad_seq is None
    assert result.reason == "unknown_key"


def test_unsigned_entries_after_the_latest_checkpoint_are_noted(
    db: Database, key: SigningKey
) -> None:
    _append(db, 1, 2)
    make_checkpoint(db, key, now=WHEN)
    _append(db, 3, 4)
    with db.session() as session:
        result = verify_log(
            session, [key.verify_key], stale_after=dt.timedelta(minutes=30), now=WHEN
        )
        stale = verify_log(
            session, [key.verify_key], stale_after=dt.timedelta(minutes=30),
            now=WHEN + dt.timedelta(hours=1),
        )  # fmt: skip
    assert result.status is Verdict.PASSED
    assert result.notes == [
        "entries 3 to 4 are newer than the latest checkpoint and not signed yet"
    ]
    assert "checkpoints stopped, or the newest ones were deleted" in stale.notes[-1]


def test_a_deleted_entry_also_miscounts_the_checkpoint_after_it(
    db: Database, key: SigningKey
) -> None:
    _append(db, 1, 4)
    make_checkpoint(db, key)
    with db.session() as session, guard_off(session):
        session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    with db.session() as session:
        result = verify_log(session, [key.verify_key])
    assert (result.first_bad_seq, result.reason) == (2, "deleted")
    assert [p.kind for p in result.problems] == ["deleted", "count"]
    assert "signed 4 entries up to seq 4; there are 3" in result.problems[1].detail

"""Tampering with the committed audit tables as a database administrator could, then
``jingwang audit verify`` with only the public key: each kind of tampering is named.

The log is built the real way: typed events go to the outbox, the sequencer publishes them to
the audit log, and ``jingwang audit checkpoint`` signs the head after entries 3, 6 and 9.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from auditkit import guard_off, run_cli, tamper
from sqlalchemy import select, update

from jingwang.audit import AuditEntry, AuditLogConsumer, compute_hash
from jingwang.audit.chain import record_of
from jingwang.cli.exit_codes import ExitCode
from jingwang.core.events import EventActor
from jingwang.jobs.events import JobCancelled
from jingwang.jobs.sequencer import Sequencer
from jingwang.settings import Settings
from jingwang.store import Database
from jingwang.store.outbox import emit

Capsys = pytest.CaptureFixture[str]


@dataclass(frozen=True)
class SignedLog:
    settings: Settings
    db: Database
    public_key: Path

    def verify(self, capsys: Capsys, *args: str) -> tuple[int, dict[str, object], str]:
        """``audit verify --public-key … --json`` and the human output: code, JSON, text."""
        key = ("--public-key", str(self.public_key))
        code, out, _ = run_cli(capsys, self.settings, "audit", "verify", *key, "--json", *args)
        human_code, text_out, text_err = run_cli(capsys, self.settings, "audit", "verify", *key)
        assert human_code == code
        return code, json.loads(out), text_out + text_err


def _events(db: Database, first: int, last: int) -> None:
    with db.session() as session:
        for n in range(first, last + 1):
            actor = EventActor(type="user", id="alice", org_id="7")
            emit(session, JobCancelled(object_id=str(n), actor=actor, kind="k", previous_state="q"))
    assert Sequencer(db, [AuditLogConsumer()]).run().published == last - first + 1


@pytest.fixture
def signed_log(capsys: Capsys, live_settings: Settings, live_db: Database) -> SignedLog:
    assert run_cli(capsys, live_settings, "audit", "keygen")[0] == ExitCode.OK
    code, pem, _ = run_cli(capsys, live_settings, "audit", "export-key")
    assert code == ExitCode.OK
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    public_key = live_settings.data_dir / "auditor.pub.pem"
    public_key.write_text(pem)
    for first in (1, 4, 7):
        _events(live_db, first, first + 2)
        code, out, _ = run_cli(capsys, live_settings, "audit", "checkpoint")
        assert code == ExitCode.OK
        assert f"seq {first + 2}, {first + 2} entries" in out
    return SignedLog(live_settings, live_db, public_key)


def _rewrite_from(db: Database, seq: int) -> None:
    """Edit entry ``seq`` and give it and every later entry fresh, consistent hashes."""
    with db.session() as session, guard_off(session):
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        prev_hash = entries[seq - 2].entry_hash if seq > 1 else "0" * 64
        for entry in entries[seq - 1 :]:
            record = record_of(entry)
            if entry.seq == seq:
                record = record.model_copy(update={"summary": {"kind": "forged"}})
            new_hash = compute_hash(record, prev_hash)
            session.execute(
                update(AuditEntry)
                .where(AuditEntry.seq == entry.seq)
                .values(summary=record.summary, prev_hash=prev_hash, entry_hash=new_hash)
            )
            prev_hash = new_hash


def test_a_clean_log_passes(capsys: Capsys, signed_log: SignedLog) -> None:
    code, report, text = signed_log.verify(capsys)
    assert code == ExitCode.OK
    assert (report["status"], report["chain"], report["signatures"]) == ("passed",) * 3
    assert (report["entries"], report["checkpoints"], report["checkpoints_verified"]) == (9, 3, 3)
    assert "audit log passed" in text
    assert "intact: 9 entries" in text
    # Without --public-key the configured key's public half is used.
    code, out, _ = run_cli(capsys, signed_log.settings, "audit", "verify", "--strict")
    assert code == ExitCode.OK
    assert "3 of 3 verified" in out


def _fails(capsys: Capsys, log: SignedLog, seq: int, reason: str) -> dict[str, object]:
    code, report, text = log.verify(capsys)
    assert code == ExitCode.FAILURE, text
    assert (report["status"], report["first_bad_seq"], report["reason"]) == (
        "failed",
        seq,
        reason,
    ), report["problems"]
    assert f"audit log broken at entry {seq}: {reason}" in text
    return report


def test_an_edited_summary_is_named(capsys: Capsys, signed_log: SignedLog) -> None:
    tamper(signed_log.db, """UPDATE audit_entries SET summary = '{"kind": "x"}' WHERE seq = 5""")
    report = _fails(capsys, signed_log, 5, "edited")
    assert report["verified"] == 4


def test_a_deleted_entry_is_named(capsys: Capsys, signed_log: SignedLog) -> None:
    tamper(signed_log.db, "DELETE FROM audit_entries WHERE seq = 5")
    _fails(capsys, signed_log, 5, "deleted")


def test_two_swapped_entries_are_named(capsys: Capsys, signed_log: SignedLog) -> None:
    tamper(
        signed_log.db,
        "UPDATE audit_entries SET seq = 105 WHERE seq = 5",
        "UPDATE audit_entries SET seq = 5 WHERE seq = 6",
        "UPDATE audit_entries SET seq = 6 WHERE seq = 105",
    )
    report = _fails(capsys, signed_log, 5, "reordered")
    kinds = [p["kind"] for p in report["problems"]]  # type: ignore[attr-defined]
    assert kinds == ["reordered", "rewritten"]  # checkpoint 2 signed the old entry 6


def test_an_inserted_entry_is_named(capsys: Capsys, signed_log: SignedLog) -> None:
    tamper(
        signed_log.db,
        "UPDATE audit_entries SET seq = seq + 100 WHERE seq >= 7",
        "UPDATE audit_entries SET seq = seq - 99 WHERE seq >= 100",
    )
    with signed_log.db.session() as session:
        sixth = session.get(AuditEntry, 6)
        assert sixth is not None
        forged = record_of(sixth).model_copy(update={"object_id": "forged", "event_id": None})
        link = sixth.entry_hash
        entry_hash = compute_hash(forged, link)
        session.add(AuditEntry(seq=7, prev_hash=link, entry_hash=entry_hash, **forged.model_dump()))
    _fails(capsys, signed_log, 7, "inserted")


def test_a_truncated_tail_is_named(capsys: Capsys, signed_log: SignedLog) -> None:
    tamper(signed_log.db, "DELETE FROM audit_entries WHERE seq >= 8")
    report = _fails(capsys, signed_log, 8, "truncated")
    assert report["chain"] == "passed"  # the hash chain alone cannot see this
    _, _, text = signed_log.verify(capsys)
    assert "entries after seq 7 were deleted" in text


def test_a_chain_rewritten_after_a_checkpoint_is_named(
    capsys: Capsys, signed_log: SignedLog
) -> None:
    _rewrite_from(signed_log.db, 7)
    report = _fails(capsys, signed_log, 7, "rewritten")
    assert report["chain"] == "passed"


def test_a_chain_rewritten_between_checkpoints_names_the_range(
    capsys: Capsys, signed_log: SignedLog
) -> None:
    """Checkpoints sign heads only: the rewrite of entry 5 is placed after the checkpoint at
    seq 3 that still matches, and the range up to the first one that does not is given."""
    _rewrite_from(signed_log.db, 5)
    report = _fails(capsys, signed_log, 4, "rewritten")
    problems = report["problems"]
    assert isinstance(problems, list)
    assert len(problems) == 1
    assert "entries 4 to 6 were rewritten" in problems[0]["detail"]
    assert "1 later checkpoints no longer match the log either" in report["notes"]  # type: ignore[operator]


def test_a_forged_checkpoint_fails_its_signature(capsys: Capsys, signed_log: SignedLog) -> None:
    _rewrite_from(signed_log.db, 8)
    with signed_log.db.session() as session:
        new_head = session.scalars(select(AuditEntry.entry_hash).where(AuditEntry.seq == 9)).one()
    tamper(signed_log.db, f"UPDATE audit_checkpoints SET head_hash = '{new_head}' WHERE seq = 9")
    code, report, text = signed_log.verify(capsys)
    assert code == ExitCode.FAILURE
    assert [p["kind"] for p in report["problems"]] == ["bad_signature"]  # type: ignore[attr-defined]
    assert "the signature does not cover the row" in text
    assert report["signatures"] == "failed"
    assert report["checkpoints_verified"] == 2


def test_without_a_key_checkpoints_are_unknown(
    capsys: Capsys, signed_log: SignedLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    tamper(signed_log.db, "DELETE FROM audit_entries WHERE seq >= 8")
    monkeypatch.setenv("JINGWANG_AUDIT_SIGNING_KEY", str(signed_log.settings.data_dir / "none"))
    code, out, _ = run_cli(capsys, signed_log.settings, "audit", "verify", "--json")
    report = json.loads(out)
    assert code == ExitCode.OK
    assert report["status"] == "unknown"
    assert report["signatures"] == "unknown"
    assert report["problems"] == []
    code, out, _ = run_cli(capsys, signed_log.settings, "audit", "verify", "--strict")
    assert code == ExitCode.FAILURE
    assert "audit log unknown" in out
    assert "not checked (unknown): no public key" in out


def test_checkpointing_a_tampered_log_is_refused(capsys: Capsys, signed_log: SignedLog) -> None:
    _events(signed_log.db, 10, 10)
    tamper(signed_log.db, "UPDATE audit_entries SET actor_id = 'mallory' WHERE seq = 10")
    code, _, err = run_cli(capsys, signed_log.settings, "audit", "checkpoint")
    assert code == ExitCode.CONFLICT
    assert "refusing to sign the audit log: entry 10 is edited" in err

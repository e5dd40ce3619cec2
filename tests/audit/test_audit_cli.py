"""``jingwang audit verify`` exits 0 on an intact chain and names the first bad entry otherwise."""

from __future__ import annotations

import json

import pytest
from auditkit import tamper

from jingwang.cli.app import main
from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings
from jingwang.store import Database


def _run(capsys: pytest.CaptureFixture[str], settings: Settings, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(
        [
            "--data-dir", str(settings.data_dir),
            "--database-url", settings.resolved_database_url,
            "--queue-url", "memory://",
            *args,
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_verify_clean_then_tampered(
    capsys: pytest.CaptureFixture[str], live_settings: Settings, live_db: Database
) -> None:
    for _ in range(3):  # each verification run emits an event; enqueue runs the sequencer
        assert _run(capsys, live_settings, "jobs", "enqueue", "blobs.verify")[0] == ExitCode.OK
    code, out = _run(capsys, live_settings, "audit", "verify")
    assert code == ExitCode.OK
    assert "intact: 3 entries" in out
    code, out = _run(capsys, live_settings, "audit", "tail", "--json")
    entries = json.loads(out)
    assert [e["seq"] for e in entries] == [3, 2, 1]
    assert entries[0]["action"] == "store.blobs_verified"

    tamper(live_db, "UPDATE audit_entries SET actor_id = 'mallory' WHERE seq = 2")
    code, out = _run(capsys, live_settings, "audit", "verify")
    assert code == ExitCode.FAILURE
    assert "broken at entry 2: edited" in out
    code, out = _run(capsys, live_settings, "audit", "verify", "--json")
    assert code == ExitCode.FAILURE
    assert json.loads(out)["first_bad_seq"] == 2

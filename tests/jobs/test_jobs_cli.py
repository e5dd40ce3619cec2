"""``jingwang jobs …`` in-process, with the memory:// queue: jobs run before the command returns."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jingwang.cli.app import main
from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], live_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.setenv("JINGWANG_JOB_MODULES", '["testkinds"]')
    base = [
        "--data-dir", str(live_settings.data_dir),
        "--database-url", live_settings.resolved_database_url,
        "--queue-url", "memory://",
    ]  # fmt: skip

    def run(*args: str) -> tuple[int, Any]:
        capsys.readouterr()
        code = main([*base, *args])
        captured = capsys.readouterr()
        out = captured.out
        if "--json" in args and code == ExitCode.OK:
            return code, json.loads(out)
        return code, out + captured.err

    return run


def test_enqueue_runs_inline_and_list_show_it(cli: Any) -> None:
    code, job = cli("jobs", "enqueue", "tests.echo", "--payload", '{"message": "hi"}', "--json")
    assert code == ExitCode.OK
    assert (job["state"], job["result"]) == ("succeeded", {"echo": "hi", "attempt": 1})
    code, jobs = cli("jobs", "list", "--state", "succeeded", "--json")
    assert [j["id"] for j in jobs] == [job["id"]]
    code, shown = cli("jobs", "show", str(job["id"]), "--json")
    assert shown["kind"] == "tests.echo"
    code, text = cli("jobs", "list")
    assert code == ExitCode.OK
    assert "tests.echo" in text
    code, text = cli("jobs", "show", str(job["id"]))
    assert code == ExitCode.OK
    assert "succeeded" in text


def test_idempotency_key_from_the_command_line(cli: Any) -> None:
    args = ("jobs", "enqueue", "tests.echo", "--payload", '{"message": "x"}')
    _, first = cli(*args, "--idempotency-key", "k1", "--json")
    _, again = cli(*args, "--idempotency-key", "k1", "--json")
    assert first["id"] == again["id"]


def test_bad_input_has_its_exit_code(cli: Any) -> None:
    code, text = cli("jobs", "enqueue", "tests.echo", "--payload", "{nope")
    assert code == ExitCode.INVALID_INPUT
    assert "not valid JSON" in text
    code, text = cli("jobs", "enqueue", "tests.echo", "--payload", "{}")
    assert code == ExitCode.INVALID_INPUT
    assert "message" in text
    code, text = cli("jobs", "enqueue", "no.such")
    assert code == ExitCode.INVALID_INPUT
    assert "tests.echo" in text
    code, text = cli("jobs", "show", "999")
    assert code == ExitCode.NOT_FOUND


def test_cancel_and_retry(cli: Any) -> None:
    _, dead = cli(
        "jobs", "enqueue", "tests.flaky", "--payload", '{"fail_attempts": 1, "permanent": true}',
        "--json",
    )  # fmt: skip
    assert dead["state"] == "dead"
    code, text = cli("jobs", "cancel", str(dead["id"]))
    assert code == ExitCode.CONFLICT
    assert "only an unfinished job" in text
    code, text = cli("jobs", "retry", str(dead["id"]))
    assert code == ExitCode.OK
    assert "queued" in text
    code, text = cli("jobs", "cancel", str(dead["id"]))
    assert code == ExitCode.OK
    assert "cancelled" in text


def test_kinds_and_schedules(cli: Any) -> None:
    _, kinds = cli("jobs", "kinds", "--json")
    assert {"blobs.verify", "system.sequence_outbox", "tests.echo"} <= {k["name"] for k in kinds}
    code, schedules = cli("jobs", "schedules", "--json")
    assert code == ExitCode.OK
    assert schedules == []
    code, text = cli("jobs", "kinds")
    assert code == ExitCode.OK
    assert "blobs.verify" in text

"""``jingwang decisions record | list | withdraw`` against a real, committed database."""

from __future__ import annotations

import json

import pytest

from accounts.accountkit import CliRun as Run
from accounts.accountkit import cli_runner
from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings
from jingwang.store import Database


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], live_settings: Settings, live_db: Database) -> Run:
    return cli_runner(capsys, live_settings)


def test_record_list_withdraw(run: Run) -> None:
    code, out = run(
        "decisions", "record", "http://wap.porn.test/a", "--verdict", "porn", "--reason", "nudes",
        "--json",
    )  # fmt: skip
    assert code == ExitCode.OK, out
    [recorded] = json.loads(out)
    assert (recorded["domain"], recorded["verdict"], recorded["state"]) == (
        "porn.test",
        "porn",
        "confirmed",
    )
    code, out = run("decisions", "record", "porn.test", "--verdict", "porn", "--reason", "again")
    assert code == ExitCode.OK
    assert "porn.test" in out
    code, out = run("decisions", "list", "--domain", "m.porn.test", "--json")
    assert [d["id"] for d in json.loads(out)] == [recorded["id"]]
    code, out = run("decisions", "withdraw", str(recorded["id"]), "--reason", "mistaken")
    assert code == ExitCode.OK, out
    assert "withdrawn" in out
    code, out = run("decisions", "list", "--state", "confirmed", "--json")
    assert json.loads(out) == []
    code, out = run("decisions", "withdraw", str(recorded["id"]), "--reason", "again")
    assert code == ExitCode.CONFLICT


def test_bad_input_exit_codes(run: Run) -> None:
    code, out = run("decisions", "record", "porn.test", "--verdict", "naughty", "--reason", "x")
    assert code == ExitCode.INVALID_INPUT
    assert "not a verdict" in out
    code, _ = run("decisions", "record", "porn.test", "--verdict", "porn")
    assert code == ExitCode.USAGE
    code, _ = run("decisions", "withdraw", "12345", "--reason", "x")
    assert code == ExitCode.NOT_FOUND
    code, _ = run("decisions", "list", "--state", "maybe")
    assert code == ExitCode.INVALID_INPUT

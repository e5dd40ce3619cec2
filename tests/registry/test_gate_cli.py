"""``jingwang registry connect-check`` against a real, committed database: answers, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from registrykit import FILING_HEADER, csv_bytes, make_world

from accounts.accountkit import CliRun as Run
from accounts.accountkit import cli_runner
from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings
from jingwang.store import Database

FILED = "粤ICP备2021123456号,filing,Happy Net Ltd,company,GD,active,wap.happy.test,2009-06-01"


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str], live_settings: Settings, live_db: Database, tmp_path: Path
) -> Run:
    with live_db.session() as session:
        make_world(session)

    run_ = cli_runner(capsys, live_settings)

    path = tmp_path / "filings.csv"
    path.write_bytes(csv_bytes(FILED, header=FILING_HEADER))
    code, out = run_("registry", "import", "filing", str(path), "--as-of", "2010-01-01")
    assert code == ExitCode.OK, out
    return run_


def test_allowed_exits_0_and_names_the_filing(run: Run) -> None:
    code, out = run("registry", "connect-check", "wap.happy.test", "--provider", "Fast Access")
    assert code == ExitCode.OK, out
    assert "happy.test" in out
    assert "allowed" in out
    assert "粤ICP备2021123456号 (active) Happy Net Ltd" in out


def test_refused_exits_10_with_the_reasons(run: Run) -> None:
    code, out = run("registry", "connect-check", "porn.test", "--provider", "Fast Access")
    assert code == ExitCode.REFUSED == 10
    assert "refused  not_filed:" in out
    code, out = run("registry", "connect-check", "porn.test", "--provider", "Fast Access", "--json")
    answer = json.loads(out)
    assert (answer["allowed"], answer["domain"]) == (False, "porn.test")
    assert [r["code"] for r in answer["reasons"]] == ["not_filed"]


def test_customer_date_and_errors(run: Run) -> None:
    code, out = run(
        "registry",
        "connect-check",
        "happy.test",
        "--provider",
        "Fast Access",
        "--customer",
        "Someone Else",
        "--on",
        "2010-02-01",
        "--json",
    )
    answer = json.loads(out)
    assert code == ExitCode.OK
    assert [w["code"] for w in answer["warnings"]] == ["customer_differs"]
    assert answer["on"] == "2010-02-01"
    code, _ = run(
        "registry", "connect-check", "happy.test", "--provider", "Fast Access", "--on", "2009-01-01"
    )
    assert code == ExitCode.REFUSED
    code, out = run("registry", "connect-check", "com.cn", "--provider", "Fast Access")
    assert code == ExitCode.INVALID_INPUT
    code, out = run("registry", "connect-check", "happy.test")
    assert code == ExitCode.INVALID_INPUT
    assert "name the access provider" in out
    code, out = run("registry", "connect-check", "happy.test", "--provider", "Nobody")
    assert code == ExitCode.NOT_FOUND

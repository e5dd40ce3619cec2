"""``jingwang registry import | export | who-connected`` against a real, committed database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from registrykit import FILING_HEADER, SUBLET_HEADER, csv_bytes, make_world

from accounts.accountkit import CliRun as Run
from accounts.accountkit import cli_runner
from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings
from jingwang.store import Database


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], live_settings: Settings, live_db: Database) -> Run:
    with live_db.session() as session:
        make_world(session)

    return cli_runner(capsys, live_settings)


def _file(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_then_who_connected_and_export(run: Run, tmp_path: Path) -> None:
    good = _file(tmp_path, "ok.csv", csv_bytes("Fast Access,wap.porn.test,,10.1.0.0/16,,,"))
    code, out = run("registry", "import", "connection", good, "--as-of", "2010-01-05")
    assert code == ExitCode.OK, out
    assert "1 added" in out
    code, out = run("registry", "who-connected", "m.porn.test", "--on", "2010-01-05", "--json")
    assert code == ExitCode.OK, out
    assert [fact["provider"] for fact in json.loads(out)] == ["Fast Access"]
    code, out = run("registry", "who-connected", "porn.test", "--on", "2010-01-04")
    assert code == ExitCode.NOT_FOUND
    code, out = run("registry", "export", "connection", "--as-of", "2010-01-05")
    assert code == ExitCode.OK
    assert out.splitlines()[1].startswith("Fast Access,porn.test,")


def test_a_bad_file_imports_nothing_and_says_why(run: Run, tmp_path: Path) -> None:
    bad = _file(tmp_path, "bad.csv", csv_bytes("Nobody,a.test,,,,,", "Fast Access,b.test,,,,,"))
    code, out = run("registry", "import", "connection", bad, "--json")
    assert code == ExitCode.INVALID_INPUT
    report = json.loads(out)
    assert (report["applied"], report["rejected"]) == (False, 1)
    assert report["errors"][0]["line"] == 2
    code, out = run("registry", "import", "connection", bad, "--good-rows")
    assert code == ExitCode.OK, out
    assert "1 rejected" in out


def test_mapping_org_and_snapshot_options(run: Run, tmp_path: Path) -> None:
    data = csv_bytes("Reseller One,a.test", "Other Access,b.test", header="接入方,网址")
    path = _file(tmp_path, "m.csv", data)
    mapping = _file(
        tmp_path, "m.json", json.dumps({"接入方": "provider", "网址": "domain"}).encode()
    )
    args = ("registry", "import", "connection", path, "--mapping", mapping)
    snapshot = ("--org", "Fast Access", "--mode", "snapshot", "--as-of", "2010-01-01", "--json")
    code, out = run(*args, *snapshot)
    assert code == ExitCode.INVALID_INPUT
    [error] = json.loads(out)["errors"]
    assert (error["line"], error["column"]) == (3, "provider")
    assert "nor one below it" in error["reason"]
    code, out = run(*args, "--as-of", "2010-01-01")
    assert code == ExitCode.OK, out
    code, out = run("registry", "import", "connection", path, "--mapping", path)
    assert code == ExitCode.INVALID_INPUT
    assert "mapping" in out


def test_filing_and_sublet_import_and_export(run: Run, tmp_path: Path) -> None:
    filings = csv_bytes(
        "粤ICP备2021123456号,,Happy Net Ltd,company,,active,wap.happy.test,2010-01-01",
        header=FILING_HEADER,
    )
    path = _file(tmp_path, "filings.csv", filings)
    code, out = run("registry", "import", "filing", path, "--as-of", "2010-01-05")
    assert code == ExitCode.OK, out
    assert "1 added" in out
    code, out = run("registry", "export", "filing", "--as-of", "2010-01-05")
    assert code == ExitCode.OK
    assert out.splitlines()[1] == (
        "粤ICP备2021123456号,filing,Happy Net Ltd,company,GD,active,happy.test,2010-01-01"
    )
    code, out = run("registry", "import", "filing", path, "--org", "Fast Access")
    assert code == ExitCode.INVALID_INPUT
    assert "--org" in out
    edges = csv_bytes("Fast Access,Reseller One,10.1.0.0/16,,", header=SUBLET_HEADER)
    code, out = run("registry", "import", "sublet", _file(tmp_path, "s.csv", edges))
    assert code == ExitCode.OK, out
    code, out = run("registry", "export", "sublet")
    assert out.splitlines()[1].startswith("Fast Access,Reseller One,10.1.0.0/16,,")

"""``jingwang registry audit | rules | observe`` against a real, committed database."""

from __future__ import annotations

import io
import json

import pytest
from registry_auditkit import connect, filing, org
from sqlalchemy import select

from accounts.accountkit import CliRun as Run
from accounts.accountkit import cli_runner
from jingwang.cli.exit_codes import ExitCode
from jingwang.registry.models import AuditRun, ObservedNumber
from jingwang.settings import Settings
from jingwang.store import Database


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], live_settings: Settings, live_db: Database) -> Run:
    with live_db.session() as session:
        ap = org(session, "Fast Access")
        filing(session, "粤ICP备09012345号", "News Ltd", "news.test")
        connect(session, ap, "porn.test")
        connect(session, ap, "news.test")

    return cli_runner(capsys, live_settings)


def test_audit_prints_counts_per_rule(run: Run, live_db: Database) -> None:
    code, out = run("registry", "audit", "--on", "2010-06-01", "--json")
    assert code == ExitCode.OK, out
    summary = json.loads(out)
    assert summary["mode"] == "full"
    assert len(summary["rules"]) == 9
    assert summary["counts"]["unfiled_site_connected"]["new"] == 1
    code, out = run(
        "registry", "audit", "--incremental", "--on", "2010-06-01", "--rule", "holder_mismatch"
    )
    assert code == ExitCode.OK, out
    assert "audit run" in out
    with live_db.session() as session:
        runs = [(r.mode, r.rules) for r in session.scalars(select(AuditRun).order_by(AuditRun.id))]
    assert runs[1] == ("incremental", ["holder_mismatch"])
    assert runs[0][0] == "full"
    code, out = run("registry", "audit", "--rule", "no_such_rule")
    assert code == ExitCode.INVALID_INPUT, out


def test_rules_lists_the_nine_rules(run: Run) -> None:
    code, out = run("registry", "rules", "--json")
    assert code == ExitCode.OK, out
    names = [rule["name"] for rule in json.loads(out)]
    assert (names[0], len(names)) == ("unfiled_site_connected", 9)
    code, out = run("registry", "rules", "--lang", "zh")
    assert code == ExitCode.OK, out
    assert "接入未备案网站" in out


def test_observe_records_the_numbers_a_page_shows(
    run: Run, live_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = "<p>粤ＩＣＰ备０９０１２３４５号－１ 京ICP备XXXXXXXX号</p>".encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(page), encoding="utf-8"))
    code, out = run("registry", "observe", "http://wap.news.test/about", "--capture", "c-1")
    assert code == ExitCode.OK, out
    assert out.splitlines() == ["粤ICP备09012345号-1", "京ICP备XXXXXXXX号\tinvalid"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"nothing"), encoding="utf-8"))
    code, out = run("registry", "observe", "news.test", "--json")
    assert code == ExitCode.OK, out
    assert json.loads(out)[0]["number"] is None
    with live_db.session() as session:
        rows = list(session.scalars(select(ObservedNumber).order_by(ObservedNumber.id)))
    assert [(r.number, r.source, r.capture_ref) for r in rows] == [
        ("粤ICP备09012345号-1", "manual", "c-1"),
        (None, "manual", "c-1"),
        (None, "manual", None),
    ]
    assert rows[0].url == "http://wap.news.test/about"

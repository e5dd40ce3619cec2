"""``jingwang registry findings | finding --lang``: subjects in English by default, or Chinese."""

from __future__ import annotations

import json

import pytest
from registry_auditkit import connect, filing, org

from accounts.accountkit import CliRun as Run
from accounts.accountkit import cli_runner
from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings
from jingwang.store import Database


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], live_settings: Settings, live_db: Database) -> Run:
    with live_db.session() as session:
        ap = org(session, "Fast Access")
        filing(session, "京ICP备05002571号", "Gone Ltd", "jingbei-wap.test", status="revoked")
        connect(session, ap, "jingbei-wap.test")
    return cli_runner(capsys, live_settings)


def test_findings_and_finding_write_the_subject_in_the_asked_language(run: Run) -> None:
    code, out = run(
        "registry", "audit", "--on", "2010-06-01", "--rule", "filing_revoked_or_expired"
    )
    assert code == ExitCode.OK, out
    code, out = run("registry", "findings", "--lang", "zh", "--json")
    assert code == ExitCode.OK, out
    (item,) = json.loads(out)["items"]
    assert item["subject"] == "jingbei-wap.test: revoked"
    assert item["subject_text"] == "jingbei-wap.test：备案已吊销"
    assert item["subjects"] == {"zh": item["subject_text"], "en": item["subject"]}
    code, out = run("registry", "finding", str(item["id"]), "--lang", "zh")
    assert code == ExitCode.OK, out
    assert "jingbei-wap.test：备案已吊销" in out
    assert "备案已注销或过期" in out  # the rule's title in Chinese too
    code, out = run("registry", "finding", str(item["id"]))
    assert code == ExitCode.OK, out
    assert "subject      jingbei-wap.test: revoked" in out

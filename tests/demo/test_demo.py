"""`jingwang demo`: a fresh data folder, demo data, web + worker, seen in real Chromium."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from jingwang.accounts.demo import DEMO_PASSWORD
from jingwang.cli.app import main
from jingwang.cli.exit_codes import ExitCode
from jingwang.demo.datadir import DEMO_MARKER, fresh_data_dir
from jingwang.errors import Conflict

READY = re.compile(r"jingwang demo ready at (http://\S+)")
DEADLINE_S = 240.0  # the demo probes the sample web (Chromium screenshots) before serving


@dataclass
class Demo:
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    data_dir: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINGWANG_")}
    env["PYTHONUNBUFFERED"] = "1"
    log, data_dir = tmp_path / "demo.log", tmp_path / "demo-data"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jingwang", "demo", "--dir", str(data_dir), "--port", "0"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Demo(process, _wait_for_url(process, log), log, data_dir)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait_for_url(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if match := READY.search(log.read_text(errors="replace")):
            return match.group(1)
        if process.poll() is not None:
            pytest.fail(f"demo exited with {process.returncode}:\n{log.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"demo printed no URL in {DEADLINE_S} s:\n{log.read_text()}")


def _wait_for_job(data_dir: Path) -> list[dict[str, object]]:
    """The demo's queued job, once the supervised worker has run it."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        jobs = json.loads(
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "jingwang",
                    "--data-dir",
                    str(data_dir),
                    "jobs",
                    "list",
                    "--json",
                ],
                capture_output=True,
                check=True,
                text=True,
                env={**os.environ},
            ).stdout
        )
        if jobs and all(j["state"] == "succeeded" for j in jobs):
            return list(jobs)
        time.sleep(0.5)
    pytest.fail("the demo's job did not succeed in time")


@pytest.mark.slow
@pytest.mark.browser
def test_demo_serves_chinese_and_english_and_runs_its_job(demo: Demo, open_browser) -> None:
    assert httpx.get(f"{demo.url}/readyz", timeout=10).status_code == 200
    browser = open_browser(demo.url)
    page = browser.new_page()
    page.goto(demo.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "净网" in page.title()
    page.get_by_role("link", name="English").click()
    page.wait_for_url(demo.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert browser.problems == []
    assert browser.off_site == []

    # A demo login from the banner works: the reporting centre's admin sees the org tree.
    page.goto(demo.url + "/login")
    page.fill("#username", "rc-admin")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.goto(demo.url + "/admin/orgs")
    assert "南粤数据接入有限公司" in page.content()
    assert browser.problems == []

    jobs = _wait_for_job(demo.data_dir)
    assert [j["kind"] for j in jobs] == ["blobs.verify"]

    demo.process.send_signal(signal.SIGINT)
    assert demo.process.wait(30) == 0, demo.output()
    assert "worker stopped" in demo.output()


def test_fresh_data_dir_empties_only_its_own_folders(tmp_path: Path) -> None:
    mine = fresh_data_dir(tmp_path / "demo")
    (mine / "old.db").write_text("x")
    assert sorted(p.name for p in fresh_data_dir(mine).iterdir()) == [DEMO_MARKER]

    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "real.db").write_text("keep me")
    with pytest.raises(Conflict, match="refusing to wipe"):
        fresh_data_dir(precious)
    assert (precious / "real.db").read_text() == "keep me"


def test_demo_refuses_a_foreign_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "data").write_text("x")
    assert main(["demo", "--dir", str(tmp_path / "real")]) == ExitCode.CONFLICT
    assert "--dir" in capsys.readouterr().err


def test_readme_lists_real_demo_logins() -> None:
    from jingwang.accounts.demo import DEMO_ORGS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z-]+)` \|", readme, flags=re.M)
    seeded = {f"{org.key}-{role}" for org in DEMO_ORGS for role in org.roles}
    assert listed
    assert set(listed) <= seeded
    assert DEMO_PASSWORD in readme


def test_demo_registry_loads_cleanly_and_answers(live_db) -> None:
    import datetime as dt

    from jingwang.accounts.demo import seed_demo_accounts
    from jingwang.accounts.policy import Actor
    from jingwang.demo.registry import AS_OF, seed_demo_registry
    from jingwang.registry import who_connected

    with live_db.session() as session:
        seed_demo_accounts(session)
        reports = seed_demo_registry(session)
    assert len(reports) == 7
    assert all(r.rejected == 0 for r in reports)
    assert all(r.applied for r in reports)
    with live_db.session() as session:
        again = seed_demo_registry(session)  # idempotent: the demo can be re-seeded
        facts = who_connected(session, Actor.system("test"), "th-meinv.test", AS_OF)
        before = who_connected(session, Actor.system("test"), "th-meinv.test", dt.date(2009, 1, 1))
    assert sum(r.added + r.changed for r in again) == 0
    assert [f.provider for f in facts] == ["天河小型主机代理"]
    assert before == []


def test_demo_findings_cover_every_audit_rule(live_db) -> None:
    from sqlalchemy import func, select

    from jingwang.accounts.demo import seed_demo_accounts
    from jingwang.demo.registry import seed_demo_findings, seed_demo_registry
    from jingwang.registry.audits import RULES
    from jingwang.registry.models import Finding, ObservedNumber

    with live_db.session() as session:
        seed_demo_accounts(session)
        seed_demo_registry(session)
        seed_demo_findings(session)
    with live_db.session() as session:
        found = dict(
            session.execute(select(Finding.rule, func.count()).group_by(Finding.rule)).all()
        )
        porn_channel = session.scalars(
            select(Finding.subject).where(Finding.rule == "landing_on_illegal_site")
        ).all()
    assert set(found) == set(RULES)
    assert any("th-meinv.test" in subject for subject in porn_channel)
    with live_db.session() as session:  # re-seeding changes nothing
        observed = session.scalar(select(func.count()).select_from(ObservedNumber))
        again = seed_demo_findings(session)
        assert session.scalar(select(func.count()).select_from(ObservedNumber)) == observed
    assert all(counts["new"] == 0 and counts["reopened"] == 0 for counts in again.counts.values())

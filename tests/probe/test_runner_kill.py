"""THE KILL TEST: a campaign of 10,000 URLs over 200 hosts, its two runner processes SIGKILLed
part-way, then resumed by two new ones: every URL ends with exactly one capture.

A fetch that was in flight at the kill may be repeated (the server may count more than 10,000
page hits); a capture is never recorded twice: captures are unique per (target, round).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiohttp import web
from campaignkit import list_campaign
from probekit import children_of, running, serve_app
from sqlalchemy import func, select

from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.models import Campaign, Capture, Target
from jingwang.settings import Settings
from jingwang.store import Database

pytestmark = [pytest.mark.db, pytest.mark.slow, pytest.mark.timeout(1800)]

URLS = int(os.environ.get("JINGWANG_KILL_TEST_URLS", "10000"))  # fewer: a quicker check
HOSTS = 200
KILL_AFTER = URLS // 3  # captures recorded before the kill (at least)
RUNNERS = 2  # runner processes sharing the frontier, before the kill and after it

RUNNER = """
import sys
from jingwang.probe.runner import run_campaign
from jingwang.settings import load_settings
from jingwang.store import FileBlobStore, create_database

settings = load_settings()
db = create_database(settings.resolved_database_url)
run_campaign(settings, db, FileBlobStore(settings.resolved_blob_dir), int(sys.argv[1]))
"""


async def page(request: web.Request) -> web.Response:
    body = f"<html><body>page {request.path}</body></html>"
    # closed after each answer: no kept-alive connection of the killed runner outlives the test
    return web.Response(text=body, content_type="text/html", headers={"Connection": "close"})


async def missing(request: web.Request) -> web.Response:
    return web.Response(status=404, headers={"Connection": "close"})


def captures(db: Database, campaign_id: int) -> int:
    with db.session() as session:
        found = session.scalar(select(func.count()).where(Capture.campaign_id == campaign_id))
        return int(found or 0)


def test_a_campaign_killed_half_way_resumes_and_captures_every_url_once(
    live_settings: Settings, live_db: Database, tmp_path: Path
) -> None:
    app = web.Application()
    app.router.add_get("/favicon.ico", missing)
    app.router.add_get("/{name}", page)
    with LoopbackDNS() as dns, serve_app(app) as server:
        settings = live_settings.model_copy(
            update={
                "probe_resolver": dns.address,
                "probe_allow_loopback": True,
                "probe_allow_any_port": True,
                "probe_screenshots": False,
                "probe_host_delay_seconds": 0.0,
                "probe_lease_seconds": 5,
                "probe_concurrency": 64,
            }
        )
        with live_db.session() as session:
            urls = [server.url(f"k{i % HOSTS}.test", f"/p{i}") for i in range(URLS)]
            campaign_id = list_campaign(session, urls).id
        script = tmp_path / "runner.py"
        script.write_text(RUNNER, encoding="utf-8")
        command = [sys.executable, str(script), str(campaign_id)]
        env = {**os.environ, **_env(settings)}
        # the first runners fetch in worker processes, the second ones in their own
        with_workers = {**env, "JINGWANG_PROBE_FETCH_WORKERS": "1"}
        first = [subprocess.Popen(command, env=with_workers) for _ in range(RUNNERS)]
        try:
            deadline = time.monotonic() + 900
            while captures(live_db, campaign_id) < KILL_AFTER:
                assert all(p.poll() is None for p in first), "a runner ended before the kill"
                assert time.monotonic() < deadline, "the runners are too slow to reach the kill"
                time.sleep(0.2)
            workers = children_of({process.pid for process in first})
            assert len(workers) == RUNNERS
            for process in first:
                process.send_signal(signal.SIGKILL)
        finally:
            for process in first:
                process.kill()
                process.wait(30)
        _wait_gone(workers)  # a killed runner's fetch workers see its pipe close and exit
        at_kill = captures(live_db, campaign_id)
        assert at_kill < URLS
        second = [subprocess.Popen(command, env=env) for _ in range(RUNNERS)]
        for process in second:
            assert process.wait(1500) == 0
        page_hits = sum(n for (host, path), n in server.hits.items() if path != "/favicon.ico")
    with live_db.session() as session:
        rows = session.execute(
            select(func.count(), func.count(func.distinct(Capture.target_id))).where(
                Capture.campaign_id == campaign_id
            )
        ).one()
        assert tuple(rows) == (URLS, URLS)  # every URL once, none twice
        states = dict(
            session.execute(
                select(Target.state, func.count())
                .where(Target.campaign_id == campaign_id)
                .group_by(Target.state)
            ).all()
        )
        # done, or failed with its capture (a DNS time-out under this load is an honest capture)
        assert states.keys() <= {"done", "failed"}
        unrecorded = select(func.count()).where(
            Target.campaign_id == campaign_id, Target.capture_id.is_(None)
        )
        assert session.scalar(unrecorded) == 0
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        assert campaign.state == "done"
    assert page_hits >= URLS  # in-flight fetches at the kill may have been repeated


def _wait_gone(pids: set[int], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while alive := {pid for pid in pids if running(pid)}:
        assert time.monotonic() < deadline, f"fetch workers {sorted(alive)} outlived their runner"
        time.sleep(0.2)


def _env(settings: Settings) -> dict[str, str]:
    keep = ("data_dir", "database_url", "queue_url", "probe_resolver", "probe_allow_loopback",
            "probe_allow_any_port", "probe_screenshots", "probe_host_delay_seconds",
            "probe_lease_seconds", "probe_concurrency")  # fmt: skip
    values = settings.model_dump(mode="json", include=set(keep))
    return {f"JINGWANG_{name.upper()}": _text(value) for name, value in values.items()}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)

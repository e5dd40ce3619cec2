"""The campaign runner against a loopback server: politeness, back-off, pause, rounds, discovery,
the report, and the job kinds that drive it."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from campaignkit import SYSTEM, list_campaign
from probekit import RunningServer, serve_app
from sqlalchemy import func, select

from jingwang.jobs import JobState, build_runtime
from jingwang.jobs.models import Job
from jingwang.probe import runner as runner_module
from jingwang.probe.campaign_report import campaign_progress, campaign_report
from jingwang.probe.campaigns import list_candidates, next_round, pause_campaign, resume_campaign
from jingwang.probe.models import Campaign, Capture, Evidence, Target
from jingwang.probe.runner import run_campaign
from jingwang.settings import Settings
from jingwang.store import Database, FileBlobStore
from jingwang.store.base import utcnow

pytestmark = [pytest.mark.db, pytest.mark.slow]

PAGE = (
    "<html><head><title>page {n}</title></head><body><p>粤ICP备09012345号</p>"
    '<a href="http://elsewhere{n}.test/">elsewhere</a></body></html>'
)


class Site:
    """A loopback web: every ``*.test`` host answers tiny pages; ``/busy`` says 429 once."""

    def __init__(self) -> None:
        self.seen: dict[str, list[float]] = defaultdict(list)  # host -> request times
        self.busy_hits: dict[str, int] = defaultdict(int)
        self.inflight: dict[str, int] = defaultdict(int)
        self.most_inflight = 0  # on one host
        self.inflight_all = 0
        self.most_inflight_all = 0  # on all hosts together

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/favicon.ico", self.missing)
        app.router.add_get("/busy", self.busy)
        app.router.add_get("/{name}", self.page)
        return app

    async def missing(self, request: web.Request) -> web.Response:
        return web.Response(status=404)

    async def page(self, request: web.Request) -> web.Response:
        host = request.host.split(":")[0]
        self.seen[host].append(time.monotonic())
        self.inflight[host] += 1
        self.inflight_all += 1
        self.most_inflight = max(self.most_inflight, self.inflight[host])
        self.most_inflight_all = max(self.most_inflight_all, self.inflight_all)
        await asyncio.sleep(0.05)
        self.inflight[host] -= 1
        self.inflight_all -= 1
        body = PAGE.format(n=request.match_info["name"])
        return web.Response(text=body, content_type="text/html")

    async def busy(self, request: web.Request) -> web.Response:
        host = request.host.split(":")[0]
        self.busy_hits[host] += 1
        if self.busy_hits[host] == 1:
            return web.Response(status=429, headers={"Retry-After": "1"}, text="slow down")
        return web.Response(text="<html><body>now</body></html>", content_type="text/html")


@pytest.fixture
def site() -> Site:
    return Site()


@pytest.fixture
def server(site: Site) -> Iterator[RunningServer]:
    with serve_app(site.app()) as running:
        yield running


@pytest.fixture
def run_settings(probe_settings: Settings) -> Settings:
    return probe_settings.model_copy(
        update={
            "probe_screenshots": False,
            "probe_host_delay_seconds": 0.3,
            "probe_concurrency": 4,
            "probe_backoff_seconds": 0.5,
            "probe_lease_seconds": 30,
        }
    )


def urls(server: RunningServer, hosts: int, per_host: int) -> list[str]:
    return [server.url(f"h{h}.test", f"/p{h}-{i}") for h in range(hosts) for i in range(per_host)]


@pytest.mark.parametrize("workers", [0, 2], ids=["in-process", "fetch-workers"])
def test_a_campaign_runs_politely_to_the_end_and_reports(
    run_settings: Settings, db: Database, server: RunningServer, site: Site, workers: int
) -> None:
    with db.session() as session:
        campaign_id = list_campaign(session, urls(server, 2, 3)).id
    run_settings = run_settings.model_copy(update={"probe_fetch_workers": workers})
    blobs = FileBlobStore(run_settings.resolved_blob_dir)
    report = run_campaign(run_settings, db, blobs, campaign_id, max_seconds=60)
    assert (report.stopped, report.recorded, report.claimed) == ("done", 6, 6)
    assert {host: len(times) for host, times in site.seen.items()} == {"h0.test": 3, "h1.test": 3}
    assert site.most_inflight == 1  # per host, though four probes were allowed in flight
    assert report.seconds >= 2 * 0.3  # three requests to one host, 0.3 s apart (start to start)
    with db.session() as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        assert campaign.state == "done"
        progress = campaign_progress(session, campaign)
        assert (progress.finished, progress.total, progress.captures) == (6, 6, {"ok": 6})
        summary = campaign_report(session, campaign)
    assert summary["outcomes"] == {"ok": 6}
    assert summary["http_statuses"] == {"200": 6}
    assert summary["page_kinds"] == {"html": 6}
    assert summary["identifiers"]["icp"] == {"found": 6, "distinct": 1}
    assert summary["discovered_hosts"]["distinct"] == 6
    assert summary["totals"]["targets"]["done"] == 6
    assert summary["durations"]["max"] is not None


@pytest.mark.parametrize("workers", [0, 2], ids=["in-process", "fetch-workers"])
def test_429_is_retried_after_the_back_off_and_captured_once(
    run_settings: Settings, db: Database, server: RunningServer, site: Site, workers: int
) -> None:
    with db.session() as session:
        campaign_id = list_campaign(session, [server.url("busy.test", "/busy")]).id
    run_settings = run_settings.model_copy(update={"probe_fetch_workers": workers})
    blobs = FileBlobStore(run_settings.resolved_blob_dir)
    report = run_campaign(run_settings, db, blobs, campaign_id, max_seconds=30)
    assert (report.stopped, report.retried, report.recorded) == ("done", 1, 1)
    assert site.busy_hits["busy.test"] == 2
    # the 429 that was retried left no evidence behind: every stored blob is a recorded one
    stored = {p.name for p in blobs.root.glob("??/??/*") if p.is_file()}
    with db.session() as session:
        assert stored == set(session.scalars(select(Evidence.digest)))
    with db.session() as session:
        (capture,) = session.scalars(select(Capture).where(Capture.campaign_id == campaign_id))
        assert capture.http_status == 200
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        (backoff,) = campaign_report(session, campaign)["backoffs"]
        assert (backoff["host"], backoff["retries"], backoff["last_status"]) == (
            "busy.test",
            1,
            200,
        )


@pytest.mark.parametrize("workers", [0, 1], ids=["in-process", "fetch-workers"])
def test_concurrency_bounds_fetches_while_evidence_is_still_being_recorded(
    run_settings: Settings,
    db: Database,
    server: RunningServer,
    site: Site,
    workers: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Recording is held back 0.4 s a batch; each page takes 0.05 s to fetch. A probe's slot
    # comes free when its page is fetched, so more pages are fetched meanwhile than the two
    # slots, though never more than two at once, and never more than BACKLOG times two
    # probes wait to be recorded.
    served_by_first_record: list[int] = []  # pages served when the first batch is recorded
    record_many = runner_module._Runner._record_many

    def slow_record(self: Any, campaign: Any, batch: list[Any]) -> list[str]:
        if not served_by_first_record:
            time.sleep(0.4)
            served_by_first_record.append(sum(len(times) for times in site.seen.values()))
        return record_many(self, campaign, batch)

    monkeypatch.setattr(runner_module._Runner, "_record_many", slow_record)
    with db.session() as session:
        campaign_id = list_campaign(session, urls(server, 12, 1)).id
    run_settings = run_settings.model_copy(
        update={
            "probe_fetch_workers": workers,
            "probe_concurrency": 2,
            "probe_host_delay_seconds": 0.0,
        }
    )
    blobs = FileBlobStore(run_settings.resolved_blob_dir)
    report = run_campaign(run_settings, db, blobs, campaign_id, max_seconds=60)
    assert (report.stopped, report.recorded) == ("done", 12)
    assert site.most_inflight_all <= 2
    assert 2 < served_by_first_record[0] <= 2 * runner_module.BACKLOG


def test_a_paused_campaign_claims_nothing_until_resumed(
    run_settings: Settings, db: Database, server: RunningServer
) -> None:
    with db.session() as session:
        campaign_id = list_campaign(session, urls(server, 2, 1)).id
        pause_campaign(session, SYSTEM, campaign_id)
    blobs = FileBlobStore(run_settings.resolved_blob_dir)
    report = run_campaign(run_settings, db, blobs, campaign_id, max_seconds=10)
    assert (report.stopped, report.claimed) == ("paused", 0)
    with db.session() as session:
        resume_campaign(session, SYSTEM, campaign_id)
    report = run_campaign(run_settings, db, blobs, campaign_id, max_seconds=30)
    assert (report.stopped, report.recorded) == ("done", 2)


def test_a_scheduled_campaign_runs_its_next_round_with_new_captures(
    run_settings: Settings, db: Database, server: RunningServer
) -> None:
    with db.session() as session:
        campaign_id = list_campaign(session, urls(server, 2, 1), interval_hours=6).id
    blobs = FileBlobStore(run_settings.resolved_blob_dir)
    assert run_campaign(run_settings, db, blobs, campaign_id, max_seconds=30).stopped == "done"
    with db.session() as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        assert campaign.next_run_at is not None
        assert not next_round(session, campaign, utcnow())  # not due yet
        now = utcnow()
        campaign.next_run_at = now - dt.timedelta(seconds=1)  # as if six hours went by
        assert next_round(session, campaign, now)
        assert (campaign.round, campaign.state) == (2, "running")
        assert campaign.next_run_at == now + dt.timedelta(hours=6)
        states = session.scalars(select(Target.state).where(Target.campaign_id == campaign_id))
        assert set(states) == {"queued"}
    report = run_campaign(run_settings, db, blobs, campaign_id, max_seconds=30)
    assert (report.round, report.recorded) == (2, 2)
    with db.session() as session:
        rounds = session.execute(
            select(Capture.round, func.count())
            .where(Capture.campaign_id == campaign_id)
            .group_by(Capture.round)
        ).all()
        assert sorted(rounds) == [(1, 2), (2, 2)]


@pytest.mark.parametrize("workers", [0, 2], ids=["in-process", "fetch-workers"])
def test_discovery_records_new_hosts_as_candidates(
    run_settings: Settings, db: Database, server: RunningServer, workers: int
) -> None:
    with db.session() as session:
        campaign_id = list_campaign(session, urls(server, 1, 2), discovery=True).id
    run_settings = run_settings.model_copy(update={"probe_fetch_workers": workers})
    blobs = FileBlobStore(run_settings.resolved_blob_dir)
    run_campaign(run_settings, db, blobs, campaign_id, max_seconds=30)
    with db.session() as session:
        found = list_candidates(session, SYSTEM, campaign_id=campaign_id)
        assert {c.host for c in found} == {"elsewherep0-0.test", "elsewherep0-1.test"}
        assert all(c.first_capture_id is not None and c.domain for c in found)


def test_the_campaign_job_runs_the_round_and_the_schedule_starts_the_next(
    run_settings: Settings, db: Database, server: RunningServer
) -> None:
    runtime = build_runtime(run_settings, db)
    with db.session() as session:
        campaign = list_campaign(session, urls(server, 2, 1), interval_hours=1, start=True)
        campaign_id, first_job = campaign.id, campaign.job_id
    runtime.dispatch()
    with db.session() as session:
        job = session.get(Job, first_job)
        assert job is not None
        assert job.state == JobState.SUCCEEDED, job.last_error
        assert job.result is not None
        assert (job.result["recorded"], job.result["stopped"]) == (2, "done")
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.next_run_at = utcnow() - dt.timedelta(seconds=1)
        from jingwang.jobs import enqueue

        enqueue(session, "probe.schedule", {})
    runtime.dispatch()  # the schedule starts round 2 and enqueues its runner job
    runtime.dispatch()  # which runs it
    with db.session() as session:
        campaign = session.get(Campaign, campaign_id, populate_existing=True)
        assert campaign is not None
        assert (campaign.round, campaign.state) == (2, "done")
        assert session.scalar(select(func.count()).where(Capture.campaign_id == campaign_id)) == 4

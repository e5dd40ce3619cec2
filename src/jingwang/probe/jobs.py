"""Job kinds of the prober: run a campaign slice, start scheduled rounds, probe one URL.

* ``probe.campaign`` runs a campaign's round for one time slice (``max_seconds``), then, while
  the campaign is still running and URLs remain, enqueues the next slice with the key
  ``probe.campaign:<id>:r<round>:s<slice+1>``. A repeated run finds that job already there, and
  the frontier never probes a URL twice per round: the kind is idempotent, and one job per
  slice (not per URL) keeps millions of URLs out of the job table.
* ``probe.schedule`` starts the next round of every scheduled campaign that is due
  (:func:`.campaigns.next_round` is a compare-and-set on the round); the default schedule
  ``probe.schedule.periodic`` runs it every five minutes.
* ``probe.url`` probes one URL now for whoever asked (the API's and the UI's "probe now") and
  records the capture; the result is the capture id.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from jingwang.jobs.kinds import JobContext, JobKind
from jingwang.probe.campaigns import due_for_next_round, next_round, runner_key
from jingwang.probe.frontier import remaining
from jingwang.probe.models import Campaign
from jingwang.store.base import utcnow


class CampaignPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: int = Field(description="The campaign to run.")
    round: int = Field(1, ge=1, description="The round this job runs; a stale round is a no-op.")
    slice: int = Field(0, ge=0, description="Which time slice of the round this is.")
    max_seconds: float = Field(300.0, gt=0, description="Length of the slice, in seconds.")


class CampaignResult(BaseModel):
    campaign_id: int
    round: int
    recorded: int
    retried: int
    failed: int
    stopped: str
    next_job_id: int | None = None


class RunCampaign(JobKind[CampaignPayload]):
    """Run one time slice of a campaign's round; enqueue the next slice while URLs remain."""

    name = "probe.campaign"
    payload_model = CampaignPayload
    description: ClassVar[str] = "Probe a campaign's URLs for a while, politely, and record them."
    example_payload: ClassVar[dict[str, int]] = {"campaign_id": 1, "round": 1}

    def run(self, ctx: JobContext, payload: CampaignPayload) -> CampaignResult:
        from jingwang.probe.runner import run_campaign

        with ctx.db.session() as session:
            campaign = session.get(Campaign, payload.campaign_id)
            if campaign is None or campaign.round != payload.round:
                state = "missing" if campaign is None else f"round {campaign.round} now"
                return CampaignResult(
                    campaign_id=payload.campaign_id,
                    round=payload.round,
                    recorded=0,
                    retried=0,
                    failed=0,
                    stopped=state,
                )
        report = run_campaign(
            ctx.settings,
            ctx.db,
            ctx.blobs,
            payload.campaign_id,
            max_seconds=payload.max_seconds,
            heartbeat=ctx.heartbeat,
        )
        return CampaignResult(
            campaign_id=payload.campaign_id,
            round=payload.round,
            recorded=report.recorded,
            retried=report.retried,
            failed=report.failed,
            stopped=report.stopped,
            next_job_id=self._next_slice(ctx, payload),
        )

    def _next_slice(self, ctx: JobContext, payload: CampaignPayload) -> int | None:
        from jingwang.jobs.service import enqueue

        with ctx.db.session() as session:
            campaign = session.get(Campaign, payload.campaign_id)
            if campaign is None or campaign.state != "running" or campaign.round != payload.round:
                return None
            if not remaining(session, campaign.id):
                return None
            following = payload.model_copy(update={"slice": payload.slice + 1})
            job = enqueue(
                session,
                self.name,
                following,
                idempotency_key=runner_key(campaign.id, payload.round, payload.slice + 1),
            )
            campaign.job_id = job.id
            return job.id


class SchedulePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(100, ge=1, description="Most campaigns started by one run.")


class ScheduleResult(BaseModel):
    started: list[int]


class StartScheduledRounds(JobKind[SchedulePayload]):
    """Start the next round of every scheduled campaign whose time has come."""

    name = "probe.schedule"
    payload_model = SchedulePayload
    description: ClassVar[str] = "Start the next round of scheduled probing campaigns."

    def run(self, ctx: JobContext, payload: SchedulePayload) -> ScheduleResult:
        now = utcnow()
        started: list[int] = []
        with ctx.db.session() as session:
            for campaign in due_for_next_round(session, now, payload.limit):
                if next_round(session, campaign, now):
                    started.append(campaign.id)
        return ScheduleResult(started=started)


class UrlPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, description="The URL to probe.")
    profile: str | None = Field(None, description="Fetch profile; empty: the default one.")
    actor_name: str = Field("system", description="Who asked (kept on the capture).")
    org_id: int | None = Field(None, description="The organisation the capture belongs to.")


class UrlResult(BaseModel):
    capture_id: int
    outcome: str


class ProbeOneUrl(JobKind[UrlPayload]):
    """Probe one URL now and record its capture (the "probe now" of the API and the UI)."""

    name = "probe.url"
    payload_model = UrlPayload
    description: ClassVar[str] = "Probe one URL and record the capture with its evidence."
    example_payload: ClassVar[dict[str, str]] = {"url": "http://127.0.0.1/"}
    max_attempts: ClassVar[int | None] = 2

    def run(self, ctx: JobContext, payload: UrlPayload) -> UrlResult:
        import asyncio

        from jingwang.probe.service import probe_and_shoot, record_probe

        profile = payload.profile or ctx.settings.probe_default_profile
        result, shot = asyncio.run(probe_and_shoot(ctx.settings, payload.url.strip(), profile))
        with ctx.db.session() as session:
            capture = record_probe(
                session,
                ctx.blobs,
                result,
                actor_name=payload.actor_name,
                org_id=payload.org_id,
                screenshot=shot,
                settings=ctx.settings,
            )
            return UrlResult(capture_id=capture.id, outcome=capture.outcome)


__all__ = [
    "CampaignPayload",
    "ProbeOneUrl",
    "RunCampaign",
    "SchedulePayload",
    "StartScheduledRounds",
    "UrlPayload",
]

"""``/api/probe``, ``/api/captures``, ``/api/campaigns``: the prober over JSON.

Probing is slow and risky work, so ``POST /api/probe`` never fetches inside the request: it
enqueues a ``probe.url`` job and answers 202 with the job's id and a ``Location`` to poll
(``GET /api/probe/jobs/{id}``: its state and, once recorded, the capture id). A URL the address
guard refuses becomes a capture with outcome ``refused`` (its ``refused_code`` says why).

Reading captures needs ``probe:read`` and reach over the capture's organisation (a capture out
of reach is 404, ``probe.capture_not_found``); the WARC file and WACZ export need
``evidence:export`` too. Captured bytes are never served as HTML of this origin: the WARC is an
``application/warc`` attachment, the screenshot a PNG we took, and the WML view is our own
rendering of the cards, served under ``Content-Security-Policy: default-src 'none';
style-src 'unsafe-inline'; sandbox`` with ``nosniff``.

Errors have the usual :class:`ErrorResponse` body: ``probe.unknown_profile``, ``probe.*``
refusals, ``input.invalid`` (422), ``probe.capture_not_found``, ``probe.evidence_not_found``,
``probe.campaign_not_found`` (404), ``probe.campaign_state`` (409).
"""

from __future__ import annotations

import io
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from jingwang.accounts.policy import Actor
from jingwang.jobs.models import Job
from jingwang.jobs.service import enqueue
from jingwang.probe import campaigns
from jingwang.probe.campaign_report import CampaignProgress, campaign_progress, campaign_report
from jingwang.probe.custody import export_captures, verify_captures
from jingwang.probe.errors import ProbeJobNotFound
from jingwang.probe.guard import AddressPolicy, check_url
from jingwang.probe.profiles import PROFILES, get_profile
from jingwang.probe.schemas import CaptureDetail, CaptureLine, capture_detail
from jingwang.probe.service import LIST_MAX, evidence_bytes, evidence_of, get_capture, list_captures
from jingwang.settings import Settings
from jingwang.store.blobs import BlobStore, FileBlobStore
from jingwang.web.auth.decisions import require
from jingwang.web.deps import SessionDep, SettingsDep
from jingwang.web.errors import ErrorResponse

PROBE_JOB: Final = "probe.url"
# Nothing may load or run in the view; only our own pages may frame it.
WML_VIEW_CSP: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'; "
    "base-uri 'none'; form-action 'none'"
)
ERRORS = {
    401: {"model": ErrorResponse, "description": "No valid token or session."},
    403: {"model": ErrorResponse, "description": "The caller lacks the permission or reach."},
    404: {"model": ErrorResponse, "description": "No such capture, evidence, job or campaign "
          "within the caller's reach."},
    422: {"model": ErrorResponse, "description": "A field, filter or profile is not acceptable."},
}  # fmt: skip
CONFLICT = {409: {"model": ErrorResponse, "description": "The campaign's state does not allow it."}}
router = APIRouter(prefix="/api", tags=["probe"], responses=ERRORS)  # type: ignore[arg-type]

Reader = Annotated[Actor, Depends(require("probe:read"))]
CaptureReader = Annotated[Actor, Depends(require("probe:read", target="org"))]
Exporter = Annotated[Actor, Depends(require("evidence:export", target="org"))]
Runner = Annotated[Actor, Depends(require("probe:run"))]
CampaignRunner = Annotated[Actor, Depends(require("probe:run", target="org"))]
CampaignReader = Annotated[Actor, Depends(require("probe:read", target="org"))]


def blob_store(settings: Settings) -> BlobStore:
    return FileBlobStore(settings.resolved_blob_dir)


class ProbeRequest(BaseModel):
    url: str = Field(min_length=1, max_length=2000, description="The http(s) URL to probe.")
    profile: str | None = Field(None, max_length=40, description="Fetch profile name.")


class ProbeJob(BaseModel):
    job_id: int
    state: str = Field(description="The job's state: queued, running, succeeded, dead, …")
    url: str
    profile: str
    capture_id: int | None = Field(description="The capture, once the job recorded it.")
    error: str | None = None


class ProfileInfo(BaseModel):
    name: str
    label_zh: str
    label_en: str
    user_agent: str
    headers: list[tuple[str, str]] = Field(description="Every header sent, in order.")
    default: bool


class ExportRequest(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=500, description="Capture ids to export.")


class VerifyRequest(BaseModel):
    capture_id: int


class CampaignCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    profile: str | None = Field(None, max_length=40)
    selection: dict[str, Any] = Field(
        description='{"kind": "list"}, {"kind": "provider_sites", "org_id": 7}, '
        '{"kind": "channels"}, {"kind": "sp_services"} or {"kind": "unfiled_sites"}.'
    )
    urls: list[str] = Field(default_factory=list, max_length=100_000)
    discovery: bool = False
    interval_hours: int | None = Field(None, ge=1)
    org_id: int | None = Field(None, description="The owning organisation (default: yours).")


class CampaignInfo(BaseModel):
    id: int
    name: str
    org_id: int
    state: str
    profile: str
    selection: dict[str, Any]
    discovery: bool
    interval_hours: int | None
    round: int
    created_by: str
    progress: CampaignProgress


class CandidateInfo(BaseModel):
    host: str
    domain: str | None
    seen_count: int
    campaign_id: int | None
    first_capture_id: int | None
    source_url: str | None
    state: str


def _job_view(job: Job) -> ProbeJob:
    capture_id = (job.result or {}).get("capture_id")
    return ProbeJob(
        job_id=job.id,
        state=job.state.value,
        url=str(job.payload.get("url", "")),
        profile=str(job.payload.get("profile", "")),
        capture_id=capture_id if isinstance(capture_id, int) else None,
        error=(job.last_error or "").strip().splitlines()[0] if job.last_error else None,
    )


@router.post("/probe", status_code=202, summary="Probe a URL (as a background job)")
def probe_api(
    actor: Runner, session: SessionDep, settings: SettingsDep, body: ProbeRequest
) -> JSONResponse:
    profile = get_profile(body.profile or settings.probe_default_profile).name
    check_url(body.url.strip(), AddressPolicy.from_settings(settings))  # refused: 422 now
    payload = {"url": body.url.strip(), "profile": profile, "actor_name": actor.name}
    job = enqueue(session, PROBE_JOB, {**payload, "org_id": actor.org_id})
    location = f"/api/probe/jobs/{job.id}"
    view = _job_view(job).model_dump(mode="json")
    return JSONResponse(view, status_code=202, headers={"Location": location})


@router.get("/probe/jobs/{job_id}", summary="A probe asked for: its state and its capture")
def probe_job_api(actor: Runner, session: SessionDep, job_id: int) -> ProbeJob:
    job = session.get(Job, job_id)
    if job is None or job.kind != PROBE_JOB or job.payload.get("actor_name") != actor.name:
        raise ProbeJobNotFound(f"no probe of yours has job id {job_id}", job_id=job_id)
    return _job_view(job)


@router.get("/probe/profiles", summary="The fetch profiles and the headers each sends")
def profiles_api(actor: Reader, settings: SettingsDep) -> list[ProfileInfo]:
    return [
        ProfileInfo(
            name=p.name,
            label_zh=p.label_zh,
            label_en=p.label_en,
            user_agent=p.user_agent,
            headers=list(p.request_headers()),
            default=p.name == settings.probe_default_profile,
        )
        for p in PROFILES.values()
    ]


@router.get("/captures", summary="Captures within reach, newest first")
def list_captures_api(
    actor: Reader,
    session: SessionDep,
    domain: Annotated[str | None, Query(max_length=253, description="Registrable domain.")] = None,
    campaign_id: Annotated[int | None, Query(description="Only this campaign's.")] = None,
    outcome: Annotated[Literal["ok", "refused", "error", "limit"] | None, Query()] = None,
    before_id: Annotated[int | None, Query(description="Only ids below this (paging).")] = None,
    limit: Annotated[int, Query(ge=1, le=LIST_MAX)] = 100,
) -> list[CaptureLine]:
    found = list_captures(
        session,
        actor,
        domain=domain,
        campaign_id=campaign_id,
        outcome=outcome,
        limit=limit,
        before_id=before_id,
    )
    return [CaptureLine.model_validate(capture) for capture in found]


@router.get("/captures/{capture_id}", summary="One capture: chain, page, TLS, evidence")
def get_capture_api(actor: CaptureReader, session: SessionDep, capture_id: int) -> CaptureDetail:
    capture = get_capture(session, actor, capture_id)
    return capture_detail(capture, evidence_of(session, capture))


@router.get(
    "/captures/{capture_id}/warc",
    summary="The capture's WARC file (gzipped WARC 1.1)",
    response_class=Response,
    responses={200: {"content": {"application/warc": {}}}},
)
def warc_api(
    actor: Exporter, session: SessionDep, settings: SettingsDep, capture_id: int
) -> Response:
    row, data = evidence_bytes(session, blob_store(settings), actor, capture_id, "warc")
    name = f"capture-{capture_id}.warc.gz"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "ETag": f'"{row.digest}"'}
    return Response(data, media_type="application/warc", headers=headers)


@router.get(
    "/captures/{capture_id}/screenshot",
    summary="The screenshot taken in Chromium (PNG)",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def screenshot_api(
    actor: CaptureReader, session: SessionDep, settings: SettingsDep, capture_id: int
) -> Response:
    row, data = evidence_bytes(session, blob_store(settings), actor, capture_id, "screenshot")
    return Response(data, media_type="image/png", headers={"ETag": f'"{row.digest}"'})


@router.get(
    "/captures/{capture_id}/wml-view",
    summary="The WML cards rendered as a static page (sandboxed, no script)",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}}},
)
def wml_view_api(
    actor: CaptureReader, session: SessionDep, settings: SettingsDep, capture_id: int
) -> Response:
    row, data = evidence_bytes(session, blob_store(settings), actor, capture_id, "wml_view")
    headers = {
        "Content-Security-Policy": WML_VIEW_CSP,
        "X-Frame-Options": "SAMEORIGIN",
        "X-Content-Type-Options": "nosniff",
        "ETag": f'"{row.digest}"',
    }
    return Response(data, media_type="text/html; charset=utf-8", headers=headers)


@router.post(
    "/captures/export.wacz",
    summary="Export captures as one WACZ file",
    response_class=Response,
    responses={200: {"content": {"application/wacz": {}}}},
)
def export_api(
    actor: Annotated[Actor, Depends(require("evidence:export"))],
    session: SessionDep,
    settings: SettingsDep,
    body: ExportRequest,
) -> Response:
    out = io.BytesIO()
    export_captures(session, blob_store(settings), actor, body.ids, out)
    headers = {"Content-Disposition": 'attachment; filename="captures.wacz"'}
    return Response(out.getvalue(), media_type="application/wacz", headers=headers)


@router.post("/evidence/verify", summary="Re-hash one capture's evidence now")
def verify_api(
    actor: Reader, session: SessionDep, settings: SettingsDep, body: VerifyRequest
) -> dict[str, Any]:
    report = verify_captures(session, blob_store(settings), actor, capture_id=body.capture_id)
    return report.to_json()


def _campaign_info(session: SessionDep, campaign: Any) -> CampaignInfo:
    return CampaignInfo(
        id=campaign.id,
        name=campaign.name,
        org_id=campaign.org_id,
        state=campaign.state,
        profile=campaign.profile,
        selection=campaign.selection,
        discovery=campaign.discovery,
        interval_hours=campaign.interval_hours,
        round=campaign.round,
        created_by=campaign.created_by,
        progress=campaign_progress(session, campaign),
    )


@router.post("/campaigns", status_code=201, summary="Create a campaign (its first round starts)")
def create_campaign_api(
    actor: Runner, session: SessionDep, settings: SettingsDep, body: CampaignCreate
) -> CampaignInfo:
    campaign, _ = campaigns.create_campaign(
        session,
        actor,
        name=body.name,
        profile=body.profile or settings.probe_default_profile,
        selection=body.selection,
        urls=body.urls,
        discovery=body.discovery,
        interval_hours=body.interval_hours,
        org_id=body.org_id,
    )
    return _campaign_info(session, campaign)


@router.get("/campaigns", summary="Campaigns within reach, newest first")
def list_campaigns_api(
    actor: Reader,
    session: SessionDep,
    state: Annotated[
        Literal["queued", "running", "paused", "done", "cancelled"] | None, Query()
    ] = None,
    before_id: Annotated[int | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CampaignInfo]:
    found = campaigns.list_campaigns(session, actor, state=state, limit=limit, before=before_id)
    return [_campaign_info(session, campaign) for campaign in found]


@router.get("/campaigns/{campaign_id}", summary="One campaign with its progress")
def get_campaign_api(actor: CampaignReader, session: SessionDep, campaign_id: int) -> CampaignInfo:
    return _campaign_info(session, campaigns.get_campaign(session, actor, campaign_id))


@router.get("/campaigns/{campaign_id}/report", summary="The report of a campaign's round")
def campaign_report_api(
    actor: CampaignReader,
    session: SessionDep,
    campaign_id: int,
    round: Annotated[int | None, Query(ge=1, description="Default: the current round.")] = None,
) -> dict[str, Any]:
    campaign = campaigns.get_campaign(session, actor, campaign_id)
    return campaign_report(session, campaign, round=round)


@router.post(
    "/campaigns/{campaign_id}/pause",
    summary="Pause a campaign",
    responses=CONFLICT,  # type: ignore[arg-type]
)
def pause_api(actor: CampaignRunner, session: SessionDep, campaign_id: int) -> CampaignInfo:
    return _campaign_info(session, campaigns.pause_campaign(session, actor, campaign_id))


@router.post(
    "/campaigns/{campaign_id}/resume",
    summary="Resume a paused campaign",
    responses=CONFLICT,  # type: ignore[arg-type]
)
def resume_api(actor: CampaignRunner, session: SessionDep, campaign_id: int) -> CampaignInfo:
    return _campaign_info(session, campaigns.resume_campaign(session, actor, campaign_id))


@router.post(
    "/campaigns/{campaign_id}/cancel",
    summary="Cancel a campaign",
    responses=CONFLICT,  # type: ignore[arg-type]
)
def cancel_api(actor: CampaignRunner, session: SessionDep, campaign_id: int) -> CampaignInfo:
    return _campaign_info(session, campaigns.cancel_campaign(session, actor, campaign_id))


@router.get("/probe/candidates", summary="Hosts discovered by campaigns, most seen first")
def candidates_api(
    actor: Reader,
    session: SessionDep,
    campaign_id: Annotated[int | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CandidateInfo]:
    found = campaigns.list_candidates(session, actor, campaign_id=campaign_id, limit=limit)
    return [
        CandidateInfo(
            host=c.host,
            domain=c.domain,
            seen_count=c.seen_count,
            campaign_id=c.campaign_id,
            first_capture_id=c.first_capture_id,
            source_url=c.source_url,
            state=c.state,
        )
        for c in found
    ]


__all__ = ["PROBE_JOB", "WML_VIEW_CSP", "router"]

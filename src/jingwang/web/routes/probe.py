"""``/probe``: probe a URL now, the captures, one capture with its evidence.

Pages (``probe:read``; what they list is within the reader's reach, see
:mod:`jingwang.probe.service`):

* ``/probe``: the "probe a URL now" form (``probe:run``) and recent captures, filtered by
  domain, outcome and campaign, newest first, paged back by capture id. The form enqueues a
  ``probe.url`` job and shows a pending row that htmx polls (``/probe/pending/{job}``) until the
  job has recorded its capture, then links to it; without JavaScript the form posts and the
  page comes back with the pending row (reload to see it finish).
* ``/probe/captures/{id}``: one capture: the chain in words, what was sent, TLS, the text per
  card, links and images as text, identifiers, the screenshot and the WML view (served by the
  API, :mod:`jingwang.web.routes.probe_api`; the WML view in a ``sandbox=""`` iframe), and the
  evidence with a "verify now" button (``POST …/verify``: ``evidence:export``, which in every
  organisation kind and role comes with ``probe:read``; both are checked) and its WACZ export
  (``GET …/wacz``, ``evidence:export``). Readers holding ``classify:read`` also see the
  machine verdict panel (:mod:`jingwang.web.routes.classify_capture`).

Nothing the captured site sent is ever rendered as HTML here: titles, texts and URLs are text
(escaped by Jinja), links are not links and images are not loaded from the site.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts.policy import Actor, authorize
from jingwang.errors import InvalidInput, JingwangError
from jingwang.jobs.models import TERMINAL_STATES, Job
from jingwang.jobs.service import enqueue
from jingwang.probe.custody import export_captures, verify_captures
from jingwang.probe.errors import ProbeRefused
from jingwang.probe.guard import AddressPolicy, check_url
from jingwang.probe.models import Campaign, Capture
from jingwang.probe.profiles import PROFILES, get_profile
from jingwang.probe.service import READ, evidence_of, get_capture, list_captures
from jingwang.settings import Settings
from jingwang.store.blobs import BlobStore, FileBlobStore
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import FORM_ERRORS, error_context, render_form, see_other
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep, SettingsDep
from jingwang.web.htmx import wants_fragment
from jingwang.web.i18n import N_, Locale
from jingwang.web.pages import Pages
from jingwang.web.routes import probe_view as view
from jingwang.web.routes.classify_capture import panel_words, verdict_panel

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("probe:read"))]
CaptureReader = Annotated[Actor, Depends(require("probe:read", target="org"))]
Runner = Annotated[Actor, Depends(require("probe:run"))]
Verifier = Annotated[Actor, Depends(require("evidence:export", target="org"))]
PAGE_SIZE: Final = 50
RESULTS_ID: Final = "probe-results"
EVIDENCE_ID: Final = "evidence-panel"
PROBE_JOB: Final = "probe.url"
CAMPAIGN_CHOICES: Final = 200
EVIDENCE_WORDS: Final = {
    "warc": N_("WARC"),
    "screenshot": N_("screenshot"),
    "wml_view": N_("WML view"),
}
VERIFY_WORDS: Final = {
    "passed": N_("passed"),
    "failed": N_("failed"),
    "unknown": N_("unknown"),
    "never": N_("not verified yet"),
}
LIMIT_WORDS: Final = {
    "wire_bytes": N_("too many bytes on the wire"),
    "body_bytes": N_("too many bytes after decompression"),
    "first_byte_time": N_("no first byte in time"),
    "total_time": N_("the response took too long"),
    "redirects": N_("too many redirects"),
    "nesting": N_("elements nested too deeply"),
    "image_pixels": N_("an image with too many pixels"),
    "image_format": N_("an image format not accepted"),
    "subresources": N_("too many images"),
}
VERIFIED: Final = N_("Verification finished.")


@dataclass(frozen=True)
class Pending:
    """A probe asked for on the page, as the pending row shows it."""

    job_id: int
    state: str
    url: str
    profile: str
    capture_id: int | None
    polling: bool
    error: str | None


@dataclass(frozen=True)
class ImageView:
    url: str
    media_type: str | None
    width: int | None
    height: int | None
    size: int | None
    refused: str | None
    limit_hit: str | None


def blob_store(settings: Settings) -> BlobStore:
    return FileBlobStore(settings.resolved_blob_dir)


def profile_choices(locale: Locale) -> list[tuple[str, str]]:
    """The fetch profiles as (name, label in the page's language)."""
    zh = locale.language.startswith("zh")
    return [(name, p.label_zh if zh else p.label_en) for name, p in PROFILES.items()]


def profile_label(name: str, locale: Locale) -> str:
    profile = PROFILES.get(name)
    if profile is None:
        return name
    return profile.label_zh if locale.language.startswith("zh") else profile.label_en


def _id(value: str | None, field: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(f"{field}: {value!r} is not an id", field=field)
    return int(value)


def _campaign_choices(session: Session) -> list[tuple[int, str]]:
    query = select(Campaign.id, Campaign.name).order_by(Campaign.id.desc()).limit(CAMPAIGN_CHOICES)
    return [(row.id, row.name) for row in session.execute(query)]


def pending_of(session: Session, actor: Actor, job_id: int) -> Pending:
    """The probe job ``job_id`` as a pending row, if ``actor`` asked for it (else not found)."""
    job = session.get(Job, job_id)
    payload = job.payload if job is not None else {}
    asker = (payload.get("actor_name"), payload.get("org_id"))
    if job is None or job.kind != PROBE_JOB or asker != (actor.name, actor.org_id):
        raise InvalidInput(f"no probe of yours has job id {job_id}", field="job")
    capture_id = (job.result or {}).get("capture_id")
    finished = job.state in TERMINAL_STATES
    return Pending(
        job_id=job.id,
        state=job.state.value,
        url=str(job.payload.get("url", "")),
        profile=str(job.payload.get("profile") or ""),
        capture_id=capture_id if isinstance(capture_id, int) else None,
        polling=not finished,
        error=(job.last_error or "").strip().splitlines()[0]
        if finished and job.last_error
        else None,
    )


def _home_context(
    session: Session,
    actor: Actor,
    settings: Settings,
    locale: Locale,
    values: dict[str, Any],
    before: int | None,
) -> dict[str, Any]:
    found = list_captures(
        session,
        actor,
        domain=values.get("domain"),
        outcome=values.get("outcome"),
        campaign_id=values.get("campaign"),
        before_id=before,
        limit=PAGE_SIZE + 1,
    )
    captures, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    given = {k: v for k, v in values.items() if v not in (None, "")}
    return {
        "captures": captures,
        "values": given,
        "query": urlencode({**given, "before": before} if before else given),
        "older": urlencode({**given, "before": captures[-1].id}) if more and captures else None,
        "first_page": urlencode(given) if before is not None else None,
        "results_id": RESULTS_ID,
        "outcome_words": view.OUTCOME_WORDS,
        "campaigns": _campaign_choices(session),
        "can_run": actor.can("probe:run"),
        "profiles": profile_choices(locale),
        "default_profile": settings.probe_default_profile,
        "pending": None,
    }


@router.get("/probe", response_class=HTMLResponse)
def probe_home(
    request: Request,
    actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    locale: LocaleDep,
    domain: Annotated[str | None, Query(max_length=253)] = None,
    outcome: Annotated[str | None, Query(max_length=16)] = None,
    campaign: Annotated[str | None, Query(max_length=20)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    job: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    values = {
        "domain": (domain or "").strip() or None,
        "outcome": (outcome or "").strip() or None,
        "campaign": _id(campaign, "campaign"),
    }
    try:
        context = _home_context(session, actor, settings, locale, values, before)
    except FORM_ERRORS as exc:
        context = _home_context(session, actor, settings, locale, {}, None)
        context["values"] = {k: v for k, v in values.items() if v is not None}
        return render_form(request, pages, locale, "probe/home.html", context, exc)
    if job is not None and context["can_run"]:
        context["pending"] = pending_of(session, actor, job)
    if not wants_fragment(request, RESULTS_ID):
        response = pages.render(request, locale, "probe/home.html", context)
    else:
        response = pages.render(request, locale, "probe/_captures.html", context)
        query = context["query"]
        response.headers["HX-Push-Url"] = "/probe" + (f"?{query}" if query else "")
    response.headers["Vary"] += ", HX-Request, HX-Target"
    return response


@router.post("/probe", response_class=HTMLResponse)
def probe_submit(
    request: Request,
    actor: Runner,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    locale: LocaleDep,
    url: Annotated[str, Form(max_length=2000)] = "",
    profile: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Enqueue a probe of ``url``; htmx gets the pending row, a plain form a redirect."""
    try:
        with session.begin_nested():
            if not url.strip():
                raise InvalidInput("url: give an http:// or https:// URL to probe", field="url")
            name = get_profile(profile.strip() or settings.probe_default_profile).name
            check_url(url.strip(), AddressPolicy.from_settings(settings))  # refused: say so now
            payload: dict[str, Any] = {"url": url.strip(), "profile": name}
            payload.update(actor_name=actor.name, org_id=actor.org_id)
            job = enqueue(session, PROBE_JOB, payload)
    except (*FORM_ERRORS, ProbeRefused) as exc:
        return _probe_form_error(request, pages, locale, session, actor, settings, url, exc)
    if request.headers.get("HX-Request") != "true":
        return see_other(f"/probe?job={job.id}")
    pending = Pending(job.id, job.state.value, url.strip(), name, None, True, None)
    context = {"pending": pending, "job_id": job.id}
    return pages.render(request, locale, "probe/_pending.html", context)


def _probe_form_error(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    settings: Settings,
    url: str,
    error: JingwangError,
) -> HTMLResponse:
    if request.headers.get("HX-Request") == "true":
        problem = error_context(locale, error)["error"]
        context = {"pending": Pending(0, "refused", url, "", None, False, problem), "job_id": 0}
        return pages.render(request, locale, "probe/_pending.html", context, status_code=422)
    context = _home_context(session, actor, settings, locale, {}, None)
    context["values"] = {"url": url}
    return render_form(request, pages, locale, "probe/home.html", context, error)


@router.get("/probe/pending/{job_id}", response_class=HTMLResponse)
def probe_pending(
    request: Request,
    actor: Runner,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    job_id: int,
) -> HTMLResponse:
    """The pending row of a probe this actor asked for (htmx polls it until it is done)."""
    context = {"pending": pending_of(session, actor, job_id), "job_id": job_id}
    return pages.render(request, locale, "probe/_pending.html", context)


def _images(summary: dict[str, Any]) -> list[ImageView]:
    subresources = [item for item in summary.get("subresources") or [] if isinstance(item, dict)]
    if not subresources:
        return [ImageView(url, None, None, None, None, None, None) for url in view.images(summary)]
    return [
        ImageView(
            url=str(item.get("url", "")),
            media_type=item.get("media_type"),
            width=item.get("width"),
            height=item.get("height"),
            size=item.get("size"),
            refused=item.get("refused"),
            limit_hit=item.get("limit_hit"),
        )
        for item in subresources
    ]


def _evidence_context(
    session: Session, actor: Actor, capture: Capture, locale: Locale
) -> dict[str, Any]:
    rows = evidence_of(session, capture)
    return {
        "capture": capture,
        "evidence": rows,
        "evidence_id": EVIDENCE_ID,
        "evidence_words": EVIDENCE_WORDS,
        "verify_words": VERIFY_WORDS,
        "has_warc": actor.can("evidence:export") and any(r.kind == "warc" for r in rows),
        "can_export": actor.can("evidence:export"),
        "done": None,
    }


def _request_head(blobs: BlobStore, session: Session, capture: Capture) -> str | None:
    """What the prober sent first, from the WARC; None when the WARC cannot be read (the
    evidence panel then says why, once verified)."""
    for row in evidence_of(session, capture):
        if row.kind == "warc":
            try:
                return view.first_request_head(blobs.get(row.digest))
            except (JingwangError, OSError):
                return None
    return None


@router.get("/probe/captures/{capture_id}", response_class=HTMLResponse)
def probe_capture(
    request: Request,
    actor: CaptureReader,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    locale: LocaleDep,
    capture_id: int,
    job: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    capture = get_capture(session, actor, capture_id)
    summary = capture.summary or {}
    context = _evidence_context(session, actor, capture, locale)
    # the machine verdict (classify:read), with the judgement asked for by "judge again"
    context["panel"] = verdict_panel(session, actor, capture, locale, job_id=job)
    context.update(panel_words())
    kinds = {row.kind for row in context["evidence"]}
    context.update(
        {
            "profile_label": profile_label(capture.profile, locale),
            "charset_reason": summary.get("charset_reason"),
            "request_head": _request_head(blob_store(settings), session, capture),
            "chain": view.hops(capture.chain or [], locale),
            "tls": view.tls(capture.tls),
            "cards": view.cards(summary),
            "links": view.links(summary),
            "images": _images(summary),
            "identifiers": view.identifiers(summary),
            "has_screenshot": "screenshot" in kinds,
            "has_wml_view": "wml_view" in kinds,
            "outcome_words": view.OUTCOME_WORDS,
            "limit_words": LIMIT_WORDS,
        }
    )
    return pages.render(request, locale, "probe/capture.html", context)


@router.post("/probe/captures/{capture_id}/verify", response_class=HTMLResponse)
def probe_verify(
    request: Request,
    actor: Verifier,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    locale: LocaleDep,
    capture_id: int,
) -> Response:
    """Re-hash this capture's evidence now; htmx gets the evidence panel, a form a redirect."""
    authorize(actor, READ)
    capture = get_capture(session, actor, capture_id)
    verify_captures(session, blob_store(settings), actor, capture_id=capture.id)
    if not wants_fragment(request, EVIDENCE_ID):
        return see_other(f"/probe/captures/{capture.id}#{EVIDENCE_ID}")
    context = _evidence_context(session, actor, capture, locale)
    context["done"] = locale.gettext(VERIFIED)
    return pages.render(request, locale, "probe/_evidence.html", context)


@router.get("/probe/captures/{capture_id}/wacz")
def probe_wacz(
    actor: Verifier, session: SessionDep, settings: SettingsDep, capture_id: int
) -> Response:
    """This capture as a WACZ file (the API exports several at once: ``POST
    /api/captures/export.wacz``; a link cannot post JSON)."""
    out = io.BytesIO()
    export_captures(session, blob_store(settings), actor, [capture_id], out)
    name = f"capture-{capture_id}.wacz"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(out.getvalue(), media_type="application/wacz", headers=headers)


__all__ = ["PAGE_SIZE", "PROBE_JOB", "pending_of", "profile_choices", "profile_label", "router"]

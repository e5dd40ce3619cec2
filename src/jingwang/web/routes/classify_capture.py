"""The machine verdict on a capture's page: the panel, "judge again", and its images.

* The capture page (:func:`jingwang.web.routes.probe.probe_capture`) shows the panel built by
  :func:`verdict_panel` to readers holding ``classify:read``: label, score, thresholds,
  versions, reasons in the page's language, the page text with the matched phrases marked, and
  the images with their scores as thumbnails blurred until clicked.
* ``GET /probe/captures/{id}/verdict``: the panel alone (htmx polls it while a judgement the
  reader asked for is queued, ``?job=N``).
* ``POST /probe/captures/{id}/classify`` (``classify:run`` over the capture's organisation):
  judge the capture again in a ``classify.captures`` job, forced; htmx gets the panel with the
  pending job, a plain form a redirect.
* ``GET /probe/captures/{id}/images/{digest}``: one image of the capture, read from its WARC,
  decoded by Pillow under the pixel cap, scaled down and re-encoded as a PNG. The captured
  bytes are never sent: a hostile file (a polyglot, an SVG, HTML labelled as an image) cannot
  reach the reviewer's browser, only pixels we drew. Served with ``nosniff`` and a CSP that
  forbids everything, as the other evidence routes are.
"""

from __future__ import annotations

import io
import re
from hashlib import sha256
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts.policy import Actor, OrgScope, authorize, load_org_scope
from jingwang.classify import service
from jingwang.classify.images.decode import load_image
from jingwang.jobs.models import TERMINAL_STATES, Job
from jingwang.jobs.service import enqueue
from jingwang.probe.errors import EvidenceNotFound
from jingwang.probe.models import Capture
from jingwang.probe.service import get_capture
from jingwang.settings import Settings
from jingwang.store.blobs import FileBlobStore
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import see_other
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep, SettingsDep
from jingwang.web.i18n import Locale
from jingwang.web.routes import classify_view as view

router = APIRouter(include_in_schema=False)

CaptureJudgeReader = Annotated[Actor, Depends(require("classify:read", target="org"))]
CaptureJudge = Annotated[Actor, Depends(require("classify:run", target="org"))]
CLASSIFY_JOB: Final = "classify.captures"
PANEL_ID: Final = "verdict-panel"
SHOWN_MAX_SIDE: Final = 480  # pixels: an image is shown at most this large (each side)
DIGEST: Final = re.compile(r"[0-9a-f]{64}")
# Nothing may load or run in an image response; nothing may frame it but our pages.
IMAGE_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, max-age=86400",
}


def _pending(session: Session, capture_id: int, job_id: int | None) -> dict[str, Any] | None:
    """The classify job ``job_id`` if it judges this capture: its id, state and whether the
    panel should keep polling; None for any other job."""
    if job_id is None:
        return None
    job = session.get(Job, job_id)
    if job is None or job.kind != CLASSIFY_JOB:
        return None
    if capture_id not in (job.payload.get("capture_ids") or []):
        return None
    return {"job_id": job.id, "state": job.state.value, "polling": job.state not in TERMINAL_STATES}


def verdict_panel(
    session: Session,
    actor: Actor,
    capture: Capture,
    locale: Locale,
    *,
    job_id: int | None = None,
) -> dict[str, Any] | None:
    """What the capture page's verdict panel shows; None for readers without
    ``classify:read`` (the page then has no panel)."""
    if not actor.can(service.READ):
        return None
    row = service.current_verdict(session, actor, capture.id)
    verdict = view.verdict_view(row, locale.language) if row is not None else None
    text = service.page_text(capture.summary or {})
    return {
        "panel_id": PANEL_ID,
        "capture_id": capture.id,
        "verdict": verdict,
        "text": view.highlight(text, view.spans_of(row.text if row is not None else None)),
        "has_text": bool(text.strip()),
        "text_cut": len(text) > view.MAX_TEXT,
        "can_run": actor.can(service.RUN),
        "pending": _pending(session, capture.id, job_id),
    }


def panel_words() -> dict[str, Any]:
    """The word tables the panel template translates from."""
    return {
        "label_words": view.LABEL_WORDS,
        "category_words": view.CATEGORY_WORDS,
        "form_words": view.FORM_WORDS,
        "version_words": view.VERSION_WORDS,
    }


@router.get("/probe/captures/{capture_id}/verdict", response_class=HTMLResponse)
def capture_verdict_panel(
    request: Request,
    actor: CaptureJudgeReader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    capture_id: int,
    job: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    """The verdict panel alone, for htmx to swap in."""
    capture = get_capture(session, actor, capture_id)
    context = {"panel": verdict_panel(session, actor, capture, locale, job_id=job)}
    return pages.render(request, locale, "classify/_panel.html", {**context, **panel_words()})


@router.post("/probe/captures/{capture_id}/classify", response_class=HTMLResponse)
def capture_classify(
    request: Request,
    actor: CaptureJudge,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    capture_id: int,
) -> Response:
    """Judge the capture again (forced) in a background job."""
    job = enqueue_judgement(session, actor, capture_id)
    if request.headers.get("HX-Request") != "true":
        return see_other(f"/probe/captures/{capture_id}?job={job.id}#{PANEL_ID}")
    capture = get_capture(session, actor, capture_id)
    panel = verdict_panel(session, actor, capture, locale, job_id=job.id)
    return pages.render(request, locale, "classify/_panel.html", {"panel": panel, **panel_words()})


def org_scope(session: Session, org_id: int | None) -> OrgScope | None:
    """The organisation a capture belongs to, for a reach check (None: the operator's own
    captures, which only global reach sees)."""
    return load_org_scope(session, org_id) if org_id is not None else None


def enqueue_judgement(session: Session, actor: Actor, capture_id: int) -> Job:
    """A forced ``classify.captures`` job for one capture ``actor`` may see and judge
    (``classify:run`` reaching the capture's organisation)."""
    capture = get_capture(session, actor, capture_id)
    authorize(actor, service.RUN, org_scope(session, capture.org_id))
    payload = {"capture_ids": [capture.id], "run_id": None, "force": True}
    return enqueue(session, CLASSIFY_JOB, payload)


def shown_png(data: bytes, media_type: str | None, *, max_pixels: int) -> bytes:
    """The image decoded (under the pixel cap), scaled to fit :data:`SHOWN_MAX_SIDE` and
    written as a fresh PNG: pixels only, nothing of the captured file's bytes."""
    picture = load_image(data, media_type, max_pixels=max_pixels)
    picture.thumbnail((SHOWN_MAX_SIDE, SHOWN_MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def capture_image_png(
    session: Session, settings: Settings, actor: Actor, capture_id: int, digest: str
) -> bytes:
    """The capture's image whose bytes hash to ``digest``, re-encoded as PNG."""
    capture = get_capture(session, actor, capture_id)
    wanted = digest.lower().removesuffix(".png")
    if DIGEST.fullmatch(wanted):
        blobs = FileBlobStore(settings.resolved_blob_dir)
        for item in service.capture_images(blobs, session, capture):
            if sha256(item.data).hexdigest() == wanted:
                return shown_png(
                    item.data, item.media_type, max_pixels=settings.probe_max_image_pixels
                )
    raise EvidenceNotFound(
        f"capture {capture_id} has no image with SHA-256 {digest[:64]!r}",
        capture_id=capture_id,
        kind="image",
    )


@router.get(
    "/probe/captures/{capture_id}/images/{digest}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def capture_image(
    actor: CaptureJudgeReader,
    session: SessionDep,
    settings: SettingsDep,
    capture_id: int,
    digest: str,
) -> Response:
    """One image of the capture as a PNG we drew (see the module docstring)."""
    png = capture_image_png(session, settings, actor, capture_id, digest)
    headers = {**IMAGE_HEADERS, "ETag": f'"{sha256(png).hexdigest()[:32]}"'}
    return Response(png, media_type="image/png", headers=headers)


__all__ = [
    "CLASSIFY_JOB",
    "PANEL_ID",
    "SHOWN_MAX_SIDE",
    "capture_image_png",
    "enqueue_judgement",
    "org_scope",
    "panel_words",
    "router",
    "shown_png",
    "verdict_panel",
]

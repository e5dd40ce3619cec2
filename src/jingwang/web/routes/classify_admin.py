"""``/classify/runs`` and ``/classify/hashes``: re-scoring runs and known images.

* ``/classify/runs`` (``classify:read``): the re-scoring runs, newest first, and a button
  that starts one (every capture judged again with the current classifiers, in background
  jobs; one run at a time). Starting and cancelling need ``classify:run`` with global reach:
  a run judges every capture of the installation. ``/classify/runs/{id}``: its progress,
  which htmx refreshes every few seconds while the run is queued or running, and "cancel".
* ``/classify/hashes`` (``classify:manage``): the PDQ hashes of known images that captured
  images are matched against, an import form (pasted lines or a file, one ``hex64[,label]`` a
  line) and "delete".

Forms post with the CSRF token and follow post/redirect/get; a refused change (starting a run
while one is going) is shown on the page with its status.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts.policy import Actor, access_of, has_global_reach
from jingwang.classify import service
from jingwang.classify.models import RescoreRun
from jingwang.errors import InvalidInput
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import FORM_ERRORS, done_message, render_form, see_other
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep
from jingwang.web.htmx import wants_fragment
from jingwang.web.i18n import N_, Locale
from jingwang.web.routes import classify_view as view
from jingwang.web.routes.classify_capture import panel_words

router = APIRouter(include_in_schema=False)

RunReader = Annotated[Actor, Depends(require("classify:read"))]
RunStarter = Annotated[Actor, Depends(require("classify:run", global_reach=True))]
Manager = Annotated[Actor, Depends(require("classify:manage", global_reach=True))]
PROGRESS_ID: Final = "run-progress"
LIVE_STATES: Final = ("queued", "running")
HASH_PAGE: Final = 100
MAX_HASH_FILE: Final = 5 * 1024 * 1024  # bytes of an uploaded hash list
DONE: Final[dict[str, str]] = {
    "started": N_("The re-scoring run was queued; the worker judges every capture again."),
    "cancelled": N_("The re-scoring run was cancelled; verdicts made so far stay."),
    "deleted": N_("The known image was deleted."),
}


def can_start(actor: Actor) -> bool:
    """Whether ``actor`` may start and cancel runs: ``classify:run`` with global reach."""
    return actor.can(service.RUN) and has_global_reach(actor, access_of(actor, service.RUN))


def _message(locale: Locale, done: str | None) -> str | None:
    text = DONE.get(done or "")
    return locale.gettext(text) if text else done_message(locale, done)


def _run_context(run: RescoreRun, actor: Actor) -> dict[str, Any]:
    live = run.state in LIVE_STATES
    return {
        "run": run,
        "share": view.share(run.done, run.total),
        "live": live,
        "progress_id": PROGRESS_ID,
        "can_cancel": live and can_start(actor),
        "run_state_words": view.RUN_STATE_WORDS,
        **panel_words(),
    }


def _runs_context(session: Session, actor: Actor) -> dict[str, Any]:
    runs = service.list_runs(session, actor)
    return {
        "runs": runs,
        "active": next((run for run in runs if run.state in LIVE_STATES), None),
        "can_start": can_start(actor),
        "run_state_words": view.RUN_STATE_WORDS,
        "share": view.share,
    }


@router.get("/classify/runs", response_class=HTMLResponse)
def runs_page(
    request: Request,
    actor: RunReader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """The re-scoring runs and the button that starts one."""
    context = {**_runs_context(session, actor), "done": _message(locale, done)}
    return pages.render(request, locale, "classify/runs.html", context)


@router.post("/classify/runs", response_class=HTMLResponse)
def runs_start(
    request: Request, actor: RunStarter, session: SessionDep, pages: PagesDep, locale: LocaleDep
) -> Response:
    """Start a re-scoring run (refused, with the reason, while one is going)."""
    try:
        with session.begin_nested():
            run = service.start_rescore(session, actor)
    except FORM_ERRORS as exc:
        context = {**_runs_context(session, actor), "done": None}
        return render_form(request, pages, locale, "classify/runs.html", context, exc)
    return see_other(f"/classify/runs/{run.id}?done=started")


@router.get("/classify/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request,
    actor: RunReader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    run_id: int,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """One run's progress (htmx polls the progress part while the run is live)."""
    context = _run_context(service.get_run(session, actor, run_id), actor)
    if wants_fragment(request, PROGRESS_ID):
        response = pages.render(request, locale, "classify/_run_progress.html", context)
    else:
        context["done"] = _message(locale, done)
        response = pages.render(request, locale, "classify/run.html", context)
    response.headers["Vary"] += ", HX-Request, HX-Target"
    return response


@router.post("/classify/runs/{run_id}/cancel", response_class=HTMLResponse)
def run_cancel(
    request: Request,
    actor: RunStarter,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    run_id: int,
) -> Response:
    """Cancel a queued or running run; a finished one is refused on its page."""
    try:
        with session.begin_nested():
            service.cancel_rescore(session, actor, run_id)
    except FORM_ERRORS as exc:
        context = {**_run_context(service.get_run(session, actor, run_id), actor), "done": None}
        return render_form(request, pages, locale, "classify/run.html", context, exc)
    return see_other(f"/classify/runs/{run_id}?done=cancelled")


def _hashes_context(
    session: Session, actor: Actor, offset: int, values: dict[str, str] | None = None
) -> dict[str, Any]:
    rows, total = service.list_known_hashes(session, actor, limit=HASH_PAGE, offset=offset)
    after = offset + len(rows)
    return {
        "hashes": rows,
        "total": total,
        "offset": offset,
        "previous_offset": max(0, offset - HASH_PAGE) if offset > 0 else None,
        "next_offset": after if after < total else None,
        "values": values or {"label": "porn"},
        "report": None,
        "max_file": MAX_HASH_FILE,
    }


@router.get("/classify/hashes", response_class=HTMLResponse)
def hashes_page(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """The known images' hashes and the import form."""
    context = {**_hashes_context(session, actor, offset), "done": _message(locale, done)}
    return pages.render(request, locale, "classify/hashes.html", context)


async def _hash_text(pasted: str, upload: UploadFile | None) -> str:
    """The hash lines: the uploaded file's (UTF-8) when one came, else the pasted text."""
    if upload is None or not upload.filename:
        return pasted
    data = await upload.read(MAX_HASH_FILE + 1)
    if len(data) > MAX_HASH_FILE:
        raise InvalidInput(
            f"file: over {MAX_HASH_FILE} bytes; split it or use `jingwang classify hashes import`",
            field="file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file: not UTF-8 text; save it as UTF-8", field="file") from None


@router.post("/classify/hashes", response_class=HTMLResponse)
async def hashes_import(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    source: Annotated[str, Form(max_length=200)] = "",
    label: Annotated[str, Form(max_length=40)] = "porn",
    hashes: Annotated[str, Form(max_length=2_000_000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Import known hashes from the pasted lines or a file; the page shows the report."""
    values = {"source": source, "label": label, "hashes": hashes}
    try:
        if not source.strip():
            raise InvalidInput("source: name where the hashes come from", field="source")
        text = await _hash_text(hashes, file)
        if not text.strip():
            raise InvalidInput("hashes: paste hash lines or choose a file", field="hashes")
        with session.begin_nested():
            report = service.import_known_hashes(
                session, actor, text, source=source.strip(), label=label.strip() or "porn"
            )
    except FORM_ERRORS as exc:
        context = _hashes_context(session, actor, 0, values)
        return render_form(request, pages, locale, "classify/hashes.html", context, exc)
    context = _hashes_context(session, actor, 0, {"label": label})
    context["report"] = report
    return pages.render(request, locale, "classify/hashes.html", context)


@router.post("/classify/hashes/{hash_id}/delete")
def hashes_delete(actor: Manager, session: SessionDep, hash_id: int) -> Response:
    """Delete one known hash (captured images stop matching it)."""
    service.delete_known_hash(session, actor, hash_id)
    return see_other("/classify/hashes?done=deleted")


__all__ = ["PROGRESS_ID", "router"]

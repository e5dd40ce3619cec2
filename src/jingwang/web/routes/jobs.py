"""``/admin/jobs``: background jobs and schedules of the installation; retry and cancel jobs.

Jobs belong to the whole installation, not to an organisation, so only actors whose reach is
global (the reporting centre's admins, analysts and auditors) may see them, and only those
whose ``jobs:manage`` reaches everything may retry or cancel them: the routes are declared with
``require(…, global_reach=True)``, and a regulator or carrier holding ``jobs:read`` through a
narrower reach is refused (403, ``out_of_scope``).

The list runs newest first, filtered by state and kind; like the audit page, the filter form and
the paging links carry htmx attributes (``HX-Target: jobs-results`` gets only the results
fragment) and work as plain GET forms and links without JavaScript. Retry and cancel are POST
forms with the CSRF token; a conflict (retrying a running job) is shown on the job's page.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts.policy import Actor
from jingwang.errors import InvalidInput, JingwangError
from jingwang.jobs.models import Job, JobState
from jingwang.jobs.schedules import list_schedules
from jingwang.jobs.service import (
    CANCELLABLE_STATES,
    RETRYABLE_STATES,
    JobInfo,
    cancel_job,
    get_job,
    list_jobs,
    retry_job,
)
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import FORM_ERRORS, done_message, render_form, see_other
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep
from jingwang.web.htmx import wants_fragment
from jingwang.web.i18n import Locale
from jingwang.web.pages import Pages

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("jobs:read", global_reach=True))]
Manager = Annotated[Actor, Depends(require("jobs:manage", global_reach=True))]
PAGE_SIZE: Final = 50
RESULTS_ID: Final = "jobs-results"


def parse_state(value: str | None) -> JobState | None:
    """A state filter as typed: blank means every state; an unknown one is refused."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return JobState(value)
    except ValueError:
        raise InvalidInput(f"state: no job state {value!r}", field="state") from None


def first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def pretty(value: Any) -> str:
    """A payload or result as indented JSON (the page escapes it)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def _kinds(session: Session) -> list[str]:
    return list(session.scalars(select(Job.kind).distinct().order_by(Job.kind)))


@router.get("/admin/jobs", response_class=HTMLResponse)
def job_list(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    state: Annotated[str | None, Query(max_length=20)] = None,
    kind: Annotated[str | None, Query(max_length=100)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    wanted = parse_state(state)
    kind = (kind or "").strip() or None
    found = list_jobs(session, state=wanted, kind=kind, before=before, limit=PAGE_SIZE + 1)
    jobs, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    query = {k: v for k, v in (("state", wanted.value if wanted else None), ("kind", kind)) if v}
    context: dict[str, Any] = {
        "jobs": [JobInfo.model_validate(job) for job in jobs],
        "first_line": first_line,
        "states": [s.value for s in JobState],
        "kinds": _kinds(session),
        "values": query,
        "older": urlencode({**query, "before": jobs[-1].id}) if more and jobs else None,
        "first_page": urlencode(query) if before is not None else None,
        "schedules": list_schedules(session),
        "results_id": RESULTS_ID,
    }
    if not wants_fragment(request, RESULTS_ID):
        response = pages.render(request, locale, "jobs/list.html", context)
    else:
        response = pages.render(request, locale, "jobs/_results.html", context)
        shown = urlencode({**query, "before": before} if before else query)
        response.headers["HX-Push-Url"] = "/admin/jobs" + (f"?{shown}" if shown else "")
    response.headers["Vary"] += ", HX-Request, HX-Target"
    return response


def _job_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    job_id: int,
    *,
    done: str | None = None,
    error: JingwangError | None = None,
) -> HTMLResponse:
    job = JobInfo.model_validate(get_job(session, job_id))
    can_manage = actor.can("jobs:manage")
    context: dict[str, Any] = {
        "job": job,
        "pretty": pretty,
        "can_retry": can_manage and job.state in RETRYABLE_STATES,
        "can_cancel": can_manage and job.state in CANCELLABLE_STATES,
        "done": done_message(locale, done),
        "error": None,
    }
    return render_form(request, pages, locale, "jobs/detail.html", context, error)


@router.get("/admin/jobs/{job_id}", response_class=HTMLResponse)
def job_detail(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    job_id: int,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return _job_page(request, pages, locale, session, actor, job_id, done=done)


@router.post("/admin/jobs/{job_id}/retry", response_class=HTMLResponse)
def job_retry(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    job_id: int,
) -> Response:
    try:
        with session.begin_nested():
            retry_job(session, job_id, actor=actor.event_actor())
    except FORM_ERRORS as exc:
        return _job_page(request, pages, locale, session, actor, job_id, error=exc)
    return see_other(f"/admin/jobs/{job_id}?done=retried")


@router.post("/admin/jobs/{job_id}/cancel", response_class=HTMLResponse)
def job_cancel(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    job_id: int,
) -> Response:
    try:
        with session.begin_nested():
            cancel_job(session, job_id, actor=actor.event_actor())
    except FORM_ERRORS as exc:
        return _job_page(request, pages, locale, session, actor, job_id, error=exc)
    return see_other(f"/admin/jobs/{job_id}?done=cancelled")


__all__ = ["PAGE_SIZE", "first_line", "parse_state", "router"]

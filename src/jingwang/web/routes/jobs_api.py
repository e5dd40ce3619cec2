"""``/api/jobs``: background jobs as JSON; retry and cancel them.

Jobs belong to the whole installation, so callers need ``jobs:read`` (to look) or
``jobs:manage`` (to retry or cancel) with global reach: a user or API token of the reporting
centre. Anyone else gets 403 (``permission.denied``; a token without the scope:
``permission.beyond_scope``). Errors have the usual :class:`ErrorResponse` body: an unknown job
is ``jobs.not_found`` (404), retrying a running job ``jobs.state_conflict`` (409).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from jingwang.accounts.policy import Actor
from jingwang.jobs.models import JobState
from jingwang.jobs.service import JobInfo, cancel_job, get_job, list_jobs, retry_job
from jingwang.web.auth.decisions import require
from jingwang.web.deps import SessionDep
from jingwang.web.errors import ErrorResponse

MAX_LIMIT = 500
ERRORS = {
    401: {"model": ErrorResponse, "description": "No valid token or session."},
    403: {
        "model": ErrorResponse,
        "description": "The caller lacks the permission, or its reach is not global.",
    },
    404: {"model": ErrorResponse, "description": "No job with that id."},
    422: {"model": ErrorResponse, "description": "A filter is malformed."},
}
router = APIRouter(prefix="/api", tags=["jobs"], responses=ERRORS)  # type: ignore[arg-type]

Reader = Annotated[Actor, Depends(require("jobs:read", global_reach=True))]
Manager = Annotated[Actor, Depends(require("jobs:manage", global_reach=True))]
CONFLICT = {409: {"model": ErrorResponse, "description": "The job's state does not allow it."}}


@router.get("/jobs", summary="Background jobs, newest first")
def list_jobs_api(
    actor: Reader,
    session: SessionDep,
    state: Annotated[JobState | None, Query(description="Only jobs in this state.")] = None,
    kind: Annotated[
        str | None, Query(max_length=100, description="Only jobs of this kind.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="At most this many.")] = 100,
) -> list[JobInfo]:
    jobs = list_jobs(session, state=state, kind=kind, limit=limit)
    return [JobInfo.model_validate(job) for job in jobs]


@router.get("/jobs/{job_id}", summary="One job")
def get_job_api(actor: Reader, session: SessionDep, job_id: int) -> JobInfo:
    return JobInfo.model_validate(get_job(session, job_id))


@router.post(
    "/jobs/{job_id}/retry",
    summary="Queue a dead or cancelled job again, or run a waiting one now",
    responses=CONFLICT,  # type: ignore[arg-type]
)
def retry_job_api(actor: Manager, session: SessionDep, job_id: int) -> JobInfo:
    return JobInfo.model_validate(retry_job(session, job_id, actor=actor.event_actor()))


@router.post(
    "/jobs/{job_id}/cancel",
    summary="Cancel a job that has not finished",
    responses=CONFLICT,  # type: ignore[arg-type]
)
def cancel_job_api(actor: Manager, session: SessionDep, job_id: int) -> JobInfo:
    return JobInfo.model_validate(cancel_job(session, job_id, actor=actor.event_actor()))


__all__ = ["router"]

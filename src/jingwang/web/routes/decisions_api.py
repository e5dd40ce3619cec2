"""``/api/decisions``: decisions on domains as JSON; record and withdraw them.

Listing needs ``cases:read``; recording and withdrawing ``cases:review`` with global reach (see
:mod:`jingwang.web.routes.decisions`). Errors have the usual :class:`ErrorResponse` body:
``decisions.invalid`` (422: unknown verdict, empty reason), ``domain.invalid`` / ``url.invalid``
(422: the target names no registrable domain), ``decisions.not_found`` (404),
``decisions.contradicts`` and ``decisions.already_withdrawn`` (409).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from jingwang.accounts.policy import Actor
from jingwang.decisions.service import (
    LIST_LIMIT,
    DecisionInfo,
    list_decisions,
    record_decision,
    withdraw_decision,
)
from jingwang.web.auth.decisions import require
from jingwang.web.deps import SessionDep
from jingwang.web.errors import ErrorResponse

ERRORS = {
    401: {"model": ErrorResponse, "description": "No valid token or session."},
    403: {"model": ErrorResponse, "description": "The caller lacks the permission or reach."},
    422: {"model": ErrorResponse, "description": "A field or filter is not acceptable."},
}
CHANGES = {
    404: {"model": ErrorResponse, "description": "No decision with that id."},
    409: {"model": ErrorResponse, "description": "It contradicts a standing decision, or was "
          "already withdrawn."},
}  # fmt: skip
router = APIRouter(prefix="/api", tags=["decisions"], responses=ERRORS)  # type: ignore[arg-type]

Reader = Annotated[Actor, Depends(require("cases:read"))]
Reviewer = Annotated[Actor, Depends(require("cases:review", global_reach=True))]


class DecisionCreate(BaseModel):
    target: str = Field(max_length=2000, description="A URL or host; its registrable domain.")
    verdict: Literal["porn", "unfiled", "gambling", "fraud", "other", "legal"]
    reason: str = Field(max_length=2000, description="What was seen and why (required).")


class DecisionWithdraw(BaseModel):
    reason: str = Field(max_length=2000, description="Why it is withdrawn (required).")


@router.get("/decisions", summary="Decisions on domains, newest first")
def list_decisions_api(
    actor: Reader,
    session: SessionDep,
    domain: Annotated[
        str | None, Query(max_length=2000, description="Only this domain (or a host under it).")
    ] = None,
    state: Annotated[
        Literal["confirmed", "withdrawn"] | None, Query(description="Only in this state.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=LIST_LIMIT, description="At most this many.")] = 100,
) -> list[DecisionInfo]:
    found = list_decisions(session, actor, domain, state, limit)
    return [DecisionInfo.model_validate(decision) for decision in found]


@router.post(
    "/decisions",
    summary="Confirm a verdict on a domain (the standing one if it is already confirmed)",
    responses=CHANGES,  # type: ignore[arg-type]
)
def record_decision_api(actor: Reviewer, session: SessionDep, body: DecisionCreate) -> DecisionInfo:
    decision = record_decision(session, actor, body.target, body.verdict, body.reason)
    return DecisionInfo.model_validate(decision)


@router.post(
    "/decisions/{decision_id}/withdraw",
    summary="Withdraw a confirmed decision (it is kept, in state withdrawn)",
    responses=CHANGES,  # type: ignore[arg-type]
)
def withdraw_decision_api(
    actor: Reviewer, session: SessionDep, decision_id: int, body: DecisionWithdraw
) -> DecisionInfo:
    decision = withdraw_decision(session, actor, decision_id, body.reason)
    return DecisionInfo.model_validate(decision)


__all__ = ["router"]

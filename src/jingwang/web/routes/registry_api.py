"""``/api/registry/…``: the registry's views as JSON, and findings' state changes.

Reading needs ``registry:read``; what comes back is within the caller's read reach (providers:
their organisation and below; regulators: their province, the national office all; the
reporting centre: all). Lists are pages: ``limit`` (≤ 500) and ``offset`` in, ``total`` out.
Changing a finding's state needs ``registry:manage`` (see :mod:`jingwang.registry.findings`
for who may make which change); a change the state does not allow is 409
``registry.state_conflict``, a false positive without a note 422 ``registry.note_required``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from jingwang.accounts.policy import Actor
from jingwang.registry.compliance import ComplianceFigures, compliance
from jingwang.registry.findings import (
    MAX_PAGE,
    FindingFilters,
    FindingInfo,
    FindingPage,
    StateChange,
    finding_history,
    get_finding,
    list_findings,
    set_state,
)
from jingwang.registry.history import ConnectionFact, who_connected
from jingwang.registry.inventory import (
    ConnectionRow,
    FilingRow,
    Page,
    list_connections,
    list_filings,
)
from jingwang.registry.tree import TreeNode, sublet_tree
from jingwang.web.auth.decisions import require
from jingwang.web.deps import SessionDep
from jingwang.web.errors import ErrorResponse
from jingwang.web.routes.registry import pick_province, today

ERRORS = {
    401: {"model": ErrorResponse, "description": "No valid token or session."},
    403: {"model": ErrorResponse, "description": "The caller lacks the permission or reach."},
    422: {"model": ErrorResponse, "description": "A filter or the body is malformed."},
}
router = APIRouter(prefix="/api/registry", tags=["registry"], responses=ERRORS)  # type: ignore[arg-type]

Reader = Annotated[Actor, Depends(require("registry:read"))]
FindingReader = Annotated[Actor, Depends(require("registry:read", target="org"))]
Manager = Annotated[Actor, Depends(require("registry:manage", target="org"))]
NOT_FOUND: Final[dict[int | str, dict[str, Any]]] = {
    404: {"model": ErrorResponse, "description": "No such finding within reach."}
}
STATE_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    **NOT_FOUND,
    409: {"model": ErrorResponse, "description": "The current state does not allow it."},
}
On = Annotated[dt.date | None, Query(description="The date (YYYY-MM-DD); today if none.")]
Province = Annotated[
    str | None,
    Query(max_length=8, description="Regulators: narrow to this province (code, e.g. GD)."),
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="At most this many.")]
Offset = Annotated[int, Query(ge=0, description="Skip this many.")]


class FindingDetail(FindingInfo):
    history: list[StateChange] = Field(description="State changes, oldest first.")


class StateChangeIn(BaseModel):
    state: str = Field(max_length=16, description="open | acknowledged | fixed | false_positive")
    note: str | None = Field(None, max_length=1000, description="Why; required for false_positive.")


@router.get("/connections", summary="Connections holding on a date, within reach")
def connections_api(
    actor: Reader,
    session: SessionDep,
    on: On = None,
    provider: Annotated[
        int | None, Query(ge=1, description="This provider and its resellers.")
    ] = None,
    domain: Annotated[str | None, Query(max_length=253)] = None,
    filed: Annotated[
        bool | None, Query(description="Only filed (true) or unfiled (false).")
    ] = None,
    province: Province = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[ConnectionRow]:
    return list_connections(
        session,
        actor,
        on=on or today(),
        provider=provider,
        domain=domain,
        filed=filed,
        province=pick_province(actor, province),
        limit=limit,
        offset=offset,
    )


@router.get("/filings", summary="ICP filings and licences holding on a date")
def filings_api(
    actor: Reader,
    session: SessionDep,
    on: On = None,
    number: Annotated[str | None, Query(max_length=64)] = None,
    domain: Annotated[str | None, Query(max_length=253)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    province: Province = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[FilingRow]:
    return list_filings(
        session,
        actor,
        on=on or today(),
        number=number,
        domain=domain,
        status=status,
        province=pick_province(actor, province),
        limit=limit,
        offset=offset,
    )


@router.get("/sublets/tree", summary="The sublet tree(s) within reach on a date")
def sublet_tree_api(
    actor: Reader,
    session: SessionDep,
    on: On = None,
    org: Annotated[int | None, Query(ge=1, description="Start at this organisation.")] = None,
) -> list[TreeNode]:
    return sublet_tree(session, actor, on=on or today(), root_org_id=org)


@router.get("/findings", summary="Findings within reach, most recently found first")
def findings_api(
    actor: Reader,
    session: SessionDep,
    state: Annotated[str | None, Query(max_length=16)] = None,
    rule: Annotated[str | None, Query(max_length=48)] = None,
    severity: Annotated[str | None, Query(max_length=16)] = None,
    addressee: Annotated[int | None, Query(ge=1)] = None,
    domain: Annotated[str | None, Query(max_length=253)] = None,
    province: Province = None,
    lang: Annotated[str, Query(max_length=8, description="Language of rule titles.")] = "zh-CN",
    limit: Limit = 100,
    offset: Offset = 0,
) -> FindingPage:
    filters = FindingFilters(
        state=state,
        rule=rule,
        severity=severity,
        addressee=addressee,
        province=pick_province(actor, province),
        domain=domain,
    )
    return list_findings(session, actor, filters, limit=limit, offset=offset, language=lang)


@router.get("/findings/{finding_id}", summary="One finding, with its history", responses=NOT_FOUND)
def finding_api(
    actor: FindingReader,
    session: SessionDep,
    finding_id: int,
    lang: Annotated[str, Query(max_length=8, description="Language of the rule title.")] = "zh-CN",
) -> FindingDetail:
    info = get_finding(session, actor, finding_id, language=lang)
    history = finding_history(session, actor, finding_id)
    return FindingDetail(**info.model_dump(), history=history)


@router.post(
    "/findings/{finding_id}/state",
    summary="Acknowledge, claim fixed, mark a false positive or reopen a finding",
    responses=STATE_ERRORS,
)
def finding_state_api(
    actor: Manager, session: SessionDep, finding_id: int, change: StateChangeIn
) -> FindingInfo:
    return set_state(session, actor, finding_id, change.state, change.note)


@router.get("/compliance", summary="Compliance figures of a scope on a date")
def compliance_api(
    actor: Reader,
    session: SessionDep,
    on: On = None,
    org: Annotated[int | None, Query(ge=1, description="This organisation and below.")] = None,
    province: Province = None,
    top: Annotated[int, Query(ge=1, le=100, description="Providers listed.")] = 10,
    lang: Annotated[str, Query(max_length=8, description="Language of rule titles.")] = "zh-CN",
) -> ComplianceFigures:
    return compliance(
        session,
        actor,
        on=on or today(),
        org_id=org,
        province=pick_province(actor, province),
        top=top,
        language=lang,
    )


@router.get("/who-connected", summary="Who connected a domain on a date")
def who_connected_api(
    actor: Reader,
    session: SessionDep,
    domain: Annotated[str, Query(min_length=1, max_length=253)],
    on: On = None,
) -> list[ConnectionFact]:
    return who_connected(session, actor, domain, on or today())


__all__ = ["FindingDetail", "StateChangeIn", "router"]

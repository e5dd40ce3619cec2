"""``/api/audit``: audit entries as JSON, with the browser's filters and cursor pagination.

Callers need ``audit:read`` (a user's role, or an API token's scope) and see the entries of the
organisations within their reach. Pages run newest first; ``next_cursor`` is passed back as
``cursor`` for the next, older page and is ``null`` on the last one. Entries carry their hashes,
so a client can follow the chain.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from jingwang.accounts.policy import Actor
from jingwang.audit.browse import MAX_PAGE, audit_scope, search_entries
from jingwang.audit.log import AuditEntryInfo
from jingwang.web.auth.decisions import require
from jingwang.web.deps import SessionDep
from jingwang.web.errors import ErrorResponse
from jingwang.web.routes.audit_query import FilterDep, parse_cursor

ERRORS = {
    401: {"model": ErrorResponse, "description": "No valid token or session."},
    403: {"model": ErrorResponse, "description": "The caller lacks audit:read."},
    422: {"model": ErrorResponse, "description": "A filter or the cursor is malformed."},
}
router = APIRouter(prefix="/api", tags=["audit"], responses=ERRORS)  # type: ignore[arg-type]


class AuditPagePublic(BaseModel):
    entries: list[AuditEntryInfo] = Field(description="Matching entries, newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next (older) page; null when there is none."
    )


@router.get("/audit", summary="Audit entries within the caller's reach, newest first")
def list_audit(
    actor: Annotated[Actor, Depends(require("audit:read"))],
    session: SessionDep,
    filters: FilterDep,
    cursor: Annotated[
        str | None, Query(max_length=20, description="`next_cursor` of the previous page.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Entries per page.")] = 100,
) -> AuditPagePublic:
    page = search_entries(
        session,
        filters,
        visible_org_ids=audit_scope(session, actor),
        before=parse_cursor(cursor),
        limit=limit,
    )
    next_cursor = str(page.next_cursor) if page.next_cursor is not None else None
    return AuditPagePublic(entries=page.entries, next_cursor=next_cursor)


__all__ = ["AuditPagePublic", "router"]

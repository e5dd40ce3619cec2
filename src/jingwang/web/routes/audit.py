"""``/audit``: the audit log browser, and ``/audit.csv``: the filtered set as CSV.

The page is rendered on the server, newest entries first, with the filters of
:mod:`.audit_query`. The filter form and the paging links carry htmx attributes: with htmx the
results are swapped in place (``HX-Target: audit-results`` gets only the results fragment) and
the address bar follows; without JavaScript they are plain GET forms and links. Readers need
``audit:read`` and see the entries of the organisations within their reach
(:func:`~jingwang.audit.browse.audit_scope`); the export needs ``audit:export`` and is itself an
audit event (``audit.exported``), recorded before the first row is sent.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor
from jingwang.audit.browse import (
    audit_scope,
    count_entries,
    head_seq,
    iter_entries,
    search_entries,
)
from jingwang.audit.events import AuditExported
from jingwang.audit.export import csv_lines
from jingwang.audit.log import AuditEntryInfo
from jingwang.store.outbox import emit
from jingwang.web.auth.decisions import require
from jingwang.web.auth.identity import request_id
from jingwang.web.deps import DatabaseDep, LocaleDep, PagesDep, SessionDep
from jingwang.web.htmx import wants_fragment
from jingwang.web.routes.audit_query import FilterDep

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("audit:read"))]
Exporter = Annotated[Actor, Depends(require("audit:export"))]
PAGE_SIZE: Final = 50
RESULTS_ID: Final = "audit-results"
VALUE_CHARS: Final = 300


@dataclass(frozen=True)
class EntryView:
    """One entry as the page shows it: its ``changes`` as before/after rows, the rest as
    field/value pairs."""

    entry: AuditEntryInfo
    org_name: str | None
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def entry_view(entry: AuditEntryInfo, org_names: dict[str, str]) -> EntryView:
    changes: list[tuple[str, str, str]] = []
    fields: list[tuple[str, str]] = []
    for key, value in sorted(entry.summary.items()):
        if key == "changes" and isinstance(value, dict):
            for name, pair in sorted(value.items()):
                before, after = pair if isinstance(pair, list) and len(pair) == 2 else ("", pair)
                changes.append((name, _show(before), _show(after)))
        else:
            fields.append((key, _show(value)))
    org = org_names.get(entry.org_id) if entry.org_id else None
    return EntryView(entry, org, changes, fields)


def _orgs(session: Session, visible: Collection[str] | None) -> dict[str, str]:
    """Names of the organisations the reader may filter by, by id (as text)."""
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if visible is not None:
        query = query.where(Organisation.id.in_(sorted(int(i) for i in visible if i.isdigit())))
    return {str(row.id): row.name for row in session.execute(query)}


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    filters: FilterDep,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    visible = audit_scope(session, actor)
    page = search_entries(session, filters, visible_org_ids=visible, before=before, limit=PAGE_SIZE)
    orgs = _orgs(session, visible)
    query = filters.given()
    for key in ("since", "until"):  # the form shows what was typed, in the display zone
        if request.query_params.get(key):
            query[key] = request.query_params[key]
    context = {
        "views": [entry_view(entry, orgs) for entry in page.entries],
        "orgs": orgs,
        "values": query,
        "query": urlencode(query),
        "older": urlencode({**query, "before": page.next_cursor}) if page.next_cursor else None,
        "first_page": urlencode(query) if before is not None else None,
        "can_export": actor.can("audit:export"),
        "results_id": RESULTS_ID,
    }
    if not wants_fragment(request, RESULTS_ID):
        response = pages.render(request, locale, "audit/log.html", context)
    else:
        response = pages.render(request, locale, "audit/_results.html", context)
        # The address bar gets the filters in use, not every empty field of the form.
        shown = urlencode({**query, "before": before} if before else query)
        response.headers["HX-Push-Url"] = "/audit" + (f"?{shown}" if shown else "")
    response.headers["Vary"] += ", HX-Request, HX-Target"
    return response


@router.get("/audit.csv")
def audit_csv(
    request: Request,
    actor: Exporter,
    session: SessionDep,
    db: DatabaseDep,
    filters: FilterDep,
) -> StreamingResponse:
    """The filtered entries as CSV (UTF-8 with BOM), newest first, up to the head of now."""
    visible = audit_scope(session, actor)
    up_to = head_seq(session)
    rows = count_entries(session, filters, visible_org_ids=visible, up_to=up_to)
    event = AuditExported(
        object_id="csv",
        actor=actor.event_actor(),
        request_id=request_id(request),
        rows=rows,
        up_to_seq=up_to,
        filters=filters.given(),
    )
    emit(session, event)  # committed with the request's transaction, before streaming starts

    def lines() -> Iterator[bytes]:
        for line in csv_lines(iter_entries(db, filters, visible_org_ids=visible, up_to=up_to)):
            yield line.encode("utf-8")

    name = f"jingwang-audit-{up_to}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


__all__ = ["PAGE_SIZE", "EntryView", "entry_view", "router"]

"""``/registry/imports``: upload a registry file, see what it did, and export the registry.

Readers (``registry:read``) see the recent imports within their reach and the export links (one
per kind, CSV or XLSX, for the date chosen; they point at ``/api/registry/exports/{kind}``,
which a logged-in browser may call). Managers (``registry:manage``) also get the upload form:
kind, file (CSV or XLSX), mode, as-of date, "import the good rows", organisation, column mapping
(lines ``file header = field``) and sheet. The import runs within the request
(:mod:`.registry_io_form`); the page then shows the report: the counts, whether anything was
written, and every bad row with its line, column, value and reason (status 422 when nothing
was written). A file bigger than the web's limit is refused with the advice to use the command
line.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor
from jingwang.errors import InvalidInput, JingwangError
from jingwang.registry import KINDS, ImportReport
from jingwang.registry.import_log import recent_imports
from jingwang.registry.importing import RECORD_KINDS, ImportMode
from jingwang.store.base import utcnow
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import FORM_ERRORS, render_form
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep, SettingsDep
from jingwang.web.i18n import Locale
from jingwang.web.pages import Pages
from jingwang.web.routes.registry_io_form import ImportForm, ImportFormDep, run_import

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("registry:read"))]
Manager = Annotated[Actor, Depends(require("registry:manage"))]
RECENT = 30


def _export_day(text: str | None) -> dt.date:
    if not (text or "").strip():
        return utcnow().date()
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput(
            f"on: {text!r} is not a date: write it as YYYY-MM-DD", field="on"
        ) from None


def _page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    *,
    form: ImportForm | None = None,
    report: ImportReport | None = None,
    error: JingwangError | None = None,
    on: dt.date | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "kinds": KINDS,
        "owned": {name for name, kind in RECORD_KINDS.items() if kind.owned},
        "modes": [mode.value for mode in ImportMode],
        "can_manage": actor.can("registry:manage"),
        "imports": recent_imports(session, actor, RECENT),
        "values": form or ImportForm(kind=KINDS[0]),
        "report": report,
        "on": (on or utcnow().date()).isoformat(),
        "error": None,
    }
    status = 422 if report is not None and not report.applied else 200
    page = render_form(request, pages, locale, "registry/imports.html", context, error)
    if error is None:
        page.status_code = status
    return page


@router.get("/registry/imports", response_class=HTMLResponse)
def imports_page(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    on: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    return _page(request, pages, locale, session, actor, on=_export_day(on))


@router.post("/registry/imports", response_class=HTMLResponse)
def import_upload(
    request: Request,
    actor: Manager,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    locale: LocaleDep,
    file: UploadFile,
    form: ImportFormDep,
) -> HTMLResponse:
    try:
        with session.begin_nested():
            report = run_import(session, actor, settings, file, form)
    except FORM_ERRORS as exc:
        return _page(request, pages, locale, session, actor, form=form, error=exc)
    return _page(request, pages, locale, session, actor, form=form, report=report)


__all__ = ["router"]

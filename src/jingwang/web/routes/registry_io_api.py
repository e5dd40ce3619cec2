"""``/api/registry/imports`` and ``/api/registry/exports``: registry files in and out.

``POST /api/registry/imports`` takes a multipart body (``file`` and the fields of
:class:`~.registry_io_form.ImportForm`), imports it within the request and answers the report.
When bad rows kept anything from being imported, the answer is 422 ``registry.import_rejected``
in the usual error shape, the report's counts and row errors in ``details``. Importing needs
``registry:manage`` (and, per kind and row, the reach the importer checks); listing the recent
imports and exporting need ``registry:read`` and show only what is within the caller's reach.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, UploadFile
from fastapi.responses import Response

from jingwang.accounts.policy import Actor
from jingwang.registry.errors import ImportRejected
from jingwang.registry.exporting import ExportFormat, export_file
from jingwang.registry.import_log import MAX_LIMIT, ImportInfo, recent_imports
from jingwang.store.base import utcnow
from jingwang.web.auth.decisions import require
from jingwang.web.deps import SessionDep, SettingsDep
from jingwang.web.errors import ErrorResponse
from jingwang.web.routes.registry_io_form import ImportFormDep, ImportReportOut, run_import

ERRORS = {
    401: {"model": ErrorResponse, "description": "No valid token or session."},
    403: {"model": ErrorResponse, "description": "The caller lacks the permission or reach."},
    422: {
        "model": ErrorResponse,
        "description": "Bad input: a malformed field, a file too large, an unreadable workbook, "
        "or (registry.import_rejected) bad rows, listed in details.errors.",
    },
}
router = APIRouter(prefix="/api/registry", tags=["registry"], responses=ERRORS)  # type: ignore[arg-type]

Reader = Annotated[Actor, Depends(require("registry:read"))]
Manager = Annotated[Actor, Depends(require("registry:manage"))]


@router.post("/imports", summary="Import a CSV or XLSX file of registry records")
def import_api(
    actor: Manager,
    session: SessionDep,
    settings: SettingsDep,
    file: UploadFile,
    form: ImportFormDep,
) -> ImportReportOut:
    report = ImportReportOut.model_validate(run_import(session, actor, settings, file, form))
    if not report.applied:
        raise ImportRejected(
            f"nothing was imported: {report.rejected} of {report.rows} rows (or the header) "
            "are bad; fix them, or send good_rows=true to import the others",
            **report.model_dump(mode="json", exclude={"import_id", "applied"}),
        )
    return report


@router.get("/imports", summary="Recent imports within reach, newest first")
def list_imports_api(
    actor: Reader,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="At most this many.")] = 50,
) -> list[ImportInfo]:
    return recent_imports(session, actor, limit)


@router.get(
    "/exports/{kind}",
    summary="The records of a kind that held on a date, as CSV or XLSX",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, ExportFormat.XLSX.media_type: {}}}},
)
def export_api(
    actor: Reader,
    session: SessionDep,
    kind: str,
    on: Annotated[dt.date | None, Query(description="The date (default today).")] = None,
    form: Annotated[ExportFormat, Query(alias="format", description="csv or xlsx.")] = (
        ExportFormat.CSV
    ),
) -> Response:
    day = on or utcnow().date()
    data = export_file(session, actor, kind, day, form)
    name = f"registry-{kind}-{day.isoformat()}.{form.value}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=form.media_type, headers=headers)


__all__ = ["router"]

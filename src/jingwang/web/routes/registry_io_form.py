"""What the registry import page and the import API share: the form, the upload, the report.

An upload is read into memory up to the byte limit (``registry_import_max_bytes``) and imported
within the request, by the same importer as the command line, with the web's row limit
(``registry_web_import_max_rows``): a bigger file is refused as a whole
(``registry.file_too_large``) with the advice to use ``jingwang registry import``. The column
mapping is typed as lines ``file header = field``; the organisation by name or id, among those
the caller can see (an unseen one is "not found", like one that does not exist).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, UploadFile
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from jingwang.accounts.errors import AccountNotFound
from jingwang.accounts.orgs import find_org
from jingwang.accounts.policy import Actor, visible_org_ids
from jingwang.errors import InvalidInput
from jingwang.registry import ImportMode, ImportOptions, ImportReport, import_csv
from jingwang.registry.csvfile import ReadLimits
from jingwang.registry.errors import BadMapping
from jingwang.settings import Settings

MAPPING_MAX = 20_000  # characters of the mapping field


@dataclass(frozen=True)
class ImportForm:
    """The fields of an import, as submitted (the page's form or the API's multipart body)."""

    kind: str
    mode: ImportMode = ImportMode.DELTA
    as_of: str = ""
    good_rows: bool = False
    org: str = ""
    mapping: str = ""
    sheet: str = ""


def import_form(
    kind: Annotated[str, Form(max_length=32, description="The record kind.")],
    mode: Annotated[ImportMode, Form(description="delta or snapshot.")] = ImportMode.DELTA,
    as_of: Annotated[str, Form(max_length=10, description="YYYY-MM-DD; snapshot needs it.")] = "",
    good_rows: Annotated[bool, Form(description="Import the good rows even if some are bad.")] = (
        False
    ),
    org: Annotated[str, Form(max_length=300, description="Organisation name or id.")] = "",
    mapping: Annotated[
        str, Form(max_length=MAPPING_MAX, description="Lines `file header = field`.")
    ] = "",
    sheet: Annotated[str, Form(max_length=100, description="XLSX sheet (default: first).")] = "",
) -> ImportForm:
    return ImportForm(kind, mode, as_of, good_rows, org, mapping, sheet)


ImportFormDep = Annotated[ImportForm, Depends(import_form)]


class RowErrorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line: int
    column: str | None
    reason: str
    value: str | None


class ImportReportOut(BaseModel):
    """What an import did; ``applied`` is false when nothing was written."""

    model_config = ConfigDict(from_attributes=True)

    kind: str
    mode: str
    as_of: dt.date
    encoding: str
    rows: int
    added: int
    changed: int
    unchanged: int
    closed: int
    rejected: int
    applied: bool
    import_id: int | None
    errors: list[RowErrorOut]


def parse_mapping(text: str) -> dict[str, str] | None:
    """Lines ``file header = field`` as a mapping (``None`` when there are none)."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        header, sep, name = line.rpartition("=")
        if not sep or not header.strip() or not name.strip():
            raise BadMapping(
                f"mapping line {number} is not `file header = field`: {line.strip()[:80]!r}",
                line=number,
            )
        found[header.strip()] = name.strip()
    return found or None


def _date(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"as_of: {text!r} is not a date: write it as YYYY-MM-DD", field="as_of"
        ) from None


def _org_id(session: Session, actor: Actor, ref: str) -> int | None:
    if not ref.strip():
        return None
    try:
        org = find_org(session, ref)
    except AccountNotFound:
        org = None
    if org is None or org.id not in visible_org_ids(session, actor):
        raise AccountNotFound(f"no organisation you can see is called {ref.strip()!r}", org=ref)
    return org.id


def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    """The uploaded file's bytes; refused (unread beyond the limit) when bigger."""
    data = upload.file.read(max_bytes + 1)
    ReadLimits(max_bytes=max_bytes).check_bytes(len(data))
    return data


def run_import(
    session: Session, actor: Actor, settings: Settings, upload: UploadFile, form: ImportForm
) -> ImportReport:
    """Import one uploaded file, in the request's transaction."""
    limits = ReadLimits(
        max_rows=min(settings.registry_web_import_max_rows, settings.registry_import_max_rows),
        max_bytes=settings.registry_import_max_bytes,
    )
    options = ImportOptions(
        form.kind,
        mode=form.mode,
        as_of=_date(form.as_of),
        good_rows=form.good_rows,
        mapping=parse_mapping(form.mapping),
        org_id=_org_id(session, actor, form.org),
        file_name=upload.filename or "",
        sheet=form.sheet.strip() or None,
        limits=limits,
    )
    return import_csv(session, actor, read_upload(upload, limits.max_bytes), options)


__all__ = [
    "ImportForm",
    "ImportFormDep",
    "ImportReportOut",
    "RowErrorOut",
    "import_form",
    "parse_mapping",
    "read_upload",
    "run_import",
]

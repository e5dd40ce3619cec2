"""Exporting the registry in the shapes it imports: a file exported can be imported again.

:func:`export_csv` writes the records of one kind that held on a date, within the actor's read
reach, under the fields' own (English) names, UTF-8 without a byte-order mark;
:func:`export_xlsx` writes the same rows as an XLSX workbook (one sheet, named after the kind,
every cell text); :func:`export_file` picks by :class:`ExportFormat`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor
from jingwang.registry.csvfile import write_table
from jingwang.registry.importing import record_kind
from jingwang.registry.xlsxfile import write_xlsx


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        if self is ExportFormat.XLSX:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return "text/csv; charset=utf-8"


def export_csv(session: Session, actor: Actor, kind: str, on: dt.date) -> str:
    """The CSV text of every ``kind`` record that held on ``on``."""
    record = record_kind(session, kind)
    return write_table(record.fields, record.export(actor, on))


def export_xlsx(session: Session, actor: Actor, kind: str, on: dt.date) -> bytes:
    """The XLSX workbook of every ``kind`` record that held on ``on``."""
    record = record_kind(session, kind)
    return write_xlsx(record.fields, record.export(actor, on), kind)


def export_file(
    session: Session, actor: Actor, kind: str, on: dt.date, form: ExportFormat
) -> bytes:
    """The records of ``kind`` that held on ``on``, as a file of the format ``form``."""
    if form is ExportFormat.XLSX:
        return export_xlsx(session, actor, kind, on)
    return export_csv(session, actor, kind, on).encode("utf-8")


__all__ = ["ExportFormat", "export_csv", "export_file", "export_xlsx"]

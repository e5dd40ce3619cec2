"""Exporting the registry in the shapes it imports: a file exported can be imported again.

:func:`export_csv` writes the records of one kind that held on a date, within the actor's read
reach, under the fields' own (English) names, UTF-8 without a byte-order mark.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor
from jingwang.registry.csvfile import write_table
from jingwang.registry.importing import record_kind


def export_csv(session: Session, actor: Actor, kind: str, on: dt.date) -> str:
    """The CSV text of every ``kind`` record that held on ``on``."""
    record = record_kind(session, kind)
    return write_table(record.fields, record.export(actor, on))


__all__ = ["export_csv"]

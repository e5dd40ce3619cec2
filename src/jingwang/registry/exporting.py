"""Exporting the registry in the shapes it imports: a file exported can be imported again.

:func:`export_csv` writes the records of one kind that held on a date, within the actor's read
reach, under the fields' own (English) names, UTF-8 without a byte-order mark.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor
from jingwang.registry import connections
from jingwang.registry.csvfile import write_table
from jingwang.registry.errors import UnknownRecordKind
from jingwang.registry.history import ConnectionFact, connections_on
from jingwang.registry.importing import KINDS


def _row(fact: ConnectionFact) -> dict[str, str]:
    return {
        "provider": fact.provider,
        "domain": fact.domain,
        "site": fact.site or "",
        "ip_range": fact.ip_range or "",
        "server": fact.server or "",
        "contract_ref": fact.contract_ref or "",
        "valid_from": fact.valid_from.isoformat(),
    }


def export_csv(session: Session, actor: Actor, kind: str, on: dt.date) -> str:
    """The CSV text of every ``kind`` record that held on ``on``."""
    if kind not in KINDS:
        raise UnknownRecordKind(f"unknown record kind {kind!r}: use one of {list(KINDS)}")
    facts = connections_on(session, actor, on)
    return write_table(connections.FIELDS, [_row(fact) for fact in facts])


__all__ = ["export_csv"]

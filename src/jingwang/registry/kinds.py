"""The interface of a record kind: what the importer and the exporter need from each kind.

A kind is one small module with one :class:`RecordKind` subclass: its stable ``name`` (the
KIND argument of ``jingwang registry import | export``), its fields (:class:`FieldSpec`, with
Chinese and English header aliases), how a CSV row becomes a valid row (or errors), which
column duplicate keys are reported on, how its open records are loaded into a
:class:`~.ledger.Ledger`, and how the records that held on a date are exported. Everything
else (reading the file, reach, duplicates, modes, the import record, the event) is the
importer's (:mod:`.importing`) and the same for every kind.

A kind whose rows belong to organisations (``owned = True``) names them in each row's
``orgs``: the actor must reach every one of them for ``registry:manage``, and a snapshot is the
inventory of one organisation's subtree (the first of ``orgs`` is the owner). A kind that
belongs to no organisation (ICP filings, regulator data) says who may import it in
:meth:`RecordKind.authorize` and :meth:`RecordKind.refuse`; its snapshot is the whole register.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic

from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, OrgScope, authorize
from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.ledger import Ledger, RowT

MANAGE = "registry:manage"
READ = "registry:read"


class RecordKind(ABC, Generic[RowT]):
    """One kind of registry record; a fresh instance serves one import or export."""

    name: ClassVar[str]
    fields: ClassVar[tuple[FieldSpec, ...]]
    key_column: ClassVar[str]  # where a duplicate key is reported
    owned: ClassVar[bool] = True  # rows belong to organisations (see the module documentation)

    def __init__(self, session: Session) -> None:
        self.session = session

    def authorize(self, actor: Actor) -> None:
        """Raise unless ``actor`` may import this kind at all."""
        authorize(actor, MANAGE)

    def manages_beyond_reach(self, actor: Actor, org: OrgScope) -> bool:
        """Whether ``actor`` may import ``org``'s rows though its reach refuses (regulators
        granting licences); ``False`` unless a kind says otherwise."""
        del actor, org
        return False

    def refuse(self, actor: Actor, row: RowT) -> RowError | None:
        """Why ``actor`` may not import ``row`` beyond organisation reach, if it may not."""
        del actor, row
        return None

    @abstractmethod
    def validate(self, row: CsvRow) -> RowT | list[RowError]:
        """The row as a valid row of this kind, or every problem found in it."""

    @abstractmethod
    def ledger(
        self, import_id: int, rows: list[RowT], scope: set[int] | None, snapshot: bool
    ) -> Ledger[RowT, Any]:
        """A ledger loaded with the open records ``rows`` (or, for a snapshot, the scope) hold."""

    @abstractmethod
    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        """The records within ``actor``'s read reach that held on ``on``, by field name."""


__all__ = ["MANAGE", "READ", "RecordKind"]

"""What a carrier's offers share: promotion channels and SP services as record kinds.

Both kinds (:mod:`.channels`, :mod:`.sp_services`) are keyed by (carrier, code), name a
counterpart that may or may not be a registered organisation, and lead to versioned landing
URLs (:mod:`.landings`). This module holds what is the same for both: reading the shared cells
of a row (:class:`OfferCells`), loading the open records with their landing URLs and writing a
new version with its landing rows (:class:`OfferLedger`), and the kind's ledger and export
(:class:`OfferKind`). Each kind module keeps only its own fields, row and record columns.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Hashable
from typing import Generic, Protocol, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, authorize, scope_filter
from jingwang.registry.cells import org_names, parse_date
from jingwang.registry.csvfile import CsvRow, RowError
from jingwang.registry.kinds import READ, RecordKind
from jingwang.registry.landings import (
    CODE_MAX,
    NAME_MAX,
    Counterparts,
    add_landings,
    landing_subjects,
    landing_urls,
    landings_of,
)
from jingwang.registry.ledger import DomainBook, KindRow, Ledger
from jingwang.registry.models import PromotionChannel, SpService


class OfferRow(KindRow, Protocol):
    """A valid row of a carrier's offer: its carrier, code and landings besides a kind row's."""

    @property
    def carrier_org_id(self) -> int: ...

    @property
    def code(self) -> str: ...

    @property
    def landings(self) -> tuple[tuple[str, str], ...]: ...


OfferRowT = TypeVar("OfferRowT", bound=OfferRow)
OfferT = TypeVar("OfferT", bound=PromotionChannel | SpService)


class OfferCells:
    """Reads the cells every offer row has, and collects the problems of one row."""

    def __init__(self, row: CsvRow) -> None:
        self.line = row.line
        self.values = row.values
        self.errors: list[RowError] = []

    def bad(self, column: str, reason: str) -> None:
        """Note that ``column`` is refused, for ``reason``."""
        self.errors.append(RowError(self.line, column, reason, self.values.get(column)))

    def owner(
        self, orgs: Counterparts, counterpart: str, counterpart_what: str, code_what: str
    ) -> tuple[int | None, int | None, str, str]:
        """The carrier's id, the counterpart's id and name, and the code (checked in order)."""
        carrier, refused = orgs.carrier(self.values["carrier"])
        if refused is not None:
            self.bad("carrier", refused)
        counterpart_id, name = orgs.counterpart(self.values[counterpart])
        if not name or len(name) > NAME_MAX:
            self.bad(
                counterpart, f"give the {counterpart_what} name (at most {NAME_MAX} characters)"
            )
        code = self.values["code"]
        if not code or len(code) > CODE_MAX:
            self.bad("code", f"give the {code_what} code (at most {CODE_MAX} characters)")
        return carrier, counterpart_id, name, code

    def landings_and_start(self) -> tuple[tuple[tuple[str, str], ...], dt.date | None]:
        """The landing URLs (see :func:`.landings.landing_urls`) and the date the offer began."""
        landings, problems = landing_urls(self.values.get("landing_urls", ""))
        for problem in problems:
            self.bad("landing_urls", problem)
        valid_from = None
        if self.values.get("valid_from"):
            try:
                valid_from = parse_date(self.values["valid_from"])
            except ValueError as error:
                self.bad("valid_from", str(error))
        return landings, valid_from


class OfferLedger(Ledger[OfferRowT, OfferT], Generic[OfferRowT, OfferT]):
    """The open offers of one kind of some carriers, by (carrier, code), with their landings.

    A record is compared on :meth:`compared` and its landing URLs, the same attributes (in the
    same order) as its row's; a new version writes its landing rows after the record.
    """

    def __init__(
        self,
        session: Session,
        model: type[OfferT],
        kind: str,
        carrier_ids: set[int],
        import_id: int,
    ) -> None:
        query = select(model).where(
            model.carrier_org_id.in_(sorted(carrier_ids)), model.valid_to.is_(None)
        )
        records = list(session.scalars(query))
        urls = landings_of(session, kind, [record.id for record in records])
        found: dict[Hashable, tuple[OfferT, tuple[object, ...]]] = {}
        for record in records:
            compared = (*self.compared(record), tuple(urls.get(record.id, [])))
            found[(record.carrier_org_id, record.code)] = (record, compared)
        super().__init__(session, import_id, found)
        self._kind = kind
        self._domains = DomainBook(session)

    @abstractmethod
    def compared(self, record: OfferT) -> tuple[object, ...]:
        """The attributes of ``record`` a row is compared on, but its landing URLs."""

    @abstractmethod
    def record(self, row: OfferRowT, start: dt.date) -> OfferT:
        """The (unsaved) record ``row`` opens on ``start``, without its landings."""

    def subjects(self, record: OfferT) -> tuple[set[int], set[int]]:
        return landing_subjects(self.session, self._kind, record)

    def touch(self, row: OfferRowT, on: dt.date) -> None:
        for _, domain in row.landings:
            self._domains.get(domain, row.valid_from or on)

    def create(self, row: OfferRowT, start: dt.date) -> OfferT:
        record = self.record(row, start)
        self.session.add(record)
        self.session.flush()
        add_landings(self.session, self._domains, self._kind, record.id, row.landings)
        return record


class OfferKind(RecordKind[OfferRowT], Generic[OfferRowT, OfferT]):
    """A kind of carrier's offer: keyed by (carrier, code), exported with its landing URLs."""

    key_column = "code"
    model: type[OfferT]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._orgs = Counterparts(session)

    @abstractmethod
    def open_ledger(self, carrier_ids: set[int], import_id: int) -> OfferLedger[OfferRowT, OfferT]:
        """The ledger of the open offers of ``carrier_ids``."""

    @abstractmethod
    def export_row(self, record: OfferT, carrier: str, urls: list[str]) -> dict[str, str]:
        """``record`` as an exported row; ``carrier`` is its carrier's name."""

    def ledger(
        self, import_id: int, rows: list[OfferRowT], scope: set[int] | None, snapshot: bool
    ) -> OfferLedger[OfferRowT, OfferT]:
        carriers = {row.carrier_org_id for row in rows} | (scope or set())
        return self.open_ledger(carriers, import_id)

    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        """Offers held on ``on`` whose carrier is within ``actor``'s read reach."""
        authorize(actor, READ)
        model = self.model
        query = select(model).where(
            model.valid_from <= on,
            or_(model.valid_to.is_(None), model.valid_to > on),
            scope_filter(self.session, actor, model.carrier_org_id),
        )
        records = list(self.session.scalars(query))
        names = org_names(self.session, {r.carrier_org_id for r in records})
        urls = landings_of(self.session, self.name, [r.id for r in records])
        rows = [self.export_row(r, names[r.carrier_org_id], urls.get(r.id, [])) for r in records]
        return sorted(rows, key=lambda r: (r["carrier"], r["code"]))


__all__ = ["OfferCells", "OfferKind", "OfferLedger", "OfferRow", "OfferRowT", "OfferT"]

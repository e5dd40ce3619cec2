"""Writing history: open, change and close records, never overwrite or delete.

A :class:`Ledger` holds the open records an import may touch, by key, with the attributes they
were compared on. :meth:`Ledger.apply` brings the open record of a row's key in line with the
row: a new key opens a record; a key whose attributes differ closes the open record on the
change date and opens a new one from it; an equal key is left alone, so re-importing a file
changes nothing. :meth:`Ledger.close_missing` closes, on a snapshot's date, the open records
the ledger was loaded with that the file no longer lists. Each record kind says how its open
records are loaded and how a new one is written (:meth:`Ledger.create`).

Every record a ledger opens or closes names its subjects (:meth:`Ledger.subjects`: the domains
and organisations it is about); the importer writes them to ``registry_changes`` so that an
incremental audit re-checks only what changed.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.registry.models import Domain


class KindRow(Protocol):
    """A valid row of some record kind, as the importer and the ledger see it."""

    @property
    def line(self) -> int: ...

    @property
    def valid_from(self) -> dt.date | None: ...

    @property
    def key(self) -> Hashable: ...

    @property
    def attributes(self) -> tuple[object, ...]: ...

    @property
    def orgs(self) -> tuple[tuple[str, int], ...]:
        """(column, organisation id) the actor must reach; the first owns the row."""
        ...

    def describe_key(self) -> str: ...


class Timed(Protocol):
    valid_from: dt.date
    valid_to: dt.date | None


def _timed(record: object) -> Timed:
    # Mapped columns do not match a protocol's attributes for mypy; every record kind has them.
    return cast(Timed, record)


RowT = TypeVar("RowT", bound=KindRow)
RecordT = TypeVar("RecordT")  # a mapped record with the columns of :class:`Timed`


# Columns whose values are the subjects of a record, when a record kind has them.
DOMAIN_COLUMNS = ("domain_id",)
ORG_COLUMNS = (
    "provider_org_id",
    "parent_org_id",
    "child_org_id",
    "org_id",
    "carrier_org_id",
    "partner_org_id",
    "sp_org_id",
)


@dataclass(slots=True)
class LedgerCounts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    closed: int = 0


class Ledger(ABC, Generic[RowT, RecordT]):
    """The open records of one kind an import may touch, and the changes it makes to them."""

    def __init__(
        self,
        session: Session,
        import_id: int,
        open_records: dict[Hashable, tuple[RecordT, tuple[object, ...]]],
    ) -> None:
        self.session = session
        self.import_id = import_id
        self.counts = LedgerCounts()
        self._open = open_records
        self.changed_domains: set[int] = set()
        self.changed_orgs: set[int] = set()

    def subjects(self, record: RecordT) -> tuple[set[int], set[int]]:
        """The ids of the domains and organisations ``record`` is about.

        The default reads the columns of :data:`DOMAIN_COLUMNS` and :data:`ORG_COLUMNS` the
        record has (``domain_id``, ``provider_org_id``, ``parent_org_id``, ``child_org_id``,
        ``org_id``, ``carrier_org_id``, ``partner_org_id``, ``sp_org_id``). Override it for a
        kind whose domains live in another table: filings (their filed domains), promotion
        channels and SP services (their landing domains), sites (their domains).
        """
        domains = {value for value in _values(record, DOMAIN_COLUMNS) if value is not None}
        orgs = {value for value in _values(record, ORG_COLUMNS) if value is not None}
        return domains, orgs

    def note(self, record: RecordT) -> None:
        """Remember the subjects of ``record``, which this ledger opened or closed."""
        domains, orgs = self.subjects(record)
        self.changed_domains |= domains
        self.changed_orgs |= orgs

    @abstractmethod
    def create(self, row: RowT, start: dt.date) -> RecordT:
        """Add (and flush) the record ``row`` opens on ``start``."""

    def touch(self, row: RowT, on: dt.date) -> None:
        """Note that ``row`` was seen (a hook: domains' first and last seen dates)."""
        del row, on

    def apply(self, row: RowT, on: dt.date) -> None:
        """Bring the open record of ``row``'s key in line with it; ``on`` is the change date."""
        self.touch(row, on)
        current = self._open.get(row.key)
        if current is not None and current[1] == row.attributes:
            self.counts.unchanged += 1
            return
        start = row.valid_from or on
        if current is not None:
            record = _timed(current[0])
            record.valid_to = max(on, record.valid_from)
            start = record.valid_to
            self.counts.changed += 1
            self.note(current[0])
        else:
            self.counts.added += 1
        created = self.create(row, start)
        self.note(created)
        self._open[row.key] = (created, row.attributes)

    def close_missing(self, keep: Iterable[Hashable], on: dt.date) -> None:
        """Close, on ``on``, every open record loaded that is not in ``keep``."""
        kept = set(keep)
        for key, (found, _) in self._open.items():
            record = _timed(found)
            if key not in kept and record.valid_to is None:
                record.valid_to = max(on, record.valid_from)
                self.counts.closed += 1
                self.note(found)
        self.session.flush()


def _values(record: object, columns: tuple[str, ...]) -> list[int | None]:
    return [cast(int | None, getattr(record, column, None)) for column in columns]


PREFETCH_CHUNK = 500  # names per IN (…): well under every backend's limit on parameters


class DomainBook:
    """Domains by name, created when first named, with their first and last seen dates."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._domains: dict[str, Domain] = {}

    def prefetch(self, names: Iterable[str]) -> None:
        """Load the domains ``names`` in a few queries, creating the missing ones in one flush.

        An import calls it once with every domain its rows name, so that applying the rows
        asks the database nothing and the records they open are inserted in batches.
        """
        wanted = sorted(set(names) - set(self._domains))
        for start in range(0, len(wanted), PREFETCH_CHUNK):
            chunk = wanted[start : start + PREFETCH_CHUNK]
            for domain in self.session.scalars(select(Domain).where(Domain.name.in_(chunk))):
                self._domains[domain.name] = domain
        missing = [Domain(name=name) for name in wanted if name not in self._domains]
        if missing:
            self.session.add_all(missing)
            self.session.flush()
            self._domains.update((domain.name, domain) for domain in missing)

    def get(self, name: str, seen: dt.date | None = None) -> Domain:
        """The domain ``name`` (created if new), seen on ``seen`` when given."""
        domain = self._domains.get(name)
        if domain is None:
            domain = self.session.scalar(select(Domain).where(Domain.name == name))
            if domain is None:
                domain = Domain(name=name, first_seen=seen, last_seen=seen)
                self.session.add(domain)
                self.session.flush()
            self._domains[name] = domain
        if seen is None:
            return domain
        if domain.first_seen is None or seen < domain.first_seen:
            domain.first_seen = seen
        if domain.last_seen is None or seen > domain.last_seen:
            domain.last_seen = seen
        return domain


__all__ = [
    "DOMAIN_COLUMNS",
    "ORG_COLUMNS",
    "PREFETCH_CHUNK",
    "DomainBook",
    "KindRow",
    "Ledger",
    "LedgerCounts",
    "RecordT",
    "RowT",
    "Timed",
]

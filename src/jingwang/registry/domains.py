"""The ``domain`` record kind: registrable domains, their registrar and when they were seen.

A row gives the domain (any host name: stored as its registrable domain, ASCII form; the key),
optionally the registrar (free text) and the first and last dates it was seen. Unlike the other
kinds a domain is a current fact, not history: importing a row updates the registrar (an empty
cell keeps the one known) and widens the first and last seen dates (an earlier first, a later
last); nothing is closed, so a snapshot of domains closes nothing either. Domains are also
created, without a registrar, by every kind that names one (connections, filings, sites …).

Domains belong to no organisation: like filings, they are imported by regulators or the
reporting centre (:func:`~jingwang.accounts.policy.authorize_regulated`), and everyone with
``registry:read`` may export them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, authorize, authorize_regulated
from jingwang.core.domains import DomainError
from jingwang.registry.cells import normalise_domain, parse_date
from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.kinds import MANAGE, READ, RecordKind
from jingwang.registry.ledger import Ledger
from jingwang.registry.models import Domain

KIND = "domain"
REGISTRAR_MAX = 300  # the column's length
CHUNK = 500

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("domain", ("域名", "网站域名", "host"), required=True),
    FieldSpec("registrar", ("注册商", "注册服务机构", "域名注册商")),
    FieldSpec("first_seen", ("首次发现", "首次出现", "首次发现日期")),
    FieldSpec("last_seen", ("最近发现", "最后出现", "最近发现日期")),
)


@dataclass(frozen=True, slots=True)
class DomainRow:
    """One valid row of a domain file."""

    line: int
    domain: str
    registrar: str | None
    first_seen: dt.date | None
    last_seen: dt.date | None

    @property
    def valid_from(self) -> dt.date | None:
        return self.first_seen

    @property
    def key(self) -> str:
        return self.domain

    @property
    def attributes(self) -> tuple[object, ...]:
        return (self.registrar, self.first_seen, self.last_seen)

    @property
    def orgs(self) -> tuple[tuple[str, int], ...]:
        return ()

    def describe_key(self) -> str:
        return f"domain {self.domain}"


def validate_row(row: CsvRow) -> DomainRow | list[RowError]:
    """The row as a :class:`DomainRow`, or every problem found in it."""
    errors: list[RowError] = []
    values = row.values

    def bad(column: str, reason: str) -> None:
        errors.append(RowError(row.line, column, reason, values.get(column)))

    domain = ""
    try:
        domain = normalise_domain(values["domain"])
    except DomainError as error:
        bad("domain", error.message)
    registrar = values.get("registrar") or None
    if registrar is not None and len(registrar) > REGISTRAR_MAX:
        bad("registrar", f"the registrar is longer than {REGISTRAR_MAX} characters: shorten it")
    seen: dict[str, dt.date | None] = {"first_seen": None, "last_seen": None}
    for column in seen:
        if values.get(column):
            try:
                seen[column] = parse_date(values[column])
            except ValueError as error:
                bad(column, str(error))
    first, last = seen["first_seen"], seen["last_seen"]
    if first is not None and last is not None and last < first:
        bad("last_seen", f"last seen ({last}) is before first seen ({first}): swap them")
    if errors:
        return errors
    return DomainRow(row.line, domain, registrar, first, last)


def _earliest(*dates: dt.date | None) -> dt.date | None:
    return min((d for d in dates if d is not None), default=None)


def _latest(*dates: dt.date | None) -> dt.date | None:
    return max((d for d in dates if d is not None), default=None)


class DomainLedger(Ledger[DomainRow, Domain]):
    """The domains a file names, updated in place (a domain is a current fact, not history)."""

    def __init__(self, session: Session, import_id: int, names: Iterable[str]) -> None:
        wanted = sorted(set(names))
        found: dict[Hashable, tuple[Domain, tuple[object, ...]]] = {}
        for start in range(0, len(wanted), CHUNK):
            query = select(Domain).where(Domain.name.in_(wanted[start : start + CHUNK]))
            for domain in session.scalars(query):
                found[domain.name] = (domain, ())
        super().__init__(session, import_id, found)

    def create(self, row: DomainRow, start: dt.date) -> Domain:
        domain = Domain(
            name=row.domain,
            registrar=row.registrar,
            first_seen=row.first_seen,
            last_seen=row.last_seen,
        )
        self.session.add(domain)
        self.session.flush()
        return domain

    def subjects(self, record: Domain) -> tuple[set[int], set[int]]:
        return {record.id}, set()

    def apply(self, row: DomainRow, on: dt.date) -> None:
        """Create the domain, or update its registrar and widen its seen dates."""
        current = self._open.get(row.key)
        if current is None:
            created = self.create(row, on)
            self._open[row.key] = (created, ())
            self.counts.added += 1
            self.note(created)
            return
        domain = current[0]
        before = (domain.registrar, domain.first_seen, domain.last_seen)
        domain.registrar = row.registrar or domain.registrar
        domain.first_seen = _earliest(domain.first_seen, row.first_seen)
        domain.last_seen = _latest(domain.last_seen, row.last_seen)
        if (domain.registrar, domain.first_seen, domain.last_seen) == before:
            self.counts.unchanged += 1
        else:
            self.counts.changed += 1
            self.note(domain)

    def close_missing(self, keep: Iterable[Hashable], on: dt.date) -> None:
        """Nothing: a domain missing from a file is not gone (see the module documentation)."""
        del keep, on


class DomainKind(RecordKind[DomainRow]):
    """Domains: registrable domain, registrar, first and last seen."""

    name = KIND
    fields = FIELDS
    key_column = "domain"
    owned = False

    def authorize(self, actor: Actor) -> None:
        authorize_regulated(actor, MANAGE)

    def validate(self, row: CsvRow) -> DomainRow | list[RowError]:
        return validate_row(row)

    def ledger(
        self, import_id: int, rows: list[DomainRow], scope: set[int] | None, snapshot: bool
    ) -> DomainLedger:
        return DomainLedger(self.session, import_id, (row.domain for row in rows))

    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        """Every domain known on ``on`` (first seen then or before, or never dated)."""
        authorize(actor, READ)
        query = (
            select(Domain)
            .where(or_(Domain.first_seen.is_(None), Domain.first_seen <= on))
            .order_by(Domain.name)
        )
        return [
            {
                "domain": d.name,
                "registrar": d.registrar or "",
                "first_seen": d.first_seen.isoformat() if d.first_seen else "",
                "last_seen": d.last_seen.isoformat() if d.last_seen else "",
            }
            for d in self.session.scalars(query)
        ]


__all__ = ["FIELDS", "KIND", "DomainKind", "DomainLedger", "DomainRow", "validate_row"]

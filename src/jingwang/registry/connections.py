"""The ``connection`` record kind: who connected which domain, via what, since when.

A row names the provider (an access provider or reseller, by organisation name or id), the
domain (any host name: it is stored as its registrable domain, ASCII form), and optionally the
site's name, the IP range (an IPv4 or IPv6 network or address), the server, the contract
reference and the date the connection began. The key of a row is (provider, domain): a file
may hold each key once. The compared attributes (site, IP range, server, contract) decide
whether a re-imported row changed the open record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor
from jingwang.core.domains import DomainError
from jingwang.registry.cells import ip_bounds, ip_network, normalise_domain, org_index, parse_date
from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.history import connections_on
from jingwang.registry.kinds import RecordKind
from jingwang.registry.ledger import PREFETCH_CHUNK, DomainBook, Ledger
from jingwang.registry.models import Connection, Domain, Site

KIND = "connection"

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("provider", ("接入商", "接入服务商", "接入单位", "provider_org"), required=True),
    FieldSpec("domain", ("域名", "网站域名", "host"), required=True),
    FieldSpec("site", ("网站名称", "site_name")),
    FieldSpec("customer", ("客户", "客户名称", "用户单位", "customer_name")),
    FieldSpec("ip_range", ("IP段", "IP地址段", "IP地址", "ip")),
    FieldSpec("server", ("服务器", "服务器位置")),
    FieldSpec("contract_ref", ("合同编号", "合同号", "contract")),
    FieldSpec("valid_from", ("接入日期", "开始日期", "since")),
)


@dataclass(frozen=True, slots=True)
class ConnectionRow:
    """One valid row of a connection file."""

    line: int
    provider_org_id: int
    domain: str
    site: str | None
    customer: str | None
    ip_range: str | None
    server: str | None
    contract_ref: str | None
    valid_from: dt.date | None

    @property
    def key(self) -> tuple[int, str]:
        return (self.provider_org_id, self.domain)

    @property
    def attributes(self) -> tuple[str | None, ...]:
        return (self.site, self.customer, self.ip_range, self.server, self.contract_ref)

    @property
    def orgs(self) -> tuple[tuple[str, int], ...]:
        return (("provider", self.provider_org_id),)

    def describe_key(self) -> str:
        return f"provider, domain {self.domain}"


def validate_row(row: CsvRow, orgs: dict[str, int]) -> ConnectionRow | list[RowError]:
    """The row as a :class:`ConnectionRow`, or every problem found in it."""
    errors: list[RowError] = []
    values = row.values

    def bad(column: str, reason: str) -> None:
        errors.append(RowError(row.line, column, reason, values.get(column)))

    provider = orgs.get(values["provider"].casefold()) if values["provider"] else None
    if provider is None:
        bad("provider", "unknown organisation: give the name or id of a registered one")
    domain = ""
    try:
        domain = normalise_domain(values["domain"])
    except DomainError as error:
        bad("domain", error.message)
    ip_range = valid_from = None
    if values.get("ip_range"):
        try:
            ip_range = ip_network(values["ip_range"])
        except ValueError as error:
            bad("ip_range", str(error))
    if values.get("valid_from"):
        try:
            valid_from = parse_date(values["valid_from"])
        except ValueError as error:
            bad("valid_from", str(error))
    if errors or provider is None:
        return errors
    return ConnectionRow(
        line=row.line,
        provider_org_id=provider,
        domain=domain,
        site=values.get("site") or None,
        customer=values.get("customer") or None,
        ip_range=ip_range,
        server=values.get("server") or None,
        contract_ref=values.get("contract_ref") or None,
        valid_from=valid_from,
    )


class ConnectionLedger(Ledger[ConnectionRow, Connection]):
    """The open connections of some providers, by (provider, domain name)."""

    def __init__(
        self,
        session: Session,
        provider_ids: set[int],
        import_id: int,
        rows: Sequence[ConnectionRow] = (),
    ) -> None:
        query = (
            select(Connection, Domain.name, Site.name)
            .join(Domain, Domain.id == Connection.domain_id)
            .outerjoin(Site, Site.id == Connection.site_id)
            .where(
                Connection.provider_org_id.in_(sorted(provider_ids)),
                Connection.valid_to.is_(None),
            )
        )
        found: dict[Hashable, tuple[Connection, tuple[object, ...]]] = {
            (record.provider_org_id, domain): (
                record,
                (site, record.customer, record.ip_range, record.server, record.contract_ref),
            )
            for record, domain, site in session.execute(query)
        }
        super().__init__(session, import_id, found)
        self._domains = DomainBook(session)
        self._sites: dict[str, Site] = {}
        # Everything the rows name, loaded (or created) up front: applying them then asks the
        # database nothing, and the new connections are inserted in batches at the next flush.
        self._domains.prefetch(row.domain for row in rows)
        self._prefetch_sites({row.site for row in rows if row.site})

    def _prefetch_sites(self, names: set[str]) -> None:
        wanted = sorted(names)
        for start in range(0, len(wanted), PREFETCH_CHUNK):
            chunk = wanted[start : start + PREFETCH_CHUNK]
            for site in self.session.scalars(select(Site).where(Site.name.in_(chunk))):
                self._sites[site.name] = site
        missing = [Site(name=name) for name in wanted if name not in self._sites]
        if missing:
            self.session.add_all(missing)
            self.session.flush()
            self._sites.update((site.name, site) for site in missing)

    def touch(self, row: ConnectionRow, on: dt.date) -> None:
        self._domains.get(row.domain, row.valid_from or on)

    def create(self, row: ConnectionRow, start: dt.date) -> Connection:
        domain = self._domains.get(row.domain)
        site = self._site(row.site) if row.site else None
        ip_lo, ip_hi = ip_bounds(row.ip_range)
        record = Connection(
            provider_org_id=row.provider_org_id,
            domain_id=domain.id,
            site_id=site.id if site else None,
            ip_range=row.ip_range,
            ip_lo=ip_lo,
            ip_hi=ip_hi,
            customer=row.customer,
            server=row.server,
            contract_ref=row.contract_ref,
            valid_from=start,
            source_import_id=self.import_id,
        )
        self.session.add(record)  # flushed with the others, in batches
        return record

    def _site(self, name: str) -> Site:
        site = self._sites.get(name)
        if site is None:
            site = self.session.scalar(select(Site).where(Site.name == name))
            if site is None:
                site = Site(name=name)
                self.session.add(site)
                self.session.flush()
            self._sites[name] = site
        return site


class ConnectionKind(RecordKind[ConnectionRow]):
    """Connections: provider → domain (site), IP range, server, contract, since."""

    name = KIND
    fields = FIELDS
    key_column = "domain"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._orgs = org_index(session)

    def validate(self, row: CsvRow) -> ConnectionRow | list[RowError]:
        return validate_row(row, self._orgs)

    def ledger(
        self, import_id: int, rows: list[ConnectionRow], scope: set[int] | None, snapshot: bool
    ) -> ConnectionLedger:
        providers = {row.provider_org_id for row in rows} | (scope or set())
        return ConnectionLedger(self.session, providers, import_id, rows)

    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        return [
            {
                "provider": fact.provider,
                "domain": fact.domain,
                "site": fact.site or "",
                "customer": fact.customer or "",
                "ip_range": fact.ip_range or "",
                "server": fact.server or "",
                "contract_ref": fact.contract_ref or "",
                "valid_from": fact.valid_from.isoformat(),
            }
            for fact in connections_on(self.session, actor, on)
        ]


__all__ = [
    "FIELDS",
    "KIND",
    "ConnectionKind",
    "ConnectionLedger",
    "ConnectionRow",
    "validate_row",
]

"""The ``site`` record kind: sites (an operator's service), their operator and their domains.

A row gives the site's name (the key), optionally its operator and its domains (``;``-separated
host names, each stored as its registrable domain, ASCII form). The site itself is a current
fact (its operator is updated in place); which domains it has is history, in
``registry_domain_sites``: a domain newly listed opens a link on the change date, a domain that
moves to another site closes its link to the old one and opens one to the new, and a domain
dropped from the site's list is closed. A snapshot closes every domain of the sites it does not
list (the sites stay: they are closed by having no domains).

Sites belong to no organisation: regulators and the reporting centre import them
(:func:`~jingwang.accounts.policy.authorize_regulated`; providers name sites in their connection
rows instead). A snapshot is the whole register, so only actors whose reach is national
(the reporting centre, the national office) close anything with one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, authorize, authorize_regulated, reaches_regulated
from jingwang.core.domains import DomainError
from jingwang.registry.cells import normalise_domain, parse_date
from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.kinds import MANAGE, READ, RecordKind
from jingwang.registry.ledger import DomainBook, Ledger
from jingwang.registry.models import Domain, DomainSite, Site

KIND = "site"
NAME_MAX = 300  # the columns' length
CHUNK = 500
_SPLIT = re.compile(r"[;；、\s]+")

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("site", ("网站名称", "网站", "site_name", "name"), required=True),
    FieldSpec("operator", ("运营者", "运营单位", "网站运营者", "operator_name")),
    FieldSpec("domains", ("域名", "网站域名", "域名列表", "hosts")),
    FieldSpec("valid_from", ("开始日期", "开通日期", "since")),
)


@dataclass(frozen=True, slots=True)
class SiteRow:
    """One valid row of a site file."""

    line: int
    name: str
    operator: str | None
    domains: tuple[str, ...]  # sorted, distinct
    valid_from: dt.date | None

    @property
    def key(self) -> str:
        return self.name

    @property
    def attributes(self) -> tuple[object, ...]:
        return (self.operator, self.domains)

    @property
    def orgs(self) -> tuple[tuple[str, int], ...]:
        return ()

    def describe_key(self) -> str:
        return f"site {self.name}"


def validate_row(row: CsvRow) -> SiteRow | list[RowError]:
    """The row as a :class:`SiteRow`, or every problem found in it."""
    errors: list[RowError] = []
    values = row.values

    def bad(column: str, reason: str) -> None:
        errors.append(RowError(row.line, column, reason, values.get(column)))

    for column in ("site", "operator"):
        if len(values.get(column, "")) > NAME_MAX:
            bad(column, f"longer than {NAME_MAX} characters: shorten it")
    if not values["site"]:
        bad("site", "the site's name is empty: give it")
    domains: set[str] = set()
    for name in _SPLIT.split(values.get("domains", "")):
        if name:
            try:
                domains.add(normalise_domain(name))
            except DomainError as error:
                bad("domains", error.message)
    valid_from = None
    if values.get("valid_from"):
        try:
            valid_from = parse_date(values["valid_from"])
        except ValueError as error:
            bad("valid_from", str(error))
    if errors:
        return errors
    operator = values.get("operator") or None
    return SiteRow(row.line, values["site"], operator, tuple(sorted(domains)), valid_from)


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _link_rows(
    session: Session, query: Select[DomainSite, str, str]
) -> list[tuple[DomainSite, str, str]]:
    return [(link, domain, site) for link, domain, site in session.execute(query)]


class SiteLedger(Ledger[SiteRow, Site]):
    """Sites by name and the open domain links of those sites and of the domains named.

    Links are kept by domain (a domain belongs to one site at a time), so a domain that moves
    is closed on its old site even when that site is not in the file.
    """

    def __init__(
        self, session: Session, import_id: int, rows: list[SiteRow] | None, may_close: bool
    ) -> None:
        sites: list[Site] = []
        links: list[tuple[DomainSite, str, str]] = []
        link_query = (
            select(DomainSite, Domain.name, Site.name)
            .join(Domain, Domain.id == DomainSite.domain_id)
            .join(Site, Site.id == DomainSite.site_id)
            .where(DomainSite.valid_to.is_(None))
        )
        if rows is None:  # a snapshot: every site, every open link
            sites.extend(session.scalars(select(Site)))
            links.extend(_link_rows(session, link_query))
        else:
            names = sorted({row.name for row in rows})
            domains = sorted({name for row in rows for name in row.domains})
            for chunk in _chunks(names):
                sites.extend(session.scalars(select(Site).where(Site.name.in_(chunk))))
                links.extend(_link_rows(session, link_query.where(Site.name.in_(chunk))))
            for chunk in _chunks(domains):
                links.extend(_link_rows(session, link_query.where(Domain.name.in_(chunk))))
        super().__init__(session, import_id, {site.name: (site, ()) for site in sites})
        self._may_close = may_close
        self._links: dict[str, tuple[DomainSite, str]] = {}  # domain → (open link, site name)
        self._by_site: dict[str, set[str]] = {}
        for link, domain, site_name in links:
            self._links[domain] = (link, site_name)
            self._by_site.setdefault(site_name, set()).add(domain)
        self._domains = DomainBook(session)

    def subjects(self, record: Site) -> tuple[set[int], set[int]]:
        """A site is about its domains; the links this ledger opens and closes note them."""
        held = self._by_site.get(record.name, set())
        return {self._links[name][0].domain_id for name in held}, set()

    def create(self, row: SiteRow, start: dt.date) -> Site:
        site = Site(name=row.name, operator=row.operator)
        self.session.add(site)
        self.session.flush()
        return site

    def apply(self, row: SiteRow, on: dt.date) -> None:
        """Create or update the site, then bring its domain links in line with the row."""
        for name in row.domains:
            self._domains.get(name, row.valid_from or on)
        current = self._open.get(row.key)
        held = tuple(sorted(self._by_site.get(row.name, ())))
        if current is not None and (current[0].operator, held) == row.attributes:
            self.counts.unchanged += 1
            return
        if current is None:
            site, start = self.create(row, on), row.valid_from or on
            self._open[row.key] = (site, ())
            self.counts.added += 1
        else:
            site, start = current[0], on
            site.operator = row.operator
            self.counts.changed += 1
        for name in set(held) - set(row.domains):
            self._close(name, on)
        for name in sorted(set(row.domains) - set(held)):
            self._close(name, start)
            self._open_link(site, name, start)
        self.session.flush()

    def _close(self, domain: str, on: dt.date) -> bool:
        found = self._links.pop(domain, None)
        if found is None:
            return False
        link, site_name = found
        link.valid_to = max(on, link.valid_from)
        self.changed_domains.add(link.domain_id)
        self._by_site[site_name].discard(domain)
        return True

    def _open_link(self, site: Site, domain: str, start: dt.date) -> None:
        found = self._domains.get(domain)
        link = DomainSite(domain_id=found.id, site_id=site.id, valid_from=start)
        self.changed_domains.add(found.id)
        self.session.add(link)
        self._links[domain] = (link, site.name)
        self._by_site.setdefault(site.name, set()).add(domain)

    def close_missing(self, keep: Iterable[Hashable], on: dt.date) -> None:
        """Close every domain link of the sites loaded that ``keep`` does not name."""
        if not self._may_close:
            return
        kept = set(keep)
        for key, (site, _) in list(self._open.items()):
            if key in kept:
                continue
            held = list(self._by_site.get(site.name, ()))
            closed = [self._close(domain, on) for domain in held]
            if any(closed):
                self.counts.closed += 1
        self.session.flush()


class SiteKind(RecordKind[SiteRow]):
    """Sites: name, operator, domains (history of which domain belongs to which site)."""

    name = KIND
    fields = FIELDS
    key_column = "site"
    owned = False

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._national = False

    def authorize(self, actor: Actor) -> None:
        authorize_regulated(actor, MANAGE)
        self._national = reaches_regulated(actor, None)

    def validate(self, row: CsvRow) -> SiteRow | list[RowError]:
        return validate_row(row)

    def ledger(
        self, import_id: int, rows: list[SiteRow], scope: set[int] | None, snapshot: bool
    ) -> SiteLedger:
        whole = snapshot and self._national
        return SiteLedger(self.session, import_id, None if whole else rows, whole)

    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        """Sites with the domains they had on ``on`` (and sites never given a domain)."""
        authorize(actor, READ)
        held = and_(
            DomainSite.valid_from <= on,
            or_(DomainSite.valid_to.is_(None), DomainSite.valid_to > on),
        )
        query = (
            select(Site.name, Site.operator, Domain.name)
            .join(DomainSite, DomainSite.site_id == Site.id)
            .join(Domain, Domain.id == DomainSite.domain_id)
            .where(held)
        )
        found: dict[str, tuple[str | None, list[str]]] = {}
        for site, operator, domain in self.session.execute(query):
            found.setdefault(site, (operator, []))[1].append(domain)
        bare = select(Site.name, Site.operator).where(
            ~exists().where(DomainSite.site_id == Site.id)
        )
        for site, operator in self.session.execute(bare):
            found.setdefault(site, (operator, []))
        return [
            {
                "site": site,
                "operator": operator or "",
                "domains": ";".join(sorted(domains)),
                "valid_from": "",
            }
            for site, (operator, domains) in sorted(found.items())
        ]


__all__ = ["FIELDS", "KIND", "SiteKind", "SiteLedger", "SiteRow", "validate_row"]

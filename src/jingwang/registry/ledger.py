"""Writing connection history: open, change and close records, never overwrite or delete.

:class:`ConnectionLedger` applies validated rows to the open connections of the providers an
import touches. A new key opens a record; a key whose attributes (site, IP range, server,
contract) differ closes the open record on the change date and opens a new one from it; an
equal key is left alone, so re-importing a file changes nothing. :meth:`close_missing` closes
the open records of a snapshot's scope that the file no longer lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.registry.connections import ConnectionRow
from jingwang.registry.models import Connection, Domain, Site


@dataclass(slots=True)
class LedgerCounts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    closed: int = 0


def _attributes(record: Connection, site_names: dict[int, str]) -> tuple[str | None, ...]:
    site = site_names.get(record.site_id) if record.site_id is not None else None
    return (site, record.ip_range, record.server, record.contract_ref)


class ConnectionLedger:
    """The open connections of some providers, and the changes an import makes to them."""

    def __init__(self, session: Session, provider_ids: Collection[int], import_id: int) -> None:
        self.session = session
        self.import_id = import_id
        self.counts = LedgerCounts()
        self._domains: dict[str, Domain] = {}
        self._sites: dict[str, Site] = {}
        query = select(Connection).where(
            Connection.provider_org_id.in_(sorted(provider_ids)), Connection.valid_to.is_(None)
        )
        self._open: dict[tuple[int, int], Connection] = {
            (c.provider_org_id, c.domain_id): c for c in session.scalars(query)
        }
        site_ids = {c.site_id for c in self._open.values() if c.site_id is not None}
        rows = session.execute(select(Site.id, Site.name).where(Site.id.in_(sorted(site_ids))))
        self._site_names: dict[int, str] = {row.id: row.name for row in rows}

    def apply(self, row: ConnectionRow, on: dt.date) -> None:
        """Bring the open record of ``row``'s key in line with it; ``on`` is the change date."""
        domain = self._domain(row.domain, row.valid_from or on)
        current = self._open.get((row.provider_org_id, domain.id))
        if current is not None and _attributes(current, self._site_names) == row.attributes:
            self.counts.unchanged += 1
            return
        start = row.valid_from or on
        if current is not None:
            current.valid_to = max(on, current.valid_from)
            start = current.valid_to
            self.counts.changed += 1
        else:
            self.counts.added += 1
        site = self._site(row.site) if row.site else None
        record = Connection(
            provider_org_id=row.provider_org_id,
            domain_id=domain.id,
            site_id=site.id if site else None,
            ip_range=row.ip_range,
            server=row.server,
            contract_ref=row.contract_ref,
            valid_from=start,
            source_import_id=self.import_id,
        )
        self.session.add(record)
        self.session.flush()
        self._open[(row.provider_org_id, domain.id)] = record
        if site is not None:
            self._site_names[site.id] = site.name

    def close_missing(
        self, keep: Iterable[tuple[int, str]], scope: Collection[int], on: dt.date
    ) -> None:
        """Close, on ``on``, every open record of a provider in ``scope`` not in ``keep``."""
        kept = {(org_id, self._domains[name].id) for org_id, name in keep if name in self._domains}
        query = select(Connection).where(
            Connection.provider_org_id.in_(sorted(scope)), Connection.valid_to.is_(None)
        )
        for record in self.session.scalars(query):
            if (record.provider_org_id, record.domain_id) not in kept:
                record.valid_to = max(on, record.valid_from)
                self.counts.closed += 1
        self.session.flush()

    def _domain(self, name: str, seen: dt.date) -> Domain:
        domain = self._domains.get(name)
        if domain is None:
            domain = self.session.scalar(select(Domain).where(Domain.name == name))
            if domain is None:
                domain = Domain(name=name, first_seen=seen, last_seen=seen)
                self.session.add(domain)
                self.session.flush()
            self._domains[name] = domain
        if domain.first_seen is None or seen < domain.first_seen:
            domain.first_seen = seen
        if domain.last_seen is None or seen > domain.last_seen:
            domain.last_seen = seen
        return domain

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


__all__ = ["ConnectionLedger", "LedgerCounts"]

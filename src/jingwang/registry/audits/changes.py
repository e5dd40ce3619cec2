"""What an incremental audit re-checks: the subjects changed since the previous run started.

Changed subjects are read from ``registry_changes`` (what each import opened or closed, see
:meth:`~jingwang.registry.ledger.Ledger.subjects`) of the imports made since the previous audit
run (of any mode) started, plus the domains of the decisions made or withdrawn and of the page
numbers observed since then, and the domains whose pages show the number of a filing imported
since then. From them (:func:`affected`):

* affected organisations = changed organisations and every organisation below them in the
  sublet graph (edges that held on the date);
* affected domains = changed domains, the domains the affected organisations connected on the
  date, the landing domains of the channels and SP services of affected organisations, and
  then every domain sharing a site with one of those on the date (a filing of one domain of a
  site decides whether the site's other domains are unfiled).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jingwang.decisions.models import Decision
from jingwang.registry.audits.base import CHUNK, AuditScope, holds, site_links
from jingwang.registry.audits.chains import open_edges
from jingwang.registry.audits.connected import base_number
from jingwang.registry.models import (
    AuditRun,
    Connection,
    Domain,
    IcpFiling,
    Landing,
    ObservedNumber,
    PromotionChannel,
    RegistryChange,
    RegistryImport,
    SpService,
)


def previous_run(session: Session, before: int | None = None) -> AuditRun | None:
    """The latest audit run (of any mode) that started before run ``before`` (or at all)."""
    query = select(AuditRun).order_by(AuditRun.started_at.desc(), AuditRun.id.desc()).limit(1)
    if before is not None:
        query = query.where(AuditRun.id != before)
    return session.scalars(query).first()


def changed_since(session: Session, since: dt.datetime) -> AuditScope:
    """The domains and organisations changed since ``since`` (imports, decisions, pages)."""
    scope = AuditScope()
    query = (
        select(RegistryChange.domain_id, RegistryChange.org_id)
        .join(RegistryImport, RegistryImport.id == RegistryChange.import_id)
        .where(RegistryImport.created_at >= since)
    )
    for domain_id, org_id in session.execute(query):
        if domain_id is not None:
            scope.domains.add(domain_id)
        if org_id is not None:
            scope.orgs.add(org_id)
    decided = (
        select(Domain.id)
        .join(Decision, Decision.domain == Domain.name)
        .where(or_(Decision.decided_at >= since, Decision.withdrawn_at >= since))
    )
    scope.domains.update(session.scalars(decided))
    observed = select(ObservedNumber.domain_id).where(ObservedNumber.observed_at >= since)
    scope.domains.update(session.scalars(observed))
    scope.domains.update(_showing_changed_filings(session, since))
    return scope


def _showing_changed_filings(session: Session, since: dt.datetime) -> set[int]:
    """Domains whose pages showed the number of a filing imported since ``since``.

    A filing is about the domains it lists; a page may show its number without being listed
    (what ``domain_not_in_filing`` and ``page_number_mismatch`` look at).
    """
    changed = (
        select(IcpFiling.number)
        .join(RegistryImport, RegistryImport.id == IcpFiling.source_import_id)
        .where(RegistryImport.created_at >= since)
    )
    bases = {base_number(number) for number in session.scalars(changed)}
    if not bases:
        return set()
    shown = select(ObservedNumber.domain_id, ObservedNumber.number).where(
        ObservedNumber.number.is_not(None)
    )
    return {
        domain_id
        for domain_id, number in session.execute(shown)
        if number is not None and base_number(number) in bases
    }


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def affected(session: Session, changed: AuditScope, on: dt.date) -> AuditScope:
    """The scope an incremental run on ``on`` re-checks (see the module documentation)."""
    children: dict[int, set[int]] = {}
    for edge in open_edges(session, on):
        children.setdefault(edge.parent, set()).add(edge.child)
    orgs, stack = set(changed.orgs), list(changed.orgs)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in orgs:
                orgs.add(child)
                stack.append(child)
    domains = set(changed.domains)
    for chunk in _chunks(orgs):
        connected = select(Connection.domain_id).where(
            Connection.provider_org_id.in_(chunk), holds(Connection, on)
        )
        domains.update(session.scalars(connected))
        for owner, kind, counterpart in (
            (PromotionChannel, "channel", PromotionChannel.partner_org_id),
            (SpService, "sp_service", SpService.sp_org_id),
        ):
            landed = (
                select(Landing.domain_id)
                .join(owner, (owner.id == Landing.owner_id) & (Landing.owner_kind == kind))
                .where(
                    or_(owner.carrier_org_id.in_(chunk), counterpart.in_(chunk)), holds(owner, on)
                )
            )
            domains.update(session.scalars(landed))
    return AuditScope(_same_site(session, domains, on), orgs)


def _same_site(session: Session, domains: set[int], on: dt.date) -> set[int]:
    """``domains`` and every domain sharing a site with one of them on ``on``."""
    links = site_links(on).subquery()
    found = set(domains)
    for chunk in _chunks(domains):
        sites = select(links.c.site_id).where(links.c.domain_id.in_(chunk))
        other = site_links(on).subquery()
        query = select(other.c.domain_id).where(other.c.site_id.in_(sites))
        found.update(session.scalars(query))
    return found


__all__ = ["affected", "changed_since", "previous_run"]

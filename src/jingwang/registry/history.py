"""Reading connection history: who connected a domain on a date, and every connection on a date.

A record holds on a date ``on`` when ``valid_from <= on`` and ``valid_to`` is empty or later
than ``on`` (``valid_to`` is the first day it no longer held). Results are limited to the
providers within the actor's read reach, so an access provider sees its own tree only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, authorize, scope_filter
from jingwang.registry.cells import normalise_domain
from jingwang.registry.models import Connection, Domain, Site

READ = "registry:read"

_FactsSelect = Select[Connection, str, str, str | None]


@dataclass(frozen=True, slots=True)
class ConnectionFact:
    """One connection record, as audits and exports see it."""

    provider_org_id: int
    provider: str
    domain: str
    site: str | None
    customer: str | None
    ip_range: str | None
    server: str | None
    contract_ref: str | None
    valid_from: dt.date
    valid_to: dt.date | None


def holds_on(on: dt.date) -> ColumnElement[bool]:
    return and_(
        Connection.valid_from <= on,
        or_(Connection.valid_to.is_(None), Connection.valid_to > on),
    )


def _facts_query() -> _FactsSelect:
    return (
        select(Connection, Organisation.name, Domain.name, Site.name)
        .join(Organisation, Organisation.id == Connection.provider_org_id)
        .join(Domain, Domain.id == Connection.domain_id)
        .outerjoin(Site, Site.id == Connection.site_id)
    )


def _facts(session: Session, query: _FactsSelect) -> list[ConnectionFact]:
    return [
        ConnectionFact(
            provider_org_id=record.provider_org_id,
            provider=provider,
            domain=domain,
            site=site,
            customer=record.customer,
            ip_range=record.ip_range,
            server=record.server,
            contract_ref=record.contract_ref,
            valid_from=record.valid_from,
            valid_to=record.valid_to,
        )
        for record, provider, domain, site in session.execute(query)
    ]


def who_connected(session: Session, actor: Actor, domain: str, on: dt.date) -> list[ConnectionFact]:
    """The providers that connected ``domain`` (any host under it) on ``on``."""
    authorize(actor, READ)
    name = normalise_domain(domain)
    query = (
        _facts_query()
        .where(Domain.name == name, holds_on(on))
        .where(scope_filter(session, actor, Connection.provider_org_id))
        .order_by(Connection.valid_from, Connection.id)
    )
    return _facts(session, query)


def connection_history(session: Session, actor: Actor, domain: str) -> list[ConnectionFact]:
    """Every connection record of ``domain`` within reach, oldest first."""
    authorize(actor, READ)
    query = (
        _facts_query()
        .where(Domain.name == normalise_domain(domain))
        .where(scope_filter(session, actor, Connection.provider_org_id))
        .order_by(Connection.valid_from, Connection.id)
    )
    return _facts(session, query)


def connections_on(session: Session, actor: Actor, on: dt.date) -> list[ConnectionFact]:
    """Every connection within reach that held on ``on``, by provider and domain."""
    authorize(actor, READ)
    query = (
        _facts_query()
        .where(holds_on(on))
        .where(scope_filter(session, actor, Connection.provider_org_id))
        .order_by(Organisation.name, Domain.name, Connection.id)
    )
    return _facts(session, query)


__all__ = ["ConnectionFact", "connection_history", "connections_on", "holds_on", "who_connected"]

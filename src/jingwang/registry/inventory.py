"""Inventories for the views: connections, filings, promotion channels and SP services on a date.

Each list is a page (``limit``/``offset``) and the number of records matching in all. Records
are those holding on the date asked (``valid_from <= on < valid_to``). Connections are within
the actor's read reach by provider; channels and SP services by carrier (or counterpart, when it
is a registered organisation). The ICP filing register belongs to the regulators and is public
in substance (the MIIT publishes it): anyone with ``registry:read`` may look numbers up, and
regulators narrow it to their province.

Landing URLs of channels and SP services are returned as text: the views show them as text,
never as links, so that a reviewer's browser never opens a suspect site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, authorize, load_org_scope, scope_filter
from jingwang.registry.cells import normalise_domain
from jingwang.registry.compliance import filed_on, org_clause
from jingwang.registry.history import holds_on
from jingwang.registry.landings import landings_of
from jingwang.registry.models import (
    Connection,
    Domain,
    IcpFiledDomain,
    IcpFiling,
    PromotionChannel,
    Site,
    SpService,
)
from jingwang.registry.offers import OfferT

READ: Final = "registry:read"
MAX_PAGE: Final = 500


class ConnectionRow(BaseModel):
    id: int
    provider_org_id: int
    provider: str
    domain: str
    site: str | None
    customer: str | None
    ip_range: str | None
    server: str | None
    contract_ref: str | None
    filed: bool
    valid_from: dt.date
    valid_to: dt.date | None


class FilingRow(BaseModel):
    id: int
    number: str
    kind: str
    holder: str
    holder_type: str | None
    province: str | None
    status: str
    domains: list[str]
    valid_from: dt.date
    valid_to: dt.date | None


class OfferRow(BaseModel):
    """A promotion channel or an SP service, with its landing URLs as text."""

    id: int
    carrier_org_id: int
    carrier: str
    counterpart: str
    code: str
    name: str | None
    billing_type: str | None
    status: str
    landing_urls: list[str]
    valid_from: dt.date
    valid_to: dt.date | None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list and how many match in all."""

    total: int
    limit: int
    offset: int
    items: list[T]


def _page_bounds(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, offset)


def _count(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def list_connections(
    session: Session,
    actor: Actor,
    *,
    on: dt.date,
    provider: int | None = None,
    domain: str | None = None,
    filed: bool | None = None,
    province: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[ConnectionRow]:
    """Connections holding on ``on`` within reach (``provider``: its subtree), by domain."""
    authorize(actor, READ)
    if provider is not None:
        authorize(actor, READ, load_org_scope(session, provider))
    is_filed = filed_on(on)
    where: list[ColumnElement[bool]] = [
        holds_on(on),
        org_clause(session, actor, Connection.provider_org_id, org_id=provider, province=province),
    ]
    if domain:
        where.append(Domain.name == normalise_domain(domain))
    if filed is not None:
        where.append(is_filed if filed else ~is_filed)
    query = (
        select(Connection, Organisation.name, Domain.name, Site.name, is_filed)
        .join(Organisation, Organisation.id == Connection.provider_org_id)
        .join(Domain, Domain.id == Connection.domain_id)
        .outerjoin(Site, Site.id == Connection.site_id)
        .where(*where)
    )
    limit, offset = _page_bounds(limit, offset)
    total = _count(session, select(Connection.id).join(Domain).where(*where))
    rows = session.execute(
        query.order_by(Domain.name, Organisation.name, Connection.id).limit(limit).offset(offset)
    )
    items = [
        ConnectionRow(
            id=c.id,
            provider_org_id=c.provider_org_id,
            provider=provider_name,
            domain=domain_name,
            site=site,
            customer=c.customer,
            ip_range=c.ip_range,
            server=c.server,
            contract_ref=c.contract_ref,
            filed=bool(found),
            valid_from=c.valid_from,
            valid_to=c.valid_to,
        )
        for c, provider_name, domain_name, site, found in rows
    ]
    return Page[ConnectionRow](total=total, limit=limit, offset=offset, items=items)


def list_filings(
    session: Session,
    actor: Actor,
    *,
    on: dt.date,
    number: str | None = None,
    domain: str | None = None,
    province: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[FilingRow]:
    """Filing versions holding on ``on``, by number (see the module's docstring for who)."""
    authorize(actor, READ)
    where: list[ColumnElement[bool]] = [
        IcpFiling.valid_from <= on,
        or_(IcpFiling.valid_to.is_(None), IcpFiling.valid_to > on),
    ]
    if number:
        where.append(IcpFiling.number == number.strip())
    if province:
        where.append(IcpFiling.province == province)
    if status:
        where.append(IcpFiling.status == status)
    if domain:
        listed = (
            select(IcpFiledDomain.filing_id)
            .join(Domain, Domain.id == IcpFiledDomain.domain_id)
            .where(Domain.name == normalise_domain(domain))
        )
        where.append(IcpFiling.id.in_(listed))
    limit, offset = _page_bounds(limit, offset)
    total = _count(session, select(IcpFiling.id).where(*where))
    filings = list(
        session.scalars(
            select(IcpFiling)
            .where(*where)
            .order_by(IcpFiling.number, IcpFiling.id)
            .limit(limit)
            .offset(offset)
        )
    )
    domains: dict[int, list[str]] = {}
    listed_rows = session.execute(
        select(IcpFiledDomain.filing_id, Domain.name)
        .join(Domain, Domain.id == IcpFiledDomain.domain_id)
        .where(IcpFiledDomain.filing_id.in_([f.id for f in filings]))
        .order_by(Domain.name)
    )
    for filing_id, name in listed_rows:
        domains.setdefault(filing_id, []).append(name)
    items = [
        FilingRow(
            id=f.id,
            number=f.number,
            kind=f.kind,
            holder=f.holder,
            holder_type=f.holder_type,
            province=f.province,
            status=f.status,
            domains=domains.get(f.id, []),
            valid_from=f.valid_from,
            valid_to=f.valid_to,
        )
        for f in filings
    ]
    return Page[FilingRow](total=total, limit=limit, offset=offset, items=items)


def _list_offers(
    session: Session,
    actor: Actor,
    model: type[OfferT],
    kind: str,
    counterpart: InstrumentedAttribute[int | None],
    item: Callable[[OfferT, str, list[str]], OfferRow],
    *,
    on: dt.date,
    province: str | None,
    limit: int,
    offset: int,
) -> Page[OfferRow]:
    """Offers of ``model`` (record kind ``kind``) holding on ``on`` within reach by carrier or
    ``counterpart``; ``item`` makes a record, its carrier's name and its landing URLs a row."""
    authorize(actor, READ)
    where = [
        model.valid_from <= on,
        or_(model.valid_to.is_(None), model.valid_to > on),
        or_(
            org_clause(session, actor, model.carrier_org_id, org_id=None, province=province),
            and_(
                counterpart.is_not(None),
                org_clause(
                    session,
                    actor,
                    counterpart,  # type: ignore[arg-type]
                    org_id=None,
                    province=province,
                ),
            ),
        ),
    ]
    limit, offset = _page_bounds(limit, offset)
    total = _count(session, select(model.id).where(*where))
    rows = list(
        session.execute(
            select(model, Organisation.name)
            .join(Organisation, Organisation.id == model.carrier_org_id)
            .where(*where)
            .order_by(Organisation.name, model.code, model.id)
            .limit(limit)
            .offset(offset)
        )
    )
    urls = landings_of(session, kind, [record.id for record, _ in rows])
    items = [item(record, carrier, urls.get(record.id, [])) for record, carrier in rows]
    return Page[OfferRow](total=total, limit=limit, offset=offset, items=items)


def _channel_item(c: PromotionChannel, carrier: str, urls: list[str]) -> OfferRow:
    return OfferRow(
        id=c.id,
        carrier_org_id=c.carrier_org_id,
        carrier=carrier,
        counterpart=c.partner_name,
        code=c.code,
        name=None,
        billing_type=None,
        status=c.status,
        landing_urls=urls,
        valid_from=c.valid_from,
        valid_to=c.valid_to,
    )


def _sp_service_item(s: SpService, carrier: str, urls: list[str]) -> OfferRow:
    return OfferRow(
        id=s.id,
        carrier_org_id=s.carrier_org_id,
        carrier=carrier,
        counterpart=s.sp_name,
        code=s.code,
        name=s.name,
        billing_type=s.billing_type,
        status=s.status,
        landing_urls=urls,
        valid_from=s.valid_from,
        valid_to=s.valid_to,
    )


def list_channels(
    session: Session,
    actor: Actor,
    *,
    on: dt.date,
    province: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[OfferRow]:
    """Promotion channels holding on ``on`` within reach (by carrier or partner)."""
    return _list_offers(
        session,
        actor,
        PromotionChannel,
        "channel",
        PromotionChannel.partner_org_id,
        _channel_item,
        on=on,
        province=province,
        limit=limit,
        offset=offset,
    )


def list_sp_services(
    session: Session,
    actor: Actor,
    *,
    on: dt.date,
    province: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[OfferRow]:
    """SP services holding on ``on`` within reach (by carrier or SP)."""
    return _list_offers(
        session,
        actor,
        SpService,
        "sp_service",
        SpService.sp_org_id,
        _sp_service_item,
        on=on,
        province=province,
        limit=limit,
        offset=offset,
    )


def provider_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Organisations within reach that connect something (for a provider filter), by name."""
    authorize(actor, READ)
    providers = select(Connection.provider_org_id).distinct()
    query = (
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(providers))
        .where(scope_filter(session, actor, Organisation.id))
        .order_by(Organisation.name)
    )
    return [(row.id, row.name) for row in session.execute(query)]


__all__ = [
    "ConnectionRow",
    "FilingRow",
    "OfferRow",
    "Page",
    "list_channels",
    "list_connections",
    "list_filings",
    "list_sp_services",
    "provider_choices",
]

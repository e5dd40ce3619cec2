"""Compliance figures of a scope on a date: how much of what is connected is filed, and the
findings still open.

A scope is what the actor may read, narrowed to an organisation's subtree (``org_id``: that
organisation and every one below it, e.g. an access provider and its resellers) and/or to a
province (organisations of that province; findings of it). The figures, each one set-based
query:

* connected domains (connections holding on the date), of which *filed*: listed in a filing
  that is active and holds on that date; and the share filed;
* the providers with the most connected domains (``top``), each with its filed share;
* open findings (``open`` or ``acknowledged``) by rule and severity, and by age (since
  ``first_found_at``: under 7 days, 7–30, 30–90, over 90);
* findings fixed in the 30 days up to the date.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, authorize, load_org_scope, scope_filter
from jingwang.registry.findings import OPEN_STATES, finding_scope, province_clause, rule_title
from jingwang.registry.history import holds_on
from jingwang.registry.models import Connection, Finding, IcpFiledDomain, IcpFiling

READ: Final = "registry:read"
AGE_BUCKETS: Final = ("lt_7d", "d7_30", "d30_90", "gt_90d")
FIXED_WINDOW_DAYS: Final = 30


class ProviderFigures(BaseModel):
    org_id: int
    name: str
    connected: int
    filed: int
    share_filed: float | None


class RuleFigures(BaseModel):
    rule: str
    title: str
    severity: str
    open: int


class ComplianceFigures(BaseModel):
    """The figures of one scope on one date (see the module's docstring)."""

    on: dt.date
    org_id: int | None = Field(description="The organisation whose subtree this is, if any.")
    province: str | None
    connected: int = Field(description="Domains connected on the date.")
    filed: int = Field(description="Of those, listed in an active filing on the date.")
    share_filed: float | None = Field(description="filed / connected; null when none.")
    providers: list[ProviderFigures]
    open_findings: int
    open_by_rule: list[RuleFigures]
    open_by_age: dict[str, int] = Field(description=f"Keys: {', '.join(AGE_BUCKETS)}.")
    fixed_last_30_days: int


def subtree_ids(org_id: int) -> ColumnElement[int]:
    """A subquery of ``org_id`` and every organisation below it (cycle-safe: UNION)."""
    tree = select(Organisation.id).where(Organisation.id == org_id).cte("subtree", recursive=True)
    tree = tree.union(select(Organisation.id).join(tree, Organisation.parent_id == tree.c.id))
    return select(tree.c.id).scalar_subquery()


def org_clause(
    session: Session,
    actor: Actor,
    column: InstrumentedAttribute[int],
    *,
    org_id: int | None,
    province: str | None,
) -> ColumnElement[bool]:
    """Rows whose organisation ``column`` is within reach, the subtree and the province."""
    clause = scope_filter(session, actor, column)
    if org_id is not None:
        clause = and_(clause, column.in_(subtree_ids(org_id)))
    if province:
        in_province = select(Organisation.id).where(Organisation.province == province)
        clause = and_(clause, column.in_(in_province))
    return clause


def filed_on(on: dt.date) -> ColumnElement[bool]:
    """The connection's domain is listed in a filing active on ``on``."""
    return exists().where(
        IcpFiledDomain.domain_id == Connection.domain_id,
        IcpFiledDomain.filing_id == IcpFiling.id,
        IcpFiling.status == "active",
        IcpFiling.valid_from <= on,
        or_(IcpFiling.valid_to.is_(None), IcpFiling.valid_to > on),
    )


def _share(filed: int, connected: int) -> float | None:
    return round(filed / connected, 4) if connected else None


def compliance(
    session: Session,
    actor: Actor,
    *,
    on: dt.date,
    org_id: int | None = None,
    province: str | None = None,
    top: int = 10,
    language: str = "zh-CN",
) -> ComplianceFigures:
    """The figures of the scope (within ``actor``'s read reach) on ``on``."""
    authorize(actor, READ)
    if org_id is not None:
        authorize(actor, READ, load_org_scope(session, org_id))
    where = org_clause(session, actor, Connection.provider_org_id, org_id=org_id, province=province)
    filed_domain = func.count(func.distinct(case((filed_on(on), Connection.domain_id))))
    connected_domain = func.count(func.distinct(Connection.domain_id))
    totals = session.execute(
        select(connected_domain, filed_domain).where(holds_on(on), where)
    ).one()
    providers = session.execute(
        select(Connection.provider_org_id, Organisation.name, connected_domain, filed_domain)
        .join(Organisation, Organisation.id == Connection.provider_org_id)
        .where(holds_on(on), where)
        .group_by(Connection.provider_org_id, Organisation.name)
        .order_by(connected_domain.desc(), Organisation.name)
        .limit(top)
    )
    open_where = and_(
        _finding_where(session, actor, org_id, province), Finding.state.in_(OPEN_STATES)
    )
    by_rule = session.execute(
        select(Finding.rule, Finding.severity, func.count())
        .where(open_where)
        .group_by(Finding.rule, Finding.severity)
        .order_by(func.count().desc(), Finding.rule, Finding.severity)
    )
    rules = [
        RuleFigures(rule=rule, title=rule_title(rule, language), severity=severity, open=count)
        for rule, severity, count in by_rule
    ]
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return ComplianceFigures(
        on=on,
        org_id=org_id,
        province=province,
        connected=totals[0],
        filed=totals[1],
        share_filed=_share(totals[1], totals[0]),
        providers=[
            ProviderFigures(org_id=pid, name=name, connected=c, filed=f, share_filed=_share(f, c))
            for pid, name, c, f in providers
        ],
        open_findings=sum(r.open for r in rules),
        open_by_rule=rules,
        open_by_age=_by_age(session, open_where, end),
        fixed_last_30_days=_fixed_since(
            session, _finding_where(session, actor, org_id, province), end
        ),
    )


def _finding_where(
    session: Session, actor: Actor, org_id: int | None, province: str | None
) -> ColumnElement[bool]:
    clause = finding_scope(session, actor)
    if org_id is not None:
        clause = and_(clause, Finding.addressee_org_id.in_(subtree_ids(org_id)))
    if province:
        clause = and_(clause, province_clause(province))
    return clause


def _by_age(session: Session, where: ColumnElement[bool], end: dt.datetime) -> dict[str, int]:
    days = [end - dt.timedelta(days=n) for n in (7, 30, 90)]
    bucket = case(
        (Finding.first_found_at > days[0], AGE_BUCKETS[0]),
        (Finding.first_found_at > days[1], AGE_BUCKETS[1]),
        (Finding.first_found_at > days[2], AGE_BUCKETS[2]),
        else_=AGE_BUCKETS[3],
    )
    counts = dict.fromkeys(AGE_BUCKETS, 0)
    # Grouped over a subquery: PostgreSQL does not see two renderings of one CASE with bound
    # parameters as the same expression.
    aged = select(bucket.label("bucket")).where(where).subquery()
    rows = session.execute(select(aged.c.bucket, func.count()).group_by(aged.c.bucket))
    for name, count in rows:
        counts[name] = count
    return counts


def _fixed_since(session: Session, where: ColumnElement[bool], end: dt.datetime) -> int:
    start = end - dt.timedelta(days=FIXED_WINDOW_DAYS)
    query = select(func.count()).where(
        where, Finding.state == "fixed", Finding.fixed_at >= start, Finding.fixed_at < end
    )
    return session.scalar(query) or 0


__all__ = [
    "AGE_BUCKETS",
    "ComplianceFigures",
    "ProviderFigures",
    "RuleFigures",
    "compliance",
    "filed_on",
    "org_clause",
    "subtree_ids",
]

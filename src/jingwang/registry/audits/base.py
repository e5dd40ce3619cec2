"""What every audit rule is made of: its description, its hits, and the facts it reads on a date.

A :class:`Rule` has a stable snake_case ``name`` (stored in every finding), a severity, a title
and a description in Chinese and English (the UI shows them), what its findings are about
(``subject``: ``domain`` when each hit names a domain, ``org`` when it names an organisation, the
id after the last ``:`` of its key) and a function that returns its :class:`Hit` values on a
date. Rules read what held on that date (:func:`holds`), in set-based SQL (SQLAlchemy Core, the
same on SQLite and PostgreSQL): a handful of queries per rule, never one per row.

An incremental run gives a rule an :class:`AuditScope`; a domain rule then reads only the
connections (or landings) of the scope's domains, in chunks of :data:`CHUNK` ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    CompoundSelect,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    exists,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from jingwang.accounts.models import Organisation
from jingwang.registry.models import (
    Connection,
    DomainSite,
    IcpFiledDomain,
    IcpFiling,
    SubletEdge,
)

Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
CHUNK = 20_000  # ids per IN (…): below SQLite's and PostgreSQL's limits on parameters
DEAD_STATUSES = ("revoked", "expired", "cancelled")


def holds(model: Any, on: dt.date) -> ColumnElement[bool]:
    """Rows of ``model`` (with ``valid_from``/``valid_to``) that held on ``on``."""
    return and_(model.valid_from <= on, or_(model.valid_to.is_(None), model.valid_to > on))


@dataclass(slots=True)  # not frozen: made for every row, where frozen costs 3×
class Hit:
    """One thing a rule found: unique by ``key`` within the rule."""

    key: str
    addressee_org_id: int | None
    domain_id: int | None
    subject: str
    evidence: dict[str, Any]


@dataclass(slots=True)
class AuditScope:
    """The domains and organisations an incremental run re-checks."""

    domains: set[int] = field(default_factory=set)
    orgs: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class AuditContext:
    """What a rule reads: the session, the date, the settings it needs and the scope (if any)."""

    session: Session
    on: dt.date
    max_sublet_depth: int
    scope: AuditScope | None = None
    # Facts several rules start from, computed once per run (see ``connected.not_filed``).
    cache: dict[Hashable, object] = field(default_factory=dict)

    def orgs(self) -> dict[int, tuple[str, str]]:
        """Organisation id → (name, kind), read once per run (joining them costs more)."""
        found = self.cache.get("orgs")
        if found is None:
            rows = self.session.execute(
                select(Organisation.id, Organisation.name, Organisation.kind)
            )
            found = {row[0]: (row[1], row[2]) for row in rows}
            self.cache["orgs"] = found
        return cast(dict[int, tuple[str, str]], found)

    def domain_chunks(self) -> Iterator[Sequence[int] | None]:
        """``None`` once for a full run; the scope's domain ids in chunks for an incremental one."""
        if self.scope is None:
            yield None
            return
        ids = sorted(self.scope.domains)
        for start in range(0, len(ids), CHUNK):
            yield ids[start : start + CHUNK]


# Facts of a full run's date, computed once into temporary tables (see :func:`filed_facts`).
_TEMPORARY = MetaData()
_ID = BigInteger().with_variant(Integer(), "sqlite")
FILED_DOMAINS = Table(
    "jw_audit_filed_domains",
    _TEMPORARY,
    Column("domain_id", _ID, primary_key=True, autoincrement=False),
    prefixes=["TEMPORARY"],
)
DEAD_DOMAINS = Table(
    "jw_audit_dead_domains",
    _TEMPORARY,
    Column("domain_id", _ID, primary_key=True, autoincrement=False),
    prefixes=["TEMPORARY"],
)
FILED_SITES = Table(
    "jw_audit_filed_sites",
    _TEMPORARY,
    Column("site_id", _ID, primary_key=True, autoincrement=False),
    prefixes=["TEMPORARY"],
)
LET_RANGES = Table(
    "jw_audit_let_ranges",
    _TEMPORARY,
    Column("child_org_id", _ID),
    Column("ip_lo", String(32)),
    Column("ip_hi", String(32)),
    Index("jw_audit_let_ranges_child", "child_org_id", "ip_lo", "ip_hi"),
    prefixes=["TEMPORARY"],
)
_TEMPORARY_TABLES = (FILED_DOMAINS, DEAD_DOMAINS, FILED_SITES, LET_RANGES)


def _listed(statuses: Sequence[str], on: dt.date) -> Any:
    """The domain ids listed by a filing that held on ``on`` with one of ``statuses``."""
    return (
        select(IcpFiledDomain.domain_id)
        .join(IcpFiling, IcpFiling.id == IcpFiledDomain.filing_id)
        .where(IcpFiling.status.in_(statuses), holds(IcpFiling, on))
        .distinct()
    )


def filed_facts(ctx: AuditContext) -> tuple[Table, Table, Table]:
    """The filed domains, dead domains and filed sites of the date, as temporary tables.

    Filed domains are listed by an active filing that held on the date; dead ones by a revoked,
    expired or cancelled one; a filed site has a filed domain (a domain-site row or a
    connection naming it, that held on the date). Computed once per run, in three set-based
    statements, instead of being looked up again for every connection: rules then read them by
    primary key. Dropped by :func:`drop_facts` at the end of the run.
    """
    if "filed_facts" not in ctx.cache:
        on = ctx.on
        filed = select(FILED_DOMAINS.c.domain_id)
        named = aliased(Connection)
        sites = (
            select(DomainSite.site_id)
            .where(holds(DomainSite, on), DomainSite.domain_id.in_(filed))
            .union(
                select(named.site_id).where(
                    holds(named, on), named.site_id.is_not(None), named.domain_id.in_(filed)
                )
            )
        )
        _fill(ctx, FILED_DOMAINS, _listed(("active",), on))
        _fill(ctx, DEAD_DOMAINS, _listed(DEAD_STATUSES, on))
        _fill(ctx, FILED_SITES, sites)
        ctx.cache["filed_facts"] = True
    return FILED_DOMAINS, DEAD_DOMAINS, FILED_SITES


def let_ranges(ctx: AuditContext) -> Table:
    """The ranges let on the date (child organisation, low and high address), as a table.

    A few hundred thousand rows at national size, indexed by child and range: the rule on
    undeclared ranges looks two of them up for each of millions of connections, which costs
    half as much there as in the sublet edges themselves (whose index lacks the range).
    """
    if "let_ranges" not in ctx.cache:
        edges = select(SubletEdge.child_org_id, SubletEdge.ip_lo, SubletEdge.ip_hi).where(
            holds(SubletEdge, ctx.on)
        )
        _fill(ctx, LET_RANGES, edges)
        ctx.cache["let_ranges"] = True
    return LET_RANGES


def _fill(ctx: AuditContext, table: Table, rows: Any) -> None:
    """Create the temporary ``table`` (dropping a left-over one) and fill it with ``rows``."""
    connection = ctx.session.connection()
    schema = "temp" if connection.dialect.name == "sqlite" else "pg_temp"
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {schema}.{table.name}")
    table.create(connection)
    connection.execute(insert(table).from_select([c.name for c in table.columns], rows))
    if connection.dialect.name == "postgresql":  # temporary tables are never analysed otherwise
        connection.exec_driver_sql(f"ANALYZE {table.name}")
    made = cast(set[str], ctx.cache.setdefault("temporary", set()))
    made.add(table.name)


def drop_facts(ctx: AuditContext) -> None:
    """Drop the temporary tables this run made (:func:`filed_facts`, :func:`let_ranges`)."""
    made = cast(set[str], ctx.cache.pop("temporary", set()))
    if made:
        connection = ctx.session.connection()
        schema = "temp" if connection.dialect.name == "sqlite" else "pg_temp"
        for name in sorted(made):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {schema}.{name}")
    ctx.cache.pop("filed_facts", None)
    ctx.cache.pop("let_ranges", None)


Finder = Callable[[AuditContext], list[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    """An audit rule: stable name, severity, zh + en texts, subject kind and its finder."""

    name: str
    severity: Severity
    title: dict[str, str]  # {"zh": …, "en": …}
    description: dict[str, str]
    subject: Literal["domain", "org"]
    find: Finder

    def in_scope(self, key: str, domain_id: int | None, scope: AuditScope) -> bool:
        """Whether a hit or finding (by key and domain) lies in an incremental run's scope."""
        if self.subject == "domain":
            return domain_id is not None and domain_id in scope.domains
        tail = key.rpartition(":")[2]
        return tail.isdigit() and int(tail) in scope.orgs

    @property
    def title_zh(self) -> str:
        return self.title["zh"]

    @property
    def title_en(self) -> str:
        return self.title["en"]

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "severity": self.severity,
            "title": dict(self.title),
            "description": dict(self.description),
        }


def active_filed(
    domain: ColumnElement[Any] | InstrumentedAttribute[int], on: dt.date
) -> ColumnElement[bool]:
    """``domain`` is listed in a filing that held on ``on`` with status active."""
    return exists(
        select(IcpFiledDomain.filing_id)
        .join(IcpFiling, IcpFiling.id == IcpFiledDomain.filing_id)
        .where(
            IcpFiledDomain.domain_id == domain, IcpFiling.status == "active", holds(IcpFiling, on)
        )
    )


def site_links(
    on: dt.date,
    *,
    domains: Sequence[int] | None = None,
    sites: Sequence[int] | None = None,
) -> CompoundSelect[int, int]:
    """(domain id, site id) pairs that held on ``on``: domain-site rows and named connections.

    ``domains`` / ``sites`` keep only the pairs of those ids (filtered in each branch, where
    the indexes are).
    """
    named = aliased(Connection)  # never correlated with an outer query's connections
    first = select(DomainSite.domain_id, DomainSite.site_id).where(holds(DomainSite, on))
    second = select(named.domain_id, named.site_id).where(
        holds(named, on), named.site_id.is_not(None)
    )
    if domains is not None:
        first = first.where(DomainSite.domain_id.in_(domains))
        second = second.where(named.domain_id.in_(domains))
    if sites is not None:
        first = first.where(DomainSite.site_id.in_(sites))
        second = second.where(named.site_id.in_(sites))
    return first.union_all(second)


__all__ = [
    "CHUNK",
    "DEAD_DOMAINS",
    "DEAD_STATUSES",
    "FILED_DOMAINS",
    "FILED_SITES",
    "LET_RANGES",
    "SEVERITIES",
    "AuditContext",
    "AuditScope",
    "Finder",
    "Hit",
    "Rule",
    "Severity",
    "active_filed",
    "drop_facts",
    "filed_facts",
    "holds",
    "let_ranges",
    "site_links",
]

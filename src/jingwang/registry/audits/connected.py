"""Rules on connections: unfiled sites, dead filings, missing domains, holders, page numbers,
undeclared IP ranges.

Each rule selects the connections that held on the audit's date and match, in one or two
set-based queries (plus one query for the evidence of the hits), addressed to the provider that
connected the domain. Keys are ``provider id:domain``, so a finding follows one provider's
connection of one domain across runs, whatever changes in the evidence.

A domain is *filed* when a filing that held on the date with status ``active`` lists it; a site
is filed when one of its domains is (its domains: the domain-site rows, and the domains the
connections of that date name it for, see :func:`~.base.site_links`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from jingwang.accounts.models import Organisation
from jingwang.registry.audits.base import (
    CHUNK,
    DEAD_STATUSES,
    AuditContext,
    Hit,
    Rule,
    active_filed,
    filed_facts,
    holds,
    let_ranges,
    site_links,
)
from jingwang.registry.audits.holders import same_holder
from jingwang.registry.models import (
    Connection,
    Domain,
    DomainSite,
    IcpFiledDomain,
    IcpFiling,
    ObservedNumber,
    Site,
    SubletEdge,
)

_SITE_SUFFIX = re.compile(r"号-\d+$")
SITE_NUMBERS = 20  # site numbers -1 … -20 of a filing are looked up with it


def base_number(number: str) -> str:
    """A filing number without its ``-N`` site suffix: ``粤ICP备09012345号-1`` → ``…号``."""
    return _SITE_SUFFIX.sub("号", number)


@dataclass(slots=True)  # not frozen: made for every row, where frozen costs 3×
class Connected:
    """A connection that held on the audit's date, with the names a finding shows."""

    id: int
    provider_org_id: int
    provider: str
    domain_id: int
    domain: str
    site_id: int | None
    site: str | None
    ip_range: str | None
    customer: str | None
    valid_from: dt.date

    @property
    def key(self) -> str:
        return f"{self.provider_org_id}:{self.domain}"

    def evidence(self, **more: Any) -> dict[str, Any]:
        facts: dict[str, Any] = {
            "connection_id": self.id,
            "provider_org_id": self.provider_org_id,
            "provider": self.provider,
            "domain": self.domain,
            "site": self.site,
            "ip_range": self.ip_range,
            "connected_since": self.valid_from.isoformat(),
        }
        facts.update(more)
        return facts

    def hit(self, subject: str, **evidence: Any) -> Hit:
        return Hit(
            self.key, self.provider_org_id, self.domain_id, subject, self.evidence(**evidence)
        )


def _connections(on: dt.date, domains: Sequence[int] | None) -> Select[*tuple[Any, ...]]:
    query = (
        select(
            Connection.id,
            Connection.provider_org_id,
            Connection.provider_org_id,  # its name is filled in from AuditContext.orgs
            Connection.domain_id,
            Domain.name,
            Connection.site_id,
            Site.name,
            Connection.ip_range,
            Connection.customer,
            Connection.valid_from,
        )
        # ``+ 0``: not a join SQLite may drive from the domains' name index (then looking up
        # each domain's connections, in name order); it reads the connections in order and
        # looks each one's domain up by id, several times faster at national size.
        .join(Domain, Domain.id == Connection.domain_id + 0)
        .outerjoin(Site, Site.id == Connection.site_id)
        .where(holds(Connection, on))
    )
    if domains is not None:
        query = query.where(Connection.domain_id.in_(domains))
    return query


def _rows(ctx: AuditContext, query: Select[*tuple[Any, ...]]) -> Any:
    """The rows of ``query`` through the session's connection (Core): the ORM's per-row
    handling of plain columns costs seconds over millions of connections."""
    return ctx.session.connection().execute(query)


def _connected(orgs: dict[int, tuple[str, str]], row: Any) -> Connected:
    """The :class:`Connected` of the first ten columns of ``row`` (see :func:`_connections`)."""
    return Connected(row[0], row[1], orgs[row[1]][0], *row[3:10])


def _site_has_filed_domain(
    site: ColumnElement[Any] | InstrumentedAttribute[Any], on: dt.date
) -> ColumnElement[bool]:
    """Some domain of ``site`` (a domain-site row, or a connection naming it) is filed on ``on``."""
    member, named = aliased(DomainSite), aliased(Connection)
    return or_(
        exists(
            select(member.id).where(
                member.site_id == site, holds(member, on), active_filed(member.domain_id, on)
            )
        ),
        exists(
            select(named.id).where(
                named.site_id == site, holds(named, on), active_filed(named.domain_id, on)
            )
        ),
    )


def _site_filed(on: dt.date) -> ColumnElement[bool]:
    """The connection's site (named by it, or the domain's on that date) is filed.

    Correlated lookups by site (indexed), so only the connections asked about cost anything.
    """
    own = aliased(DomainSite)
    return or_(
        and_(Connection.site_id.is_not(None), _site_has_filed_domain(Connection.site_id, on)),
        exists(
            select(own.id).where(
                own.domain_id == Connection.domain_id,
                holds(own, on),
                _site_has_filed_domain(own.site_id, on),
            )
        ),
    )


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _filings_listing(
    session: Session, domain_ids: Iterable[int], on: dt.date, *, active: bool = True
) -> dict[int, list[tuple[str, str, str]]]:
    """Domain id → (number, status, holder) of the filings that held on ``on`` listing it."""
    listed: dict[int, list[tuple[str, str, str]]] = {}
    wanted = IcpFiling.status == "active" if active else IcpFiling.status.in_(DEAD_STATUSES)
    for chunk in _chunks(domain_ids):
        query = (
            select(IcpFiledDomain.domain_id, IcpFiling.number, IcpFiling.status, IcpFiling.holder)
            .join(IcpFiling, IcpFiling.id == IcpFiledDomain.filing_id)
            .where(IcpFiledDomain.domain_id.in_(chunk), holds(IcpFiling, on), wanted)
            .order_by(IcpFiling.number)
        )
        for domain_id, number, status, holder in session.execute(query):
            listed.setdefault(domain_id, []).append((number, status, holder))
    return listed


# The connections of domains in no active filing: rules 1, 2 and 3 share one query -------------


@dataclass(slots=True)  # not frozen: made for every row, where frozen costs 3×
class NotFiled:
    """A connection of a domain in no active filing, with what else holds for it."""

    connection: Connected
    dead: bool  # the domain is listed in a revoked, expired or cancelled filing
    site_filed: bool  # another domain of its site is in an active filing


def not_filed(ctx: AuditContext, chunk: Sequence[int] | None) -> list[NotFiled]:
    """The connections (of ``chunk``'s domains) whose domain is in no active filing.

    One query for the three rules that start from them, kept in the run's cache.
    """
    key = ("not_filed", None if chunk is None else (chunk[0], chunk[-1], len(chunk)))
    cached = ctx.cache.get(key)
    if cached is not None:
        return cast(list[NotFiled], cached)
    query = _not_filed_all(ctx) if chunk is None else _not_filed_of(ctx, chunk)
    rows: list[Any] = list(_rows(ctx, query))
    orgs = ctx.orgs()
    found = [NotFiled(_connected(orgs, row), bool(row[10]), bool(row[11])) for row in rows]
    for old in [k for k in ctx.cache if isinstance(k, tuple) and k[0] == "not_filed"]:
        del ctx.cache[old]  # one chunk at a time
    ctx.cache[key] = found
    return found


def _not_filed_all(ctx: AuditContext) -> Select[*tuple[Any, ...]]:
    """A full run's :func:`not_filed` query: read from the date's facts (:func:`filed_facts`)."""
    filed, dead, sites = filed_facts(ctx)
    own = aliased(DomainSite)
    site_filed = or_(
        exists(select(sites.c.site_id).where(sites.c.site_id == Connection.site_id)),
        exists(
            select(own.id)
            .join(sites, sites.c.site_id == own.site_id)
            .where(own.domain_id == Connection.domain_id, holds(own, ctx.on))
        ),
    )
    return (
        _connections(ctx.on, None)
        .add_columns(
            exists(select(dead.c.domain_id).where(dead.c.domain_id == Connection.domain_id)),
            site_filed,
        )
        .where(~exists(select(filed.c.domain_id).where(filed.c.domain_id == Connection.domain_id)))
    )


def _not_filed_of(ctx: AuditContext, chunk: Sequence[int]) -> Select[*tuple[Any, ...]]:
    """An incremental run's :func:`not_filed` query, for a chunk of domains: looked up by them."""
    dead = (
        select(IcpFiledDomain.filing_id)
        .join(IcpFiling, IcpFiling.id == IcpFiledDomain.filing_id)
        .where(
            IcpFiledDomain.domain_id == Connection.domain_id,
            IcpFiling.status.in_(DEAD_STATUSES),
            holds(IcpFiling, ctx.on),
        )
    )
    return (
        _connections(ctx.on, chunk)
        .add_columns(exists(dead).label("dead"), _site_filed(ctx.on).label("site_filed"))
        .where(~active_filed(Connection.domain_id, ctx.on))
    )


# 1. unfiled_site_connected -------------------------------------------------------------------


def find_unfiled(ctx: AuditContext) -> list[Hit]:
    """Connections of a domain in no active filing, whose site has no filed domain either."""
    hits: list[Hit] = []
    for chunk in ctx.domain_chunks():
        for item in not_filed(ctx, chunk):
            if not item.site_filed:
                c = item.connection
                hits.append(c.hit(f"{c.domain} ← {c.provider}"))
    return hits


# 2. filing_revoked_or_expired ----------------------------------------------------------------


def find_dead_filing(ctx: AuditContext) -> list[Hit]:
    """Connections of a domain listed only in revoked, expired or cancelled filings."""
    hits: list[Hit] = []
    for chunk in ctx.domain_chunks():
        found = [item.connection for item in not_filed(ctx, chunk) if item.dead]
        filings = _filings_listing(ctx.session, {c.domain_id for c in found}, ctx.on, active=False)
        for c in found:
            listed = filings.get(c.domain_id, [])
            numbers = [{"number": n, "status": s} for n, s, _ in listed]
            statuses = "/".join(sorted({s for _, s, _ in listed}))
            hits.append(c.hit(f"{c.domain}: {statuses}", filings=numbers))
    return hits


# 3. domain_not_in_filing ---------------------------------------------------------------------


def _site_domains_filed(
    session: Session, found: list[Connected], on: dt.date
) -> dict[int, list[dict[str, str]]]:
    """Connection id → the filed domains (with filing numbers) of its site(s)."""
    sites: dict[int, set[int]] = {c.id: {c.site_id} if c.site_id else set() for c in found}
    by_domain: dict[int, list[int]] = {}
    for c in found:
        by_domain.setdefault(c.domain_id, []).append(c.id)
    for chunk in _chunks(by_domain):
        query = select(DomainSite.domain_id, DomainSite.site_id).where(
            DomainSite.domain_id.in_(chunk), holds(DomainSite, on)
        )
        for domain_id, site_id in session.execute(query):
            for connection_id in by_domain[domain_id]:
                sites[connection_id].add(site_id)
    links = site_links(on).subquery()
    filed: dict[int, list[dict[str, str]]] = {}
    for chunk in _chunks({s for ids in sites.values() for s in ids}):
        query = (
            select(links.c.site_id, Domain.name, IcpFiling.number)
            .join(IcpFiledDomain, IcpFiledDomain.domain_id == links.c.domain_id)
            .join(IcpFiling, IcpFiling.id == IcpFiledDomain.filing_id)
            .join(Domain, Domain.id == links.c.domain_id)
            .where(links.c.site_id.in_(chunk), IcpFiling.status == "active", holds(IcpFiling, on))
            .distinct()
        )
        rows: list[Any] = list(session.execute(query))
        for site_id, name, number in rows:
            filed.setdefault(site_id, []).append({"domain": name, "filing": number})
    return {
        cid: sorted(
            (item for s in ids for item in filed.get(s, [])),
            key=lambda i: (i["domain"], i["filing"]),
        )
        for cid, ids in sites.items()
    }


@dataclass(slots=True)  # not frozen: made for every row, where frozen costs 3×
class Shown:
    """What the latest observation of a connected domain's page showed."""

    url: str
    number: str | None
    text: str | None
    observed_at: dt.datetime
    capture_ref: str | None


def _latest_observations(
    ctx: AuditContext, chunk: Sequence[int] | None
) -> list[tuple[Connected, list[Shown]]]:
    """Connections that held on the date whose domain was observed by then, with what it showed.

    Rules 3 and 5 both read them: kept in the run's cache (one chunk at a time).
    """
    key = ("observations", None if chunk is None else (chunk[0], chunk[-1], len(chunk)))
    cached = ctx.cache.get(key)
    if cached is not None:
        return cast(list[tuple[Connected, list[Shown]]], cached)
    until = dt.datetime.combine(ctx.on + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    latest = (
        select(ObservedNumber.domain_id, func.max(ObservedNumber.observed_at).label("seen"))
        .where(ObservedNumber.observed_at < until)
        .group_by(ObservedNumber.domain_id)
        .subquery()
    )
    query = (
        _connections(ctx.on, chunk)
        .add_columns(
            ObservedNumber.url,
            ObservedNumber.number,
            ObservedNumber.text,
            ObservedNumber.observed_at,
            ObservedNumber.capture_ref,
        )
        .join(latest, latest.c.domain_id == Connection.domain_id)
        .join(
            ObservedNumber,
            and_(
                ObservedNumber.domain_id == latest.c.domain_id,
                ObservedNumber.observed_at == latest.c.seen,
            ),
        )
        .order_by(Connection.id, ObservedNumber.id)
    )
    orgs = ctx.orgs()
    found: dict[int, tuple[Connected, list[Shown]]] = {}
    for row in _rows(ctx, query):
        connection = _connected(orgs, row)
        entry = found.setdefault(connection.id, (connection, []))
        entry[1].append(Shown(*row[10:]))
    for old in [k for k in ctx.cache if isinstance(k, tuple) and k[0] == "observations"]:
        del ctx.cache[old]
    ctx.cache[key] = result = list(found.values())
    return result


def _shown_evidence(shown: list[Shown]) -> dict[str, Any]:
    first = shown[0]
    return {
        "page_url": first.url,
        "observed_at": first.observed_at.isoformat(),
        "capture_ref": first.capture_ref,
        "shown_numbers": [s.number for s in shown if s.number],
        "shown_text": [s.text for s in shown if s.text],
    }


def _active_by_base(
    session: Session, numbers: Iterable[str], on: dt.date
) -> dict[str, dict[str, set[int]]]:
    """Base number → {filing number → listed domain ids} of the active filings of those numbers.

    A filing is looked up by the base number and its site numbers ``base-1`` … ``base-20``
    (a register with more sites under one filing is not known). A few numbers are looked up
    in one indexed ``IN`` list; many (a full run's pages: 21 numbers each) are picked from the
    numbers of every active filing, read once, then their domains by filing id.
    """
    bases = {base_number(number) for number in numbers}
    wanted = bases | {f"{b}-{n}" for b in bases for n in range(1, SITE_NUMBERS + 1)}
    active = (IcpFiling.status == "active", holds(IcpFiling, on))
    found: dict[str, dict[str, set[int]]] = {}
    if len(wanted) <= CHUNK:
        query = (
            select(IcpFiling.number, IcpFiledDomain.domain_id)
            .outerjoin(IcpFiledDomain, IcpFiledDomain.filing_id == IcpFiling.id)
            .where(IcpFiling.number.in_(sorted(wanted)), *active)
        )
        rows: Iterable[Any] = session.execute(query)
    else:
        filings = select(IcpFiling.id, IcpFiling.number).where(*active)
        rows_of = session.connection().execute(filings)  # Core: 1.5 M rows at national size
        by_id = {row[0]: row[1] for row in rows_of if row[1] in wanted}
        picked: list[Any] = [(number, None) for number in by_id.values()]
        for chunk in _chunks(by_id):
            of_filings = select(IcpFiledDomain.filing_id, IcpFiledDomain.domain_id).where(
                IcpFiledDomain.filing_id.in_(chunk)
            )
            picked.extend(
                (by_id[filing_id], domain) for filing_id, domain in session.execute(of_filings)
            )
        rows = picked
    for number, domain_id in rows:
        domains = found.setdefault(base_number(number), {}).setdefault(number, set())
        if domain_id is not None:
            domains.add(domain_id)
    return found


def find_domain_not_in_filing(ctx: AuditContext) -> list[Hit]:
    """A filed site's domain missing from the filing; or a page naming a filing not listing it."""
    hits: dict[str, Hit] = {}
    for chunk in ctx.domain_chunks():
        found = [item.connection for item in not_filed(ctx, chunk) if item.site_filed]
        filed = _site_domains_filed(ctx.session, found, ctx.on)
        for c in found:
            subject = f"{c.domain}: not in the filing of {c.site or 'its site'}"
            hits[c.key] = c.hit(subject, site_filed_domains=filed.get(c.id, []))
        observed = _latest_observations(ctx, chunk)
        shown_numbers = {s.number for _, shown in observed for s in shown if s.number}
        active = _active_by_base(ctx.session, shown_numbers, ctx.on)
        for c, shown in observed:
            missing = sorted(
                number
                for s in shown
                if s.number
                for number, listed in active.get(base_number(s.number), {}).items()
                if c.domain_id not in listed
            )
            listing = any(
                c.domain_id in listed
                for s in shown
                if s.number
                for listed in active.get(base_number(s.number), {}).values()
            )
            if not missing or listing:
                continue
            previous = hits.get(c.key)
            evidence = previous.evidence if previous else c.evidence()
            evidence = {**evidence, **_shown_evidence(shown), "page_filings": missing}
            subject = f"{c.domain}: not listed in {missing[0]}"
            hits[c.key] = Hit(c.key, c.provider_org_id, c.domain_id, subject, evidence)
    return list(hits.values())


# 4. holder_mismatch --------------------------------------------------------------------------


def find_holder_mismatch(ctx: AuditContext) -> list[Hit]:
    """Connections whose customer is not the holder of any active filing listing the domain."""
    # Connections whose customer is spelled exactly as a holder are settled in SQL (most are).
    spelled, listed = aliased(IcpFiling), aliased(IcpFiledDomain)  # not the outer query's
    same_spelling = (
        select(listed.filing_id)
        .join(spelled, spelled.id == listed.filing_id)
        .where(
            listed.domain_id == Connection.domain_id,
            spelled.holder == Connection.customer,
            spelled.status == "active",
            holds(spelled, ctx.on),
        )
    )
    hits: list[Hit] = []
    for chunk in ctx.domain_chunks():
        query = (
            _connections(ctx.on, chunk)
            .add_columns(IcpFiling.number, IcpFiling.holder)
            .join(IcpFiledDomain, IcpFiledDomain.domain_id == Connection.domain_id)
            .join(IcpFiling, IcpFiling.id == IcpFiledDomain.filing_id)
            .where(
                Connection.customer.is_not(None),
                IcpFiling.status == "active",
                holds(IcpFiling, ctx.on),
                ~exists(same_spelling),
            )
            .order_by(Connection.id, IcpFiling.number)
        )
        orgs = ctx.orgs()
        pairs: dict[int, tuple[Connected, list[tuple[str, str]]]] = {}
        for row in _rows(ctx, query):
            connection = _connected(orgs, row)
            pairs.setdefault(connection.id, (connection, []))[1].append((row[10], row[11]))
        for c, filings in pairs.values():
            customer = c.customer or ""
            if any(same_holder(customer, holder) for _, holder in filings):
                continue
            numbers = [{"number": n, "holder": h} for n, h in filings]
            subject = f"{c.domain}: {customer} ≠ {filings[0][1]}"
            hits.append(c.hit(subject, customer=customer, filings=numbers))
    return hits


# 5. page_number_mismatch ---------------------------------------------------------------------


def find_page_number_mismatch(ctx: AuditContext) -> list[Hit]:
    """The latest page of a connected domain shows a number no active filing listing it has."""
    hits: list[Hit] = []
    for chunk in ctx.domain_chunks():
        observed = _latest_observations(ctx, chunk)
        listing = _filings_listing(ctx.session, {c.domain_id for c, _ in observed}, ctx.on)
        for c, shown in observed:
            if not any(s.number or s.text for s in shown):
                continue  # the page shows no number: the unfiled rules speak for that
            own = {base_number(number) for number, _, _ in listing.get(c.domain_id, [])}
            if any(s.number and base_number(s.number) in own for s in shown):
                continue
            printed = next((s.number or s.text for s in shown if s.number or s.text), "")
            evidence = _shown_evidence(shown)
            evidence["filings"] = sorted({n for n, _, _ in listing.get(c.domain_id, [])})
            evidence["printed"] = printed  # what the subject names, in every language
            hits.append(c.hit(f"{c.domain}: page shows {printed}", **evidence))
    return hits


# 8. undeclared_ip_range ----------------------------------------------------------------------


def find_undeclared_range(ctx: AuditContext) -> list[Hit]:
    """Connections on an IP range not within any range let to their provider."""
    carriers = select(Organisation.id).where(Organisation.kind == "carrier")
    ranges = let_ranges(ctx)  # the ranges let on the date, by child
    edges_to_provider = select(ranges.c.child_org_id).where(
        ranges.c.child_org_id == Connection.provider_org_id
    )
    containing = edges_to_provider.where(
        ranges.c.ip_lo <= Connection.ip_lo, Connection.ip_hi <= ranges.c.ip_hi
    )
    hits: list[Hit] = []
    for chunk in ctx.domain_chunks():
        query = _connections(ctx.on, chunk).where(
            Connection.ip_lo.is_not(None),
            or_(exists(edges_to_provider), Connection.provider_org_id.not_in(carriers)),
            ~exists(containing),
        )
        orgs = ctx.orgs()
        found = [(_connected(orgs, row), orgs[row[1]][1]) for row in _rows(ctx, query)]
        let = _ranges_let(ctx.session, {c.provider_org_id for c, _ in found}, ctx.on)
        for c, kind in found:
            subject = f"{c.domain}: {c.ip_range} not let to {c.provider}"
            hits.append(
                c.hit(subject, provider_kind=kind, ranges_let=let.get(c.provider_org_id, []))
            )
    return hits


def _ranges_let(
    session: Session, org_ids: set[int], on: dt.date
) -> dict[int, list[dict[str, Any]]]:
    """Organisation id → the ranges let to it on ``on`` (by whom, which edge)."""
    let: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(org_ids):
        query = (
            select(SubletEdge.child_org_id, SubletEdge.id, SubletEdge.ip_range, Organisation.name)
            .join(Organisation, Organisation.id == SubletEdge.parent_org_id)
            .where(SubletEdge.child_org_id.in_(chunk), holds(SubletEdge, on))
            .order_by(SubletEdge.id)
        )
        for child, edge_id, ip_range, parent in session.execute(query):
            let.setdefault(child, []).append({"edge_id": edge_id, "range": ip_range, "by": parent})
    return let


RULES: tuple[Rule, ...] = (
    Rule(
        "unfiled_site_connected",
        "high",
        {"zh": "接入未备案网站", "en": "Unfiled site connected"},
        {
            "zh": "接入的域名不在任何有效备案中，其网站的其他域名也都未备案。",
            "en": "A connected domain is in no active filing, and no other domain of its site is.",
        },
        "domain",
        find_unfiled,
    ),
    Rule(
        "filing_revoked_or_expired",
        "high",
        {"zh": "备案已注销或过期", "en": "Filing revoked or expired"},
        {
            "zh": "接入的域名只出现在已吊销、已过期或已注销的备案中。",
            "en": "A connected domain is listed only in revoked, expired or cancelled filings.",
        },
        "domain",
        find_dead_filing,
    ),
    Rule(
        "domain_not_in_filing",
        "medium",
        {"zh": "域名不在备案域名列表中", "en": "Domain not in the filing"},
        {
            "zh": "网站已备案，但接入的这个域名不在备案的域名列表中"
            "（或页面上的备案号不含该域名）。",
            "en": "The site is filed, but this connected domain is missing from the filing's "
            "list (or the filing the page names does not list it).",
        },
        "domain",
        find_domain_not_in_filing,
    ),
    Rule(
        "holder_mismatch",
        "medium",
        {"zh": "备案主体与接入客户不符", "en": "Filing holder differs from the customer"},
        {
            "zh": "接入合同的客户与列出该域名的有效备案的主办单位不一致。",
            "en": "The connection's customer is not the holder of the active filing listing "
            "the domain.",
        },
        "domain",
        find_holder_mismatch,
    ),
    Rule(
        "page_number_mismatch",
        "high",
        {"zh": "页面备案号与备案记录不符", "en": "Page filing number differs from the record"},
        {
            "zh": "网站页面上显示的备案号不是列出该域名的有效备案的编号。",
            "en": "The number shown on the site's page is not that of an active filing "
            "listing the domain.",
        },
        "domain",
        find_page_number_mismatch,
    ),
    Rule(
        "undeclared_ip_range",
        "high",
        {"zh": "未声明的IP地址段", "en": "Undeclared IP range"},
        {
            "zh": "网站使用的IP地址段不在上级分配给该接入商的任何地址段之内。",
            "en": "The IP range a site is connected on is not within any range let to its "
            "provider down the chain.",
        },
        "domain",
        find_undeclared_range,
    ),
)

__all__ = [
    "DEAD_STATUSES",
    "RULES",
    "base_number",
    "find_dead_filing",
    "find_domain_not_in_filing",
    "find_holder_mismatch",
    "find_page_number_mismatch",
    "find_undeclared_range",
    "find_unfiled",
]

"""Rule on promotion channels and SP services: a landing URL on a site found illegal.

A channel or SP service that held on the date with status ``active`` is a hit when one of its
landing URLs' registrable domain, or another domain of the same site on that date, has a
confirmed decision with an illegal verdict (:data:`~jingwang.decisions.models.ILLEGAL_VERDICTS`).
Decisions are read as they stand now (confirmed, not withdrawn), whatever the audit's date. The
carrier answers for its channels and SP services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.decisions.models import ILLEGAL_VERDICTS, Decision
from jingwang.registry.audits.base import CHUNK, AuditContext, Hit, Rule, holds, site_links
from jingwang.registry.models import Domain, Landing, PromotionChannel, SpService

_OWNERS: tuple[tuple[str, str, Any, Any], ...] = (
    ("channel", "channel", PromotionChannel, PromotionChannel.partner_name),
    ("sp", "sp_service", SpService, SpService.sp_name),
)


@dataclass(frozen=True, slots=True)
class _Landing:
    prefix: str
    owner_id: int
    carrier: int
    code: str
    partner: str
    url: str
    domain_id: int
    domain: str


def _landings(ctx: AuditContext, chunk: Sequence[int] | None) -> list[_Landing]:
    """The landing URLs of the channels and SP services active on the date."""
    found: list[_Landing] = []
    for prefix, kind, owner, name in _OWNERS:
        query = (
            select(
                owner.id,
                owner.carrier_org_id,
                owner.code,
                name,
                Landing.url,
                Landing.domain_id,
                Domain.name,
            )
            .join(Landing, (Landing.owner_id == owner.id) & (Landing.owner_kind == kind))
            .join(Domain, Domain.id == Landing.domain_id)
            .where(holds(owner, ctx.on), owner.status == "active")
            .order_by(owner.id, Landing.id)
        )
        if chunk is not None:
            query = query.where(Landing.domain_id.in_(chunk))
        rows: list[Any] = list(ctx.session.execute(query))
        found.extend(_Landing(prefix, *row) for row in rows)
    return found


def _illegal(session: Session, domain_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    """Domain id → the confirmed illegal decisions on it, for ``domain_ids``.

    Driven from the decisions (far fewer than domains), each joined to its domain by name.
    """
    query = (
        select(Domain.id, Decision.id, Decision.verdict, Decision.reason, Decision.domain)
        .select_from(Decision)
        .join(Domain, Domain.name == Decision.domain)
        .where(Decision.state == "confirmed", Decision.verdict.in_(ILLEGAL_VERDICTS))
        .order_by(Decision.id)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for domain_id, decision, verdict, reason, name in session.execute(query):
        if domain_id in domain_ids:
            found.setdefault(domain_id, []).append(
                {"decision_id": decision, "verdict": verdict, "reason": reason, "domain": name}
            )
    return found


def _decisions_by_site(
    ctx: AuditContext, domain_ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """Landing domain id → the confirmed illegal decisions on it or another domain of its site."""
    sites: dict[int, set[int]] = {}
    for start in range(0, len(domain_ids), CHUNK):
        links = site_links(ctx.on, domains=domain_ids[start : start + CHUNK])
        for domain_id, site_id in ctx.session.execute(links):
            sites.setdefault(domain_id, set()).add(site_id)
    members: dict[int, set[int]] = {}
    all_sites = sorted({s for found in sites.values() for s in found})
    for start in range(0, len(all_sites), CHUNK):
        links = site_links(ctx.on, sites=all_sites[start : start + CHUNK])
        for domain_id, site_id in ctx.session.execute(links):
            members.setdefault(site_id, set()).add(domain_id)
    related = {
        domain_id: {domain_id} | {m for s in sites.get(domain_id, ()) for m in members.get(s, ())}
        for domain_id in domain_ids
    }
    illegal = _illegal(ctx.session, {d for found in related.values() for d in found})
    return {
        domain_id: [decided for d in sorted(found) for decided in illegal.get(d, [])]
        for domain_id, found in related.items()
    }


def find_illegal_landing(ctx: AuditContext) -> list[Hit]:
    """Active channels and SP services leading to a domain (or its site) decided illegal."""
    hits: dict[str, Hit] = {}
    for chunk in ctx.domain_chunks():
        landings = _landings(ctx, chunk)
        decisions = _decisions_by_site(ctx, sorted({landing.domain_id for landing in landings}))
        for landing in landings:
            for decided in decisions.get(landing.domain_id, []):
                _add(hits, landing, decided)
    return list(hits.values())


def _add(hits: dict[str, Hit], landing: _Landing, decided: dict[str, Any]) -> None:
    key = f"{landing.prefix}:{landing.carrier}:{landing.code}:{landing.domain}"
    found = hits.get(key)
    if found is None:
        channel = landing.prefix == "channel"
        evidence: dict[str, Any] = {
            "kind": "channel" if channel else "sp_service",
            "owner_id": landing.owner_id,
            "code": landing.code,
            "partner" if channel else "sp": landing.partner,
            "landing_domain": landing.domain,
            "urls": [],
            "decisions": [],
        }
        subject = f"{landing.code} ({landing.partner}) → {landing.domain}"
        found = Hit(key, landing.carrier, landing.domain_id, subject[:300], evidence)
        hits[key] = found
    if landing.url not in found.evidence["urls"]:
        found.evidence["urls"].append(landing.url)
    if decided not in found.evidence["decisions"]:
        found.evidence["decisions"].append(decided)


RULES: tuple[Rule, ...] = (
    Rule(
        "landing_on_illegal_site",
        "critical",
        {
            "zh": "推广渠道或SP业务指向违法网站",
            "en": "Channel or SP service leads to an illegal site",
        },
        {
            "zh": "有效的推广渠道或SP业务的落地页所在网站已被确认违法（如色情）。",
            "en": "An active promotion channel's or SP service's landing URL is on a site with a "
            "confirmed illegal decision (porn and the like).",
        },
        "domain",
        find_illegal_landing,
    ),
)

__all__ = ["RULES", "find_illegal_landing"]

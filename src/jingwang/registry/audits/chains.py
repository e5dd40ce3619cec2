"""Rules on sublet chains: chains deeper than the limit, resellers without a licence.

The open sublet edges of the date (a few hundred thousand at national size) are read once; depths
are computed in Python over them, walking up from each provider that connects sites, with cycle
protection (an edge that would close a cycle is not followed). A *root* is an organisation with
no incoming edge on that date; it answers for what it lets down the chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from jingwang.registry.audits.base import AuditContext, Hit, Rule, holds
from jingwang.registry.cells import org_names
from jingwang.registry.models import Connection, OperatorLicence, SubletEdge


@dataclass(frozen=True, slots=True)
class Edge:
    id: int
    parent: int
    child: int
    ip_range: str | None


def open_edges(session: Session, on: dt.date) -> list[Edge]:
    """Every sublet edge that held on ``on``."""
    query = select(
        SubletEdge.id, SubletEdge.parent_org_id, SubletEdge.child_org_id, SubletEdge.ip_range
    ).where(holds(SubletEdge, on))
    return [Edge(*row) for row in session.execute(query)]


def connecting_orgs(session: Session, on: dt.date) -> set[int]:
    """The organisations that connected a domain on ``on``."""
    query = select(Connection.provider_org_id).where(holds(Connection, on)).distinct()
    return set(session.scalars(query))


class Chains:
    """The longest chain of edges from each root down to an organisation (memoised)."""

    def __init__(self, edges: Iterable[Edge]) -> None:
        self._parents: dict[int, list[Edge]] = {}
        for edge in edges:
            self._parents.setdefault(edge.child, []).append(edge)
        self._memo: dict[int, dict[int, tuple[Edge, ...]]] = {}

    def up(self, org: int) -> dict[int, tuple[Edge, ...]]:
        """Root → the longest chain of edges from it down to ``org`` (root first)."""
        return self._up(org, set())[0]

    def _up(self, org: int, path: set[int]) -> tuple[dict[int, tuple[Edge, ...]], bool]:
        """The chains up from ``org``, and whether no cycle was cut (only those are memoised)."""
        found = self._memo.get(org)
        if found is not None:
            return found, True
        parents = self._parents.get(org)
        if not parents:
            return {org: ()}, True
        result: dict[int, tuple[Edge, ...]] = {}
        complete = True
        path.add(org)
        for edge in parents:
            if edge.parent in path:
                complete = False  # a cycle: not followed
                continue
            above, whole = self._up(edge.parent, path)
            complete = complete and whole
            for root, chain in above.items():
                longer = (*chain, edge)
                if len(longer) > len(result.get(root, ())):
                    result[root] = longer
        path.discard(org)
        if complete:
            self._memo[org] = result
        return result, complete


# 6. sublet_too_deep --------------------------------------------------------------------------


def find_too_deep(ctx: AuditContext) -> list[Hit]:
    """Chains from a root down to a provider that connects sites, longer than the limit."""
    edges = open_edges(ctx.session, ctx.on)
    chains = Chains(edges)
    deep: list[tuple[int, int, tuple[Edge, ...]]] = []
    for provider in sorted(connecting_orgs(ctx.session, ctx.on)):
        for root, chain in chains.up(provider).items():
            if len(chain) > ctx.max_sublet_depth:
                deep.append((root, provider, chain))
    names = org_names(
        ctx.session, {e.parent for _, _, c in deep for e in c} | {p for _, p, _ in deep}
    )
    hits: list[Hit] = []
    for root, provider, chain in deep:
        orgs = [chain[0].parent, *(edge.child for edge in chain)]
        evidence: dict[str, Any] = {
            "depth": len(chain),
            "limit": ctx.max_sublet_depth,
            "chain": [names.get(org, str(org)) for org in orgs],
            "chain_org_ids": orgs,
            "edges": [
                {
                    "edge_id": e.id,
                    "parent": names.get(e.parent, str(e.parent)),
                    "child": names.get(e.child, str(e.child)),
                    "range": e.ip_range,
                }
                for e in chain
            ],
        }
        subject = " → ".join(evidence["chain"])
        hits.append(Hit(f"{root}:{provider}", root, None, subject[:300], evidence))
    return hits


# 7. unlicensed_reseller ----------------------------------------------------------------------


def find_unlicensed(ctx: AuditContext) -> list[Hit]:
    """Resellers (children of an edge) that let ranges on or connect sites, with no licence."""
    on = ctx.on
    letting = aliased(SubletEdge)  # the edges the reseller lets on, not the outer query's
    lets = select(letting.parent_org_id).where(holds(letting, on))
    connects = select(Connection.provider_org_id).where(holds(Connection, on))
    licensed = select(OperatorLicence.org_id).where(
        holds(OperatorLicence, on),
        OperatorLicence.status == "active",
        or_(OperatorLicence.expires_on.is_(None), OperatorLicence.expires_on > on),
    )
    query = (
        select(
            SubletEdge.parent_org_id, SubletEdge.child_org_id, SubletEdge.id, SubletEdge.ip_range
        )
        .where(
            holds(SubletEdge, on),
            or_(SubletEdge.child_org_id.in_(lets), SubletEdge.child_org_id.in_(connects)),
            SubletEdge.child_org_id.not_in(licensed),
        )
        .order_by(SubletEdge.id)
    )
    pairs: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for parent, child, edge_id, ip_range in ctx.session.execute(query):
        pairs.setdefault((parent, child), []).append({"edge_id": edge_id, "range": ip_range})
    resellers = {child for _, child in pairs}
    licences = _licences(ctx.session, resellers, on)
    names = org_names(ctx.session, resellers | {parent for parent, _ in pairs})
    hits: list[Hit] = []
    for (parent, child), ranges in pairs.items():
        evidence = {
            "org_id": child,
            "org": names.get(child, str(child)),
            "let_by_org_id": parent,
            "let_by": names.get(parent, str(parent)),
            "ranges": ranges,
            "licences": licences.get(child, []),
        }
        subject = f"{evidence['org']} ← {evidence['let_by']}"
        hits.append(Hit(f"{parent}:{child}", parent, None, subject[:300], evidence))
    return hits


def _licences(session: Session, org_ids: set[int], on: dt.date) -> dict[int, list[dict[str, Any]]]:
    """The (not active or expired) licences the organisations held on ``on``."""
    found: dict[int, list[dict[str, Any]]] = {}
    ordered = sorted(org_ids)
    for start in range(0, len(ordered), 20_000):
        query = select(
            OperatorLicence.org_id,
            OperatorLicence.number,
            OperatorLicence.kind,
            OperatorLicence.status,
            OperatorLicence.expires_on,
        ).where(
            OperatorLicence.org_id.in_(ordered[start : start + 20_000]), holds(OperatorLicence, on)
        )
        for org_id, number, kind, status, expires in session.execute(query):
            found.setdefault(org_id, []).append(
                {
                    "number": number,
                    "kind": kind,
                    "status": status,
                    "expires_on": expires.isoformat() if expires else None,
                }
            )
    return found


RULES: tuple[Rule, ...] = (
    Rule(
        "sublet_too_deep",
        "medium",
        {"zh": "转租链过长", "en": "Sublet chain too deep"},
        {
            "zh": "从源头单位到接入网站的接入商之间的转租层级超过了配置的上限。",
            "en": "The chain of sublet edges from a root down to a provider that connects "
            "sites is longer than the configured limit.",
        },
        "org",
        find_too_deep,
    ),
    Rule(
        "unlicensed_reseller",
        "high",
        {"zh": "转租方无经营许可证", "en": "Reseller without a licence"},
        {
            "zh": "转租链中的下级单位继续转租或接入网站，却没有有效的电信业务经营许可证。",
            "en": "An organisation below another in a sublet chain lets ranges on or connects "
            "sites without an active operating licence.",
        },
        "org",
        find_unlicensed,
    ),
)

__all__ = [
    "RULES",
    "Chains",
    "Edge",
    "connecting_orgs",
    "find_too_deep",
    "find_unlicensed",
    "open_edges",
]

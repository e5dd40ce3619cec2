"""The sublet tree: who lets IP ranges and servers to whom, drawn from one organisation down.

Nodes are organisations, with their kind, whether they hold an operator licence active on the
date, how many domains they connect on it and how many findings addressed to them are open.
Edges are the sublet edges holding on the date (parent → child), with their IP range and
evidence. Only edges whose parent and child are within the actor's read reach are shown.

Without a root, the tree starts at every organisation within reach that lets to someone but is
let to by no one within reach; an organisation that neither lets nor is let to is a root of its
own when it is the actor's organisation (an access provider's, not a regulator's). Chains can be
wrong (a reseller letting back to its own provider): the walk stops where an organisation is
already on the path (``cycle``) and shows an organisation reached a second time by another path
once only (``repeat``).

A national forest has tens of thousands of nodes, too many for one page: the tree is drawn to a
node budget (:data:`NODE_BUDGET`). Without a root, a forest over the budget comes back as its
roots only, each ``collapsed`` with its counts (organisations it lets to, sites, open findings),
so that the reader picks one; a chosen root whose tree is over the budget is drawn level by
level down to the budget, and each node whose children were cut is marked ``truncated``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Final

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, authorize, load_org_scope, scope_filter
from jingwang.registry.findings import OPEN_STATES, pairs
from jingwang.registry.history import holds_on
from jingwang.registry.models import Connection, Finding, OperatorLicence, SubletEdge

READ: Final = "registry:read"
MAX_DEPTH: Final = 64  # a guard; chains are a handful of levels
CHUNK: Final = 500  # ids per IN (...) list, within every backend's limit
NODE_BUDGET: Final = 1_000  # nodes drawn at most: a page, a JSON answer, a terminal stays usable


class EdgeInfo(BaseModel):
    """The sublet edge a node hangs from."""

    id: int
    ip_range: str | None
    evidence: str | None
    valid_from: dt.date


class TreeNode(BaseModel):
    """One organisation in the tree, and what it lets to."""

    org_id: int
    name: str
    kind: str
    province: str
    licensed: bool = Field(description="Holds an operator licence active on the date.")
    sites: int = Field(description="Domains it connects on the date.")
    open_findings: int
    edge: EdgeInfo | None = Field(description="The edge from its parent (null for a root).")
    cycle: bool = Field(False, description="Already on the path above: the chain loops here.")
    repeat: bool = Field(False, description="Shown elsewhere in the tree already.")
    child_count: int = Field(
        0, description="Sublet edges from it on the date within reach (children, drawn or not)."
    )
    collapsed: bool = Field(
        False,
        description="Its children are not drawn: the forest is over the node budget. "
        "Ask for this organisation's own tree (org).",
    )
    truncated: bool = Field(
        False,
        description="Some of its children are not drawn: the tree was cut at the node budget. "
        "Ask for this organisation's own tree (org) to see further.",
    )
    children: list[TreeNode] = Field(default_factory=list)


@dataclass(eq=False)
class _Shape:
    """A node of the tree before its facts are loaded: who, hanging from which edge."""

    org_id: int
    edge: SubletEdge | None
    cycle: bool = False
    repeat: bool = False
    children: list[_Shape] = field(default_factory=list)


def _edge_holds(on: dt.date) -> ColumnElement[bool]:
    return and_(
        SubletEdge.valid_from <= on,
        or_(SubletEdge.valid_to.is_(None), SubletEdge.valid_to > on),
    )


def _licence_holds(on: dt.date) -> ColumnElement[bool]:
    return and_(
        OperatorLicence.status == "active",
        OperatorLicence.valid_from <= on,
        or_(OperatorLicence.valid_to.is_(None), OperatorLicence.valid_to > on),
        or_(OperatorLicence.expires_on.is_(None), OperatorLicence.expires_on > on),
    )


def sublet_tree(
    session: Session,
    actor: Actor,
    *,
    on: dt.date,
    root_org_id: int | None = None,
    budget: int = NODE_BUDGET,
) -> list[TreeNode]:
    """The sublet trees within ``actor``'s reach on ``on`` (one, from ``root_org_id`` if given),
    drawn to at most ``budget`` nodes (see the module's docstring)."""
    authorize(actor, READ)
    if root_org_id is not None:
        authorize(actor, READ, load_org_scope(session, root_org_id))
    edges = list(
        session.scalars(
            select(SubletEdge)
            .where(_edge_holds(on))
            .where(scope_filter(session, actor, SubletEdge.parent_org_id))
            .where(scope_filter(session, actor, SubletEdge.child_org_id))
            .order_by(SubletEdge.parent_org_id, SubletEdge.child_org_id, SubletEdge.id)
        )
    )
    children: dict[int, list[SubletEdge]] = defaultdict(list)
    for edge in edges:
        children[edge.parent_org_id].append(edge)
    shapes = _shapes(children, _roots(actor, edges, root_org_id), every=root_org_id is None)
    if root_org_id is None and _size(shapes) > budget:
        return _collapsed(session, shapes, children, on)
    kept = _within(shapes, max(budget, 1))
    facts = _facts(session, {shape.org_id for shape in kept}, on)

    def build(shape: _Shape) -> TreeNode:
        drawn = [child for child in shape.children if child in kept]
        return facts[shape.org_id].model_copy(
            update={
                "edge": _edge_info(shape.edge),
                "cycle": shape.cycle,
                "repeat": shape.repeat,
                "child_count": len(children.get(shape.org_id, [])),
                "truncated": len(drawn) < len(shape.children),
                "children": [build(child) for child in drawn],
            }
        )

    return [build(shape) for shape in shapes if shape in kept]


def _edge_info(edge: SubletEdge | None) -> EdgeInfo | None:
    if edge is None:
        return None
    return EdgeInfo(
        id=edge.id, ip_range=edge.ip_range, evidence=edge.evidence, valid_from=edge.valid_from
    )


def _shapes(
    children: dict[int, list[SubletEdge]], roots: list[int], *, every: bool
) -> list[_Shape]:
    """The whole forest from ``roots`` (and, if ``every``, from the parts that only loop)."""
    shown: set[int] = set()

    def walk(org_id: int, edge: SubletEdge | None, path: tuple[int, ...]) -> _Shape:
        if org_id in path:
            return _Shape(org_id, edge, cycle=True)
        if org_id in shown or len(path) >= MAX_DEPTH:
            return _Shape(org_id, edge, repeat=True)
        shown.add(org_id)
        kids = [walk(e.child_org_id, e, (*path, org_id)) for e in children.get(org_id, [])]
        return _Shape(org_id, edge, children=kids)

    trees = [walk(root, None, ()) for root in roots]
    if every:  # parts that only loop have no root: start at their smallest id
        for org_id in sorted(children):
            if org_id not in shown:
                trees.append(walk(org_id, None, ()))
    return trees


def _size(shapes: list[_Shape]) -> int:
    """How many nodes the forest has."""
    count, stack = 0, list(shapes)
    while stack:
        shape = stack.pop()
        count += 1
        stack.extend(shape.children)
    return count


def _within(shapes: list[_Shape], budget: int) -> set[_Shape]:
    """The first ``budget`` nodes level by level: the top of every chain before its depths."""
    kept: set[_Shape] = set()
    queue = deque(shapes)
    while queue and len(kept) < budget:
        shape = queue.popleft()
        kept.add(shape)
        queue.extend(shape.children)
    return kept


def _collapsed(
    session: Session, shapes: list[_Shape], children: dict[int, list[SubletEdge]], on: dt.date
) -> list[TreeNode]:
    """The roots alone, each with its counts, for a forest over the budget."""
    facts = _facts(session, {shape.org_id for shape in shapes}, on)
    return [
        facts[shape.org_id].model_copy(
            update={
                "child_count": len(children.get(shape.org_id, [])),
                "collapsed": bool(shape.children),
            }
        )
        for shape in shapes
    ]


def _roots(actor: Actor, edges: list[SubletEdge], root_org_id: int | None) -> list[int]:
    if root_org_id is not None:
        return [root_org_id]
    let_to = {e.child_org_id for e in edges}
    roots = sorted({e.parent_org_id for e in edges} - let_to)
    roots_set = set(roots)
    own = actor.org_id  # an organisation that lets nothing still sees itself (not regulators)
    if own is not None and actor.read_reach == "subtree" and own not in roots_set | let_to:
        roots.insert(0, own)
    return roots


def _facts(session: Session, org_ids: set[int], on: dt.date) -> dict[int, TreeNode]:
    """A childless node for each of ``org_ids``: name, kind, licence, sites, open findings."""
    ids = sorted(org_ids)
    facts: dict[int, TreeNode] = {}
    for start in range(0, len(ids), CHUNK):
        facts.update(_facts_of(session, ids[start : start + CHUNK], on))
    return facts


def _facts_of(session: Session, ids: list[int], on: dt.date) -> dict[int, TreeNode]:
    licensed = set(
        session.scalars(
            select(OperatorLicence.org_id)
            .where(OperatorLicence.org_id.in_(ids), _licence_holds(on))
            .distinct()
        )
    )
    sites = pairs(
        session.execute(
            select(Connection.provider_org_id, func.count(func.distinct(Connection.domain_id)))
            .where(Connection.provider_org_id.in_(ids), holds_on(on))
            .group_by(Connection.provider_org_id)
        )
    )
    findings: dict[int | None, int] = pairs(
        session.execute(
            select(Finding.addressee_org_id, func.count())
            .where(Finding.addressee_org_id.in_(ids), Finding.state.in_(OPEN_STATES))
            .group_by(Finding.addressee_org_id)
        )
    )
    orgs = session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind, Organisation.province).where(
            Organisation.id.in_(ids)
        )
    )
    return {
        row.id: TreeNode(
            org_id=row.id,
            name=row.name,
            kind=row.kind,
            province=row.province,
            licensed=row.id in licensed,
            sites=sites.get(row.id, 0),
            open_findings=findings.get(row.id, 0),
            edge=None,
        )
        for row in orgs
    }


def flatten(trees: list[TreeNode]) -> list[tuple[int, TreeNode]]:
    """Every node with its depth, in drawing order (for tables and tests)."""
    out: list[tuple[int, TreeNode]] = []

    def visit(node: TreeNode, depth: int) -> None:
        out.append((depth, node))
        for child in node.children:
            visit(child, depth + 1)

    for tree in trees:
        visit(tree, 0)
    return out


__all__ = ["NODE_BUDGET", "EdgeInfo", "TreeNode", "flatten", "sublet_tree"]

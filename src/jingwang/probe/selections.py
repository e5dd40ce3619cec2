"""Registry selections: which URLs a campaign probes, each with the label of what chose it.

A selection is a small dict stored with the campaign (``probe_campaigns.selection``), so a
scheduled campaign can be read again later. Its ``kind`` is one of:

* ``list``: the URLs given with the campaign (``urls=``), nothing from the registry;
* ``provider_sites``: every domain an access provider (``org_id``) connects on the date; with
  ``"sublets": true`` also those of every organisation below it and every one it lets
  addresses to, along the sublet chain;
* ``channels`` / ``sp_services``: the landing URLs of the promotion channels / SP services that
  hold on the date (optionally of one carrier, ``carrier_org_id``);
* ``unfiled_sites``: domains connected on the date that no active filing lists (optionally of
  one provider's subtree, ``org_id``);
* ``findings``: the domains named by open findings of a rule (``rule``).

A domain becomes ``http://DOMAIN/`` (WAP sites of the time answer on http; a probe follows a
redirect to https). ``on`` (ISO date) picks the date; the default is today. The actor selects
only within its read reach: connections of providers it reaches, channels and services by
carrier or counterpart it reaches, findings it may read; the reporting centre reaches all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, deny, visible_org_ids
from jingwang.errors import InvalidInput
from jingwang.registry.compliance import filed_on, subtree_ids
from jingwang.registry.findings import OPEN_STATES, finding_scope
from jingwang.registry.history import holds_on
from jingwang.registry.models import (
    Connection,
    Domain,
    Finding,
    Landing,
    PromotionChannel,
    SpService,
    SubletEdge,
)

PERMISSION: Final = "probe:run"
KINDS: Final = ("list", "provider_sites", "channels", "sp_services", "unfiled_sites", "findings")


@dataclass(frozen=True)
class SelectedURL:
    url: str
    source: str  # what chose it: "site:南粤资讯", "channel:GD-TG-0815", "finding:12" …


def check_selection(selection: Mapping[str, Any]) -> dict[str, Any]:
    """The selection, checked: a known kind and the fields it needs (``InvalidInput`` if not)."""
    kind = selection.get("kind")
    if kind not in KINDS:
        raise InvalidInput(
            f"unknown selection kind {kind!r}: use one of {', '.join(KINDS)}",
            field="selection.kind",
        )
    if kind == "provider_sites" and not isinstance(selection.get("org_id"), int):
        raise InvalidInput(
            "a provider_sites selection needs org_id: the access provider's organisation id",
            field="selection.org_id",
        )
    if kind == "findings" and not isinstance(selection.get("rule"), str):
        raise InvalidInput(
            "a findings selection needs rule: an audit rule name (`jingwang registry rules`)",
            field="selection.rule",
        )
    _date(selection)
    return dict(selection)


def _date(selection: Mapping[str, Any]) -> dt.date:
    raw = selection.get("on")
    if raw is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput(
            f"selection date {raw!r} is not an ISO date (YYYY-MM-DD)", field="selection.on"
        ) from None


def domain_url(domain: str) -> str:
    return f"http://{domain}/"


def select_urls(
    session: Session, actor: Actor, selection: Mapping[str, Any]
) -> Iterator[SelectedURL]:
    """The URLs ``selection`` names within ``actor``'s reach, in a stable order."""
    spec = check_selection(selection)
    on = _date(spec)
    kind = spec["kind"]
    if kind == "list":
        return iter(())
    if kind == "provider_sites":
        return _provider_sites(session, actor, spec["org_id"], bool(spec.get("sublets")), on)
    if kind in ("channels", "sp_services"):
        return _landings(session, actor, kind, spec.get("carrier_org_id"), on)
    if kind == "unfiled_sites":
        return _unfiled(session, actor, spec.get("org_id"), on)
    return _findings(session, actor, spec["rule"])


def _reach(session: Session, actor: Actor) -> frozenset[int]:
    return visible_org_ids(session, actor, "read")


def _need(actor: Actor, org_id: int, reach: frozenset[int]) -> None:
    if org_id not in reach:
        raise deny(actor, PERMISSION, "out_of_scope")


def sublet_tree(session: Session, org_id: int, on: dt.date) -> set[int]:
    """``org_id``, the organisations below it, and those it lets to, along the chain."""
    below = select(Organisation.id).where(Organisation.id.in_(subtree_ids(org_id)))
    found = {org_id} | set(session.scalars(below))
    edges: dict[int, set[int]] = {}
    rows = session.execute(
        select(SubletEdge.parent_org_id, SubletEdge.child_org_id).where(
            SubletEdge.valid_from <= on,
            or_(SubletEdge.valid_to.is_(None), SubletEdge.valid_to > on),
        )
    )
    for parent, child in rows:
        edges.setdefault(parent, set()).add(child)
    todo = list(found)
    while todo:
        for child in edges.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _connected(
    session: Session, where: list[ColumnElement[bool]], label: str
) -> Iterator[SelectedURL]:
    query = (
        select(Domain.name, Connection.provider_org_id)
        .join(Domain, Domain.id == Connection.domain_id)
        .where(*where)
        .distinct()
        .order_by(Domain.name)
    )
    seen: set[str] = set()
    for name, provider in session.execute(query):
        if name not in seen:
            seen.add(name)
            yield SelectedURL(domain_url(name), f"{label}:{provider}")


def _provider_sites(
    session: Session, actor: Actor, org_id: int, sublets: bool, on: dt.date
) -> Iterator[SelectedURL]:
    reach = _reach(session, actor)
    _need(actor, org_id, reach)
    orgs = (sublet_tree(session, org_id, on) if sublets else {org_id}) & reach
    where = [holds_on(on), Connection.provider_org_id.in_(sorted(orgs))]
    return _connected(session, where, "provider")


def _unfiled(
    session: Session, actor: Actor, org_id: int | None, on: dt.date
) -> Iterator[SelectedURL]:
    reach = _reach(session, actor)
    where = [holds_on(on), ~filed_on(on), Connection.provider_org_id.in_(sorted(reach))]
    if org_id is not None:
        _need(actor, org_id, reach)
        where.append(Connection.provider_org_id.in_(subtree_ids(org_id)))
    return _connected(session, where, "unfiled")


def _landings(
    session: Session, actor: Actor, kind: str, carrier: int | None, on: dt.date
) -> Iterator[SelectedURL]:
    model: type[PromotionChannel] | type[SpService]
    if kind == "channels":
        model, owner, counterpart = PromotionChannel, "channel", PromotionChannel.partner_org_id
    else:
        model, owner, counterpart = SpService, "sp_service", SpService.sp_org_id
    reach = sorted(_reach(session, actor))
    where = [
        model.valid_from <= on,
        or_(model.valid_to.is_(None), model.valid_to > on),
        or_(model.carrier_org_id.in_(reach), counterpart.in_(reach)),
    ]
    if carrier is not None:
        where.append(model.carrier_org_id == carrier)
    query = (
        select(Landing.url, model.code)
        .join(model, model.id == Landing.owner_id)
        .where(Landing.owner_kind == owner, *where)
        .order_by(Landing.url, model.code)
    )
    seen: set[str] = set()
    for url, code in session.execute(query):
        if url not in seen:
            seen.add(url)
            yield SelectedURL(url, f"{owner}:{code}")


def _findings(session: Session, actor: Actor, rule: str) -> Iterator[SelectedURL]:
    query = (
        select(Domain.name, Finding.id)
        .join(Domain, Domain.id == Finding.domain_id)
        .where(finding_scope(session, actor), Finding.rule == rule)
        .where(Finding.state.in_(OPEN_STATES))
        .order_by(Domain.name, Finding.id)
    )
    seen: set[str] = set()
    for name, finding_id in session.execute(query):
        if name not in seen:
            seen.add(name)
            yield SelectedURL(domain_url(name), f"finding:{finding_id}")


__all__ = [
    "KINDS",
    "SelectedURL",
    "check_selection",
    "domain_url",
    "select_urls",
    "sublet_tree",
]

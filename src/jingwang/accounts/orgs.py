"""Organisations: create, change, read and list them within the actor's reach.

The hierarchy keeps three rules, so that moving things around cannot widen anyone's reach:

* a child's kind is one its parent's kind allows below it (``org_kinds.child_kinds``);
* a child sits in its parent's province, unless the parent is national (``CN``);
* no organisation is its own ancestor.

Only an actor with global write reach (the reporting centre, the system) creates
organisations at the top or changes an organisation's kind or province.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts import events
from jingwang.accounts.catalog import NATIONAL
from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.errors import (
    AccountNotFound,
    AccountStateConflict,
    InvalidAccountData,
    NameTaken,
    OrgHierarchyError,
)
from jingwang.accounts.fields import check_email, check_name, check_province, check_webhook_url
from jingwang.accounts.models import Organisation, OrgKind
from jingwang.accounts.policy import (
    Actor,
    authorize,
    deny,
    has_global_reach,
    load_org_scope,
    scope_filter,
)
from jingwang.accounts.schemas import OrgCreate, OrgUpdate
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit


@dataclass(frozen=True)
class OrgTreeRow:
    """One line of the organisation tree: the organisation and how deep it sits."""

    org: Organisation
    depth: int


def get_org(session: Session, actor: Actor, org_id: int) -> Organisation:
    authorize(actor, "orgs:read", load_org_scope(session, org_id))
    org = session.get(Organisation, org_id)
    assert org is not None  # load_org_scope found it
    return org


def find_org(session: Session, ref: str) -> Organisation:
    """An organisation by id (digits) or exact name; for the command line."""
    ref = ref.strip()
    query = select(Organisation).where(
        Organisation.id == int(ref) if ref.isdigit() else Organisation.name == ref
    )
    org = session.scalars(query).first()
    if org is None:
        raise AccountNotFound(f"no organisation is called {ref!r}", org=ref)
    return org


def list_orgs(session: Session, actor: Actor) -> list[Organisation]:
    """Every organisation the actor may see, by name."""
    authorize(actor, "orgs:read")
    query = select(Organisation).where(scope_filter(session, actor, Organisation.id))
    return list(session.scalars(query.order_by(Organisation.name)))


def org_tree(orgs: list[Organisation]) -> list[OrgTreeRow]:
    """``orgs`` in tree order; one whose parent is not among them is shown at the top."""
    ids = {org.id for org in orgs}
    children: dict[int | None, list[Organisation]] = {}
    for org in orgs:
        parent = org.parent_id if org.parent_id in ids else None
        children.setdefault(parent, []).append(org)
    rows: list[OrgTreeRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for org in sorted(children.get(parent, []), key=lambda o: o.name):
            rows.append(OrgTreeRow(org, depth))
            walk(org.id, depth + 1)

    walk(None, 0)
    return rows


def org_kinds(session: Session) -> list[OrgKind]:
    return list(session.scalars(select(OrgKind).order_by(OrgKind.position, OrgKind.name)))


def create_org(
    session: Session, actor: Actor, data: OrgCreate, config: AccountsConfig
) -> Organisation:
    if data.parent_id is None:
        authorize(actor, "orgs:manage")
        if not has_global_reach(actor, "write"):
            raise deny(actor, "orgs:manage", "out_of_scope")
    else:
        authorize(actor, "orgs:manage", load_org_scope(session, data.parent_id))
    org = Organisation(
        name=_unique_name(session, data.name),
        kind=_kind(session, data.kind).name,
        province=check_province(data.province),
        contact_email=check_email(data.contact_email, "contact_email"),
        webhook_url=check_webhook_url(data.webhook_url, https_only=config.https_webhooks_only),
        parent_id=data.parent_id,
        active=True,
    )
    _check_parent(session, org, data.parent_id)
    session.add(org)
    session.flush()
    emit(
        session,
        events.OrgCreated(
            object_id=str(org.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            org_name=org.name,
            kind=org.kind,
            province=org.province,
            parent_id=org.parent_id,
        ),
    )
    return org


def update_org(
    session: Session, actor: Actor, org_id: int, data: OrgUpdate, config: AccountsConfig
) -> Organisation:
    authorize(actor, "orgs:manage", load_org_scope(session, org_id))
    org = session.get(Organisation, org_id)
    assert org is not None
    wanted = _wanted_changes(session, org, data, config)
    if ("kind" in wanted or "province" in wanted) and not has_global_reach(actor, "write"):
        raise deny(actor, "orgs:manage", "out_of_scope", load_org_scope(session, org_id))
    if "parent_id" in wanted:
        _authorize_new_parent(session, actor, wanted["parent_id"])
    if wanted.get("active") is False and org.id == actor.org_id:
        raise AccountStateConflict(
            "you cannot deactivate your own organisation; ask the one above it", org_id=org.id
        )
    changes = {field: [getattr(org, field), value] for field, value in wanted.items()}
    for field, value in wanted.items():
        setattr(org, field, value)
    _check_parent(session, org, org.parent_id)
    for child in session.scalars(select(Organisation).where(Organisation.parent_id == org.id)):
        _check_parent(session, child, org.id)
    if changes:
        org.updated_at = utcnow()
        session.flush()
        emit(
            session,
            events.OrgUpdated(
                object_id=str(org.id),
                actor=actor.event_actor(),
                request_id=actor.request_id,
                changes=changes,
            ),
        )
    return org


def _wanted_changes(
    session: Session, org: Organisation, data: OrgUpdate, config: AccountsConfig
) -> dict[str, Any]:
    given = data.model_dump(exclude_unset=True)
    checked: dict[str, Any] = {}
    if given.get("name") is not None and check_name(given["name"]) != org.name:
        checked["name"] = _unique_name(session, given["name"])
    if given.get("kind") is not None:
        checked["kind"] = _kind(session, given["kind"]).name
    if given.get("province") is not None:
        checked["province"] = check_province(given["province"])
    if "contact_email" in given:
        checked["contact_email"] = check_email(given["contact_email"], "contact_email")
    if "webhook_url" in given:
        https_only = config.https_webhooks_only
        checked["webhook_url"] = check_webhook_url(given["webhook_url"], https_only=https_only)
    if "parent_id" in given:
        checked["parent_id"] = given["parent_id"]
    if given.get("active") is not None:
        checked["active"] = given["active"]
    return {field: value for field, value in checked.items() if getattr(org, field) != value}


def _authorize_new_parent(session: Session, actor: Actor, parent_id: int | None) -> None:
    if parent_id is None:
        if not has_global_reach(actor, "write"):
            raise deny(actor, "orgs:manage", "out_of_scope")
        return
    authorize(actor, "orgs:manage", load_org_scope(session, parent_id))


def _unique_name(session: Session, raw: str) -> str:
    name = check_name(raw)
    if session.scalar(select(Organisation.id).where(Organisation.name == name)) is not None:
        raise NameTaken(f"an organisation named {name!r} exists already", field="name")
    return name


def _kind(session: Session, name: str) -> OrgKind:
    kind = session.get(OrgKind, name.strip())
    if kind is None:
        known = ", ".join(k.name for k in org_kinds(session))
        raise InvalidAccountData(
            f"unknown organisation kind {name!r}: use one of {known}", field="kind"
        )
    return kind


def _check_parent(session: Session, org: Organisation, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = session.get(Organisation, parent_id)
    if parent is None:
        raise AccountNotFound(f"no organisation has id {parent_id}", field="parent_id")
    if org.id is not None and (
        parent.id == org.id or org.id in load_org_scope(session, parent.id).ancestors
    ):
        raise OrgHierarchyError(
            f"{org.name!r} cannot sit below {parent.name!r}: that would make a cycle",
            field="parent_id",
        )
    parent_kind = session.get(OrgKind, parent.kind)
    if parent_kind is None or org.kind not in parent_kind.child_kinds:
        allowed = ", ".join(parent_kind.child_kinds if parent_kind else [])
        raise OrgHierarchyError(
            f"a {parent.kind} may only have these kinds below it: {allowed}", field="kind"
        )
    if parent.province != NATIONAL and org.province != parent.province:
        raise OrgHierarchyError(
            f"{org.name!r} must be in its parent's province {parent.province}",
            field="province",
        )


__all__ = [
    "OrgTreeRow",
    "create_org",
    "find_org",
    "get_org",
    "list_orgs",
    "org_kinds",
    "org_tree",
    "update_org",
]

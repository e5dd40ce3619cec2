"""The one permission policy: who may do what, to which organisation's things.

Every service takes an :class:`Actor` and calls :func:`authorize` before it reads or changes
anything that belongs to an organisation. The decision has two parts:

1. **Permission**: the actor holds it. A user holds what their roles grant *and* their
   organisation's kind allows; an API token holds its scopes (within the same ceiling). A token
   asked for more than its scopes is refused with :class:`ScopeExceeded`.
2. **Reach**: the target organisation is within the actor's reach for that permission's access
   (``read`` or ``write``, data in the ``permissions`` table). Everyone reaches their own
   organisation and every organisation below it (an access provider reaches the resellers
   below it), never a sibling, a parent or another provider's tree. Beyond that the kind
   decides: ``province`` reach (regulators, for reading) covers every organisation in the
   actor's province, and all of them from the national office (province ``CN``); ``global``
   reach (the reporting centre, which runs the installation) covers everything.

Some data belongs to no organisation but to the regulators: the ICP filing register. Managing
it (:func:`authorize_regulated`) needs the permission *and* global reach (the reporting centre)
or a regulator's organisation; a provincial regulator reaches its own province's part of it, the
national office all of it (:func:`reaches_regulated`).

The public has no permissions at all; the system actor (migrations, the worker, the CLI run
by the machine's operator) may do everything. Lists are filtered with
:func:`visible_org_ids` / :func:`scope_filter`, so no list leaks what :func:`authorize` would
refuse one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from jingwang.accounts import events
from jingwang.accounts.catalog import NATIONAL, Access, Reach
from jingwang.accounts.errors import AccessDenied, AccountNotFound, ScopeExceeded
from jingwang.accounts.models import Organisation
from jingwang.core.events import EventActor

REGULATOR: Final = "regulator"  # the organisation kind that owns the ICP filing register


class ActorType(StrEnum):
    USER = "user"
    API_TOKEN = "api_token"  # noqa: S105 - a name, not a secret
    PUBLIC = "public"
    SYSTEM = "system"


@dataclass(frozen=True)
class OrgScope:
    """Where an organisation sits: what reach decisions need to know about a target."""

    id: int
    kind: str
    province: str
    ancestors: tuple[int, ...] = ()  # parent first, up to the top


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which organisation, with which permissions."""

    type: ActorType
    name: str  # user name, token name, "public" or "system"
    id: int | None = None  # user id or token id
    org: OrgScope | None = None
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()  # those of ``permissions`` whose access is write
    read_reach: Reach = "subtree"
    write_reach: Reach = "subtree"
    request_id: str | None = None
    session_id: int | None = None  # the web session a user acts through
    via: str = ""  # the event actor type of a system actor: "system" or "cli"

    @classmethod
    def public(cls, request_id: str | None = None) -> Actor:
        return cls(ActorType.PUBLIC, "public", request_id=request_id)

    @classmethod
    def system(cls, name: str = "system", *, via: str = "system") -> Actor:
        return cls(ActorType.SYSTEM, name, via=via)

    @property
    def org_id(self) -> int | None:
        return self.org.id if self.org else None

    @property
    def is_authenticated(self) -> bool:
        return self.type in (ActorType.USER, ActorType.API_TOKEN)

    def with_request(self, request_id: str | None) -> Actor:
        return replace(self, request_id=request_id)

    def can(self, permission: str) -> bool:
        return self.type is ActorType.SYSTEM or permission in self.permissions

    def event_actor(self) -> EventActor:
        org_id = str(self.org.id) if self.org else None
        if self.type is ActorType.USER:
            return EventActor(type="user", id=self.name, org_id=org_id)
        if self.type is ActorType.API_TOKEN:
            return EventActor(type="api_token", id=str(self.id), org_id=org_id)
        if self.type is ActorType.SYSTEM:
            return EventActor(type=self.via or "system", id=self.name)
        return EventActor(type="public")


def reaches(actor: Actor, target: OrgScope, access: Access) -> bool:
    """Whether ``target`` is within ``actor``'s reach for ``access``."""
    if actor.type is ActorType.SYSTEM:
        return True
    if actor.org is None:
        return False
    if target.id == actor.org.id or actor.org.id in target.ancestors:
        return True
    reach = actor.write_reach if access == "write" else actor.read_reach
    if reach == "global":
        return True
    if reach == "province":
        return actor.org.province == NATIONAL or target.province == actor.org.province
    return False


def has_global_reach(actor: Actor, access: Access) -> bool:
    if actor.type is ActorType.SYSTEM:
        return True
    reach = actor.write_reach if access == "write" else actor.read_reach
    return actor.org is not None and reach == "global"


def access_of(actor: Actor, permission: str) -> Access:
    return "write" if permission in actor.writes else "read"


def authorize(actor: Actor, permission: str, target_org: OrgScope | None = None) -> None:
    """Return when ``actor`` may use ``permission`` (on ``target_org``); else raise.

    Raises :class:`ScopeExceeded` for an API token asked beyond its scopes, and
    :class:`AccessDenied` otherwise; both carry the permission, the reason and the event
    that records the refusal.
    """
    if actor.type is ActorType.SYSTEM:
        return
    if permission not in actor.permissions:
        if actor.type is ActorType.API_TOKEN:
            raise deny(actor, permission, "beyond_scope", target_org, ScopeExceeded)
        raise deny(actor, permission, "permission", target_org)
    if target_org is not None and not reaches(actor, target_org, access_of(actor, permission)):
        raise deny(actor, permission, "out_of_scope", target_org)


def reaches_regulated(actor: Actor, province: str | None, access: Access = "write") -> bool:
    """Whether regulator data of ``province`` (``None``: national) is within ``actor``'s reach.

    Global reach covers all of it; a regulator covers its province, the national office
    (province ``CN``) every province and the national data. Other organisations none.
    """
    if has_global_reach(actor, access):
        return True
    if actor.org is None or actor.org.kind != REGULATOR:
        return False
    return actor.org.province in (NATIONAL, province)


def authorize_regulated(actor: Actor, permission: str) -> None:
    """Return when ``actor`` may use ``permission`` on regulator data at all; else raise."""
    authorize(actor, permission)
    if has_global_reach(actor, access_of(actor, permission)):
        return
    if actor.org is None or actor.org.kind != REGULATOR:
        raise deny(actor, permission, "not_regulator")


def deny(
    actor: Actor,
    permission: str,
    reason: str,
    target_org: OrgScope | None = None,
    error: type[AccessDenied] = AccessDenied,
) -> AccessDenied:
    """The refusal of ``permission`` to ``actor``, with its audit event."""
    messages = {
        "beyond_scope": f"this API token's scopes do not include {permission!r}",
        "permission": f"you do not have the permission {permission!r}",
        "out_of_scope": f"{permission!r} does not reach that organisation from yours",
        "not_regulator": f"{permission!r} on regulator data needs a regulator or global reach",
    }
    target_id = target_org.id if target_org else None
    event = events.AccessDenied(
        object_id=permission,
        actor=actor.event_actor(),
        request_id=actor.request_id,
        permission=permission,
        reason=reason,
        target_org_id=target_id,
    )
    message = messages.get(reason, f"{permission!r} refused: {reason}")
    return error(message, event=event, permission=permission, reason=reason, org_id=target_id)


# Query helpers ---------------------------------------------------------------------------


def load_org_scope(session: Session, org_id: int) -> OrgScope:
    """The :class:`OrgScope` of organisation ``org_id`` (its ancestors walked up)."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise AccountNotFound(f"no organisation has id {org_id}", org_id=org_id)
    ancestors: list[int] = []
    parent_id = org.parent_id
    while parent_id is not None and parent_id not in ancestors:
        ancestors.append(parent_id)
        parent_id = session.scalar(
            select(Organisation.parent_id).where(Organisation.id == parent_id)
        )
    return OrgScope(org.id, org.kind, org.province, tuple(ancestors))


def visible_org_ids(session: Session, actor: Actor, access: Access = "read") -> frozenset[int]:
    """The ids of every organisation within ``actor``'s reach for ``access``."""
    rows = session.execute(select(Organisation.id, Organisation.parent_id, Organisation.province))
    orgs = {row.id: (row.parent_id, row.province) for row in rows}
    if has_global_reach(actor, access):
        return frozenset(orgs)
    if actor.org is None:
        return frozenset()
    reach = actor.write_reach if access == "write" else actor.read_reach
    visible = _subtree(orgs, actor.org.id)
    if reach == "province":
        national = actor.org.province == NATIONAL
        visible |= {i for i, (_, prov) in orgs.items() if national or prov == actor.org.province}
    return frozenset(visible)


def scope_filter(
    session: Session,
    actor: Actor,
    column: InstrumentedAttribute[int],
    access: Access = "read",
) -> ColumnElement[bool]:
    """A WHERE clause keeping rows whose organisation ``column`` is within reach."""
    if has_global_reach(actor, access):
        return true()
    return column.in_(sorted(visible_org_ids(session, actor, access)))


def _subtree(orgs: dict[int, tuple[int | None, str]], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for org_id, (parent_id, _) in orgs.items():
        if parent_id is not None:
            children.setdefault(parent_id, []).append(org_id)
    found, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


__all__ = [
    "REGULATOR",
    "Actor",
    "ActorType",
    "OrgScope",
    "access_of",
    "authorize",
    "authorize_regulated",
    "deny",
    "has_global_reach",
    "load_org_scope",
    "reaches",
    "reaches_regulated",
    "scope_filter",
    "visible_org_ids",
]

"""Organisations, users, roles, sessions, API tokens, and the one permission policy.

Public surface (each name documented where it lives):

* the policy: :class:`Actor`, :class:`ActorType`, :class:`OrgScope`, :func:`authorize`,
  :func:`visible_org_ids`, :func:`scope_filter`, :func:`load_org_scope`;
* services, each taking a session and an actor: ``create_org`` / ``update_org`` /
  ``get_org`` / ``list_orgs``, ``create_user`` / ``update_user`` / ``reset_password`` /
  ``reset_totp`` / ``revoke_user_sessions``, self-service in :mod:`.profile`, API tokens in
  :mod:`.tokens`, logging in (:mod:`.login`, which takes the database) and web sessions
  (:mod:`.sessions`);
* set-up: :func:`seed_defaults`, :func:`create_admin`, :func:`seed_demo_accounts`;
* configuration: :class:`AccountsConfig`.

The default catalog of organisation kinds, roles and permissions is in :mod:`.catalog`.
"""

from jingwang.accounts.actors import actor_for_token, actor_for_user
from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.demo import DEMO_PASSWORD, DemoLogin, seed_demo_accounts
from jingwang.accounts.orgs import create_org, get_org, list_orgs, org_tree, update_org
from jingwang.accounts.policy import (
    Actor,
    ActorType,
    OrgScope,
    authorize,
    load_org_scope,
    scope_filter,
    visible_org_ids,
)
from jingwang.accounts.seed import AdminCreated, create_admin, seed_defaults
from jingwang.accounts.users import (
    create_user,
    find_user,
    get_user,
    list_users,
    reset_password,
    reset_totp,
    revoke_user_sessions,
    update_user,
)

__all__ = [
    "DEMO_PASSWORD",
    "AccountsConfig",
    "Actor",
    "ActorType",
    "AdminCreated",
    "DemoLogin",
    "OrgScope",
    "actor_for_token",
    "actor_for_user",
    "authorize",
    "create_admin",
    "create_org",
    "create_user",
    "find_user",
    "get_org",
    "get_user",
    "list_orgs",
    "list_users",
    "load_org_scope",
    "org_tree",
    "reset_password",
    "reset_totp",
    "revoke_user_sessions",
    "scope_filter",
    "seed_defaults",
    "seed_demo_accounts",
    "update_org",
    "update_user",
    "visible_org_ids",
]

"""Helpers for the campaign tests: an owning organisation, campaigns, the demo registry, actors.

Imported as ``campaignkit`` from ``tests/probe``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts import Actor
from jingwang.accounts.actors import actor_for_user
from jingwang.accounts.demo import seed_demo_accounts
from jingwang.accounts.models import Organisation, User
from jingwang.demo.registry import seed_demo_registry
from jingwang.probe.campaigns import create_campaign
from jingwang.probe.models import Campaign

T0 = dt.datetime(2010, 1, 15, 8, 0, tzinfo=dt.UTC)
SYSTEM = Actor.system("test")


def owner_org(session: Session) -> int:
    """The id of an organisation that owns test campaigns (made once per test database)."""
    from accounts.accountkit import make_org

    found = session.scalars(select(Organisation).where(Organisation.name == "Probe Owner")).first()
    return (found or make_org(session, "Probe Owner", "reporting_centre", "CN")).id


def list_campaign(
    session: Session,
    urls: Sequence[str],
    *,
    name: str = "test campaign",
    interval_hours: int | None = None,
    discovery: bool = False,
    start: bool = False,
    now: dt.datetime | None = None,
) -> Campaign:
    campaign, _ = create_campaign(
        session,
        SYSTEM,
        name=name,
        profile="android",
        selection={"kind": "list"},
        urls=urls,
        discovery=discovery,
        interval_hours=interval_hours,
        org_id=owner_org(session),
        start=start,
        now=now,
    )
    return campaign


def demo_world(session: Session) -> None:
    """The demo organisations, users and registry."""
    seed_demo_accounts(session)
    seed_demo_registry(session)


def demo_actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return actor_for_user(session, user)


def org_id(session: Session, name: str) -> int:
    return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()

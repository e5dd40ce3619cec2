"""Helpers for decision tests: who acts. Imported as ``decisionkit`` from ``tests/decisions``
and as ``decisions.decisionkit`` from other test folders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from accounts.accountkit import make_org, make_user
from jingwang.accounts import Actor
from jingwang.accounts.actors import actor_for_user
from jingwang.accounts.models import Organisation


@dataclass(frozen=True)
class People:
    reviewer: Actor  # a reviewer at the reporting centre: may decide
    viewer: Actor  # a viewer at the reporting centre: cases:read only
    carrier: Actor  # a reviewer at a carrier: cases:review, but neither global nor a regulator
    provider: Actor  # a liaison at an access provider: no cases permission at all


def make_people(session: Session) -> People:
    centre = make_org(session, "Reporting Centre", "reporting_centre", "CN")
    carrier = make_org(session, "Huaxia Mobile", "carrier", "CN")
    ap = make_org(session, "Fast Access", "access_provider", "GD")

    def actor(org: Organisation, username: str, role: str) -> Actor:
        return actor_for_user(session, make_user(session, org, username, [role]))

    return People(
        actor(centre, "centre-reviewer", "reviewer"),
        actor(centre, "centre-viewer", "viewer"),
        actor(carrier, "carrier-reviewer", "reviewer"),
        actor(ap, "ap-liaison", "liaison"),
    )

"""Helpers for registry tests: organisations in a line, their actors, CSV files, imports.

Imported as ``registrykit`` from ``tests/registry``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.accountkit import make_org, make_user
from jingwang.accounts import Actor
from jingwang.accounts.actors import actor_for_user
from jingwang.accounts.models import Organisation
from jingwang.registry import ImportMode, ImportOptions, ImportReport, import_csv
from jingwang.registry.models import Connection, IcpFiling, SubletEdge

HEADER = "provider,domain,site,ip_range,server,contract_ref,valid_from"
FILING_HEADER = "number,kind,holder,holder_type,province,status,domains,valid_from"
SUBLET_HEADER = "parent,child,ip_range,evidence,valid_from"


@dataclass(frozen=True)
class World:
    """An access provider with a reseller below it, and a second access provider."""

    session: Session
    ap_id: int
    reseller_id: int
    other_id: int
    ap: Actor  # a liaison of the access provider (registry:manage)
    reseller: Actor
    other: Actor
    viewer: Actor  # a viewer at the access provider (registry:read only)
    centre: Actor  # an analyst at the reporting centre (global reach)
    national: Actor  # an analyst at the national regulator (province CN)
    gd_regulator: Actor  # an analyst at the Guangdong regulator, below the national one


def _actor(session: Session, org: Organisation, username: str, role: str) -> Actor:
    return actor_for_user(session, make_user(session, org, username, [role]))


def make_world(session: Session) -> World:
    ap = make_org(session, "Fast Access", "access_provider", "GD")
    reseller = make_org(session, "Reseller One", "reseller", "GD", parent=ap)
    other = make_org(session, "Other Access", "access_provider", "BJ")
    centre = make_org(session, "Reporting Centre", "reporting_centre", "CN")
    miit = make_org(session, "National Regulator", "regulator", "CN")
    gd = make_org(session, "GD Regulator", "regulator", "GD", parent=miit)
    return World(
        session,
        ap.id,
        reseller.id,
        other.id,
        _actor(session, ap, "ap-liaison", "liaison"),
        _actor(session, reseller, "r1-liaison", "liaison"),
        _actor(session, other, "other-liaison", "liaison"),
        _actor(session, ap, "ap-viewer", "viewer"),
        _actor(session, centre, "centre-analyst", "analyst"),
        _actor(session, miit, "miit-analyst", "analyst"),
        _actor(session, gd, "gd-analyst", "analyst"),
    )


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode(encoding)


def run_import(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    mode: ImportMode = ImportMode.DELTA,
    as_of: str | None = None,
    good_rows: bool = False,
    mapping: dict[str, str] | None = None,
    org_id: int | None = None,
    kind: str = "connection",
) -> ImportReport:
    options = ImportOptions(
        kind,
        mode=mode,
        as_of=day(as_of) if as_of else None,
        good_rows=good_rows,
        mapping=mapping,
        org_id=org_id,
        file_name="test.csv",
    )
    return import_csv(session, actor, data, options)


def connection_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Connection)) or 0


def filing_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(IcpFiling)) or 0


def sublet_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SubletEdge)) or 0

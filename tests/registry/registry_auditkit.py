"""Helpers for audit tests: registry facts written directly, and reading findings back.

Imported as ``auditkit`` from ``tests/registry``. Dates default to 2010-01-01 and audits run on
:data:`ON` unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.accountkit import make_org
from jingwang.accounts import Actor
from jingwang.accounts.models import Organisation
from jingwang.decisions.models import Decision
from jingwang.registry.audits import run_audit
from jingwang.registry.cells import ip_bounds
from jingwang.registry.ledger import DomainBook
from jingwang.registry.models import (
    AuditRun,
    Connection,
    DomainSite,
    Finding,
    IcpFiledDomain,
    IcpFiling,
    Landing,
    OperatorLicence,
    PromotionChannel,
    Site,
    SpService,
    SubletEdge,
)

START = dt.date(2010, 1, 1)
ON = dt.date(2010, 6, 1)
SYSTEM = Actor.system("audit-test")


def org(session: Session, name: str, kind: str = "access_provider", province: str = "GD") -> int:
    return make_org(session, name, kind, province).id


def domain_id(session: Session, name: str) -> int:
    return DomainBook(session).get(name).id


def site(session: Session, name: str, *domains: str) -> int:
    record = Site(name=name)
    session.add(record)
    session.flush()
    for domain in domains:
        session.add(
            DomainSite(domain_id=domain_id(session, domain), site_id=record.id, valid_from=START)
        )
    session.flush()
    return record.id


def filing(
    session: Session,
    number: str,
    holder: str,
    *domains: str,
    status: str = "active",
    valid_from: dt.date = START,
    valid_to: dt.date | None = None,
) -> int:
    record = IcpFiling(
        number=number,
        kind="filing",
        holder=holder,
        province="GD",
        status=status,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(record)
    session.flush()
    for domain in domains:
        session.add(IcpFiledDomain(filing_id=record.id, domain_id=domain_id(session, domain)))
    session.flush()
    return record.id


def connect(
    session: Session,
    provider: int,
    domain: str,
    *,
    site_id: int | None = None,
    ip: str | None = None,
    customer: str | None = None,
    valid_from: dt.date = START,
    valid_to: dt.date | None = None,
) -> int:
    lo, hi = ip_bounds(ip)
    record = Connection(
        provider_org_id=provider,
        domain_id=domain_id(session, domain),
        site_id=site_id,
        ip_range=ip,
        ip_lo=lo,
        ip_hi=hi,
        customer=customer,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(record)
    session.flush()
    return record.id


def let(
    session: Session,
    parent: int,
    child: int,
    ip: str = "10.0.0.0/8",
    *,
    valid_from: dt.date = START,
    valid_to: dt.date | None = None,
) -> int:
    lo, hi = ip_bounds(ip)
    record = SubletEdge(
        parent_org_id=parent,
        child_org_id=child,
        ip_range=ip,
        ip_lo=lo,
        ip_hi=hi,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(record)
    session.flush()
    return record.id


def licence(
    session: Session, org_id: int, *, status: str = "active", expires_on: dt.date | None = None
) -> int:
    record = OperatorLicence(
        org_id=org_id,
        number=f"B1-{org_id:08d}",
        kind="idc",
        status=status,
        expires_on=expires_on,
        valid_from=START,
    )
    session.add(record)
    session.flush()
    return record.id


def channel(
    session: Session,
    carrier: int,
    code: str,
    *urls: str,
    status: str = "active",
    sp: bool = False,
) -> int:
    record: PromotionChannel | SpService
    if sp:
        record = SpService(
            carrier_org_id=carrier,
            sp_name="Hot SP",
            code=code,
            billing_type="monthly",
            status=status,
            valid_from=START,
        )
    else:
        record = PromotionChannel(
            carrier_org_id=carrier,
            partner_name="Hot Partner",
            code=code,
            status=status,
            valid_from=START,
        )
    session.add(record)
    session.flush()
    for url in urls:
        host = url.split("/")[2]
        name = ".".join(host.split(".")[-2:])
        session.add(
            Landing(
                owner_kind="sp_service" if sp else "channel",
                owner_id=record.id,
                url=url,
                domain_id=domain_id(session, name),
            )
        )
    session.flush()
    return record.id


def decide(session: Session, domain: str, verdict: str = "porn", state: str = "confirmed") -> int:
    record = Decision(
        domain=domain, verdict=verdict, state=state, reason="nude pictures", decided_by="reviewer"
    )
    session.add(record)
    session.flush()
    return record.id


def audit(
    session: Session,
    *,
    on: dt.date = ON,
    rules: Sequence[str] | None = None,
    mode: str = "full",
) -> AuditRun:
    return run_audit(session, SYSTEM, mode=mode, on=on, rules=rules)  # type: ignore[arg-type]


def findings(session: Session, rule: str | None = None) -> list[Finding]:
    query = (
        select(Finding)
        .order_by(Finding.rule, Finding.key)
        .execution_options(populate_existing=True)
    )
    if rule is not None:
        query = query.where(Finding.rule == rule)
    return list(session.scalars(query))


def keys(session: Session, rule: str, state: str = "open") -> list[str]:
    return [f.key for f in findings(session, rule) if f.state == state]


def org_name(session: Session, org_id: int | None) -> str | None:
    return None if org_id is None else session.get(Organisation, org_id).name  # type: ignore[union-attr]

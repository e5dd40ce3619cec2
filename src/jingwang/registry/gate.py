"""The "file before connect" gate: may an access provider connect this domain now, and if not, why.

:func:`check_connection` answers for a registrable domain, a provider and a date:

* refused, ``not_filed``: the domain is in no ICP filing that holds on the date;
* refused, ``filing_revoked`` / ``filing_expired`` / ``filing_cancelled``: it is only in filings
  of that status (one reason per status);
* refused, ``illegal_decision``: a confirmed illegal verdict stands on the domain
  (:mod:`jingwang.decisions`; a decision counts whatever the date asked about);
* refused, ``provider_unlicensed``: the provider is a reseller (the child of a sublet edge that
  holds on the date) and holds no active operating licence on it (status active, holding on the
  date, ``expires_on`` empty or later);
* warned, ``customer_differs``: the customer named differs from the holder of every active
  filing of the domain, compared as the ``holder_mismatch`` audit compares them
  (:func:`~jingwang.registry.audits.holders.same_holder`). A warning leaves ``allowed`` true.

It is asked for every proposed connection of a national registry, so it does only indexed
lookups, a handful of small queries: the domain by its unique name, its filings through the
filed-domain index, the decisions through ``(domain, state)``, the provider's incoming sublet
edges through ``(child_org_id, valid_to)`` and its licences through ``(org_id, valid_to)``. It
checks no permission: :func:`connect_check` does, for the API, the pages and the command line.
Calls are not written to the audit log (there are too many); nothing changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.orgs import find_org
from jingwang.accounts.policy import Actor, authorize, load_org_scope
from jingwang.decisions.models import ILLEGAL_VERDICTS, Decision
from jingwang.decisions.service import decision_target, verdict_label
from jingwang.errors import InvalidInput
from jingwang.registry.audits.holders import same_holder
from jingwang.registry.models import Domain, IcpFiledDomain, IcpFiling, OperatorLicence, SubletEdge
from jingwang.store.base import utcnow

READ: Final = "registry:read"
REFUSING_STATUSES: Final = ("revoked", "expired", "cancelled")
_STATUS_ZH: Final = {"revoked": "已被吊销", "expired": "已过期", "cancelled": "已注销"}


@dataclass(frozen=True, slots=True)
class GateReason:
    """Why a connection is refused (or warned about): a stable code, both languages, facts."""

    code: str
    message_zh: str
    message_en: str
    details: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str) -> str:
        return self.message_zh if language.startswith("zh") else self.message_en


@dataclass(frozen=True, slots=True)
class GateFiling:
    """A filing version that lists the domain and holds on the date asked about."""

    number: str
    kind: str
    holder: str
    status: str
    province: str | None
    valid_from: dt.date


@dataclass(frozen=True, slots=True)
class GateAnswer:
    """The gate's answer: ``allowed`` unless a reason refuses; warnings never refuse."""

    allowed: bool
    domain: str
    provider_org_id: int
    on: dt.date
    reasons: list[GateReason]
    warnings: list[GateReason]
    filings: list[GateFiling]


def holds_on(
    start: InstrumentedAttribute[dt.date],
    end: InstrumentedAttribute[dt.date | None],
    on: dt.date,
) -> ColumnElement[bool]:
    return and_(start <= on, or_(end.is_(None), end > on))


def _filings(session: Session, domain_id: int | None, on: dt.date) -> list[GateFiling]:
    if domain_id is None:
        return []
    query = (
        select(
            IcpFiling.number,
            IcpFiling.kind,
            IcpFiling.holder,
            IcpFiling.status,
            IcpFiling.province,
            IcpFiling.valid_from,
        )
        .join(IcpFiledDomain, IcpFiledDomain.filing_id == IcpFiling.id)
        .where(IcpFiledDomain.domain_id == domain_id)
        .where(holds_on(IcpFiling.valid_from, IcpFiling.valid_to, on))
        .order_by(IcpFiling.number)
    )
    return [GateFiling(*row) for row in session.execute(query)]


def _filing_reasons(domain: str, on: dt.date, filings: list[GateFiling]) -> list[GateReason]:
    if not filings:
        return [
            GateReason(
                "not_filed",
                f"{domain} 不在 {on} 有效的任何 ICP 备案中：备案后方可接入",
                f"{domain} is in no ICP filing holding on {on}: it may be connected once filed",
                {"domain": domain},
            )
        ]
    if any(filing.status == "active" for filing in filings):
        return []
    reasons = []
    for status in sorted({filing.status for filing in filings}):
        numbers = [filing.number for filing in filings if filing.status == status]
        listed = ", ".join(numbers)
        reasons.append(
            GateReason(
                f"filing_{status}",
                f"{domain} 所在的备案 {listed} {_STATUS_ZH.get(status, status)}：不得接入",
                f"{domain} is only in filing {listed}, which is {status}: it may not be connected",
                {"domain": domain, "status": status, "numbers": numbers},
            )
        )
    return reasons


def _decision_reasons(session: Session, domain: str) -> list[GateReason]:
    query = (
        select(Decision.id, Decision.verdict, Decision.decided_at)
        .where(Decision.domain == domain, Decision.state == "confirmed")
        .where(Decision.verdict.in_(ILLEGAL_VERDICTS))
        .order_by(Decision.id)
    )
    return [
        GateReason(
            "illegal_decision",
            f"{domain} 已被裁定为违法网站（{verdict_label(verdict, 'zh')}，裁定 {decision_id}）",
            f"{domain} has a confirmed decision: {verdict_label(verdict, 'en')} "
            f"(decision {decision_id})",
            {"decision_id": decision_id, "verdict": verdict, "decided_at": decided_at.isoformat()},
        )
        for decision_id, verdict, decided_at in session.execute(query)
    ]


def _licence_reasons(session: Session, provider_org_id: int, on: dt.date) -> list[GateReason]:
    parents = list(
        session.scalars(
            select(SubletEdge.parent_org_id)
            .where(SubletEdge.child_org_id == provider_org_id)
            .where(holds_on(SubletEdge.valid_from, SubletEdge.valid_to, on))
            .distinct()
        )
    )
    if not parents:
        return []
    licensed = session.scalar(
        select(OperatorLicence.id)
        .where(OperatorLicence.org_id == provider_org_id, OperatorLicence.status == "active")
        .where(holds_on(OperatorLicence.valid_from, OperatorLicence.valid_to, on))
        .where(or_(OperatorLicence.expires_on.is_(None), OperatorLicence.expires_on > on))
        .limit(1)
    )
    if licensed is not None:
        return []
    query = select(Organisation.id, Organisation.name).where(
        Organisation.id.in_(sorted({provider_org_id, *parents}))
    )
    names = {row.id: row.name for row in session.execute(query)}
    provider = names.get(provider_org_id, str(provider_org_id))
    lessors = ", ".join(sorted(names.get(p, str(p)) for p in parents))
    return [
        GateReason(
            "provider_unlicensed",
            f"接入方 {provider} 是转租代理商（上级：{lessors}），"
            f"在 {on} 没有有效的电信业务经营许可证",
            f"the provider {provider} is a reseller (let to by {lessors}) with no active "
            f"operating licence on {on}",
            {"provider_org_id": provider_org_id, "parent_org_ids": sorted(parents)},
        )
    ]


def _holder_warnings(customer: str | None, filings: list[GateFiling]) -> list[GateReason]:
    active = [filing for filing in filings if filing.status == "active"]
    if not customer or not customer.strip() or not active:
        return []
    if any(same_holder(customer, filing.holder) for filing in active):
        return []
    holders = "、".join(sorted({filing.holder for filing in active}))
    return [
        GateReason(
            "customer_differs",
            f"客户“{customer.strip()}”与备案主办单位“{holders}”不一致",
            f'the customer "{customer.strip()}" differs from the filing holder "{holders}"',
            {"customer": customer.strip(), "holders": sorted({f.holder for f in active})},
        )
    ]


def check_connection(
    session: Session,
    domain: str,
    provider_org_id: int,
    on: dt.date | None = None,
    *,
    customer: str | None = None,
) -> GateAnswer:
    """May ``provider_org_id`` connect ``domain`` (a host or URL) on ``on`` (default today)?

    Raises :class:`~jingwang.core.domains.DomainError` (or ``URLError``) when ``domain`` names
    no registrable domain. Checks no permission (see :func:`connect_check`).
    """
    name = decision_target(domain).domain
    day = on or utcnow().date()
    domain_id = session.scalar(select(Domain.id).where(Domain.name == name))
    filings = _filings(session, domain_id, day)
    reasons = [
        *_filing_reasons(name, day, filings),
        *_decision_reasons(session, name),
        *_licence_reasons(session, provider_org_id, day),
    ]
    return GateAnswer(
        allowed=not reasons,
        domain=name,
        provider_org_id=provider_org_id,
        on=day,
        reasons=reasons,
        warnings=_holder_warnings(customer, filings),
        filings=filings,
    )


def resolve_provider(session: Session, actor: Actor, provider: str | int | None) -> int:
    """The provider's organisation id: an id, a name, or (none given) the actor's own."""
    if provider is None or (isinstance(provider, str) and not provider.strip()):
        if actor.org_id is None:
            raise InvalidInput(
                "name the access provider (its name or id): you act for no organisation",
                field="provider",
            )
        return actor.org_id
    return find_org(session, str(provider)).id


def connect_check(
    session: Session,
    actor: Actor,
    domain: str,
    provider: str | int | None = None,
    *,
    customer: str | None = None,
    on: dt.date | None = None,
) -> GateAnswer:
    """:func:`check_connection` for ``actor``, who needs ``registry:read`` reaching the provider."""
    authorize(actor, READ)
    provider_org_id = resolve_provider(session, actor, provider)
    authorize(actor, READ, load_org_scope(session, provider_org_id))
    return check_connection(session, domain, provider_org_id, on, customer=customer)


__all__ = [
    "GateAnswer",
    "GateFiling",
    "GateReason",
    "check_connection",
    "connect_check",
    "resolve_provider",
]

"""Recording, withdrawing and reading decisions on domains.

A decision is about a registrable domain (a URL or host given is reduced to it), so that every
host of a site is covered and the registry can join it to its domains. Who may decide: an
actor holding ``cases:review`` whose reach is global (the reporting centre) or who works for a
regulator (:func:`~jingwang.accounts.policy.authorize_regulated`): domains belong to no
organisation, like the ICP filing register. Reading needs ``cases:read``; decisions are not
scoped by organisation (a carrier blocking a porn site must see why).

There is at most one confirmed decision per (domain, verdict): recording it again returns the
standing one and changes nothing. A ``legal`` verdict and an illegal one cannot both stand for
a domain: withdraw the one first. Decisions are never deleted; a withdrawn one keeps who
decided it and why, and the withdrawal's reason goes into the audit log with its event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import (
    REGULATOR,
    Actor,
    access_of,
    authorize,
    authorize_regulated,
    has_global_reach,
)
from jingwang.core.domains import DomainError, registrable_domain, to_ascii
from jingwang.core.url import canonicalize
from jingwang.decisions.errors import (
    AlreadyWithdrawn,
    ContradictsDecision,
    DecisionNotFound,
    InvalidDecision,
)
from jingwang.decisions.events import DecisionRecorded, DecisionWithdrawn
from jingwang.decisions.models import ILLEGAL_VERDICTS, VERDICTS, Decision
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit, transaction_lock

REVIEW: Final = "cases:review"
READ: Final = "cases:read"
STATES: Final = ("confirmed", "withdrawn")
REASON_MAX: Final = 2000
URL_MAX: Final = 2000
LIST_LIMIT: Final = 500
_CHUNK: Final = 500  # domains per IN (…)
_URL_MARKS: Final = ("/", ":", "?", "#", "@")

# How pages and the gate name a verdict: (Chinese, English).
VERDICT_LABELS: Final[dict[str, tuple[str, str]]] = {
    "porn": ("色情", "porn"),
    "unfiled": ("未备案", "unfiled"),
    "gambling": ("赌博", "gambling"),
    "fraud": ("诈骗", "fraud"),
    "other": ("其他违法", "other illegal"),
    "legal": ("合法", "legal"),
}


@dataclass(frozen=True, slots=True)
class DecisionTarget:
    """What a decision is about: the registrable domain, and the URL if one was given."""

    domain: str
    url: str | None


class DecisionInfo(BaseModel):
    """A decision as the API and the command line show it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    domain: str
    url: str | None
    verdict: str
    state: str
    reason: str
    org_id: int | None
    decided_by: str
    decided_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_by: str | None


def registrable(text: str) -> str:
    """The registrable domain of a host name, ASCII form; raises :class:`DomainError`.

    The same rule as the registry's cells (kept here so that this package imports nothing of
    the registry, whose audits import it).
    """
    host = to_ascii(text.strip())
    found = registrable_domain(host)
    if found is None:
        raise DomainError(
            f"{text!r} has no registrable domain: give a name such as example.com.cn", host=text
        )
    return found


def decision_target(text: str) -> DecisionTarget:
    """A URL or a host name as the registrable domain it names; raises :class:`DomainError`
    (or :class:`~jingwang.core.url.URLError`) when it names none (an IP address, ``com.cn``)."""
    raw = text.strip()
    if not raw:
        raise InvalidDecision(
            "the target is empty: give a URL or a host name such as wap.example.com.cn",
            field="target",
        )
    if not any(mark in raw for mark in _URL_MARKS):
        return DecisionTarget(registrable(raw), None)
    canonical = canonicalize(raw)
    if canonical.is_ip:
        raise DomainError(
            f"{raw!r} names an IP address, not a domain: give the site's host name", host=raw
        )
    url = canonical.url if len(canonical.url) <= URL_MAX else None
    return DecisionTarget(registrable(canonical.host), url)


def verdict_label(verdict: str, language: str) -> str:
    zh, en = VERDICT_LABELS.get(verdict, (verdict, verdict))
    return zh if language.startswith("zh") else en


def can_decide(actor: Actor) -> bool:
    """Whether ``actor`` may record and withdraw decisions (see the module documentation)."""
    if not actor.can(REVIEW):
        return False
    if has_global_reach(actor, access_of(actor, REVIEW)):
        return True
    return actor.org is not None and actor.org.kind == REGULATOR


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise InvalidDecision("the reason is empty: say what was seen and why", field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidDecision(f"the reason is longer than {REASON_MAX} characters", field="reason")
    return reason


def _verdict(text: str) -> str:
    verdict = text.strip().lower()
    if verdict not in VERDICTS:
        raise InvalidDecision(
            f"{text!r} is not a verdict: use one of {', '.join(VERDICTS)}", field="verdict"
        )
    return verdict


def _standing(session: Session, domain: str) -> list[Decision]:
    query = select(Decision).where(Decision.domain == domain, Decision.state == "confirmed")
    return list(session.scalars(query.order_by(Decision.id)))


def _check_contradiction(domain: str, verdict: str, standing: list[Decision]) -> None:
    illegal = verdict in ILLEGAL_VERDICTS
    clash = [d for d in standing if (d.verdict in ILLEGAL_VERDICTS) != illegal]
    if clash:
        raise ContradictsDecision(
            f"{domain} has the confirmed verdict {clash[0].verdict!r} (decision {clash[0].id}): "
            "withdraw it before recording the opposite verdict",
            domain=domain,
            decision_id=clash[0].id,
        )


def record_decision(
    session: Session, actor: Actor, target: str, verdict: str, reason: str
) -> Decision:
    """Confirm ``verdict`` on the registrable domain of ``target`` (a URL or host).

    Returns the standing decision when the same verdict is already confirmed for the domain.
    Raises :class:`ContradictsDecision` for ``legal`` against an illegal verdict or back.
    """
    authorize_regulated(actor, REVIEW)
    wanted, why, where = _verdict(verdict), _reason(reason), decision_target(target)
    transaction_lock(session, f"decisions:{where.domain}")  # one decision per (domain, verdict)
    standing = _standing(session, where.domain)
    for decision in standing:
        if decision.verdict == wanted:
            return decision
    _check_contradiction(where.domain, wanted, standing)
    decision = Decision(
        domain=where.domain,
        url=where.url,
        verdict=wanted,
        state="confirmed",
        reason=why,
        org_id=actor.org_id,
        decided_by=actor.name,
        decided_at=utcnow(),
    )
    session.add(decision)
    session.flush()
    emit(
        session,
        DecisionRecorded(
            object_id=str(decision.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            domain=decision.domain,
            verdict=wanted,
            reason=why,
            url=where.url,
        ),
    )
    return decision


def withdraw_decision(session: Session, actor: Actor, decision_id: int, reason: str) -> Decision:
    """Withdraw a confirmed decision (never deleted); ``reason`` goes into the audit log."""
    authorize_regulated(actor, REVIEW)
    why = _reason(reason)
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise DecisionNotFound(f"no decision has id {decision_id}", decision_id=decision_id)
    if decision.state == "withdrawn":
        raise AlreadyWithdrawn(
            f"decision {decision_id} was already withdrawn", decision_id=decision_id
        )
    decision.state = "withdrawn"
    decision.withdrawn_at = utcnow()
    decision.withdrawn_by = actor.name
    session.flush()
    emit(
        session,
        DecisionWithdrawn(
            object_id=str(decision.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            domain=decision.domain,
            verdict=decision.verdict,
            reason=why,
        ),
    )
    return decision


def list_decisions(
    session: Session,
    actor: Actor,
    domain: str | None = None,
    state: str | None = None,
    limit: int = LIST_LIMIT,
) -> list[Decision]:
    """Decisions, newest first; ``domain`` (any host or URL under it) and ``state`` filter."""
    authorize(actor, READ)
    query = select(Decision)
    if domain is not None and domain.strip():
        query = query.where(Decision.domain == decision_target(domain).domain)
    if state is not None and state.strip():
        if state.strip() not in STATES:
            raise InvalidDecision(
                f"{state!r} is not a state: use one of {', '.join(STATES)}", field="state"
            )
        query = query.where(Decision.state == state.strip())
    query = query.order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(limit)
    return list(session.scalars(query))


def confirmed_illegal(session: Session, domains: Collection[str]) -> dict[str, Decision]:
    """The standing illegal decision of each of ``domains`` (registrable, ASCII) that has one.

    For the registry's audits and gate, which have already authorised their caller. When a
    domain has several illegal verdicts, the oldest decision is given.
    """
    names = sorted(set(domains))
    found: dict[str, Decision] = {}
    for start in range(0, len(names), _CHUNK):
        query = (
            select(Decision)
            .where(
                Decision.domain.in_(names[start : start + _CHUNK]),
                Decision.state == "confirmed",
                Decision.verdict.in_(ILLEGAL_VERDICTS),
            )
            .order_by(Decision.id)
        )
        for decision in session.scalars(query):
            found.setdefault(decision.domain, decision)
    return found


__all__ = [
    "LIST_LIMIT",
    "READ",
    "REVIEW",
    "STATES",
    "VERDICT_LABELS",
    "DecisionInfo",
    "DecisionTarget",
    "can_decide",
    "confirmed_illegal",
    "decision_target",
    "list_decisions",
    "record_decision",
    "registrable",
    "verdict_label",
    "withdraw_decision",
]

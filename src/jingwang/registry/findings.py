"""Findings of the registry audits: who may see them, and how people change their state.

The audit engine creates and de-duplicates findings; people move them through their states:

* ``open → acknowledged``: the addressee has seen it and is working on it;
* ``open | acknowledged → fixed``: the addressee *claims* it is fixed. The claim is checked by
  the next audit run: a finding still found there is opened again (``reopened`` counts it);
* ``any → false_positive``: only a regulated actor (a regulator reaching the finding's province,
  or the reporting centre), always with a note that says why;
* ``false_positive | fixed → open``: a regulated actor takes a verdict back.

``acknowledged`` and ``fixed`` need ``registry:manage`` reaching the addressee. Every change
records who and when (``state_changed_at``/``_by``, ``note``) and emits
:class:`~.events.FindingStateChanged`, which the audit log records; the history of a finding is
read back from there.

A finding is visible to whoever's read reach covers its addressee (``addressee_org_id``); one
without an addressee (a filing's problem, no provider answers for it) to the regulators
reaching its province and to the reporting centre.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session

from jingwang.accounts.catalog import NATIONAL
from jingwang.accounts.errors import AccessDenied, AccountNotFound
from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import (
    REGULATOR,
    Actor,
    authorize,
    authorize_regulated,
    deny,
    has_global_reach,
    load_org_scope,
    reaches_regulated,
    scope_filter,
)
from jingwang.audit.models import AuditEntry
from jingwang.registry.audits.subjects import subject_text, subjects
from jingwang.registry.cells import normalise_domain
from jingwang.registry.errors import (
    FindingNotFound,
    FindingStateConflict,
    NoteRequired,
    UnknownFindingState,
)
from jingwang.registry.events import FindingStateChanged
from jingwang.registry.models import Domain, Finding
from jingwang.store.base import utcnow
from jingwang.store.outbox import OutboxEvent, emit

READ: Final = "registry:read"
MANAGE: Final = "registry:manage"
STATES: Final = ("open", "acknowledged", "fixed", "false_positive")
OPEN_STATES: Final = ("open", "acknowledged")  # not resolved yet: counted as open figures
SEVERITIES: Final = ("critical", "high", "medium", "low")
MAX_PAGE: Final = 500
NOTE_CHARS: Final = 1000

# target state -> the states it may be reached from, and who may do it
_BY_ADDRESSEE: Final = {"acknowledged": ("open",), "fixed": ("open", "acknowledged")}
_BY_REGULATOR: Final = {
    "false_positive": ("open", "acknowledged", "fixed"),
    "open": ("false_positive", "fixed"),
}


class FindingInfo(BaseModel):
    """One finding as the views and the API show it."""

    id: int
    rule: str
    title: str = Field(description="The rule's title in the asked language (else the rule).")
    key: str
    severity: str
    state: str
    addressee_org_id: int | None
    addressee: str | None = Field(description="The addressee organisation's name.")
    province: str | None
    domain: str | None
    subject: str = Field(description="The subject as the rule stored it (English, searchable).")
    subject_text: str = Field(description="The subject in the asked language (zh or en).")
    subjects: dict[str, str] = Field(description='The subject in each language: {"zh", "en"}.')
    evidence: dict[str, Any]
    first_found_at: dt.datetime
    last_found_at: dt.datetime
    fixed_at: dt.datetime | None
    reopened: int
    state_changed_at: dt.datetime | None
    state_changed_by: str | None
    note: str | None


class FindingPage(BaseModel):
    """A page of findings and how many match in all."""

    total: int
    limit: int
    offset: int
    items: list[FindingInfo]


class StateChange(BaseModel):
    """One change of a finding's state, as the audit log (or the outbox) holds it."""

    at: dt.datetime
    by: str | None
    before: str
    after: str
    note: str | None = None


@dataclass(frozen=True)
class FindingFilters:
    """What a list of findings is narrowed to; ``None`` leaves a filter out."""

    state: str | None = None
    rule: str | None = None
    severity: str | None = None
    addressee: int | None = None
    province: str | None = None
    domain: str | None = None


# Rule titles --------------------------------------------------------------------------------


def rule_title(rule: str, language: str = "zh-CN") -> str:
    """The title of audit rule ``rule`` in ``language``, from ``jingwang.registry.audits.RULES``.

    The audit engine owns the titles (``Rule.title``: ``{"zh": …, "en": …}``); for a rule it no
    longer has, or while it is not installed, the rule's name is shown.
    """
    try:
        rules = importlib.import_module("jingwang.registry.audits").RULES
    except (ImportError, AttributeError):
        return rule
    spec = rules.get(rule) if isinstance(rules, dict) else None
    titles = getattr(spec, "title", None)
    if not isinstance(titles, dict):
        return rule
    title = titles.get("zh" if language.startswith("zh") else "en")
    return title if isinstance(title, str) and title else rule


# Reading ------------------------------------------------------------------------------------


def finding_scope(session: Session, actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause keeping the findings ``actor`` may read (see the module's docstring)."""
    if has_global_reach(actor, "read"):
        return true()
    by_addressee = scope_filter(session, actor, Finding.addressee_org_id)  # type: ignore[arg-type]
    if actor.org is None or actor.org.kind != REGULATOR:
        return by_addressee
    unaddressed: ColumnElement[bool]
    if actor.org.province == NATIONAL:
        unaddressed = Finding.addressee_org_id.is_(None)
    else:
        unaddressed = and_(
            Finding.addressee_org_id.is_(None), Finding.province == actor.org.province
        )
    return or_(by_addressee, unaddressed)


def province_clause(province: str) -> ColumnElement[bool]:
    """Findings of ``province``: their own province, or an addressee in that province."""
    in_province = select(Organisation.id).where(Organisation.province == province)
    return or_(Finding.province == province, Finding.addressee_org_id.in_(in_province))


def _filtered(session: Session, actor: Actor, filters: FindingFilters) -> Select[Finding]:
    query = select(Finding).where(finding_scope(session, actor))
    if filters.state:
        query = query.where(Finding.state == check_state(filters.state))
    if filters.rule:
        query = query.where(Finding.rule == filters.rule)
    if filters.severity:
        query = query.where(Finding.severity == filters.severity)
    if filters.addressee is not None:
        query = query.where(Finding.addressee_org_id == filters.addressee)
    if filters.province:
        query = query.where(province_clause(filters.province))
    if filters.domain:
        domain_id = select(Domain.id).where(Domain.name == normalise_domain(filters.domain))
        query = query.where(Finding.domain_id.in_(domain_id))
    return query


def list_findings(
    session: Session,
    actor: Actor,
    filters: FindingFilters | None = None,
    *,
    state: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    addressee: int | None = None,
    province: str | None = None,
    domain: str | None = None,
    limit: int = 50,
    offset: int = 0,
    language: str = "zh-CN",
) -> FindingPage:
    """Findings within ``actor``'s reach matching ``filters`` (or the same as keywords), most
    recently found first, a page of them and the total."""
    authorize(actor, READ)
    if filters is None:
        filters = FindingFilters(state, rule, severity, addressee, province, domain)
    query = _filtered(session, actor, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    limit = max(1, min(limit, MAX_PAGE))
    rows = session.scalars(
        query.order_by(Finding.last_found_at.desc(), Finding.id.desc()).limit(limit).offset(offset)
    )
    return FindingPage(
        total=total,
        limit=limit,
        offset=offset,
        items=describe(session, list(rows), language),
    )


def pairs(rows: Iterable[Any]) -> dict[Any, Any]:
    """Two-column result rows as a dict (first column → second)."""
    return {row[0]: row[1] for row in rows}


def describe(session: Session, findings: list[Finding], language: str) -> list[FindingInfo]:
    """``findings`` as :class:`FindingInfo`, with names of addressees and domains."""
    org_ids = {f.addressee_org_id for f in findings if f.addressee_org_id is not None}
    domain_ids = {f.domain_id for f in findings if f.domain_id is not None}
    orgs = pairs(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        )
    )
    domains = pairs(
        session.execute(select(Domain.id, Domain.name).where(Domain.id.in_(domain_ids)))
    )
    return [
        FindingInfo(
            id=f.id,
            rule=f.rule,
            title=rule_title(f.rule, language),
            key=f.key,
            severity=f.severity,
            state=f.state,
            addressee_org_id=f.addressee_org_id,
            addressee=orgs.get(f.addressee_org_id) if f.addressee_org_id else None,
            province=f.province,
            domain=domains.get(f.domain_id) if f.domain_id else None,
            subject=f.subject,
            subject_text=subject_text(f.rule, f.evidence, f.subject, language),
            subjects=subjects(f.rule, f.evidence, f.subject),
            evidence=f.evidence or {},
            first_found_at=f.first_found_at,
            last_found_at=f.last_found_at,
            fixed_at=f.fixed_at,
            reopened=f.reopened,
            state_changed_at=f.state_changed_at,
            state_changed_by=f.state_changed_by,
            note=f.note,
        )
        for f in findings
    ]


def _load(session: Session, actor: Actor, finding_id: int) -> Finding:
    authorize(actor, READ)
    finding = session.scalar(
        select(Finding).where(Finding.id == finding_id, finding_scope(session, actor))
    )
    if finding is None:
        raise FindingNotFound(f"no finding has id {finding_id} within your reach", id=finding_id)
    return finding


def get_finding(
    session: Session, actor: Actor, finding_id: int, *, language: str = "zh-CN"
) -> FindingInfo:
    """One finding within ``actor``'s reach; :class:`FindingNotFound` otherwise."""
    return describe(session, [_load(session, actor, finding_id)], language)[0]


def finding_history(session: Session, actor: Actor, finding_id: int) -> list[StateChange]:
    """The state changes of a finding, oldest first: the audit log's, then those not yet in it."""
    _load(session, actor, finding_id)
    changes: list[StateChange] = []
    seen: set[int] = set()
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == FindingStateChanged.object_type,
            AuditEntry.object_id == str(finding_id),
            AuditEntry.action == FindingStateChanged.name,
        )
        .order_by(AuditEntry.seq)
    )
    for entry in entries:
        if entry.event_id is not None:
            seen.add(entry.event_id)
        changes.append(_change(entry.occurred_at, entry.actor_id, entry.summary))
    pending = session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.name == FindingStateChanged.name, OutboxEvent.published_at.is_(None))
        .order_by(OutboxEvent.id)
    )
    for row in pending:
        payload = row.payload
        if row.id in seen or payload.get("object_id") != str(finding_id):
            continue
        event = FindingStateChanged.model_validate(payload)
        changes.append(_change(event.occurred_at, event.actor.id, event.summary()))
    return changes


def _change(at: dt.datetime, by: str | None, summary: dict[str, Any]) -> StateChange:
    return StateChange(
        at=at,
        by=by,
        before=str(summary.get("before", "")),
        after=str(summary.get("after", "")),
        note=summary.get("note"),
    )


# Changing state -----------------------------------------------------------------------------


def check_state(state: str) -> str:
    """``state`` if it is one of :data:`STATES`; :class:`UnknownFindingState` otherwise."""
    if state not in STATES:
        raise UnknownFindingState(
            f"state: {state!r} is not a finding state; use one of {', '.join(STATES)}",
            field="state",
        )
    return state


def may_set(session: Session, actor: Actor, finding: Finding | FindingInfo, state: str) -> bool:
    """Whether ``actor`` may move ``finding`` to ``state`` now (for showing the choices)."""
    try:
        _authorize_change(session, actor, finding.addressee_org_id, finding.province, state)
    except (AccessDenied, AccountNotFound):
        return False
    allowed = _BY_ADDRESSEE.get(state) or _BY_REGULATOR.get(state) or ()
    return finding.state in allowed


def _authorize_change(
    session: Session, actor: Actor, addressee: int | None, province: str | None, state: str
) -> None:
    if state in _BY_REGULATOR:
        authorize_regulated(actor, MANAGE)
        if not reaches_regulated(actor, province):
            raise deny(actor, MANAGE, "out_of_scope")
        return
    target = load_org_scope(session, addressee) if addressee is not None else None
    if target is None and not has_global_reach(actor, "write"):
        raise deny(actor, MANAGE, "out_of_scope")
    authorize(actor, MANAGE, target)


def set_state(
    session: Session,
    actor: Actor,
    finding_id: int,
    state: str,
    note: str | None = None,
    *,
    language: str = "zh-CN",
) -> FindingInfo:
    """Move finding ``finding_id`` to ``state`` (see the module's docstring for who may).

    Raises :class:`FindingNotFound` (not within reach), ``AccessDenied``,
    :class:`UnknownFindingState`, :class:`NoteRequired` (a false positive without a note) or
    :class:`FindingStateConflict` (the current state does not allow it).
    """
    check_state(state)
    finding = _load(session, actor, finding_id)
    note = (note or "").strip()[:NOTE_CHARS] or None
    _authorize_change(session, actor, finding.addressee_org_id, finding.province, state)
    allowed = _BY_ADDRESSEE.get(state) or _BY_REGULATOR.get(state) or ()
    if finding.state not in allowed:
        raise FindingStateConflict(
            f"a finding that is {finding.state} cannot become {state}"
            f" (only from: {', '.join(allowed) or 'nothing'})",
            id=finding_id,
            state=finding.state,
        )
    if state == "false_positive" and not note:
        raise NoteRequired(
            "note: say why this finding is a false positive", field="note", id=finding_id
        )
    before, now = finding.state, utcnow()
    finding.state = state
    finding.state_changed_at = now
    finding.state_changed_by = actor.name
    finding.note = note
    if state == "fixed":
        finding.fixed_at = now
    elif state == "open":
        finding.fixed_at = None
    session.flush()
    emit(
        session,
        FindingStateChanged(
            object_id=str(finding.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            rule=finding.rule,
            before=before,
            after=state,
            note=note,
            addressee_org_id=finding.addressee_org_id,
            province=finding.province,
        ),
    )
    return describe(session, [finding], language)[0]


__all__ = [
    "MAX_PAGE",
    "OPEN_STATES",
    "SEVERITIES",
    "STATES",
    "FindingFilters",
    "FindingInfo",
    "FindingPage",
    "StateChange",
    "check_state",
    "describe",
    "finding_history",
    "finding_scope",
    "get_finding",
    "list_findings",
    "may_set",
    "pairs",
    "province_clause",
    "rule_title",
    "set_state",
]

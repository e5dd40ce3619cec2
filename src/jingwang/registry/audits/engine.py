"""Running the audits: every rule's hits reconciled with the stored findings, once per run.

:func:`run_audit` runs the rules (all of them, or those named) on a date and reconciles their
hits with ``registry_findings`` (unique by rule and key):

* a new hit opens a finding (first and last found now, first and last run this one);
* a hit on an open or acknowledged finding updates it (last found, last run, evidence, severity,
  addressee and its province, subject, domain); on a fixed one it also opens it again
  (``reopened`` + 1, ``fixed_at`` cleared); on a false positive only ``last_found_at`` moves;
* an open or acknowledged finding of the run's rules that was not hit (within the run's scope)
  is fixed, with ``fixed_at``.

A full run's scope is the whole registry; an incremental one's is what changed since the
previous run started (:mod:`.changes`): each rule reads only those domains, and only findings
in that scope are reconciled. One :class:`~jingwang.registry.events.RegistryAudited` event is
emitted per run with the counts per rule, which the :class:`~jingwang.registry.models.AuditRun`
row also keeps; ``ms`` in a rule's counts is how long it took (its queries and its
reconciliation), so an operator sees where a run's time goes.

At national size a run writes hundreds of thousands of findings: they are written with the
driver's ``executemany`` of plain tuples, and on SQLite the run's connection gets a larger page
cache while the rules run (restored after). Facts several rules need are computed once per run
into temporary tables (:func:`~.base.filed_facts`, :func:`~.base.let_ranges`), dropped at the end.

Findings cover the whole registry, so running an audit needs ``registry:manage`` with global
reach (the reporting centre) or the system actor (the worker, the command line).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Text, cast, select, update
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, access_of, authorize, deny, has_global_reach
from jingwang.core.memory import collector_paused
from jingwang.registry.audits.base import (
    CHUNK,
    AuditContext,
    AuditScope,
    Hit,
    Rule,
    drop_facts,
)
from jingwang.registry.audits.changes import affected, changed_since, previous_run
from jingwang.registry.audits.rules import RULES
from jingwang.registry.errors import UnknownAuditRule
from jingwang.registry.events import RegistryAudited
from jingwang.registry.kinds import MANAGE
from jingwang.registry.models import AuditRun, Finding
from jingwang.settings import Settings
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit

Mode = Literal["full", "incremental"]
DEFAULT_MAX_SUBLET_DEPTH = 3
OPEN_STATES = ("open", "acknowledged")


def authorize_audit(actor: Actor) -> None:
    """Raise unless ``actor`` may run the audits: registry:manage with global reach."""
    authorize(actor, MANAGE)
    if not has_global_reach(actor, access_of(actor, MANAGE)):
        raise deny(actor, MANAGE, "global_reach_required")


def select_rules(names: Sequence[str] | None) -> list[Rule]:
    """The rules named (all when ``None`` or empty), in the catalogue's order."""
    if not names:
        return list(RULES.values())
    unknown = sorted(set(names) - set(RULES))
    if unknown:
        raise UnknownAuditRule(
            f"unknown audit rule(s) {', '.join(unknown)}: use one of {', '.join(RULES)}",
            rules=unknown,
        )
    return [rule for name, rule in RULES.items() if name in set(names)]


def run_audit(
    session: Session,
    actor: Actor,
    *,
    mode: Mode = "full",
    on: dt.date | None = None,
    rules: Sequence[str] | None = None,
    settings: Settings | None = None,
) -> AuditRun:
    """Run the audit rules on ``on`` (default today) and reconcile the findings; see the module."""
    authorize_audit(actor)
    if mode not in ("full", "incremental"):
        raise UnknownAuditRule(f"unknown audit mode {mode!r}: use full or incremental", mode=mode)
    chosen = select_rules(rules)
    day = on or utcnow().date()
    run = AuditRun(
        mode=mode,
        on_date=day,
        rules=[rule.name for rule in chosen],
        counts={},
        actor=actor.name,
        started_at=utcnow(),
    )
    session.add(run)
    session.flush()
    scope = _scope(session, run, mode)
    depth = settings.registry_max_sublet_depth if settings else DEFAULT_MAX_SUBLET_DEPTH
    ctx = AuditContext(session, day, depth, scope)
    provinces = _provinces(session)
    counts: dict[str, dict[str, int]] = {}
    with _tuned(session), collector_paused():
        for rule in chosen:
            started = time.perf_counter()
            hits = rule.find(ctx)
            if scope is not None:
                hits = [hit for hit in hits if rule.in_scope(hit.key, hit.domain_id, scope)]
            counts[rule.name] = _reconcile(session, run, rule, hits, scope, provinces)
            counts[rule.name]["ms"] = round((time.perf_counter() - started) * 1000)
    drop_facts(ctx)
    ctx.cache.clear()
    run.counts = counts
    run.finished_at = utcnow()
    session.flush()
    emit(
        session,
        RegistryAudited(
            object_id=str(run.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            mode=mode,
            on_date=day,
            rules=run.rules,
            counts=counts,
        ),
    )
    return run


def _scope(session: Session, run: AuditRun, mode: Mode) -> AuditScope | None:
    """``None`` (everything) for a full run or the first run; else what changed since the last."""
    if mode == "full":
        return None
    previous = previous_run(session, before=run.id)
    if previous is None:
        return None
    return affected(session, changed_since(session, previous.started_at), run.on_date)


def _provinces(session: Session) -> dict[int, str]:
    rows = session.execute(select(Organisation.id, Organisation.province))
    return {row[0]: row[1] for row in rows}


# SQLite settings for the audit's connection while it runs, restored after: page caches big
# enough for the registry's indexes and the run's temporary tables (in KiB when negative).
# (``temp_store`` cannot be restored once the run made temporary tables: left alone.)
_SQLITE_TUNING = {"main.cache_size": -262_144, "temp.cache_size": -65_536}


@contextmanager
def _tuned(session: Session) -> Iterator[None]:
    """On SQLite, the audit's connection with :data:`_SQLITE_TUNING` while the rules run."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    saved = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in _SQLITE_TUNING}
    for name, value in _SQLITE_TUNING.items():
        connection.exec_driver_sql(f"PRAGMA {name}={int(value)}")
    try:
        yield
    finally:
        for name, before in saved.items():
            connection.exec_driver_sql(f"PRAGMA {name}={int(before or 0)}")


# What a finding says, compared with a new hit: only findings whose content changed are rewritten.
_CONTENT = ("severity", "addressee_org_id", "province", "domain_id", "subject", "evidence")
# The columns a new finding is inserted with, in the order of :func:`_reconcile`'s tuples.
_NEW = (
    "rule",
    "key",
    "state",
    "reopened",
    *_CONTENT,
    "first_run_id",
    "first_found_at",
    "last_run_id",
    "last_found_at",
)


@dataclass(slots=True)  # not frozen: made for every row, where frozen costs 3×
class _Stored:
    id: int
    state: str
    reopened: int
    content: tuple[Any, ...]


def _stored(session: Session, rule: Rule, scope: AuditScope | None) -> dict[str, _Stored]:
    """The findings of ``rule`` that this run reconciles (those in ``scope``), by key."""
    base = select(
        Finding.id,
        Finding.key,
        Finding.state,
        Finding.reopened,
        *(getattr(Finding, column) for column in _CONTENT[:-1]),
        # The evidence as stored text, not decoded: compared with the new one's JSON text.
        cast(Finding.evidence, Text),
    ).where(Finding.rule == rule.name)
    rows: list[Any] = []
    connection = session.connection()  # Core: no per-row ORM work over a run's findings
    if scope is not None and rule.subject == "domain":
        ids = sorted(scope.domains)
        for start in range(0, len(ids), CHUNK):
            rows.extend(
                connection.execute(base.where(Finding.domain_id.in_(ids[start : start + CHUNK])))
            )
    else:
        rows.extend(connection.execute(base))
    found: dict[str, _Stored] = {}
    for row in rows:
        finding_id, key, state, reopened, *content = row
        domain_id = content[_CONTENT.index("domain_id")]
        if scope is None or rule.in_scope(key, domain_id, scope):
            found[key] = _Stored(finding_id, state, reopened or 0, tuple(content))
    return found


@dataclass(slots=True)
class _Changes:
    """What one rule's reconciliation writes, gathered so it is written in few statements."""

    new: list[tuple[Any, ...]] = field(default_factory=list)  # in the order of _NEW
    rewrite: list[dict[str, Any]] = field(default_factory=list)  # by id, whole content
    seen: list[int] = field(default_factory=list)  # found again, content unchanged
    false_positive: list[int] = field(default_factory=list)  # found again, a false positive
    fixed: list[int] = field(default_factory=list)


def _reconcile(
    session: Session,
    run: AuditRun,
    rule: Rule,
    hits: list[Hit],
    scope: AuditScope | None,
    provinces: dict[int, str],
) -> dict[str, int]:
    """Open, update, reopen and fix the findings of ``rule``; the counts of what it did."""
    now = utcnow()
    counts = {"new": 0, "still_open": 0, "reopened": 0, "fixed": 0, "false_positive": 0}
    stored = _stored(session, rule, scope)
    by_key = {hit.key[:300]: hit for hit in hits}
    changes = _Changes()
    first = (rule.name,)
    for key, hit in by_key.items():
        province = provinces.get(hit.addressee_org_id) if hit.addressee_org_id else None
        plain = (rule.severity, hit.addressee_org_id, province, hit.domain_id, hit.subject[:300])
        found = stored.get(key)
        if found is None:
            counts["new"] += 1
            # The evidence as the JSON column writes it (json.dumps, its defaults).
            changes.new.append((*first, key, "open", 0, *plain, json.dumps(hit.evidence)))
        elif found.state == "false_positive":
            counts["false_positive"] += 1
            changes.false_positive.append(found.id)
        elif found.state == "fixed":
            counts["reopened"] += 1
            reopen = {"state": "open", "fixed_at": None, "reopened": found.reopened + 1}
            values = dict(zip(_CONTENT, (*plain, hit.evidence), strict=True))
            changes.rewrite.append({"id": found.id, **values, **reopen})
        else:
            counts["still_open"] += 1
            content = (*plain, json.dumps(hit.evidence))  # as the JSON column writes it
            if found.content == content:  # a different text only costs a rewrite
                changes.seen.append(found.id)
            else:
                values = dict(zip(_CONTENT, (*plain, hit.evidence), strict=True))
                changes.rewrite.append({"id": found.id, **values})
    for key, found in stored.items():
        if key not in by_key and found.state in OPEN_STATES:
            counts["fixed"] += 1
            changes.fixed.append(found.id)
    _write(session, run, changes, now)
    return counts


def _write(session: Session, run: AuditRun, changes: _Changes, now: dt.datetime) -> None:
    """Insert the new findings and update the others, in bulk statements.

    New findings and found-again ones go through the driver's ``executemany`` with plain
    tuples (the values bound as the columns' types would bind them): at national size they
    are hundreds of thousands of rows, and SQLAlchemy's per-row parameter handling cost more
    than the database's work.
    """
    connection = session.connection()
    dialect = connection.dialect
    table = Finding.metadata.tables[Finding.__tablename__]
    when = table.c.last_found_at.type.dialect_impl(dialect).bind_processor(dialect)
    stamp = when(now) if when else now
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    if changes.new:
        names = ", ".join(_NEW)
        marks = ", ".join([mark] * len(_NEW))
        tail = (run.id, stamp, run.id, stamp)
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) VALUES ({marks})",  # noqa: S608 (constants)
            [(*row, *tail) for row in changes.new],
        )
    for start in range(0, len(changes.rewrite), CHUNK):
        rows = changes.rewrite[start : start + CHUNK]
        for row in rows:
            row.update(last_run_id=run.id, last_found_at=now)
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(tuple(sorted(row)), []).append(row)
        for group in groups.values():
            session.execute(update(Finding), group)
    by_id = f"UPDATE {table.name} SET {{}} WHERE id = {mark}"  # noqa: S608 (constants)
    if changes.seen:
        connection.exec_driver_sql(
            by_id.format(f"last_run_id = {mark}, last_found_at = {mark}"),
            [(run.id, stamp, finding_id) for finding_id in changes.seen],
        )
    if changes.false_positive:
        connection.exec_driver_sql(
            by_id.format(f"last_found_at = {mark}"),
            [(stamp, finding_id) for finding_id in changes.false_positive],
        )
    if changes.fixed:
        connection.exec_driver_sql(
            by_id.format(f"state = {mark}, fixed_at = {mark}"),
            [("fixed", stamp, finding_id) for finding_id in changes.fixed],
        )
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Finding):
            session.expire(instance)  # bulk statements do not refresh loaded findings


__all__ = ["DEFAULT_MAX_SUBLET_DEPTH", "Mode", "authorize_audit", "run_audit", "select_rules"]

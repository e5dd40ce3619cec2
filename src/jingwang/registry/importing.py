"""Importing a registry CSV file: validate every row, then apply all of it, the good rows, or none.

:func:`import_csv` reads the file (:mod:`.csvfile`), validates each row (:mod:`.connections`),
checks that the actor may manage the registry of every provider the file names, reports
duplicate keys, and then either applies nothing (``good_rows=False``, the default, when any row
is bad) or applies the good rows in the caller's transaction (:mod:`.ledger`). One
:class:`~.events.RegistryImported` event is emitted per applied import, with the counts.

When ``org_id`` is given, every row must be for that organisation or one below it. Modes:
``delta`` (rows add or change records) and ``snapshot`` (the file is the whole inventory, on
``as_of``, of ``org_id`` (default: the actor's organisation) and the organisations below it:
their open records the file does not list are closed on that date; when some rows were rejected
nothing is closed, since a bad row may stand for a record the provider still has). A delta
import's change date is ``as_of`` (default: today).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.errors import AccessDenied
from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, authorize, load_org_scope
from jingwang.registry import connections
from jingwang.registry.csvfile import RowError, read_table
from jingwang.registry.errors import AsOfRequired, UnknownRecordKind
from jingwang.registry.events import RegistryImported
from jingwang.registry.ledger import ConnectionLedger
from jingwang.registry.models import RegistryImport
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit

KINDS = (connections.KIND,)
MANAGE = "registry:manage"

Progress = Callable[[int, int], None]  # (rows done, rows in all)


class ImportMode(StrEnum):
    DELTA = "delta"
    SNAPSHOT = "snapshot"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    kind: str
    mode: ImportMode = ImportMode.DELTA
    as_of: dt.date | None = None
    good_rows: bool = False  # apply the good rows even when some are bad
    mapping: Mapping[str, str] | None = None  # file header → field name
    org_id: int | None = None  # whose inventory a snapshot is (default: the actor's org)
    file_name: str = ""


@dataclass(slots=True)
class ImportReport:
    """What an import did. ``applied`` is false when nothing was written."""

    kind: str
    mode: str
    as_of: dt.date
    encoding: str
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: int = 0
    applied: bool = False
    import_id: int | None = None
    errors: list[RowError] = field(default_factory=list)


def subtree_ids(session: Session, root: int) -> set[int]:
    """``root`` and every organisation below it."""
    children: dict[int, list[int]] = {}
    for org_id, parent_id in session.execute(select(Organisation.id, Organisation.parent_id)):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(org_id)
    found, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _denied_orgs(session: Session, actor: Actor, org_ids: set[int]) -> dict[int, str]:
    denied: dict[int, str] = {}
    for org_id in sorted(org_ids):
        try:
            authorize(actor, MANAGE, load_org_scope(session, org_id))
        except AccessDenied as error:
            denied[org_id] = error.message
    return denied


def _check_rows(
    session: Session,
    actor: Actor,
    table_rows: list[connections.ConnectionRow],
    scope: set[int] | None,
) -> tuple[list[connections.ConnectionRow], list[RowError]]:
    errors: list[RowError] = []
    denied = _denied_orgs(session, actor, {row.provider_org_id for row in table_rows})
    seen: dict[tuple[int, str], int] = {}
    good: list[connections.ConnectionRow] = []
    for row in table_rows:
        if row.provider_org_id in denied:
            reason = f"{denied[row.provider_org_id]}: import only for your organisation and below"
            errors.append(RowError(row.line, "provider", reason))
        elif scope is not None and row.provider_org_id not in scope:
            reason = "not the organisation this import is for, nor one below it"
            errors.append(RowError(row.line, "provider", reason))
        elif row.key in seen:
            reason = f"duplicate key (provider, domain {row.domain}): first on line {seen[row.key]}"
            errors.append(RowError(row.line, "domain", reason))
        else:
            seen[row.key] = row.line
            good.append(row)
    return good, errors


def import_csv(
    session: Session,
    actor: Actor,
    data: bytes,
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate and (per ``options``) apply one CSV file; see the module documentation."""
    if options.kind not in KINDS:
        raise UnknownRecordKind(f"unknown record kind {options.kind!r}: use one of {list(KINDS)}")
    authorize(actor, MANAGE)
    snapshot = options.mode is ImportMode.SNAPSHOT
    if snapshot and options.as_of is None:
        raise AsOfRequired("a snapshot import needs the date of the inventory: give --as-of DATE")
    org_id = options.org_id if options.org_id is not None else actor.org_id
    scope: set[int] | None = None
    if snapshot or options.org_id is not None:
        if org_id is None:
            raise AsOfRequired("a snapshot import needs the organisation whose inventory it is")
        authorize(actor, MANAGE, load_org_scope(session, org_id))
        scope = subtree_ids(session, org_id)
    as_of = options.as_of or utcnow().date()
    table = read_table(data, connections.FIELDS, options.mapping)
    report = ImportReport(options.kind, options.mode.value, as_of, table.encoding)
    report.errors.extend(table.errors)
    orgs = connections.org_index(session)
    valid: list[connections.ConnectionRow] = []
    for row in table.rows:
        checked = connections.validate_row(row, orgs)
        if isinstance(checked, list):
            report.errors.extend(checked)
        else:
            valid.append(checked)
    good, problems = _check_rows(session, actor, valid, scope)
    report.errors.extend(problems)
    report.errors.sort(key=lambda error: error.line)
    report.rows = len(table.rows)
    report.rejected = len({error.line for error in report.errors if error.line > 1})
    if table.errors or (report.errors and not options.good_rows):
        return report
    record = RegistryImport(
        kind=options.kind,
        mode=options.mode.value,
        as_of=as_of,
        org_id=org_id,
        file_name=options.file_name[:300],
        file_sha256=hashlib.sha256(data).hexdigest(),
        counts={},
        actor=actor.name,
    )
    session.add(record)
    session.flush()
    ledger = ConnectionLedger(
        session, {r.provider_org_id for r in good} | (scope or set()), record.id
    )
    for done, good_row in enumerate(good, start=1):
        ledger.apply(good_row, as_of)
        if progress is not None:
            progress(done, len(good))
    # A bad row may stand for a record the provider still has: close nothing then.
    if snapshot and scope is not None and not report.errors:
        ledger.close_missing([row.key for row in good], scope, as_of)
    counts = ledger.counts
    report.added, report.changed = counts.added, counts.changed
    report.unchanged, report.closed = counts.unchanged, counts.closed
    report.applied, report.import_id = True, record.id
    record.counts = _counts(report)
    emit(session, _event(actor, record, report))
    return report


def _counts(report: ImportReport) -> dict[str, int]:
    return {
        "rows": report.rows,
        "added": report.added,
        "changed": report.changed,
        "unchanged": report.unchanged,
        "closed": report.closed,
        "rejected": report.rejected,
    }


def _event(actor: Actor, record: RegistryImport, report: ImportReport) -> RegistryImported:
    return RegistryImported(
        object_id=str(record.id),
        actor=actor.event_actor(),
        request_id=actor.request_id,
        kind=record.kind,
        mode=record.mode,
        as_of=record.as_of,
        org_id=record.org_id,
        file_name=record.file_name,
        file_sha256=record.file_sha256,
        added=report.added,
        changed=report.changed,
        unchanged=report.unchanged,
        closed=report.closed,
        rejected=report.rejected,
    )


__all__ = ["KINDS", "ImportMode", "ImportOptions", "ImportReport", "import_csv", "subtree_ids"]

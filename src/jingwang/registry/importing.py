"""Importing a registry CSV file: validate every row, then apply all of it, the good rows, or none.

:func:`import_csv` reads the file (:mod:`.csvfile`), validates each row with the record kind's
rules (:mod:`.kinds`: one module per kind, :data:`RECORD_KINDS`), checks that the actor may
manage the registry of every organisation the file names (and whatever else the kind asks,
:meth:`~.kinds.RecordKind.refuse`), reports duplicate keys, and then either applies nothing
(``good_rows=False``, the default, when any row is bad) or applies the good rows in the caller's
transaction (the kind's :class:`~.ledger.Ledger`). One :class:`~.events.RegistryImported`
event is emitted per applied import, with the counts.

For a kind whose rows belong to organisations, when ``org_id`` is given every row must be for
that organisation or one below it. Modes: ``delta`` (rows add or change records) and
``snapshot`` (the file is the whole inventory, on ``as_of``: of ``org_id`` (default: the
actor's organisation) and the organisations below it for an owned kind, of the whole register
within the actor's reach for the others; open records the file does not list are closed on that
date; when some rows were rejected nothing is closed, since a bad row may stand for a record
that still holds). A delta import's change date is ``as_of`` (default: today).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jingwang.accounts.errors import AccessDenied
from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, authorize, load_org_scope
from jingwang.core.memory import collector_paused
from jingwang.registry.channels import ChannelKind
from jingwang.registry.connections import ConnectionKind
from jingwang.registry.csvfile import CsvTable, FieldSpec, ReadLimits, RowError, read_table
from jingwang.registry.domains import DomainKind
from jingwang.registry.errors import (
    AsOfRequired,
    BadSpreadsheet,
    OrgNotApplicable,
    UnknownRecordKind,
)
from jingwang.registry.events import RegistryImported
from jingwang.registry.filings import FilingKind
from jingwang.registry.kinds import MANAGE, RecordKind
from jingwang.registry.ledger import KindRow, Ledger
from jingwang.registry.licences import LicenceKind
from jingwang.registry.models import RegistryChange, RegistryImport
from jingwang.registry.sites import SiteKind
from jingwang.registry.sp_services import SpServiceKind
from jingwang.registry.sublets import SubletKind
from jingwang.registry.xlsxfile import is_xlsx, read_xlsx
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit

AnyKind = RecordKind[Any]
RECORD_KINDS: dict[str, type[AnyKind]] = {
    kind.name: kind
    for kind in (
        ConnectionKind,
        FilingKind,
        SubletKind,
        SiteKind,
        DomainKind,
        LicenceKind,
        ChannelKind,
        SpServiceKind,
    )
}
KINDS = tuple(RECORD_KINDS)

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
    sheet: str | None = None  # the sheet of an XLSX file (default: the first)
    limits: ReadLimits = field(default_factory=ReadLimits)  # the settings' registry_import_max_*


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


def record_kind(session: Session, name: str) -> AnyKind:
    """The record kind ``name``, ready for one import or export."""
    kind = RECORD_KINDS.get(name)
    if kind is None:
        raise UnknownRecordKind(f"unknown record kind {name!r}: use one of {list(KINDS)}")
    return kind(session)


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


def _authorize_org(kind: AnyKind, actor: Actor, org_id: int) -> None:
    """Raise unless ``actor`` may import rows of ``org_id`` (its reach, or the kind allows)."""
    scope = load_org_scope(kind.session, org_id)
    try:
        authorize(actor, MANAGE, scope)
    except AccessDenied:
        if not kind.manages_beyond_reach(actor, scope):
            raise


def _denied_orgs(kind: AnyKind, actor: Actor, org_ids: set[int]) -> dict[int, str]:
    denied: dict[int, str] = {}
    for org_id in sorted(org_ids):
        try:
            _authorize_org(kind, actor, org_id)
        except AccessDenied as error:
            denied[org_id] = error.message
    return denied


def _refusal(
    kind: AnyKind,
    actor: Actor,
    row: KindRow,
    denied: dict[int, str],
    scope: set[int] | None,
) -> RowError | None:
    for column, org_id in row.orgs:
        if org_id in denied:
            reason = f"{denied[org_id]}: import only for your organisation and below"
            return RowError(row.line, column, reason)
    refused = kind.refuse(actor, row)
    if refused is not None:
        return refused
    if scope is not None and row.orgs and row.orgs[0][1] not in scope:
        reason = "not the organisation this import is for, nor one below it"
        return RowError(row.line, row.orgs[0][0], reason)
    return None


def _check_rows(
    kind: AnyKind,
    actor: Actor,
    table_rows: list[KindRow],
    scope: set[int] | None,
) -> tuple[list[KindRow], list[RowError]]:
    errors: list[RowError] = []
    orgs = {org_id for row in table_rows for _, org_id in row.orgs}
    denied = _denied_orgs(kind, actor, orgs)
    seen: dict[Hashable, int] = {}
    good: list[KindRow] = []
    for row in table_rows:
        refused = _refusal(kind, actor, row, denied, scope)
        if refused is not None:
            errors.append(refused)
        elif row.key in seen:
            reason = f"duplicate key ({row.describe_key()}): first on line {seen[row.key]}"
            errors.append(RowError(row.line, kind.key_column, reason))
        else:
            seen[row.key] = row.line
            good.append(row)
    return good, errors


def _scope(
    session: Session, actor: Actor, kind: AnyKind, options: ImportOptions
) -> tuple[int | None, set[int] | None]:
    """The organisation an import is for and, when rows must lie there, its subtree."""
    snapshot = options.mode is ImportMode.SNAPSHOT
    if not kind.owned:
        if options.org_id is not None:
            raise OrgNotApplicable(
                f"{kind.name} records belong to no organisation: leave out --org",
                kind=kind.name,
            )
        return None, None
    org_id = options.org_id if options.org_id is not None else actor.org_id
    if not (snapshot or options.org_id is not None):
        return org_id, None
    if org_id is None:
        raise AsOfRequired("a snapshot import needs the organisation whose inventory it is")
    _authorize_org(kind, actor, org_id)
    return org_id, subtree_ids(session, org_id)


def read_file(data: bytes, fields: tuple[FieldSpec, ...], options: ImportOptions) -> CsvTable:
    """The rows of an XLSX workbook (by name or magic bytes) or else a CSV file."""
    if is_xlsx(data, options.file_name):
        return read_xlsx(data, fields, options.mapping, options.sheet, options.limits)
    if options.sheet is not None:
        raise BadSpreadsheet("a sheet was named, but the file is CSV, not an XLSX workbook")
    return read_table(data, fields, options.mapping, options.limits)


def import_csv(
    session: Session,
    actor: Actor,
    data: bytes,
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate and (per ``options``) apply one CSV file; see the module documentation."""
    with collector_paused():  # millions of short-lived objects: see core.memory
        return _import_csv(session, actor, data, options, progress)


def _import_csv(
    session: Session,
    actor: Actor,
    data: bytes,
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    kind = record_kind(session, options.kind)
    kind.authorize(actor)
    snapshot = options.mode is ImportMode.SNAPSHOT
    if snapshot and options.as_of is None:
        raise AsOfRequired("a snapshot import needs the date of the inventory: give --as-of DATE")
    org_id, scope = _scope(session, actor, kind, options)
    as_of = options.as_of or utcnow().date()
    table = read_file(data, kind.fields, options)
    report = ImportReport(options.kind, options.mode.value, as_of, table.encoding)
    report.errors.extend(table.errors)
    valid: list[KindRow] = []
    for row in table.rows:
        checked = kind.validate(row)
        if isinstance(checked, list):
            report.errors.extend(checked)
        else:
            valid.append(checked)
    good, problems = _check_rows(kind, actor, valid, scope)
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
    ledger = kind.ledger(record.id, good, scope, snapshot)
    for done, good_row in enumerate(good, start=1):
        ledger.apply(good_row, as_of)
        if progress is not None:
            progress(done, len(good))
    # A bad row may stand for a record that still holds: close nothing then.
    if snapshot and not report.errors:
        ledger.close_missing([row.key for row in good], as_of)
    _record_changes(session, record.id, ledger)
    counts = ledger.counts
    report.added, report.changed = counts.added, counts.changed
    report.unchanged, report.closed = counts.unchanged, counts.closed
    report.applied, report.import_id = True, record.id
    record.counts = _counts(report)
    emit(session, _event(actor, record, report))
    return report


def _record_changes(session: Session, import_id: int, ledger: Ledger[Any, Any]) -> None:
    """Write the subjects of the records ``ledger`` opened or closed (for incremental audits)."""
    rows = [
        {"import_id": import_id, "domain_id": domain_id, "org_id": None}
        for domain_id in sorted(ledger.changed_domains)
    ] + [
        {"import_id": import_id, "domain_id": None, "org_id": org_id}
        for org_id in sorted(ledger.changed_orgs)
    ]
    if rows:
        session.execute(insert(RegistryChange), rows)


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


__all__ = [
    "KINDS",
    "RECORD_KINDS",
    "ImportMode",
    "ImportOptions",
    "ImportReport",
    "import_csv",
    "record_kind",
    "subtree_ids",
]

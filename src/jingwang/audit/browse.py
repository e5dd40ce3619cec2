"""Finding audit entries: filters, organisation scoping, newest-first pages with a cursor.

The web browser, the JSON API and the CSV export all read through here. Scoping is explicit:
``visible_org_ids`` is the set of organisation ids (as stored, strings) whose entries the
reader may see, or ``None`` for all of them. An entry without an organisation (the system, the
CLI operator, the public) is visible only to readers who see all. :func:`audit_scope` derives
that set from an :class:`~jingwang.accounts.policy.Actor` with the one permission policy: an
organisation's auditor sees its organisation and those below it, a regulator its province, the
reporting centre and the national regulator everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from jingwang.accounts.catalog import NATIONAL
from jingwang.accounts.policy import Actor, has_global_reach, visible_org_ids
from jingwang.audit.errors import InvalidAuditFilter
from jingwang.audit.log import AuditEntryInfo
from jingwang.audit.models import AuditEntry
from jingwang.store import Database

MAX_PAGE = 500
TEXT_LIMIT = 200


class AuditFilter(BaseModel):
    """What to look for; empty fields do not filter. ``action`` ending in ``*`` is a prefix."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    since: dt.datetime | None = Field(None, description="From this time on (inclusive).")
    until: dt.datetime | None = Field(None, description="Before this time (exclusive).")
    actor: str | None = Field(None, max_length=TEXT_LIMIT, description="Actor id (user name…).")
    org_id: str | None = Field(None, max_length=64, description="The actor's organisation id.")
    action: str | None = Field(
        None, max_length=100, description="Event name, e.g. accounts.login_failed or accounts.*"
    )
    object_type: str | None = Field(None, max_length=64)
    object_id: str | None = Field(None, max_length=TEXT_LIMIT)
    request_id: str | None = Field(None, max_length=64)

    def given(self) -> dict[str, str]:
        """The filters in use, as text (for links and for the export's audit event)."""
        return {k: _text(v) for k, v in self.model_dump().items() if v not in (None, "")}


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else str(value)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntryInfo]
    next_cursor: int | None  # pass as ``before`` for the next (older) page; None: no more


def audit_scope(session: Session, actor: Actor) -> frozenset[str] | None:
    """The organisation ids whose entries ``actor`` may read; None: every entry.

    Readers who reach every organisation (global reach, or province reach from the national
    level) also see the entries of no organisation: the system's and the operator's.
    """
    national = actor.org is not None and actor.org.province == NATIONAL
    if has_global_reach(actor, "read") or (actor.read_reach == "province" and national):
        return None
    return frozenset(str(org_id) for org_id in visible_org_ids(session, actor, "read"))


def _conditions(filters: AuditFilter, visible: Collection[str] | None) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if visible is not None:
        found.append(AuditEntry.org_id.in_(sorted(visible)))
    if filters.since is not None:
        found.append(AuditEntry.occurred_at >= filters.since)
    if filters.until is not None:
        found.append(AuditEntry.occurred_at < filters.until)
    for column, value in (
        (AuditEntry.actor_id, filters.actor),
        (AuditEntry.org_id, filters.org_id),
        (AuditEntry.object_type, filters.object_type),
        (AuditEntry.object_id, filters.object_id),
        (AuditEntry.request_id, filters.request_id),
    ):
        if value:
            found.append(column == value)
    if filters.action and filters.action.endswith("*"):
        prefix = filters.action.rstrip("*")
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found.append(AuditEntry.action.like(f"{escaped}%", escape="\\"))
    elif filters.action:
        found.append(AuditEntry.action == filters.action)
    return found


def _query(
    filters: AuditFilter, visible: Collection[str] | None, before: int | None, up_to: int | None
) -> Select[AuditEntry]:
    conditions = _conditions(filters, visible)
    if before is not None:
        conditions.append(AuditEntry.seq < before)
    if up_to is not None:
        conditions.append(AuditEntry.seq <= up_to)
    return select(AuditEntry).where(*conditions).order_by(AuditEntry.seq.desc())


def search_entries(
    session: Session,
    filters: AuditFilter,
    *,
    visible_org_ids: Collection[str] | None,
    before: int | None = None,
    limit: int = 50,
) -> AuditPage:
    """One page of matching entries, newest first, older than ``before`` (a cursor)."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidAuditFilter(f"limit must be 1 to {MAX_PAGE}", field="limit")
    rows = list(session.scalars(_query(filters, visible_org_ids, before, None).limit(limit + 1)))
    more = len(rows) > limit
    entries = [AuditEntryInfo.model_validate(row) for row in rows[:limit]]
    return AuditPage(entries, entries[-1].seq if more and entries else None)


def count_entries(
    session: Session, filters: AuditFilter, *, visible_org_ids: Collection[str] | None, up_to: int
) -> int:
    query = _query(filters, visible_org_ids, None, up_to).order_by(None)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def iter_entries(
    db: Database,
    filters: AuditFilter,
    *,
    visible_org_ids: Collection[str] | None,
    up_to: int,
    batch: int = 500,
) -> Iterator[AuditEntry]:
    """Every matching entry up to seq ``up_to``, newest first.

    Read ``batch`` entries per short transaction (keyset pages on ``seq``), so a long export
    never holds a transaction open (on SQLite that would hold the write lock). Entries are
    only ever appended and ``up_to`` bounds the set, so the pages add up to one consistent
    snapshot.
    """
    before: int | None = None
    while True:
        query = _query(filters, visible_org_ids, before, up_to).limit(batch)
        with db.session() as session:
            rows = list(session.scalars(query))
            for row in rows:
                session.expunge(row)
        yield from rows
        if len(rows) < batch:
            return
        before = rows[-1].seq


def head_seq(session: Session) -> int:
    return session.scalar(select(func.max(AuditEntry.seq))) or 0


def parse_time(text: str | None, zone: ZoneInfo, *, end: bool = False) -> dt.datetime | None:
    """A filter time: ISO 8601; without an offset in ``zone``. A bare date is the start of the
    day, or with ``end`` the start of the next (so ``until=2026-02-03`` includes that day)."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            start = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time())
            return start.replace(tzinfo=zone)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidAuditFilter(
            f"{text!r} is not a date or time: use 2026-02-03 or 2026-02-03T14:30 "
            "(ISO 8601; without an offset it is in the display time zone)",
            value=text,
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


__all__ = [
    "MAX_PAGE",
    "AuditFilter",
    "AuditPage",
    "audit_scope",
    "count_entries",
    "head_seq",
    "iter_entries",
    "parse_time",
    "search_entries",
]

"""The ``sublet`` record kind: which organisation let an IP range to which, on what evidence.

A row names the parent (the organisation that lets the range: a carrier, IDC, access provider
or reseller) and the child (the one it is let to), each by name or id, the IP range (an IPv4 or
IPv6 network or address, stored in normal form), optionally the evidence (a contract, an
allocation record: free text, at most 500 characters) and the date the letting began. The key
of a row is (parent, child, IP range); the evidence is the compared attribute. The actor must
reach both organisations for ``registry:manage``; a snapshot is the inventory of what the
organisations of the scope let (the parent is the owner of a row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, authorize, scope_filter
from jingwang.registry.cells import ip_bounds, ip_network, org_index, org_names, parse_date
from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.kinds import READ, RecordKind
from jingwang.registry.ledger import Ledger
from jingwang.registry.models import SubletEdge

KIND = "sublet"
EVIDENCE_MAX = 500

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("parent", ("出租方", "上级单位", "转租方", "parent_org"), required=True),
    FieldSpec("child", ("承租方", "下级单位", "转租对象", "child_org"), required=True),
    FieldSpec("ip_range", ("IP段", "IP地址段", "IP地址", "ip"), required=True),
    FieldSpec("evidence", ("证据", "依据", "说明")),
    FieldSpec("valid_from", ("开始日期", "转租日期", "since")),
)


@dataclass(frozen=True, slots=True)
class SubletRow:
    """One valid row of a sublet file."""

    line: int
    parent_org_id: int
    child_org_id: int
    ip_range: str
    evidence: str | None
    valid_from: dt.date | None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.parent_org_id, self.child_org_id, self.ip_range)

    @property
    def attributes(self) -> tuple[object, ...]:
        return (self.evidence,)

    @property
    def orgs(self) -> tuple[tuple[str, int], ...]:
        return (("parent", self.parent_org_id), ("child", self.child_org_id))

    def describe_key(self) -> str:
        return f"parent, child, ip_range {self.ip_range}"


def validate_row(row: CsvRow, orgs: dict[str, int]) -> SubletRow | list[RowError]:
    """The row as a :class:`SubletRow`, or every problem found in it."""
    errors: list[RowError] = []
    values = row.values

    def bad(column: str, reason: str) -> None:
        errors.append(RowError(row.line, column, reason, values.get(column)))

    found: dict[str, int] = {}
    for column in ("parent", "child"):
        org_id = orgs.get(values[column].casefold()) if values[column] else None
        if org_id is None:
            bad(column, "unknown organisation: give the name or id of a registered one")
        else:
            found[column] = org_id
    if found and found.get("parent") == found.get("child"):
        bad("child", "an organisation cannot let a range to itself")
    ip_range = ""
    try:
        ip_range = ip_network(values["ip_range"])
    except ValueError as error:
        bad("ip_range", str(error))
    evidence = values.get("evidence") or None
    if evidence is not None and len(evidence) > EVIDENCE_MAX:
        bad("evidence", f"the evidence is longer than {EVIDENCE_MAX} characters: shorten it")
    valid_from = None
    if values.get("valid_from"):
        try:
            valid_from = parse_date(values["valid_from"])
        except ValueError as error:
            bad("valid_from", str(error))
    if errors:
        return errors
    return SubletRow(
        line=row.line,
        parent_org_id=found["parent"],
        child_org_id=found["child"],
        ip_range=ip_range,
        evidence=evidence,
        valid_from=valid_from,
    )


class SubletLedger(Ledger[SubletRow, SubletEdge]):
    """The open sublet edges some parents let, by (parent, child, IP range)."""

    def __init__(self, session: Session, parent_ids: set[int], import_id: int) -> None:
        query = select(SubletEdge).where(
            SubletEdge.parent_org_id.in_(sorted(parent_ids)), SubletEdge.valid_to.is_(None)
        )
        found: dict[Hashable, tuple[SubletEdge, tuple[object, ...]]] = {
            (edge.parent_org_id, edge.child_org_id, edge.ip_range or ""): (edge, (edge.evidence,))
            for edge in session.scalars(query)
        }
        super().__init__(session, import_id, found)

    def create(self, row: SubletRow, start: dt.date) -> SubletEdge:
        ip_lo, ip_hi = ip_bounds(row.ip_range)
        record = SubletEdge(
            parent_org_id=row.parent_org_id,
            child_org_id=row.child_org_id,
            ip_range=row.ip_range,
            ip_lo=ip_lo,
            ip_hi=ip_hi,
            evidence=row.evidence,
            valid_from=start,
            source_import_id=self.import_id,
        )
        self.session.add(record)
        self.session.flush()
        return record


class SubletKind(RecordKind[SubletRow]):
    """Sublet edges: parent organisation → child organisation, for an IP range."""

    name = KIND
    fields = FIELDS
    key_column = "ip_range"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._orgs = org_index(session)

    def validate(self, row: CsvRow) -> SubletRow | list[RowError]:
        return validate_row(row, self._orgs)

    def ledger(
        self, import_id: int, rows: list[SubletRow], scope: set[int] | None, snapshot: bool
    ) -> SubletLedger:
        parents = {row.parent_org_id for row in rows} | (scope or set())
        return SubletLedger(self.session, parents, import_id)

    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        """Edges held on ``on`` whose parent or child is within ``actor``'s read reach."""
        authorize(actor, READ)
        query = select(SubletEdge).where(
            SubletEdge.valid_from <= on,
            or_(SubletEdge.valid_to.is_(None), SubletEdge.valid_to > on),
            or_(
                scope_filter(self.session, actor, SubletEdge.parent_org_id),
                scope_filter(self.session, actor, SubletEdge.child_org_id),
            ),
        )
        edges = list(self.session.scalars(query))
        names = org_names(
            self.session, {e.parent_org_id for e in edges} | {e.child_org_id for e in edges}
        )
        rows = [
            {
                "parent": names[e.parent_org_id],
                "child": names[e.child_org_id],
                "ip_range": e.ip_range or "",
                "evidence": e.evidence or "",
                "valid_from": e.valid_from.isoformat(),
            }
            for e in edges
        ]
        return sorted(rows, key=lambda r: (r["parent"], r["child"], r["ip_range"]))


__all__ = ["FIELDS", "KIND", "SubletKind", "SubletLedger", "SubletRow", "validate_row"]

"""The ``licence`` record kind: the telecom operating licences organisations hold.

A row names the organisation (by name or id), the licence number (free text, normalised: NFKC,
no spaces, upper case, so ``ｂ１-２００９０００１`` is ``B1-20090001``; it must hold a digit), the
kind of business licensed (idc, isp, cdn, value_added, other; ``互联网数据中心`` → idc,
``互联网接入`` → isp, ``内容分发`` → cdn, ``增值电信`` → value_added; other when empty), the status
(active, revoked, expired, cancelled, with the Chinese words filings use; active when empty),
the date it expires and the date it was granted. The key is (organisation, number); kind,
status and expiry are compared.

A licence belongs to the organisation that holds it: the actor must reach it with
``registry:manage``, or be a regulator of its province (or the national office, or the reporting
centre), since licences are granted by regulators. The ``unlicensed_reseller`` audit reads them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, OrgScope, authorize, reaches_regulated, scope_filter
from jingwang.registry.cells import org_index, org_names, parse_date
from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.filings import STATUSES
from jingwang.registry.kinds import MANAGE, READ, RecordKind
from jingwang.registry.landings import vocabulary, word
from jingwang.registry.ledger import Ledger
from jingwang.registry.models import OperatorLicence

KIND = "licence"
NUMBER_MAX = 64  # the column's length

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("org", ("单位", "单位名称", "持证单位", "organisation", "org_name"), required=True),
    FieldSpec(
        "number", ("许可证号", "经营许可证号", "许可证编号", "licence_number"), required=True
    ),
    FieldSpec("kind", ("业务类型", "许可类型", "业务种类", "type")),
    FieldSpec("status", ("状态", "许可状态", "许可证状态")),
    FieldSpec("expires_on", ("有效期至", "到期日期", "截止日期", "expires")),
    FieldSpec("valid_from", ("发证日期", "颁发日期", "批准日期", "since")),
)
LICENCE_KINDS = {
    "idc": ("互联网数据中心", "互联网数据中心业务", "数据中心"),
    "isp": ("互联网接入", "互联网接入服务", "互联网接入服务业务", "接入"),
    "cdn": ("内容分发", "内容分发网络", "内容分发网络业务"),
    "value_added": ("增值电信", "增值电信业务", "value-added"),
    "other": ("其他",),
}
_KIND_WORDS, _STATUS_WORDS = vocabulary(LICENCE_KINDS), vocabulary(STATUSES)
_SPACE = re.compile(r"\s+")


def normalise_number(text: str) -> str:
    """A licence number in normal form: NFKC, without spaces, upper case."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).upper()


@dataclass(frozen=True, slots=True)
class LicenceRow:
    """One valid row of a licence file."""

    line: int
    org_id: int
    number: str
    kind: str
    status: str
    expires_on: dt.date | None
    valid_from: dt.date | None

    @property
    def key(self) -> tuple[int, str]:
        return (self.org_id, self.number)

    @property
    def attributes(self) -> tuple[object, ...]:
        return (self.kind, self.status, self.expires_on)

    @property
    def orgs(self) -> tuple[tuple[str, int], ...]:
        return (("org", self.org_id),)

    def describe_key(self) -> str:
        return f"org, number {self.number}"


def _dates(values: dict[str, str], bad: _Bad) -> dict[str, dt.date | None]:
    found: dict[str, dt.date | None] = {}
    for column in ("expires_on", "valid_from"):
        found[column] = None
        if values.get(column):
            try:
                found[column] = parse_date(values[column])
            except ValueError as error:
                bad(column, str(error))
    return found


class _Bad:
    """Collects a row's problems."""

    def __init__(self, row: CsvRow) -> None:
        self.row = row
        self.errors: list[RowError] = []

    def __call__(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.row.line, column, reason, self.row.values.get(column)))


def validate_row(row: CsvRow, orgs: dict[str, int]) -> LicenceRow | list[RowError]:
    """The row as a :class:`LicenceRow`, or every problem found in it."""
    values, bad = row.values, _Bad(row)
    org_id = orgs.get(values["org"].casefold()) if values["org"] else None
    if org_id is None:
        bad("org", "unknown organisation: give the name or id of a registered one")
    number = normalise_number(values["number"])
    if not any(char.isdigit() for char in number) or len(number) > NUMBER_MAX:
        bad("number", f"not a licence number such as B1-20090001 (at most {NUMBER_MAX} chars)")
    chosen: dict[str, str] = {"kind": "other", "status": "active"}
    for column, words, what in (
        ("kind", _KIND_WORDS, "kind of licence"),
        ("status", _STATUS_WORDS, "status"),
    ):
        if values.get(column):
            try:
                chosen[column] = word(values[column], words, what)
            except ValueError as error:
                bad(column, str(error))
    dates = _dates(values, bad)
    if bad.errors or org_id is None:
        return bad.errors
    return LicenceRow(
        row.line,
        org_id,
        number,
        chosen["kind"],
        chosen["status"],
        dates["expires_on"],
        dates["valid_from"],
    )


class LicenceLedger(Ledger[LicenceRow, OperatorLicence]):
    """The open licences of some organisations, by (organisation, number)."""

    def __init__(self, session: Session, org_ids: set[int], import_id: int) -> None:
        query = select(OperatorLicence).where(
            OperatorLicence.org_id.in_(sorted(org_ids)), OperatorLicence.valid_to.is_(None)
        )
        found: dict[Hashable, tuple[OperatorLicence, tuple[object, ...]]] = {
            (r.org_id, r.number): (r, (r.kind, r.status, r.expires_on))
            for r in session.scalars(query)
        }
        super().__init__(session, import_id, found)

    def create(self, row: LicenceRow, start: dt.date) -> OperatorLicence:
        record = OperatorLicence(
            org_id=row.org_id,
            number=row.number,
            kind=row.kind,
            status=row.status,
            expires_on=row.expires_on,
            valid_from=start,
            source_import_id=self.import_id,
        )
        self.session.add(record)
        self.session.flush()
        return record


class LicenceKind(RecordKind[LicenceRow]):
    """Operating licences: organisation, number, kind, status, expiry."""

    name = KIND
    fields = FIELDS
    key_column = "number"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._orgs = org_index(session)

    def manages_beyond_reach(self, actor: Actor, org: OrgScope) -> bool:
        """Regulators grant licences: one may import those of its province's organisations."""
        return actor.can(MANAGE) and reaches_regulated(actor, org.province)

    def validate(self, row: CsvRow) -> LicenceRow | list[RowError]:
        return validate_row(row, self._orgs)

    def ledger(
        self, import_id: int, rows: list[LicenceRow], scope: set[int] | None, snapshot: bool
    ) -> LicenceLedger:
        holders = {row.org_id for row in rows} | (scope or set())
        return LicenceLedger(self.session, holders, import_id)

    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        """Licences held on ``on`` by organisations within ``actor``'s read reach."""
        authorize(actor, READ)
        query = select(OperatorLicence).where(
            OperatorLicence.valid_from <= on,
            or_(OperatorLicence.valid_to.is_(None), OperatorLicence.valid_to > on),
            scope_filter(self.session, actor, OperatorLicence.org_id),
        )
        records = list(self.session.scalars(query))
        names = org_names(self.session, {r.org_id for r in records})
        rows = [
            {
                "org": names[r.org_id],
                "number": r.number,
                "kind": r.kind,
                "status": r.status,
                "expires_on": r.expires_on.isoformat() if r.expires_on else "",
                "valid_from": r.valid_from.isoformat(),
            }
            for r in records
        ]
        return sorted(rows, key=lambda r: (r["org"], r["number"]))


__all__ = [
    "FIELDS",
    "KIND",
    "LicenceKind",
    "LicenceLedger",
    "LicenceRow",
    "normalise_number",
    "validate_row",
]

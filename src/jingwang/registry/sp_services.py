"""The ``sp_service`` record kind: SP services billed through a carrier (手机代收费).

A row names the carrier (an organisation of kind ``carrier``, by name or id: it owns the row),
the SP (a registered organisation, by name or id, or else any name: the name is always kept),
the service code (the key, with the carrier), the service's name, the billing type (monthly,
per_use, other; ``包月`` → monthly, ``点播``/``按次`` → per_use), the status (active, suspended,
terminated; active when empty), the landing URLs (``;``-separated, see :mod:`.landings`) and
the date the service began. Everything but the key is compared: a change closes the open version
and opens a new one with its own landing rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, authorize, scope_filter
from jingwang.registry.cells import org_names, parse_date
from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.kinds import READ, RecordKind
from jingwang.registry.landings import (
    CODE_MAX,
    NAME_MAX,
    SERVICE_STATUSES,
    Counterparts,
    add_landings,
    landing_subjects,
    landing_urls,
    landings_of,
    vocabulary,
    word,
)
from jingwang.registry.ledger import DomainBook, Ledger
from jingwang.registry.models import SpService

KIND = "sp_service"

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("carrier", ("运营商", "基础电信企业", "carrier_org"), required=True),
    FieldSpec("sp", ("SP", "SP名称", "服务提供商", "sp_name"), required=True),
    FieldSpec("code", ("业务代码", "服务代码", "service_code"), required=True),
    FieldSpec("name", ("业务名称", "服务名称", "service_name")),
    FieldSpec("billing_type", ("计费类型", "计费方式", "billing")),
    FieldSpec("status", ("状态", "业务状态")),
    FieldSpec("landing_urls", ("落地页", "落地页地址", "推广链接", "landing", "urls")),
    FieldSpec("valid_from", ("开始日期", "开通日期", "since")),
)
BILLING_TYPES = {
    "monthly": ("包月", "按月"),
    "per_use": ("点播", "按次", "per-use"),
    "other": ("其他",),
}
_BILLING_WORDS = vocabulary(BILLING_TYPES)
_STATUS_WORDS = vocabulary(SERVICE_STATUSES)


@dataclass(frozen=True, slots=True)
class SpServiceRow:
    """One valid row of an SP service file."""

    line: int
    carrier_org_id: int
    code: str
    sp_org_id: int | None
    sp_name: str
    name: str | None
    billing_type: str
    status: str
    landings: tuple[tuple[str, str], ...]  # (canonical URL, registrable domain), sorted
    valid_from: dt.date | None

    @property
    def key(self) -> tuple[int, str]:
        return (self.carrier_org_id, self.code)

    @property
    def attributes(self) -> tuple[object, ...]:
        urls = tuple(url for url, _ in self.landings)
        return (self.sp_org_id, self.sp_name, self.name, self.billing_type, self.status, urls)

    @property
    def orgs(self) -> tuple[tuple[str, int], ...]:
        return (("carrier", self.carrier_org_id),)

    def describe_key(self) -> str:
        return f"carrier, code {self.code}"


def _choice(values: dict[str, str], column: str, words: dict[str, str], what: str) -> str | None:
    """The name a cell stands for (``None`` when empty); ``ValueError`` when it is no choice."""
    return word(values[column], words, what) if values.get(column) else None


def validate_row(row: CsvRow, orgs: Counterparts) -> SpServiceRow | list[RowError]:
    """The row as a :class:`SpServiceRow`, or every problem found in it."""
    errors: list[RowError] = []
    values = row.values

    def bad(column: str, reason: str) -> None:
        errors.append(RowError(row.line, column, reason, values.get(column)))

    carrier, refused = orgs.carrier(values["carrier"])
    if refused is not None:
        bad("carrier", refused)
    sp_id, sp_name = orgs.counterpart(values["sp"])
    if not sp_name or len(sp_name) > NAME_MAX:
        bad("sp", f"give the SP's name (at most {NAME_MAX} characters)")
    code = values["code"]
    if not code or len(code) > CODE_MAX:
        bad("code", f"give the service code (at most {CODE_MAX} characters)")
    name = values.get("name") or None
    if name is not None and len(name) > NAME_MAX:
        bad("name", f"the name is longer than {NAME_MAX} characters: shorten it")
    chosen: dict[str, str | None] = {}
    for column, words, what in (
        ("billing_type", _BILLING_WORDS, "billing type"),
        ("status", _STATUS_WORDS, "service status"),
    ):
        try:
            chosen[column] = _choice(values, column, words, what)
        except ValueError as error:
            chosen[column] = None
            bad(column, str(error))
    landings, problems = landing_urls(values.get("landing_urls", ""))
    for problem in problems:
        bad("landing_urls", problem)
    valid_from = None
    if values.get("valid_from"):
        try:
            valid_from = parse_date(values["valid_from"])
        except ValueError as error:
            bad("valid_from", str(error))
    if errors or carrier is None:
        return errors
    return SpServiceRow(
        line=row.line,
        carrier_org_id=carrier,
        code=code,
        sp_org_id=sp_id,
        sp_name=sp_name,
        name=name,
        billing_type=chosen["billing_type"] or "other",
        status=chosen["status"] or "active",
        landings=landings,
        valid_from=valid_from,
    )


class SpServiceLedger(Ledger[SpServiceRow, SpService]):
    """The open SP services of some carriers, by (carrier, code)."""

    def __init__(self, session: Session, carrier_ids: set[int], import_id: int) -> None:
        query = select(SpService).where(
            SpService.carrier_org_id.in_(sorted(carrier_ids)), SpService.valid_to.is_(None)
        )
        records = list(session.scalars(query))
        urls = landings_of(session, KIND, [record.id for record in records])
        found: dict[Hashable, tuple[SpService, tuple[object, ...]]] = {
            (r.carrier_org_id, r.code): (
                r,
                (
                    r.sp_org_id,
                    r.sp_name,
                    r.name,
                    r.billing_type,
                    r.status,
                    tuple(urls.get(r.id, [])),
                ),
            )
            for r in records
        }
        super().__init__(session, import_id, found)
        self._domains = DomainBook(session)

    def subjects(self, record: SpService) -> tuple[set[int], set[int]]:
        return landing_subjects(self.session, KIND, record)

    def touch(self, row: SpServiceRow, on: dt.date) -> None:
        for _, domain in row.landings:
            self._domains.get(domain, row.valid_from or on)

    def create(self, row: SpServiceRow, start: dt.date) -> SpService:
        record = SpService(
            carrier_org_id=row.carrier_org_id,
            sp_org_id=row.sp_org_id,
            sp_name=row.sp_name,
            code=row.code,
            name=row.name,
            billing_type=row.billing_type,
            status=row.status,
            valid_from=start,
            source_import_id=self.import_id,
        )
        self.session.add(record)
        self.session.flush()
        add_landings(self.session, self._domains, KIND, record.id, row.landings)
        return record


class SpServiceKind(RecordKind[SpServiceRow]):
    """SP services: carrier, SP, code, name, billing type, status, landing URLs."""

    name = KIND
    fields = FIELDS
    key_column = "code"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._orgs = Counterparts(session)

    def validate(self, row: CsvRow) -> SpServiceRow | list[RowError]:
        return validate_row(row, self._orgs)

    def ledger(
        self, import_id: int, rows: list[SpServiceRow], scope: set[int] | None, snapshot: bool
    ) -> SpServiceLedger:
        carriers = {row.carrier_org_id for row in rows} | (scope or set())
        return SpServiceLedger(self.session, carriers, import_id)

    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        """Services held on ``on`` whose carrier is within ``actor``'s read reach."""
        authorize(actor, READ)
        query = select(SpService).where(
            SpService.valid_from <= on,
            or_(SpService.valid_to.is_(None), SpService.valid_to > on),
            scope_filter(self.session, actor, SpService.carrier_org_id),
        )
        records = list(self.session.scalars(query))
        names = org_names(self.session, {r.carrier_org_id for r in records})
        urls = landings_of(self.session, KIND, [r.id for r in records])
        rows = [
            {
                "carrier": names[r.carrier_org_id],
                "sp": r.sp_name,
                "code": r.code,
                "name": r.name or "",
                "billing_type": r.billing_type,
                "status": r.status,
                "landing_urls": ";".join(urls.get(r.id, [])),
                "valid_from": r.valid_from.isoformat(),
            }
            for r in records
        ]
        return sorted(rows, key=lambda r: (r["carrier"], r["code"]))


__all__ = ["FIELDS", "KIND", "SpServiceKind", "SpServiceLedger", "SpServiceRow", "validate_row"]

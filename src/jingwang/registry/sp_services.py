"""The ``sp_service`` record kind: SP services billed through a carrier (手机代收费).

A row names the carrier (an organisation of kind ``carrier``, by name or id: it owns the row),
the SP (a registered organisation, by name or id, or else any name: the name is always kept),
the service code (the key, with the carrier), the service's name, the billing type (monthly,
per_use, other; ``包月`` → monthly, ``点播``/``按次`` → per_use), the status (active, suspended,
terminated; active when empty), the landing URLs (``;``-separated, see :mod:`.landings`) and
the date the service began. Everything but the key is compared: a change closes the open version
and opens a new one with its own landing rows. What SP services share with promotion channels
(ledger, export, the shared cells) is in :mod:`.offers`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.landings import NAME_MAX, SERVICE_STATUSES, Counterparts, vocabulary, word
from jingwang.registry.models import SpService
from jingwang.registry.offers import OfferCells, OfferKind, OfferLedger

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
    cells = OfferCells(row)
    values = row.values
    carrier, sp_id, sp_name, code = cells.owner(orgs, "sp", "SP's", "service")
    name = values.get("name") or None
    if name is not None and len(name) > NAME_MAX:
        cells.bad("name", f"the name is longer than {NAME_MAX} characters: shorten it")
    chosen: dict[str, str | None] = {}
    for column, words, what in (
        ("billing_type", _BILLING_WORDS, "billing type"),
        ("status", _STATUS_WORDS, "service status"),
    ):
        try:
            chosen[column] = _choice(values, column, words, what)
        except ValueError as error:
            chosen[column] = None
            cells.bad(column, str(error))
    landings, valid_from = cells.landings_and_start()
    if cells.errors or carrier is None:
        return cells.errors
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


class SpServiceLedger(OfferLedger[SpServiceRow, SpService]):
    """The open SP services of some carriers, by (carrier, code)."""

    def compared(self, record: SpService) -> tuple[object, ...]:
        return (record.sp_org_id, record.sp_name, record.name, record.billing_type, record.status)

    def record(self, row: SpServiceRow, start: dt.date) -> SpService:
        return SpService(
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


class SpServiceKind(OfferKind[SpServiceRow, SpService]):
    """SP services: carrier, SP, code, name, billing type, status, landing URLs."""

    name = KIND
    fields = FIELDS
    model = SpService

    def validate(self, row: CsvRow) -> SpServiceRow | list[RowError]:
        return validate_row(row, self._orgs)

    def open_ledger(self, carrier_ids: set[int], import_id: int) -> SpServiceLedger:
        return SpServiceLedger(self.session, SpService, KIND, carrier_ids, import_id)

    def export_row(self, record: SpService, carrier: str, urls: list[str]) -> dict[str, str]:
        return {
            "carrier": carrier,
            "sp": record.sp_name,
            "code": record.code,
            "name": record.name or "",
            "billing_type": record.billing_type,
            "status": record.status,
            "landing_urls": ";".join(urls),
            "valid_from": record.valid_from.isoformat(),
        }


__all__ = ["FIELDS", "KIND", "SpServiceKind", "SpServiceLedger", "SpServiceRow", "validate_row"]

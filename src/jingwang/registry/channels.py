"""The ``channel`` record kind: a carrier's promotion channels (业务推广渠道) and where they lead.

A row names the carrier (an organisation of kind ``carrier``, by name or id: it owns the row),
the partner (a registered organisation, by name or id, or else any name: the name is always
kept), the channel code (the key, with the carrier: a file may hold each code once per
carrier), the status (active, suspended, terminated; ``正常``/``暂停``/``终止``; active when
empty), the landing URLs (``;``-separated; each canonicalised and stored with its registrable
domain, see :mod:`.landings`) and the date the channel began. Partner, status and landing URLs
are compared: a change closes the open version and opens a new one with its own landing rows.
What channels share with SP services (ledger, export, the shared cells) is in :mod:`.offers`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.landings import SERVICE_STATUSES, Counterparts, vocabulary, word
from jingwang.registry.models import PromotionChannel
from jingwang.registry.offers import OfferCells, OfferKind, OfferLedger

KIND = "channel"

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("carrier", ("运营商", "基础电信企业", "carrier_org"), required=True),
    FieldSpec("partner", ("合作方", "推广合作方", "渠道商", "partner_name"), required=True),
    FieldSpec("code", ("渠道编码", "渠道代码", "渠道号", "channel_code"), required=True),
    FieldSpec("status", ("状态", "渠道状态")),
    FieldSpec("landing_urls", ("落地页", "落地页地址", "推广链接", "landing", "urls")),
    FieldSpec("valid_from", ("开始日期", "合作日期", "since")),
)
_STATUS_WORDS = vocabulary(SERVICE_STATUSES)


@dataclass(frozen=True, slots=True)
class ChannelRow:
    """One valid row of a channel file."""

    line: int
    carrier_org_id: int
    code: str
    partner_org_id: int | None
    partner_name: str
    status: str
    landings: tuple[tuple[str, str], ...]  # (canonical URL, registrable domain), sorted
    valid_from: dt.date | None

    @property
    def key(self) -> tuple[int, str]:
        return (self.carrier_org_id, self.code)

    @property
    def attributes(self) -> tuple[object, ...]:
        urls = tuple(url for url, _ in self.landings)
        return (self.partner_org_id, self.partner_name, self.status, urls)

    @property
    def orgs(self) -> tuple[tuple[str, int], ...]:
        return (("carrier", self.carrier_org_id),)

    def describe_key(self) -> str:
        return f"carrier, code {self.code}"


def validate_row(row: CsvRow, orgs: Counterparts) -> ChannelRow | list[RowError]:
    """The row as a :class:`ChannelRow`, or every problem found in it."""
    cells = OfferCells(row)
    carrier, partner_id, partner, code = cells.owner(orgs, "partner", "partner's", "channel")
    status = "active"
    if row.values.get("status"):
        try:
            status = word(row.values["status"], _STATUS_WORDS, "channel status")
        except ValueError as error:
            cells.bad("status", str(error))
    landings, valid_from = cells.landings_and_start()
    if cells.errors or carrier is None:
        return cells.errors
    return ChannelRow(row.line, carrier, code, partner_id, partner, status, landings, valid_from)


class ChannelLedger(OfferLedger[ChannelRow, PromotionChannel]):
    """The open channels of some carriers, by (carrier, code)."""

    def compared(self, record: PromotionChannel) -> tuple[object, ...]:
        return (record.partner_org_id, record.partner_name, record.status)

    def record(self, row: ChannelRow, start: dt.date) -> PromotionChannel:
        return PromotionChannel(
            carrier_org_id=row.carrier_org_id,
            partner_org_id=row.partner_org_id,
            partner_name=row.partner_name,
            code=row.code,
            status=row.status,
            valid_from=start,
            source_import_id=self.import_id,
        )


class ChannelKind(OfferKind[ChannelRow, PromotionChannel]):
    """Promotion channels: carrier, partner, code, status, landing URLs."""

    name = KIND
    fields = FIELDS
    model = PromotionChannel

    def validate(self, row: CsvRow) -> ChannelRow | list[RowError]:
        return validate_row(row, self._orgs)

    def open_ledger(self, carrier_ids: set[int], import_id: int) -> ChannelLedger:
        return ChannelLedger(self.session, PromotionChannel, KIND, carrier_ids, import_id)

    def export_row(self, record: PromotionChannel, carrier: str, urls: list[str]) -> dict[str, str]:
        return {
            "carrier": carrier,
            "partner": record.partner_name,
            "code": record.code,
            "status": record.status,
            "landing_urls": ";".join(urls),
            "valid_from": record.valid_from.isoformat(),
        }


__all__ = ["FIELDS", "KIND", "ChannelKind", "ChannelLedger", "ChannelRow", "validate_row"]

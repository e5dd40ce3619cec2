"""The ``channel`` record kind: a carrier's promotion channels (业务推广渠道) and where they lead.

A row names the carrier (an organisation of kind ``carrier``, by name or id: it owns the row),
the partner (a registered organisation, by name or id, or else any name: the name is always
kept), the channel code (the key, with the carrier: a file may hold each code once per
carrier), the status (active, suspended, terminated; ``正常``/``暂停``/``终止``; active when
empty), the landing URLs (``;``-separated; each canonicalised and stored with its registrable
domain, see :mod:`.landings`) and the date the channel began. Partner, status and landing URLs
are compared: a change closes the open version and opens a new one with its own landing rows.
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
from jingwang.registry.models import PromotionChannel

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
    errors: list[RowError] = []
    values = row.values

    def bad(column: str, reason: str) -> None:
        errors.append(RowError(row.line, column, reason, values.get(column)))

    carrier, refused = orgs.carrier(values["carrier"])
    if refused is not None:
        bad("carrier", refused)
    partner_id, partner = orgs.counterpart(values["partner"])
    if not partner or len(partner) > NAME_MAX:
        bad("partner", f"give the partner's name (at most {NAME_MAX} characters)")
    code = values["code"]
    if not code or len(code) > CODE_MAX:
        bad("code", f"give the channel code (at most {CODE_MAX} characters)")
    status = "active"
    if values.get("status"):
        try:
            status = word(values["status"], _STATUS_WORDS, "channel status")
        except ValueError as error:
            bad("status", str(error))
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
    return ChannelRow(row.line, carrier, code, partner_id, partner, status, landings, valid_from)


class ChannelLedger(Ledger[ChannelRow, PromotionChannel]):
    """The open channels of some carriers, by (carrier, code)."""

    def __init__(self, session: Session, carrier_ids: set[int], import_id: int) -> None:
        query = select(PromotionChannel).where(
            PromotionChannel.carrier_org_id.in_(sorted(carrier_ids)),
            PromotionChannel.valid_to.is_(None),
        )
        records = list(session.scalars(query))
        urls = landings_of(session, KIND, [record.id for record in records])
        found: dict[Hashable, tuple[PromotionChannel, tuple[object, ...]]] = {
            (r.carrier_org_id, r.code): (
                r,
                (r.partner_org_id, r.partner_name, r.status, tuple(urls.get(r.id, []))),
            )
            for r in records
        }
        super().__init__(session, import_id, found)
        self._domains = DomainBook(session)

    def subjects(self, record: PromotionChannel) -> tuple[set[int], set[int]]:
        return landing_subjects(self.session, KIND, record)

    def touch(self, row: ChannelRow, on: dt.date) -> None:
        for _, domain in row.landings:
            self._domains.get(domain, row.valid_from or on)

    def create(self, row: ChannelRow, start: dt.date) -> PromotionChannel:
        record = PromotionChannel(
            carrier_org_id=row.carrier_org_id,
            partner_org_id=row.partner_org_id,
            partner_name=row.partner_name,
            code=row.code,
            status=row.status,
            valid_from=start,
            source_import_id=self.import_id,
        )
        self.session.add(record)
        self.session.flush()
        add_landings(self.session, self._domains, KIND, record.id, row.landings)
        return record


class ChannelKind(RecordKind[ChannelRow]):
    """Promotion channels: carrier, partner, code, status, landing URLs."""

    name = KIND
    fields = FIELDS
    key_column = "code"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._orgs = Counterparts(session)

    def validate(self, row: CsvRow) -> ChannelRow | list[RowError]:
        return validate_row(row, self._orgs)

    def ledger(
        self, import_id: int, rows: list[ChannelRow], scope: set[int] | None, snapshot: bool
    ) -> ChannelLedger:
        carriers = {row.carrier_org_id for row in rows} | (scope or set())
        return ChannelLedger(self.session, carriers, import_id)

    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        """Channels held on ``on`` whose carrier is within ``actor``'s read reach."""
        authorize(actor, READ)
        query = select(PromotionChannel).where(
            PromotionChannel.valid_from <= on,
            or_(PromotionChannel.valid_to.is_(None), PromotionChannel.valid_to > on),
            scope_filter(self.session, actor, PromotionChannel.carrier_org_id),
        )
        records = list(self.session.scalars(query))
        names = org_names(self.session, {r.carrier_org_id for r in records})
        urls = landings_of(self.session, KIND, [r.id for r in records])
        rows = [
            {
                "carrier": names[r.carrier_org_id],
                "partner": r.partner_name,
                "code": r.code,
                "status": r.status,
                "landing_urls": ";".join(urls.get(r.id, [])),
                "valid_from": r.valid_from.isoformat(),
            }
            for r in records
        ]
        return sorted(rows, key=lambda r: (r["carrier"], r["code"]))


__all__ = ["FIELDS", "KIND", "ChannelKind", "ChannelLedger", "ChannelRow", "validate_row"]

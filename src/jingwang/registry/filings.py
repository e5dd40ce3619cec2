"""The ``filing`` record kind: ICP filings and licences, the regulators' register.

A row gives the number (any form :func:`~jingwang.classify.parse_icp` reads; stored in its
canonical form, which is the key: a file may hold each number once), the holder, optionally the
kind (it must agree with the number's), the holder type (individual, company, government,
other), the status (active, revoked, expired, cancelled; active when empty), the province (it
must agree with the number's: the province is always taken from the number), the filed domains
(``;``-separated: each stored as its registrable domain, ASCII form) and the date it was granted.
Chinese values (``个人``, ``已吊销`` …) are read as their English names.

Filings belong to no organisation: who may import them is the policy's
(:func:`~jingwang.accounts.policy.authorize_regulated`): the reporting centre (global reach)
all of them, a regulator its province's (the national office all). A snapshot is the whole
register within the actor's reach: open filings it does not list are closed on its date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Hashable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from jingwang.accounts.catalog import NATIONAL, PROVINCES
from jingwang.accounts.policy import (
    Actor,
    authorize,
    authorize_regulated,
    reaches_regulated,
)
from jingwang.classify.identifiers.icp import IcpNumberError, parse_icp
from jingwang.core.domains import DomainError
from jingwang.registry.cells import normalise_domain, parse_date
from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError
from jingwang.registry.kinds import MANAGE, READ, RecordKind
from jingwang.registry.ledger import DomainBook, Ledger
from jingwang.registry.models import Domain, IcpFiledDomain, IcpFiling

KIND = "filing"
HOLDER_MAX = 300  # the column's length

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "number", ("备案号", "许可证号", "备案/许可证号", "ICP备案号", "icp", "icp_number"), True
    ),
    FieldSpec("kind", ("类型", "备案类型", "证照类型", "type")),
    FieldSpec("holder", ("主办单位", "主办单位名称", "主办者", "持有人", "holder_name"), True),
    FieldSpec("holder_type", ("主办单位性质", "单位性质", "性质")),
    FieldSpec("province", ("省份", "省", "备案省份")),
    FieldSpec("status", ("状态", "备案状态", "许可状态")),
    FieldSpec("domains", ("网站域名", "域名", "备案域名", "域名列表", "filed_domains")),
    FieldSpec("valid_from", ("审核通过日期", "审核日期", "批准日期", "备案日期", "since")),
)

NUMBER_KINDS = {
    "filing": ("备案", "icp备案"),
    "licence": ("许可证", "经营许可证", "icp证", "license"),
    "value_added_licence": ("增值电信业务经营许可证", "增值电信许可证", "b2"),
}
HOLDER_TYPES = {
    "individual": ("个人", "person"),
    "company": ("企业", "公司", "单位"),
    "government": ("政府机关", "政府", "国家机关", "机关"),
    "other": ("事业单位", "社会团体", "其他"),
}
STATUSES = {
    "active": ("正常", "有效", "已备案", "已审核"),
    "revoked": ("吊销", "已吊销", "撤销", "已撤销"),
    "expired": ("过期", "已过期"),
    "cancelled": ("注销", "已注销", "取消", "canceled"),
}
_PROVINCE_BY_NAME = {zh: code for code, (zh, _) in PROVINCES.items() if code != NATIONAL}
_SPLIT = re.compile(r"[;；、\s]+")
_CHUNK = 500  # numbers per IN (…): well under every backend's limit on parameters


def _vocabulary(values: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {word.casefold(): name for name, words in values.items() for word in (name, *words)}


_KIND_WORDS, _HOLDER_WORDS = _vocabulary(NUMBER_KINDS), _vocabulary(HOLDER_TYPES)
_STATUS_WORDS = _vocabulary(STATUSES)


@dataclass(frozen=True, slots=True)
class FilingRow:
    """One valid row of a filing file."""

    line: int
    number: str  # canonical
    kind: str
    holder: str
    holder_type: str | None
    province: str | None  # ISO 3166-2:CN letters ("GD"); None for a national (B2) licence
    status: str
    domains: tuple[str, ...]  # sorted, distinct
    valid_from: dt.date | None

    @property
    def key(self) -> str:
        return self.number

    @property
    def attributes(self) -> tuple[object, ...]:
        return (self.kind, self.holder, self.holder_type, self.status, self.domains)

    @property
    def orgs(self) -> tuple[tuple[str, int], ...]:
        return ()

    def describe_key(self) -> str:
        return f"number {self.number}"


def _word(text: str, words: dict[str, str], what: str) -> str:
    found = words.get(text.casefold())
    if found is None:
        names = sorted(set(words.values()))
        raise ValueError(f"{text!r} is not a {what}: use one of {', '.join(names)}")
    return found


def _province(text: str) -> str | None:
    """The ISO letters of a province cell: ``GD``, ``广东`` or ``广东省``."""
    upper = text.strip().upper()
    if upper in PROVINCES and upper != NATIONAL:
        return upper
    return _PROVINCE_BY_NAME.get(text.strip().removesuffix("省"))


def validate_row(row: CsvRow) -> FilingRow | list[RowError]:
    """The row as a :class:`FilingRow`, or every problem found in it."""
    errors: list[RowError] = []
    values = row.values

    def bad(column: str, reason: str) -> None:
        errors.append(RowError(row.line, column, reason, values.get(column)))

    number = kind = province = None
    try:
        parsed = parse_icp(values["number"])
        number, kind = parsed.canonical, parsed.kind.value
        province = _PROVINCE_BY_NAME.get(parsed.province_name or "")
    except IcpNumberError as error:
        bad("number", f"not an ICP filing or licence number: {error.message}")
    if not values["holder"]:
        bad("holder", "the holder is empty: give the name of the filing's holder")
    elif len(values["holder"]) > HOLDER_MAX:
        bad("holder", f"the holder is longer than {HOLDER_MAX} characters: shorten it")
    word = {"kind": _KIND_WORDS, "holder_type": _HOLDER_WORDS, "status": _STATUS_WORDS}
    what = {"kind": "kind of number", "holder_type": "holder type", "status": "status"}
    given: dict[str, str | None] = {}
    for column, words in word.items():
        given[column] = None
        if values.get(column):
            try:
                given[column] = _word(values[column], words, what[column])
            except ValueError as error:
                bad(column, str(error))
    if kind is not None and given["kind"] not in (None, kind):
        bad("kind", f"the number {number} is a {kind}, not a {given['kind']}")
    if values.get("province"):
        named = _province(values["province"])
        if named is None:
            bad("province", "not a province: give its letters (GD) or name (广东)")
        elif number is not None and named != province:
            bad("province", f"the number {number} is of {province or 'no province (national)'}")
    domains: set[str] = set()
    for name in _SPLIT.split(values.get("domains", "")):
        if name:
            try:
                domains.add(normalise_domain(name))
            except DomainError as error:
                bad("domains", error.message)
    valid_from = None
    if values.get("valid_from"):
        try:
            valid_from = parse_date(values["valid_from"])
        except ValueError as error:
            bad("valid_from", str(error))
    if errors or number is None or kind is None:
        return errors
    return FilingRow(
        line=row.line,
        number=number,
        kind=kind,
        holder=values["holder"],
        holder_type=given["holder_type"],
        province=province,
        status=given["status"] or "active",
        domains=tuple(sorted(domains)),
        valid_from=valid_from,
    )


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _filed_domains(session: Session, filing_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for start in range(0, len(filing_ids), _CHUNK):
        query = (
            select(IcpFiledDomain.filing_id, Domain.name)
            .join(Domain, Domain.id == IcpFiledDomain.domain_id)
            .where(IcpFiledDomain.filing_id.in_(filing_ids[start : start + _CHUNK]))
        )
        for filing_id, name in session.execute(query):
            names.setdefault(filing_id, []).append(name)
    return names


def _filed_domain_ids(session: Session, filing_ids: list[int]) -> dict[int, set[int]]:
    ids: dict[int, set[int]] = {}
    for start in range(0, len(filing_ids), _CHUNK):
        query = select(IcpFiledDomain.filing_id, IcpFiledDomain.domain_id).where(
            IcpFiledDomain.filing_id.in_(filing_ids[start : start + _CHUNK])
        )
        for filing_id, domain_id in session.execute(query):
            ids.setdefault(filing_id, set()).add(domain_id)
    return ids


class FilingLedger(Ledger[FilingRow, IcpFiling]):
    """Open filings by canonical number: those named, or every one of some provinces."""

    def __init__(
        self,
        session: Session,
        import_id: int,
        numbers: Collection[str] | None,
        provinces: Collection[str | None] | None,
        rows: Sequence[FilingRow] = (),
    ) -> None:
        found: list[IcpFiling] = []
        base = select(IcpFiling).where(IcpFiling.valid_to.is_(None))
        if numbers is not None:
            for chunk in _chunks(sorted(numbers)):
                found.extend(session.scalars(base.where(IcpFiling.number.in_(chunk))))
        else:
            if provinces is not None:
                named = sorted(p for p in provinces if p is not None)
                wanted = [IcpFiling.province.in_(named)]
                if None in provinces:
                    wanted.append(IcpFiling.province.is_(None))
                base = base.where(or_(*wanted))
            found.extend(session.scalars(base))
        domains = _filed_domains(session, [record.id for record in found])
        records: dict[Hashable, tuple[IcpFiling, tuple[object, ...]]] = {
            r.number: (
                r,
                (r.kind, r.holder, r.holder_type, r.status, tuple(sorted(domains.get(r.id, [])))),
            )
            for r in found
        }
        super().__init__(session, import_id, records)
        self._domains = DomainBook(session)
        # The domains each loaded filing lists (by filing id) and each new one (by object), so
        # noting a change asks the database nothing.
        filed_ids = _filed_domain_ids(session, [r.id for r in found])
        self._filed = {r.id: filed_ids.get(r.id, set()) for r in found}
        self._created: dict[int, set[int]] = {}
        # Every domain the rows name, loaded or created up front: applying the rows then asks
        # the database nothing, and the new filings are inserted in batches at the next flush.
        self._domains.prefetch(name for row in rows for name in row.domains)

    def subjects(self, record: IcpFiling) -> tuple[set[int], set[int]]:
        """A filing is about the domains it lists (and no organisation)."""
        filed = self._created.get(id(record))
        if filed is None and record.id is not None:
            filed = self._filed.get(record.id)
        if filed is None:
            query = select(IcpFiledDomain.domain_id).where(IcpFiledDomain.filing_id == record.id)
            filed = set(self.session.scalars(query))
        return set(filed), set()

    def touch(self, row: FilingRow, on: dt.date) -> None:
        for name in row.domains:
            self._domains.get(name, row.valid_from or on)

    def create(self, row: FilingRow, start: dt.date) -> IcpFiling:
        record = IcpFiling(
            number=row.number,
            kind=row.kind,
            holder=row.holder,
            holder_type=row.holder_type,
            province=row.province,
            status=row.status,
            valid_from=start,
            source_import_id=self.import_id,
        )
        filed = {self._domains.get(name).id for name in row.domains}
        record.filed = [IcpFiledDomain(domain_id=domain_id) for domain_id in sorted(filed)]
        self.session.add(record)  # flushed with the others, in batches
        self._created[id(record)] = filed
        return record


class FilingKind(RecordKind[FilingRow]):
    """ICP filings and licences: number, kind, holder, province, status, filed domains."""

    name = KIND
    fields = FIELDS
    key_column = "number"
    owned = False

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._provinces: set[str | None] | None = None  # a snapshot's reach; None: all

    def authorize(self, actor: Actor) -> None:
        authorize_regulated(actor, MANAGE)
        if not reaches_regulated(actor, None) and actor.org is not None:
            self._provinces = {actor.org.province}

    def refuse(self, actor: Actor, row: FilingRow) -> RowError | None:
        if reaches_regulated(actor, row.province):
            return None
        where = row.province or "the national register"
        reason = f"a filing of {where}: a provincial regulator imports only its own province's"
        return RowError(row.line, "number", reason, row.number)

    def validate(self, row: CsvRow) -> FilingRow | list[RowError]:
        return validate_row(row)

    def ledger(
        self, import_id: int, rows: list[FilingRow], scope: set[int] | None, snapshot: bool
    ) -> FilingLedger:
        numbers = None if snapshot else {row.number for row in rows}
        return FilingLedger(self.session, import_id, numbers, self._provinces, rows)

    def export(self, actor: Actor, on: dt.date) -> list[dict[str, str]]:
        authorize(actor, READ)
        query = (
            select(IcpFiling)
            .where(
                and_(
                    IcpFiling.valid_from <= on,
                    or_(IcpFiling.valid_to.is_(None), IcpFiling.valid_to > on),
                )
            )
            .order_by(IcpFiling.number, IcpFiling.id)
        )
        records = list(self.session.scalars(query))
        domains = _filed_domains(self.session, [record.id for record in records])
        return [
            {
                "number": r.number,
                "kind": r.kind,
                "holder": r.holder,
                "holder_type": r.holder_type or "",
                "province": r.province or "",
                "status": r.status,
                "domains": ";".join(sorted(domains.get(r.id, []))),
                "valid_from": r.valid_from.isoformat(),
            }
            for r in records
        ]


__all__ = ["FIELDS", "KIND", "FilingKind", "FilingLedger", "FilingRow", "validate_row"]

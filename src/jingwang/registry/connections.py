"""The ``connection`` record kind: who connected which domain, via what, since when.

A row names the provider (an access provider or reseller, by organisation name or id), the
domain (any host name: it is stored as its registrable domain, ASCII form), and optionally the
site's name, the IP range (an IPv4 or IPv6 network or address), the server, the contract
reference and the date the connection began. The key of a row is (provider, domain): a file
may hold each key once. The compared attributes decide whether a re-imported row changed the
open record.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.core.domains import DomainError, registrable_domain, to_ascii
from jingwang.registry.csvfile import CsvRow, FieldSpec, RowError

KIND = "connection"

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("provider", ("接入商", "接入服务商", "接入单位", "provider_org"), required=True),
    FieldSpec("domain", ("域名", "网站域名", "host"), required=True),
    FieldSpec("site", ("网站名称", "site_name")),
    FieldSpec("ip_range", ("IP段", "IP地址段", "IP地址", "ip")),
    FieldSpec("server", ("服务器", "服务器位置")),
    FieldSpec("contract_ref", ("合同编号", "合同号", "contract")),
    FieldSpec("valid_from", ("接入日期", "开始日期", "since")),
)

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


@dataclass(frozen=True, slots=True)
class ConnectionRow:
    """One valid row of a connection file."""

    line: int
    provider_org_id: int
    domain: str
    site: str | None
    ip_range: str | None
    server: str | None
    contract_ref: str | None
    valid_from: dt.date | None

    @property
    def key(self) -> tuple[int, str]:
        return (self.provider_org_id, self.domain)

    @property
    def attributes(self) -> tuple[str | None, ...]:
        return (self.site, self.ip_range, self.server, self.contract_ref)


def normalise_domain(text: str) -> str:
    """The registrable domain of a host name, ASCII form; raises :class:`DomainError`."""
    host = to_ascii(text.strip())
    found = registrable_domain(host)
    if found is None:
        raise DomainError(
            f"{text!r} has no registrable domain: give a name such as example.com.cn",
            host=text,
        )
    return found


def parse_date(text: str) -> dt.date:
    """A date written ``2010-01-05``, ``2010/01/05``, ``2010.01.05`` or ``20100105``."""
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date: write it as YYYY-MM-DD")


def org_index(session: Session) -> dict[str, int]:
    """Organisation names (case-folded) and ids (as text) → id, for resolving provider cells."""
    index: dict[str, int] = {}
    for org_id, name in session.execute(select(Organisation.id, Organisation.name)):
        index[name.strip().casefold()] = org_id
        index[str(org_id)] = org_id
    return index


def _ip_range(text: str) -> str:
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address or network such as 10.1.0.0/16") from None


def validate_row(row: CsvRow, orgs: dict[str, int]) -> ConnectionRow | list[RowError]:
    """The row as a :class:`ConnectionRow`, or every problem found in it."""
    errors: list[RowError] = []
    values = row.values

    def bad(column: str, reason: str) -> None:
        errors.append(RowError(row.line, column, reason, values.get(column)))

    provider = orgs.get(values["provider"].casefold()) if values["provider"] else None
    if provider is None:
        bad("provider", "unknown organisation: give the name or id of a registered one")
    domain = ""
    try:
        domain = normalise_domain(values["domain"])
    except DomainError as error:
        bad("domain", error.message)
    ip_range = valid_from = None
    if values.get("ip_range"):
        try:
            ip_range = _ip_range(values["ip_range"])
        except ValueError as error:
            bad("ip_range", str(error))
    if values.get("valid_from"):
        try:
            valid_from = parse_date(values["valid_from"])
        except ValueError as error:
            bad("valid_from", str(error))
    if errors or provider is None:
        return errors
    return ConnectionRow(
        line=row.line,
        provider_org_id=provider,
        domain=domain,
        site=values.get("site") or None,
        ip_range=ip_range,
        server=values.get("server") or None,
        contract_ref=values.get("contract_ref") or None,
        valid_from=valid_from,
    )


__all__ = [
    "FIELDS",
    "KIND",
    "ConnectionRow",
    "normalise_domain",
    "org_index",
    "parse_date",
    "validate_row",
]

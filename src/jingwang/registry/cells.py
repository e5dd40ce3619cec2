"""Reading cells shared by the record kinds: dates, domains, IP networks, organisations."""

from __future__ import annotations

import datetime as dt
import ipaddress

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.core.domains import DomainError, registrable_domain, to_ascii

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


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


def ip_network(text: str) -> str:
    """An IPv4 or IPv6 network or address, in its normal form (``10.1.0.0/16``)."""
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address or network such as 10.1.0.0/16") from None


def ip_bounds(network: str | None) -> tuple[str | None, str | None]:
    """The first and last address of a network as 32 hex digits (IPv4 as ``::ffff:a.b.c.d``).

    Text bounds compare in address order on every backend, so "range A lies within range B"
    is ``B.lo <= A.lo AND A.hi <= B.hi`` in plain SQL.
    """
    if not network:
        return None, None
    net = ipaddress.ip_network(network, strict=False)
    offset = 0xFFFF00000000 if net.version == 4 else 0
    low = int(net.network_address) + offset
    high = int(net.broadcast_address) + offset
    return f"{low:032x}", f"{high:032x}"


def org_index(session: Session) -> dict[str, int]:
    """Organisation names (case-folded) and ids (as text) → id, for resolving org cells."""
    index: dict[str, int] = {}
    for org_id, name in session.execute(select(Organisation.id, Organisation.name)):
        index[name.strip().casefold()] = org_id
        index[str(org_id)] = org_id
    return index


def org_names(session: Session, ids: set[int]) -> dict[int, str]:
    """The names of the organisations ``ids``."""
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(sorted(ids)))
    )
    return {row.id: row.name for row in rows}


__all__ = ["ip_bounds", "ip_network", "normalise_domain", "org_index", "org_names", "parse_date"]

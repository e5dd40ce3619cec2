"""What the carriers' kinds share: landing URLs, carrier and counterpart cells, statuses.

Promotion channels and SP services (:mod:`.channels`, :mod:`.sp_services`) both belong to a
carrier, name a counterpart (a promotion partner, an SP) that may or may not be a registered
organisation, and lead to landing URLs. A landing URL is canonicalised
(:func:`jingwang.core.url.canonicalize`) and stored with the registrable domain of its host, so
an audit can join landings to sites and decisions by domain. Landing rows belong to one version
of their owner: a change of URLs closes the version and opens a new one with new rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.core.domains import DomainError
from jingwang.core.url import URLError, canonicalize
from jingwang.registry.cells import normalise_domain, org_index
from jingwang.registry.ledger import DomainBook
from jingwang.registry.models import Landing, PromotionChannel, SpService

CARRIER = "carrier"
URL_MAX = 2000  # the column's length
NAME_MAX = 300
CODE_MAX = 64
_SPLIT = re.compile(r"[;；\s]+")

# Channels and SP services share their statuses.
SERVICE_STATUSES = {
    "active": ("正常", "有效", "在用"),
    "suspended": ("暂停", "已暂停", "suspend"),
    "terminated": ("终止", "已终止", "停用", "已停用", "terminate"),
}


def vocabulary(values: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every word of ``values`` (the names too), case-folded → the name it stands for."""
    return {word.casefold(): name for name, words in values.items() for word in (name, *words)}


def word(text: str, words: dict[str, str], what: str) -> str:
    """The name ``text`` stands for in ``words``; ``ValueError`` naming the choices if none."""
    found = words.get(text.strip().casefold())
    if found is None:
        names = sorted(set(words.values()))
        raise ValueError(f"{text!r} is not a {what}: use one of {', '.join(names)}")
    return found


def landing_urls(text: str) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The ``;``-separated URLs of a cell as sorted, distinct (canonical URL, domain) pairs,
    and the reason each bad one was refused."""
    found: set[tuple[str, str]] = set()
    problems: list[str] = []
    for raw in _SPLIT.split(text):
        if not raw:
            continue
        try:
            url = canonicalize(raw if "://" in raw else f"http://{raw}")
            found.add((url.url, normalise_domain(url.host)))
        except (URLError, DomainError) as error:
            problems.append(f"{raw!r} is not a landing URL: {error.message}")
            continue
        if len(url.url) > URL_MAX:
            problems.append(f"a URL is longer than {URL_MAX} characters: {raw[:60]}…")
    return tuple(sorted(found)), problems


class Counterparts:
    """Reads the organisation cells of a carrier's record: the carrier, and a counterpart
    (partner, SP) that is a registered organisation or else just a name."""

    def __init__(self, session: Session) -> None:
        self._orgs = org_index(session)
        self._kinds: dict[int, str] = {}
        self._names: dict[int, str] = {}
        for org_id, name, kind in session.execute(
            select(Organisation.id, Organisation.name, Organisation.kind)
        ):
            self._kinds[org_id], self._names[org_id] = kind, name

    def carrier(self, text: str) -> tuple[int | None, str | None]:
        """The carrier's id, or the reason the cell names none."""
        org_id = self._orgs.get(text.strip().casefold()) if text else None
        if org_id is None:
            return None, "unknown organisation: give the name or id of a registered carrier"
        if self._kinds.get(org_id) != CARRIER:
            return None, f"not a carrier (a {self._kinds.get(org_id)}): name a carrier"
        return org_id, None

    def counterpart(self, text: str) -> tuple[int | None, str]:
        """The counterpart's id when it is registered (else ``None``), and its name."""
        org_id = self._orgs.get(text.strip().casefold())
        return org_id, self._names[org_id] if org_id is not None else text.strip()


def add_landings(
    session: Session,
    domains: DomainBook,
    owner_kind: str,
    owner_id: int,
    urls: Iterable[tuple[str, str]],
) -> None:
    """Write the landing rows of one version of a channel or SP service."""
    for url, domain in urls:
        found = domains.get(domain)
        session.add(Landing(owner_kind=owner_kind, owner_id=owner_id, url=url, domain_id=found.id))
    session.flush()


def landing_subjects(
    session: Session, owner_kind: str, record: PromotionChannel | SpService
) -> tuple[set[int], set[int]]:
    """A channel's or SP service's subjects: its landing domains, its carrier and counterpart."""
    query = select(Landing.domain_id).where(
        Landing.owner_kind == owner_kind, Landing.owner_id == record.id
    )
    counterpart = (
        record.partner_org_id if isinstance(record, PromotionChannel) else record.sp_org_id
    )
    orgs = {record.carrier_org_id} | ({counterpart} if counterpart is not None else set())
    return set(session.scalars(query)), orgs


def landings_of(session: Session, owner_kind: str, owner_ids: list[int]) -> dict[int, list[str]]:
    """The landing URLs of each of ``owner_ids`` (sorted), in chunks the backends accept."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(owner_ids), 500):
        query = select(Landing.owner_id, Landing.url).where(
            Landing.owner_kind == owner_kind,
            Landing.owner_id.in_(owner_ids[start : start + 500]),
        )
        for owner_id, url in session.execute(query):
            found.setdefault(owner_id, []).append(url)
    return {owner: sorted(urls) for owner, urls in found.items()}


__all__ = [
    "CARRIER",
    "CODE_MAX",
    "NAME_MAX",
    "SERVICE_STATUSES",
    "Counterparts",
    "add_landings",
    "landing_subjects",
    "landing_urls",
    "landings_of",
    "vocabulary",
    "word",
]

"""ICP numbers seen on pages: what a site prints in its footer, kept for the audits.

:func:`record_page_numbers` reads a page's text for filing and licence numbers
(:func:`~jingwang.classify.extract_icp_numbers`) and stores one
:class:`~.models.ObservedNumber` per number found (a valid one in canonical form, an invalid one
as printed), or one row with neither when the page shows none, so "the latest observation"
of a domain always says what its page showed. The domain is the registrable domain of the URL's
host (created in the registry when new). The prober calls it for every page; ``jingwang
registry observe`` for a manual check. The ``page_number_mismatch`` and
``domain_not_in_filing`` audits read the latest observation of each connected domain.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwang.classify import extract_icp_numbers
from jingwang.core.url import URLError, canonicalize
from jingwang.registry.cells import normalise_domain
from jingwang.registry.ledger import DomainBook
from jingwang.registry.models import ObservedNumber
from jingwang.store.base import utcnow

TEXT_MAX = 200  # the column's length
URL_MAX = 2000


def page_domain(url: str) -> tuple[str, str]:
    """The canonical URL (a scheme is assumed when missing) and its host's registrable domain.

    Raises :class:`~jingwang.core.url.URLError` or :class:`~jingwang.core.domains.DomainError`.
    """
    text = url.strip()
    if "://" not in text:
        text = f"http://{text}"
    canonical = canonicalize(text)
    if canonical.is_ip:
        raise URLError(f"{url!r} names an IP address: observe a page under a domain name", url=url)
    return canonical.url, normalise_domain(canonical.host)


def record_page_numbers(
    session: Session,
    url: str,
    text: str,
    *,
    source: str = "probe",
    capture_ref: str | None = None,
    observed_at: dt.datetime | None = None,
) -> list[ObservedNumber]:
    """Store the ICP numbers ``text`` (the page at ``url``) shows; see the module documentation."""
    page, name = page_domain(url)
    seen = observed_at or utcnow()
    domain = DomainBook(session).get(name, seen.date())
    rows: list[ObservedNumber] = []
    shown: set[tuple[str | None, str | None]] = set()
    for found in extract_icp_numbers(text):
        value = (found.canonical, None) if found.valid else (None, found.raw.strip()[:TEXT_MAX])
        if value in shown:
            continue
        shown.add(value)
        rows.append(_row(domain.id, page, value, source, capture_ref, seen))
    if not rows:
        rows.append(_row(domain.id, page, (None, None), source, capture_ref, seen))
    session.add_all(rows)
    session.flush()
    return rows


def _row(
    domain_id: int,
    url: str,
    value: tuple[str | None, str | None],
    source: str,
    capture_ref: str | None,
    seen: dt.datetime,
) -> ObservedNumber:
    return ObservedNumber(
        domain_id=domain_id,
        url=url[:URL_MAX],
        number=value[0],
        text=value[1],
        source=source,
        capture_ref=capture_ref,
        observed_at=seen,
    )


__all__ = ["page_domain", "record_page_numbers"]

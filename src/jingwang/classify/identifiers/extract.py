"""The one identifier extractor: every kind, with positions into the text as given.

:func:`extract_identifiers` folds the text once (:mod:`.folding`: full-width digits and
letters, ideographic spaces and dashes become ASCII, positions are kept) and runs the finders
of each kind: ``icp`` (:mod:`.icp`), ``email``, ``analytics``, ``payment`` (:mod:`.trackers`),
``qq``, ``sp_code``, ``phone`` (:mod:`.contacts`, :mod:`.codes`), ``channel_code``.

Kinds are tried in that order and a match that overlaps one already taken is dropped: the
digits of an ICP number are not a phone, a QQ number after ``QQ:`` is not also a mobile, the
digits of an e-mail address are neither. Channel codes (URL query parameters) are kept
whatever they overlap. At most :data:`MAX_PER_KIND` matches of each pattern are read, so a page
of 100,000 numbers costs no more than a normal one. Results come in text order.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterator, Sequence

from jingwang.classify.identifiers.codes import find_channel_codes, find_sp_codes
from jingwang.classify.identifiers.contacts import find_emails, find_phones, find_qq
from jingwang.classify.identifiers.folding import FoldedText
from jingwang.classify.identifiers.icp import extract_icp_numbers
from jingwang.classify.identifiers.spans import Candidate, spot
from jingwang.classify.identifiers.trackers import find_analytics, find_payments
from jingwang.probe.types import Identifier, Link

MAX_PER_KIND = 500

Finder = Callable[[str, int], Iterator[Candidate]]


def _find_icp(text: str, limit: int) -> Iterator[Candidate]:
    for number in extract_icp_numbers(text)[:limit]:
        yield Candidate("icp", number.canonical, number.start, number.end, number.problems)


# (kind, finder); the ICP finder works on the original text (it folds by itself).
FINDERS: tuple[tuple[str, Finder], ...] = (
    ("email", find_emails),
    ("analytics", find_analytics),
    ("payment", find_payments),
    ("qq", find_qq),
    ("sp_code", find_sp_codes),
    ("phone", find_phones),
    ("channel_code", find_channel_codes),
)
KINDS = ("icp", *(kind for kind, _ in FINDERS))


def extract_identifiers(
    text: str, *, source: str = "text", kinds: Collection[str] | None = None
) -> list[Identifier]:
    """Every identifier in ``text`` (of ``kinds``, default all), in text order."""
    wanted = KINDS if kinds is None else tuple(kinds)
    unknown = set(wanted) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown identifier kinds {sorted(unknown)}; known: {list(KINDS)}")
    folded = FoldedText.of(text)
    taken = _Spans()
    found: list[Identifier] = []
    if "icp" in wanted:
        for candidate in _find_icp(text, MAX_PER_KIND):
            taken.add(candidate.start, candidate.end)  # already positions into ``text``
            found.append(_icp_identifier(candidate, text, source))
    for kind, finder in FINDERS:
        if kind not in wanted:
            continue
        for candidate in sorted(finder(folded.folded, MAX_PER_KIND), key=lambda c: c.start):
            if kind != "channel_code":
                start, end = folded.span(candidate.start, candidate.end)
                if taken.overlaps(start, end):
                    continue
                taken.add(start, end)
            found.append(spot(candidate, folded, source))
    found.sort(key=lambda identifier: (identifier.start, identifier.end))
    return found


def _icp_identifier(candidate: Candidate, text: str, source: str) -> Identifier:
    return Identifier(
        kind="icp",
        value=candidate.value,
        raw=text[candidate.start : candidate.end],
        start=candidate.start,
        end=candidate.end,
        source=source,
        problems=candidate.problems,
    )


def extract_from_links(links: Sequence[Link]) -> list[Identifier]:
    """Identifiers in link URLs (``source="link"``; positions index each link's URL)."""
    found: list[Identifier] = []
    for link in links:
        found.extend(_in_link(link.url))
    return found


@functools.lru_cache(maxsize=4096)  # a site's pages share their menus: the same URLs again
def _in_link(url: str) -> tuple[Identifier, ...]:
    return tuple(extract_identifiers(url, source="link"))


class _Spans:
    """Disjoint spans taken so far, sorted by start, for overlap checks in log time."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect_left(self.starts, end)  # spans starting before ``end``
        return index > 0 and self.ends[index - 1] > start

    def add(self, start: int, end: int) -> None:
        index = bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)


__all__ = ["KINDS", "MAX_PER_KIND", "extract_from_links", "extract_identifiers"]

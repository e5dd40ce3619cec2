"""Matches on folded text turned into :class:`Identifier` values with original positions.

Every finder in this package matches ASCII patterns against :class:`.folding.FoldedText`
``folded``; :func:`spot` maps the span back so ``start``/``end`` index the text as given
and ``raw`` is exactly what the page shows (full-width digits and all).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from jingwang.classify.identifiers.folding import FoldedText
from jingwang.probe.types import Identifier


@dataclass(frozen=True, slots=True)
class Candidate:
    """A match before overlap resolution: its kind, canonical value and folded span."""

    kind: str
    value: str
    start: int
    end: int
    problems: tuple[str, ...] = ()


def spot(candidate: Candidate, folded: FoldedText, source: str) -> Identifier:
    start, end = folded.span(candidate.start, candidate.end)
    return Identifier(
        kind=candidate.kind,
        value=candidate.value,
        raw=folded.original[start:end],
        start=start,
        end=end,
        source=source,
        problems=candidate.problems,
    )


def finditer(pattern: re.Pattern[str], text: str, limit: int) -> Iterator[re.Match[str]]:
    """At most ``limit`` matches (a page of 100,000 phone numbers is not 100,000 findings)."""
    for count, match in enumerate(pattern.finditer(text)):
        if count >= limit:
            return
        yield match


__all__ = ["Candidate", "finditer", "spot"]

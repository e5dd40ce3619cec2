"""Text folded for identifier matching, with a map back to the original positions.

Pages print identifiers in full-width digits and letters (``粤ＩＣＰ备２０２１１２３４５６号``),
with ideographic spaces, full-width colons and dashes. :class:`FoldedText` applies Unicode
NFKC to each character on its own and turns the dash family (``‐ ‑ ‒ – — ― − ﹣ －``) into
``-``, so one pattern written in ASCII finds them all. Folding character by character (not
NFKC over the whole string) is what keeps the position map exact: every folded character comes
from exactly one original character, and :meth:`FoldedText.span` maps a match back to the
original text so a reviewer's screen can highlight what the page really shows.

Most characters fold to one character, so the common case needs no map at all; a character
that folds to several (``…`` → ``...``, ``㍿`` → ``株式会社``) is recorded as a breakpoint and
positions are mapped by binary search. Folding is linear in the length of the text and never
raises.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def _fold(char: str) -> str:
    """One character folded (never empty)."""
    return "-" if char in _DASHES else unicodedata.normalize("NFKC", char) or char


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character (cached per process)."""

    def __missing__(self, codepoint: int) -> str:
        folded = _fold(chr(codepoint))
        if len(self) < _TABLE_LIMIT:  # a page of every code point must not grow it unbounded
            self[codepoint] = folded
        return folded


_TABLE_LIMIT = 1 << 16
_TABLE = _FoldTable()


def fold_char(char: str) -> str:
    """The folded form of one character: one or more characters, never empty."""
    return _TABLE[ord(char)]


@functools.cache
def _changing() -> re.Pattern[str]:
    """A character class of every character folding may change: the BMP characters it does
    change (worked out once, in about 10 ms), every astral one and every lone surrogate
    (left to the table). ``str.translate`` looks every character up in a dict; searching for
    these and folding only them is five times faster on a page, where few characters fold."""
    ranges: list[list[int]] = []
    for codepoint in range(0x80, 0x10000):
        if 0xD800 <= codepoint <= 0xDFFF or _fold(chr(codepoint)) == chr(codepoint):
            continue
        if ranges and ranges[-1][1] == codepoint - 1:
            ranges[-1][1] = codepoint
        else:
            ranges.append([codepoint, codepoint])
    spans = "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    )
    return re.compile(f"[{spans}\\ud800-\\udfff\\U00010000-\\U0010ffff]")


def _fold_match(match: re.Match[str]) -> str:
    return _TABLE[ord(match.group())]


@dataclass(frozen=True, slots=True)
class FoldedText:
    """``folded`` is ``original`` after folding; ``span`` maps positions back.

    ``_starts[k]``/``_ends[k]`` delimit, in ``folded``, the expansion of the original
    character ``_origins[k]``; ``_shifts[k]`` is how many characters ``folded`` has gained
    over ``original`` once that expansion is over.
    """

    original: str
    folded: str
    _starts: tuple[int, ...] = ()
    _ends: tuple[int, ...] = ()
    _origins: tuple[int, ...] = ()
    _shifts: tuple[int, ...] = ()

    @classmethod
    def of(cls, text: str) -> FoldedText:
        if text.isascii():
            return cls(text, text)
        folded = _changing().sub(_fold_match, text)
        if len(folded) == len(text):  # no character folds to nothing, so none expanded
            return cls(text, folded)
        return cls._with_map(text, folded)

    @classmethod
    def _with_map(cls, text: str, folded: str) -> FoldedText:
        starts: list[int] = []
        ends: list[int] = []
        origins: list[int] = []
        shifts: list[int] = []
        position = 0
        for index, char in enumerate(text):
            width = len(fold_char(char))
            if width != 1:
                starts.append(position)
                ends.append(position + width)
                origins.append(index)
                shifts.append(position + width - index - 1)
            position += width
        return cls(text, folded, tuple(starts), tuple(ends), tuple(origins), tuple(shifts))

    def original_index(self, position: int) -> int:
        """The index in ``original`` of the character that produced ``folded[position]``."""
        k = bisect_right(self._starts, position) - 1
        if k < 0:
            return position
        if position < self._ends[k]:
            return self._origins[k]
        return position - self._shifts[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``original`` whose folding contains ``folded[start:end]`` (non-empty)."""
        return self.original_index(start), self.original_index(end - 1) + 1


__all__ = ["FoldedText", "fold_char"]

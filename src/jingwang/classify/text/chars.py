"""Per-character tables behind text normalisation: folding and character classes.

Normalising a megabyte of page text one character at a time in Python is far too slow, so each
character question is answered once per code point and kept in a numpy table; a whole text is
then looked up in C (``table[codes]``). The tables cover the Basic Multilingual Plane (built on
first use, about a tenth of a second); the rarer astral characters (emoji, mathematical letters
such as ``𝐬𝐞𝐱``, rare Chinese characters) are answered by small memoised functions.

* **Folding** (:func:`fold_of`): Unicode NFKC (full-width ``ｓｅｘ`` → ``sex``, circled ``①`` →
  ``1``, compatibility ideographs → unified ones) and case folding, per character. A character
  that is not a letter or digit after folding becomes one space: it will be removed anyway, and
  the space keeps OpenCC away from control characters and surrogates it cannot encode.
* **Classes** (:func:`class_of`): 0 for characters normalisation removes (anything not a letter
  or digit in Unicode terms), 1 for CJK scripts (written without spaces), 2 for other letters,
  3 for digits. A change of class is a word boundary.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

REMOVED, CJK, LETTER, DIGIT = 0, 1, 2, 3
SPACE = 0x20
EXPANDS = 0xFFFFFFFF  # fold table marker: the character folds to several characters
BMP = 0x10000

# Scripts written without spaces between words: Han (with 〇), kana, Hangul, bopomofo.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x3007, 0x3007),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3130, 0x318F),
    (0x31A0, 0x31BF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
)


def _is_cjk(codepoint: int) -> bool:
    return any(low <= codepoint <= high for low, high in _CJK_RANGES)


def fold_char(char: str) -> str:
    """NFKC and case folding of one character; a single space when nothing kept remains."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", char).casefold())
    if not any(part.isalnum() for part in folded):
        return " "
    return folded


def char_class(char: str) -> int:
    """REMOVED, CJK, LETTER or DIGIT for one character (after folding)."""
    if not char.isalnum():
        return REMOVED
    codepoint = ord(char)
    if _is_cjk(codepoint):
        return CJK
    if char.isdigit() or char.isnumeric():
        return DIGIT
    return LETTER


@lru_cache(maxsize=4096)
def astral_fold(codepoint: int) -> str:
    return fold_char(chr(codepoint))


@lru_cache(maxsize=4096)
def astral_class(codepoint: int) -> int:
    return char_class(chr(codepoint))


@dataclass(frozen=True, slots=True)
class CharTables:
    """The BMP tables: ``fold[cp]`` (a code point, or EXPANDS) and ``classes[cp]``."""

    fold: npt.NDArray[np.uint32]
    classes: npt.NDArray[np.uint8]
    expansions: dict[int, str]  # code point -> its folding, for the EXPANDS entries


def _build() -> CharTables:
    fold = np.empty(BMP, dtype=np.uint32)
    classes = np.empty(BMP, dtype=np.uint8)
    expansions: dict[int, str] = {}
    for codepoint in range(BMP):
        char = chr(codepoint)
        classes[codepoint] = REMOVED if 0xD800 <= codepoint <= 0xDFFF else char_class(char)
        folded = " " if 0xD800 <= codepoint <= 0xDFFF else fold_char(char)
        if len(folded) == 1:
            fold[codepoint] = ord(folded)
        else:
            fold[codepoint] = EXPANDS
            expansions[codepoint] = folded
    fold.setflags(write=False)
    classes.setflags(write=False)
    return CharTables(fold, classes, expansions)


_lock = threading.Lock()
_tables: list[CharTables] = []


def tables() -> CharTables:
    """The BMP tables, built on first use (thread-safe) and kept for the process."""
    if not _tables:
        with _lock:
            if not _tables:
                _tables.append(_build())
    return _tables[0]


def codes_of(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``text`` as a read-only array (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def text_of(codes: npt.NDArray[np.uint32]) -> str:
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


def classes_of(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    """The class of every code point of ``codes``."""
    table = tables().classes
    if not codes.size or int(codes.max()) < BMP:
        return table[codes]
    astral = codes >= BMP
    result = table[np.where(astral, 0, codes)]
    for position in np.flatnonzero(astral).tolist():
        result[position] = astral_class(int(codes[position]))
    return result


def fold_codes(codes: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.uint32], dict[int, str]]:
    """Folded code points (EXPANDS where a character folds to several) and, for those
    positions, the characters they fold to."""
    table = tables()
    if not codes.size or int(codes.max()) < BMP:
        folded = table.fold[codes]
        astral: list[int] = []
    else:
        is_astral = codes >= BMP
        folded = table.fold[np.where(is_astral, 0, codes)]
        astral = np.flatnonzero(is_astral).tolist()
    expanded: dict[int, str] = {}
    for position in astral:
        result = astral_fold(int(codes[position]))
        if len(result) == 1:
            folded[position] = ord(result)
        else:
            folded[position] = EXPANDS
            expanded[position] = result
    for position in np.flatnonzero(folded == EXPANDS).tolist():
        if position not in expanded:
            expanded[position] = table.expansions[int(codes[position])]
    return folded, expanded


__all__ = [
    "CJK",
    "DIGIT",
    "EXPANDS",
    "LETTER",
    "REMOVED",
    "CharTables",
    "char_class",
    "classes_of",
    "codes_of",
    "fold_char",
    "fold_codes",
    "tables",
    "text_of",
]

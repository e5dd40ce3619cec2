"""Toneless pinyin of Chinese characters, as tables built once per process.

Pages dodge keyword filters by writing a word in pinyin (``seqing``) or with characters that
sound the same (``涩情``, ``瑟情`` for ``色情``). Matching those needs the sound of each
character. Calling pypinyin per character manages a fraction of a megabyte a second, so the
sound comes from a table instead: :func:`pinyin_table` reads ``pypinyin.pinyin_dict`` once and
keeps each character's first (most common) reading without tones, ``ü`` written ``v`` as
Chinese keyboards type it (``女`` → ``nv``).

Two numpy tables index that table by code point, so whole texts are looked up in C:

* :func:`sound_table`: every Chinese character maps to a private-use code standing for its
  syllable (``色``, ``涩`` and ``瑟`` share one), every other code point to itself. A text
  looked up this way has the same length as the text, which is what lets the lexicon match
  homophones with the same automaton pass and the same positions as exact phrases.
* :func:`pinyin_length_table`: how many letters each character's pinyin has (1 for anything
  that is kept as it is), for the position map of the written-out pinyin form.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
import numpy.typing as npt

CODEPOINTS = 0x110000
SOUND_BASE = 0xE000  # private use: removed from page text by normalisation, so never ambiguous


def toneless(reading: str) -> str:
    """``"nǚ"`` → ``"nv"``, ``"lüè"`` → ``"lve"``, ``"ḿ"`` → ``"m"``: lower-case ASCII letters."""
    decomposed = unicodedata.normalize("NFD", reading.lower()).replace("u\u0308", "v")
    return "".join(char for char in decomposed if char.isascii() and char.isalpha())


@lru_cache(maxsize=1)
def pinyin_table() -> dict[int, str]:
    """Code point → toneless pinyin of its most common reading, for every character pypinyin
    knows (about 42,000, astral planes included). Built on first use and cached."""
    from pypinyin.pinyin_dict import pinyin_dict  # ~40k entries: loaded only when needed

    table: dict[int, str] = {}
    for codepoint, readings in pinyin_dict.items():
        syllable = toneless(readings.split(",", 1)[0])
        if syllable:
            table[codepoint] = syllable
    return table


@lru_cache(maxsize=1)
def syllables() -> tuple[str, ...]:
    """Every distinct syllable of :func:`pinyin_table`, sorted; index + SOUND_BASE is its code."""
    return tuple(sorted(set(pinyin_table().values())))


@lru_cache(maxsize=1)
def syllable_codes() -> dict[str, str]:
    """Syllable → the one private-use character that stands for it in the sound form."""
    return {syllable: chr(SOUND_BASE + index) for index, syllable in enumerate(syllables())}


@lru_cache(maxsize=1)
def sound_table() -> npt.NDArray[np.uint32]:
    """Code point → code point of its sound: a syllable code for Chinese characters, ``v`` for
    ``ü`` (typed that way in written-out pinyin), the code point itself for anything else."""
    table = np.arange(CODEPOINTS, dtype=np.uint32)
    codes = syllable_codes()
    entries = pinyin_table()
    keys = np.fromiter(entries.keys(), dtype=np.uint32, count=len(entries))
    values = np.fromiter(
        (ord(codes[syllable]) for syllable in entries.values()), dtype=np.uint32, count=len(entries)
    )
    table[keys] = values
    table[ord("ü")] = ord("v")
    table.setflags(write=False)
    return table


@lru_cache(maxsize=1)
def pinyin_length_table() -> npt.NDArray[np.uint8]:
    """Code point → letters of its pinyin form (1 for characters the pinyin form keeps)."""
    table = np.ones(CODEPOINTS, dtype=np.uint8)
    entries = pinyin_table()
    keys = np.fromiter(entries.keys(), dtype=np.uint32, count=len(entries))
    table[keys] = np.fromiter((len(value) for value in entries.values()), dtype=np.uint8)
    table.setflags(write=False)
    return table


class _PinyinTranslation(dict[int, str]):
    """``str.translate`` table for the written-out pinyin form; characters without a reading
    map to themselves, remembered on first sight so later texts need no Python call."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        if len(self) < _TRANSLATION_LIMIT:
            self[codepoint] = char
        return char


_TRANSLATION_LIMIT = 1 << 17


@lru_cache(maxsize=1)
def pinyin_translation() -> dict[int, str]:
    """The translate table of :func:`pinyin_form` (cached per process)."""
    table = _PinyinTranslation(pinyin_table())
    table[ord("ü")] = "v"
    return table


def sound_of(text: str) -> str:
    """The sound form of already normalised text: each Chinese character replaced by its
    syllable's private-use code, ``ü`` by ``v``, everything else kept (same length)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return sound_table()[codes].tobytes().decode("utf-32-le", "surrogatepass")


def han_count(text: str) -> int:
    """How many characters of ``text`` have a pinyin reading (Chinese characters)."""
    table = pinyin_table()
    return sum(1 for char in text if ord(char) in table)


def pinyin_form(text: str) -> str:
    """``text`` with each Chinese character written as its toneless syllable; other characters
    (Latin letters, digits) kept. ``"av女优"`` → ``"avnvyou"``."""
    return text.translate(pinyin_translation())


__all__ = [
    "SOUND_BASE",
    "han_count",
    "pinyin_form",
    "pinyin_length_table",
    "pinyin_table",
    "sound_of",
    "sound_table",
    "syllable_codes",
    "syllables",
    "toneless",
]

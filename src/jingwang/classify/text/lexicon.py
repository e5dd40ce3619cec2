"""The weighted lexicon: phrases with weights per category, scanned in one automaton pass.

In the spirit of e2guardian's weighted phrase lists: each entry of a ``.lex`` file
(:mod:`.lexfile`, documented in ``docs/lexicon.md``) adds ``weight × min(count, 3)`` to its
category when it matches; a combination (``裸聊 + 视频``) counts the least-found of its parts;
"good context" entries (sexual health, crackdown news, lingerie shops, adult education) carry
negative weights and pull the porn score down.

:meth:`Lexicon.compile` puts every phrase into one pyahocorasick automaton keyed on the *sound
form* of the normalised text (:attr:`.Normalized.sound`: each Chinese character replaced by its
syllable's code, same length as the text). One pass over that form finds:

* exact phrases: the candidate is kept only when the normalised text there is the phrase;
* pinyin entries (flag ``pinyin``): homophones too (``涩情`` for ``色情``), since they share the
  sound form, and the written-out pinyin (``seqing``, ``se qing``, ``av nv you``), added as
  Latin keys that must start and end on a word boundary;
* split-character variants (``强女干`` for ``强奸``, from ``data/splits.tsv``), added as extra
  keys at compile time; page text is never rewritten with them (``女干部`` stays a word).

Single-character phrases would collide with every homophone in the sound form, so they are
found by one character-class regex over the text instead. Whole-word entries (``<sex>``) must
have a word boundary at both ends, so ``Sussex`` and ``sextant`` do not count.

Importing plain word lists and e2guardian phrase lists lives in :mod:`.lexicon_import`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from jingwang.classify.text.chars import CJK, char_class
from jingwang.classify.text.lexfile import (
    Entry,
    LexiconError,
    bundled_lexicon_files,
    lexicon_error,
    lexicon_files,
    parse_lexicon,
    read_lexicon_file,
    source_name,
)
from jingwang.classify.text.lexicon_import import (
    LexiconImport,
    convert_e2guardian,
    convert_plain,
    import_e2guardian,
    import_plain,
)
from jingwang.classify.text.normalize import Normalized, Normalizer, default_normalizer
from jingwang.classify.text.pinyin import han_count, pinyin_table, sound_of
from jingwang.classify.types import CATEGORIES, LexiconScore, PhraseHit, Span

MATCHER = "1"  # bump when matching or scoring changes what a lexicon finds
MAX_COUNT = 3  # occurrences counted per entry (weight × min(count, 3))
MAX_SPANS = 5  # spans kept per hit
MAX_VARIANTS = 8  # split-character variants per part
SPLITS_PATH = Path(__file__).resolve().parent.parent / "data" / "splits.tsv"

EXACT, SOUND, LATIN = 0, 1, 2  # how a key's match is checked (see _Target)

_Occurrence = tuple[int, int, bool]  # normalised start, stop, matched the text itself


class _Target(NamedTuple):
    """What a key of the automaton stands for (a tuple: the scan loop unpacks it in C).

    ``kind``: EXACT (the text there must be ``pattern``), SOUND (a pinyin entry: the text is
    ``pattern`` or sounds like it) or LATIN (written-out pinyin). ``exact_start``/``exact_end``:
    an exact match needs a word boundary at that end (a whole-word entry whose end is a letter
    or digit); ``sound_start``/``sound_end``: the same for a sound or pinyin match, which
    always needs one where the pattern ends with a letter or digit.
    """

    entry: int
    part: int
    pattern: str
    length: int
    kind: int
    exact_start: bool
    exact_end: bool
    sound_start: bool
    sound_end: bool


def _target(entry: int, part: int, pattern: str, kind: int, whole: bool) -> _Target:
    if kind == LATIN:
        return _Target(entry, part, pattern, len(pattern), kind, True, True, True, True)
    open_start, open_end = char_class(pattern[0]) != CJK, char_class(pattern[-1]) != CJK
    return _Target(
        entry,
        part,
        pattern,
        len(pattern),
        kind,
        whole and open_start,
        whole and open_end,
        open_start,
        open_end,
    )


@lru_cache(maxsize=1)
def split_table() -> tuple[tuple[str, str], ...]:
    """(character, split form) pairs of ``data/splits.tsv`` (``奸`` → ``女干``)."""
    pairs: list[tuple[str, str]] = []
    for number, raw in enumerate(SPLITS_PATH.read_text("utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) < 2 or len(fields[0].strip()) != 1 or not fields[1].strip():
            raise LexiconError(f"{SPLITS_PATH}:{number}: expected 'character<TAB>split form'")
        pairs.append((fields[0].strip(), fields[1].strip()))
    return tuple(pairs)


def _splits(normalizer: Normalizer) -> dict[str, str]:
    """Character → split form, both normalised like page text."""
    result: dict[str, str] = {}
    for char, split in split_table():
        key, value = normalizer.phrase(char), normalizer.phrase(split)
        if len(key) == 1 and len(value) >= 2:
            result[key] = value
    return result


def split_variants(part: str, splits: dict[str, str]) -> list[str]:
    """The part with one or more of its characters written split (at most MAX_VARIANTS).
    Single characters get none: ``女干`` alone is the start of ``女干部``."""
    if len(part) < 2:
        return []
    choices = [(char, splits[char]) if char in splits else (char,) for char in part]
    variants = ("".join(chosen) for chosen in itertools.product(*choices))
    unique = dict.fromkeys(itertools.islice(variants, 1, MAX_VARIANTS + 1))
    unique.pop(part, None)
    return list(unique)


def latin_pinyin(part: str) -> list[str]:
    """Written-out pinyin of a part (``女优`` → ``nvyou``, also ``nuyou``); Latin kept."""
    table = pinyin_table()
    choices: list[tuple[str, ...]] = []
    for char in part:
        syllable = table.get(ord(char), char)
        choices.append((syllable, syllable.replace("v", "u")) if "v" in syllable else (syllable,))
    forms = ("".join(chosen) for chosen in itertools.product(*choices))
    return list(dict.fromkeys(itertools.islice(forms, 4)))


class Lexicon:
    """A compiled lexicon: build with :meth:`compile` or :func:`load_lexicon`."""

    def __init__(
        self,
        entries: tuple[Entry, ...],
        normalizer: Normalizer,
        automaton: Any,
        singles: dict[str, tuple[_Target, ...]],
        version: str,
    ) -> None:
        self.entries = entries
        self.normalizer = normalizer
        self.version = version
        self._automaton = automaton
        self._singles = singles
        self._single_re = (
            re.compile("[" + "".join(map(re.escape, singles)) + "]") if singles else None
        )

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def compile(cls, entries: Sequence[Entry], normalizer: Normalizer | None = None) -> Lexicon:
        import ahocorasick  # type: ignore[import-not-found]  # no stubs; loaded on first use

        normalizer = normalizer or default_normalizer()
        splits = _splits(normalizer)
        keys: dict[str, list[_Target]] = {}
        singles: dict[str, list[_Target]] = {}
        for index, entry in enumerate(entries):
            for target_key, target in _targets(index, entry, splits):
                if target.kind == EXACT and len(target.pattern) == 1:
                    singles.setdefault(target.pattern, []).append(target)
                else:
                    keys.setdefault(target_key, []).append(target)
        automaton = ahocorasick.Automaton()
        for key, targets in keys.items():
            automaton.add_word(key, tuple(targets))
        if keys:
            automaton.make_automaton()
        frozen = {char: tuple(targets) for char, targets in singles.items()}
        version = _version(entries, normalizer, splits)
        return cls(tuple(entries), normalizer, automaton if keys else None, frozen, version)

    def phrases(self) -> list[str]:
        """Every distinct normalised phrase part (the bare-scan benchmark's patterns)."""
        return sorted({part for entry in self.entries for part in entry.parts})

    def scan_text(self, text: str) -> LexiconScore:
        return self.scan(self.normalizer.normalize(text))

    def scan_texts(self, texts: Sequence[str]) -> list[LexiconScore]:
        """:meth:`scan_text` of each text, normalised together (see
        :meth:`.Normalizer.normalize_many`): what a batch of pages should use."""
        return [self.scan(normalized) for normalized in self.normalizer.normalize_many(texts)]

    def scan(self, normalized: Normalized) -> LexiconScore:
        found = self._find(normalized)
        categories = dict.fromkeys(CATEGORIES, 0.0)
        hits: list[tuple[int, PhraseHit]] = []
        if not found:
            return LexiconScore(categories, (), self.version)
        span = normalized.spanner()
        original = normalized.original
        for index in sorted({entry for entry, _ in found}):
            entry = self.entries[index]
            if len(entry.parts) == 1:
                per_part = [found[(index, 0)]]
                count = len(per_part[0])
            else:
                per_part = [found.get((index, part), []) for part in range(len(entry.parts))]
                count = min(len(occurrences) for occurrences in per_part)
                if not count:
                    continue
            contribution = entry.weight * min(count, MAX_COUNT)
            categories[entry.category] = categories.get(entry.category, 0.0) + contribution
            hits.append((contribution, _hit(entry, count, per_part, span, original)))
        hits.sort(key=lambda item: (-abs(item[0]), -item[1].weight, item[1].phrase))
        return LexiconScore(categories, tuple(hit for _, hit in hits), self.version)

    def _find(self, normalized: Normalized) -> dict[tuple[int, int], list[_Occurrence]]:
        """(entry, part) → its occurrences: (start, stop, matched the text itself).

        The hot loop of the scan: one iteration per automaton match, kept to tuple unpacking,
        a slice comparison and byte look-ups. Two keys of one part never match the same span
        (they are different strings), so occurrences need no de-duplication."""
        text, sound = normalized.text, normalized.sound
        bound = normalized.boundary.array.tobytes()  # 1 where a word boundary lies
        found: dict[tuple[int, int], list[_Occurrence]] = {}
        if self._automaton is not None and sound:
            for end, targets in self._automaton.iter(sound):
                stop = end + 1
                for entry, part, pattern, length, kind, xs, xe, ss, se in targets:
                    start = stop - length
                    if kind != LATIN and text[start:stop] == pattern:
                        if (xs and not bound[start]) or (xe and not bound[stop]):
                            continue
                        exact = True
                    elif kind == EXACT or (ss and not bound[start]) or (se and not bound[stop]):
                        continue
                    else:
                        exact = False
                    occurrences = found.get((entry, part))
                    if occurrences is None:
                        found[(entry, part)] = [(start, stop, exact)]
                    else:
                        occurrences.append((start, stop, exact))
        if self._single_re is not None:
            for match in self._single_re.finditer(text):
                start, stop = match.span()
                for target in self._singles[match.group()]:
                    if (target.exact_start and not bound[start]) or (
                        target.exact_end and not bound[stop]
                    ):
                        continue
                    found.setdefault((target.entry, target.part), []).append((start, stop, True))
        return found


def _targets(index: int, entry: Entry, splits: dict[str, str]) -> Iterator[tuple[str, _Target]]:
    """Automaton keys and what they stand for, for every part of one entry."""
    for number, part in enumerate(entry.parts):
        whole = entry.part_is_whole(number)
        pinyin = entry.pinyin and han_count(part) >= 2
        yield sound_of(part), _target(index, number, part, SOUND if pinyin else EXACT, whole)
        if not entry.nosplit:
            for variant in split_variants(part, splits):
                yield sound_of(variant), _target(index, number, variant, EXACT, whole)
        if pinyin:
            for latin in latin_pinyin(part):
                yield latin, _target(index, number, latin, LATIN, whole)


def _hit(
    entry: Entry,
    count: int,
    per_part: list[list[_Occurrence]],
    span: Callable[[int, int], Span],
    original: str,
) -> PhraseHit:
    occurrences = per_part[0] if len(per_part) == 1 else [o for part in per_part for o in part]
    occurrences.sort()
    spans: list[Span] = []
    exact = False
    for start, stop, matched_text in occurrences:
        exact = exact or matched_text
        if len(spans) < MAX_SPANS:
            mapped = span(start, stop)
            if mapped not in spans:
                spans.append(mapped)
    return PhraseHit(
        phrase=entry.phrase,
        category=entry.category,
        weight=entry.weight,
        count=count,
        spans=tuple(spans),
        form="text" if exact else "pinyin",
        matched=tuple(original[start:end] for start, end in spans),
        source=entry.source,
    )


def _version(entries: Sequence[Entry], normalizer: Normalizer, splits: dict[str, str]) -> str:
    material = {
        "matcher": MATCHER,
        "normalizer": normalizer.version,
        "splits": sorted(splits.items()),
        "entries": [
            [e.phrase, e.category, e.weight, e.parts, e.whole_parts, e.pinyin, e.nosplit]
            for e in entries
        ],
    }
    digest = hashlib.sha256(json.dumps(material, ensure_ascii=False).encode()).hexdigest()
    return "lex-" + digest[:12]


def load_lexicon(
    paths: Sequence[Path] = (), *, bundled: bool = True, normalizer: Normalizer | None = None
) -> Lexicon:
    """The bundled lexicon files (unless ``bundled=False``) and the files or folders of
    ``*.lex`` files in ``paths``, compiled together. Every problem of every file is reported
    in one :class:`LexiconError`."""
    normalizer = normalizer or default_normalizer()
    files = (bundled_lexicon_files() if bundled else []) + lexicon_files(list(paths))
    entries: list[Entry] = []
    problems: list[str] = []
    for path in files:
        source = source_name(path)
        try:
            entries.extend(
                parse_lexicon(read_lexicon_file(path), source=source, normalizer=normalizer)
            )
        except LexiconError as error:
            problems.extend(error.details.get("problems") or [error.message])
    if problems:
        raise lexicon_error(", ".join(source_name(path) for path in files), problems)
    return Lexicon.compile(entries, normalizer)


__all__ = [
    "Entry",
    "Lexicon",
    "LexiconError",
    "LexiconImport",
    "bundled_lexicon_files",
    "convert_e2guardian",
    "convert_plain",
    "import_e2guardian",
    "import_plain",
    "latin_pinyin",
    "load_lexicon",
    "parse_lexicon",
    "split_table",
    "split_variants",
]

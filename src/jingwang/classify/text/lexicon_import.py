"""Importing other people's word lists into ``.lex`` files.

Two shapes are common: plain word lists (one term a line, sometimes ``term,`` or
``term<TAB>notes``, with comments and duplicates; the Chinese lists in circulation look like
this) and e2guardian/DansGuardian weighted phrase lists::

    #listcategory: "Pornography"
    < sex ><30>                 # spaces inside the brackets: a whole word
    <free porn><50>
    <adult>,<video><40>         # a combination
    .Include</etc/e2guardian/lists/phraselists/pornography/weighted>

Both importers are tolerant: a byte-order mark, CRLF line ends, comments and blank lines are
fine; duplicates (terms that normalise to the same text) are dropped and counted; lines that
cannot be used (an ``.Include``, a phrase without a weight, a term with no letters or digits)
are skipped and reported. The result is the text of a ``.lex`` file whose header says what was
done; it always parses (:func:`.lexfile.parse_lexicon`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jingwang.classify.text.lexfile import LexiconError
from jingwang.classify.text.normalize import Normalizer, default_normalizer
from jingwang.classify.types import CATEGORIES

_SYNTAX = re.compile(r"[#;+<>@\s]+")  # characters the .lex syntax uses; normalised away anyway
_TOKEN = re.compile(r"<([^<>]*)>")
_E2_LINE = re.compile(r"^(?:<[^<>]*>\s*,\s*)*<[^<>]*>\s*(?:<\s*[+-]?\d+\s*>)?$")
_E2_WEIGHT = re.compile(r"(?<=>)\s*<\s*([+-]?\d+)\s*>\s*$")  # right after a phrase, no comma
_LISTCATEGORY = re.compile(r'^#\s*listcategory\s*:\s*"?([^"]*)"?', re.IGNORECASE)

# e2guardian list categories → ours (first match of a fragment of the lower-cased name).
_E2_CATEGORIES = (
    ("good", "good"),
    ("escort", "sex_services"),
    ("prostitut", "sex_services"),
    ("gambl", "gambling"),
    ("casino", "gambling"),
    ("betting", "gambling"),
    ("drug", "drugs"),
    ("narcotic", "drugs"),
    ("fraud", "fraud"),
    ("scam", "fraud"),
    ("phish", "fraud"),
    ("porn", "porn"),
    ("adult", "porn"),
    ("nudi", "porn"),
    ("erotic", "porn"),
    ("sex", "porn"),
)


@dataclass(frozen=True, slots=True)
class LexiconImport:
    """The ``.lex`` text produced by an import, and what happened on the way."""

    text: str
    entries: int
    duplicates: int
    skipped: tuple[tuple[int, str], ...] = ()  # (line number, why)
    categories: tuple[str, ...] = field(default=())


def _clean(term: str) -> str:
    return " ".join(_SYNTAX.sub(" ", term).split())


def _check(category: str, weight: int) -> None:
    if category not in CATEGORIES:
        raise LexiconError(
            f"unknown category {category!r}; use one of {', '.join(CATEGORIES)}",
            category=category,
        )
    if weight == 0 or (weight < 0) != (category == "good"):
        raise LexiconError(
            f"weight {weight} does not suit category {category!r}: good context needs a"
            " negative weight, every other category a positive one",
            category=category,
            weight=weight,
        )


def _header(
    kind: str, source: str, entries: int, duplicates: int, skipped: list[tuple[int, str]]
) -> list[str]:
    lines = [
        f"# Imported from {source} ({kind}) by jingwang:",
        f"# {entries} entries, {duplicates} duplicates removed, {len(skipped)} lines skipped.",
    ]
    lines += [f"# skipped line {number}: {why}" for number, why in skipped[:20]]
    if len(skipped) > 20:
        lines.append(f"# … and {len(skipped) - 20} more skipped lines")
    return lines


def convert_plain(
    text: str, *, category: str, weight: int, source: str, normalizer: Normalizer | None = None
) -> LexiconImport:
    """A plain word list as a ``.lex`` file: every distinct term one entry of ``weight``."""
    _check(category, weight)
    normalizer = normalizer or default_normalizer()
    seen: set[str] = set()
    body: list[str] = []
    duplicates = 0
    skipped: list[tuple[int, str]] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", "//")):
            continue
        for piece in re.split(r"[,，]", line.split("\t", 1)[0]):
            term = _clean(piece)
            if not term:
                continue
            normalized = normalizer.phrase(term)
            if not normalized:
                skipped.append((number, f"{piece.strip()!r} has no letters or digits"))
            elif normalized in seen:
                duplicates += 1
            else:
                seen.add(normalized)
                body.append(f"{weight:<4} {term}")
    lines = _header("plain word list", source, len(body), duplicates, skipped)
    lines += [f"@category {category}", *body]
    return LexiconImport(
        "\n".join(lines) + "\n", len(body), duplicates, tuple(skipped), (category,)
    )


def import_plain(text: str, *, category: str, weight: int, source: str) -> tuple[str, int]:
    """A plain word list → (``.lex`` text, entries written). See :func:`convert_plain`."""
    result = convert_plain(text, category=category, weight=weight, source=source)
    return result.text, result.entries


def _e2_category(name: str) -> str | None:
    lowered = name.lower()
    for fragment, category in _E2_CATEGORIES:
        if fragment in lowered:
            return category
    return None


def _e2_phrase(tokens: list[str], normalizer: Normalizer) -> tuple[str, tuple[str, ...]] | None:
    """The ``.lex`` phrase of an e2guardian line's parts and its normalised key, or None."""
    written: list[str] = []
    key: list[str] = []
    for token in tokens:
        term = _clean(token)
        normalized = normalizer.phrase(term) if term else ""
        if not normalized:
            return None
        whole = token[:1].isspace() or token[-1:].isspace()  # "< sex >": a whole word
        written.append(f"<{term}>" if whole else term)
        key.append(("<" if whole else "") + normalized)
    return " + ".join(written), tuple(key)


def convert_e2guardian(
    text: str, *, category: str | None = None, source: str, normalizer: Normalizer | None = None
) -> LexiconImport:
    """An e2guardian weighted phrase list as a ``.lex`` file. Negative weights go to category
    good; the others to ``category``, else to the list's ``#listcategory``."""
    if category is not None:
        _check(category, 1 if category != "good" else -1)
    normalizer = normalizer or default_normalizer()
    listed: str | None = None
    groups: dict[str, list[str]] = {}
    seen: set[tuple[str, tuple[str, ...]]] = set()
    duplicates = 0
    skipped: list[tuple[int, str]] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        named = _LISTCATEGORY.match(line)
        if named:
            listed = _e2_category(named.group(1)) or listed
            continue
        if line.startswith("#"):
            continue
        if line.lower().startswith(".include"):
            skipped.append((number, f"{line} not followed: import that list separately"))
            continue
        if not _E2_LINE.match(line):
            skipped.append((number, "not an e2guardian phrase line (<phrase><weight>)"))
            continue
        weighted = _E2_WEIGHT.search(line)
        if weighted is None:
            skipped.append((number, "no weight: import banned-phrase lists as plain lists"))
            continue
        weight = int(weighted.group(1))
        phrase = _e2_phrase(_TOKEN.findall(line[: weighted.start()]), normalizer)
        if weight == 0 or phrase is None:
            why = "weight 0 does nothing" if weight == 0 else "a part has no letters or digits"
            skipped.append((number, why))
            continue
        target = "good" if weight < 0 else (category if category not in (None, "good") else listed)
        if target is None:
            raise LexiconError(
                f"{source}:{number}: the list names no category (#listcategory) that jingwang"
                f" knows; pass one of {', '.join(c for c in CATEGORIES if c != 'good')}",
                source=source,
            )
        if (target, phrase[1]) in seen:
            duplicates += 1
            continue
        seen.add((target, phrase[1]))
        groups.setdefault(target, []).append(f"{weight:<4} {phrase[0]}")
    entries = sum(len(body) for body in groups.values())
    lines = _header("e2guardian phrase list", source, entries, duplicates, skipped)
    for name, body in groups.items():
        lines += ["", f"@category {name}", *body]
    return LexiconImport(
        "\n".join(lines) + "\n", entries, duplicates, tuple(skipped), tuple(groups)
    )


def import_e2guardian(text: str, *, category: str | None = None, source: str) -> tuple[str, int]:
    """An e2guardian phrase list → (``.lex`` text, entries written). See
    :func:`convert_e2guardian`."""
    result = convert_e2guardian(text, category=category, source=source)
    return result.text, result.entries


__all__ = [
    "LexiconImport",
    "convert_e2guardian",
    "convert_plain",
    "import_e2guardian",
    "import_plain",
]

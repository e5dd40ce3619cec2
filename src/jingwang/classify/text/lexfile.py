"""The ``.lex`` lexicon file format: parsing, checking, and where the bundled files live.

A lexicon file lists weighted phrases under a category (the format is documented, with
examples, in ``docs/lexicon.md``)::

    # comment
    @category porn          # applies to the entries below it
    @lang zh                # informational
    40  色情        ; pinyin
    25  <sex>               # whole word
    50  裸聊 + 视频          # combination: every part must appear
    -40 性健康               # negative weights only under @category good

:func:`parse_lexicon` turns a file into :class:`Entry` values with their phrases normalised,
and refuses a file with any malformed line: the :class:`LexiconError` names every bad line as
``file:line`` and says what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jingwang.classify.text.normalize import Normalizer, default_normalizer
from jingwang.classify.text.pinyin import han_count
from jingwang.classify.types import CATEGORIES
from jingwang.errors import InvalidInput

FLAGS = ("nosplit", "pinyin")
MAX_WEIGHT = 1000
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicon"

_COMMENT = re.compile(r"(?:^|\s)#.*$")
_WEIGHT = re.compile(r"[+-]?\d+")


class LexiconError(InvalidInput):
    """A lexicon file (or import) that cannot be used; the message lists each problem as
    ``file:line: what is wrong; what to do``."""

    code = "classify.lexicon_invalid"


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon line. ``parts`` are normalised (one for a phrase, several for a
    combination); ``whole_parts`` says, per part, whether it must stand as a whole word."""

    phrase: str  # as written, e.g. "色情", "<sex>", "裸聊 + 视频"
    category: str  # one of CATEGORIES
    weight: int  # negative only for category "good"
    parts: tuple[str, ...]
    whole_word: bool  # every part is a whole word
    pinyin: bool  # also match homophones and written-out pinyin
    source: str  # "bundled:zh-porn.lex" or the file path
    line: int
    whole_parts: tuple[bool, ...] = ()  # empty: every part follows whole_word
    nosplit: bool = False  # no split-character variants (奸 → 女干)
    lang: str = ""  # the file's @lang, informational

    def part_is_whole(self, index: int) -> bool:
        return self.whole_parts[index] if self.whole_parts else self.whole_word


class _Problem(Exception):
    """One malformed line: what is wrong and how to fix it."""


@dataclass
class _State:
    source: str
    normalizer: Normalizer
    category: str | None = None
    lang: str = ""


def parse_lexicon(text: str, *, source: str, normalizer: Normalizer | None = None) -> list[Entry]:
    """Every entry of a ``.lex`` file; raises :class:`LexiconError` listing every bad line."""
    state = _State(source, normalizer or default_normalizer())
    entries: list[Entry] = []
    problems: list[str] = []
    seen: dict[tuple[str, tuple[str, ...], tuple[bool, ...]], int] = {}
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        try:
            if line.startswith("@"):
                _directive(line, state)
                continue
            entry = _entry(line, number, state)
            key = (entry.category, entry.parts, entry.whole_parts)
            if key in seen:
                raise _Problem(f"the same entry as line {seen[key]}; remove one of them")
            seen[key] = number
            entries.append(entry)
        except _Problem as problem:
            problems.append(f"{source}:{number}: {problem}")
    if problems:
        raise lexicon_error(source, problems)
    return entries


def lexicon_error(source: str, problems: list[str]) -> LexiconError:
    shown = "\n".join(problems[:50])
    more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
    noun = "problem" if len(problems) == 1 else "problems"
    return LexiconError(
        f"lexicon {source} has {len(problems)} {noun}:\n{shown}{more}",
        source=source,
        problems=problems,
    )


def _directive(line: str, state: _State) -> None:
    name, _, value = line.partition(" ")
    value = value.strip()
    if name == "@category":
        if value not in CATEGORIES:
            raise _Problem(f"unknown category {value!r}; use one of {', '.join(CATEGORIES)}")
        state.category = value
    elif name == "@lang":
        if not value:
            raise _Problem("@lang needs a language code, such as '@lang zh'")
        state.lang = value
    else:
        raise _Problem(f"unknown directive {name!r}; use '@category NAME' or '@lang CODE'")


def _entry(line: str, number: int, state: _State) -> Entry:
    weight_text, _, rest = line.replace("\t", " ").partition(" ")
    if not _WEIGHT.fullmatch(weight_text):
        raise _Problem(
            f"the weight {weight_text!r} is not a whole number; start the line with a signed"
            " integer weight, then the phrase (e.g. '40  色情' or '-40  性健康')"
        )
    weight = int(weight_text)
    phrase_text, _, flag_text = rest.partition(";")
    flags = _flags(flag_text)
    category = _check_weight(weight, state.category)
    written, parts, whole = _parts(phrase_text, state.normalizer)
    if "pinyin" in flags and not any(han_count(part) >= 2 for part in parts):
        raise _Problem(
            "the pinyin flag needs a part with at least two Chinese characters (one syllable"
            " matches far too much); remove '; pinyin'"
        )
    return Entry(
        phrase=written,
        category=category,
        weight=weight,
        parts=parts,
        whole_word=all(whole),
        pinyin="pinyin" in flags,
        source=state.source,
        line=number,
        whole_parts=whole,
        nosplit="nosplit" in flags,
        lang=state.lang,
    )


def _flags(text: str) -> set[str]:
    flags = {flag for flag in re.split(r"[\s,]+", text.strip()) if flag}
    unknown = sorted(flags - set(FLAGS))
    if unknown:
        raise _Problem(f"unknown flag {unknown[0]!r}; the flags are {', '.join(FLAGS)}")
    return flags


def _check_weight(weight: int, category: str | None) -> str:
    if category is None:
        raise _Problem("no @category above this entry; add a line such as '@category porn'")
    if weight == 0:
        raise _Problem("a weight of 0 does nothing; give it a weight or remove the line")
    if abs(weight) > MAX_WEIGHT:
        raise _Problem(f"the weight {weight} is out of range; keep it within ±{MAX_WEIGHT}")
    if weight < 0 and category != "good":
        raise _Problem(
            "negative weights belong under '@category good' (context that lowers the score);"
            " make the weight positive or move the entry under '@category good'"
        )
    if weight > 0 and category == "good":
        raise _Problem(
            "entries under '@category good' lower the score; give this one a negative weight"
            " or move it under another @category"
        )
    return category


def _parts(text: str, normalizer: Normalizer) -> tuple[str, tuple[str, ...], tuple[bool, ...]]:
    """The phrase as written (tidied), its normalised parts, and which are whole words."""
    written: list[str] = []
    parts: list[str] = []
    whole: list[bool] = []
    raw_parts = [part.strip() for part in text.split("+")]
    for raw in raw_parts:
        if not raw:
            if len(raw_parts) == 1:
                raise _Problem("no phrase after the weight; write the phrase after it")
            raise _Problem("an empty part in a combination; write it as 'part + part'")
        is_whole = raw.startswith("<") and raw.endswith(">")
        inner = " ".join(raw[1:-1].split() if is_whole else raw.split())
        if not inner or "<" in inner or ">" in inner:
            raise _Problem(f"{raw!r}: write a whole word as '<word>' and anything else bare")
        normalized = normalizer.phrase(inner)
        if not normalized:
            raise _Problem(
                f"{inner!r} has no letters or digits once normalised, so it can never match;"
                " remove it or write the word itself"
            )
        written.append(f"<{inner}>" if is_whole else inner)
        parts.append(normalized)
        whole.append(is_whole)
    return " + ".join(written), tuple(parts), tuple(whole)


def bundled_lexicon_files() -> list[Path]:
    """The lexicon files shipped with jingwang (``classify/data/lexicon/*.lex``), sorted."""
    return sorted(BUNDLED_DIR.glob("*.lex"))


def lexicon_files(paths: list[Path]) -> list[Path]:
    """Files named, and the ``*.lex`` files of folders named; refuses what is missing."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.lex"))
            if not found:
                raise LexiconError(f"no .lex files in the folder {path}", path=str(path))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise LexiconError(
                f"no lexicon file or folder at {path}; check classify_lexicon_paths",
                path=str(path),
            )
    return files


def read_lexicon_file(path: Path) -> str:
    """A lexicon file's text (UTF-8, a BOM allowed)."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LexiconError(
            f"{path} is not UTF-8 (byte {error.start}); convert it, for example with"
            " 'iconv -f GBK -t UTF-8', or import it with 'jingwang classify lexicon import'",
            path=str(path),
        ) from None
    except OSError as error:
        raise LexiconError(f"cannot read {path}: {error.strerror}", path=str(path)) from None


def source_name(path: Path) -> str:
    """``bundled:NAME`` for bundled files, else the path as given."""
    if path.resolve().parent == BUNDLED_DIR:
        return f"bundled:{path.name}"
    return str(path)


__all__ = [
    "FLAGS",
    "MAX_WEIGHT",
    "Entry",
    "LexiconError",
    "bundled_lexicon_files",
    "lexicon_error",
    "lexicon_files",
    "parse_lexicon",
    "read_lexicon_file",
    "source_name",
]

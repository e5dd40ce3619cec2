"""Text normalisation against filter evasion, with every position mapped back to the page.

Pages evade keyword filters with traditional characters (``色情電影``), full-width letters
(``ｓｅｘ``), symbols and spaces between characters (``色.情``, ``s-e-x``), repeated characters,
pinyin and homophones. :meth:`Normalizer.normalize` undoes the first four and prepares the last
two; the lexicon is matched against the result. The pipeline:

1. NFKC and case folding, per character (:mod:`.chars`), so each folded character comes from
   exactly one character of the page;
2. OpenCC ``tw2sp`` then ``hk2s``: traditional to simplified, Taiwan and Hong Kong phrases to
   mainland ones (``軟體`` → ``软件``, ``衞`` → ``卫``). OpenCC converts the whole text in C++;
   its output almost always has the input's length, character for character. Where it does not
   (``網際網路`` → ``互联网``), the text is split at spaces until the pieces that changed length
   are found, and the characters of those pieces are mapped proportionally;
3. removal of everything that is not a letter or digit (punctuation, symbols, spaces, emoji):
   removed characters leave a word boundary behind;
4. runs of three or more equal characters collapsed to their first and last (``色色色情`` →
   ``色色情``);
5. two sound forms of the result: :attr:`Normalized.sound`, the same length as the text with
   every Chinese character replaced by a code for its toneless syllable (homophones share a
   code), which the lexicon scans; and :attr:`Normalized.pinyin`, the syllables written out
   (``avnvyou``), built when first asked for.

No step loops over characters in Python: per-character questions are numpy table look-ups over
the code points, and positions are numpy index arrays, so a megabyte of page text normalises in
tens of milliseconds. :meth:`Normalized.span` maps a range of the normalised text back to the
range of the page text that produced it, for highlighting.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import overload

import numpy as np
import numpy.typing as npt

from jingwang.classify.text.chars import CJK, classes_of, codes_of, fold_codes, text_of
from jingwang.classify.text.pinyin import pinyin_form, pinyin_length_table, sound_table
from jingwang.classify.types import Span

_SPACE = 0x20
PIPELINE = "1"  # bump whenever a step of the pipeline changes what it produces
OPENCC_CONFIGS = ("tw2sp", "hk2s")
BATCH_LETTER = "\ud7a3"  # a Hangul syllable: a letter, kept, in no lexicon phrase
BATCH_SEPARATOR = "\n" + BATCH_LETTER + "\n"

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class IndexMap(Sequence[int]):
    """A read-only ``Sequence[int]`` over a numpy array (``array`` for vectorised use)."""

    __slots__ = ("array",)

    def __init__(self, array: IntArray) -> None:
        self.array = array

    def __len__(self) -> int:
        return int(self.array.size)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> IndexMap: ...
    def __getitem__(self, index: int | slice) -> int | IndexMap:
        if isinstance(index, slice):
            return IndexMap(self.array[index])
        return int(self.array[index])

    def __iter__(self) -> Iterator[int]:
        return iter(self.array.tolist())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class FlagMap(Sequence[bool]):
    """A read-only ``Sequence[bool]`` over a numpy array (``array`` for vectorised use)."""

    __slots__ = ("array",)

    def __init__(self, array: BoolArray) -> None:
        self.array = array

    def __len__(self) -> int:
        return int(self.array.size)

    @overload
    def __getitem__(self, index: int) -> bool: ...
    @overload
    def __getitem__(self, index: slice) -> FlagMap: ...
    def __getitem__(self, index: int | slice) -> bool | FlagMap:
        if isinstance(index, slice):
            return FlagMap(self.array[index])
        return bool(self.array[index])

    def __iter__(self) -> Iterator[bool]:
        return iter(self.array.tolist())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class _PinyinForm:
    text: str
    origin: IndexMap
    boundary: FlagMap


@dataclass(frozen=True, slots=True, eq=False)
class Normalized:
    """``original`` normalised to ``text``, with position maps back to ``original``.

    ``origin[i]`` is the index in ``original`` where ``text[i]`` comes from (one entry more
    than ``text``, the last being ``len(original)``); ``boundary[i]`` says a word boundary lies
    before ``text[i]``: the start or end of the text, removed characters (spaces, symbols), or
    a change between CJK characters, other letters and digits. ``sound`` is ``text`` with each
    Chinese character replaced by its syllable's code (same length, same positions).
    """

    original: str
    text: str
    origin: IndexMap
    boundary: FlagMap
    sound: str
    _ends: IntArray | None = field(default=None, repr=False)  # None: origin[i] + 1
    _pinyin: list[_PinyinForm] = field(default_factory=list, repr=False)

    def span(self, start: int, end: int) -> Span:
        """The range of ``original`` that produced ``text[start:end]`` (clamped, never raises).
        An empty range maps to the empty range where ``text[start]`` comes from."""
        size = len(self.text)
        start = min(max(start, 0), size)
        end = min(max(end, start), size)
        first = int(self.origin.array[start])
        if end == start:
            return (first, first)
        if self._ends is not None:
            return (first, int(self._ends[end - 1]))
        return (first, int(self.origin.array[end - 1]) + 1)

    def spanner(self) -> Callable[[int, int], Span]:
        """:meth:`span` for many non-empty in-range matches of one text: the maps become
        Python lists once, so each call is two list look-ups instead of numpy scalars."""
        origin: list[int] = self.origin.array.tolist()
        if self._ends is not None:
            ends: list[int] = self._ends.tolist()
            return lambda start, end: (origin[start], ends[end - 1])
        return lambda start, end: (origin[start], origin[end - 1] + 1)

    @property
    def pinyin(self) -> str:
        """``text`` with Chinese characters as toneless syllables (``色情`` → ``seqing``)."""
        return self._pinyin_form().text

    @property
    def pinyin_origin(self) -> IndexMap:
        """``len(pinyin) + 1`` entries: the index into ``text`` each pinyin letter comes from."""
        return self._pinyin_form().origin

    @property
    def pinyin_boundary(self) -> FlagMap:
        """``len(pinyin) + 1`` entries: a syllable or word boundary lies before ``pinyin[i]``."""
        return self._pinyin_form().boundary

    def pinyin_span(self, start: int, end: int) -> Span:
        """The range of ``original`` that produced ``pinyin[start:end]`` (clamped)."""
        form = self._pinyin_form()
        size = len(form.text)
        start = min(max(start, 0), size)
        end = min(max(end, start), size)
        first = int(form.origin.array[start])
        if end == start:
            return self.span(first, first)
        return self.span(first, int(form.origin.array[end - 1]) + 1)

    def _pinyin_form(self) -> _PinyinForm:
        if not self._pinyin:  # a benign race builds it twice; both results are equal
            self._pinyin.append(_build_pinyin(self.text, self.boundary.array))
        return self._pinyin[0]


def _build_pinyin(text: str, boundary: BoolArray) -> _PinyinForm:
    size = len(text)
    codes = codes_of(text)
    lengths = pinyin_length_table()[codes].astype(np.int64)
    written = pinyin_form(text)
    starts = np.cumsum(lengths) - lengths
    origin = np.append(np.repeat(np.arange(size, dtype=np.int64), lengths), size)
    cjk = classes_of(codes) == CJK
    after_cjk = np.empty(size, dtype=bool)
    if size:
        after_cjk[0] = True
        after_cjk[1:] = cjk[:-1]
    flags = np.zeros(len(written) + 1, dtype=bool)
    flags[starts] = boundary[:size] | cjk | after_cjk
    flags[len(written)] = True
    return _PinyinForm(written, IndexMap(origin), FlagMap(flags))


def _empty(original: str) -> Normalized:
    return Normalized(
        original=original,
        text="",
        origin=IndexMap(np.array([len(original)], dtype=np.int64)),
        boundary=FlagMap(np.ones(1, dtype=bool)),
        sound="",
    )


def _expand(
    folded: npt.NDArray[np.uint32], expanded: dict[int, str]
) -> tuple[str, IntArray | None]:
    """The folded text, and (when some character folded to several) the original index of
    each folded character."""
    if not expanded:
        return text_of(folded), None
    pieces: list[str] = []
    widths = np.ones(folded.size, dtype=np.int64)
    previous = 0
    for position in sorted(expanded):
        pieces.append(text_of(folded[previous:position]))
        pieces.append(expanded[position])
        widths[position] = len(expanded[position])
        previous = position + 1
    pieces.append(text_of(folded[previous:]))
    return "".join(pieces), np.repeat(np.arange(folded.size, dtype=np.int64), widths)


def _collapse(
    chars: npt.NDArray[np.uint32], kept: IntArray, classes: npt.NDArray[np.uint8], gap: BoolArray
) -> tuple[npt.NDArray[np.uint32], IntArray, npt.NDArray[np.uint8], BoolArray]:
    """Keep the first and the last of each run of three or more equal characters, so a match
    that starts or ends inside the run highlights the character next to the rest of it
    (``色色色色情``: ``色情`` maps to the last ``色`` and ``情``). A gap (removed characters)
    anywhere inside a dropped stretch stays a gap before the next kept character."""
    if chars.size < 3:
        return chars, kept, classes, gap
    same = chars[1:] == chars[:-1]
    drop = same[1:] & same[:-1]  # drop[i]: chars[i + 1] equals both its neighbours
    if not drop.any():
        return chars, kept, classes, gap
    keep = np.ones(chars.size, dtype=bool)
    keep[1:-1] = ~drop
    selected = np.flatnonzero(keep)
    gaps_so_far = np.cumsum(gap)
    new_gap = np.empty(selected.size, dtype=bool)
    new_gap[0] = True
    new_gap[1:] = gaps_so_far[selected[1:]] > gaps_so_far[selected[:-1]]
    return chars[selected], kept[selected], classes[selected], new_gap


def _keep(
    codes: npt.NDArray[np.uint32],
) -> tuple[npt.NDArray[np.uint32], IntArray, BoolArray] | None:
    """The letters and digits of the converted text (runs collapsed), where each stands in
    it, and the word boundaries before each; None when nothing is kept."""
    classes = classes_of(codes)
    kept = np.flatnonzero(classes).astype(np.int64)
    if not kept.size:
        return None
    gap = np.empty(kept.size, dtype=bool)
    gap[0] = True
    np.greater(np.diff(kept), 1, out=gap[1:])
    chars, kept, kept_classes, gap = _collapse(codes[kept], kept, classes[kept], gap)
    size = chars.size
    boundary = np.empty(size + 1, dtype=bool)
    boundary[0] = boundary[size] = True
    boundary[1:size] = gap[1:] | (kept_classes[1:] != kept_classes[:-1])
    return chars, kept, boundary


class Normalizer:
    """The normalisation pipeline (see the module docstring). One per process is enough
    (:func:`default_normalizer`); OpenCC is loaded on first use."""

    def __init__(self) -> None:
        self.version = _version()
        self._convert_one: Callable[[str], str] | None = None
        self._lock = threading.Lock()

    def normalize(self, text: str) -> Normalized:
        if not text:
            return _empty(text)
        folded_codes, expanded = fold_codes(codes_of(text))
        folded, fold_origin = _expand(folded_codes, expanded)
        converted, conv_starts, conv_ends = self._convert(folded)
        found = _keep(codes_of(converted))
        if found is None:
            return _empty(text)
        chars, kept, boundary = found
        starts, ends = kept, None
        if conv_starts is not None and conv_ends is not None:
            starts, ends = conv_starts[kept], conv_ends[kept]
        if fold_origin is not None:
            ends = fold_origin[(kept + 1 if ends is None else ends) - 1] + 1
            starts = fold_origin[starts]
        if ends is not None and np.array_equal(ends, starts + 1):
            ends = None
        return Normalized(
            original=text,
            text=text_of(chars),
            origin=IndexMap(np.append(starts, len(text))),
            boundary=FlagMap(boundary),
            sound=text_of(sound_table()[chars]),
            _ends=ends,
        )

    def normalize_many(self, texts: Sequence[str]) -> list[Normalized]:
        """:meth:`normalize` of each text, in one pass over them all.

        Each call of the pipeline costs some tens of microseconds whatever the length (OpenCC
        and a few dozen numpy calls), as much as a short mobile page itself; a batch of pages
        pays it once. The texts are joined with :data:`BATCH_SEPARATOR`, a letter no lexicon
        phrase holds, between two newlines: the newlines leave word boundaries on both sides,
        and the letter keeps a run of repeated characters or an OpenCC phrase from crossing
        from one text into the next. Every text then gets its own slice of the maps, with
        positions into its own original, so the result equals :meth:`normalize` of each text
        (a test checks it)."""
        if len(texts) < 2 or any(BATCH_LETTER in text for text in texts):
            return [self.normalize(text) for text in texts]
        whole = self.normalize(BATCH_SEPARATOR.join(texts))
        origin = whole.origin.array[:-1]
        bounds = np.empty(len(texts) + 1, dtype=np.int64)  # original offset of each text
        bounds[0] = 0
        np.cumsum([len(text) + len(BATCH_SEPARATOR) for text in texts], out=bounds[1:])
        starts = np.searchsorted(origin, bounds[:-1]).tolist()
        stops = np.searchsorted(origin, bounds[:-1] + [len(t) for t in texts]).tolist()
        offsets = bounds[:-1].tolist()
        out: list[Normalized] = []
        for text, offset, start, stop in zip(texts, offsets, starts, stops, strict=True):
            if start == stop:
                out.append(_empty(text))
                continue
            boundary = whole.boundary.array[start : stop + 1].copy()
            boundary[0] = boundary[-1] = True
            ends = whole._ends
            out.append(
                Normalized(
                    original=text,
                    text=whole.text[start:stop],
                    origin=IndexMap(np.append(origin[start:stop] - offset, len(text))),
                    boundary=FlagMap(boundary),
                    sound=whole.sound[start:stop],
                    _ends=None if ends is None else ends[start:stop] - offset,
                )
            )
        return out

    def phrase(self, phrase: str) -> str:
        """A lexicon phrase through the same pipeline as page text."""
        return self.normalize(phrase).text

    def phrase_pinyin(self, phrase: str) -> str:
        """The written-out pinyin form of a lexicon phrase."""
        return self.normalize(phrase).pinyin

    def _converter(self) -> Callable[[str], str]:
        if self._convert_one is None:
            with self._lock:
                if self._convert_one is None:
                    import opencc  # loaded on first use: a few megabytes of dictionaries

                    first, second = (opencc.OpenCC(name) for name in OPENCC_CONFIGS)

                    def convert(text: str) -> str:
                        return str(second.convert(first.convert(text)))

                    self._convert_one = convert
        return self._convert_one

    def _convert(self, folded: str) -> tuple[str, IntArray | None, IntArray | None]:
        """OpenCC over the folded text, with a map only where the length changed."""
        if folded.isascii():
            return folded, None, None
        convert = self._converter()
        converted = convert(folded)
        if len(converted) == len(folded):
            return converted, None, None
        return converted, *_map_conversion(convert, folded, converted)


def _map_conversion(
    convert: Callable[[str], str], folded: str, converted: str
) -> tuple[IntArray, IntArray]:
    """Start and end (in ``folded``) of each character of ``converted``.

    Every removed character was folded to a space and OpenCC keeps spaces, so both texts split
    into the same clauses at their spaces (found with numpy). Clauses of equal length map one
    to one, shifted by what the clauses before them gained or lost; only the few whose length
    changed are mapped by :func:`_convert_mapped` (once per distinct clause: pages repeat
    their menus and footers).
    """
    old_spaces = np.flatnonzero(codes_of(folded) == _SPACE)
    new_spaces = np.flatnonzero(codes_of(converted) == _SPACE)
    if old_spaces.size != new_spaces.size:  # a space appeared or vanished: map the whole text
        whole: tuple[list[str], list[IntArray], list[IntArray]] = ([], [], [])
        _convert_mapped(convert, folded, (0, len(folded)), converted, whole)
        return np.concatenate(whole[1]), np.concatenate(whole[2])
    old_low = np.concatenate(([0], old_spaces + 1))
    new_low = np.concatenate(([0], new_spaces + 1))
    old_size = np.append(old_spaces, len(folded)) - old_low
    new_size = np.append(new_spaces, len(converted)) - new_low
    clause = np.repeat(np.arange(new_low.size), new_size + 1)[: len(converted)]
    starts = np.arange(len(converted), dtype=np.int64) - (new_low - old_low)[clause]
    ends = starts + 1
    known: dict[str, tuple[IntArray, IntArray]] = {}
    for index in np.flatnonzero(old_size != new_size).tolist():
        low, new_start = int(old_low[index]), int(new_low[index])
        old_text = folded[low : low + int(old_size[index])]
        new_text = converted[new_start : new_start + int(new_size[index])]
        if not new_text:
            continue
        relative = known.get(old_text)
        if relative is None:
            out: tuple[list[str], list[IntArray], list[IntArray]] = ([], [], [])
            _convert_mapped(convert, old_text, (0, len(old_text)), new_text, out)
            relative = known[old_text] = (np.concatenate(out[1]), np.concatenate(out[2]))
        starts[new_start : new_start + len(new_text)] = relative[0] + low
        ends[new_start : new_start + len(new_text)] = relative[1] + low
    return starts, ends


def _convert_mapped(
    convert: Callable[[str], str],
    folded: str,
    span: tuple[int, int],
    converted: str,
    out: tuple[list[str], list[IntArray], list[IntArray]],
) -> None:
    """Map ``converted``, the conversion of ``folded[low:high]``, back to ``folded``.

    A piece that kept its length maps one to one. One that did not is cut in two (at a space
    near the middle, else near the middle) where converting the halves gives the same text as
    converting the whole, so the cut went through no phrase; the halves are mapped the same way.
    A piece that cannot be cut like that is the changed phrase itself (``網際網路`` →
    ``互联网``): its characters are mapped proportionally.
    """
    low, high = span
    pieces, starts, ends = out
    width, new_width = high - low, len(converted)
    if new_width == width:
        pieces.append(converted)
        starts.append(np.arange(low, high, dtype=np.int64))
        ends.append(np.arange(low + 1, high + 1, dtype=np.int64))
        return
    for cut in _cuts(folded, low, high):
        left, right = convert(folded[low:cut]), convert(folded[cut:high])
        if left + right == converted:
            _convert_mapped(convert, folded, (low, cut), left, out)
            _convert_mapped(convert, folded, (cut, high), right, out)
            return
    index = np.arange(new_width, dtype=np.int64)
    first = index * width // new_width
    pieces.append(converted)
    starts.append(low + first)
    ends.append(low + np.maximum((index + 1) * width // new_width, first + 1))


def _cuts(folded: str, low: int, high: int) -> Iterator[int]:
    """Candidate cut points inside ``(low, high)``: a space near the middle, then the middle
    and its neighbours (a phrase rarely spans all of them)."""
    middle = (low + high) // 2
    space = folded.find(" ", middle, high)
    if space <= low:
        space = folded.rfind(" ", low + 1, middle)
    if low < space < high:
        yield space
    for offset in (0, -1, 1, -2, 2, -3, 3, -4, 4):
        cut = middle + offset
        if low < cut < high and cut != space:
            yield cut


def _version() -> str:
    def installed(name: str) -> str:
        try:
            return package_version(name)
        except PackageNotFoundError:  # pragma: no cover - both are dependencies
            return "missing"

    material = "|".join(
        [
            PIPELINE,
            ",".join(OPENCC_CONFIGS),
            installed("opencc"),
            installed("pypinyin"),
            unicodedata.unidata_version,
        ]
    )
    return "norm-" + hashlib.sha256(material.encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def default_normalizer() -> Normalizer:
    """The process's normalizer (OpenCC and the tables load on first use, not here)."""
    return Normalizer()


__all__ = ["FlagMap", "IndexMap", "Normalized", "Normalizer", "default_normalizer"]

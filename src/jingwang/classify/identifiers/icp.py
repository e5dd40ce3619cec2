"""ICP filing and licence numbers (备案号 / 许可证号) in page text: find, check, normalise.

Three kinds, each with its canonical form (docs/formats.md has the full grammar):

* filing (备案号): ``京ICP备05002571号``, ``粤ICP备2021123456号-1`` (the N-th site of it);
* ICP licence (经营许可证): ``京ICP证030173号``;
* value-added telecoms licence (增值电信业务经营许可证): ``京B2-20090001``, ``B2-20090001``
  (cross-regional, no province), also printed ``京ICP证B2-20090001号``.

:func:`extract_icp_numbers` reads free text such as a page footer (HTML entities already
decoded): the text is folded (:mod:`.folding`: NFKC, dashes) so full-width digits and letters
match, ``備 證 號`` and traditional province characters count as ``备 证 号`` and simplified,
up to 16 spaces or colons may stand between the parts, ``号`` may be missing and the ``-N`` site
suffix may come before or after it. Every number found is returned with ``valid`` and the
``problems`` that make it invalid (an unknown province, a wrong digit count, an implausible
year, a placeholder such as ``京ICP备XXXXXXXX号``), and with ``start``/``end`` into the text as
given, not the folded one. It never raises and runs in linear time: the one pattern starts at a
literal ``ICP`` or ``B2``, every repeat in it is bounded and possessive.

:func:`parse_icp` reads exactly one number and raises :class:`IcpNumberError` (``icp.invalid``)
saying what is wrong with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from jingwang.classify.identifiers.folding import FoldedText
from jingwang.classify.identifiers.provinces import province_prefix
from jingwang.errors import InvalidInput

# Years a number may carry. No clock is read (the extractor is pure and deterministic), so the
# upper bound is a constant to move forward in time.
LATEST_YEAR = 2035
EARLIEST_FULL_YEAR = 2004  # the national filing system opened in 2004-05 (10-digit filings)
EARLIEST_SHORT_YEAR = 2000  # a two-digit year (older numbers, licences) or a B2 licence year
BARE_B2_MIN_DIGITS = 6  # "B2-1" without "ICP证" is a parking level or a vitamin, not a licence
_CONTEXT = 16  # spaces skipped between the province and "ICP"

_SEP = r"[\s:]{0,16}+"


def _site(group: str) -> str:
    return rf"{_SEP} - {_SEP} (?P<{group}>[0-9]{{1,4}}+)(?![0-9])"


_PATTERN = re.compile(
    rf"""
    (?:
        ICP {_SEP} (?P<mark>[备備证證]) {_SEP} (?P<icp_b2>B2 {_SEP} - {_SEP})?
      | (?<![0-9A-Za-z]) (?P<b2>B2) {_SEP} - {_SEP}
    )
    (?P<number>[0-9Xx*]{{1,32}}+)(?![0-9Xx*])
    (?:{_site("site")})?
    (?:{_SEP}[号號])?
    (?(site)|(?:{_site("late_site")}(?:{_SEP}[号號])?)?)
    """,
    re.IGNORECASE | re.VERBOSE,
)


class IcpKind(StrEnum):
    FILING = "filing"
    LICENCE = "licence"
    VALUE_ADDED_LICENCE = "value_added_licence"


class IcpNumberError(InvalidInput):
    """A text that is not exactly one valid ICP number; the message says what is wrong."""

    code = "icp.invalid"


@dataclass(frozen=True, slots=True)
class IcpNumber:
    """One number as found. ``valid`` is true exactly when ``problems`` is empty.

    ``province`` is the abbreviation as printed, simplified (``京``, ``蜀``), or the unknown
    character that stands in its place; ``province_name`` and ``province_code`` (GB/T 2260)
    are set only for a known one. ``number`` holds the digits as printed (leading zeros kept).
    ``start``/``end`` index the original text and ``raw`` is ``text[start:end]``.
    """

    kind: IcpKind
    province: str | None
    province_name: str | None
    province_code: str | None
    number: str
    year: int | None
    site_index: int | None
    canonical: str
    valid: bool
    problems: tuple[str, ...]
    start: int
    end: int
    raw: str


def extract_icp_numbers(
    text: str, *, bare_b2_min_digits: int = BARE_B2_MIN_DIGITS
) -> tuple[IcpNumber, ...]:
    """Every ICP filing and licence number in ``text``, valid or not, in order.

    A ``B2-`` licence number printed without ``ICP证`` is only reported with at least
    ``bare_b2_min_digits`` digits; 1 reports them all (what :func:`parse_icp` does).
    """
    folded = FoldedText.of(text)
    found: list[IcpNumber] = []
    floor = 0  # the province of a number cannot lie inside the previous one
    for match in _PATTERN.finditer(folded.folded):
        if match["b2"] and len(match["number"]) < bare_b2_min_digits:
            continue
        found.append(_build(match, folded, floor))
        floor = match.end()
    return tuple(found)


def parse_icp(text: str) -> IcpNumber:
    """The one valid number that ``text`` consists of (surrounding spaces allowed)."""
    found = extract_icp_numbers(text, bare_b2_min_digits=1)
    clipped = text if len(text) <= 80 else text[:77] + "..."
    if not found:
        raise IcpNumberError("no ICP filing or licence number found", text=clipped)
    if len(found) > 1:
        raise IcpNumberError(
            f"{len(found)} numbers found; give one", numbers=[n.canonical for n in found]
        )
    number = found[0]
    before, after = text[: number.start].strip(), text[number.end :].strip()
    if before or after:
        extra = before or after
        where = "before" if before else "after"
        raise IcpNumberError(f"unexpected text {where} the number: {extra[:40]!r}", text=clipped)
    if not number.valid:
        raise IcpNumberError("; ".join(number.problems), number=number.canonical)
    return number


def _kind(match: re.Match[str]) -> IcpKind:
    if match["b2"] or match["icp_b2"]:
        return IcpKind.VALUE_ADDED_LICENCE
    return IcpKind.FILING if match["mark"] in "备備" else IcpKind.LICENCE


def _prefix_at(match: re.Match[str], folded: str, floor: int) -> tuple[int, str | None]:
    """Where the number starts and the province character before it, if any.

    Before ``ICP`` any letter that is not ASCII is taken (and later checked): ``港ICP备…``
    is a number with a wrong province, not a number without one. Before a bare ``B2`` only a
    known province right next to it counts.
    """
    start = match.start()
    if match["b2"]:
        if start > floor and province_prefix(folded[start - 1]) is not None:
            return start - 1, folded[start - 1]
        return start, None
    index = start - 1
    while index >= max(floor, start - _CONTEXT) and folded[index].isspace():
        index -= 1
    if index >= floor and folded[index].isalpha() and not folded[index].isascii():
        return index, folded[index]
    return start, None


def _build(match: re.Match[str], folded: FoldedText, floor: int) -> IcpNumber:
    kind = _kind(match)
    start, char = _prefix_at(match, folded.folded, floor)
    known = province_prefix(char) if char else None
    if known is None and kind is IcpKind.VALUE_ADDED_LICENCE:
        start, char = match.start(), None  # 许可证B2-…, 港ICP证B2-…: a cross-regional licence
    province = known[0] if known else char
    number = match["number"].upper()
    site_text = match["site"] or match["late_site"]
    site_index = int(site_text) if site_text else None
    problems: list[str] = []
    if known is None and kind is not IcpKind.VALUE_ADDED_LICENCE:
        problems.append(
            f"'{char}' is not a province abbreviation"
            if char
            else "no province abbreviation before 'ICP'"
        )
    year = _check_number(kind, number, problems)
    problems.extend(_site_problems(kind, site_index))
    begin, end = folded.span(start, match.end())
    return IcpNumber(
        kind=kind,
        province=province,
        province_name=known[1].name if known else None,
        province_code=known[1].code if known else None,
        number=number,
        year=year,
        site_index=site_index,
        canonical=_canonical(kind, province, number, site_index),
        valid=not problems,
        problems=tuple(problems),
        start=begin,
        end=end,
        raw=folded.original[begin:end],
    )


def _check_number(kind: IcpKind, number: str, problems: list[str]) -> int | None:
    """Append what is wrong with the digits; return the year they carry, if any."""
    if not number.isdigit():
        problems.append(f"'{number}' is a placeholder, not a number")
        return None
    length = len(number)
    if kind is IcpKind.VALUE_ADDED_LICENCE:
        if length != 8:
            problems.append(
                f"a value-added licence number has 8 digits starting with the year, not {length}"
            )
            return None
        year, earliest = int(number[:4]), EARLIEST_SHORT_YEAR
    elif kind is IcpKind.FILING and length == 10:
        year, earliest = int(number[:4]), EARLIEST_FULL_YEAR
    elif 6 <= length <= 8:
        year, earliest = 2000 + int(number[:2]), EARLIEST_SHORT_YEAR
    else:
        what = (
            "a filing number has 6-8 digits or 10"
            if kind is IcpKind.FILING
            else ("an ICP licence number has 6-8 digits")
        )
        problems.append(f"{what}, not {length}")
        return None
    if not earliest <= year <= LATEST_YEAR:
        problems.append(f"year {year} is not plausible ({earliest}-{LATEST_YEAR})")
    return year


def _site_problems(kind: IcpKind, site_index: int | None) -> list[str]:
    if site_index is None:
        return []
    if kind is not IcpKind.FILING:
        return ["a licence number has no -N site suffix"]
    return [] if site_index >= 1 else ["the site suffix -N must be 1 or more"]


def _canonical(kind: IcpKind, province: str | None, number: str, site_index: int | None) -> str:
    body = {
        IcpKind.FILING: f"ICP备{number}号",
        IcpKind.LICENCE: f"ICP证{number}号",
        IcpKind.VALUE_ADDED_LICENCE: f"B2-{number}",
    }[kind]
    suffix = "" if site_index is None else f"-{site_index}"
    return f"{province or ''}{body}{suffix}"


__all__ = [
    "IcpKind",
    "IcpNumber",
    "IcpNumberError",
    "extract_icp_numbers",
    "parse_icp",
]

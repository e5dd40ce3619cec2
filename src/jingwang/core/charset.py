"""Turn page bytes into text: which encoding, why, and whether anything was lost.

Order of evidence (the WHATWG encoding sniffing order, with a mobile-web correction):

1. A byte order mark (UTF-8, UTF-16 LE/BE) always wins.
2. A label: ``declared`` (what the caller was told, e.g. a stored record), then the
   ``charset`` of the HTTP ``Content-Type`` header, then ``<?xml … encoding=…?>`` at the
   start of the document (WML and XHTML-MP decks are XML), then ``<meta charset>`` or
   ``<meta http-equiv=Content-Type content=…charset=…>`` in the first 4 KiB.
3. Correction: a label is believed only if the bytes decode under it without error. Data that
   is valid UTF-8 and not plain ASCII is UTF-8 whatever the label says (legacy text is almost
   never valid UTF-8 by chance); a page labelled UTF-8 that fails but decodes cleanly as
   GB18030 is GB18030. Otherwise the label stands and bad bytes become U+FFFD.
4. No usable label: valid UTF-8, else charset-normalizer, ties going to GB18030 and then
   Big5 (the web we crawl is Chinese), else GB18030 with replacement.

Every ``gb2312``/``gbk``/``gb_2312-80``/``x-gbk``/``cp936`` label means GB18030 (strict
GB2312 fails on real pages; GB18030 is their superset). ``big5`` means Big5-HKSCS, its
superset with the Hong Kong characters. Latin-1 and ASCII labels mean windows-1252, as in
browsers. :func:`decode_bytes` never raises.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass
from enum import StrEnum

SNIFF_BYTES = 4096
DETECT_BYTES = 65536
_TIE_MARGIN = 0.1  # chaos within this of the best guess counts as a tie
_PREFERRED = ("gb18030", "big5hkscs")

_ALIASES = {
    **dict.fromkeys(
        (
            "gb2312",
            "gbk",
            "gb_2312-80",
            "gb_2312",
            "x-gbk",
            "cp936",
            "ms936",
            "windows-936",
            "csgb2312",
            "chinese",
            "iso-ir-58",
            "csiso58gb231280",
            "euc-cn",
            "gb18030",
        ),
        "gb18030",
    ),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950"), "big5hkscs"),
    **dict.fromkeys(
        ("iso-8859-1", "latin1", "latin-1", "l1", "iso8859-1", "us-ascii", "ascii", "cp819"),
        "cp1252",
    ),
    **dict.fromkeys(("shift_jis", "sjis", "ms_kanji", "windows-31j", "x-sjis"), "cp932"),
    **dict.fromkeys(("euc-kr", "euc_kr", "ks_c_5601-1987", "windows-949"), "cp949"),
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8"), "utf-8"),
    "utf-16": "utf-16-le",
}
# Python codec names of the other encodings the WHATWG Encoding Standard allows.
_ALLOWED = frozenset(
    ["cp866", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic", "cp874", "euc_jp",
     "iso2022_jp", "utf-16-le", "utf-16-be"]
    + [f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)]
    + [f"cp{n}" for n in range(1250, 1259)]
) | frozenset(_ALIASES.values())  # fmt: skip

_XML_DECL = re.compile(rb"\A\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_META = re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_HEADER = re.compile(r";\s*charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class CharsetSource(StrEnum):
    """How the encoding was chosen."""

    BOM = "bom"
    DECLARED = "declared"  # the caller's ``declared`` label
    HEADER = "header"  # charset in the HTTP Content-Type header
    XML = "xml"  # <?xml encoding=…?>
    META = "meta"  # <meta charset> / <meta http-equiv=Content-Type>
    CORRECTED = "corrected"  # a label was given but the bytes are another encoding
    DETECTED = "detected"  # no usable label: valid UTF-8 or charset-normalizer
    FALLBACK = "fallback"  # nothing fitted: GB18030 with replacement characters


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text; ``claimed`` is the label the bytes contradicted (when corrected)."""

    text: str
    encoding: str
    source: CharsetSource
    replaced: bool
    claimed: str | None = None


@functools.lru_cache(maxsize=256)
def encoding_for_label(label: str) -> str | None:
    """The Python codec to use for a charset label, or ``None`` if it is no known text one."""
    name = label.strip().strip("\"'").lower()
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):  # ValueError: a label with a NUL in it
        return None
    return _ALIASES.get(codec, codec if codec in _ALLOWED else None)


def decode_bytes(data: bytes, declared: str | None, *, http_header: str | None = None) -> Decoded:
    """Decode page bytes; never raises (see the module documentation for the rules)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding, CharsetSource.BOM)
    found = _first_label(data, declared, http_header)
    if found is None:
        return _detect(data)
    label, encoding, source = found
    utf8 = _decodes(data, "utf-8")
    if utf8 and encoding != "utf-8" and not data.isascii():
        return _decode(data, "utf-8", CharsetSource.CORRECTED, claimed=label)
    if encoding == "utf-8" and not utf8 and _decodes(data, "gb18030"):
        return _decode(data, "gb18030", CharsetSource.CORRECTED, claimed=label)
    return _decode(data, encoding, source)


def _first_label(
    data: bytes, declared: str | None, header: str | None
) -> tuple[str, str, CharsetSource] | None:
    """The first label that names a known encoding: (label, codec name, where it was)."""
    head = data[:SNIFF_BYTES]
    header_match = _HEADER.search(header or "")
    candidates = (
        (declared, CharsetSource.DECLARED),
        (header_match.group(1) if header_match else None, CharsetSource.HEADER),
        (_sniff(_XML_DECL, head), CharsetSource.XML),
        (_sniff(_META, head), CharsetSource.META),
    )
    for label, source in candidates:
        encoding = encoding_for_label(label) if label else None
        if label is None or encoding is None:
            continue
        if source in (CharsetSource.XML, CharsetSource.META) and encoding.startswith("utf-16"):
            encoding = "utf-8"  # an in-document label read as ASCII cannot be UTF-16
        return label, encoding, source
    return None


def _sniff(pattern: re.Pattern[bytes], head: bytes) -> str | None:
    found = pattern.search(head)
    return found.group(1).decode("ascii") if found else None


def _detect(data: bytes) -> Decoded:
    if _decodes(data, "utf-8"):
        return _decode(data, "utf-8", CharsetSource.DETECTED)
    guess = _guess(data[:DETECT_BYTES])
    if guess is None:
        return _decode(data, "gb18030", CharsetSource.FALLBACK)
    return _decode(data, guess, CharsetSource.DETECTED)


def _guess(sample: bytes) -> str | None:
    """charset-normalizer's best guess, preferring GB18030 then Big5 when nearly as good."""
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(sample) if encoding_for_label(m.encoding)]
    if not matches:
        return None
    best = matches[0]
    for preferred in _PREFERRED:
        for match in matches:
            good = match.chaos <= best.chaos + _TIE_MARGIN
            if good and encoding_for_label(match.encoding) == preferred:
                return preferred
    return encoding_for_label(best.encoding)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _decode(
    data: bytes, encoding: str, source: CharsetSource, *, claimed: str | None = None
) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding, source, False, claimed)
    except UnicodeDecodeError:
        text = data.decode(encoding, "replace")
        return Decoded(text, encoding, source, True, claimed)


__all__ = ["CharsetSource", "Decoded", "decode_bytes", "encoding_for_label"]

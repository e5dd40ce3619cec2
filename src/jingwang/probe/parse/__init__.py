"""Read a fetched page: what kind it is, its text per card, links, images, forms, hops.

:func:`parse_page` is the one entry point. It decodes the bytes with
:func:`jingwang.core.charset.decode_bytes` (GB labels mean GB18030; mislabelled bytes are
corrected), decides the kind (:mod:`.sniff`), and hands the text to the WML reader
(:mod:`.wml`) or the HTML/XHTML-MP reader (:mod:`.markup`). Images and other non-markup
responses get a summary with no text. Identifiers (ICP numbers, QQ, phones, SP and channel
codes, analytics ids…) come from the one extractor in :mod:`jingwang.classify.identifiers`,
over the page text, over the link URLs, and (analytics ids only, which sit in scripts) over
the whole decoded document.

Nothing here fetches anything or raises on a hostile page: nesting beyond ``max_nesting`` is
recorded as :attr:`LimitHit.NESTING` with what was read up to it.
"""

from __future__ import annotations

from jingwang.classify.identifiers import extract_from_links, extract_identifiers
from jingwang.core.charset import decode_bytes
from jingwang.probe.parse.markup import parse_markup
from jingwang.probe.parse.sniff import SNIFF_CHARS, media_type, sniff
from jingwang.probe.parse.wml import parse_wml
from jingwang.probe.types import Identifier, PageSummary

DEFAULT_MAX_NESTING = 256


def parse_page(
    body: bytes,
    *,
    url: str,
    content_type: str | None,
    declared_charset: str | None = None,
    max_nesting: int = DEFAULT_MAX_NESTING,
) -> PageSummary:
    """Everything the prober reads from one response body fetched from ``url``.

    ``content_type`` is the response's ``Content-Type`` header as received (its ``charset``
    parameter is a label for decoding); ``declared_charset`` a label known from elsewhere.
    """
    media = media_type(content_type)
    if media.startswith("image/"):
        return PageSummary(kind="image")
    decoded = decode_bytes(body, declared_charset, http_header=content_type)
    found = sniff(decoded.text[:SNIFF_CHARS], content_type)
    if found.kind in ("image", "other"):
        return PageSummary(kind=found.kind)
    if found.kind == "wml":
        summary = parse_wml(decoded.text, url=url, max_nesting=max_nesting)
    else:
        summary = parse_markup(decoded.text, url=url, kind=found.kind, max_nesting=max_nesting)
    summary.doctype = found.doctype
    summary.charset = decoded.encoding
    summary.charset_reason = decoded.source.value
    if decoded.claimed:
        summary.problems.append(
            f"labelled {decoded.claimed!r} but the bytes are {decoded.encoding}"
        )
    if decoded.replaced:
        summary.problems.append(f"bytes that are not {decoded.encoding} were replaced")
    summary.identifiers = _identifiers(summary, decoded.text)
    return summary


def _identifiers(summary: PageSummary, document: str) -> list[Identifier]:
    """Identifiers in the visible text, in link URLs, and analytics ids anywhere in the markup
    (they live in scripts; ``source="markup"``, positions into the decoded document)."""
    found = extract_identifiers(summary.text) + extract_from_links(summary.links)
    seen = {(identifier.kind, identifier.value) for identifier in found}
    for identifier in extract_identifiers(document, source="markup", kinds=("analytics",)):
        if (identifier.kind, identifier.value) not in seen:
            seen.add((identifier.kind, identifier.value))
            found.append(identifier)
    return found


__all__ = ["DEFAULT_MAX_NESTING", "parse_page"]

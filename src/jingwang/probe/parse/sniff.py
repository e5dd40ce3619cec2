"""Which kind of page a response is: WML, XHTML-MP, HTML, an image or something else.

The ``Content-Type`` decides when it is specific (``text/vnd.wap.wml``,
``application/vnd.wap.xhtml+xml``, ``image/*``); WAP servers often send decks as
``text/html`` or ``text/plain``, so for those (and for no type at all) the document itself
decides: its doctype and its root element, read from the head of the text with comments
removed. A doctype counts only before the first element, as in a browser: a WAPFORUM doctype
inside a comment or after ``<head>`` does not make a page XHTML-MP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SNIFF_CHARS = 8192

WML_TYPES = frozenset({"text/vnd.wap.wml", "application/vnd.wap.wml+xml"})
XHTML_MP_TYPES = frozenset({"application/vnd.wap.xhtml+xml"})
# Types under which servers send markup of any kind; the document is sniffed.
SNIFFED_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/xml",
        "application/xml",
        "text/plain",
        "application/octet-stream",
        "",
    }
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_LEADING = re.compile(r"\A(?:\s|\ufeff|<\?[^>]*\?>)*")
_DOCTYPE = re.compile(r"<!DOCTYPE\s+([^>\[]*)", re.IGNORECASE)
_ELEMENT = re.compile(r"<([A-Za-z][A-Za-z0-9:_.-]*)")
_WML1 = re.compile(r"//DTD\s+WML\s+1\.", re.IGNORECASE)
_XHTML_MP = re.compile(r"//DTD\s+(?:XHTML\s+Mobile|WML\s+2\.)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sniffed:
    kind: str  # wml, xhtml-mp, html, image, other
    doctype: str | None  # the doctype's text after "<!DOCTYPE ", when one leads the document
    root: str | None  # the first element's name, lower case


def media_type(content_type: str | None) -> str:
    """``text/html; charset=gbk`` → ``text/html``; ``None`` → ``""``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def sniff(text_head: str, content_type: str | None) -> Sniffed:
    """The page kind from its media type and the start of its decoded text."""
    media = media_type(content_type)
    doctype, root = _prologue(text_head[:SNIFF_CHARS])
    if media in WML_TYPES:  # a WML 2.0 document is XHTML, whatever the server calls it
        return Sniffed("xhtml-mp" if root == "html" else "wml", doctype, root)
    if media in XHTML_MP_TYPES:
        return Sniffed("xhtml-mp", doctype, root)
    if media.startswith("image/"):
        return Sniffed("image", None, None)
    if media not in SNIFFED_TYPES:
        return Sniffed("other", None, None)
    if root == "wml" or (doctype is not None and _WML1.search(doctype)):
        return Sniffed("wml", doctype, root)
    if doctype is not None and _XHTML_MP.search(doctype):
        return Sniffed("xhtml-mp", doctype, root)
    if media in _HTML_TYPES or root is not None:
        return Sniffed("html", doctype, root)
    return Sniffed("other", doctype, root)


def _prologue(head: str) -> tuple[str | None, str | None]:
    """The doctype before the first element, and that element's name."""
    head = _COMMENT.sub(" ", head)
    position = _LEADING.match(head)
    start = position.end() if position else 0
    doctype = None
    found = _DOCTYPE.match(head, start)
    if found:
        doctype = " ".join(found.group(1).split())
        start = found.end()
    element = _ELEMENT.search(head, start)
    if element is None:
        return doctype, None
    if head[start : element.start()].strip() and not _looks_markup(head):
        return doctype, None  # plain text that merely contains a tag somewhere
    return doctype, element.group(1).lower()


def _looks_markup(head: str) -> bool:
    return bool(re.search(r"<(?:html|head|body|wml|card)\b", head, re.IGNORECASE))


__all__ = ["Sniffed", "media_type", "sniff"]

"""Walk a parsed tree without recursion, with a depth limit, collecting its visible text.

Hostile pages nest elements 100,000 deep. libxml2 (``huge_tree=False``) already stops
building a tree at depth 256 and says so in its error log (:func:`depth_capped`); the walk
itself uses an explicit stack, never Python recursion, and stops descending below
``max_depth``, reporting that it did. Text is gathered in document order: ``<br>`` becomes a
newline, block elements start and end lines, and the text of silent elements (script, style,
head…) is left out while their descendants are still visited (a ``<meta>`` in ``<head>``).
Entity references kept by an XML parse with ``resolve_entities=False`` are turned into their
characters when they are HTML's predefined names, never by reading a DTD.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "form",
        "fieldset",
        "legend",
        "pre",
        "blockquote",
        "address",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "hr",
        "center",
        "card",
        "option",
        "select",
        "noscript",
        "figure",
        "figcaption",
        "details",
        "summary",
        "title",
    ]
)
_SPACES = re.compile(r"[^\S\n\u00a0\u3000]+")


@dataclass
class WalkResult:
    text: str
    depth_hit: bool = False
    elements: int = 0
    pieces: list[str] = field(default_factory=list, repr=False)


def local_name(node: etree._Element) -> str:
    """The lower-case tag without namespace (``{ns}card`` / ``wml:card`` → ``card``); ``""``
    for comments, processing instructions and entities."""
    tag = node.tag
    if not isinstance(tag, str):
        return ""
    return _local(tag)


@functools.lru_cache(maxsize=1024)  # a page has a few dozen kinds of tag, read thousands of times
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def entity_text(node: etree._Element) -> str:
    """The characters an entity reference stands for, if HTML predefines it; else as written."""
    return html.unescape(str(node.text or ""))


def walk(
    root: etree._Element,
    *,
    max_depth: int,
    visit: Callable[[etree._Element, str], None] | None = None,
    silent: frozenset[str] = frozenset(),
    skip: frozenset[str] = frozenset(),
) -> WalkResult:
    """Visit every element under ``root`` (``root`` at depth 1) and gather the visible text.

    ``visit(element, name)`` is called in document order; elements in ``skip`` are neither
    visited below nor read; text under ``silent`` elements is dropped.
    """
    result = WalkResult(text="")
    out = result.pieces
    stack: list[tuple[etree._Element, int, bool] | str] = [(root, 1, False)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node, depth, quiet = item
        if depth > max_depth:
            result.depth_hit = True
            continue
        if node.tag is etree.Entity:
            if not quiet:
                out.append(entity_text(node))
            continue
        name = local_name(node)
        if not name:
            continue
        result.elements += 1
        if visit is not None:
            visit(node, name)
        if name in skip:
            continue
        quiet = quiet or name in silent
        _push(stack, node, name, depth, quiet)
    result.text = normalise_text("".join(out))
    return result


def _push(
    stack: list[tuple[etree._Element, int, bool] | str],
    node: etree._Element,
    name: str,
    depth: int,
    quiet: bool,
) -> None:
    """Push the node's content so it pops in document order: text, children with tails."""
    block = name in BLOCK_TAGS
    if block and not quiet:
        stack.append("\n")
    for child in reversed(node):
        if child.tail and not quiet:
            stack.append(child.tail)
        stack.append((child, depth + 1, quiet))
    if not quiet:
        if node.text and not isinstance(node, etree._Entity):
            stack.append(node.text)
        if name == "br" or block:
            stack.append("\n")


def normalise_text(text: str) -> str:
    """Collapse runs of spaces within lines, strip lines, drop empty ones."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def node_text(node: etree._Element, limit: int = 500) -> str:
    """The text under one element (a link's words), whitespace collapsed, capped."""
    pieces: list[str] = []
    size = 0
    for piece in node.itertext():
        pieces.append(piece)
        size += len(piece)
        if size >= limit:
            break
    return " ".join("".join(pieces).split())[:limit]


def depth_capped(parser: etree.XMLParser | etree.HTMLParser) -> bool:
    """Whether libxml2 stopped building the tree at its own depth limit."""
    return any("Excessive depth" in entry.message for entry in parser.error_log)


__all__ = [
    "BLOCK_TAGS",
    "WalkResult",
    "depth_capped",
    "entity_text",
    "local_name",
    "node_text",
    "normalise_text",
    "walk",
]

"""WML 1.x decks: cards with their text, links, images, forms, timers and events, and the hop.

Parsed with lxml's XML parser in recover mode, with no DTD, no network and no entity
expansion (``&nbsp;`` and the other HTML names are turned into characters by the walk; a
deck's own ``<!ENTITY>`` declarations are never expanded, so no entity bomb or external
entity can do anything). A deck is a list of ``<card>``; a ``<template>`` gives every card
its ``<do>`` and ``<onevent>`` unless the card has its own.

Variables: every ``<setvar name value>`` of the deck is collected and substituted into URLs
(``$(name)``, ``$name``, ``$(name:e)`` escaped, ``:n``/``:u`` as is; ``$$`` is a dollar;
an unset variable is empty, as the WML spec says). The card's text keeps variables as written.

The deck's next hop (:func:`deck_hop`): the first card's ``onenterforward`` (attribute or
``<onevent type="onenterforward"><go href>``), else its ``<timer>`` with ``ontimer`` (delay =
tenths / 10). A ``#card`` target moves to that card and repeats with its own events (the
delays add up), stopping at a card already seen; the first URL outside the deck is the hop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from lxml import etree

from jingwang.probe.parse.urls import is_data, link_kind, resolve
from jingwang.probe.parse.walk import depth_capped, local_name, node_text, walk
from jingwang.probe.types import Card, Form, LimitHit, Link, NextHop, PageSummary, Via

_SILENT = frozenset(
    [
        "do",
        "onevent",
        "timer",
        "setvar",
        "postfield",
        "go",
        "head",
        "template",
        "access",
        "meta",
        "prev",
        "refresh",
        "noop",
    ]
)
_VARIABLE = re.compile(
    r"\$\$|\$\((?P<paren>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<conv>[A-Za-z]+))?\)|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)
_EVENTS = ("onenterforward", "ontimer")


@dataclass
class _CardRead:
    """One card while it is read; ``events`` maps onenterforward/ontimer to a target."""

    id: str | None
    title: str
    text: str = ""
    timer: int | None = None
    events: dict[str, str] = field(default_factory=dict)


class _Deck:
    """The state of reading one deck: variables, links, images, forms."""

    def __init__(self, url: str, variables: dict[str, str]) -> None:
        self.url = url
        self.variables = variables
        self.links: list[Link] = []
        self.images: dict[str, None] = {}
        self.forms: list[Form] = []
        self.meta: dict[str, str] = {}

    def target(self, href: str) -> str:
        """A href with variables substituted: ``#card`` as is, anything else absolute."""
        href = _VARIABLE.sub(self._value, href).strip()
        return href if href.startswith("#") else resolve(self.url, href)

    def _value(self, match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match["paren"] or match["bare"]
        value = self.variables.get(name, "")
        conv = (match["conv"] or "").lower()
        return quote(value, safe="") if conv in ("e", "escape") else value

    def read_card(self, card: _CardRead, node: etree._Element, max_depth: int) -> bool:
        """Walk one card (or the template); return whether the depth limit cut it."""

        def visit(element: etree._Element, name: str) -> None:
            self._visit(card, element, name)

        for event in _EVENTS:
            if node.get(event):
                card.events[event] = self.target(node.get(event, ""))
        walked = walk(node, max_depth=max_depth, visit=visit, silent=_SILENT)
        card.text = walked.text
        return walked.depth_hit

    def _visit(self, card: _CardRead, node: etree._Element, name: str) -> None:
        get = node.get
        if name == "a" and get("href") is not None:
            url = self.target(get("href", ""))
            self.links.append(Link(url, node_text(node), link_kind(url, "a")))
        elif name == "go" and get("href") is not None:
            self._go(card, node)
        elif name == "img" and get("src") and not is_data(get("src", "")):
            self.images.setdefault(self.target(get("src", "")), None)
        elif name == "timer":
            card.timer = _tenths(get("value"), self.variables.get(get("name") or ""))
        elif name == "meta":
            key = get("name") or get("http-equiv") or get("property")
            if key and get("content") is not None:
                self.meta.setdefault(key.strip().lower(), get("content", "").strip())

    def _go(self, card: _CardRead, node: etree._Element) -> None:
        url = self.target(node.get("href", ""))
        parent = node.getparent()
        holder = local_name(parent) if parent is not None else ""
        if holder == "onevent" and parent is not None:
            kind = (parent.get("type") or "").strip().lower()
            if kind in _EVENTS:
                card.events.setdefault(kind, url)
        text = node_text(parent) if holder == "anchor" and parent is not None else ""
        if holder == "do" and parent is not None:
            text = parent.get("label") or parent.get("name") or parent.get("type") or ""
        self.links.append(Link(url, text, link_kind(url, "go")))
        fields = [f.get("name", "") for f in node if local_name(f) == "postfield" and f.get("name")]
        method = (node.get("method") or "get").strip().lower()
        if fields or method == "post":
            self.forms.append(Form(action=url, method=method, fields=tuple(fields)))


def _tenths(value: str | None, variable: str | None) -> int | None:
    for candidate in (variable, value):
        if candidate is not None and candidate.strip().isdigit():
            return int(candidate.strip())
    return None


def parse_wml(text: str, *, url: str, max_nesting: int) -> PageSummary:
    """Read a WML deck (already decoded) into a :class:`PageSummary` with one card per card."""
    summary = PageSummary(kind="wml")
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True, encoding="utf-8",
    )  # fmt: skip
    root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    if root is None:
        summary.problems.append("the deck has no elements to read")
        return summary
    variables: dict[str, str] = {}
    for setvar in root.iter("{*}setvar", "setvar"):
        if setvar.get("name"):
            variables.setdefault(setvar.get("name", ""), setvar.get("value") or "")
    deck = _Deck(url, variables)
    hit = depth_capped(parser)
    template = _CardRead(None, "")
    for node in root.iter("{*}template", "template"):
        hit |= deck.read_card(template, node, max_nesting - _depth(node) + 1)
    cards: list[_CardRead] = []
    nodes = list(root.iter("{*}card", "card")) or [root]
    for node in nodes:
        card = _CardRead(node.get("id"), (node.get("title") or "").strip())
        hit |= deck.read_card(card, node, max_nesting - _depth(node) + 1)
        for event, target in template.events.items():
            card.events.setdefault(event, target)
        cards.append(card)
    if hit:
        summary.limit_hit = LimitHit.NESTING
        summary.problems.append(
            f"elements nested deeper than {min(max_nesting, 256)} were not read"
        )
    summary.cards = [_card(card) for card in cards]
    summary.title = next((card.title for card in cards if card.title), "")
    summary.text = "\n\n".join(card.text for card in cards if card.text)
    summary.links = deck.links
    summary.images = list(deck.images)
    summary.forms = deck.forms
    summary.meta = deck.meta
    summary.next_hop = deck_hop(cards)
    return summary


def _depth(node: etree._Element) -> int:
    return 1 + sum(1 for _ in node.iterancestors())


def _card(card: _CardRead) -> Card:
    return Card(
        id=card.id,
        title=card.title,
        text=card.text,
        timer_tenths=card.timer,
        ontimer=card.events.get("ontimer"),
        onenterforward=card.events.get("onenterforward"),
    )


def deck_hop(cards: list[_CardRead]) -> NextHop | None:
    """Where the deck sends a browser that opens it (see the module documentation)."""
    by_id = {card.id: card for card in cards if card.id}
    card = cards[0] if cards else None
    seen: set[int] = set()
    delay = 0.0
    while card is not None and id(card) not in seen:
        seen.add(id(card))
        if "onenterforward" in card.events:
            target, via = card.events["onenterforward"], Via.WML_ONENTERFORWARD
        elif card.timer is not None and "ontimer" in card.events:
            target, via = card.events["ontimer"], Via.WML_ONTIMER
            delay += card.timer / 10
        else:
            return None
        if not target.startswith("#"):
            return NextHop(target, via, delay)
        card = by_id.get(target[1:])
    return None


__all__ = ["deck_hop", "parse_wml"]

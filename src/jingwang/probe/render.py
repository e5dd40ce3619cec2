"""A WML deck as a small, static HTML page a reviewer can read (WML is not shown by browsers).

:func:`render_wml_view` writes one standalone document: each card with its id, title and
text, its timer and events described in words, and the deck's links as plain text with their
targets. Everything from the page is escaped; the view has no script, no ``<a href>`` to a
captured URL and no remote image, and its Content-Security-Policy (``default-src 'none';
style-src 'unsafe-inline'``) forbids loading anything at all, so opening it fetches nothing.
"""

from __future__ import annotations

from html import escape

from jingwang.probe.types import Card, Link, PageSummary

CSP = "default-src 'none'; style-src 'unsafe-inline'"
_LABELS = {
    "zh": {
        "title": "WML 页面视图",
        "card": "卡片",
        "untitled": "（无标题）",
        "timer": "定时器：{seconds} 秒后跳转到 {target}",
        "timer_only": "定时器：{seconds} 秒（无 ontimer 目标）",
        "enter": "进入时跳转（onenterforward）到 {target}",
        "links": "链接",
        "none": "（无）",
        "hop": "整页跳转：{via} → {target}（{seconds} 秒）",
        "images": "图片",
    },
    "en": {
        "title": "WML deck view",
        "card": "Card",
        "untitled": "(untitled)",
        "timer": "Timer: after {seconds} s goes to {target}",
        "timer_only": "Timer: {seconds} s (no ontimer target)",
        "enter": "On entering (onenterforward) goes to {target}",
        "links": "Links",
        "none": "(none)",
        "hop": "The deck redirects: {via} → {target} ({seconds} s)",
        "images": "Images",
    },
}
_STYLE = (
    "body{font-family:sans-serif;max-width:40em;margin:1em auto}"
    ".card{border:1px solid #999;border-radius:4px;padding:.5em 1em;margin:1em 0}"
    ".text{white-space:pre-wrap}.event{color:#664}.target{font-family:monospace;"
    "word-break:break-all}"
)


def render_wml_view(summary: PageSummary, *, lang: str = "zh") -> str:
    """The HTML view of ``summary``'s cards, labels in ``lang`` (``zh`` or ``en``)."""
    labels = _LABELS.get(lang, _LABELS["en"])
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang if lang in _LABELS else "en")}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{escape(labels['title'])}: {escape(summary.title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{escape(summary.title or labels['untitled'])}</h1>",
    ]
    if summary.next_hop is not None:
        hop = summary.next_hop
        text = labels["hop"].format(
            via=hop.via.value, target=hop.url, seconds=_seconds(hop.delay_seconds)
        )
        parts.append(f'<p class="event">{escape(text)}</p>')
    parts.extend(_card(card, labels) for card in summary.cards)
    parts.append(_links(summary.links, labels["links"], labels["none"]))
    if summary.images:
        items = "".join(f'<li class="target">{escape(url)}</li>' for url in summary.images)
        parts.append(f"<h2>{escape(labels['images'])}</h2><ul>{items}</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _card(card: Card, labels: dict[str, str]) -> str:
    name = f"{labels['card']} #{card.id}" if card.id else labels["card"]
    rows = [
        '<section class="card">',
        f"<h2>{escape(name)}: {escape(card.title or labels['untitled'])}</h2>",
        f'<div class="text">{escape(card.text)}</div>',
    ]
    for event in _events(card, labels):
        rows.append(f'<p class="event">{escape(event)}</p>')
    rows.append("</section>")
    return "\n".join(rows)


def _events(card: Card, labels: dict[str, str]) -> list[str]:
    events = []
    if card.onenterforward:
        events.append(labels["enter"].format(target=card.onenterforward))
    if card.timer_tenths is not None:
        seconds = _seconds(card.timer_tenths / 10)
        if card.ontimer:
            events.append(labels["timer"].format(seconds=seconds, target=card.ontimer))
        else:
            events.append(labels["timer_only"].format(seconds=seconds))
    return events


def _links(links: list[Link], heading: str, none: str) -> str:
    if not links:
        return f"<h2>{escape(heading)}</h2><p>{escape(none)}</p>"
    items = "".join(
        f'<li>{escape(link.text or "—")} <span class="target">[{escape(link.kind)}] '
        f"{escape(link.url)}</span></li>"
        for link in links
    )
    return f"<h2>{escape(heading)}</h2><ul>{items}</ul>"


def _seconds(value: float) -> str:
    return f"{value:g}"


__all__ = ["CSP", "render_wml_view"]

"""HTML and XHTML-MP pages: title, visible text, meta, links, images, forms, favicon, hops.

Parsed with lxml's HTML parser (libxml2 in recover mode: it never fetches anything, keeps
going through broken markup and reads well-formed XHTML as well), fed UTF-8 bytes of the
already decoded text so the page's own charset label cannot re-decode it. Script and style
text is not visible text; inline scripts are read only for a string-literal redirect. WML 2.0
documents (XHTML with ``wml:`` attributes) come here too: ``wml:onenterforward`` on the body
is a hop like a WML 1 card's.
"""

from __future__ import annotations

from lxml import etree

from jingwang.probe.parse.redirects import parse_refresh, script_redirect
from jingwang.probe.parse.urls import is_data, link_kind, resolve
from jingwang.probe.parse.walk import depth_capped, local_name, node_text, walk
from jingwang.probe.types import Card, Form, LimitHit, Link, NextHop, PageSummary, Via

_SILENT = frozenset({"script", "style", "head", "title", "template", "textarea", "select"})
_SKIP = frozenset({"svg", "math"})
_FIELDS = frozenset({"input", "select", "textarea", "button"})


class _Collector:
    """What :func:`parse_markup` gathers while the tree is walked."""

    def __init__(self, url: str) -> None:
        self.base = url
        self.base_seen = False
        self.links: list[Link] = []
        self.images: dict[str, None] = {}
        self.forms: list[tuple[etree._Element, str, str]] = []
        self.meta: dict[str, str] = {}
        self.favicon: str | None = None
        self.title = ""
        self.refresh: tuple[float, str] | None = None
        self.script: str | None = None
        self.wml_event: str | None = None

    def visit(self, node: etree._Element, name: str) -> None:
        get = node.get
        if name == "base" and get("href") and not self.base_seen:
            self.base_seen = True  # the first <base href> counts, as in browsers
            self.base = resolve(self.base, get("href", ""))
        elif name in ("a", "area") and get("href") is not None:
            url = resolve(self.base, get("href", ""))
            self.links.append(Link(url, node_text(node) or get("alt", ""), link_kind(url, name)))
        elif name in ("frame", "iframe") and get("src"):
            self.links.append(Link(resolve(self.base, get("src", "")), "", "frame"))
        elif name == "img" or (name == "input" and (get("type") or "").lower() == "image"):
            self._image(get("src"))
        elif name == "form":
            action = resolve(self.base, get("action") or "")
            self.forms.append((node, action, (get("method") or "get").lower()))
        elif name == "meta":
            self._meta(node)
        elif name == "link":
            self._link(node)
        elif name == "title" and not self.title:
            self.title = node_text(node, 1000)
        elif name == "script" and self.script is None and not get("src"):
            self.script = script_redirect(node.text or "")
        elif name == "body":
            event = _wml_attribute(node, "onenterforward")
            self.wml_event = resolve(self.base, event) if event else None

    def _image(self, src: str | None) -> None:
        if src and src.strip() and not is_data(src):
            self.images.setdefault(resolve(self.base, src), None)

    def _meta(self, node: etree._Element) -> None:
        content = node.get("content")
        key = node.get("name") or node.get("http-equiv") or node.get("property")
        if key and content is not None:
            self.meta.setdefault(key.strip().lower(), content.strip())
        equiv = (node.get("http-equiv") or "").strip().lower()
        if equiv == "refresh" and content and self.refresh is None:
            self.refresh = parse_refresh(content)
        if node.get("charset"):
            self.meta.setdefault("charset", node.get("charset", "").strip())

    def _link(self, node: etree._Element) -> None:
        rel = (node.get("rel") or "").lower().split()
        href = node.get("href")
        if "icon" in rel and href and self.favicon is None and not is_data(href):
            self.favicon = resolve(self.base, href)


def _wml_attribute(node: etree._Element, name: str) -> str | None:
    for key, value in node.attrib.items():
        if str(key).rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower() == name and value.strip():
            return str(value)
    return None


def parse_markup(text: str, *, url: str, kind: str, max_nesting: int) -> PageSummary:
    """Read an HTML or XHTML-MP page (already decoded) into a :class:`PageSummary`."""
    summary = PageSummary(kind=kind)
    # lxml.etree's parser, not lxml.html's: plain elements, without the Python class look-up
    # lxml.html makes for every element it hands out
    parser = etree.HTMLParser(
        recover=True, no_network=True, huge_tree=False, encoding="utf-8", remove_comments=True,
        remove_pis=True,
    )  # fmt: skip
    root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    if root is None:
        summary.problems.append("the page has no markup to read")
        return summary
    found = _Collector(url)
    walked = walk(root, max_depth=max_nesting, visit=found.visit, silent=_SILENT, skip=_SKIP)
    if walked.depth_hit or depth_capped(parser):
        summary.limit_hit = LimitHit.NESTING
        summary.problems.append(
            f"elements nested deeper than {min(max_nesting, 256)} were not read"
        )
    summary.title = found.title
    summary.text = walked.text
    summary.cards = [Card(id=None, title=found.title, text=walked.text)]
    summary.links = found.links
    summary.images = list(found.images)
    summary.forms = [_form(node, action, method) for node, action, method in found.forms]
    summary.meta = found.meta
    summary.favicon = found.favicon or resolve(found.base, "/favicon.ico")
    summary.next_hop = _next_hop(found)
    return summary


def _form(node: etree._Element, action: str, method: str) -> Form:
    names: dict[str, None] = {}
    for element in node.iter():
        if local_name(element) in _FIELDS and element.get("name"):
            names.setdefault(element.get("name", ""), None)
        if len(names) >= 200:
            break
    return Form(action=action, method=method, fields=tuple(names))


def _next_hop(found: _Collector) -> NextHop | None:
    """The earliest of: a WML 2.0 onenterforward, a refresh, a script redirect (ties: refresh)."""
    if found.wml_event:
        return NextHop(found.wml_event, Via.WML_ONENTERFORWARD)
    hops: list[NextHop] = []
    if found.refresh is not None:
        delay, target = found.refresh
        hops.append(NextHop(resolve(found.base, target), Via.META_REFRESH, delay))
    if found.script:
        hops.append(NextHop(resolve(found.base, found.script), Via.SCRIPT))
    return min(hops, key=lambda hop: hop.delay_seconds) if hops else None


__all__ = ["parse_markup"]

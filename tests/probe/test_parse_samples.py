"""The real WML and XHTML-MP samples in shared/data/mobile-pages parse, and read as expected."""

from __future__ import annotations

import pytest
from parse_samples_support import MOBILE_PAGES, mobile_pages

from jingwang.probe.parse import parse_page
from jingwang.probe.types import PageSummary, Via

SAMPLES = mobile_pages()
needs_samples = pytest.mark.skipif(not SAMPLES, reason=f"no samples at {MOBILE_PAGES}")


def _parse(name: str, content_type: str | None = None) -> PageSummary:
    path = next(path for path in SAMPLES if path.name == name)
    return parse_page(path.read_bytes(), url=f"http://wap.test/t/{name}", content_type=content_type)


@needs_samples
@pytest.mark.parametrize("content_type", [None, "text/html", "text/vnd.wap.wml"])
def test_every_sample_parses(content_type: str | None) -> None:
    kinds: set[str] = set()
    for path in SAMPLES:
        summary = parse_page(path.read_bytes(), url="http://wap.test/", content_type=content_type)
        assert summary.kind in {"wml", "xhtml-mp", "html"}, path.name
        assert summary.charset is not None
        assert summary.limit_hit is None, path.name
        kinds.add(summary.kind)
    assert {"wml", "xhtml-mp"} <= kinds


@needs_samples
def test_wml_samples_are_wml_and_xhtml_mp_samples_are_xhtml_mp() -> None:
    for path in SAMPLES:
        summary = parse_page(path.read_bytes(), url="http://wap.test/", content_type=None)
        text = path.read_text("utf-8", "replace")
        if "DTD WML 1." in text:
            assert summary.kind == "wml", path.name
        if path.parent.name == "xhtml-mp" and path.name.startswith(
            ("presto", "markup-validator__xhtml-mp")
        ):
            assert summary.kind == "xhtml-mp", path.name


@needs_samples
def test_ontimer_chain_inside_the_deck_ends_without_a_hop() -> None:
    summary = _parse("WebKit__ontimer-event.wml")
    assert [card.id for card in summary.cards] == ["one", "two", "three", "four"]
    assert summary.cards[0].timer_tenths == 1
    assert summary.cards[0].ontimer == "#two"
    assert summary.next_hop is None
    assert summary.text == "1\n\n2\n\n3\n\nTest passed"


@needs_samples
def test_wml20_onenterforward_is_the_hop() -> None:
    summary = _parse("presto-testo__wml20__onenterforward.wml", "text/vnd.wap.wml")
    assert summary.kind == "xhtml-mp"
    hop = summary.next_hop
    assert hop is not None
    assert hop.via is Via.WML_ONENTERFORWARD
    assert hop.url == "http://t.oslo.opera.com/core/standards/wml/get.php?result=PASS"


@needs_samples
def test_go_with_postfield_and_setvar() -> None:
    summary = _parse("presto-testo__postvar.wml")
    assert summary.forms[0].method == "post"
    assert summary.forms[0].fields == ("result",)
    assert summary.links[0].url == "http://wap.test/t/post.php"
    assert summary.links[0].text == "LINK"


@needs_samples
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("WebKit__check-doctype-declaration.xhtml", "html"),  # the doctype is in a comment
        ("WebKit__viewport-legacy-xhtmlmp-misplaced-doctype.html", "html"),  # after <head>
        ("WebKit__viewport-legacy-xhtmlmp.html", "xhtml-mp"),
        ("markup-validator__xhtml-basic10.xhtml", "html"),
    ],
)
def test_tricky_webkit_doctypes(name: str, kind: str) -> None:
    assert _parse(name, "text/html").kind == kind

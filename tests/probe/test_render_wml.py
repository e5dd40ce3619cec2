"""The static HTML view of a WML deck: readable, escaped, and unable to load anything."""

from __future__ import annotations

from jingwang.probe.parse import parse_page
from jingwang.probe.render import CSP, render_wml_view

DECK = (
    '<?xml version="1.0"?><wml><card id="a" title="首页 &lt;b&gt;" ontimer="http://next.test/x">'
    '<timer value="25"/><p>你好 &lt;script&gt;alert(1)&lt;/script&gt;'
    '<a href="javascript:alert(2)">点我</a><img src="http://evil.test/i.wbmp" alt=""/></p></card>'
    '<card id="b"><onevent type="onenterforward"><go href="/b2"/></onevent><p>第二</p></card></wml>'
)


def view(lang: str) -> str:
    summary = parse_page(DECK.encode(), url="http://wap.test/", content_type="text/vnd.wap.wml")
    return render_wml_view(summary, lang=lang)


def test_cards_text_timers_and_events_in_words() -> None:
    html = view("zh")
    assert "卡片 #a" in html
    assert "首页 &lt;b&gt;" in html
    assert "第二" in html
    assert "定时器：2.5 秒后跳转到 http://next.test/x" in html
    assert "进入时跳转（onenterforward）到 http://wap.test/b2" in html
    english = view("en")
    assert "Timer: after 2.5 s goes to http://next.test/x" in english


def test_nothing_active_or_remote() -> None:
    html = view("en")
    lowered = html.lower()
    assert f'content="{CSP}"'.replace("'", "&#x27;") in html
    assert "<script" not in lowered
    assert "<a " not in lowered
    assert "<img" not in lowered
    assert "href=" not in lowered
    assert "src=" not in lowered
    assert "&lt;script&gt;alert(1)" in html
    assert "javascript:alert(2)" in html  # shown as text only

"""parse_page on made pages: WML events and variables, redirects, charsets, limits, links."""

from __future__ import annotations

import sys

import pytest

from jingwang.probe.parse import parse_page
from jingwang.probe.types import LimitHit, Link, NextHop, PageSummary, Via

WML_HEAD = (
    '<?xml version="1.0"?>\n<!DOCTYPE wml PUBLIC "-//WAPFORUM//DTD WML 1.1//EN" '
    '"http://www.wapforum.org/DTD/wml_1.1.xml">\n'
)
URL = "http://wap.test/dir/index.wml"


def wml(body: str, content_type: str | None = "text/vnd.wap.wml") -> PageSummary:
    return parse_page((WML_HEAD + body).encode(), url=URL, content_type=content_type)


def test_first_card_timer_is_the_hop_with_its_delay() -> None:
    page = wml(
        '<wml><card id="a" title="欢迎" ontimer="/next.wml?x=1"><timer value="30"/>'
        "<p>请稍候<br/>正在跳转</p></card></wml>"
    )
    assert page.next_hop == NextHop("http://wap.test/next.wml?x=1", Via.WML_ONTIMER, 3.0)
    assert page.cards[0].timer_tenths == 30
    assert page.cards[0].text == "请稍候\n正在跳转"
    assert page.title == "欢迎"


def test_onenterforward_beats_the_timer_and_onevent_counts() -> None:
    page = wml(
        '<wml><card id="a" ontimer="/slow"><timer value="10"/>'
        '<onevent type="onenterforward"><go href="http://other.test/go"/></onevent></card></wml>'
    )
    assert page.next_hop == NextHop("http://other.test/go", Via.WML_ONENTERFORWARD, 0.0)


def test_card_targets_are_followed_inside_the_deck_and_delays_add_up() -> None:
    page = wml(
        '<wml><card id="a"><onevent type="ontimer"><go href="#b"/></onevent><timer value="5"/>'
        '</card><card id="b" ontimer="http://far.test/x"><timer value="15"/></card></wml>'
    )
    assert page.next_hop == NextHop("http://far.test/x", Via.WML_ONTIMER, 2.0)


def test_a_cycle_of_cards_ends_without_a_hop() -> None:
    page = wml(
        '<wml><card id="a" onenterforward="#b"/><card id="b" onenterforward="#a"/>'
        '<card id="c" onenterforward="http://never.test/"/></wml>'
    )
    assert page.next_hop is None


def test_timer_without_target_and_target_without_timer_are_no_hop() -> None:
    assert wml('<wml><card id="a"><timer value="5"/></card></wml>').next_hop is None
    assert wml('<wml><card id="a" ontimer="/x"/></wml>').next_hop is None


def test_template_events_apply_to_cards_without_their_own() -> None:
    page = wml('<wml><template onenterforward="/from-template"/><card id="a"><p>x</p></card></wml>')
    assert page.next_hop is not None
    assert page.next_hop.url == "http://wap.test/from-template"


def test_variables_are_substituted_in_hrefs() -> None:
    page = wml(
        '<wml><card id="a"><onevent type="onenterforward"><refresh>'
        '<setvar name="u" value="张 三"/><setvar name="sid" value="42"/></refresh></onevent>'
        '<p><a href="/u?name=$(u:e)&amp;sid=$sid&amp;x=$(none)&amp;c=$$">go</a>'
        '<anchor>更多<go href="/more/$(sid)"/></anchor></p></card></wml>'
    )
    assert page.links[0] == Link("http://wap.test/u?name=%E5%BC%A0%20%E4%B8%89&sid=42&x=&c=$", "go")
    assert page.links[1] == Link("http://wap.test/more/42", "更多", "go")


def test_wml_links_images_forms_and_wtai() -> None:
    page = wml(
        '<wml><card id="a"><p><img src="logo.wbmp" alt="l"/><img src="logo.wbmp" alt="again"/>'
        '<a href="wtai://wp/mc;13800138000">拨打</a><a href="#b">下一页</a>'
        '<input name="user"/><do type="accept" label="提交"><go href="/login" method="post">'
        '<postfield name="user" value="$(user)"/><postfield name="pw" value="x"/></go></do>'
        "</p></card></wml>"
    )
    assert page.images == ["http://wap.test/dir/logo.wbmp"]
    assert Link("wtai://wp/mc;13800138000", "拨打", "wtai") in page.links
    assert Link("#b", "下一页", "a") in page.links
    assert page.forms[0].action == "http://wap.test/login"
    assert page.forms[0].fields == ("user", "pw")
    phones = [i for i in page.identifiers if i.kind == "phone"]
    assert phones
    assert phones[0].value == "13800138000"
    assert phones[0].source == "link"


def test_wml_sent_as_text_html_is_sniffed_and_entities_are_not_expanded() -> None:
    body = (
        '<?xml version="1.0"?><!DOCTYPE wml [<!ENTITY boom "BOOMBOOMBOOM">'
        '<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        "<wml><card><p>a&nbsp;b &boom; &ext; c</p></card></wml>"
    )
    page = parse_page(body.encode(), url=URL, content_type="text/html")
    assert page.kind == "wml"
    assert "root:" not in page.text
    assert "BOOM" not in page.text
    assert page.text.startswith("a\u00a0b")


XHTML_MP = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//WAPFORUM//DTD XHTML '
    'Mobile 1.0//EN" "http://www.wapforum.org/DTD/xhtml-mobile10.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>标题</title>{head}</head>'
    "<body>{body}</body></html>"
)


def page(head: str = "", body: str = "", content_type: str | None = "text/html") -> PageSummary:
    data = XHTML_MP.format(head=head, body=body).encode()
    return parse_page(data, url="http://m.test/a/b.html", content_type=content_type)


def test_xhtml_mp_doctype_detected_and_content_type_wins() -> None:
    assert page().kind == "xhtml-mp"
    plain = parse_page(b"<html><body>x</body></html>", url="http://m.test/", content_type=None)
    assert plain.kind == "html"
    typed = parse_page(
        b"<html><body>x</body></html>",
        url="http://m.test/",
        content_type="application/vnd.wap.xhtml+xml",
    )
    assert typed.kind == "xhtml-mp"


def test_commented_doctype_does_not_count() -> None:
    data = b'<!-- <!DOCTYPE html PUBLIC "-//WAPFORUM//DTD XHTML Mobile 1.0//EN"> --><html></html>'
    assert parse_page(data, url="http://m.test/", content_type="text/html").kind == "html"


@pytest.mark.parametrize(
    ("head", "body", "hop"),
    [
        (
            '<meta http-equiv="refresh" content="3; url=/r">',
            "",
            NextHop("http://m.test/r", Via.META_REFRESH, 3.0),
        ),
        (
            '<meta http-equiv="Refresh" content="0;URL=\'http://x.test/\'">',
            "",
            NextHop("http://x.test/", Via.META_REFRESH),
        ),
        ("", "<script>window.location='/s1';</script>", NextHop("http://m.test/s1", Via.SCRIPT)),
        (
            "",
            '<script>location.href = "s2?a=1";</script>',
            NextHop("http://m.test/a/s2?a=1", Via.SCRIPT),
        ),
        (
            "",
            "<script>location.replace('//cdn.test/x')</script>",
            NextHop("http://cdn.test/x", Via.SCRIPT),
        ),
        (
            "",
            "<script>document.location.href='/d'</script>",
            NextHop("http://m.test/d", Via.SCRIPT),
        ),
        (
            '<meta http-equiv="refresh" content="5;url=/m">',
            "<script>location='/s'</script>",
            NextHop("http://m.test/s", Via.SCRIPT),
        ),
    ],
)
def test_meta_refresh_and_script_redirects(head: str, body: str, hop: NextHop) -> None:
    assert page(head, body).next_hop == hop


@pytest.mark.parametrize(
    "script",
    [
        "if (location.href == '/x') {}",
        "location = base + '/x';",
        "var url = '/x'; location = url;",
        "foo.location = '/x';",
        "// nothing here",
    ],
)
def test_scripts_that_are_not_literal_redirects(script: str) -> None:
    assert page(body=f"<script>{script}</script>").next_hop is None


def test_markup_links_images_forms_meta_favicon_and_base() -> None:
    summary = page(
        head=(
            '<base href="http://cdn.test/base/"><meta name="keywords" content="k1,k2">'
            '<meta property="og:title" content="OG"><link rel="shortcut icon" href="fav.png">'
            "<style>.x{color:red}</style><script>var hidden = 1;</script>"
        ),
        body=(
            '<p>可见 文字</p><a href="p1.html">一</a><img src="i.gif"><img src="i.gif">'
            '<img src="data:image/png;base64,AAAA"><input type="image" src="btn.png">'
            '<iframe src="/frame"></iframe><map><area href="/area" alt="区"></map>'
            '<form action="/s" method="POST"><input name="q"><select name="t"></select></form>'
        ),
    )
    assert summary.title == "标题"
    assert "可见 文字" in summary.text
    assert "hidden" not in summary.text
    assert "color" not in summary.text
    assert summary.meta["keywords"] == "k1,k2"
    assert summary.meta["og:title"] == "OG"
    assert summary.favicon == "http://cdn.test/base/fav.png"
    assert summary.images == ["http://cdn.test/base/i.gif", "http://cdn.test/base/btn.png"]
    assert Link("http://cdn.test/base/p1.html", "一", "a") in summary.links
    assert Link("http://cdn.test/frame", "", "frame") in summary.links
    assert Link("http://cdn.test/area", "区", "area") in summary.links
    assert summary.forms[0].action == "http://cdn.test/s"
    assert summary.forms[0].method == "post"
    assert summary.forms[0].fields == ("q", "t")


def test_default_favicon_for_html_but_not_for_wml() -> None:
    assert page().favicon == "http://m.test/favicon.ico"
    assert wml('<wml><card id="a"/></wml>').favicon is None


def test_gbk_page_with_meta_label() -> None:
    html = (
        '<html><head><meta charset="gb2312"><title>色情测试</title></head>'
        "<body>联系电话 138 0013 8000</body></html>"
    )
    summary = parse_page(html.encode("gbk"), url="http://m.test/", content_type="text/html")
    assert summary.charset == "gb18030"
    assert summary.charset_reason == "meta"
    assert summary.title == "色情测试"
    assert any(i.kind == "phone" and i.value == "13800138000" for i in summary.identifiers)


def test_big5_page_with_header_label() -> None:
    data = "<html><body>歡迎光臨 香港</body></html>".encode("big5")
    summary = parse_page(data, url="http://m.test/", content_type="text/html; charset=big5")
    assert summary.charset == "big5hkscs"
    assert "歡迎光臨" in summary.text


def test_mislabelled_bytes_are_corrected_and_said_so() -> None:
    data = "<html><body>简体中文页面，标错了编码</body></html>".encode()
    summary = parse_page(data, url="http://m.test/", content_type="text/html; charset=gbk")
    assert summary.charset == "utf-8"
    assert summary.charset_reason == "corrected"
    assert "简体中文页面" in summary.text
    assert any("gbk" in problem for problem in summary.problems)


def test_gb_bytes_in_a_wml_deck_declared_in_the_xml_prolog() -> None:
    data = (
        '<?xml version="1.0" encoding="gb2312"?><wml><card title="首页"><p>你好</p></card></wml>'
    ).encode("gbk")
    summary = parse_page(data, url=URL, content_type="text/vnd.wap.wml")
    assert summary.charset == "gb18030"
    assert summary.charset_reason == "xml"
    assert summary.title == "首页"
    assert summary.text == "你好"


@pytest.mark.parametrize("depth", [300, 100_000])
def test_nesting_bomb_html(depth: int) -> None:
    data = (
        b"<html><body><p>top</p>"
        + b"<div>" * depth
        + b"deep"
        + b"</div>" * depth
        + b"</body></html>"
    )
    summary = parse_page(data, url="http://m.test/", content_type="text/html")
    assert summary.limit_hit is LimitHit.NESTING
    assert "top" in summary.text


def test_nesting_bomb_wml_and_a_low_limit() -> None:
    data = (WML_HEAD + "<wml><card><p>top</p>" + "<p>" * 100_000 + "</card></wml>").encode()
    assert parse_page(data, url=URL, content_type=None).limit_hit is LimitHit.NESTING
    shallow = b"<html><body>" + b"<div>" * 40 + b"x" + b"</div>" * 40 + b"</body></html>"
    limited = parse_page(shallow, url="http://m.test/", content_type="text/html", max_nesting=16)
    assert limited.limit_hit is LimitHit.NESTING
    assert "x" not in limited.text
    assert parse_page(shallow, url="http://m.test/", content_type="text/html").limit_hit is None
    assert sys.getrecursionlimit() < 100_000  # the walk never needed it raised


@pytest.mark.parametrize(
    ("data", "content_type", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n", "image/png", "image"),
        (b"<html><body>not an image</body></html>", "image/png", "image"),
        (b"%PDF-1.4", "application/pdf", "other"),
        (b"just words", None, "other"),
        (b"", "text/html", "html"),
    ],
)
def test_non_pages_have_no_text(data: bytes, content_type: str | None, kind: str) -> None:
    summary = parse_page(data, url="http://m.test/", content_type=content_type)
    assert summary.kind == kind
    assert summary.text == ""
    assert summary.links == []


def test_identifiers_from_text_links_and_scripts() -> None:
    summary = page(
        head='<script src="https://hm.baidu.com/hm.js?0123456789abcdef0123456789abcdef"></script>',
        body=(
            "<p>客服QQ：１２３４５６７８ 粤ICP备2021123456号-1</p>"
            '<a href="http://m.test/land?qd=ch001&amp;x=1">进入</a>'
            "<script>_gaq.push(['_setAccount', 'UA-123456-7']);</script>"
        ),
    )
    by_kind = {(i.kind, i.value, i.source) for i in summary.identifiers}
    assert ("qq", "12345678", "text") in by_kind
    assert ("icp", "粤ICP备2021123456号-1", "text") in by_kind
    assert ("channel_code", "qd=ch001", "link") in by_kind
    assert ("analytics", "UA-123456-7", "markup") in by_kind
    assert ("analytics", "baidu:0123456789abcdef0123456789abcdef", "markup") in by_kind
    for identifier in summary.identifiers:
        if identifier.source == "text":
            assert summary.text[identifier.start : identifier.end] == identifier.raw

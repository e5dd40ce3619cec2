"""Page bytes to text: BOMs, labels, sniffing, mislabelled pages and detection."""

from __future__ import annotations

import codecs

import pytest

from jingwang.core.charset import CharsetSource, decode_bytes, encoding_for_label

TEXT = "欢迎光临本站，这里有最新的免费电影和小说，请收藏本站网址。京ICP备05002571号"
BIG5_TEXT = "歡迎光臨本站，這裡有最新的免費電影和小說，請收藏本站網址。"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    "label", ["gb2312", "GBK", "gb_2312-80", "x-gbk", "cp936", "GB18030", " 'gbk' ", "EUC-CN"]
)
def test_every_gb_label_means_gb18030(label: str) -> None:
    assert encoding_for_label(label) == "gb18030"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("big5", "big5hkscs"),
        ("Big5-HKSCS", "big5hkscs"),
        ("big5hkscs", "big5hkscs"),
        ("euc_kr", "cp949"),
        ("cp949", "cp949"),
        ("utf_16_be", "utf-16-be"),
        ("utf8", "utf-8"),
        ("ISO-8859-1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("shift_jis", "cp932"),
        ("windows-1251", "cp1251"),
        ("koi8-r", "koi8-r"),
        ("base64", None),  # a codec, but not a text encoding
        ("rot13", None),
        ("utf-7", None),  # not a web encoding (and an XSS vector)
        ("no-such-charset", None),
    ],
)
def test_labels(label: str, expected: str | None) -> None:
    assert encoding_for_label(label) == expected


def test_bom_wins_over_every_label() -> None:
    data = codecs.BOM_UTF8 + page(TEXT).encode("utf-8")
    result = decode_bytes(data, "gbk", http_header="text/html; charset=big5")
    assert (result.text, result.encoding, result.source) == (page(TEXT), "utf-8", "bom")
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        result = decode_bytes(bom + TEXT.encode(codec), None)
        assert (result.text, result.encoding, result.source) == (TEXT, codec, CharsetSource.BOM)


def test_header_label() -> None:
    data = page(TEXT).encode("gb18030")
    result = decode_bytes(data, None, http_header='text/html; Charset="GB2312"')
    assert (result.text, result.encoding, result.source) == (page(TEXT), "gb18030", "header")
    assert not result.replaced


def test_declared_label_comes_before_the_header() -> None:
    data = page(BIG5_TEXT).encode("big5")
    result = decode_bytes(data, "big5", http_header="text/html; charset=gbk")
    assert (result.text, result.source) == (page(BIG5_TEXT), "declared")


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="gbk">',
        "<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=gb2312'>",
        '<meta http-equiv="content-type" content="application/vnd.wap.xhtml+xml;charset=GBK"/>',
    ],
)
def test_meta_sniffing(head: str) -> None:
    result = decode_bytes(page(TEXT, head).encode("gb18030"), None)
    assert (result.encoding, result.source) == ("gb18030", "meta")
    assert TEXT in result.text


def test_xml_declaration_of_a_wml_deck() -> None:
    deck = f'<?xml version="1.0" encoding="gb2312"?>\n<wml><card><p>{TEXT}</p></card></wml>'
    result = decode_bytes(deck.encode("gb18030"), None)
    assert (result.text, result.encoding, result.source) == (deck, "gb18030", "xml")


def test_meta_after_4_kib_is_not_seen() -> None:
    data = ("<!--" + "x" * 4100 + '--><meta charset="big5">').encode() + TEXT.encode("gb18030")
    assert decode_bytes(data, None).source != CharsetSource.META


def test_page_labelled_utf8_that_is_gb18030() -> None:
    data = page(TEXT, '<meta charset="utf-8">').encode("gb18030")
    result = decode_bytes(data, None)
    assert (result.encoding, result.source, result.claimed) == ("gb18030", "corrected", "utf-8")
    assert TEXT in result.text
    assert not result.replaced


def test_page_labelled_gbk_that_is_utf8() -> None:
    data = page(TEXT).encode("utf-8")
    result = decode_bytes(data, None, http_header="text/html; charset=gbk")
    assert (result.text, result.encoding, result.source) == (page(TEXT), "utf-8", "corrected")
    assert result.claimed == "gbk"


def test_utf8_without_label_or_bom() -> None:
    result = decode_bytes(page(TEXT).encode("utf-8"), None)
    assert (result.text, result.encoding, result.source) == (page(TEXT), "utf-8", "detected")


def test_unlabelled_gbk_and_big5_are_detected() -> None:
    gbk = decode_bytes(page(TEXT).encode("gbk"), None)
    assert (gbk.text, gbk.encoding, gbk.source) == (page(TEXT), "gb18030", "detected")
    short = decode_bytes("欢迎光临成人视频".encode("gbk"), None)  # alone it looks Korean too
    assert short.encoding == "gb18030"
    big5 = decode_bytes(page(BIG5_TEXT).encode("big5"), None)
    assert (big5.text, big5.encoding) == (page(BIG5_TEXT), "big5hkscs")


def test_big5_label_decodes_hkscs_characters() -> None:
    text = "香港的粵語字：嘅"  # 嘅 is in HKSCS, not in plain Big5
    result = decode_bytes(text.encode("big5hkscs"), "big5")
    assert (result.text, result.replaced) == (text, False)


def test_bad_bytes_under_a_label_are_replaced() -> None:
    data = b"abc" + b"\xff\xfe\xfd" + "中".encode("gb18030")
    result = decode_bytes(data, "gbk")
    assert result.replaced
    assert result.encoding == "gb18030"
    assert result.text.startswith("abc")
    assert "\ufffd" in result.text


def test_unknown_labels_are_skipped() -> None:
    data = page(TEXT, '<meta charset="utf-8">').encode()
    result = decode_bytes(data, "x-nonsense", http_header="text/html; charset=base64")
    assert (result.encoding, result.source) == ("utf-8", "meta")


def test_empty_and_ascii() -> None:
    assert decode_bytes(b"", None).text == ""
    result = decode_bytes(b"plain", "iso-8859-1")
    assert (result.text, result.encoding, result.source) == ("plain", "cp1252", "declared")

"""The identifier extractor: every kind, positions into the original text, hard negatives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwang.classify.identifiers import extract_from_links, extract_identifiers
from jingwang.probe.types import Link


def kinds_values(text: str) -> list[tuple[str, str]]:
    return [(i.kind, i.value) for i in extract_identifiers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客服QQ：１２３４５６７８", [("qq", "12345678")]),
        ("扣扣 87654321 企鹅号:10001", [("qq", "87654321"), ("qq", "10001")]),
        ("tencent://message/?uin=123456&Site=x", [("qq", "123456")]),
        ("http://wpa.qq.com/msgrd?v=3&uin=2345678&site=qq", [("qq", "2345678")]),
        ("手机 138-0013-8000", [("phone", "13800138000")]),
        ("+86 139 1234 5678", [("phone", "13912345678")]),
        (
            "电话：010-62345678 或 (0755)82345678",
            [("phone", "010-62345678"), ("phone", "0755-82345678")],
        ),
        ("热线4008001234", [("phone", "4008001234")]),
        ("400-800-1234", [("phone", "4008001234")]),
        ("wtai://wp/mc;10086", [("phone", "10086")]),
        ("发送 A1 到 10661234", [("sp_code", "10661234")]),
        ("编辑短信 ZC 发至 1252015", [("sp_code", "1252015")]),
        ("订购请拨 1066888800", [("sp_code", "1066888800")]),
        (
            "http://a.test/l?channel=abc&tg=T1",
            [("channel_code", "channel=abc"), ("channel_code", "tg=T1")],
        ),
        ("UA-12345-6 G-AB12CD34EF", [("analytics", "UA-12345-6"), ("analytics", "G-AB12CD34EF")]),
        ("s4.cnzz.com/stat.php?id=1234567&web_id=1234567", [("analytics", "cnzz:1234567")]),
        ("js.users.51.la/21234567.js", [("analytics", "51la:21234567")]),
        (
            "alipays://platformapi/startapp?saId=10000007",
            [("payment", "alipay:alipays://platformapi/startapp?saId=10000007")],
        ),
        ("weixin://wxpay/bizpayurl?pr=AbC", [("payment", "wxpay:weixin://wxpay/bizpayurl?pr=AbC")]),
        ("联系 Boss@Example.COM", [("email", "boss@example.com")]),
        ("粤ICP备2021123456号-1", [("icp", "粤ICP备2021123456号-1")]),
    ],
)
def test_kinds(text: str, expected: list[tuple[str, str]]) -> None:
    found = kinds_values(text)
    assert found == expected


@pytest.mark.parametrize(
    "text",
    [
        "日期 2013-10-12 13:45，价格 138.00 元",
        "订单号 201813800138000123",
        "订单号 13800138000123",
        "12345678 是一个数字",  # no QQ cue
        "qq.com 与 mail.qq.com",
        "编号 02112345678",  # bare run without a phone cue
        "流水 4008001234",  # a bare 400 run without a cue
        "G-SHOCKER 手表",
        "icon@2x.png",
        "版本 1.13800138000",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert extract_identifiers(text) == []


def test_icp_digits_are_not_phones_or_sp_codes() -> None:
    assert kinds_values("京ICP备13800138号 京ICP证10612345号") == [
        ("icp", "京ICP备13800138号"),
        ("icp", "京ICP证10612345号"),
    ]


def test_qq_cue_wins_over_mobile_and_email_over_both() -> None:
    assert kinds_values("QQ号码: 13800138000") == [("qq", "13800138000")]
    assert kinds_values("13800138000@qq.com") == [("email", "13800138000@qq.com")]


def test_positions_index_the_original_full_width_text() -> None:
    text = "首页\u3000电话：１３８－００１３－８０００，ＱＱ：９８７６５４３"
    found = extract_identifiers(text)
    assert [(i.kind, i.value) for i in found] == [("phone", "13800138000"), ("qq", "9876543")]
    for identifier in found:
        assert text[identifier.start : identifier.end] == identifier.raw
    assert found[0].raw == "１３８－００１３－８０００"


def test_links_are_read_with_source_link() -> None:
    found = extract_from_links(
        [Link("http://a.test/x?from=wx01", "x"), Link("tel:13800138000", "")]
    )
    assert [(i.kind, i.value, i.source) for i in found] == [
        ("channel_code", "from=wx01", "link"),
        ("phone", "13800138000", "link"),
    ]


def test_kinds_filter_and_unknown_kind() -> None:
    assert kinds_values("QQ 12345678") == [("qq", "12345678")]
    assert extract_identifiers("QQ 12345678", kinds=("phone",)) == []
    with pytest.raises(ValueError, match="unknown identifier kinds"):
        extract_identifiers("x", kinds=("nope",))


def test_many_numbers_are_capped() -> None:
    text = " ".join(f"1380013{n:04d}" for n in range(2000))
    assert len(extract_identifiers(text)) == 500


@given(st.text(alphabet=st.sampled_from("0123456789 -:QqＱ电话扣+8６@.a号备ICP京"), max_size=80))
def test_positions_always_match_raw(text: str) -> None:
    for identifier in extract_identifiers(text):
        assert text[identifier.start : identifier.end] == identifier.raw
        assert identifier.start < identifier.end

"""ICP filing and licence numbers: real footer shapes, the checks, parse_icp's errors."""

from __future__ import annotations

import pytest

import jingwang.classify
from jingwang.classify import IcpKind, IcpNumber, IcpNumberError, extract_icp_numbers, parse_icp
from jingwang.errors import InvalidInput

# text → [(canonical, raw as printed)] of the VALID numbers found, in order.
VALID_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("Copyright © 2009 xxx.com 京ICP备05002571号", [("京ICP备05002571号", "京ICP备05002571号")]),
    (
        "粤ＩＣＰ备２０２１１２３４５６号－１",
        [("粤ICP备2021123456号-1", "粤ＩＣＰ备２０２１１２３４５６号－１")],
    ),
    ("京 ICP 备 05002571 号", [("京ICP备05002571号", "京 ICP 备 05002571 号")]),
    ("京ICP备:05002571号", [("京ICP备05002571号", "京ICP备:05002571号")]),
    ("京ICP备：05002571号", [("京ICP备05002571号", "京ICP备：05002571号")]),
    ("京ICP备05002571-1号", [("京ICP备05002571号-1", "京ICP备05002571-1号")]),
    ("京ICP备05002571号 - 2 版权所有", [("京ICP备05002571号-2", "京ICP备05002571号 - 2")]),
    ("粤ICP备12053227号-3号", [("粤ICP备12053227号-3", "粤ICP备12053227号-3号")]),
    ("备案号：陇ICP备 05000593</div>", [("陇ICP备05000593号", "陇ICP备 05000593")]),
    ("黔ICP备2021008357号.", [("黔ICP备2021008357号", "黔ICP备2021008357号")]),
    ("粵ICP備2021123456號-2", [("粤ICP备2021123456号-2", "粵ICP備2021123456號-2")]),
    ("滬icp备05002571号", [("沪ICP备05002571号", "滬icp备05002571号")]),
    ("京ICP备05002571号—1", [("京ICP备05002571号-1", "京ICP备05002571号—1")]),
    ("蜀ICP备10040643号-30", [("蜀ICP备10040643号-30", "蜀ICP备10040643号-30")]),
    ("京ICP备030173号", [("京ICP备030173号", "京ICP备030173号")]),
    ("京ICP证030173号", [("京ICP证030173号", "京ICP证030173号")]),
    ("京ICP證000007號", [("京ICP证000007号", "京ICP證000007號")]),
    ("增值电信业务经营许可证：B2-20090001", [("B2-20090001", "B2-20090001")]),
    ("经营许可证B2-20090001", [("B2-20090001", "B2-20090001")]),
    ("京B2-20090001", [("京B2-20090001", "京B2-20090001")]),
    ("京Ｂ２－２００９０００１号", [("京B2-20090001", "京Ｂ２－２００９０００１号")]),
    ("粤ICP证B2-20130469号", [("粤B2-20130469", "粤ICP证B2-20130469号")]),
    # a value-added licence needs no province: an unknown character before it is not one
    ("港ICP证B2-20090001", [("B2-20090001", "ICP证B2-20090001")]),
    # one footer, three numbers; "ICP证：" is a label, not a licence
    (
        "©2016 动视云 ICP证：黔ICP备14000582号-1 苏ICP证B2-20070191 京ICP证030173号",
        [
            ("黔ICP备14000582号-1", "黔ICP备14000582号-1"),
            ("苏B2-20070191", "苏ICP证B2-20070191"),
            ("京ICP证030173号", "京ICP证030173号"),
        ],
    ),
    ("京ICP备05002571号京公网安备11010502030143号", [("京ICP备05002571号", "京ICP备05002571号")]),
    ("京ICP备05002571号 2009-2012", [("京ICP备05002571号", "京ICP备05002571号")]),
    ("…京ICP备05002571号…㍿", [("京ICP备05002571号", "京ICP备05002571号")]),
    # nothing here
    ("阿里云ICP备案流程", []),
    ("维生素B2-1片，停车场B2-101", []),
    ("ICP备案号：请联系管理员", []),
    ("京公网安备11010502030143号", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), VALID_CASES)
def test_valid_numbers_are_found_and_normalised(text: str, expected: list[tuple[str, str]]) -> None:
    found = extract_icp_numbers(text)
    assert all(number.valid for number in found), [n.problems for n in found]
    assert [(n.canonical, n.raw) for n in found] == expected
    for number in found:
        assert text[number.start : number.end] == number.raw


# text → (canonical, the one problem, as a substring)
INVALID_CASES: list[tuple[str, str, str]] = [
    ("港ICP备05002571号", "港ICP备05002571号", "'港' is not a province abbreviation"),
    ("备案号：ICP备05002571号", "ICP备05002571号", "no province abbreviation"),
    ("xxx.comICP备05002571号", "ICP备05002571号", "no province abbreviation"),
    ("京ICP备2099123456号", "京ICP备2099123456号", "year 2099 is not plausible (2004-2035)"),
    ("京ICP备2003123456号", "京ICP备2003123456号", "year 2003 is not plausible"),
    ("京ICP备99002571号", "京ICP备99002571号", "year 2099 is not plausible (2000-2035)"),
    ("京B2-19990001", "京B2-19990001", "year 1999 is not plausible"),
    ("京ICP备093817344号", "京ICP备093817344号", "6-8 digits or 10, not 9"),
    ("京ICP备12345号", "京ICP备12345号", "not 5"),
    ("京ICP证0301号", "京ICP证0301号", "an ICP licence number has 6-8 digits, not 4"),
    ("京ICP证B2-21366号", "京B2-21366", "8 digits starting with the year, not 5"),
    ("京ICP备05002571号-0", "京ICP备05002571号-0", "must be 1 or more"),
    ("京ICP证030173号-1", "京ICP证030173号-1", "no -N site suffix"),
    ("黔ICP备XXXXXXXX号", "黔ICP备XXXXXXXX号", "'XXXXXXXX' is a placeholder"),
    ("川ICP备1101xxxx号-10", "川ICP备1101XXXX号-10", "placeholder"),
]


@pytest.mark.parametrize(("text", "canonical", "problem"), INVALID_CASES)
def test_invalid_numbers_are_reported_with_a_reason(
    text: str, canonical: str, problem: str
) -> None:
    (number,) = extract_icp_numbers(text)
    assert not number.valid
    assert number.canonical == canonical
    assert len(number.problems) == 1
    assert problem in number.problems[0]
    with pytest.raises(IcpNumberError, match=problem[:12].replace("(", r"\(")):
        parse_icp(canonical)


def test_details_of_a_filing() -> None:
    (number,) = extract_icp_numbers("页脚 粤ＩＣＰ备２０２１１２３４５６号－１ 版权")
    assert number == IcpNumber(
        kind=IcpKind.FILING,
        province="粤",
        province_name="广东",
        province_code="44",
        number="2021123456",
        year=2021,
        site_index=1,
        canonical="粤ICP备2021123456号-1",
        valid=True,
        problems=(),
        start=3,
        end=21,
        raw="粤ＩＣＰ备２０２１１２３４５６号－１",
    )


def test_alternative_and_traditional_province_abbreviations() -> None:
    sichuan = [extract_icp_numbers(f"{p}ICP备12005138号")[0] for p in ("川", "蜀")]
    assert [n.province for n in sichuan] == ["川", "蜀"]
    assert {(n.province_name, n.province_code) for n in sichuan} == {("四川", "51")}
    (gansu,) = extract_icp_numbers("隴ICP備05000593號")
    assert (gansu.canonical, gansu.province_name) == ("陇ICP备05000593号", "甘肃")


def test_kinds_and_years() -> None:
    found = extract_icp_numbers("京ICP备05002571号 京ICP证030173号 B2-20090001 京ICP证B2-20090001")
    assert [n.kind for n in found] == [
        IcpKind.FILING,
        IcpKind.LICENCE,
        IcpKind.VALUE_ADDED_LICENCE,
        IcpKind.VALUE_ADDED_LICENCE,
    ]
    assert [n.year for n in found] == [2005, 2003, 2009, 2009]
    assert found[2].province is None
    assert found[2].valid


def test_positions_map_back_through_expanding_characters() -> None:
    text = "……㍿ 京ＩＣＰ备０５００２５７１号 ……ﬁ 沪ICP证123456号"
    first, second = extract_icp_numbers(text)
    assert text[first.start : first.end] == "京ＩＣＰ备０５００２５７１号"
    assert text[second.start : second.end] == "沪ICP证123456号"


def test_parse_icp_accepts_one_number_with_spaces_around() -> None:
    number = parse_icp("  京ICP备05002571号-1\n")
    assert number.canonical == "京ICP备05002571号-1"
    assert parse_icp("B2-20090001").kind is IcpKind.VALUE_ADDED_LICENCE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no ICP filing or licence number found"),
        ("hello", "no ICP filing or licence number found"),
        ("京ICP备05002571号 京ICP证030173号", "2 numbers found; give one"),
        ("备案号：京ICP备05002571号", "unexpected text before the number: '备案号：'"),
        ("京ICP备05002571号 (北京)", "unexpected text after the number"),
        ("B2-2009", "8 digits starting with the year, not 4"),
    ],
)
def test_parse_icp_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(IcpNumberError) as caught:
        parse_icp(text)
    assert message in caught.value.message
    assert caught.value.code == "icp.invalid"
    assert isinstance(caught.value, InvalidInput)


HOSTILE = [
    "京ICP备" * 200_000,
    ("ICP" + " " * 15 + "备" + " " * 15) * 30_000,
    "京ICP备" + "1" * 1_000_000,
    "B2-" * 350_000,
    "京ICP备05002571" + "-1" * 500_000,
    "…" * 1_000_000,
    ("京" + " " * 100 + "ICP备1") * 10_000,
    ("ICP备" + "X" * 33) * 28_000,
    "\ud800京ICP备05002571号\udfff" * 50_000,
]


# A guard against catastrophic backtracking (which would take hours), not a timing assertion:
# each of these runs in well under a second.
@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_megabyte_inputs_finish(text: str) -> None:
    for number in extract_icp_numbers(text):
        assert text[number.start : number.end] == number.raw


def test_public_surface() -> None:
    assert sorted(jingwang.classify.__all__) == [
        "IcpKind",
        "IcpNumber",
        "IcpNumberError",
        "extract_icp_numbers",
        "parse_icp",
    ]
    for name in jingwang.classify.__all__:
        assert getattr(jingwang.classify, name) is not None


def test_bare_b2_threshold() -> None:
    assert extract_icp_numbers("B2-20091") == ()
    (short,) = extract_icp_numbers("B2-20091", bare_b2_min_digits=1)
    assert not short.valid
    (labelled,) = extract_icp_numbers("京ICP证B2-2009号")  # printed as a licence: reported
    assert labelled.canonical == "京B2-2009"

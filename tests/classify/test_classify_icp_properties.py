"""Properties of ICP number extraction that must hold for any text."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from jingwang.classify import IcpNumber, extract_icp_numbers, parse_icp

FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})

provinces = st.sampled_from([*"京沪粤蜀黔滇陇川贵云甘新藏港台X粵滬", "", " "])
marks = st.sampled_from(["ICP备", "ICP证", "ICP備", "ICP證", "icp备", "ICP证B2-", "B2-", "ICP 备 "])
digits = st.text("0123456789", min_size=1, max_size=12) | st.sampled_from(
    ["05002571", "2021123456", "030173", "20090001", "XXXXXXXX", "1101xx**"]
)
suffixes = st.sampled_from(["", "号", "号-1", "-2号", "号－3", "号 - 10", "号-0", "號", ":"])
numbers = st.builds(lambda *parts: "".join(parts), provinces, marks, digits, suffixes)
widths = st.sampled_from([lambda s: s, lambda s: s.translate(FULL_WIDTH)])
noise = st.text(st.sampled_from([*"版权所有 ©2009 wap.test<>…㍿ﬁ-—:：号备证ICPB2\n\t1", "京"]))
footers = st.lists(st.one_of(noise, st.builds(lambda n, w: w(n), numbers, widths)), max_size=6).map(
    "".join
)


def check(text: str) -> tuple[IcpNumber, ...]:
    found = extract_icp_numbers(text)
    last_end = 0
    for number in found:
        assert 0 <= last_end <= number.start < number.end <= len(text)
        last_end = number.end
        assert text[number.start : number.end] == number.raw
        assert number.valid == (not number.problems)
        assert number.number in unicodedata.normalize("NFKC", number.raw).upper()
        again = extract_icp_numbers(number.canonical, bare_b2_min_digits=1)
        assert len(again) == 1
        twin = again[0]
        assert (twin.canonical, twin.kind, twin.province, twin.problems) == (
            number.canonical,
            number.kind,
            number.province,
            number.problems,
        )
        assert (twin.start, twin.end) == (0, len(number.canonical))
        if number.valid:
            assert parse_icp(number.canonical).canonical == number.canonical
    return found


@settings(max_examples=500)
@given(st.text())
def test_any_text_never_raises(text: str) -> None:
    check(text)


@settings(max_examples=300)
@given(st.lists(st.integers(0, 0x10FFFF), max_size=40))
def test_any_code_points_never_raise(codepoints: list[int]) -> None:
    check("".join(map(chr, codepoints)))  # surrogates and unassigned code points included


@settings(max_examples=1000)
@given(footers)
def test_footers_give_stable_canonical_forms(text: str) -> None:
    check(text)


@settings(max_examples=300)
@given(numbers, widths, noise, noise)
def test_a_number_between_noise_is_found_where_it_is(
    number: str, width: Callable[[str], str], before: str, after: str
) -> None:
    printed = width(number)
    found = check(before + " " + printed + " " + after)
    alone = extract_icp_numbers(printed)
    if len(alone) == 1 and alone[0].valid:
        # the noise may add a site suffix ("… -2") but never hides or changes the number
        key = (alone[0].kind, alone[0].province, alone[0].number)
        assert key in [(n.kind, n.province, n.number) for n in found]

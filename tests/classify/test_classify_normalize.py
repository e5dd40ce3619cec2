"""Text normalisation: each step of the pipeline, and positions mapped back to the page."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwang.classify.text.normalize import Normalized, Normalizer, default_normalizer
from jingwang.classify.text.pinyin import pinyin_form, pinyin_table, sound_of, toneless


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return default_normalizer()


def snippets(result: Normalized) -> list[str]:
    """The original text behind each normalised character."""
    return [result.original[slice(*result.span(i, i + 1))] for i in range(len(result.text))]


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("ｓｅｘ", "sex"),  # full-width letters
        ("ＰＯＲＮ Porn", "pornporn"),  # case folding, spaces removed
        ("①２３", "123"),  # circled and full-width digits
        ("𝐬𝐞𝐱", "sex"),  # mathematical bold (astral) letters
        ("Straße", "strasse"),  # case folding that expands
        ("色情電影", "色情电影"),  # traditional characters
        ("軟體 滑鼠", "软件鼠标"),  # Taiwan phrases
        ("衞生", "卫生"),  # a Hong Kong variant tw2sp leaves alone
        ("色.情", "色情"),
        ("色 情", "色情"),
        ("s-e-x", "sex"),
        ("色*情*视*频", "色情视频"),
        ("色😀情", "色情"),  # emoji are symbols
        ("哈哈哈哈", "哈哈"),  # runs of three or more collapse to two
        ("色色色情", "色色情"),
        ("好好学习", "好好学习"),  # two stay two
        ("...!!!", ""),
        ("", ""),
    ],
)
def test_pipeline(normalizer: Normalizer, text: str, normalized: str) -> None:
    assert normalizer.normalize(text).text == normalized


def test_one_to_one_positions(normalizer: Normalizer) -> None:
    result = normalizer.normalize("免费 ｓｅｘ 色.情 電影")
    assert result.text == "免费sex色情电影"
    assert snippets(result) == ["免", "费", "ｓ", "ｅ", "ｘ", "色", "情", "電", "影"]
    assert result.span(2, 5) == (3, 6)
    assert result.original[slice(*result.span(5, 7))] == "色.情"
    assert list(result.origin)[-1] == len(result.original)
    assert len(result.origin) == len(result.text) + 1


def test_expanding_fold_maps_each_part_to_its_character(normalizer: Normalizer) -> None:
    result = normalizer.normalize("aßb")
    assert result.text == "assb"
    assert snippets(result) == ["a", "ß", "ß", "b"]
    assert result.span(1, 3) == (1, 2)


def test_conversion_that_changes_length_stays_local(normalizer: Normalizer) -> None:
    text = "上網際網路看色情 乙太網路卡 網際網路"
    result = normalizer.normalize(text)
    assert result.text == "上互联网看色情以太网卡互联网"
    start = result.text.index("色情")
    assert result.original[slice(*result.span(start, start + 2))] == "色情"
    start = result.text.index("互联网")
    assert result.original[slice(*result.span(start, start + 3))] == "網際網路"
    start = result.text.index("卡")
    assert result.original[slice(*result.span(start, start + 1))] == "卡"
    last = result.text.rindex("互联网")
    assert result.original[slice(*result.span(last, last + 3))] == "網際網路"
    assert result.span(len(result.text) - 1, len(result.text))[1] == len(text)


def test_collapsed_runs_keep_their_first_and_last_characters(normalizer: Normalizer) -> None:
    result = normalizer.normalize("色色色色情")
    assert result.text == "色色情"
    assert result.span(1, 3) == (3, 5)  # 色情: the last 色 of the run
    assert result.span(0, 2) == (0, 4)  # the run itself
    spaced = normalizer.normalize("哈 哈 哈 哈 x")
    assert spaced.text == "哈哈x"
    assert [i for i, flag in enumerate(spaced.boundary) if flag] == [0, 1, 2, 3]


def test_boundaries(normalizer: Normalizer) -> None:
    result = normalizer.normalize("免费sex视频 s-e-x hot99")
    assert result.text == "免费sex视频sexhot99"
    marks = [i for i, flag in enumerate(result.boundary) if flag]
    # start, CJK|Latin, Latin|CJK, space, hyphen, hyphen, space, letters|digits, end
    assert marks == [0, 2, 5, 7, 8, 9, 10, 13, 15]
    assert len(result.boundary) == len(result.text) + 1


def test_empty_and_symbol_only_texts(normalizer: Normalizer) -> None:
    for text in ("", "  ,.!?  "):
        result = normalizer.normalize(text)
        assert result.text == result.sound == result.pinyin == ""
        assert list(result.origin) == [len(text)]
        assert list(result.boundary) == [True]
        assert result.span(0, 0) == (len(text), len(text))
        assert result.pinyin_span(0, 5) == (len(text), len(text))


def test_lone_surrogates_and_control_characters_do_not_break_it(normalizer: Normalizer) -> None:
    result = normalizer.normalize("色\ud800情\x00\x01视频")
    assert result.text == "色情视频"
    assert snippets(result) == ["色", "情", "视", "频"]


def test_pinyin_table() -> None:
    table = pinyin_table()
    assert table[ord("色")] == "se"
    assert table[ord("女")] == "nv"
    assert table[ord("略")] == "lve"
    assert all(re.fullmatch("[a-z]+", syllable) for syllable in table.values())
    assert toneless("lǜ") == "lv"
    assert toneless("ḿ") == "m"
    assert pinyin_form("av女优") == "avnvyou"


def test_pinyin_form_and_its_positions(normalizer: Normalizer) -> None:
    result = normalizer.normalize("看 色情 av")
    assert result.text == "看色情av"
    assert result.pinyin == "kanseqingav"
    assert list(result.pinyin_origin) == [0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 4, 5]
    assert [i for i, flag in enumerate(result.pinyin_boundary) if flag] == [0, 3, 5, 9, 11]
    assert result.original[slice(*result.pinyin_span(3, 9))] == "色情"
    assert result.original[slice(*result.pinyin_span(9, 11))] == "av"
    assert normalizer.phrase_pinyin("色情") == "seqing"


def test_sound_form_shares_codes_between_homophones(normalizer: Normalizer) -> None:
    plain, homophone = normalizer.normalize("色情"), normalizer.normalize("涩情")
    assert plain.sound == homophone.sound
    assert len(plain.sound) == len(plain.text)
    assert normalizer.normalize("色彩").sound != plain.sound
    assert sound_of("sex") == "sex"
    assert sound_of("nü") == "nv"


def test_phrase_goes_through_the_same_pipeline(normalizer: Normalizer) -> None:
    assert normalizer.phrase("  Ｓ-E-X  ") == "sex"
    assert normalizer.phrase("成人影片") == normalizer.normalize("成人 影片!").text == "成人视频"


def test_version_names_the_pipeline(normalizer: Normalizer) -> None:
    assert re.fullmatch(r"norm-[0-9a-f]{12}", normalizer.version)
    assert Normalizer().version == normalizer.version


def test_origin_sequence_behaves_like_a_sequence(normalizer: Normalizer) -> None:
    result = normalizer.normalize("a b c")
    assert result.origin[0] == 0
    assert result.origin[-1] == 5
    assert list(result.origin[1:3]) == [2, 4]
    assert result.origin == [0, 2, 4, 5]
    assert result.boundary[1] is True


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(st.characters(codec=None, exclude_categories=()), max_size=60),
    start=st.integers(-5, 70),
    end=st.integers(-5, 70),
)
def test_spans_are_always_valid_ranges_of_the_original(text: str, start: int, end: int) -> None:
    result = default_normalizer().normalize(text)
    size = len(text)
    a, b = result.span(start, end)
    assert 0 <= a <= b <= size
    origin = list(result.origin)
    assert len(origin) == len(result.text) + 1
    assert origin == sorted(origin)
    assert origin[-1] == size
    assert len(result.boundary) == len(result.text) + 1
    assert len(result.sound) == len(result.text)
    for index in range(len(result.text)):
        low, high = result.span(index, index + 1)
        assert 0 <= low < high <= size
    p_low, p_high = result.pinyin_span(start, end)
    assert 0 <= p_low <= p_high <= size
    assert len(result.pinyin_origin) == len(result.pinyin) + 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["色", "情", "電", "影", "ｓ", "E", "x", " ", ".", "網", "際", "路", "😀"]),
        max_size=40,
    )
)
def test_normalising_mixed_evasion_text_never_loses_a_character(chars: list[str]) -> None:
    text = "".join(chars)
    result = default_normalizer().normalize(text)
    kept = [char for char in text if char not in " .😀"]
    assert len(result.text) <= len(kept)
    for index in range(len(result.text)):
        low, high = result.span(index, index + 1)
        assert text[low:high].strip(" .😀")


def _same(one: Normalized, other: Normalized) -> bool:
    return (
        one.original == other.original
        and one.text == other.text
        and list(one.origin) == list(other.origin)
        and list(one.boundary) == list(other.boundary)
        and one.sound == other.sound
        and all(
            one.span(index, index + 1) == other.span(index, index + 1)
            for index in range(len(one.text))
        )
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(
            st.sampled_from(
                ["色", "情", "電", "影", "ｓ", "E", "x", " ", ".", "網", "際", "路", "…", "\n", "a"]
            ),
            max_size=12,
        ),
        max_size=8,
    )
)
def test_normalising_many_texts_together_equals_one_at_a_time(texts: list[str]) -> None:
    normalizer = default_normalizer()
    together = normalizer.normalize_many(texts)
    assert len(together) == len(texts)
    for text, result in zip(texts, together, strict=True):
        assert _same(result, normalizer.normalize(text)), text


def test_no_run_or_phrase_crosses_from_one_text_into_the_next(normalizer: Normalizer) -> None:
    texts = ["色色", "色情", "網際", "網路", "se", "qing"]
    together = normalizer.normalize_many(texts)
    assert [result.text for result in together] == ["色色", "色情", "网际", "网络", "se", "qing"]
    assert together[1].span(0, 2) == (0, 2)
    assert together[4].boundary[0]  # "se" stays a word of its own
    assert together[4].boundary[2]
    holding = [*texts, "\ud7a3 a text holding the separator letter"]
    assert [r.text for r in normalizer.normalize_many(holding)] == [
        normalizer.normalize(t).text for t in holding
    ]

"""The weighted lexicon: the .lex format and its errors, compiling, scanning and scoring."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwang.classify.text.lexicon import (
    SPLITS_PATH,
    Entry,
    Lexicon,
    LexiconError,
    bundled_lexicon_files,
    load_lexicon,
    parse_lexicon,
    split_table,
    split_variants,
)
from jingwang.classify.types import CATEGORIES
from jingwang.errors import InvalidInput

SAMPLE = """\ufeff# a test lexicon
@category porn          # applies to what follows
@lang zh
40  色情        ; pinyin
30  成人视频
25  <sex>               # whole word
50  裸聊 + 视频
20  强奸        ; nosplit
35  <hot> + 视频
@category good
-40 性健康
"""


def compile_text(text: str) -> Lexicon:
    return Lexicon.compile(parse_lexicon(text, source="test.lex"))


def problems_of(text: str) -> list[str]:
    with pytest.raises(LexiconError) as caught:
        parse_lexicon(text, source="bad.lex")
    assert caught.value.code == "classify.lexicon_invalid"
    assert isinstance(caught.value, InvalidInput)
    problems: list[str] = caught.value.details["problems"]
    return problems


def test_parse_reads_every_field() -> None:
    entries = parse_lexicon(SAMPLE, source="test.lex")
    assert [entry.phrase for entry in entries] == [
        "色情", "成人视频", "<sex>", "裸聊 + 视频", "强奸", "<hot> + 视频", "性健康",
    ]  # fmt: skip
    first, _, sex, combo, rape, mixed, good = entries
    assert (first.category, first.weight, first.parts, first.pinyin) == (
        "porn",
        40,
        ("色情",),
        True,
    )
    assert (first.source, first.line, first.lang) == ("test.lex", 4, "zh")
    assert sex.whole_word
    assert sex.parts == ("sex",)
    assert combo.parts == ("裸聊", "视频")
    assert not combo.whole_word
    assert rape.nosplit
    assert mixed.whole_parts == (True, False)
    assert not mixed.whole_word
    assert mixed.part_is_whole(0)
    assert not mixed.part_is_whole(1)
    assert (good.category, good.weight) == ("good", -40)


def test_parse_normalises_phrases_and_accepts_tabs_and_plus_signs() -> None:
    entries = parse_lexicon("@category porn\n+30\t色情電影\n20 Free  Porn\n", source="x")
    assert [entry.parts for entry in entries] == [("色情电影",), ("freeporn",)]
    assert entries[0].weight == 30
    assert entries[1].phrase == "Free Porn"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("4o 色情", "is not a whole number"),
        ("色情", "is not a whole number"),
        ("40", "no phrase after the weight"),
        ("0 色情", "a weight of 0 does nothing"),
        ("5000 色情", "out of range"),
        ("-40 色情", "negative weights belong under '@category good'"),
        ("40 色情 ; loud", "unknown flag 'loud'"),
        ("40 色 ; pinyin", "the pinyin flag needs a part with at least two Chinese characters"),
        ("40 sex ; pinyin", "the pinyin flag needs"),
        ("40 ！？…", "has no letters or digits once normalised"),
        ("40 裸聊 + ", "an empty part in a combination"),
        ("40 <sex", "write a whole word as '<word>'"),
        ("40 <>", "write a whole word as '<word>'"),
        ("@category dating", "unknown category 'dating'"),
        ("@colour red", "unknown directive '@colour'"),
        ("@lang", "@lang needs a language code"),
    ],
)
def test_each_malformed_line_is_named_with_its_fix(line: str, fragment: str) -> None:
    problems = problems_of(f"@category porn\n{line}\n")
    assert len(problems) == 1
    assert problems[0].startswith("bad.lex:2: ")
    assert fragment in problems[0]


def test_missing_category_positive_good_and_duplicates() -> None:
    assert "no @category above this entry" in problems_of("40 色情\n")[0]
    assert "give this one a negative weight" in problems_of("@category good\n40 性健康\n")[0]
    duplicate = problems_of("@category porn\n40 色情\n# note\n30 色情\n")
    assert duplicate == ["bad.lex:4: the same entry as line 2; remove one of them"]


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    with pytest.raises(LexiconError) as caught:
        parse_lexicon("@category porn\nxx 色情\n40 色情\n-5 成人\n", source="many.lex")
    message = str(caught.value)
    assert "lexicon many.lex has 2 problems" in message
    assert "many.lex:2:" in message
    assert "many.lex:4:" in message


def test_count_is_capped_at_three() -> None:
    lexicon = compile_text("@category porn\n40 色情\n")
    score = lexicon.scan_text("色情 色情，色情。色情！色情")
    (hit,) = score.hits
    assert hit.count == 5
    assert score.categories["porn"] == 120.0
    assert len(hit.spans) == 5
    assert hit.matched == ("色情",) * 5


def test_spans_are_capped_at_five_and_point_into_the_original() -> None:
    lexicon = compile_text("@category porn\n40 色情\n")
    text = "。".join(["色.情"] * 8)
    (hit,) = lexicon.scan_text(text).hits
    assert hit.count == 8
    assert len(hit.spans) == 5
    assert all(text[start:end] == "色.情" for start, end in hit.spans)


def test_combination_needs_every_part_and_counts_the_least_found() -> None:
    lexicon = compile_text("@category porn\n50 裸聊 + 视频\n")
    assert lexicon.scan_text("裸聊 裸聊").hits == ()
    score = lexicon.scan_text("裸聊 视频 裸聊 视频 视频 裸聊")
    (hit,) = score.hits
    assert hit.count == 3
    assert score.porn_score == 150.0
    assert hit.matched[:2] == ("裸聊", "视频")


def test_whole_words_need_boundaries_at_their_latin_ends() -> None:
    lexicon = compile_text("@category porn\n25 <sex>\n50 <av在线>\n")
    assert lexicon.scan_text("Sussex Essex sextant Middlesex sexy").hits == ()
    assert [hit.count for hit in lexicon.scan_text("sex, SEX and s-e-x").hits] == [3]
    assert lexicon.scan_text("免费sex视频").hits[0].matched == ("sex",)
    assert lexicon.scan_text("java在线编程").hits == ()
    assert lexicon.scan_text("免费av在线观看").hits[0].phrase == "<av在线>"


def test_categories_sum_and_hits_come_strongest_first() -> None:
    lexicon = compile_text(SAMPLE)
    score = lexicon.scan_text("色情 成人视频 裸聊视频 性健康 性健康")
    assert set(score.categories) == set(CATEGORIES)
    assert score.categories == {
        "porn": 120.0, "sex_services": 0.0, "gambling": 0.0, "drugs": 0.0, "fraud": 0.0,
        "good": -80.0,
    }  # fmt: skip
    assert score.porn_score == 40.0
    assert [hit.phrase for hit in score.hits] == ["性健康", "裸聊 + 视频", "色情", "成人视频"]
    assert score.version == lexicon.version


def test_pinyin_entries_match_homophones_and_written_out_pinyin() -> None:
    lexicon = compile_text("@category porn\n40 色情 ; pinyin\n30 成人视频\n")
    (hit,) = lexicon.scan_text("涩情 瑟情 seqing SE QING").hits
    assert hit.form == "pinyin"
    assert hit.count == 4
    assert hit.matched == ("涩情", "瑟情", "seqing", "SE QING")
    # the exact text is a text match, not also a pinyin one
    (hit,) = lexicon.scan_text("色情").hits
    assert (hit.form, hit.count) == ("text", 1)
    # entries without the flag need the exact characters
    assert lexicon.scan_text("城人视频").hits == ()


def test_pinyin_needs_whole_syllables_and_word_boundaries() -> None:
    lexicon = compile_text("@category porn\n40 色情 ; pinyin\n60 av女优 ; pinyin\n")
    assert lexicon.scan_text("sequence seqingdao").hits == ()
    assert lexicon.scan_text("色").hits == ()
    (hit,) = lexicon.scan_text("av nv you").hits
    assert (hit.phrase, hit.form, hit.matched) == ("av女优", "pinyin", ("av nv you",))
    assert lexicon.scan_text("java女忧").hits == ()  # a homophone needs a boundary before "av"
    assert lexicon.scan_text("看av女忧").hits[0].form == "pinyin"


def test_split_character_variants_are_added_at_compile_time_only() -> None:
    lexicon = compile_text("@category porn\n30 强奸\n20 奸\n30 迷奸 ; nosplit\n")
    score = lexicon.scan_text("强女干")
    assert [(hit.phrase, hit.matched) for hit in score.hits] == [("强奸", ("强女干",))]
    assert lexicon.scan_text("女干部会议").hits == ()  # a single character gets no variant
    assert lexicon.scan_text("迷女干").hits == ()  # nosplit


def test_split_variants() -> None:
    splits = dict(split_table())
    assert splits["奸"] == "女干"
    assert split_variants("强奸", splits) == ["强女干"]
    assert split_variants("奸", splits) == []
    assert len(split_variants("淫秽色情", splits)) == 3  # 淫 and 情 split, alone and together


def test_version_follows_the_compiled_entries() -> None:
    first = compile_text("@category porn\n40 色情\n")
    assert re.fullmatch(r"lex-[0-9a-f]{12}", first.version)
    assert compile_text("# moved\n\n@category porn\n40 色情\n").version == first.version
    assert compile_text("@category porn\n41 色情\n").version != first.version
    assert compile_text("@category porn\n40 色情 ; pinyin\n").version != first.version


def test_phrases_lists_each_normalised_part_once() -> None:
    assert compile_text(SAMPLE).phrases() == sorted(
        ["色情", "成人视频", "sex", "裸聊", "视频", "强奸", "hot", "性健康"]
    )


def test_empty_lexicon_and_empty_text() -> None:
    empty = Lexicon.compile([])
    assert empty.scan_text("色情").hits == ()
    assert empty.scan_text("").porn_score == 0.0
    assert compile_text(SAMPLE).scan_text("").hits == ()


def test_single_character_entries_are_found_in_the_text() -> None:
    lexicon = compile_text("@category porn\n60 屄\n25 <x>\n")
    assert lexicon.scan_text("比笔必").hits == ()  # homophones of a single character do not count
    (hit,) = lexicon.scan_text("屄").hits
    assert hit.matched == ("屄",)
    assert lexicon.scan_text("xx").hits == ()  # collapsed to "xx": no boundary inside
    assert lexicon.scan_text("x y").hits[0].count == 1


def test_entries_built_in_code_work_too() -> None:
    entry = Entry("黄片", "porn", 60, ("黄片",), False, True, "code", 1)
    (hit,) = Lexicon.compile([entry]).scan_text("看晃片").hits
    assert (hit.phrase, hit.form, hit.source) == ("黄片", "pinyin", "code")


def test_bundled_lexicon_covers_every_category() -> None:
    files = bundled_lexicon_files()
    names = {path.name for path in files}
    assert {
        "zh-porn.lex", "en-porn.lex", "zh-sex-services.lex", "gambling.lex", "drugs.lex",
        "fraud.lex", "zh-good.lex", "en-good.lex",
    } <= names  # fmt: skip
    lexicon = load_lexicon()
    assert {entry.category for entry in lexicon.entries} == set(CATEGORIES)
    assert all(entry.source.startswith("bundled:") for entry in lexicon.entries)
    zh_porn = [entry for entry in lexicon.entries if entry.source == "bundled:zh-porn.lex"]
    assert len(zh_porn) >= 200
    assert sum(entry.pinyin for entry in zh_porn) >= 20


# Words for children, pupils and youth: no entry of the bundled lexicon may contain them.
MINORS = re.compile(
    r"萝莉|幼|学生|儿童|少女|未成年|小学|中学|校服|制服|童|学妹|嫩|"
    r"child|kid|teen|minor|school|loli|underage|young|girl",
    re.IGNORECASE,
)


def test_bundled_lexicon_holds_nothing_about_minors() -> None:
    for path in [*bundled_lexicon_files(), SPLITS_PATH]:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            entry = line.split("#", 1)[0]
            assert not MINORS.search(entry), f"{path.name}:{number}: {line}"


def test_load_lexicon_from_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a.lex").write_text("@category porn\n40 色情\n", "utf-8")
    (tmp_path / "b.lex").write_text("@category gambling\n40 百家乐\n", "utf-8")
    lexicon = load_lexicon([tmp_path], bundled=False)
    assert [entry.source for entry in lexicon.entries] == [
        str(tmp_path / "a.lex"), str(tmp_path / "b.lex"),
    ]  # fmt: skip
    both = load_lexicon([tmp_path / "a.lex"])
    assert len(both) == len(load_lexicon()) + 1


def test_load_lexicon_refuses_what_it_cannot_use(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="no lexicon file or folder"):
        load_lexicon([tmp_path / "missing.lex"], bundled=False)
    with pytest.raises(LexiconError, match=r"no \.lex files in the folder"):
        load_lexicon([tmp_path], bundled=False)
    gbk = tmp_path / "gbk.lex"
    gbk.write_bytes("@category porn\n40 色情\n".encode("gbk"))
    with pytest.raises(LexiconError, match="is not UTF-8"):
        load_lexicon([gbk], bundled=False)
    bad = tmp_path / "bad.lex"
    bad.write_text("@category porn\nforty 色情\n", "utf-8")
    with pytest.raises(LexiconError) as caught:
        load_lexicon([bad, tmp_path / "bad.lex"], bundled=False)
    assert f"{bad}:2:" in str(caught.value)


@lru_cache(maxsize=1)
def bundled() -> Lexicon:
    return load_lexicon()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["色", "情", "電影", "涩", "ｓｅｘ", "s-e-x", "裸聊", "女干", "强", " ", "."]
            ),
            st.text(max_size=4),
        ),
        max_size=20,
    )
)
def test_scanning_any_text_gives_valid_hits(pieces: list[str]) -> None:
    text = "".join(pieces)
    score = bundled().scan_text(text)
    for hit in score.hits:
        assert hit.count >= 1
        assert 1 <= len(hit.spans) <= 5
        for (start, end), seen in zip(hit.spans, hit.matched, strict=True):
            assert 0 <= start < end <= len(text)
            assert text[start:end] == seen
    assert score.porn_score == sum(
        score.categories[name] for name in ("porn", "sex_services", "good")
    )

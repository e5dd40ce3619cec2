"""Importing plain word lists and e2guardian phrase lists into .lex files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jingwang.classify.text.lexicon import (
    Lexicon,
    LexiconError,
    convert_e2guardian,
    convert_plain,
    import_e2guardian,
    import_plain,
    parse_lexicon,
)
from jingwang.classify.text.normalize import default_normalizer

SHARED = Path(os.environ.get("JINGWANG_SHARED_DATA", "/work/main/../shared/data"))
SHARED_LISTS = sorted((SHARED / "lexicons").glob("*.txt")) if (SHARED / "lexicons").is_dir() else []


def shared_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:  # some lists in circulation are GBK
        return data.decode("gb18030")


@pytest.mark.skipif(
    not SHARED_LISTS, reason=f"no shared word lists under {SHARED}/lexicons (JINGWANG_SHARED_DATA)"
)
@pytest.mark.parametrize("path", SHARED_LISTS, ids=lambda path: path.name)
def test_shared_lists_import_one_entry_per_distinct_term(path: Path) -> None:
    text = shared_text(path)
    normalizer = default_normalizer()
    terms = [line.strip().rstrip(",") for line in text.splitlines() if line.strip()]
    distinct = {normalizer.phrase(term) for term in terms} - {""}
    result = convert_plain(text, category="porn", weight=30, source=path.name)
    assert result.entries == len(distinct)
    assert result.duplicates == len(terms) - len(distinct) - len(result.skipped)
    entries = parse_lexicon(result.text, source=path.name)
    assert len(entries) == result.entries
    assert {entry.parts[0] for entry in entries} == distinct
    assert {(entry.category, entry.weight) for entry in entries} == {("porn", 30)}
    assert not any("," in entry.phrase for entry in entries)
    assert import_plain(text, category="porn", weight=30, source=path.name) == (
        result.text,
        result.entries,
    )


def test_plain_list_formats() -> None:
    text = (
        "\ufeff# comment\r\n"
        "// another comment\r\n"
        "色情,\r\n"
        "色情\r\n"
        "色情電影,\r\n"
        "成人视频\tfrom list A\r\n"
        "裸聊，一夜情\r\n"
        "\r\n"
        "C++ #1\r\n"
        "！！！\r\n"
        "色情电影\r\n"
    )
    result = convert_plain(text, category="porn", weight=25, source="list.txt")
    entries = parse_lexicon(result.text, source="out.lex")
    assert [entry.phrase for entry in entries] == [
        "色情", "色情電影", "成人视频", "裸聊", "一夜情", "C 1",
    ]  # fmt: skip
    assert result.entries == 6
    assert result.duplicates == 2  # 色情 again, 色情电影 = 色情電影 once normalised
    assert result.skipped == ((10, "'！！！' has no letters or digits"),)
    assert result.text.startswith("# Imported from list.txt (plain word list) by jingwang:")
    assert "# 6 entries, 2 duplicates removed, 1 lines skipped." in result.text


def test_plain_import_checks_its_category_and_weight() -> None:
    with pytest.raises(LexiconError, match="unknown category 'adult'"):
        import_plain("色情\n", category="adult", weight=30, source="x")
    with pytest.raises(LexiconError, match="good context needs a negative weight"):
        import_plain("性健康\n", category="good", weight=30, source="x")
    with pytest.raises(LexiconError, match="good context needs a negative weight"):
        import_plain("色情\n", category="porn", weight=-30, source="x")
    text, count = import_plain("性健康\n", category="good", weight=-30, source="x")
    assert count == 1
    assert parse_lexicon(text, source="x")[0].weight == -30


E2GUARDIAN = """\ufeff#listcategory: "Pornography"\r
# weighted phrases\r
< sex ><30>\r
<free porn><50>\r
<adult>,<video><40>\r
< xxx >, <movies ><45>\r
<sexual health><-50>\r
<free porn><60>\r
<FREE PORN><50>\r
<banned phrase>\r
<a>,<18>\r
<!!!><20>\r
<zero><0>\r
.Include</etc/e2guardian/lists/phraselists/pornography/weighted_french>\r
not a phrase line\r
"""


def test_e2guardian_list() -> None:
    result = convert_e2guardian(E2GUARDIAN, source="weighted")
    entries = parse_lexicon(result.text, source="weighted.lex")
    described = [(e.category, e.weight, e.phrase, e.whole_parts) for e in entries]
    assert described == [
        ("porn", 30, "<sex>", (True,)),
        ("porn", 50, "free porn", (False,)),
        ("porn", 40, "adult + video", (False, False)),
        ("porn", 45, "<xxx> + <movies>", (True, True)),
        ("good", -50, "sexual health", (False,)),
    ]
    assert result.entries == 5
    assert result.duplicates == 2
    assert result.categories == ("porn", "good")
    reasons = dict(result.skipped)
    assert reasons[10].startswith("no weight")
    assert reasons[11].startswith("no weight")  # "<a>,<18>" is a combination, not a weight
    assert reasons[12] == "a part has no letters or digits"
    assert reasons[13] == "weight 0 does nothing"
    assert "not followed" in reasons[14]
    assert reasons[15].startswith("not an e2guardian phrase line")
    assert import_e2guardian(E2GUARDIAN, source="weighted") == (result.text, 5)


def test_e2guardian_import_scans_like_the_list_meant() -> None:
    text, _ = import_e2guardian(E2GUARDIAN, source="weighted")
    lexicon = Lexicon.compile(parse_lexicon(text, source="weighted.lex"))
    assert lexicon.scan_text("Essex sextant").hits == ()
    score = lexicon.scan_text("free porn: sex, adult video")
    assert score.categories["porn"] == 30 + 50 + 40
    assert lexicon.scan_text("sexual health").categories["good"] == -50


def test_e2guardian_categories() -> None:
    gambling = '#listcategory: "Gambling"\n<casino><40>\n'
    assert convert_e2guardian(gambling, source="g").categories == ("gambling",)
    assert convert_e2guardian(gambling, category="fraud", source="g").categories == ("fraud",)
    with pytest.raises(LexiconError, match="names no category"):
        convert_e2guardian("<casino><40>\n", source="nameless")
    with pytest.raises(LexiconError, match="unknown category"):
        convert_e2guardian(gambling, category="casinos", source="g")
    only_good = convert_e2guardian("<breast cancer><-60>\n", source="good")
    assert only_good.categories == ("good",)

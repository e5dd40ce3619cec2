"""Folding text for identifier matching, and mapping positions back to the original."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jingwang.classify.identifiers.folding import FoldedText, fold_char
from jingwang.classify.identifiers.provinces import PROVINCES, province_prefix


@pytest.mark.parametrize(
    ("char", "folded"),
    [("Ｉ", "I"), ("２", "2"), ("：", ":"), ("\u3000", " "), ("－", "-"), ("—", "-"), ("−", "-"),
     ("…", "..."), ("㍿", "株式会社"), ("京", "京"), ("備", "備"), ("\ud800", "\ud800")],
)  # fmt: skip
def test_fold_char(char: str, folded: str) -> None:
    assert fold_char(char) == folded


def test_ascii_and_one_to_one_text_need_no_map() -> None:
    assert FoldedText.of("abc").folded == "abc"
    folded = FoldedText.of("粤ＩＣＰ备")
    assert folded.folded == "粤ICP备"
    assert [folded.original_index(i) for i in range(5)] == [0, 1, 2, 3, 4]


def test_a_text_folds_as_its_characters_do_one_by_one() -> None:
    """FoldedText looks only at the characters it finds folding may change: every code point
    of the BMP, lone surrogates and a few astral ones fold as ``fold_char`` folds them."""
    everything = "".join(chr(c) for c in range(0x10000)) + "\U0001d400\U0002f800\U0001f600"
    expected = "".join(fold_char(char) for char in everything)
    assert FoldedText.of(everything).folded == expected


def test_expanding_characters_map_back() -> None:
    text = "a…b㍿c"
    folded = FoldedText.of(text)
    assert folded.folded == "a...b株式会社c"
    assert [folded.original_index(i) for i in range(len(folded.folded))] == [
        0, 1, 1, 1, 2, 3, 3, 3, 3, 4,
    ]  # fmt: skip
    assert folded.span(2, 5) == (1, 3)  # the middle of "..." through "b": the whole "…b"
    assert folded.span(9, 10) == (4, 5)


def test_provinces() -> None:
    assert len(PROVINCES) == 31
    assert len({p.abbreviation for p in PROVINCES}) == 31
    assert len({p.code for p in PROVINCES}) == 31
    assert "".join(p.abbreviation for p in PROVINCES) == (
        "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"
    )
    guangdong, yunnan = PROVINCES[18], PROVINCES[24]
    assert province_prefix("粵") == ("粤", guangdong)
    assert province_prefix("滇") == ("滇", yunnan)
    assert province_prefix("云") == ("云", yunnan)
    assert province_prefix("港") is None
    assert province_prefix("台") is None


def test_importing_classify_stays_light() -> None:
    probe = (
        "import sys, jingwang.classify; print(sorted(m for m in ('sqlalchemy', 'typer', "
        "'charset_normalizer', 'tldextract', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"

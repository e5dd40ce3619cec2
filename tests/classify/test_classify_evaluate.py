"""Evaluation: dataset loading (and its errors), metrics on hand-computed cases, the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jingwang.classify.evaluate import (
    SWEEP,
    DatasetError,
    Example,
    evaluate,
    load_dataset,
    render_report,
)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ex(ident: str, label: int, kind: str = "", text: str = "t") -> Example:
    return Example(id=ident, label=label, text=text, kind=kind)


# --- loading ------------------------------------------------------------------------------


def test_load_reads_every_field_form(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '{"id": "a", "text": "免费成人视频", "label": 1, "kind": "porn", "lang": "zh"}',
        "",
        '{"url": "http://m.news.test/", "label": "clean"}',
        '{"evidence": 42, "label": "PORN", "other": [1, 2]}',
        '{"id": 7, "text": "weather", "label": "0"}',
    )
    examples = load_dataset(path)
    assert [e.id for e in examples] == ["a", "line-3", "line-4", "7"]
    assert [e.label for e in examples] == [1, 0, 1, 0]
    assert examples[0].kind == "porn"
    assert examples[1].kind == ""
    assert examples[1].url == "http://m.news.test/"
    assert examples[1].content == examples[1].url
    assert examples[2].evidence == "42"
    assert examples[2].content == "42"


def test_load_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes('\ufeff{"text": "x", "label": 1}\n'.encode())
    assert load_dataset(path)[0].label == 1


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"text": "x", "label": 1', "not valid JSON"),
        ('["text", 1]', "JSON object"),
        ('{"text": "x"}', 'no "label"'),
        ('{"text": "x", "label": "maybe"}', "unknown label"),
        ('{"text": "x", "label": 2}', "unknown label"),
        ('{"text": "x", "label": true}', "unknown label"),
        ('{"label": 1, "kind": "porn"}', '"text", "url" or "evidence"'),
        ('{"text": "", "url": null, "label": 0}', '"text", "url" or "evidence"'),
        ('{"text": ["x"], "label": 0}', "must be a string"),
    ],
)
def test_a_bad_line_is_named_with_its_fix(tmp_path: Path, line: str, says: str) -> None:
    path = write(tmp_path, '{"text": "fine", "label": 0}', line)
    with pytest.raises(DatasetError, match=f":2: .*{says}") as caught:
        load_dataset(path)
    assert caught.value.code == "classify.dataset_invalid"


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no examples"):
        load_dataset(write(tmp_path, "", "   "))


def test_a_missing_or_undecodable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read"):
        load_dataset(tmp_path / "absent.jsonl")
    path = tmp_path / "gbk.jsonl"
    path.write_bytes('{"text": "色情", "label": 1}\n'.encode("gbk"))
    with pytest.raises(DatasetError, match="UTF-8"):
        load_dataset(path)


# --- metrics ------------------------------------------------------------------------------

# Ten examples, threshold 0.5: tp = 3 (0.9, 0.8, 0.6), fn = 1 (0.3), fp = 2 (0.7, 0.55),
# tn = 4. Precision 3/5, recall 3/4, F1 2*0.6*0.75/1.35 = 2/3, accuracy 7/10.
LABELS = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
SCORES = [0.9, 0.8, 0.6, 0.3, 0.7, 0.55, 0.4, 0.2, 0.1, 0.05]
KINDS = [
    "porn",
    "porn",
    "porn:evasion:pinyin",
    "porn:evasion:pinyin",
    "hard_negative:medical",
    "hard_negative:crackdown",
    "hard_negative:medical",
    "clean:news",
    "clean:news",
    "",
]


def examples() -> list[Example]:
    return [
        ex(f"e{i}", label, kind, text=f"text {i}")
        for i, (label, kind) in enumerate(zip(LABELS, KINDS, strict=True))
    ]


def test_metrics_match_the_hand_computed_figures() -> None:
    report = evaluate(examples(), SCORES, threshold=0.5, versions={"lexicon": "lex-1"})
    assert report.confusion == {"tp": 3, "fp": 2, "tn": 4, "fn": 1}
    assert report.precision == pytest.approx(0.6)
    assert report.recall == pytest.approx(0.75)
    assert report.f1 == pytest.approx(2 / 3)
    assert report.accuracy == pytest.approx(0.7)
    assert report.n == 10
    assert report.threshold == 0.5
    assert report.hard_negative_fpr == pytest.approx(2 / 3)  # 0.7 and 0.55 of three
    assert report.versions == {"lexicon": "lex-1"}


def test_the_threshold_is_inclusive() -> None:
    report = evaluate([ex("a", 1), ex("b", 0)], [0.5, 0.49], threshold=0.5)
    assert report.confusion == {"tp": 1, "fp": 0, "tn": 1, "fn": 0}


def test_the_sweep_covers_005_to_095() -> None:
    report = evaluate(examples(), SCORES, threshold=0.5)
    assert [row["threshold"] for row in report.sweep] == list(SWEEP)
    assert SWEEP[0] == 0.05
    assert SWEEP[-1] == 0.95
    assert len(SWEEP) == 19
    at = {row["threshold"]: row for row in report.sweep}
    # at 0.75: flagged 0.9, 0.8 (both porn): precision 1, recall 0.5
    assert at[0.75]["precision"] == 1.0
    assert at[0.75]["recall"] == 0.5
    # at 0.95 nothing is flagged: precision and recall are 0 by convention
    assert at[0.95] == {"threshold": 0.95, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    # at 0.05 everything is flagged
    assert at[0.05]["recall"] == 1.0
    assert at[0.05]["precision"] == pytest.approx(0.4)


def test_worst_errors_are_the_most_confident_mistakes() -> None:
    report = evaluate(examples(), SCORES, threshold=0.5, worst=1)
    assert [(w["error"], w["id"], w["score"]) for w in report.worst] == [
        ("fp", "e4", 0.7),
        ("fn", "e3", 0.3),
    ]
    full = evaluate(examples(), SCORES, threshold=0.5)
    assert [w["id"] for w in full.worst] == ["e4", "e5", "e3"]  # fps by score desc, then fns
    assert full.worst[0]["kind"] == "hard_negative:medical"
    assert full.worst[0]["text"] == "text 4"


def test_by_kind_gives_error_rates_per_class() -> None:
    by_kind = evaluate(examples(), SCORES, threshold=0.5).by_kind
    assert by_kind["porn"] == {"n": 2, "errors": 0, "fnr": 0.0}
    assert by_kind["porn:evasion:pinyin"] == {"n": 2, "errors": 1, "fnr": 0.5}
    assert by_kind["hard_negative:medical"] == {"n": 2, "errors": 1, "fpr": 0.5}
    assert by_kind["clean:news"] == {"n": 2, "errors": 0, "fpr": 0.0}
    assert by_kind[""] == {"n": 1, "errors": 0, "fpr": 0.0}


def test_without_hard_negatives_the_rate_is_none() -> None:
    report = evaluate([ex("a", 1, "porn"), ex("b", 0, "clean")], [0.9, 0.1], threshold=0.5)
    assert report.hard_negative_fpr is None


def test_scores_must_match_examples() -> None:
    with pytest.raises(ValueError, match="2 examples but 1 scores"):
        evaluate([ex("a", 1), ex("b", 0)], [0.5], threshold=0.5)


def test_long_texts_are_cut_in_the_worst_list() -> None:
    report = evaluate([ex("a", 0, text="色" * 500)], [0.99], threshold=0.5)
    assert len(report.worst[0]["text"]) == 120
    assert report.worst[0]["text"].endswith("…")


# --- output -------------------------------------------------------------------------------


def test_to_json_has_the_issue_fields_and_is_json() -> None:
    data = evaluate(examples(), SCORES, threshold=0.5).to_json()
    for key in (
        "precision",
        "recall",
        "f1",
        "threshold",
        "confusion",
        "sweep",
        "worst",
        "by_kind",
        "hard_negative_fpr",
        "accuracy",
        "n",
        "versions",
    ):
        assert key in data
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            [
                "Precision 0.600",
                "Recall 0.750",
                "F1 0.667",
                "Confusion matrix",
                "Threshold sweep",
                "By kind",
                "Worst errors",
                "FP 0.700 e4",
                "FN 0.300 e3",
                "Hard-negative false-positive rate: 0.667",
            ],
        ),
        (
            "zh-CN",
            [
                "精确率 0.600",
                "召回率 0.750",
                "F1 0.667",
                "混淆矩阵",
                "阈值扫描",
                "按类别",
                "最严重的错误",
                "误报 0.700 e4",
                "漏报 0.300 e3",
                "难负例误报率",
            ],
        ),
    ],
)
def test_render_report_in_both_languages(language: str, words: list[str]) -> None:
    text = render_report(
        evaluate(examples(), SCORES, threshold=0.5, versions={"text_model": "txt-abc"}),
        language=language,
    )
    for word in words:
        assert word in text
    assert "text_model=txt-abc" in text

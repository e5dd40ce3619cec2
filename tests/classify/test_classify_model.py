"""The text model: training, determinism, save/load round trip, refusal of bad files, scorer."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jingwang.classify.evaluate import load_dataset
from jingwang.classify.text.lexicon import Lexicon, parse_lexicon
from jingwang.classify.text.model import (
    LEXICON_MIDPOINT,
    LEXICON_THRESHOLDS,
    TextModel,
    TextModelError,
    lexicon_probability,
    model_paths,
    train_text_model,
    tune_thresholds,
)
from jingwang.classify.text.normalize import default_normalizer
from jingwang.classify.text.scorer import NO_MODEL, TextScorer
from jingwang.classify.text.train import main as train_main
from jingwang.classify.types import LexiconScore
from jingwang.errors import InvalidInput

DEV = Path(__file__).resolve().parents[2] / "datasets" / "dev.jsonl"

SMALL_LEXICON = """\
@category porn
50 成人视频
50 色情 ; pinyin
40 裸聊
40 <porn>
30 <xxx>
@category sex_services
40 约炮 ; pinyin
30 上门服务
@category good
-40 扫黄打非
-40 乳腺
-30 成人高考
-30 <sexual health>
"""

PROBES = [
    "免费成人视频在线观看，加QQ12345678",
    "扫黄打非：警方查处色情网站",
    "Free porn videos, watch now",
    "明天多云转晴，北风三级",
    "",
]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    entries = parse_lexicon(SMALL_LEXICON, source="test.lex")
    return Lexicon.compile(entries, default_normalizer())


@pytest.fixture(scope="module")
def small_set() -> tuple[list[str], list[int]]:
    """Every fifth example of the development set (about 210, both labels, zh and en)."""
    examples = load_dataset(DEV)[::5]
    return [e.content for e in examples], [e.label for e in examples]


@pytest.fixture(scope="module")
def model(lexicon: Lexicon, small_set: tuple[list[str], list[int]]) -> TextModel:
    texts, labels = small_set
    return train_text_model(texts, labels, lexicon=lexicon, data_digest="abc")


def scores(model: TextModel, lexicon: Lexicon) -> list[float]:
    scorer = TextScorer(lexicon, model)
    return [scorer.score(text).probability for text in PROBES]


# --- training -----------------------------------------------------------------------------


def test_training_records_its_data_and_figures(model: TextModel, lexicon: Lexicon) -> None:
    meta = model.meta
    assert model.version.startswith("txt-")
    assert len(model.version) == 16
    assert meta["version"] == model.version
    assert meta["data_sha256"] == "abc"
    assert meta["examples"] == meta["labels"]["porn"] + meta["labels"]["clean"]
    assert meta["lexicon"] == lexicon.version
    assert meta["params"]["analyzer"] == "char"
    assert meta["params"]["ngram_range"] == [1, 3]
    for key in ("precision", "recall", "f1"):
        assert 0.0 <= meta["cv"]["porn"][key] <= 1.0
    assert meta["thresholds"] == model.thresholds.to_json()
    assert 0.0 <= model.thresholds.suspect <= model.thresholds.porn <= 1.0


def test_the_model_separates_porn_from_clean(model: TextModel, lexicon: Lexicon) -> None:
    porn, crackdown, english, weather, _ = scores(model, lexicon)
    assert porn > model.thresholds.porn
    assert english > model.thresholds.suspect
    assert weather < model.thresholds.suspect
    assert crackdown < porn


def test_training_is_deterministic(
    model: TextModel, lexicon: Lexicon, small_set: tuple[list[str], list[int]]
) -> None:
    texts, labels = small_set
    again = train_text_model(texts, labels, lexicon=lexicon, data_digest="abc")
    assert again.version == model.version
    other_data = train_text_model(texts, labels, lexicon=lexicon, data_digest="abd")
    assert other_data.version != model.version
    reseeded = train_text_model(texts, labels, lexicon=lexicon, data_digest="abc", seed=1)
    assert reseeded.version != model.version


def test_trained_at_is_not_part_of_the_version(model: TextModel) -> None:
    meta = {**model.meta, "trained_at": "1999-01-01T00:00:00+00:00"}
    rebuilt = TextModel(
        coef_index=model.coef_index,
        coef_value=model.coef_value,
        intercept=model.intercept,
        combiner=model.combiner,
        meta=meta,
    )
    assert rebuilt.version == model.version
    meta["data_sha256"] = "changed"
    changed = TextModel(
        coef_index=model.coef_index,
        coef_value=model.coef_value,
        intercept=model.intercept,
        combiner=model.combiner,
        meta=meta,
    )
    assert changed.version != model.version


def test_training_needs_both_labels(lexicon: Lexicon) -> None:
    with pytest.raises(InvalidInput, match="at least 5 clean"):
        train_text_model(["色情"] * 10, [1] * 10, lexicon=lexicon)
    with pytest.raises(InvalidInput, match="labels"):
        train_text_model(["a", "b"], [1], lexicon=lexicon)


def test_tuned_thresholds_follow_the_targets() -> None:
    labels = np.array([0] * 50 + [1] * 50)
    scores_ = np.concatenate([np.linspace(0.0, 0.6, 50), np.linspace(0.4, 1.0, 50)])
    limits = tune_thresholds(labels, scores_)
    flagged = scores_ >= limits.porn
    assert labels[flagged].mean() >= 0.95  # precision target met
    below = scores_[scores_ < limits.porn].max()  # one step lower misses the target
    assert labels[scores_ >= below].mean() < 0.95
    assert (scores_[labels == 1] >= limits.suspect).mean() >= 0.97  # recall target met
    assert limits.suspect <= limits.porn


def test_porn_threshold_is_at_least_even_odds_and_leaves_a_suspect_band() -> None:
    # Well separated scores: precision reaches the target far below 0.5.
    labels = np.array([0] * 50 + [1] * 50)
    scores_ = np.concatenate([np.linspace(0.0, 0.1, 50), np.linspace(0.2, 1.0, 50)])
    limits = tune_thresholds(labels, scores_)
    assert limits.porn == 0.5
    assert limits.suspect <= 0.25
    assert (scores_[labels == 1] >= limits.suspect).mean() >= 0.97


# --- files --------------------------------------------------------------------------------


def test_save_and_load_give_identical_scores(
    model: TextModel, lexicon: Lexicon, tmp_path: Path
) -> None:
    model.save(tmp_path / "m.npz")
    loaded = TextModel.load(tmp_path / "m.npz")
    assert loaded.version == model.version
    assert loaded.meta == model.meta
    assert loaded.thresholds == model.thresholds
    assert scores(loaded, lexicon) == scores(model, lexicon)
    normalized = default_normalizer().normalize(PROBES[0])
    assert loaded.logit(normalized) == model.logit(normalized)


def test_save_adds_the_suffix_and_keeps_the_file_small(model: TextModel, tmp_path: Path) -> None:
    model.save(tmp_path / "model")
    weights, meta = model_paths(tmp_path / "model")
    assert weights.name == "model.npz"
    assert meta.name == "model.json"
    assert weights.stat().st_size < 3_000_000
    assert json.loads(meta.read_text(encoding="utf-8"))["version"] == model.version
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.npz"]


@pytest.fixture
def saved(model: TextModel, tmp_path: Path) -> Path:
    path = tmp_path / "good.npz"
    model.save(path)
    return path


def refused(path: Path, says: str) -> None:
    with pytest.raises(TextModelError, match=says) as caught:
        TextModel.load(path)
    assert caught.value.code == "classify.model_invalid"


def test_missing_files_are_refused(saved: Path) -> None:
    refused(saved.with_name("absent.npz"), "no text model file")
    saved.with_suffix(".json").unlink()
    refused(saved, "no text model file .*good.json")


def test_garbage_weights_are_refused(saved: Path) -> None:
    saved.write_bytes(b"not a zip file at all")
    refused(saved, "not a text model weights file")


def test_truncated_weights_are_refused(saved: Path) -> None:
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    refused(saved, "not a text model weights file|malformed")


def test_pickled_arrays_are_refused(saved: Path, tmp_path: Path) -> None:
    with np.load(saved) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["combiner"] = np.array([object()], dtype=object)
    np.savez(saved, **arrays)
    refused(saved, "not a text model weights file|malformed")


def test_an_edited_meta_is_refused(saved: Path) -> None:
    meta_path = saved.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["thresholds"]["porn"] = 0.01
    meta["thresholds"]["suspect"] = 0.0
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    refused(saved, "do not match")


def test_bad_thresholds_and_formats_are_refused(saved: Path) -> None:
    meta_path = saved.with_suffix(".json")
    original = json.loads(meta_path.read_text(encoding="utf-8"))
    changes: list[tuple[dict[str, Any], str]] = [
        ({"thresholds": {"porn": 0.2, "suspect": 0.9}}, "suspect <= porn"),
        ({"format": 99}, "format-1"),
        ({"params": {"analyzer": "word"}}, "parameters"),
    ]
    for change, says in changes:
        meta_path.write_text(json.dumps({**original, **change}), encoding="utf-8")
        refused(saved, says)
    meta_path.write_text("{not json", encoding="utf-8")
    refused(saved, "unreadable model meta")


def test_weights_of_another_model_are_refused(
    saved: Path, model: TextModel, lexicon: Lexicon, small_set: tuple[list[str], list[int]]
) -> None:
    texts, labels = small_set
    other = train_text_model(texts, labels, lexicon=lexicon, seed=3)
    other.save(saved.with_name("other.npz"))
    shutil.copy(saved.with_name("other.npz"), saved)
    refused(saved, "do not match")


def test_weights_out_of_range_are_refused(saved: Path) -> None:
    with np.load(saved) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["coef_index"] = arrays["coef_index"].copy()
    arrays["coef_index"][-1] = 2**30
    np.savez_compressed(saved, **arrays)
    refused(saved, "unusable model")


# --- the scorer ---------------------------------------------------------------------------


def test_without_a_model_the_lexicon_decides(lexicon: Lexicon) -> None:
    scorer = TextScorer(lexicon, None)
    assert scorer.versions["text_model"] == NO_MODEL
    assert scorer.thresholds == LEXICON_THRESHOLDS
    porn = scorer.score("色情 成人视频 裸聊 约炮")
    assert porn.model_logit is None
    assert porn.probability == lexicon_probability(porn.lexicon)
    assert porn.probability > scorer.score("成人高考报名").probability
    assert scorer.score("今天天气很好").probability < LEXICON_THRESHOLDS.suspect
    even = LexiconScore(categories={"porn": LEXICON_MIDPOINT}, hits=(), version="x")
    assert lexicon_probability(even) == 0.5


def test_the_scorer_reports_what_it_used(model: TextModel, lexicon: Lexicon) -> None:
    scorer = TextScorer(lexicon, model)
    result = scorer.score(PROBES[0])
    assert result.model_logit is not None
    assert result.length == len(PROBES[0])
    assert result.versions == {
        "normalizer": default_normalizer().version,
        "lexicon": lexicon.version,
        "text_model": model.version,
    }
    assert result.probability == model.combine(result.lexicon, result.model_logit)
    assert scorer.thresholds == model.thresholds


def test_good_context_lowers_the_combined_score(model: TextModel) -> None:
    bad = LexiconScore(categories={"porn": 100.0}, hits=(), version="x")
    softened = LexiconScore(categories={"porn": 100.0, "good": -80.0}, hits=(), version="x")
    assert model.combine(softened, 0.0) < model.combine(bad, 0.0)
    assert model.combine(bad, 2.0) > model.combine(bad, -2.0)
    assert model.combine(bad, None) == lexicon_probability(bad)


# --- the module entry point ---------------------------------------------------------------


def test_train_entry_point_writes_a_loadable_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lex = tmp_path / "small.lex"
    lex.write_text(SMALL_LEXICON, encoding="utf-8")
    dataset = tmp_path / "set.jsonl"
    dataset.write_text("".join(DEV.read_text(encoding="utf-8").splitlines(True)[::7]), "utf-8")
    out = tmp_path / "trained.npz"
    code = train_main(
        [str(dataset), "--out", str(out), "--lexicon", str(lex), "--no-bundled-lexicon"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    loaded = TextModel.load(out)
    assert loaded.version in printed
    assert "F1" in printed
    assert loaded.meta["data_sha256"] == hashlib.sha256(dataset.read_bytes()).hexdigest()


def test_train_entry_point_reports_a_bad_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = tmp_path / "bad.jsonl"
    dataset.write_text('{"text": "x"}\n', encoding="utf-8")
    lex = tmp_path / "small.lex"
    lex.write_text(SMALL_LEXICON, encoding="utf-8")
    code = train_main(
        [
            str(dataset),
            "--out",
            str(tmp_path / "m.npz"),
            "--lexicon",
            str(lex),
            "--no-bundled-lexicon",
        ]
    )
    assert code == 2
    assert 'no "label"' in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()

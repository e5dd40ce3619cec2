"""The text model: character n-grams, a linear model, and its calibrated blend with the lexicon.

Two stages, both logistic regressions, trained together by :func:`train_text_model`:

1. **n-gram model**: scikit-learn's ``HashingVectorizer`` (character 1- to 3-grams of the
   *normalised* text, hashed into ``2**18`` columns, no alternating signs, rows scaled to unit
   length) and a class-balanced ``LogisticRegression``. Its output is a raw logit: it learns the
   wording of spam (titles, link lists, prices, contact lines) that no lexicon lists.
2. **combiner**: a three-input logistic regression over the n-gram logit, the lexicon's porn and
   sex-service weight and its good-context weight (each as ``log1p(weight / LEXICON_SCALE)``),
   fitted on *out-of-fold* n-gram logits (``cross_val_predict``), so it learns how far to trust
   the n-gram model on text it has not seen. Its output is the calibrated P(porn).

Cross-validation holds out whole groups when the training data has them (the dataset's
``kind``: a template-made set leaks across random folds, so held-out kinds are the fairer test
of new wording), and runs :data:`REPEATS` times with different shuffles, pooled. The thresholds
are tuned on those out-of-fold combined scores: ``porn`` is the lowest threshold whose
precision reaches :data:`TARGET_PRECISION` (else the one with the best F1), but never below
:data:`MIN_PORN` (a page labelled porn must be more likely porn than not); ``suspect`` the
highest whose recall reaches :data:`TARGET_RECALL`, but at most :data:`SUSPECT_SHARE` of
``porn``, so there is always a band of pages for a person to look at.

A model is two files: ``NAME.npz`` (the weights; ``np.savez_compressed``, loaded with
``allow_pickle=False``) and ``NAME.json`` (the meta: when and from what data it was trained, the
parameters, the cross-validated figures, the thresholds). ``version`` is ``txt-`` and 12 hex
digits of a SHA-256 over the weights and the meta (``trained_at`` excluded), so the same data
gives the same version and any edit to either file is refused on load (reading and checking the
files: :mod:`jingwang.classify.text.modelfile`).

Without a model the probability is a fixed logistic of the lexicon's porn score
(:func:`lexicon_probability`, constants :data:`LEXICON_MIDPOINT` and :data:`LEXICON_SPREAD`).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from jingwang.classify.text.modelfile import (
    FORMAT,
    TextModelError,
    model_paths,
    read_meta,
    read_weights,
    replacing,
)
from jingwang.classify.types import LexiconScore, Thresholds
from jingwang.errors import InvalidInput

if TYPE_CHECKING:
    from jingwang.classify.text.lexicon import Lexicon
    from jingwang.classify.text.normalize import Normalized, Normalizer

N_FEATURES: Final = 2**18
NGRAM_RANGE: Final = (1, 3)
MODEL_C: Final = 10.0  # inverse L2 strength of the n-gram model (hashed, unit-length rows)
COMBINER_C: Final = 1.0
# liblinear: single-threaded and fast on sparse hashed features (lbfgs was about ten times
# slower here, and fights other processes for BLAS threads); deterministic for a fixed seed.
SOLVER: Final = "liblinear"
FOLDS: Final = 5
REPEATS: Final = 3  # cross-validation runs with different shuffles, pooled for the thresholds
TARGET_PRECISION: Final = 0.95
TARGET_RECALL: Final = 0.97
MIN_PORN: Final = 0.5  # the porn threshold never goes under even odds
SUSPECT_SHARE: Final = 0.5  # the suspect threshold is at most this share of the porn one

# The lexicon as combiner input: log1p(weight / LEXICON_SCALE); one strong phrase (weight
# 40-80 in the bundled lexicon) gives about 0.7, ten of them about 2.4.
LEXICON_SCALE: Final = 50.0
# Without a model: P(porn) = 1 / (1 + exp(-(porn_score - LEXICON_MIDPOINT) / LEXICON_SPREAD)),
# porn_score being the porn and sex-service weight less the good context. Weights of the
# bundled lexicon: 40-80 for a strong phrase, 10-30 for a suggestive one. Even odds at 25; each
# further 10 multiplies the odds by e. Chosen on the development set, where the lexicon alone
# reaches precision 0.96 from a score of 40 and finds most of the rest above 15.
LEXICON_MIDPOINT: Final = 25.0
LEXICON_SPREAD: Final = 10.0
# The thresholds used without a model (on that fixed logistic): porn from a score of about 39
# (one strong phrase), suspect from about 17 (a suggestive one).
LEXICON_THRESHOLDS: Final = Thresholds(porn=0.8, suspect=0.3)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]


def bundled_model_path() -> Path:
    """The model shipped with jingwang, trained on ``datasets/dev.jsonl``."""
    return Path(__file__).resolve().parent.parent / "data" / "models" / "text.npz"


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def lexicon_features(lexicon: LexiconScore) -> tuple[float, float]:
    """(porn and sex-service weight, good-context weight), each ``log1p(max(w, 0) / scale)``."""
    bad = lexicon.categories.get("porn", 0.0) + lexicon.categories.get("sex_services", 0.0)
    good = -lexicon.categories.get("good", 0.0)
    return _scaled(bad), _scaled(good)


def _scaled(weight: float) -> float:
    return math.log1p(weight / LEXICON_SCALE) if weight > 0 else 0.0


def lexicon_probability(lexicon: LexiconScore) -> float:
    """P(porn) from the lexicon alone (no text model): a fixed logistic of the porn score."""
    return _sigmoid((lexicon.porn_score - LEXICON_MIDPOINT) / LEXICON_SPREAD)


def vectorizer(n_features: int = N_FEATURES) -> Any:
    """The stateless feature hasher (a ``HashingVectorizer``) every format-1 model uses."""
    from sklearn.feature_extraction.text import HashingVectorizer  # type: ignore[import-untyped]

    return HashingVectorizer(
        analyzer="char",
        ngram_range=NGRAM_RANGE,
        n_features=n_features,
        alternate_sign=False,
        norm="l2",
    )


def _canonical(meta: dict[str, Any]) -> bytes:
    kept = {key: value for key, value in meta.items() if key not in ("version", "trained_at")}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False).encode("utf-8")


class TextModel:
    """A trained n-gram model and combiner; see the module docstring."""

    def __init__(
        self,
        *,
        coef_index: IntArray,
        coef_value: FloatArray,
        intercept: float,
        combiner: FloatArray,
        meta: dict[str, Any],
    ) -> None:
        self.coef_index = np.ascontiguousarray(coef_index, dtype="<i4")
        self.coef_value = np.ascontiguousarray(coef_value, dtype="<f8")
        self.intercept = float(intercept)
        self.combiner = np.ascontiguousarray(combiner, dtype="<f8")  # w_logit, w_bad, w_good, b
        self.n_features = int(meta["params"]["n_features"])
        if self.coef_index.size and (
            self.coef_index.min() < 0 or self.coef_index.max() >= self.n_features
        ):
            raise ValueError("coef_index outside the hashed feature range")
        self._coef = np.zeros(self.n_features, dtype=np.float64)
        self._coef[self.coef_index] = self.coef_value
        self._vectorizer = vectorizer(self.n_features)
        self.version = self._digest(meta)
        self.meta: dict[str, Any] = {**meta, "version": self.version}
        limits = self.meta["thresholds"]
        self.thresholds = Thresholds(porn=float(limits["porn"]), suspect=float(limits["suspect"]))

    def _digest(self, meta: dict[str, Any]) -> str:
        digest = hashlib.sha256()
        for part in (self.coef_index, self.coef_value, np.array([self.intercept], "<f8")):
            digest.update(part.tobytes())
        digest.update(self.combiner.tobytes())
        digest.update(_canonical(meta))
        return "txt-" + digest.hexdigest()[:12]

    # scoring -----------------------------------------------------------------------------

    def logit(self, normalized: Normalized) -> float:
        """The n-gram model's raw logit for a normalised text."""
        row = self._vectorizer.transform([normalized.text])
        return float(np.dot(row.data, self._coef[row.indices]) + self.intercept)

    def combine(self, lexicon: LexiconScore, logit: float | None) -> float:
        """Calibrated P(porn) from the n-gram logit and the lexicon's weights. Without a logit
        the lexicon alone decides (:func:`lexicon_probability`)."""
        if logit is None:
            return lexicon_probability(lexicon)
        bad, good = lexicon_features(lexicon)
        w = self.combiner
        return _sigmoid(float(w[0] * logit + w[1] * bad + w[2] * good + w[3]))

    # files -------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write ``NAME.npz`` and ``NAME.json`` (each replaced atomically)."""
        weights, meta_path = model_paths(path)
        weights.parent.mkdir(parents=True, exist_ok=True)
        arrays = {
            "format": np.array(FORMAT, dtype="<i4"),
            "version": np.array(self.version),
            "coef_index": self.coef_index,
            "coef_value": self.coef_value,
            "intercept": np.array(self.intercept, dtype="<f8"),
            "combiner": self.combiner,
        }
        with replacing(weights) as handle:
            np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]
        text = json.dumps(self.meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        with replacing(meta_path) as handle:
            handle.write(text.encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> TextModel:
        """Read a model; refuse (:class:`TextModelError`) anything missing, malformed, or a
        weights file and meta file that do not belong together."""
        weights, meta_path = model_paths(path)
        for needed in (weights, meta_path):
            if not needed.is_file():
                raise TextModelError(
                    f"no text model file {needed}; train one with "
                    "`jingwang classify train DATASET --out FILE.npz`",
                    path=str(needed),
                )
        arrays = read_weights(weights)
        meta = read_meta(meta_path)
        try:
            model = cls(
                coef_index=arrays["coef_index"],
                coef_value=arrays["coef_value"],
                intercept=float(arrays["intercept"]),
                combiner=arrays["combiner"],
                meta=meta,
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise TextModelError(f"{weights}: unusable model ({exc}); train it again") from None
        stated = {str(arrays["version"]), str(meta.get("version"))}
        if stated != {model.version}:
            raise TextModelError(
                f"{weights} and {meta_path} do not match (weights and meta give "
                f"{sorted(stated)}, the content gives {model.version}): one was edited or "
                "replaced; train the model again",
                path=str(weights),
            )
        return model


# --- training -----------------------------------------------------------------------------


def _threshold_candidates(scores: FloatArray) -> list[float]:
    """Midpoints between neighbouring distinct scores (rounded), so a tuned threshold does not
    sit exactly on one training example's score."""
    distinct = np.unique(np.round(scores, 6))
    mids = (distinct[:-1] + distinct[1:]) / 2
    return sorted({round(float(m), 4) for m in mids} | {0.5})


def _rates(labels: npt.NDArray[np.int_], scores: FloatArray, threshold: float) -> dict[str, float]:
    flagged = scores >= threshold
    tp = int(np.sum(flagged & (labels == 1)))
    fp = int(np.sum(flagged & (labels == 0)))
    fn = int(np.sum(~flagged & (labels == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def tune_thresholds(labels: npt.NDArray[np.int_], scores: FloatArray) -> Thresholds:
    """The porn and suspect thresholds for out-of-fold scores (see the module docstring)."""
    candidates = _threshold_candidates(scores)
    rated = [(t, _rates(labels, scores, t)) for t in candidates]
    precise = [t for t, r in rated if r["precision"] >= TARGET_PRECISION and r["recall"] > 0]
    porn = min(precise) if precise else max(rated, key=lambda item: item[1]["f1"])[0]
    porn = max(porn, MIN_PORN)
    recalled = [t for t, r in rated if r["recall"] >= TARGET_RECALL]
    suspect = min(max(recalled) if recalled else min(candidates), porn * SUSPECT_SHARE)
    return Thresholds(porn=porn, suspect=suspect)


def _check_training_data(texts: Sequence[str], labels: Sequence[int]) -> npt.NDArray[np.int_]:
    if len(texts) != len(labels):
        raise InvalidInput(f"{len(texts)} texts but {len(labels)} labels")
    y = np.asarray(labels, dtype=np.int_)
    if not np.isin(y, (0, 1)).all():
        raise InvalidInput("labels must be 1 (porn) or 0 (clean)")
    for label, name in ((1, "porn"), (0, "clean")):
        if int(np.sum(y == label)) < FOLDS:
            raise InvalidInput(
                f"training needs at least {FOLDS} {name} examples for {FOLDS}-fold "
                "cross-validation; add more labelled examples"
            )
    return y


def _folds(
    y: npt.NDArray[np.int_], groups: Sequence[str] | None, seed: int
) -> tuple[Any, npt.NDArray[np.str_] | None, str]:
    """The cross-validation split: by group when every label has at least ``FOLDS`` groups
    and no group mixes labels, else stratified by label alone.

    A development set made from templates leaks across random folds (the same template fills
    both sides), which makes out-of-fold logits look surer than they are on new wording; whole
    groups held out give the combiner an honest view of the n-gram model on unfamiliar text."""
    from sklearn.model_selection import (  # type: ignore[import-untyped]
        StratifiedGroupKFold,
        StratifiedKFold,
    )

    if groups is not None:
        if len(groups) != len(y):
            raise InvalidInput(f"{len(groups)} groups for {len(y)} examples")
        named = np.asarray(groups, dtype=np.str_)
        pure = all(len(set(y[named == g].tolist())) == 1 for g in set(named.tolist()))
        enough = all(len(set(named[y == label].tolist())) >= FOLDS for label in (0, 1))
        if pure and enough:
            split = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
            return split, named, "grouped"
    return StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed), None, "stratified"


def train_text_model(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    lexicon: Lexicon,
    normalizer: Normalizer | None = None,
    seed: int = 0,
    data_digest: str = "",
    groups: Sequence[str] | None = None,
) -> TextModel:
    """Train the n-gram model and the combiner, tune the thresholds; deterministic for the
    same texts, labels, groups, lexicon, normaliser and seed.

    ``groups`` (e.g. each example's ``kind``) keeps a group's examples in one fold, so the
    out-of-fold logits the combiner learns from, and the thresholds, come from wording the
    n-gram model has not seen (see :func:`_folds`)."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.model_selection import cross_val_predict

    from jingwang.classify.text.normalize import default_normalizer

    y = _check_training_data(texts, labels)
    normalizer = normalizer or default_normalizer()
    normalized = [normalizer.normalize(text) for text in texts]
    features = vectorizer().transform([n.text for n in normalized])
    lex = np.array([lexicon_features(lexicon.scan(n)) for n in normalized], dtype=np.float64)
    ngram = LogisticRegression(
        C=MODEL_C, class_weight="balanced", solver=SOLVER, max_iter=5000, random_state=seed
    )
    combiner = LogisticRegression(C=COMBINER_C, max_iter=5000, random_state=seed)
    oof_logits, stacks, oofs = [], [], []
    for repeat in range(REPEATS):  # several splits: thresholds do not hang on one shuffle
        folds, fold_groups, split = _folds(y, groups, seed + repeat)
        oof_logit = cross_val_predict(
            ngram, features, y, groups=fold_groups, cv=folds, method="decision_function"
        )
        stacked = np.column_stack([oof_logit, lex])
        oof = cross_val_predict(
            combiner, stacked, y, groups=fold_groups, cv=folds, method="predict_proba"
        )[:, 1]
        oof_logits.append(oof_logit)
        stacks.append(stacked)
        oofs.append(oof)
    ngram.fit(features, y)
    pooled_y = np.tile(y, REPEATS)
    combiner.fit(np.vstack(stacks), pooled_y)
    pooled_oof = np.concatenate(oofs)
    thresholds = tune_thresholds(pooled_y, pooled_oof)
    coef = ngram.coef_[0]
    nonzero = np.flatnonzero(coef).astype(np.int32)
    meta = {
        "format": FORMAT,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_sha256": data_digest,
        "examples": len(texts),
        "labels": {"porn": int(np.sum(y == 1)), "clean": int(np.sum(y == 0))},
        "params": {
            "analyzer": "char",
            "ngram_range": list(NGRAM_RANGE),
            "n_features": N_FEATURES,
            "alternate_sign": False,
            "norm": "l2",
            "model_c": MODEL_C,
            "combiner_c": COMBINER_C,
            "class_weight": "balanced",
            "solver": SOLVER,
            "folds": FOLDS,
            "split": split,
            "repeats": REPEATS,
            "seed": seed,
            "lexicon_scale": LEXICON_SCALE,
            "target_precision": TARGET_PRECISION,
            "target_recall": TARGET_RECALL,
        },
        "lexicon": lexicon.version,
        "normalizer": normalizer.version,
        "cv": {
            "porn": _rates(pooled_y, pooled_oof, thresholds.porn),
            "suspect": _rates(pooled_y, pooled_oof, thresholds.suspect),
            "ngram_only": _rates(pooled_y, np.concatenate(oof_logits), 0.0),
        },
        "thresholds": thresholds.to_json(),
    }
    weights = np.concatenate([combiner.coef_[0], combiner.intercept_]).astype(np.float64)
    return TextModel(
        coef_index=nonzero,
        coef_value=coef[nonzero].astype(np.float64),
        intercept=float(ngram.intercept_[0]),
        combiner=weights,
        meta=meta,
    )


__all__ = [
    "LEXICON_THRESHOLDS",
    "TextModel",
    "TextModelError",
    "bundled_model_path",
    "lexicon_features",
    "lexicon_probability",
    "model_paths",
    "train_text_model",
    "tune_thresholds",
]

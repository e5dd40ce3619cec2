"""Measuring the detector on a labelled set: loading JSONL datasets, metrics, a report.

A dataset is JSON Lines, one example per line::

    {"id": "dev-0001", "text": "免费成人视频在线观看", "label": 1, "kind": "porn"}
    {"text": "成人高考报名时间公布", "label": "clean", "kind": "hard_negative:adult_education"}

Each example carries ``text``, ``url`` or ``evidence`` (at least one) and a ``label``: 1 or
``"porn"`` for pornographic, 0 or ``"clean"`` for not. ``id`` and ``kind`` are used when present
(``kind`` groups the figures; kinds starting with ``hard_negative`` make up the hard-negative
false-positive rate); every other field is ignored. A bad line stops loading with a
:class:`DatasetError` that names the line and the fix.

:func:`evaluate` turns scores (calibrated P(porn), one per example) into an :class:`EvalReport`:
precision, recall, F1, accuracy and the confusion matrix at the threshold, a threshold sweep,
the worst errors and per-kind figures. :func:`render_report` prints it for people, in Chinese or
English; :meth:`EvalReport.to_json` is the machine shape (``jingwang classify eval --json``).
The scoring itself happens elsewhere (the CLI scores with the configured classifier), so this
module stays free of models and I/O beyond reading the dataset.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from jingwang.errors import InvalidInput

SWEEP: Final = tuple(round(0.05 * step, 2) for step in range(1, 20))  # 0.05 … 0.95
EXCERPT_CHARS: Final = 120
HARD_NEGATIVE: Final = "hard_negative"
LABEL_WORDS: Final[dict[str, int]] = {"1": 1, "porn": 1, "0": 0, "clean": 0}


class DatasetError(InvalidInput):
    """A labelled dataset that cannot be read; the message names the line and the fix."""

    code = "classify.dataset_invalid"


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled example. ``kind`` is the dataset's own grouping ("" when absent)."""

    id: str
    label: int  # 1 porn, 0 clean
    text: str | None = None
    url: str | None = None
    evidence: str | None = None
    kind: str = ""

    @property
    def content(self) -> str:
        """What to score when nothing else is at hand: the text, else the evidence, else the
        URL (a caller with a capture store may resolve ``evidence`` to the captured text)."""
        return self.text or self.evidence or self.url or ""


# --- loading ------------------------------------------------------------------------------


def _label(value: Any, where: str) -> int:
    key = str(value).strip().lower() if isinstance(value, str | int) else ""
    if isinstance(value, bool) or key not in LABEL_WORDS:
        raise DatasetError(
            f'{where}: unknown label {value!r}; write 1 or "porn" for pornographic, '
            '0 or "clean" for not'
        )
    return LABEL_WORDS[key]


def _field(record: dict[str, Any], name: str, where: str) -> str | None:
    value = record.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DatasetError(f'{where}: "{name}" must be a string, not {type(value).__name__}')
    return str(value)


def _example(line: str, number: int, path: Path) -> Example:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{where}: not valid JSON ({exc.msg}); write one JSON object per line",
            path=str(path),
            line=number,
        ) from None
    if not isinstance(record, dict):
        raise DatasetError(f"{where}: a line must be a JSON object {{…}}, not {line[:40]!r}")
    if "label" not in record:
        raise DatasetError(f'{where}: no "label"; add "label": 1 (porn) or 0 (clean)')
    label = _label(record["label"], where)
    text, url, evidence = (_field(record, name, where) for name in ("text", "url", "evidence"))
    if text is None and url is None and evidence is None:
        raise DatasetError(f'{where}: nothing to judge; add a "text", "url" or "evidence"')
    ident = _field(record, "id", where) or f"line-{number}"
    kind = _field(record, "kind", where) or ""
    return Example(id=ident, label=label, text=text, url=url, evidence=evidence, kind=kind)


def load_dataset(path: Path) -> list[Example]:
    """Read a JSONL dataset; blank lines are skipped, anything else must be an example."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(
            f"cannot read the dataset {path}: {exc.strerror}", path=str(path)
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{path}: not UTF-8 (byte {exc.start}); save the file as UTF-8", path=str(path)
        ) from None
    examples = [
        _example(line, number, path)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    if not examples:
        raise DatasetError(f"{path} holds no examples; write one JSON object per line")
    return examples


# --- metrics ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Confusion:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    @classmethod
    def at(cls, labels: Sequence[int], scores: Sequence[float], threshold: float) -> Confusion:
        tp = fp = tn = fn = 0
        for label, score in zip(labels, scores, strict=True):
            flagged = score >= threshold
            tp += flagged and label == 1
            fp += flagged and label == 0
            tn += not flagged and label == 0
            fn += not flagged and label == 1
        return cls(tp, fp, tn, fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.tn + self.fn
        return (self.tp + self.tn) / total if total else 0.0

    def to_json(self) -> dict[str, int]:
        return {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn}


@dataclass(frozen=True)
class EvalReport:
    """The figures of one evaluation; ``to_json`` is what ``classify eval --json`` prints."""

    precision: float
    recall: float
    f1: float
    threshold: float
    confusion: dict[str, int]  # tp, fp, tn, fn
    accuracy: float
    n: int
    sweep: list[dict[str, float]]  # threshold, precision, recall, f1
    worst: list[dict[str, Any]]  # error, id, label, score, kind, text
    by_kind: dict[str, dict[str, float]]  # kind -> n, errors, fpr and/or fnr
    hard_negative_fpr: float | None  # None when no example is a hard negative
    versions: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "accuracy": self.accuracy,
            "threshold": self.threshold,
            "n": self.n,
            "confusion": dict(self.confusion),
            "hard_negative_fpr": self.hard_negative_fpr,
            "sweep": [dict(row) for row in self.sweep],
            "by_kind": {kind: dict(row) for kind, row in self.by_kind.items()},
            "worst": [dict(row) for row in self.worst],
            "versions": dict(self.versions),
        }


def _excerpt(example: Example) -> str:
    text = " ".join(example.content.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _worst(
    examples: Sequence[Example], scores: Sequence[float], threshold: float, count: int
) -> list[dict[str, Any]]:
    """False positives with the highest scores, then false negatives with the lowest."""
    pairs = list(zip(examples, scores, strict=True))
    fps = sorted((p for p in pairs if p[0].label == 0 and p[1] >= threshold), key=lambda p: -p[1])
    fns = sorted((p for p in pairs if p[0].label == 1 and p[1] < threshold), key=lambda p: p[1])
    rows: list[dict[str, Any]] = []
    for error, chosen in (("fp", fps[:count]), ("fn", fns[:count])):
        rows.extend(
            {
                "error": error,
                "id": ex.id,
                "label": ex.label,
                "score": score,
                "kind": ex.kind,
                "text": _excerpt(ex),
            }
            for ex, score in chosen
        )
    return rows


def _by_kind(
    examples: Sequence[Example], scores: Sequence[float], threshold: float
) -> dict[str, dict[str, float]]:
    groups: dict[str, list[tuple[int, float]]] = {}
    for ex, score in zip(examples, scores, strict=True):
        groups.setdefault(ex.kind, []).append((ex.label, score))
    table: dict[str, dict[str, float]] = {}
    for kind in sorted(groups):
        matrix = Confusion.at(
            [lab for lab, _ in groups[kind]], [s for _, s in groups[kind]], threshold
        )
        row: dict[str, float] = {"n": len(groups[kind]), "errors": matrix.fp + matrix.fn}
        if matrix.fp + matrix.tn:
            row["fpr"] = matrix.fp / (matrix.fp + matrix.tn)
        if matrix.tp + matrix.fn:
            row["fnr"] = matrix.fn / (matrix.tp + matrix.fn)
        table[kind] = row
    return table


def _hard_negative_fpr(
    examples: Sequence[Example], scores: Sequence[float], threshold: float
) -> float | None:
    flagged = [
        score >= threshold
        for ex, score in zip(examples, scores, strict=True)
        if ex.kind.startswith(HARD_NEGATIVE) and ex.label == 0
    ]
    return sum(flagged) / len(flagged) if flagged else None


def evaluate(
    examples: Sequence[Example],
    scores: Sequence[float],
    *,
    threshold: float,
    versions: dict[str, str] | None = None,
    worst: int = 10,
) -> EvalReport:
    """Figures for ``scores`` (P(porn), one per example, in order) at ``threshold``: an
    example is flagged when its score is at or above it. ``worst`` caps each error list."""
    if len(examples) != len(scores):
        raise ValueError(f"{len(examples)} examples but {len(scores)} scores")
    if not examples:
        raise DatasetError("nothing to evaluate: the dataset holds no examples")
    labels = [ex.label for ex in examples]
    matrix = Confusion.at(labels, scores, threshold)
    sweep = []
    for step in SWEEP:
        at = Confusion.at(labels, scores, step)
        sweep.append(
            {"threshold": step, "precision": at.precision, "recall": at.recall, "f1": at.f1}
        )
    return EvalReport(
        precision=matrix.precision,
        recall=matrix.recall,
        f1=matrix.f1,
        threshold=threshold,
        confusion=matrix.to_json(),
        accuracy=matrix.accuracy,
        n=len(examples),
        sweep=sweep,
        worst=_worst(examples, scores, threshold, worst),
        by_kind=_by_kind(examples, scores, threshold),
        hard_negative_fpr=_hard_negative_fpr(examples, scores, threshold),
        versions=dict(versions or {}),
    )


# --- the printed report -------------------------------------------------------------------

WORDS: Final[dict[str, tuple[str, str]]] = {
    "examples": ("样本数", "Examples"),
    "porn": ("色情", "porn"),
    "clean": ("正常", "clean"),
    "threshold": ("阈值", "Threshold"),
    "precision": ("精确率", "Precision"),
    "recall": ("召回率", "Recall"),
    "f1": ("F1", "F1"),
    "accuracy": ("准确率", "Accuracy"),
    "confusion": ("混淆矩阵", "Confusion matrix"),
    "actual": ("实际", "actual"),
    "predicted": ("判为", "predicted"),
    "hard": ("难负例误报率", "Hard-negative false-positive rate"),
    "sweep": ("阈值扫描", "Threshold sweep"),
    "by_kind": ("按类别", "By kind"),
    "kind": ("类别", "kind"),
    "errors": ("错误", "errors"),
    "rate": ("错误率", "error rate"),
    "no_kind": ("（无类别）", "(no kind)"),
    "worst": ("最严重的错误", "Worst errors"),
    "fp": ("误报", "FP"),
    "fn": ("漏报", "FN"),
    "none": ("无", "none"),
    "versions": ("版本", "Versions"),
}


def _say(key: str, zh: bool) -> str:
    return WORDS[key][0 if zh else 1]


def _width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(width - _width(text), 0)
    return space + text if right else text + space


def _summary(report: EvalReport, zh: bool) -> list[str]:
    c = report.confusion
    positives, negatives = c["tp"] + c["fn"], c["fp"] + c["tn"]
    sep = "：" if zh else ": "
    join = "" if zh else " "
    hard = "-" if report.hard_negative_fpr is None else f"{report.hard_negative_fpr:.3f}"
    columns = [join.join((_say("predicted", zh), _say(key, zh))) for key in ("porn", "clean")]
    rows = [join.join((_say("actual", zh), _say(key, zh))) for key in ("porn", "clean")]
    cells = [(c["tp"], c["fn"]), (c["fp"], c["tn"])]
    return [
        f"{_say('examples', zh)}{sep}{report.n} ({_say('porn', zh)} {positives}, "
        f"{_say('clean', zh)} {negatives})",
        f"{_say('threshold', zh)}{sep}{report.threshold:.3f}",
        f"{_say('precision', zh)} {report.precision:.3f}  {_say('recall', zh)} "
        f"{report.recall:.3f}  F1 {report.f1:.3f}  {_say('accuracy', zh)} {report.accuracy:.3f}",
        f"{_say('hard', zh)}{sep}{hard}",
        "",
        f"{_say('confusion', zh)}:",
        "  " + _pad("", 14) + "".join(_pad(col, 17, right=True) for col in columns),
        *(
            "  " + _pad(row, 14) + "".join(_pad(str(n), 17, right=True) for n in pair)
            for row, pair in zip(rows, cells, strict=True)
        ),
    ]


def _sweep(report: EvalReport, zh: bool) -> list[str]:
    heads = [_say(key, zh) for key in ("threshold", "precision", "recall", "f1")]
    lines = [f"{_say('sweep', zh)}:", "  " + " ".join(_pad(h, 9, right=True) for h in heads)]
    for row in report.sweep:
        marker = " *" if abs(row["threshold"] - report.threshold) < 0.025 else ""
        lines.append(
            f"  {row['threshold']:>9.2f} {row['precision']:>9.3f} {row['recall']:>9.3f} "
            f"{row['f1']:>9.3f}{marker}"
        )
    return lines


def _kinds(report: EvalReport, zh: bool) -> list[str]:
    lines = [f"{_say('by_kind', zh)}:"]
    for kind, row in report.by_kind.items():
        rates = []
        if "fpr" in row:
            rates.append(f"FPR {row['fpr']:.3f}")
        if "fnr" in row:
            rates.append(f"FNR {row['fnr']:.3f}")
        name = _pad(kind or _say("no_kind", zh), 36)
        lines.append(
            f"  {name} n={int(row['n']):<5} {_say('errors', zh)}={int(row['errors']):<4}"
            f" {' '.join(rates)}"
        )
    return lines


def _worst_lines(report: EvalReport, zh: bool) -> list[str]:
    lines = [f"{_say('worst', zh)}:"]
    if not report.worst:
        lines.append(f"  {_say('none', zh)}")
    for row in report.worst:
        kind = f" [{row['kind']}]" if row["kind"] else ""
        lines.append(
            f"  {_say(row['error'], zh)} {row['score']:.3f} {row['id']}{kind} {row['text']}"
        )
    return lines


def render_report(report: EvalReport, language: str = "en") -> str:
    """The report as plain text for a terminal, labelled in Chinese (``zh…``) or English."""
    zh = language.lower().startswith("zh")
    blocks = [
        _summary(report, zh),
        _sweep(report, zh),
        _kinds(report, zh),
        _worst_lines(report, zh),
    ]
    if report.versions:
        pairs = ", ".join(f"{k}={v}" for k, v in sorted(report.versions.items()))
        blocks.append([f"{_say('versions', zh)}: {pairs}"])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


__all__ = [
    "SWEEP",
    "Confusion",
    "DatasetError",
    "EvalReport",
    "Example",
    "evaluate",
    "load_dataset",
    "render_report",
]

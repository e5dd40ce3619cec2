"""The text model's files: ``NAME.npz`` (weights) and ``NAME.json`` (meta), read and checked.

Kept apart from :mod:`jingwang.classify.text.model` (what the model computes) because this is
about trust in bytes on disk: the weights are read with ``allow_pickle=False`` and every array's
kind and shape is checked, the meta's format, parameters and thresholds are checked, and files
are written through a temporary neighbour and renamed, so a reader never sees half a model.
Anything wrong raises :class:`TextModelError` (``classify.model_invalid``) saying what to do.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np

from jingwang.errors import InvalidInput

FORMAT: Final = 1  # the file layout; a new layout gets a new number and a loader for the old


class TextModelError(InvalidInput):
    """A text model file that cannot be used; the message says which file and what to do."""

    code = "classify.model_invalid"


def model_paths(path: Path) -> tuple[Path, Path]:
    """(weights, meta) for a model path; ``.npz`` is added when the name lacks it."""
    weights = path if path.suffix == ".npz" else path.with_name(path.name + ".npz")
    return weights, weights.with_suffix(".json")


@contextmanager
def replacing(target: Path) -> Iterator[BinaryIO]:
    """Write a file through a temporary neighbour, then rename it over the target."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        temp.chmod(0o644)  # mkstemp makes it private; a model file is ordinary package data
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


ARRAYS: Final[dict[str, tuple[str, int]]] = {  # name -> (dtype kind, dimensions)
    "format": ("i", 0),
    "version": ("U", 0),
    "coef_index": ("i", 1),
    "coef_value": ("f", 1),
    "intercept": ("f", 0),
    "combiner": ("f", 1),
}


def read_weights(path: Path) -> dict[str, Any]:
    try:
        # our own handle: np.load leaks the one it opens when the zip is truncated
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise TextModelError(
            f"{path} is not a text model weights file ({exc}); train the model again",
            path=str(path),
        ) from None
    for name, (kind, dims) in ARRAYS.items():
        array = arrays.get(name)
        if array is None or array.dtype.kind != kind or array.ndim != dims:
            raise TextModelError(f"{path}: missing or malformed array {name!r}; train it again")
    if int(arrays["format"]) != FORMAT:
        raise TextModelError(
            f"{path}: model format {int(arrays['format'])}, this jingwang reads format {FORMAT}; "
            "train the model again with this version"
        )
    values = [arrays["coef_value"], arrays["combiner"], arrays["intercept"]]
    if arrays["combiner"].shape != (4,) or not all(np.isfinite(v).all() for v in values):
        raise TextModelError(f"{path}: malformed weights (shape or non-finite values)")
    if arrays["coef_index"].shape != arrays["coef_value"].shape:
        raise TextModelError(f"{path}: coef_index and coef_value differ in length")
    return arrays


def read_meta(path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TextModelError(f"{path}: unreadable model meta ({exc}); train it again") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise TextModelError(f"{path}: not the meta of a format-{FORMAT} text model")
    params = meta.get("params")
    if not isinstance(params, dict) or params.get("analyzer") != "char":
        raise TextModelError(f"{path}: unknown model parameters; train it again")
    n_features = params.get("n_features")
    if not isinstance(n_features, int) or n_features <= 0:
        raise TextModelError(f"{path}: params.n_features must be a positive integer")
    limits = meta.get("thresholds")
    if not isinstance(limits, dict) or not _valid_thresholds(limits):
        raise TextModelError(f"{path}: thresholds must be 0 <= suspect <= porn <= 1")
    return meta


def _valid_thresholds(limits: dict[str, Any]) -> bool:
    porn, suspect = limits.get("porn"), limits.get("suspect")
    if not isinstance(porn, int | float) or not isinstance(suspect, int | float):
        return False
    return 0.0 <= suspect <= porn <= 1.0


__all__ = ["FORMAT", "TextModelError", "model_paths", "read_meta", "read_weights", "replacing"]

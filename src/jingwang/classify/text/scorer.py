"""The text scorer: normaliser, lexicon and text model behind one ``score(text)`` call.

:class:`TextScorer` normalises a page text once, scans it with the weighted lexicon, asks the
n-gram model for its logit and blends both into a calibrated P(porn) (see
:mod:`jingwang.classify.text.model`). Without a model the lexicon alone decides, through a fixed
logistic, with fixed thresholds (:data:`~jingwang.classify.text.model.LEXICON_THRESHOLDS`).

:meth:`TextScorer.from_settings` builds the scorer the settings describe (extra lexicon files,
the bundled lexicon on or off, a model file or the bundled model) and caches it per process,
keyed by exactly those settings, so the lexicon automaton and the model load once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from jingwang.classify.text.model import (
    LEXICON_THRESHOLDS,
    TextModel,
    bundled_model_path,
    lexicon_probability,
)
from jingwang.classify.types import TextScore, Thresholds

if TYPE_CHECKING:
    from jingwang.classify.text.lexicon import Lexicon
    from jingwang.classify.text.normalize import Normalized, Normalizer
    from jingwang.settings import Settings

NO_MODEL = "none"  # versions["text_model"] when the lexicon scores alone


class TextScorer:
    """Scores page texts; see the module docstring."""

    def __init__(
        self, lexicon: Lexicon, model: TextModel | None, normalizer: Normalizer | None = None
    ) -> None:
        if normalizer is None:
            from jingwang.classify.text.normalize import default_normalizer

            normalizer = default_normalizer()
        self.lexicon = lexicon
        self.model = model
        self.normalizer = normalizer
        self.versions: dict[str, str] = {
            "normalizer": normalizer.version,
            "lexicon": lexicon.version,
            "text_model": model.version if model is not None else NO_MODEL,
        }
        self.thresholds: Thresholds = model.thresholds if model is not None else LEXICON_THRESHOLDS

    @classmethod
    def from_settings(cls, settings: Settings) -> TextScorer:
        """The scorer for these settings, built once per process for each distinct value of
        ``classify_lexicon_paths``, ``classify_bundled_lexicon`` and ``classify_text_model``.

        Threads that ask at once wait for one build (the web app warms the scorer on a thread
        at start while the first request may already want it)."""
        with _BUILDING:
            return _cached_scorer(
                tuple(Path(path) for path in settings.classify_lexicon_paths),
                settings.classify_bundled_lexicon,
                settings.classify_text_model,
            )

    def score(self, text: str) -> TextScore:
        """The calibrated P(porn) of one text, with the lexicon hits and the model logit."""
        return self._score(text, self.normalizer.normalize(text))

    def score_many(self, texts: Sequence[str]) -> list[TextScore]:
        """:meth:`score` of each text, normalised together (cheaper for many short pages)."""
        normalized = self.normalizer.normalize_many(texts)
        return [self._score(text, one) for text, one in zip(texts, normalized, strict=True)]

    def _score(self, text: str, normalized: Normalized) -> TextScore:
        found = self.lexicon.scan(normalized)
        if self.model is None:
            logit, probability = None, lexicon_probability(found)
        else:
            logit = self.model.logit(normalized)
            probability = self.model.combine(found, logit)
        return TextScore(
            probability=probability,
            lexicon=found,
            model_logit=logit,
            length=len(text),
            versions=dict(self.versions),
        )


_BUILDING = threading.Lock()


@lru_cache(maxsize=8)
def _cached_scorer(paths: tuple[Path, ...], bundled: bool, model_path: Path | None) -> TextScorer:
    from jingwang.classify.text.lexicon import load_lexicon

    lexicon = load_lexicon(paths, bundled=bundled)
    model = TextModel.load(model_path if model_path is not None else bundled_model_path())
    return TextScorer(lexicon, model)


__all__ = ["NO_MODEL", "TextScorer"]

"""What the classifier in use is, as data: ``jingwang classify info`` and
``GET /api/classify/info`` print this one description, so both always say the same.

It names what makes a verdict (the versions and the thresholds, and where the thresholds come
from), the lexicon's size by category and the files it was read from, the text model's meta
(when and on what it was trained) and how images are judged.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from jingwang.classify.classifier import Classifier
from jingwang.classify.types import CATEGORIES


def describe_classifier(classifier: Classifier) -> dict[str, Any]:
    """The classifier as a JSON-ready dict (see the module docstring)."""
    scorer = classifier.scorer
    lexicon = scorer.lexicon
    categories = Counter(entry.category for entry in lexicon.entries)
    sources = Counter(entry.source for entry in lexicon.entries)
    model = scorer.model
    limits = classifier.limits
    return {
        "versions": dict(classifier.versions),
        "versions_key": classifier.versions_key,
        "thresholds": classifier.thresholds.to_json(),
        "model_thresholds": scorer.thresholds.to_json(),
        "lexicon": {
            "version": lexicon.version,
            "entries": len(lexicon.entries),
            "categories": {name: categories.get(name, 0) for name in CATEGORIES},
            "files": dict(sorted(sources.items())),
        },
        "text_model": dict(model.meta) if model is not None else None,
        "images": {
            "scored": classifier.nsfw is not None,
            "known_hashes": len(classifier.known),
            "max_images": limits.max_images,
            "thumbnail_max_side": limits.thumbnail_max_side,
            "grid_min_images": limits.grid_min_images,
            "pdq_max_distance": limits.pdq_max_distance,
            "pdq_min_quality": limits.pdq_min_quality,
        },
    }


__all__ = ["describe_classifier"]

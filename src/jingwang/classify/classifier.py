"""The one classifier facade: text scorer, image model, known images and thresholds together.

The service, the jobs, the CLI, the web pages, the demo and the benchmarks all judge through a
:class:`Classifier`, so a page is judged the same way wherever it is judged. It holds:

- the :class:`~jingwang.classify.text.scorer.TextScorer` (normaliser, lexicon, text model);
- the open_nsfw :class:`~jingwang.classify.images.nsfw.NsfwModel`, or None when
  ``classify_images`` is off (PDQ hashes and known-image matches still work then);
- the :class:`~jingwang.classify.images.pdq.KnownIndex` of known images (loaded from the
  database by :func:`jingwang.classify.service.known_index`; it changes without changing the
  classifier's versions, so :meth:`Classifier.with_known` swaps it in cheaply);
- the thresholds: the settings' ``classify_porn_threshold`` / ``classify_suspect_threshold``
  where set, else the text model's own (tuned by cross-validation when it was trained);
- ``versions``: what made a verdict (``normalizer``, ``lexicon``, ``text_model``,
  ``image_model``, ``verdict``), and ``versions_key``, 16 hex digits of the SHA-256 of the
  sorted versions: one string to ask "was this verdict made by the classifier we have now?".

Building one is cheap once the heavy parts exist: the text scorer and the image model are
cached per process by their own factories, and nothing is loaded when this module is imported.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jingwang.classify.types import ImageScore, TextScore, Thresholds, Verdict
from jingwang.classify.verdict import (
    MIN_TEXT_CHARS,
    VERDICT_VERSION,
    decide_page,
    logit,
    meaningful_chars,
)
from jingwang.errors import ConfigError

if TYPE_CHECKING:
    from jingwang.classify.images.nsfw import NsfwModel
    from jingwang.classify.images.pdq import KnownIndex
    from jingwang.classify.images.score import ImageInput
    from jingwang.classify.text.model import TextModel
    from jingwang.classify.text.scorer import TextScorer
    from jingwang.settings import Settings

IMAGES_OFF = "off"  # versions["image_model"] when images are not scored


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """How images are read and judged (from the ``classify_*`` and probe settings)."""

    max_pixels: int = 40_000_000
    thumbnail_max_side: int = 200
    pdq_max_distance: int = 31
    pdq_min_quality: int = 50
    max_images: int = 40
    grid_min_images: int = 6

    @classmethod
    def from_settings(cls, settings: Settings) -> ImageLimits:
        return cls(
            max_pixels=settings.probe_max_image_pixels,
            thumbnail_max_side=settings.classify_thumbnail_max_side,
            pdq_max_distance=settings.classify_pdq_max_distance,
            pdq_min_quality=settings.classify_pdq_min_quality,
            max_images=settings.classify_max_images,
            grid_min_images=settings.classify_grid_min_images,
        )


def versions_key(versions: Mapping[str, str]) -> str:
    """16 hex digits naming a set of versions (order does not matter)."""
    text = json.dumps(sorted(versions.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def page_identifiers(identifiers: Sequence[Any], *, offset: int = 0) -> list[dict[str, Any]]:
    """Identifiers (probe :class:`~jingwang.probe.types.Identifier` objects or their JSON) as
    plain mappings; positions found in the text are shifted by ``offset``, the others dropped
    (an identifier found in a link or the markup has no place in the judged text)."""
    found: list[dict[str, Any]] = []
    for item in identifiers:
        data = dict(item) if isinstance(item, Mapping) else dataclasses.asdict(item)
        if data.get("source", "text") == "text" and isinstance(data.get("start"), int):
            data["start"] += offset
            data["end"] += offset
        else:
            data.pop("start", None)
            data.pop("end", None)
        found.append(data)
    return found


class Classifier:
    """Judges texts, images and pages; see the module docstring for what it holds."""

    def __init__(
        self,
        scorer: TextScorer,
        *,
        nsfw: NsfwModel | None = None,
        known: KnownIndex | None = None,
        thresholds: Thresholds | None = None,
        limits: ImageLimits | None = None,
    ) -> None:
        self.scorer = scorer
        self.nsfw = nsfw
        self.known = known if known is not None else _empty_index()
        self.thresholds = thresholds if thresholds is not None else scorer.thresholds
        self.limits = limits if limits is not None else ImageLimits()
        self.versions: dict[str, str] = {
            **scorer.versions,
            "image_model": nsfw.version if nsfw is not None else IMAGES_OFF,
            "verdict": VERDICT_VERSION,
        }
        self.versions_key = versions_key(self.versions)

    @classmethod
    def from_settings(cls, settings: Settings, *, known: KnownIndex | None = None) -> Classifier:
        """The classifier the settings describe (text scorer and image model cached)."""
        from jingwang.classify.text.scorer import TextScorer

        scorer = TextScorer.from_settings(settings)
        nsfw = None
        if settings.classify_images:
            from jingwang.classify.images.nsfw import default_nsfw_model

            nsfw = default_nsfw_model(
                settings.classify_image_batch_size, settings.classify_image_threads
            )
        thresholds = thresholds_from(settings, scorer.thresholds)
        limits = ImageLimits.from_settings(settings)
        return cls(scorer, nsfw=nsfw, known=known, thresholds=thresholds, limits=limits)

    def with_known(self, known: KnownIndex) -> Classifier:
        """The same classifier (a shallow copy) with another index of known images; the
        versions stay the same."""
        other = copy.copy(self)
        other.known = known
        return other

    # text --------------------------------------------------------------------------------------

    def text(self, text: str) -> TextScore:
        return self.scorer.score(text)

    def texts(self, texts: Sequence[str]) -> list[TextScore]:
        """The text score of each text, normalised together (evaluation, batches of pages)."""
        return self.scorer.score_many(texts)

    def text_attribution(self, score: TextScore) -> dict[str, float]:
        """Each lexicon category's share of the text's log-odds (see :func:`text_shares`)."""
        return text_shares(self.scorer.model, score)

    def _judged_text(self, text: str) -> TextScore | None:
        """The text's score, or None when there is nothing to read (too short, no hit)."""
        if not meaningful_chars(text):
            return None
        score = self.text(text)
        if meaningful_chars(text) < MIN_TEXT_CHARS and not score.lexicon.hits:
            return None
        return score

    def judge_text(self, text: str) -> Verdict:
        """The verdict on a text alone, with the identifiers it contains (CLI, API, eval)."""
        from jingwang.classify.identifiers import extract_identifiers

        return self.judge(
            text=text, images=(), identifiers=page_identifiers(extract_identifiers(text))
        )

    # images ------------------------------------------------------------------------------------

    def images(self, items: Sequence[ImageInput]) -> list[ImageScore]:
        """Score images (model, PDQ hash, known match, thumbnail flag), one per item."""
        from jingwang.classify.images.score import score_images

        return score_images(
            items,
            model=self.nsfw,
            known=self.known,
            max_pixels=self.limits.max_pixels,
            thumbnail_max_side=self.limits.thumbnail_max_side,
            pdq_max_distance=self.limits.pdq_max_distance,
            pdq_min_quality=self.limits.pdq_min_quality,
        )

    def rematch(self, image: ImageScore) -> ImageScore:
        """A stored image score brought up to date: known match against today's index and the
        thumbnail flag under today's limits (the model score and hash do not change)."""
        known = None
        quality = image.pdq_quality or 0
        if image.pdq and quality >= self.limits.pdq_min_quality and len(self.known):
            hashes = image.variants or (image.pdq,)
            known = self.known.match_any(hashes, self.limits.pdq_max_distance)
        side = self.limits.thumbnail_max_side
        thumbnail = bool(
            image.width and image.height and image.width <= side and image.height <= side
        )
        return dataclasses.replace(image, known=known, thumbnail=thumbnail)

    # pages -------------------------------------------------------------------------------------

    def judge(
        self,
        *,
        text: str,
        images: Sequence[ImageScore],
        identifiers: Sequence[Mapping[str, Any]],
        outcome: str = "ok",
    ) -> Verdict:
        """The verdict on a page whose images are scored already."""
        score = None if outcome in ("refused", "error") else self._judged_text(text)
        return decide_page(
            text=score,
            images=images,
            identifiers=identifiers,
            thresholds=self.thresholds,
            versions=self.versions,
            grid_min_images=self.limits.grid_min_images,
            outcome=outcome,
            attribution=self.text_attribution(score) if score is not None else None,
        )

    def judge_page(
        self,
        *,
        text: str,
        images: Sequence[ImageInput],
        identifiers: Sequence[Mapping[str, Any]],
        outcome: str = "ok",
    ) -> Verdict:
        """The verdict on a page from its text, its images' bytes and its identifiers."""
        scored = self.images(images) if outcome not in ("refused", "error") else []
        return self.judge(text=text, images=scored, identifiers=identifiers, outcome=outcome)


def text_shares(model: TextModel | None, score: TextScore) -> dict[str, float]:
    """What each counted lexicon category adds to the text's log-odds.

    Both ways the scorer combines (the text model's calibration, or the lexicon's logistic
    without a model) are linear in log-odds, so the shares are exact: the text model's
    combiner weighs log1p of the porn and sex-service weight (split between those two
    categories in proportion to their weights) and log1p of the good-context weight; the
    logistic without a model weighs each category's sum by ``1 / LEXICON_SPREAD``. The text's
    probability is bounded (:func:`~jingwang.classify.verdict.logit`): when the sum is past the
    bound, every share is scaled down alike, so signs and proportions stay and the shares never
    add up to more than the text's log-odds.
    """
    from jingwang.classify.text import model as text_model

    categories = score.lexicon.categories
    porn = max(categories.get("porn", 0.0), 0.0)
    sex = max(categories.get("sex_services", 0.0), 0.0)
    shares: dict[str, float] = {}
    if model is None:
        spread = text_model.LEXICON_SPREAD
        for category in ("porn", "sex_services", "good"):
            if categories.get(category):
                shares[category] = categories[category] / spread
        total = sum(shares.values()) - text_model.LEXICON_MIDPOINT / spread
    else:
        w_logit, w_bad, w_good, bias = (float(value) for value in model.combiner)
        bad_feature, good_feature = text_model.lexicon_features(score.lexicon)
        bad = w_bad * bad_feature
        if bad and porn + sex:
            for category, weight in (("porn", porn), ("sex_services", sex)):
                if weight:
                    shares[category] = bad * weight / (porn + sex)
        if good_feature:
            shares["good"] = w_good * good_feature
        total = w_logit * (score.model_logit or 0.0) + bad + shares.get("good", 0.0) + bias
    bounded = logit(score.probability)
    if total and abs(total) > abs(bounded):
        shares = {category: share * bounded / total for category, share in shares.items()}
    return shares


def thresholds_from(settings: Settings, own: Thresholds) -> Thresholds:
    """The settings' thresholds where set, else ``own`` (the text model's)."""
    porn = settings.classify_porn_threshold
    suspect = settings.classify_suspect_threshold
    chosen = Thresholds(
        porn=porn if porn is not None else own.porn,
        suspect=suspect if suspect is not None else own.suspect,
    )
    if chosen.suspect > chosen.porn:
        raise ConfigError(
            f"classify_suspect_threshold ({chosen.suspect}) is above the porn threshold "
            f"({chosen.porn}); set it lower, or set both",
        )
    return chosen


def _empty_index() -> KnownIndex:
    from jingwang.classify.images.pdq import KnownIndex

    return KnownIndex()


__all__ = [
    "IMAGES_OFF",
    "Classifier",
    "ImageLimits",
    "page_identifiers",
    "text_shares",
    "thresholds_from",
    "versions_key",
]

"""Verdicts: the text score, the image scores and the identifiers of a page, as one opinion.

:func:`decide_page` judges one capture, :func:`decide_site` the pages of one registrable
domain. Both are pure (no I/O, no model): the scores come in already computed, so the rules
below can be tested on hand-made values and an old verdict can be re-derived from what it
stored.

**Page rules** (``VERDICT_VERSION`` names them; a change to a rule or a constant changes it):

1. *Nothing to judge* → ``unknown`` with score 0: the probe was refused or failed, or the page
   has no text (under :data:`MIN_TEXT_CHARS` letters, digits or CJK characters and no lexicon
   hit) and no scored image. A score of 0 with label ``unknown`` never reads as "clean".
2. *Text* starts the score: its calibrated probability ``p`` (lexicon and text model, see
   :mod:`jingwang.classify.text.scorer`) as log-odds ``logit(p)``. A page without text starts
   at :data:`NO_TEXT_PRIOR`. A clear porn text reaches ``porn`` by itself.
3. *Large images* (not thumbnails) add log-odds: the strongest one adds
   ``logit(nsfw)`` when above even odds (benign-looking images never lower a score: a porn page
   with a harmless logo is still a porn page), and each further image scoring at least
   :data:`NSFW_HIGH` adds :data:`EXTRA_IMAGE_LOGIT` (up to :data:`EXTRA_IMAGES_MAX` of them).
   A large image scoring at least ``NSFW_HIGH`` lifts the page to at least ``suspect``; to at
   least ``porn`` when the text is at least *weakly supportive* (``p`` at least half the
   suspect threshold).
4. *Thumbnails* (no side over ``classify_thumbnail_max_side``): open_nsfw is unreliable on tiny
   pictures and a page of many of them (a *grid*, at least ``grid_min_images``) is typical of
   both porn portals and photo shops. A grid adds :data:`GRID_LOGIT` times the share of its
   thumbnails scoring at least ``NSFW_HIGH``; a few thumbnails add half of what one large image
   would.
5. *Images need the text* (the cap): unless a known image matched, images cannot make a page
   ``porn`` when its text alone is not ``suspect``, except a large image with weakly supportive
   text (rule 3). The score is then held just under the porn threshold (label ``suspect``), and
   a ``rule.needs_text`` reason says so with the negative amount it took away. open_nsfw
   proposes; the page's own words confirm. Lingerie shops and swimwear pages stay ``suspect``
   for a person to look at.
6. *A known image* (PDQ match within the distance, hash of good quality, label ``porn``) makes
   the page ``porn`` by itself, at least :data:`KNOWN_SCORE`.

**Reasons** carry signed contributions in log-odds, strongest first. The text's log-odds are
split between the lexicon categories and the text model: each category's share is its term in
the scorer's combination, which is linear in log-odds (the ``attribution`` computed by
:func:`jingwang.classify.classifier.text_shares`), and the model's share is the rest (the
n-gram logit's term and the calibration's bias), so the text reasons add up to ``logit(p)``;
"good context" phrases show up with a negative share. Without an ``attribution`` (hand-made
scores) each category's share is estimated from its lexicon sum
(:data:`LEXICON_LOGIT_PER_WEIGHT`). The image reasons carry what they added (floors
included), the cap what it took away; so the contributions add up to ``logit(score)``.
Identifiers (QQ numbers, phones, SP codes, payment links…) are reasons with contribution 0:
evidence for attribution, never for the score. Other lexicon categories (gambling, drugs,
fraud) are recorded the same way.

**Site rule** (:func:`decide_site`): the score of a site is the highest score of its judged
pages (one bad page makes a bad site), its label that score's; the reasons count the pages
per label and point at the worst ones (capture ids in the evidence).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from jingwang.classify import reasons as say
from jingwang.classify.types import (
    PORN_CATEGORIES,
    ImageScore,
    Label,
    PhraseHit,
    Reason,
    TextScore,
    Thresholds,
    Verdict,
)

VERDICT_VERSION: Final = "verdict-1"

MIN_TEXT_CHARS: Final = 10  # fewer letters/digits/CJK characters (and no hit): no text
NO_TEXT_PRIOR: Final = 0.1  # where a page without text starts
NSFW_HIGH: Final = 0.8  # an image scoring at least this is strong evidence
NSFW_SHOWN: Final = 0.5  # images scoring at least this are named in the reasons
EXTRA_IMAGE_LOGIT: Final = 0.5  # each further strong large image
EXTRA_IMAGES_MAX: Final = 3
GRID_LOGIT: Final = 2.0  # a grid whose every thumbnail scores high
THUMBNAIL_FACTOR: Final = 0.5  # a few thumbnails count half of what one large image would
KNOWN_SCORE: Final = 0.99
KNOWN_LABELS: Final = frozenset({"porn"})  # known-image labels that make a page porn
WEAK_TEXT_FACTOR: Final = 0.5  # weakly supportive text: p >= this x the suspect threshold
CAP_MARGIN: Final = 1e-3  # a capped score sits this far under the porn threshold
FLOOR_MARGIN: Final = 1e-6  # a floor sits this far (log-odds) over its threshold
LEXICON_LOGIT_PER_WEIGHT: Final = 0.02  # fallback: a lexicon sum of 100 ~ 2 log-odds
LOGIT_LIMIT: Final = 12.0  # probabilities are kept within sigmoid(±12)
SITE_PAGES_SHOWN: Final = 3


def logit(p: float) -> float:
    """Log-odds of ``p``, bounded to ±:data:`LOGIT_LIMIT` (0 and 1 stay finite)."""
    bound = 1.0 / (1.0 + math.exp(LOGIT_LIMIT))
    q = min(max(p, bound), 1.0 - bound)
    return math.log(q / (1.0 - q))


def sigmoid(x: float) -> float:
    x = min(max(x, -LOGIT_LIMIT), LOGIT_LIMIT)
    return 1.0 / (1.0 + math.exp(-x))


def meaningful_chars(text: str) -> int:
    """Letters, digits and CJK characters: what counts as text (not spaces, symbols, emoji)."""
    return sum(1 for ch in text if ch.isalnum())


def has_text(score: TextScore | None) -> bool:
    """Whether a text score is worth judging: enough characters, or a lexicon hit."""
    if score is None:
        return False
    return score.length >= MIN_TEXT_CHARS or bool(score.lexicon.hits)


# Page ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Images:
    """The page's usable images, sorted into what each rule reads."""

    large: tuple[ImageScore, ...]  # scored, not thumbnails, highest first
    thumbnails: tuple[ImageScore, ...]  # scored thumbnails, highest first
    known: tuple[ImageScore, ...]  # matched a known image (any label)
    grid: bool

    @classmethod
    def of(cls, images: Sequence[ImageScore], grid_min_images: int) -> _Images:
        usable = [i for i in images if i.error is None]
        scored = sorted((i for i in usable if i.nsfw is not None), key=lambda i: -(i.nsfw or 0.0))
        large = tuple(i for i in scored if not i.thumbnail)
        thumbnails = tuple(i for i in scored if i.thumbnail)
        known = tuple(i for i in usable if i.known is not None)
        return cls(large, thumbnails, known, len(thumbnails) >= grid_min_images)

    @property
    def any(self) -> bool:
        return bool(self.large or self.thumbnails or self.known)

    @property
    def strong_large(self) -> tuple[ImageScore, ...]:
        return tuple(i for i in self.large if (i.nsfw or 0.0) >= NSFW_HIGH)

    @property
    def high_thumbnails(self) -> tuple[ImageScore, ...]:
        return tuple(i for i in self.thumbnails if (i.nsfw or 0.0) >= NSFW_HIGH)

    def large_logit(self) -> float:
        if not self.large:
            return 0.0
        first = max(0.0, logit(self.large[0].nsfw or 0.0))
        extra = min(EXTRA_IMAGES_MAX, max(0, len(self.strong_large) - 1))
        return first + EXTRA_IMAGE_LOGIT * extra

    def thumbnail_logit(self) -> float:
        if not self.thumbnails:
            return 0.0
        if self.grid:
            return GRID_LOGIT * len(self.high_thumbnails) / len(self.thumbnails)
        return THUMBNAIL_FACTOR * max(0.0, logit(self.thumbnails[0].nsfw or 0.0))


def decide_page(
    *,
    text: TextScore | None,
    images: Sequence[ImageScore],
    identifiers: Sequence[Mapping[str, Any]],
    thresholds: Thresholds,
    versions: Mapping[str, str],
    grid_min_images: int,
    outcome: str = "ok",
    attribution: Mapping[str, float] | None = None,
) -> Verdict:
    """The verdict on one page (see the module docstring for the rules).

    ``identifiers``: mappings with ``kind``, ``value`` and, when known, ``start``/``end`` into
    the judged text. ``outcome``: the capture's (``refused`` and ``error`` judge nothing).
    ``attribution``: each counted lexicon category's share of the text's log-odds, as
    :meth:`jingwang.classify.classifier.Classifier.text_attribution` computes it.
    """
    stamped = {**versions, "verdict": VERDICT_VERSION}
    info = say.identifier_reasons(identifiers)
    found = _Images.of(images, grid_min_images)
    judged_text = text if has_text(text) else None
    if outcome in ("refused", "error") or (judged_text is None and not found.any):
        why = say.unknown_reason(outcome if outcome in ("refused", "error") else "empty")
        return Verdict(Label.UNKNOWN, 0.0, thresholds, (why, *info), stamped, text, tuple(images))
    reasons: list[Reason] = []
    if judged_text is not None:
        base = logit(judged_text.probability)
        reasons += _text_reasons(judged_text, base, attribution)
    else:
        base = logit(NO_TEXT_PRIOR)
        reasons.append(say.no_text_reason(base, NO_TEXT_PRIOR))
    score_logit = _image_rules(found, judged_text, base, thresholds, reasons)
    score = sigmoid(score_logit)
    ordered = sorted(reasons, key=lambda r: -abs(r.contribution))
    return Verdict(
        thresholds.label(score),
        score,
        thresholds,
        (*ordered, *info),
        stamped,
        text,
        tuple(images),
    )


def _image_rules(
    found: _Images,
    text: TextScore | None,
    base: float,
    thresholds: Thresholds,
    reasons: list[Reason],
) -> float:
    """Rules 3 to 6: add the images' log-odds, apply the floors, the cap and known images."""
    p_text = text.probability if text is not None else 0.0
    weak = text is not None and p_text >= WEAK_TEXT_FACTOR * thresholds.suspect
    score = base
    large = found.large_logit()
    if found.strong_large:
        floor = _at_least(thresholds.porn if weak else thresholds.suspect)
        large = max(large, floor - score)
    large = min(large, LOGIT_LIMIT - score)  # the score stays within the bounds of logit()
    if large > 0:
        shown = [i for i in found.large if (i.nsfw or 0.0) >= NSFW_SHOWN] or list(found.large)
        reasons.append(say.nsfw_reason(shown, large))
        score += large
    thumbs = min(found.thumbnail_logit(), LOGIT_LIMIT - score)
    if thumbs > 0:
        high = found.high_thumbnails or tuple(
            i for i in found.thumbnails if (i.nsfw or 0.0) >= NSFW_SHOWN
        )
        reasons.append(say.thumbnails_reason(found.thumbnails, high, found.grid, thumbs))
        score += thumbs
    allowed = p_text >= thresholds.suspect or (weak and large > 0)
    porn = thresholds.label(sigmoid(score)) is Label.PORN
    if porn and thresholds.label(sigmoid(base)) is not Label.PORN and not allowed:
        held = _held(thresholds)
        reasons.append(say.needs_text_reason(held - score, grid_only=large <= 0))
        score = held
    for image in found.known:
        assert image.known is not None
        counted = image.known.label in KNOWN_LABELS
        lift = 0.0
        if counted:
            target = max(logit(KNOWN_SCORE), _at_least(thresholds.porn))
            lift = max(0.0, target - score)
            score += lift
        reasons.append(say.known_reason(image, lift, counted))
    return score


def _at_least(threshold: float) -> float:
    """The smallest log-odds whose probability is surely at or over ``threshold``."""
    return logit(threshold) + FLOOR_MARGIN


def _held(thresholds: Thresholds) -> float:
    """Where the cap holds a score: just under the porn threshold, still ``suspect``."""
    under = thresholds.porn - CAP_MARGIN
    if under < thresholds.suspect:
        under = (thresholds.porn + thresholds.suspect) / 2
    return logit(under)


def _text_reasons(
    text: TextScore, base: float, attribution: Mapping[str, float] | None
) -> list[Reason]:
    """The lexicon categories that matched and the model's share; they add up to ``base``."""
    by_category: dict[str, list[PhraseHit]] = {}
    for hit in text.lexicon.hits:
        by_category.setdefault(hit.category, []).append(hit)
    shares = dict(attribution) if attribution is not None else _estimate(text)
    reasons = []
    counted_total = 0.0
    for category, hits in by_category.items():
        counted = category in PORN_CATEGORIES
        share = shares.get(category, 0.0) if counted else 0.0
        counted_total += share
        ordered = sorted(hits, key=lambda h: -abs(h.weight * h.count))
        score = text.lexicon.categories.get(category, 0.0)
        reasons.append(say.lexicon_reason(category, ordered, score, share, counted))
    reasons.append(say.model_reason(text.model_logit, base - counted_total, text.probability))
    return reasons


def _estimate(text: TextScore) -> dict[str, float]:
    """Each counted category's share when no attribution was computed: its lexicon sum,
    scaled, never past the text's own log-odds in the same direction."""
    return {
        category: max(-LOGIT_LIMIT, min(LOGIT_LIMIT, value * LEXICON_LOGIT_PER_WEIGHT))
        for category, value in text.lexicon.categories.items()
        if category in PORN_CATEGORIES and value
    }


# Site ------------------------------------------------------------------------------------------


def decide_site(
    pages: Sequence[Verdict],
    *,
    thresholds: Thresholds,
    versions: Mapping[str, str],
    page_ids: Sequence[int | None] | None = None,
) -> Verdict:
    """The verdict on a site from its pages' verdicts: the worst page decides.

    ``page_ids``: the capture id of each page (same order), named in the reasons' evidence.
    Pages judged ``unknown`` are counted but never raise or lower the score; a site whose
    pages are all unknown is unknown.
    """
    ids: list[int | None] = list(page_ids) if page_ids is not None else [None] * len(pages)
    if len(ids) != len(pages):
        raise ValueError("page_ids must name one capture per page verdict")
    stamped = {**versions, "verdict": VERDICT_VERSION}
    counts: dict[str, int] = {}
    for page in pages:
        counts[page.label] = counts.get(page.label, 0) + 1
    summary = say.site_summary_reason(counts, len(pages))
    judged = [(page, ids[i]) for i, page in enumerate(pages) if page.label != Label.UNKNOWN]
    if not judged:
        return Verdict(Label.UNKNOWN, 0.0, thresholds, (summary,), stamped)
    judged.sort(key=lambda item: -item[0].score)
    score = judged[0][0].score
    worst = [
        say.site_page_reason(
            capture_id,
            page.label,
            page.score,
            page.reasons[0] if page.reasons else None,
            logit(score) if index == 0 else 0.0,
        )
        for index, (page, capture_id) in enumerate(judged[:SITE_PAGES_SHOWN])
    ]
    return Verdict(thresholds.label(score), score, thresholds, (*worst, summary), stamped)


__all__ = [
    "MIN_TEXT_CHARS",
    "NSFW_HIGH",
    "VERDICT_VERSION",
    "decide_page",
    "decide_site",
    "has_text",
    "logit",
    "meaningful_chars",
    "sigmoid",
]

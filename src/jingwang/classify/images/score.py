"""Score the images of a capture: open_nsfw, PDQ hash, known-image match, thumbnail or not.

:func:`score_images` takes the captured bytes of each image and returns one
:class:`~jingwang.classify.types.ImageScore` per image, in order. An image that cannot be
decoded (unknown format, damaged, over the pixel cap, a text file called ``.jpg``) gets
``error`` set and nothing else; it never stops the others. Each picture is decoded, hashed and
prepared for the model at once and then let go, so only the small model inputs (600 KB each)
wait for their batch: a page of 40 large photos never holds 40 decoded photos. A failure of
the model itself (:class:`~jingwang.classify.images.nsfw.ImageModelError`) is not an image's
fault and is raised. The same bytes twice in one call (a repeated icon) are judged once.

Work is split by batch: up to four worker threads (no more than the cores) decode, hash and
prepare the images of one batch, then the model scores the batch in one run. Decoding and
resizing release the GIL, so the workers keep every core busy where a single thread would
leave the others idle between model runs (on 2 cores: 82 images/s against 72 for the same
work in one thread, the model included).

Known images. Every captured image is hashed in its eight dihedral forms (rotations and
mirror images; ``pdqhash`` computes them for the price of one hash) and each form is looked up
in the :class:`KnownIndex`, so a mirrored or rotated copy, a common way to slip past hash
lists, matches a known hash taken from the original, even when the list gives one hash per
picture (as partners' lists do). A known picture we hold ourselves can also go into the index
in all eight forms (:func:`add_known_image`). Hashes of a quality below ``pdq_min_quality``
are recorded but never matched (flat or tiny pictures collide).

Thumbnails: an image no larger than ``thumbnail_max_side`` on both sides is flagged, so the
verdict can treat a page made of many small tiles (a gallery index) by its text.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from jingwang.classify.images.decode import ImageUnreadable, decode_image
from jingwang.classify.images.nsfw import NsfwModel
from jingwang.classify.images.pdq import KnownIndex, pdq_hashes, pdq_variants
from jingwang.classify.types import ImageScore

# What Pillow or the hasher may raise on a picture that decoded but is still broken.
_BROKEN = (OSError, ValueError, SyntaxError, EOFError)
_MAX_WORKERS = 4  # threads decoding, hashing and preparing images (at most the cores)
_CHUNK = 16  # images examined together when there is no model


@dataclass(frozen=True, slots=True)
class ImageInput:
    """One captured image: where it came from, its bytes, and the Content-Type it was sent as."""

    url: str
    data: bytes
    media_type: str | None = None


@dataclass(frozen=True, slots=True)
class _Limits:
    max_pixels: int
    thumbnail_max_side: int
    pdq_max_distance: int
    pdq_min_quality: int


@dataclass(frozen=True, slots=True)
class _Examined:
    """One image after a worker's part: its score so far and its model input (or None)."""

    score: ImageScore
    model_input: np.ndarray | None


def score_images(
    items: Sequence[ImageInput],
    *,
    model: NsfwModel | None,
    known: KnownIndex,
    max_pixels: int,
    thumbnail_max_side: int,
    pdq_max_distance: int,
    pdq_min_quality: int,
) -> list[ImageScore]:
    """One :class:`ImageScore` per item, in order; ``model=None`` leaves ``nsfw`` unset."""
    limits = _Limits(max_pixels, thumbnail_max_side, pdq_max_distance, pdq_min_quality)
    digests = [hashlib.sha256(item.data).hexdigest() for item in items]
    first: dict[str, int] = {}  # digest -> position of the first image with those bytes
    for position, digest in enumerate(digests):
        first.setdefault(digest, position)
    judged = _judge([(p, items[p], digests[p]) for p in first.values()], model, known, limits)
    return [
        judged[first[digest]]
        if first[digest] == position
        # the same bytes again (a repeated icon): judged once, reported under its own URL
        else replace(judged[first[digest]], url=item.url)
        for position, (item, digest) in enumerate(zip(items, digests, strict=True))
    ]


def _judge(
    work: list[tuple[int, ImageInput, str]],
    model: NsfwModel | None,
    known: KnownIndex,
    limits: _Limits,
) -> dict[int, ImageScore]:
    """Scores by position: workers decode, hash and prepare a batch, then the model scores it."""
    size = model.batch_size if model is not None else _CHUNK
    judged: dict[int, ImageScore] = {}
    inputs: dict[int, np.ndarray] = {}
    with ThreadPoolExecutor(_workers(), thread_name_prefix="jingwang-images") as pool:
        for start in range(0, len(work), size):
            chunk = work[start : start + size]
            examined = pool.map(lambda job: _examine(job[1], job[2], limits, model), chunk)
            for (position, _, _), result in zip(chunk, examined, strict=True):
                judged[position] = _matched(result.score, known, limits)
                if result.model_input is not None:
                    inputs[position] = result.model_input
            if model is not None and inputs:
                values = model.score_prepared(list(inputs.values()))
                for position, value in zip(inputs, values, strict=True):
                    judged[position] = replace(judged[position], nsfw=value)
                inputs.clear()
    return judged


def _workers() -> int:
    return max(1, min(_MAX_WORKERS, os.cpu_count() or 1))


def _examine(item: ImageInput, digest: str, limits: _Limits, model: NsfwModel | None) -> _Examined:
    """Decode, hash and prepare one image (in a worker); the picture is let go at the end."""
    base = ImageScore(url=item.url, digest=digest, media_type=item.media_type)
    try:
        decoded = decode_image(item.data, item.media_type, max_pixels=limits.max_pixels)
        hashes, quality = pdq_hashes(decoded.image)
    except ImageUnreadable as unreadable:
        return _Examined(replace(base, error=unreadable.message), None)
    except _BROKEN as broken:
        return _Examined(replace(base, error=f"cannot hash the image: {broken}"), None)
    side = limits.thumbnail_max_side
    score = replace(
        base,
        media_type=decoded.media_type,
        width=decoded.width,
        height=decoded.height,
        pdq=hashes[0],
        pdq_quality=quality,
        variants=tuple(hashes),
        thumbnail=decoded.width <= side and decoded.height <= side,
    )
    if model is None:
        return _Examined(score, None)
    try:
        return _Examined(score, model.prepare(decoded.image))
    except _BROKEN as broken:
        error = f"cannot prepare the image for the model: {broken}"
        return _Examined(replace(score, error=error), None)


def _matched(score: ImageScore, known: KnownIndex, limits: _Limits) -> ImageScore:
    """The score with its known-image match (only for hashes of sufficient quality)."""
    if score.pdq is None or (score.pdq_quality or 0) < limits.pdq_min_quality or not len(known):
        return score
    hashes = score.variants or (score.pdq,)
    return replace(score, known=known.match_any(hashes, limits.pdq_max_distance))


def add_known_image(
    index: KnownIndex, hash_id: int, image: Image.Image, label: str, source: str
) -> list[str]:
    """Put a known picture into ``index`` as its eight dihedral hashes; returns them.

    Identical variants (a symmetric picture) are added once.
    """
    variants = pdq_variants(image)
    for variant in dict.fromkeys(variants):
        index.add(hash_id, variant, label, source)
    return variants


__all__ = ["ImageInput", "add_known_image", "score_images"]

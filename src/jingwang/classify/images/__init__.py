"""Images of a capture: decoding under limits, the open_nsfw model, PDQ hashes, scoring.

* :mod:`~jingwang.classify.images.decode`: captured bytes to an RGB picture (allowed formats,
  pixel cap, WBMP), or :class:`ImageUnreadable` saying why not;
* :mod:`~jingwang.classify.images.nsfw`: :class:`NsfwModel`, open_nsfw batched on onnxruntime;
* :mod:`~jingwang.classify.images.pdq`: PDQ hashes in Meta's hex form, :class:`KnownIndex`;
* :mod:`~jingwang.classify.images.score`: :func:`score_images`, all of it for one capture.

Importing this package loads Pillow, numpy and the small ``pdqhash`` extension, never
onnxruntime nor the model: the session is built on the first score.
"""

from jingwang.classify.images.decode import ImageUnreadable, decode_image, load_image
from jingwang.classify.images.nsfw import ImageModelError, NsfwModel, default_nsfw_model
from jingwang.classify.images.pdq import (
    KnownIndex,
    PdqHashError,
    hamming,
    parse_hash_list,
    pdq_hash,
    pdq_variants,
)
from jingwang.classify.images.score import ImageInput, add_known_image, score_images

__all__ = [
    "ImageInput",
    "ImageModelError",
    "ImageUnreadable",
    "KnownIndex",
    "NsfwModel",
    "PdqHashError",
    "add_known_image",
    "decode_image",
    "default_nsfw_model",
    "hamming",
    "load_image",
    "parse_hash_list",
    "pdq_hash",
    "pdq_variants",
    "score_images",
]

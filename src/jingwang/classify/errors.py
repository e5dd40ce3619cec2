"""Errors of detection's verdicts, re-scoring runs and known image hashes.

::

    NotFound
    ├── VerdictNotFound      classify.verdict_not_found  (or out of the reader's reach)
    ├── RunNotFound          classify.run_not_found
    └── HashNotFound         classify.hash_not_found
    Conflict
    ├── RunActive            classify.run_active         a re-scoring run is already going
    └── RunStateError        classify.run_state          e.g. cancelling a finished run

The other detection errors live next to what raises them: ``classify.hash_invalid``
(:class:`jingwang.classify.images.pdq.PdqHashError`, a line of a hash list that is not a PDQ
hash), ``classify.lexicon_invalid``
(:class:`jingwang.classify.text.lexicon.LexiconError`), ``classify.dataset_invalid``
(:class:`jingwang.classify.evaluate.DatasetError`), ``classify.image_unreadable``
(:class:`jingwang.classify.images.decode.ImageUnreadable`) and ``classify.model_invalid``
(the text and image models that cannot be loaded).
"""

from __future__ import annotations

from jingwang.errors import Conflict, NotFound


class VerdictNotFound(NotFound):
    """No verdict with that id, or none the reader may see (the two are not told apart)."""

    code = "classify.verdict_not_found"


class RunNotFound(NotFound):
    code = "classify.run_not_found"


class RunActive(Conflict):
    """One re-scoring run at a time: wait for it or cancel it first."""

    code = "classify.run_active"


class RunStateError(Conflict):
    code = "classify.run_state"


class HashNotFound(NotFound):
    code = "classify.hash_not_found"


__all__ = [
    "HashNotFound",
    "RunActive",
    "RunNotFound",
    "RunStateError",
    "VerdictNotFound",
]

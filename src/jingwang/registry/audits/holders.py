"""Comparing a filing's holder with a connection's customer: the same organisation, written
differently?

Both names are normalised (:func:`normalise_holder`): NFKC (full-width letters and digits become
ASCII), spaces, punctuation and symbols dropped, case folded, and the company-form suffixes
``有限责任公司`` and ``股份有限公司`` read as ``有限公司``. Names that differ after that are
different holders.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Longest first: each is read as the plain form.
_SUFFIXES = ("股份有限公司", "有限责任公司")
_PLAIN = "有限公司"


@lru_cache(maxsize=65_536)  # the same customers and holders come back across many domains
def normalise_holder(name: str) -> str:
    """``name`` in the form holder names are compared in (see the module documentation)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")
    for suffix in _SUFFIXES:
        if kept.endswith(suffix):
            return kept[: -len(suffix)] + _PLAIN
    return kept


def same_holder(customer: str, holder: str) -> bool:
    """Whether ``customer`` and ``holder`` name the same holder once normalised."""
    return normalise_holder(customer) == normalise_holder(holder)


__all__ = ["normalise_holder", "same_holder"]

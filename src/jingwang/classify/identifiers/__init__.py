"""Identifiers printed on pages, found in free text: the one place that extracts them.

Each kind has its own module (``icp`` for ICP filing and licence numbers, ``contacts`` for QQ,
phone and e-mail, ``codes`` for SP and channel codes, ``trackers`` for analytics ids and payment
links) built on :mod:`.folding`, which folds full-width and other compatibility forms while
keeping positions into the original text; :mod:`.extract` runs them all
(:func:`extract_identifiers`).
"""

from jingwang.classify.identifiers.extract import KINDS, extract_from_links, extract_identifiers
from jingwang.classify.identifiers.icp import (
    IcpKind,
    IcpNumber,
    IcpNumberError,
    extract_icp_numbers,
    parse_icp,
)

__all__ = [
    "KINDS",
    "IcpKind",
    "IcpNumber",
    "IcpNumberError",
    "extract_from_links",
    "extract_icp_numbers",
    "extract_identifiers",
    "parse_icp",
]

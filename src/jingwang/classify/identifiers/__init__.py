"""Identifiers printed on pages, found in free text: the one place that extracts them.

Each kind has its own module (``icp`` for ICP filing and licence numbers; QQ numbers, phone
numbers, SP and channel codes and analytics ids join later) built on :mod:`.folding`, which
folds full-width and other compatibility forms while keeping positions into the original text.
"""

from jingwang.classify.identifiers.icp import (
    IcpKind,
    IcpNumber,
    IcpNumberError,
    extract_icp_numbers,
    parse_icp,
)

__all__ = ["IcpKind", "IcpNumber", "IcpNumberError", "extract_icp_numbers", "parse_icp"]

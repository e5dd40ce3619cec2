"""Classification: what a page is and what it names.

Today this holds identifier extraction (:mod:`jingwang.classify.identifiers`): ICP filing and
licence numbers found in page text, checked and normalised. Text normalisation and lexicons,
the text and image models, verdicts and evaluation join this package later; each keeps its
imports light, so importing ``jingwang.classify`` loads no model.
"""

from jingwang.classify.identifiers import (
    IcpKind,
    IcpNumber,
    IcpNumberError,
    extract_icp_numbers,
    parse_icp,
)

__all__ = ["IcpKind", "IcpNumber", "IcpNumberError", "extract_icp_numbers", "parse_icp"]

"""Classification: what a page is and what it names.

Identifier extraction (:mod:`.identifiers`); text normalisation, the weighted lexicon and the
text model (:mod:`.text`); image scoring and PDQ hashes (:mod:`.images`); verdicts with reasons
(:mod:`.verdict`, :mod:`.classifier`), stored and re-scored by :mod:`.service` and
:mod:`.jobs`; evaluation (:mod:`.evaluate`). Every module keeps its imports light: importing
``jingwang.classify`` loads no model, OpenCC or onnxruntime; they are built on first use.
"""

from jingwang.classify.identifiers import (
    IcpKind,
    IcpNumber,
    IcpNumberError,
    extract_icp_numbers,
    parse_icp,
)

__all__ = ["IcpKind", "IcpNumber", "IcpNumberError", "extract_icp_numbers", "parse_icp"]

"""Analytics ids and payment links: who counts a site's visitors, who takes its money.

Analytics values name the service: ``UA-12345-1`` and ``G-ABC123XYZ`` (Google; a ``G-`` id
needs a digit, so ``G-SHOCKER`` is not one), ``baidu:<32 hex>`` (``hm.baidu.com/hm.js?…``),
``cnzz:<id>`` (``*.cnzz.com/…?id=``/``web_id=``, ``z_stat.php?id=``, ``cnzz_stat_icon_<id>``),
``51la:<id>`` (``js.users.51.la/<id>.js``, ``51.la/…?id=``, ``LA.init({id:"…"})``).
Payment values: ``alipay:<url>``, ``wxpay:<url>``, ``tenpay:<url>`` with the URL as printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jingwang.classify.identifiers.spans import Candidate, finditer

_URL_TAIL = r"[^\s\"'<>]{0,300}?"
# (prefix, literals, pattern): a pattern can match only where one of its literals occurs in
# the lower-cased text, so a page without them skips the pattern (most pages have none).
_ANALYTICS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("", ("ua-",), re.compile(r"(?<![A-Za-z0-9-])(?P<id>UA-[0-9]{4,10}-[0-9]{1,4})(?![0-9])")),
    ("", ("g-",), re.compile(r"(?<![A-Za-z0-9-])(?P<id>G-(?=[A-Z]{0,11}[0-9])[A-Z0-9]{6,12})(?![A-Za-z0-9])")),  # noqa: E501
    ("baidu:", ("hm.baidu.com",), re.compile(r"hm\.baidu\.com/hm\.js\?(?P<id>[0-9a-f]{32})(?![0-9a-f])", re.I)),  # noqa: E501
    ("cnzz:", ("cnzz.com",), re.compile(rf"cnzz\.com/{_URL_TAIL}(?<=[?&])(?:id|web_id|siteid)=(?P<id>[0-9]{{1,12}})", re.I)),  # noqa: E501
    ("cnzz:", ("cnzz_stat_icon_",), re.compile(r"cnzz_stat_icon_(?P<id>[0-9]{1,12})", re.I)),
    ("51la:", ("js.users.51.la",), re.compile(r"js\.users\.51\.la/(?P<id>[0-9]{1,12})\.js", re.I)),
    ("51la:", ("51.la",), re.compile(rf"51\.la/{_URL_TAIL}(?<=[?&])id=(?P<id>[0-9A-Za-z]{{1,24}})", re.I)),  # noqa: E501
    ("51la:", ("la.init",), re.compile(r"LA\.init\(\s*\{\s*id\s*:\s*[\"'](?P<id>[0-9A-Za-z]{1,24})[\"']")),  # noqa: E501
)  # fmt: skip

_PAYMENT: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("alipay", ("alipay",), re.compile(r"(?:alipays?://|(?:qr|mobilecodec)\.alipay\.com/)[^\s\"'<>]{1,300}", re.I)),  # noqa: E501
    ("wxpay", ("wxpay", "tenpay"), re.compile(r"(?:weixin://wxpay/|wx\.tenpay\.com/)[^\s\"'<>]{1,300}", re.I)),  # noqa: E501
    ("tenpay", ("tenpay.com",), re.compile(r"(?<![a-z.])(?:www\.)?tenpay\.com/[^\s\"'<>]{1,300}", re.I)),  # noqa: E501
)  # fmt: skip


def find_analytics(text: str, limit: int) -> Iterator[Candidate]:
    lowered = text.lower()
    for prefix, literals, pattern in _ANALYTICS:
        if any(literal in lowered for literal in literals):
            for match in finditer(pattern, text, limit):
                yield Candidate("analytics", prefix + match["id"], match.start(), match.end())


def find_payments(text: str, limit: int) -> Iterator[Candidate]:
    lowered = text.lower()
    for name, literals, pattern in _PAYMENT:
        if any(literal in lowered for literal in literals):
            for match in finditer(pattern, text, limit):
                yield Candidate("payment", f"{name}:{match.group(0)}", match.start(), match.end())


__all__ = ["find_analytics", "find_payments"]

"""Contact identifiers: QQ numbers, Chinese phone numbers, e-mail addresses.

A QQ number needs a QQ cue (``QQ``, ``扣扣``, ``企鹅``, ``tencent://message/?uin=``,
``wpa.qq.com/msgrd?…uin=``): five to eleven digits alone are not a QQ number. Phones:

* mobile ``1[3-9]`` + 9 digits, optionally ``+86``/``0086``/``86`` before, in groups ``3-4-4``
  separated by a space or dash; never part of a longer run of digits;
* fixed line: area code ``010``, ``02x`` or ``0[3-9]xx`` (or in parentheses) and a 7-8 digit
  local number starting 2-9;
* ``400``/``800`` service numbers (10 digits);
* ``wtai://wp/mc;NUMBER`` (WML "make call") as is.

Fixed and 400/800 numbers written as one bare run of digits (``02112345678``) count only after
a phone cue (电话, 热线, Tel…) close before them: bare runs are order numbers as often as not.
Values: digits only for mobiles (``13800138000``), ``0AREA-LOCAL`` for fixed lines,
``4001234567`` for service numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jingwang.classify.identifiers.spans import Candidate, finditer

_QQ_CUE = re.compile(
    r"(?<![A-Za-z])(?:QQ|扣扣|企鹅)(?:号码|号|群号?|交流群)?[ :=]{0,4}+"
    r"(?P<n>[1-9][0-9]{4,10}+)(?![0-9])",
    re.IGNORECASE,
)
_QQ_URL = re.compile(
    r"(?:tencent://message/?|wpa\.qq\.com/msgrd)\?[^\s\"'<>]{0,200}?(?<=[?&;])uin=(?P<n>[1-9][0-9]{4,10}+)(?![0-9])",
    re.IGNORECASE,
)
_MOBILE = re.compile(
    r"(?<![0-9.])(?<![0-9]-)(?:(?:\+|00)?86[ -]?)?"
    r"(?P<n>1[3-9][0-9])(?P<s>[ -]?)(?P<m>[0-9]{4})(?P=s)(?P<l>[0-9]{4})(?![0-9])"
)
_AREA = r"0(?:10|2[0-9]|[3-9][0-9]{2})"
_FIXED = re.compile(
    r"(?<![0-9.])(?<![0-9]-)"
    rf"(?:\((?P<pa>{_AREA})\)[ -]?|(?P<a>{_AREA})(?P<s>[ -]?))"
    r"(?P<n>[2-9][0-9]{6,7})(?![0-9])"
)
_SERVICE = re.compile(
    r"(?<![0-9.])(?<![0-9]-)(?P<a>[48]00)(?P<s>[ -]?)(?P<b>[0-9]{3})(?P=s)(?P<c>[0-9]{4})(?![0-9])"
)
_WTAI = re.compile(r"wtai://wp/(?:mc|ap);(?P<n>\+?[0-9][0-9-]{1,30}[0-9])", re.IGNORECASE)
_CUE = re.compile(r"(?:电话|热线|客服|联系|手机|座机|传真|咨询|tel|phone|fax|call)", re.IGNORECASE)
_CUE_WINDOW = 12
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_NOT_EMAIL_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg", "js", "css", "bmp"})


def find_qq(text: str, limit: int) -> Iterator[Candidate]:
    for pattern in (_QQ_CUE, _QQ_URL):
        for match in finditer(pattern, text, limit):
            yield Candidate("qq", match["n"], match.start(), match.end())


def find_phones(text: str, limit: int) -> Iterator[Candidate]:
    for match in finditer(_WTAI, text, limit):
        yield Candidate("phone", match["n"].replace("-", ""), match.start(), match.end())
    for match in finditer(_MOBILE, text, limit):
        yield Candidate("phone", match["n"] + match["m"] + match["l"], match.start(), match.end())
    for match in finditer(_FIXED, text, limit):
        area = match["pa"] or match["a"]
        if match["a"] and not match["s"] and not _cued(text, match.start()):
            continue
        yield Candidate("phone", f"{area}-{match['n']}", match.start(), match.end())
    for match in finditer(_SERVICE, text, limit):
        if not match["s"] and not _cued(text, match.start()):
            continue
        yield Candidate("phone", match["a"] + match["b"] + match["c"], match.start(), match.end())


def _cued(text: str, start: int) -> bool:
    return _CUE.search(text, max(0, start - _CUE_WINDOW), start) is not None


def find_emails(text: str, limit: int) -> Iterator[Candidate]:
    for match in finditer(_EMAIL, text, limit):
        address = match.group(0)
        if address.rsplit(".", 1)[-1].lower() in _NOT_EMAIL_TLDS:
            continue
        yield Candidate("email", address.lower(), match.start(), match.end())


__all__ = ["find_emails", "find_phones", "find_qq"]

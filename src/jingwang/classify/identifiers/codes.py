"""SP service access codes and promotion channel codes.

SP codes (短信/增值业务接入号): a run of 5-20 digits starting ``106`` (``10661234``,
``1066888800``), and instructions like ``发送 A1 到 10661234`` / ``编辑短信 ZC 发至 1252015``,
whose code need not start with 106 (value: the code; raw: the whole instruction).

Channel codes (渠道号 / 推广码) sit in URLs, in the query: ``qd``, ``channel``, ``ch``, ``from``,
``cid``, ``src``, ``promo`` or ``tg``; the value is ``param=value`` as written (param lower case).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jingwang.classify.identifiers.spans import Candidate, finditer

_SP_INSTRUCTION = re.compile(
    r"(?:发送|编辑短信|编辑|回复|发)[ :]{0,3}+[\"'“‘「]?(?P<cmd>[A-Za-z0-9#*+]{1,20}+)[\"'”’」]?"
    r"[ ]{0,3}+(?:到|至|发到|发至|发送到|发送至)[ :]{0,3}+(?P<code>[0-9]{4,20}+)(?![0-9])"
)
_SP_CODE = re.compile(r"(?<![0-9.])(?<![0-9]-)106[0-9]{2,17}+(?![0-9])")
CHANNEL_PARAMS = ("qd", "channel", "ch", "from", "cid", "src", "promo", "tg")
_CHANNEL = re.compile(
    rf"(?<=[?&;])(?P<p>{'|'.join(CHANNEL_PARAMS)})=(?P<v>[^&#;\s\"'<>]{{1,100}}+)",
    re.IGNORECASE,
)


def find_sp_codes(text: str, limit: int) -> Iterator[Candidate]:
    for match in finditer(_SP_INSTRUCTION, text, limit):
        yield Candidate("sp_code", match["code"], match.start(), match.end())
    for match in finditer(_SP_CODE, text, limit):
        yield Candidate("sp_code", match.group(0), match.start(), match.end())


def find_channel_codes(text: str, limit: int) -> Iterator[Candidate]:
    for match in finditer(_CHANNEL, text, limit):
        value = f"{match['p'].lower()}={match['v']}"
        yield Candidate("channel_code", value, match.start(), match.end())


__all__ = ["CHANNEL_PARAMS", "find_channel_codes", "find_sp_codes"]

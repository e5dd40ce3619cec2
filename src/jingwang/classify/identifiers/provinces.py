"""The 31 provincial-level regions of mainland China, as ICP numbers name them.

An ICP filing or licence number starts with one character that names the communications
administration (通信管理局) that issued it: ``京`` for Beijing, ``粤`` for Guangdong. These are
the 31 abbreviations of FACTS.md, plus what real footers print instead:

* four alternative abbreviations the provinces themselves use on filing numbers: ``蜀``
  (Sichuan, beside ``川``), ``黔`` (Guizhou, beside ``贵``), ``滇`` (Yunnan, beside ``云``)
  and ``陇`` (Gansu, beside ``甘``). Both spellings occur on real pages (``蜀ICP备…`` and
  ``川ICP备…``), so neither is folded into the other: the printed one is kept;
* traditional characters (``粵`` for ``粤``, ``滬`` for ``沪``, ``隴`` for ``陇`` …), which
  are folded to the simplified one.

Hong Kong, Macao and Taiwan issue no ICP numbers; ``港``, ``澳`` and ``台`` are unknown here
like any other character.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Province:
    """One provincial-level region: its abbreviation, name and GB/T 2260 code."""

    abbreviation: str  # the one FACTS.md lists: 川, not 蜀
    name: str  # 四川
    code: str  # GB/T 2260 two-digit code: "51"


PROVINCES: tuple[Province, ...] = tuple(
    Province(abbreviation, name, code)
    for abbreviation, name, code in (
        ("京", "北京", "11"),
        ("津", "天津", "12"),
        ("冀", "河北", "13"),
        ("晋", "山西", "14"),
        ("蒙", "内蒙古", "15"),
        ("辽", "辽宁", "21"),
        ("吉", "吉林", "22"),
        ("黑", "黑龙江", "23"),
        ("沪", "上海", "31"),
        ("苏", "江苏", "32"),
        ("浙", "浙江", "33"),
        ("皖", "安徽", "34"),
        ("闽", "福建", "35"),
        ("赣", "江西", "36"),
        ("鲁", "山东", "37"),
        ("豫", "河南", "41"),
        ("鄂", "湖北", "42"),
        ("湘", "湖南", "43"),
        ("粤", "广东", "44"),
        ("桂", "广西", "45"),
        ("琼", "海南", "46"),
        ("渝", "重庆", "50"),
        ("川", "四川", "51"),
        ("贵", "贵州", "52"),
        ("云", "云南", "53"),
        ("藏", "西藏", "54"),
        ("陕", "陕西", "61"),
        ("甘", "甘肃", "62"),
        ("青", "青海", "63"),
        ("宁", "宁夏", "64"),
        ("新", "新疆", "65"),
    )
)

# Alternative abbreviation → the FACTS.md one. Printed as they are (see the module docstring).
_ALTERNATIVES = {"蜀": "川", "黔": "贵", "滇": "云", "陇": "甘"}

# Traditional character → simplified, for every abbreviation that has one.
TRADITIONAL = {
    "滬": "沪",
    "遼": "辽",
    "蘇": "苏",
    "閩": "闽",
    "贛": "赣",
    "魯": "鲁",
    "粵": "粤",
    "瓊": "琼",
    "貴": "贵",
    "雲": "云",
    "陝": "陕",
    "寧": "宁",
    "晉": "晋",
    "隴": "陇",
}

_BY_ABBREVIATION = {province.abbreviation: province for province in PROVINCES}


def province_prefix(char: str) -> tuple[str, Province] | None:
    """The canonical prefix (simplified, as printed) and province of ``char``, or ``None``.

    >>> province_prefix("粵")[0], province_prefix("蜀")[1].name
    ('粤', '四川')
    """
    simplified = TRADITIONAL.get(char, char)
    province = _BY_ABBREVIATION.get(_ALTERNATIVES.get(simplified, simplified))
    if province is None:
        return None
    return simplified, province


__all__ = ["PROVINCES", "TRADITIONAL", "Province", "province_prefix"]

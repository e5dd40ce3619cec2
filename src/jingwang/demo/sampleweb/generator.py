"""Generate the sample mobile web, deterministically from a seed.

``generate(seed, sites)`` draws ``sites`` content sites (porn-like, benign, hard negatives,
unfiled, mixed, promotion landings, SP service pages, mirrors, UA-dependent sites) in every
page format and charset, adds the fixed set of awkward sites (redirectors, slow, broken,
bombs, hostile pages: :mod:`.special`) unless ``hostile=False``, and the named sites
(by default the demo registry's, :data:`~.demo_sites.DEMO_SITES`). All randomness comes from
one ``random.Random(seed)``: the same arguments give the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from jingwang.demo.sampleweb.content import BENIGN_TOPICS, EN, HARD_NEGATIVE_TOPICS, ZH, Topic
from jingwang.demo.sampleweb.demo_sites import DEMO_SITES
from jingwang.demo.sampleweb.model import Filing, SampleSite, SampleWeb, SiteKind
from jingwang.demo.sampleweb.sites import SiteSpec, build_site, fullwidth, icp_ascii, mirror_site
from jingwang.demo.sampleweb.special import special_sites

# How often each content kind is drawn (weights).
KIND_WEIGHTS = {
    SiteKind.PORN: 24,
    SiteKind.BENIGN: 20,
    SiteKind.HARD_NEGATIVE: 8,
    SiteKind.UNFILED: 12,
    SiteKind.MIXED: 8,
    SiteKind.LANDING: 8,
    SiteKind.SP: 7,
    SiteKind.MIRROR: 6,
    SiteKind.UA_DEPENDENT: 7,
}
CHARSET_WEIGHTS = {
    "utf-8": 30,
    "utf-8-bom": 6,
    "gb2312": 20,
    "gbk": 12,
    "gb18030": 6,
    "big5": 6,
    "gbk-as-utf-8": 5,
    "utf-8-as-gb2312": 5,
}
FORMAT_WEIGHTS = {"wml": 40, "xhtml-mp": 35, "html5": 25}
PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"
_PREFIXES = ("wap", "3g", "m", "sj", "w")
_HOLDER_CITIES = ("广州", "深圳", "北京", "上海", "杭州", "成都", "武汉", "南京")


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Draw:
    """Draws site specs; keeps the filings made so far (for borrowed numbers)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.filings: list[Filing] = []

    def host(self, index: int, topic: Topic) -> str:
        slug = self.rng.choice(ZH[topic].slugs)
        return f"{self.rng.choice(_PREFIXES)}-{slug}{index:04d}.test"

    def icp(self, host: str, kind: SiteKind) -> tuple[str | None, str]:
        rng = self.rng
        if kind is SiteKind.UNFILED:
            return None, "none"
        roll = rng.random()
        if roll < 0.15 and self.filings:
            return rng.choice(self.filings).number, "borrowed"
        if roll < 0.30:  # malformed: no 号, no province, or too few digits
            bad = rng.choice(("{p}ICP备{n}", "ICP备{n}号", "{p}ICP备{s}号"))
            n = f"{rng.randrange(10**7, 10**8)}"
            return bad.format(p=rng.choice(PROVINCES), n=n, s=n[:3]), "wrong"
        if roll < 0.40:
            return None, "none"
        number = f"{rng.choice(PROVINCES)}ICP备{rng.randrange(10**7, 10**8)}号"
        if rng.random() < 0.2:
            number += "-1"
        holder = f"{rng.choice(_HOLDER_CITIES)}{rng.choice(ZH[Topic.NEWS].titles)}网络科技有限公司"
        self.filings.append(Filing(number, holder, (host,)))
        return number, "right"

    def spec(self, index: int, kind: SiteKind) -> SiteSpec:
        rng = self.rng
        topic = self._topic(kind)
        host = self.host(index, topic)
        charset = _pick(rng, CHARSET_WEIGHTS)
        if charset == "big5" and kind in (SiteKind.SP, SiteKind.LANDING):
            charset = "utf-8"  # their billing and download lines are simplified Chinese
        lang = "en" if topic in EN and charset == "utf-8" and rng.random() < 0.15 else "zh"
        # a Big5 (Taiwan / Hong Kong style) site prints no mainland filing number
        icp, status = (None, "none") if charset == "big5" else self.icp(host, kind)
        printed = fullwidth(icp) if icp and status != "wrong" and rng.random() < 0.3 else icp
        return SiteSpec(
            host,
            kind,
            topic,
            fmt=_pick(rng, FORMAT_WEIGHTS),
            charset=charset,
            lang=lang,
            icp=printed,
            icp_status=status,
            porn_every=rng.choice((3, 4, 5)) if kind is SiteKind.MIXED else 0,
            channel_param=rng.choice(("qd", "channel", "from", "cid"))
            if kind is SiteKind.LANDING
            else None,
            ua_mode=rng.choice(("format", "cloak")) if kind is SiteKind.UA_DEPENDENT else None,
        )

    def _topic(self, kind: SiteKind) -> Topic:
        rng = self.rng
        if kind in (SiteKind.PORN, SiteKind.LANDING) or (
            kind is SiteKind.UNFILED and rng.random() < 0.6
        ):
            return Topic.PORN
        if kind is SiteKind.UA_DEPENDENT:
            return Topic.PORN
        if kind is SiteKind.HARD_NEGATIVE:
            return rng.choice(HARD_NEGATIVE_TOPICS)
        return rng.choice(BENIGN_TOPICS)


def generate(
    seed: int = 2009,
    sites: int = 200,
    *,
    pages_per_site: int = 10,
    hostile: bool = True,
    named: Sequence[SiteSpec] | None = None,
) -> SampleWeb:
    """The sample web: ``sites`` drawn sites + the awkward ones + ``named`` (demo sites).

    ``hostile=False`` leaves out the redirectors, slow, broken, bomb and hostile sites (for
    benchmarks: then ``urls()`` lists ``sites × pages_per_site`` pages). ``named=None`` adds
    the demo registry's sites; pass ``()`` for none, or your own :class:`SiteSpec` list.
    """
    if sites < 0 or pages_per_site < 1:
        raise ValueError("generate() needs sites >= 0 and pages_per_site >= 1")
    rng = random.Random(seed)
    draw = _Draw(rng)
    out: list[SampleSite] = []
    originals: list[SampleSite] = []
    for index in range(sites):
        kind = SiteKind(_pick(rng, {str(k): w for k, w in KIND_WEIGHTS.items()}))
        if kind is SiteKind.MIRROR and originals:
            origin = rng.choice(originals)
            out.append(mirror_site(origin, draw.host(index, origin.truth.topic or Topic.PORN)))
            continue
        if kind is SiteKind.MIRROR:
            kind = SiteKind.PORN
        site = build_site(rng, draw.spec(index, kind), pages=pages_per_site)
        if kind in (SiteKind.PORN, SiteKind.SP, SiteKind.BENIGN):
            originals.append(site)
        out.append(site)
    if hostile:
        out.extend(special_sites())
    named_filings: dict[str, Filing] = {}
    for spec in DEMO_SITES if named is None else named:
        out.append(build_site(rng, spec, pages=pages_per_site))
        if spec.icp and spec.icp_status == "right":  # one filing may list several domains
            number = icp_ascii(spec.icp)
            known = named_filings.get(number, Filing(number, spec.title or spec.host, ()))
            named_filings[number] = Filing(number, known.holder, (*known.domains, spec.host))
    return SampleWeb(seed=seed, sites=out, filings=[*draw.filings, *named_filings.values()])


__all__ = ["generate"]

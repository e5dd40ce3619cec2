"""Build one content site: its pages in a format and charset, images, favicon and truth.

:class:`SiteSpec` says what a site is (host, kind, topic, format, charset, footer number);
:func:`build_site` turns it into a :class:`~.model.SampleSite`, drawing the page text and
identifiers from a ``random.Random`` so that the same seed gives the same bytes. Links are
relative, so a mirror serving the same bytes on another domain is a true copy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from jingwang.demo.sampleweb import media
from jingwang.demo.sampleweb.content import (
    EN,
    SP_LINES,
    SP_WORDS,
    TRADITIONAL,
    TRADITIONAL_TITLES,
    ZH,
    Topic,
)
from jingwang.demo.sampleweb.markup import PageDoc, render_html5, render_wml, render_xhtml_mp
from jingwang.demo.sampleweb.model import (
    CharsetTruth,
    ClientClass,
    ExpectedId,
    Resource,
    SampleSite,
    SiteKind,
    SiteTruth,
)

FORMATS = ("wml", "xhtml-mp", "html5")
MEDIA_TYPES = {
    "wml": "text/vnd.wap.wml",
    "xhtml-mp": "application/vnd.wap.xhtml+xml",
    "html5": "text/html",
}
_EXT = {"wml": "wml", "xhtml-mp": "php", "html5": "html"}
_IMAGE_SEEDS = 48  # pictures repeat across sites: fewer distinct images to render
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# Charset plans: (encoding, bom, header label, meta label, mislabelled).
CHARSETS: dict[str, CharsetTruth] = {
    "utf-8": CharsetTruth("utf-8", False, "utf-8", "utf-8"),
    "utf-8-bom": CharsetTruth("utf-8", True, "utf-8", "utf-8"),
    "gb2312": CharsetTruth("gb2312", False, "gb2312", "gb2312"),
    "gbk": CharsetTruth("gbk", False, None, "gbk"),
    "gb18030": CharsetTruth("gb18030", False, "gb18030", "gb18030"),
    "big5": CharsetTruth("big5", False, "big5", "big5"),
    "gbk-as-utf-8": CharsetTruth("gbk", False, "utf-8", None, mislabelled=True),
    "utf-8-as-gb2312": CharsetTruth("utf-8", False, None, "gb2312", mislabelled=True),
}


@dataclass(frozen=True)
class SiteSpec:
    """What a content site is; the generator draws these, callers may name their own."""

    host: str
    kind: SiteKind = SiteKind.BENIGN
    topic: Topic = Topic.NEWS
    fmt: str = "wml"
    charset: str = "utf-8"
    lang: str = "zh"
    title: str | None = None
    icp: str | None = None  # footer number exactly as printed (may use full-width digits)
    icp_status: str = "none"  # right | wrong | borrowed | none
    paths: tuple[str, ...] = ()  # page paths that must exist (entry first)
    text: str | None = None  # a line every page shows
    porn_every: int = 0  # MIXED: every n-th page is porn-like
    channel_param: str | None = None  # LANDING: "qd", "channel", "from" or "cid"
    ua_mode: str | None = None  # UA_DEPENDENT: "format" (WML vs HTML) or "cloak"
    note: str = ""
    extra_ids: tuple[ExpectedId, ...] = field(default=())


def _ids(rng: random.Random, spec: SiteSpec) -> dict[str, str]:
    """The contact and analytics identifiers this site prints."""
    mobile = f"13{rng.randrange(10)}{rng.randrange(10**8):08d}"
    return {
        "qq": str(rng.randrange(10**5, 10**10)),
        "phone": mobile,
        "hotline": f"400{rng.randrange(10**7):07d}",
        "ga": f"UA-{rng.randrange(10**6, 10**8)}-1",
        "cnzz": str(rng.randrange(10**6, 10**7)),
        "baidu": f"{rng.getrandbits(128):032x}",
        "sp": f"{rng.choice(('1066', '1062'))}{rng.randrange(10**4):04d}",
        "channel": f"{rng.choice(('tg', 'ad', 'qd'))}{rng.randrange(10**5):05d}",
        "email": f"kefu@{spec.host}",
    }


class _Builder:
    def __init__(self, rng: random.Random, spec: SiteSpec, pages: int) -> None:
        self.rng = rng
        self.spec = spec
        self.plan = CHARSETS[spec.charset]
        self.ids = _ids(rng, spec)
        self.count = max(pages, len(spec.paths), 1)
        ext = _EXT[spec.fmt]
        generated = [f"/p{i}.{ext}" for i in range(1, self.count)]
        self.paths = list(spec.paths or ["/"]) + generated
        self.paths = self.paths[: self.count]
        if not spec.paths and spec.channel_param:  # landings carry the code in their URL
            query = f"?{spec.channel_param}={self.ids['channel']}"
            self.paths = [path + query for path in self.paths]
        self.images = self._images()
        self.found: set[ExpectedId] = set(spec.extra_ids)

    def _images(self) -> list[tuple[str, str, Resource]]:
        kinds = {"wml": ("wbmp", "gif"), "xhtml-mp": ("gif", "jpeg"), "html5": ("jpeg", "png")}
        out = []
        for index, fmt in enumerate(kinds[self.spec.fmt]):
            seed = self.rng.randrange(_IMAGE_SEEDS)
            render = (
                (lambda s=seed: media.wbmp(s))
                if fmt == "wbmp"
                else (lambda f=fmt, s=seed: media.picture(f, s))
            )
            resource = Resource(content_type=media.IMAGE_TYPES[fmt], body=None, lazy=render)
            out.append((f"/img/{index + 1}.{fmt}", fmt, resource))
        return out

    def topic_of(self, index: int) -> Topic:
        spec = self.spec
        if spec.porn_every and index % spec.porn_every == spec.porn_every - 1:
            return Topic.PORN
        return spec.topic

    def doc(self, index: int, topic: Topic) -> PageDoc:
        spec, rng, ids = self.spec, self.rng, self.ids
        big5 = self.plan.encoding == "big5"
        words = (EN if spec.lang == "en" else ZH).get(topic, ZH[topic])
        title = spec.title or (TRADITIONAL_TITLES[topic] if big5 else rng.choice(words.titles))
        sentences = TRADITIONAL[topic] if big5 else words.sentences
        sections = [[rng.choice(sentences) for _ in range(2)] for _ in range(rng.randrange(2, 4))]
        if spec.text:
            sections[0].insert(0, spec.text)
        doc = PageDoc(title=title, lang=spec.lang, sections=sections, dial=ids["phone"])
        self.found.add(ExpectedId("phone", ids["phone"]))
        labels = (title, "首頁", "下一頁") if big5 else words.links
        doc.links = self._links(index, labels)
        doc.images = [(src, title) for src, _, _ in self.images[: 1 + index % 2]]
        doc.footer = self._footer(big5)
        if spec.fmt != "wml":
            doc.scripts = self._analytics(index)
        else:
            doc.channel = (labels[0], words.slugs[0])
        if spec.kind is SiteKind.SP:
            line = rng.choice(SP_LINES).format(word=rng.choice(SP_WORDS), code=ids["sp"])
            doc.sections[0].append(line)
            self.found.add(ExpectedId("sp_code", ids["sp"]))
        return doc

    def _links(self, index: int, labels: tuple[str, ...]) -> list[tuple[str, str]]:
        links = []
        for step in (1, 2, 3):
            target = self.paths[(index + step) % self.count]
            links.append((target, labels[(index + step) % len(labels)]))
        if self.spec.channel_param:
            code = self.ids["channel"]
            links.append(
                (f"/download.{_EXT[self.spec.fmt]}?{self.spec.channel_param}={code}", "下载")
            )
            self.found.add(ExpectedId("channel_code", code))
        if index == 0:
            links.append((f"tencent://message/?uin={self.ids['qq']}", "QQ"))
        return links

    def _footer(self, big5: bool) -> list[str]:
        ids, spec = self.ids, self.spec
        lines = [f"客服QQ:{ids['qq']}" if not big5 else f"QQ:{ids['qq']}"]
        self.found.add(ExpectedId("qq", ids["qq"]))
        hotline = f"{ids['hotline'][:3]}-{ids['hotline'][3:6]}-{ids['hotline'][6:]}"
        lines.append(f"Tel: {hotline}  {ids['email']}")
        self.found.update((ExpectedId("phone", ids["hotline"]), ExpectedId("email", ids["email"])))
        if spec.icp:
            lines.append(spec.icp)
        return lines

    def _analytics(self, index: int) -> list[str]:
        ids = self.ids
        choice = index % 3
        if choice == 0:
            self.found.add(ExpectedId("analytics", ids["ga"]))
            return [
                '<script type="text/javascript">var _gaq = _gaq || [];'
                f"_gaq.push(['_setAccount', '{ids['ga']}']);_gaq.push(['_trackPageview']);</script>"
            ]
        if choice == 1:
            self.found.add(ExpectedId("analytics", f"cnzz:{ids['cnzz']}"))
            return [
                '<script type="text/javascript" src="http://s11.cnzz.com/stat.php?'
                f'id={ids["cnzz"]}&amp;web_id={ids["cnzz"]}"></script>'
            ]
        self.found.add(ExpectedId("analytics", f"baidu:{ids['baidu']}"))
        return [f'<script src="https://hm.baidu.com/hm.js?{ids["baidu"]}"></script>']

    def render(self, doc: PageDoc, fmt: str) -> Resource:
        plan = self.plan
        if fmt == "wml":
            text = render_wml(
                doc, version=self.rng.choice(("1.1", "1.3")), xml_encoding=plan.meta_label
            )
        elif fmt == "xhtml-mp":
            text = render_xhtml_mp(doc, xml_encoding=plan.meta_label, meta_charset=plan.meta_label)
        else:
            text = render_html5(doc, meta_charset=plan.meta_label)
        body = text.encode(plan.encoding)  # strict: a table word outside the charset is a bug
        if plan.bom:
            body = b"\xef\xbb\xbf" + body
        content_type = MEDIA_TYPES[fmt]
        if plan.header_label:
            content_type += f"; charset={plan.header_label}"
        return Resource(content_type=content_type, body=body)


def build_site(rng: random.Random, spec: SiteSpec, *, pages: int = 10) -> SampleSite:
    """Render a content site from its spec (pages, images, favicon) with its ground truth."""
    builder = _Builder(rng, spec, pages)
    resources: dict[str, Resource] = {}
    porn_pages = []
    for index, path in enumerate(builder.paths):
        topic = builder.topic_of(index)
        if topic is Topic.PORN:
            porn_pages.append(path)
        doc = builder.doc(index, topic)
        resource = builder.render(doc, spec.fmt)
        if spec.ua_mode == "format":  # the same content as WML for WAP handsets
            resource.variants[ClientClass.WAP] = builder.render(doc, "wml")
        elif spec.ua_mode == "cloak":  # porn-like to handsets, harmless to desktops
            safe = builder.doc(index, Topic.WEATHER)
            resource.variants[ClientClass.DESKTOP] = builder.render(safe, spec.fmt)
        resources[path.split("?", 1)[0]] = resource
    for src, _, image in builder.images:
        resources[src] = image
    icon_seed = rng.randrange(_IMAGE_SEEDS)
    resources["/favicon.ico"] = Resource(
        content_type=media.IMAGE_TYPES["ico"], body=None, lazy=lambda: media.favicon(icon_seed)
    )
    formats = (spec.fmt, "wml") if spec.ua_mode == "format" else (spec.fmt,)
    identifiers = set(builder.found)
    if spec.icp:
        identifiers.add(ExpectedId("icp", icp_ascii(spec.icp)))
    truth = SiteTruth(
        kind=spec.kind,
        topic=spec.topic,
        icp_status=spec.icp_status,
        icp_number=icp_ascii(spec.icp) if spec.icp else None,
        identifiers=tuple(sorted(identifiers, key=lambda i: (i.kind, i.value))),
        charset=builder.plan,
        formats=formats,
        porn_pages=tuple(porn_pages),
        note=spec.note or (f"ua_mode={spec.ua_mode}" if spec.ua_mode else ""),
    )
    return SampleSite(spec.host, truth, resources, builder.paths, builder.paths[0])


def icp_ascii(number: str) -> str:
    """The ICP number with full-width digits made ASCII."""
    return number.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})


def fullwidth(number: str) -> str:
    """The ICP number printed with full-width digits, as many footers do."""
    return number.translate(_FULLWIDTH)


def mirror_site(origin: SampleSite, host: str) -> SampleSite:
    """``origin``'s exact bytes on another domain (a borrowed number, if it prints one)."""
    truth = replace(
        origin.truth,
        kind=SiteKind.MIRROR,
        mirror_of=origin.host,
        icp_status="borrowed" if origin.truth.icp_number else "none",
    )
    return SampleSite(host, truth, origin.resources, list(origin.pages), origin.entry)


__all__ = [
    "CHARSETS",
    "FORMATS",
    "MEDIA_TYPES",
    "SiteSpec",
    "build_site",
    "fullwidth",
    "icp_ascii",
    "mirror_site",
]

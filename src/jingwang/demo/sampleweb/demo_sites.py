"""The demo registry's sites (see :mod:`jingwang.demo.registry`) as sample-web site specs.

The demo campaign probes these names, so the default sample web serves them with what the
registry's story says: unfiled porn-like sites, a borrowed filing number in full-width digits,
a revoked filing still printed, a licence number, and the promotion channels' and SP
services' landing pages at the paths the registry lists.
"""

from __future__ import annotations

from jingwang.demo.sampleweb.content import Topic
from jingwang.demo.sampleweb.model import SiteKind
from jingwang.demo.sampleweb.sites import SiteSpec

_NANYUE = "粤ICP备09012345号"

DEMO_SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        "nanyue-news.test",
        SiteKind.BENIGN,
        Topic.NEWS,
        "xhtml-mp",
        "gb2312",
        title="南粤资讯",
        icp=_NANYUE,
        icp_status="right",
    ),
    SiteSpec(
        "nanyue-wap.test",
        SiteKind.BENIGN,
        Topic.NEWS,
        "wml",
        "gb2312",
        title="南粤资讯",
        icp=_NANYUE,
        icp_status="right",
    ),
    SiteSpec(
        "nanyue-3g.test",
        SiteKind.BENIGN,
        Topic.NEWS,
        "html5",
        "utf-8",
        title="南粤资讯",
        icp=_NANYUE,
        icp_status="borrowed",
        note="its holder's own filing, which does not list this domain",
    ),
    SiteSpec(
        "yc-dongman.test",
        SiteKind.BENIGN,
        Topic.GAMES,
        "xhtml-mp",
        "utf-8",
        title="羊城动漫",
        icp="粤ICP备09023456号-1",
        icp_status="right",
        paths=("/", "/m/"),
        note="promotion channel landing pages / and /m/",
    ),
    SiteSpec(
        "jingbei-wap.test",
        SiteKind.BENIGN,
        Topic.RINGTONES,
        "wml",
        "gbk",
        title="京北无线",
        icp="京ICP备08034567号",
        icp_status="right",
        note="the filing was revoked",
    ),
    SiteSpec(
        "jingbei-mall.test",
        SiteKind.SP,
        Topic.RINGTONES,
        "xhtml-mp",
        "utf-8",
        title="京北商城",
        icp="京ICP证090123号",
        icp_status="right",
        paths=("/", "/tuling/"),
        text="京北商城 星河图铃",
    ),
    SiteSpec(
        "lexun-game.test",
        SiteKind.SP,
        Topic.GAMES,
        "wml",
        "utf-8",
        title="乐讯游戏",
        icp="粤ICP备09045678号",
        icp_status="right",
        paths=("/", "/wap/"),
    ),
    SiteSpec(
        "th-meinv.test",
        SiteKind.PORN,
        Topic.PORN,
        "wml",
        "gb2312",
        title="美女图片站",
        paths=("/wap/index.wml", "/"),
    ),
    SiteSpec(
        "wap-xiaoshuo.test",
        SiteKind.PORN,
        Topic.PORN,
        "wml",
        "utf-8",
        title="免费小说",
        icp="粤ICP备０９０１２３４５号",
        icp_status="borrowed",
        paths=("/", "/vip/"),
        text="免费小说 手机看书",
    ),
    SiteSpec(
        "xx-tupian.test", SiteKind.PORN, Topic.PORN, "html5", "gbk-as-utf-8", title="性感图片站"
    ),
    SiteSpec("bj-yule.test", SiteKind.UNFILED, Topic.GAMES, "xhtml-mp", "utf-8", title="京北娱乐"),
)

__all__ = ["DEMO_SITES"]

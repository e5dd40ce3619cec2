"""Demo registry: who connects which demo sites, their filings, licences, a deep sublet chain,
promotion channels and SP services, a few decisions, and the findings the audits make of it all.

Loaded through the same importer operators use, so the demo exercises that path. The data is
written for the demo: `.test` domains, made-up holders, documentation IP ranges. What the audits
find in it, on purpose:

- sites connected with no filing at all (``th-meinv.test``, ``wap-xiaoshuo.test``, …), and one
  whose only filing was revoked (``jingbei-wap.test``);
- a domain of a filed site missing from the filing (``nanyue-3g.test``);
- a customer who is not the filing's holder (``yc-dongman.test``);
- a page that prints a borrowed filing number (``wap-xiaoshuo.test``);
- the sublet chain 华夏移动广东分公司 → 南粤数据接入 → 南粤一号机房 → 羊城主机代理 →
  天河小型主机代理 → 石牌微型主机代理, deeper than the default limit, whose last two
  resellers hold no operating licence;
- a connection on an address nobody let to the provider (``bj-yule.test``);
- a promotion channel and an SP service whose landing pages are on sites with a confirmed porn
  decision.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor
from jingwang.decisions.service import record_decision
from jingwang.registry import ImportMode, ImportOptions, ImportReport, import_csv
from jingwang.registry.audits import run_audit
from jingwang.registry.models import AuditRun, ObservedNumber
from jingwang.registry.observations import record_page_numbers
from jingwang.settings import Settings

AS_OF = dt.date(2010, 1, 15)

FILINGS = """number,holder,holder_type,status,domains,valid_from
粤ICP备09012345号,广州南粤资讯有限公司,company,active,nanyue-news.test;nanyue-wap.test,2009-03-02
粤ICP备09023456号-1,羊城动漫工作室,individual,active,yc-dongman.test,2009-06-18
京ICP备08034567号,京北无线科技有限公司,company,revoked,jingbei-wap.test,2008-11-05
京ICP证090123号,京北无线科技有限公司,company,active,jingbei-mall.test,2009-01-20
粤ICP备09045678号,乐讯增值服务,company,active,lexun-game.test,2009-07-01
"""

SITES = """site,operator,domains,valid_from
南粤资讯,广州南粤资讯有限公司,nanyue-news.test;nanyue-wap.test;nanyue-3g.test,2009-03-05
"""

LICENCES = """org,number,kind,status,expires_on,valid_from
华夏移动广东分公司,A1.A2-20000001,other,active,,2000-04-20
华夏电信北京分公司,A1.A2-20020002,other,active,,2002-05-16
南粤数据接入有限公司,B1-20080001,isp,active,,2008-01-10
南粤一号机房,B1-20080002,idc,active,,2008-03-01
羊城主机代理,B1-20090107,idc,active,2039-04-19,2009-04-20
京北云接入有限公司,B1-20070033,isp,active,,2007-05-08
京北主机代理,B1-20060099,idc,expired,2009-12-31,2006-12-01
"""

SUBLETS = """parent,child,ip_range,evidence,valid_from
华夏移动广东分公司,南粤数据接入有限公司,198.51.100.0/24,IP地址分配记录 HXM-GD-2008-117,2008-12-01
南粤数据接入有限公司,南粤一号机房,198.51.100.0/24,机房托管合同 NY-2009-001,2009-01-01
南粤一号机房,羊城主机代理,198.51.100.0/26,机柜转租协议 YC-2009-07,2009-05-01
羊城主机代理,天河小型主机代理,198.51.100.32/28,口头协议（无书面合同）,2009-08-01
天河小型主机代理,石牌微型主机代理,198.51.100.44/30,转租（无合同、无许可证）,2009-11-01
华夏电信北京分公司,京北云接入有限公司,203.0.113.0/24,IP地址分配记录 HXT-BJ-2008-045,2008-12-15
京北云接入有限公司,京北主机代理,203.0.113.0/25,代理合同 JB-2009-12,2009-02-01
"""

CONNECTIONS = """provider,domain,site,customer,ip_range,contract_ref,valid_from
南粤数据接入有限公司,nanyue-news.test,南粤资讯,广州南粤资讯有限公司,198.51.100.10,NY-C-0101,2009-03-05
南粤数据接入有限公司,nanyue-3g.test,南粤资讯,广州南粤资讯有限公司,198.51.100.11,NY-C-0102,2009-12-10
羊城主机代理,yc-dongman.test,羊城动漫,羊城某某网络科技有限公司,198.51.100.20,YC-C-0012,2009-06-20
羊城主机代理,lexun-game.test,乐讯游戏,乐讯增值服务,198.51.100.21,YC-C-0015,2009-07-05
天河小型主机代理,th-meinv.test,美女图片站,,198.51.100.40,,2009-09-01
天河小型主机代理,wap-xiaoshuo.test,免费小说,,198.51.100.41,,2009-10-12
石牌微型主机代理,xx-tupian.test,性感图片站,,198.51.100.45,,2009-11-20
京北主机代理,jingbei-wap.test,京北无线,京北无线科技有限公司,203.0.113.9,JB-C-0300,2009-01-10
京北主机代理,bj-yule.test,京北娱乐,,192.0.2.10,JB-C-0311,2009-12-01
京北云接入有限公司,jingbei-mall.test,京北商城,京北无线科技有限公司,203.0.113.80,JB-C-0301,2009-01-25
"""

CHANNELS = """carrier,partner,code,status,landing_urls,valid_from
华夏移动广东分公司,掌上推广联盟,GD-TG-0815,active,http://th-meinv.test/wap/index.wml;http://yc-dongman.test/,2009-10-01
华夏联通广东分公司,掌上推广联盟,GDU-TG-0102,active,http://yc-dongman.test/m/,2009-11-01
"""

SP_SERVICES = """carrier,sp,code,name,billing_type,status,landing_urls,valid_from
华夏移动广东分公司,乐讯增值服务,LX-8801,乐讯游戏包月,monthly,active,http://lexun-game.test/wap/;http://wap-xiaoshuo.test/vip/,2009-08-01
华夏移动北京分公司,星河无线,XH-2010,星河图铃,per_use,active,http://jingbei-mall.test/tuling/,2009-09-15
"""

FILES = (
    ("filing", FILINGS),
    ("site", SITES),
    ("licence", LICENCES),
    ("sublet", SUBLETS),
    ("connection", CONNECTIONS),
    ("channel", CHANNELS),
    ("sp_service", SP_SERVICES),
)

DECISIONS = (
    (
        "http://th-meinv.test/wap/index.wml",
        "porn",
        "演示：首页及图片页为淫秽色情图片（人工复核确认）",
    ),
    ("http://wap-xiaoshuo.test/", "porn", "演示：小说频道以色情小说为主（人工复核确认）"),
)

PAGES = (
    # a borrowed number: 南粤资讯's filing, printed by a site nobody filed
    ("http://wap-xiaoshuo.test/", "免费小说 手机看书 粤ICP备０９０１２３４５号"),
    ("http://jingbei-mall.test/", "京北商城 京ICP证090123号"),
)


def seed_demo_registry(session: Session) -> list[ImportReport]:
    """Load the demo registry through the importer (idempotent: a re-run changes nothing)."""
    actor = Actor.system("demo")
    return [
        import_csv(
            session,
            actor,
            text.encode("utf-8"),
            ImportOptions(kind, ImportMode.DELTA, as_of=AS_OF, file_name=f"demo-{kind}.csv"),
        )
        for kind, text in FILES
    ]


def seed_demo_findings(session: Session, settings: Settings | None = None) -> AuditRun:
    """Record the demo's decisions and page observations, then run a full audit (idempotent)."""
    actor = Actor.system("demo")
    for target, verdict, reason in DECISIONS:
        record_decision(session, actor, target, verdict, reason)
    seen = set(session.scalars(select(ObservedNumber.url).where(ObservedNumber.source == "manual")))
    for url, text in PAGES:
        if url not in seen:  # a re-seed adds no second observation of the same page
            record_page_numbers(session, url, text, source="manual")
    return run_audit(session, actor, mode="full", settings=settings)


__all__ = ["AS_OF", "seed_demo_findings", "seed_demo_registry"]

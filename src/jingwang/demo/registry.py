"""Demo registry: who connects which demo sites, their filings, and a sublet chain.

Loaded through the same CSV importer operators use, so the demo exercises that path. The data
is written for the demo: `.test` domains, made-up holders, documentation IP ranges. It shows an
access provider's inventory through a reseller chain, a site connected without any filing, a
filing whose number is revoked, and a sub-reseller without a written contract.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor
from jingwang.registry import ImportMode, ImportOptions, ImportReport, import_csv

AS_OF = dt.date(2010, 1, 15)

FILINGS = """number,holder,holder_type,status,domains,valid_from
粤ICP备09012345号,广州南粤资讯有限公司,company,active,nanyue-news.test;nanyue-wap.test,2009-03-02
粤ICP备09023456号-1,羊城动漫工作室,individual,active,yc-dongman.test,2009-06-18
京ICP备08034567号,京北无线科技有限公司,company,revoked,jingbei-wap.test,2008-11-05
京ICP证090123号,京北无线科技有限公司,company,active,jingbei-mall.test,2009-01-20
"""

SUBLETS = """parent,child,ip_range,evidence,valid_from
南粤数据接入有限公司,南粤一号机房,198.51.100.0/24,机房托管合同 NY-2009-001,2009-01-01
南粤一号机房,羊城主机代理,198.51.100.0/26,机柜转租协议 YC-2009-07,2009-05-01
羊城主机代理,天河小型主机代理,198.51.100.32/28,口头协议（无书面合同）,2009-08-01
京北云接入有限公司,京北主机代理,203.0.113.0/25,代理合同 JB-2009-12,2009-02-01
"""

CONNECTIONS = """provider,domain,site,ip_range,contract_ref,valid_from
南粤数据接入有限公司,nanyue-news.test,南粤资讯,198.51.100.10,NY-C-0101,2009-03-05
羊城主机代理,yc-dongman.test,羊城动漫,198.51.100.20,YC-C-0012,2009-06-20
天河小型主机代理,th-meinv.test,美女图片站,198.51.100.40,,2009-09-01
天河小型主机代理,wap-xiaoshuo.test,免费小说,198.51.100.41,,2009-10-12
京北主机代理,jingbei-wap.test,京北无线,203.0.113.9,JB-C-0300,2009-01-10
京北云接入有限公司,jingbei-mall.test,京北商城,203.0.113.80,JB-C-0301,2009-01-25
"""


def seed_demo_registry(session: Session) -> list[ImportReport]:
    """Load the demo registry through the importer (idempotent: a re-run changes nothing)."""
    actor = Actor.system("demo")
    files = (("filing", FILINGS), ("sublet", SUBLETS), ("connection", CONNECTIONS))
    return [
        import_csv(
            session,
            actor,
            text.encode("utf-8"),
            ImportOptions(kind, ImportMode.DELTA, as_of=AS_OF, file_name=f"demo-{kind}.csv"),
        )
        for kind, text in files
    ]


__all__ = ["AS_OF", "seed_demo_registry"]

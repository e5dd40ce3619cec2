"""Findings' subjects in the reader's language: every rule in zh and en, on crafted evidence and
on the findings a real audit stores, and the stored subject when the evidence falls short."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from registry_auditkit import (
    audit,
    channel,
    connect,
    decide,
    filing,
    findings,
    let,
    licence,
    org,
    site,
)
from sqlalchemy.orm import Session

from jingwang.registry.audits import RULES
from jingwang.registry.audits.subjects import WRITERS, language_of, subject_text, subjects
from jingwang.registry.findings import describe
from jingwang.registry.observations import record_page_numbers

SEEN = dt.datetime(2010, 5, 1, tzinfo=dt.UTC)
# What the English subjects say in words; none of it may show on a Chinese page.
ENGLISH = ("page shows", "not in the filing", "its site", "not listed in", "not let to")
STATUSES = ("revoked", "expired", "cancelled")

CONNECTION = {
    "connection_id": 7,
    "provider_org_id": 3,
    "provider": "南粤接入",
    "domain": "wap-xiaoshuo.test",
    "site": None,
    "ip_range": "192.0.2.10/32",
    "connected_since": "2010-01-01",
}

# rule → (evidence, stored subject, zh, en)
CASES: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "unfiled_site_connected": (
        CONNECTION,
        "wap-xiaoshuo.test ← 南粤接入",
        "wap-xiaoshuo.test ← 南粤接入",
        "wap-xiaoshuo.test ← 南粤接入",
    ),
    "filing_revoked_or_expired": (
        {
            **CONNECTION,
            "domain": "jingbei-wap.test",
            "filings": [
                {"number": "京ICP备05002571号", "status": "revoked"},
                {"number": "京ICP备05002572号", "status": "expired"},
                {"number": "京ICP备05002573号", "status": "cancelled"},
            ],
        },
        "jingbei-wap.test: cancelled/expired/revoked",
        "jingbei-wap.test：备案已注销/过期/吊销",
        "jingbei-wap.test: cancelled/expired/revoked",
    ),
    "domain_not_in_filing": (
        {**CONNECTION, "domain": "nanyue-3g.test", "site": "南粤资讯", "site_filed_domains": []},
        "nanyue-3g.test: not in the filing of 南粤资讯",
        "nanyue-3g.test：不在南粤资讯的备案中",
        "nanyue-3g.test: not in the filing of 南粤资讯",
    ),
    "holder_mismatch": (
        {
            **CONNECTION,
            "customer": "深圳市别家科技有限公司",
            "filings": [{"number": "粤ICP备09012345号", "holder": "深圳市好店科技有限公司"}],
        },
        "wap-xiaoshuo.test: 深圳市别家科技有限公司 ≠ 深圳市好店科技有限公司",
        "wap-xiaoshuo.test：接入客户 深圳市别家科技有限公司 ≠ 备案主体 深圳市好店科技有限公司",
        "wap-xiaoshuo.test: 深圳市别家科技有限公司 ≠ 深圳市好店科技有限公司",
    ),
    "page_number_mismatch": (
        {
            **CONNECTION,
            "page_url": "http://wap-xiaoshuo.test/",
            "shown_numbers": ["粤ICP备09012345号"],
            "shown_text": [],
            "filings": [],
        },
        "wap-xiaoshuo.test: page shows 粤ICP备09012345号",
        "wap-xiaoshuo.test：页面显示 粤ICP备09012345号",
        "wap-xiaoshuo.test: page shows 粤ICP备09012345号",
    ),
    "sublet_too_deep": (
        {"depth": 4, "limit": 3, "chain": ["华夏移动", "大机房", "一级转租", "二级转租", "x"]},
        "华夏移动 → 大机房 → 一级转租 → 二级转租 → x",
        "华夏移动 → 大机房 → 一级转租 → 二级转租 → x",
        "华夏移动 → 大机房 → 一级转租 → 二级转租 → x",
    ),
    "unlicensed_reseller": (
        {"org_id": 5, "org": "无证转租", "let_by_org_id": 4, "let_by": "大机房", "ranges": []},
        "无证转租 ← 大机房",
        "无证转租 ← 大机房",
        "无证转租 ← 大机房",
    ),
    "undeclared_ip_range": (
        {**CONNECTION, "domain": "x.test", "provider_kind": "reseller", "ranges_let": []},
        "x.test: 192.0.2.10/32 not let to 南粤接入",
        "x.test：192.0.2.10/32 未分配给南粤接入",
        "x.test: 192.0.2.10/32 not let to 南粤接入",
    ),
    "landing_on_illegal_site": (
        {
            "kind": "sp_service",
            "code": "SP77",
            "sp": "热点SP",
            "landing_domain": "porn.test",
            "urls": ["http://wap.porn.test/pay"],
            "decisions": [],
        },
        "SP77 (热点SP) → porn.test",
        "SP77（热点SP）→ porn.test",
        "SP77 (热点SP) → porn.test",
    ),
}


def test_every_rule_has_a_writer_and_a_case() -> None:
    assert set(WRITERS) == set(RULES) == set(CASES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_rule_in_both_languages(rule: str) -> None:
    evidence, stored, zh, en = CASES[rule]
    assert subject_text(rule, evidence, stored, "zh-CN") == zh
    assert subject_text(rule, evidence, stored, "zh") == zh
    assert subject_text(rule, evidence, stored, "en") == en
    assert subjects(rule, evidence, stored) == {"zh": zh, "en": en}
    assert not [words for words in (*ENGLISH, *STATUSES) if words in zh]


def test_domain_not_in_filing_by_the_page_and_without_a_site() -> None:
    by_page = {**CONNECTION, "page_filings": ["粤ICP备09012348号-1"], "shown_numbers": []}
    stored = "wap-xiaoshuo.test: not listed in 粤ICP备09012348号-1"
    assert subjects("domain_not_in_filing", by_page, stored) == {
        "zh": "wap-xiaoshuo.test：未列入备案 粤ICP备09012348号-1 的域名",
        "en": stored,
    }
    no_site = subjects("domain_not_in_filing", CONNECTION, "old")
    assert no_site["zh"] == "wap-xiaoshuo.test：不在所属网站的备案中"
    assert no_site["en"] == "wap-xiaoshuo.test: not in the filing of its site"


def test_a_channel_and_a_page_showing_only_text() -> None:
    landing = {"code": "CH1", "partner": "Hot Partner", "landing_domain": "porn.test"}
    assert (
        subject_text("landing_on_illegal_site", landing, "", "zh")
        == "CH1（Hot Partner）→ porn.test"
    )
    garbled = {**CONNECTION, "shown_numbers": [], "shown_text": ["京ICP备XXXXXXXX号"]}
    assert (
        subject_text("page_number_mismatch", garbled, "", "zh")
        == "wap-xiaoshuo.test：页面显示 京ICP备XXXXXXXX号"
    )


@pytest.mark.parametrize(
    ("rule", "evidence"),
    [
        ("unfiled_site", {"domain": "unfiled.cn"}),  # a rule no longer known
        ("page_number_mismatch", {"domain": "x.test"}),  # nothing shown recorded
        ("filing_revoked_or_expired", {"domain": "x.test", "filings": []}),
        ("filing_revoked_or_expired", {"domain": "x.test", "filings": "revoked"}),
        ("holder_mismatch", {"domain": "x.test"}),
        ("undeclared_ip_range", {"domain": "x.test", "provider": "P"}),
        ("domain_not_in_filing", {"domain": "x.test"}),
        ("landing_on_illegal_site", {"code": "C", "landing_domain": "x.test"}),
        ("sublet_too_deep", {"chain": []}),
        ("unlicensed_reseller", {}),
        ("unfiled_site_connected", None),
    ],
)
def test_evidence_lacking_a_fact_shows_the_stored_subject(rule: str, evidence: Any) -> None:
    assert subjects(rule, evidence, "as stored") == {"zh": "as stored", "en": "as stored"}


def test_languages() -> None:
    assert [language_of(x) for x in ("zh", "zh-CN", "zh_CN", "ZH", "en", "en-GB", "")] == [
        "zh",
        "zh",
        "zh",
        "zh",
        "en",
        "en",
        "en",
    ]


def _every_rule(session: Session) -> None:
    """Registry facts on which each of the nine rules finds something."""
    carrier = org(session, "China Carrier", "carrier")
    idc = org(session, "Big IDC")
    ap = org(session, "Fast Access", "reseller")
    let(session, carrier, idc, "10.0.0.0/8")
    licence(session, idc)
    let(session, idc, ap, "10.1.0.0/16")  # ap: unlicensed, connects sites
    connect(session, ap, "nofile.test", ip="10.2.0.0/24")  # unfiled, undeclared
    filing(session, "粤ICP备09000001号", "Gone Ltd", "gone.test", status="revoked")
    filing(session, "粤ICP备09000002号", "Gone Ltd", "gone.test", status="expired")
    connect(session, ap, "gone.test")
    shop = site(session, "Shop", "shop.test", "shop-m.test")
    filing(session, "粤ICP备09012346号", "Shop Ltd", "shop.test", "fake.test")
    connect(session, ap, "shop-m.test", site_id=shop)
    filing(session, "粤ICP备09012348号-1", "Other Ltd", "other.test")
    connect(session, ap, "copy.test")
    record_page_numbers(session, "http://copy.test/", "粤ICP备09012348号", observed_at=SEEN)
    filing(session, "粤ICP备09012347号", "News Ltd.", "news.test")
    connect(session, ap, "news.test", customer="Someone Else Ltd")
    connect(session, ap, "fake.test")
    record_page_numbers(session, "http://fake.test/", "京ICP备05002571号", observed_at=SEEN)
    chain = [idc] + [org(session, f"Level {n}", "reseller") for n in range(1, 4)]
    for parent, child in itertools.pairwise(chain):
        let(session, parent, child)
    connect(session, chain[-1], "deep.test")  # carrier → idc → L1 → L2 → L3: 4 edges
    site(session, "Hot", "porn.test")
    decide(session, "porn.test")
    channel(session, carrier, "CH1", "http://m.porn.test/a")


def test_a_real_audit_s_findings_read_the_same_in_english_and_have_no_english_in_zh(
    session: Session,
) -> None:
    _every_rule(session)
    audit(session)
    stored = findings(session)
    assert {f.rule for f in stored} == set(RULES)
    for f in stored:
        assert subject_text(f.rule, f.evidence, f.subject, "en") == f.subject, f.rule
        zh = subject_text(f.rule, f.evidence, f.subject, "zh-CN")
        assert not [w for w in (*ENGLISH, *STATUSES) if w in zh], (f.rule, zh)
    gone = next(f for f in stored if f.rule == "filing_revoked_or_expired")
    assert (
        subject_text(gone.rule, gone.evidence, gone.subject, "zh") == "gone.test：备案已过期/吊销"
    )
    infos = describe(session, stored, "zh-CN")
    page = next(
        info for info in infos if info.rule == "page_number_mismatch" and info.domain == "fake.test"
    )
    assert page.subject == "fake.test: page shows 京ICP备05002571号"
    assert page.subject_text == page.subjects["zh"] == "fake.test：页面显示 京ICP备05002571号"
    assert page.subjects["en"] == page.subject
    assert {info.subject_text for info in infos if info.rule == "domain_not_in_filing"} == {
        "copy.test：未列入备案 粤ICP备09012348号-1 的域名",
        "shop-m.test：不在Shop的备案中",
    }

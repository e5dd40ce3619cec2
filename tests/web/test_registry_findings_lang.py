"""Findings' subjects on the pages and in the API are in the reader's language: a Chinese page
shows no English fragment of the stored subject; the API returns both."""

from __future__ import annotations

import pytest

from accounts.accountkit import cheap_config, make_org, make_user
from accounts.webkit import EN, HTML, cheap_app, logged_in
from jingwang.registry.models import Domain, Finding

CONNECTED = {"provider": "南粤接入", "site": None, "ip_range": "192.0.2.10/32"}
# rule → (domain, stored subject, evidence beyond the connection's)
FINDINGS = {
    "page_number_mismatch": (
        "wap-xiaoshuo.test",
        "wap-xiaoshuo.test: page shows 粤ICP备09012345号",
        {"shown_numbers": ["粤ICP备09012345号"], "shown_text": []},
    ),
    "domain_not_in_filing": (
        "nanyue-3g.test",
        "nanyue-3g.test: not in the filing of 南粤资讯",
        {"site": "南粤资讯"},
    ),
    "filing_revoked_or_expired": (
        "jingbei-wap.test",
        "jingbei-wap.test: revoked",
        {"filings": [{"number": "京ICP备05002571号", "status": "revoked"}]},
    ),
    "undeclared_ip_range": (
        "x.test",
        "x.test: 192.0.2.10/32 not let to 南粤接入",
        {"ranges_let": []},
    ),
}
ENGLISH = ("page shows", "not in the filing", "test: revoked", "not let to")


@pytest.fixture
def ids(live_db):
    with live_db.session() as s:
        ap = make_org(s, "南粤接入", "access_provider", "GD")
        make_user(s, ap, "ap-liaison", ["liaison"], config=cheap_config())
        found = {}
        for rule, (name, subject, more) in FINDINGS.items():
            domain = Domain(name=name)
            s.add(domain)
            s.flush()
            finding = Finding(
                rule=rule,
                key=f"{ap.id}:{name}",
                severity="high",
                addressee_org_id=ap.id,
                province="GD",
                domain_id=domain.id,
                subject=subject,
                evidence={**CONNECTED, "domain": name, **more},
            )
            s.add(finding)
            s.flush()
            found[rule] = finding.id
    return found


@pytest.fixture
def client(live_settings):
    with logged_in(cheap_app(live_settings)) as login:
        yield login("ap-liaison")


def test_the_chinese_findings_list_and_detail_show_no_english_fragment(ids, client):
    page = client.get("/registry/findings", headers=HTML)
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert not [words for words in ENGLISH if words in page.text]
    for text in (
        "wap-xiaoshuo.test：页面显示 粤ICP备09012345号",
        "nanyue-3g.test：不在南粤资讯的备案中",
        "jingbei-wap.test：备案已吊销",
        "x.test：192.0.2.10/32 未分配给南粤接入",
    ):
        assert text in page.text
    detail = client.get(f"/registry/findings/{ids['page_number_mismatch']}", headers=HTML).text
    assert "wap-xiaoshuo.test：页面显示 粤ICP备09012345号" in detail
    assert "page shows" not in detail


def test_the_english_pages_show_the_english_subject(ids, client):
    page = client.get("/registry/findings", headers=EN).text
    assert "wap-xiaoshuo.test: page shows 粤ICP备09012345号" in page
    assert "页面显示" not in page
    detail = client.get(f"/registry/findings/{ids['undeclared_ip_range']}", headers=EN).text
    assert "x.test: 192.0.2.10/32 not let to 南粤接入" in detail


def test_the_api_returns_the_stored_subject_and_both_languages(ids, client):
    items = client.get("/api/registry/findings?lang=en").json()["items"]
    by_rule = {item["rule"]: item for item in items}
    dead = by_rule["filing_revoked_or_expired"]
    assert dead["subject"] == dead["subject_text"] == "jingbei-wap.test: revoked"
    assert dead["subjects"] == {"zh": "jingbei-wap.test：备案已吊销", "en": dead["subject"]}
    one = client.get(f"/api/registry/findings/{ids['domain_not_in_filing']}").json()
    assert one["subject"] == "nanyue-3g.test: not in the filing of 南粤资讯"
    assert one["subject_text"] == "nanyue-3g.test：不在南粤资讯的备案中"  # lang: zh-CN by default

"""The gate on the web: ``POST /api/registry/connect-check`` and the ``/registry/connect-check``
page (full page and htmx fragment), with reach: a provider checks for its own tree only."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from accounts.accountkit import SYSTEM, cheap_config, make_org, make_user
from accounts.webkit import EN, HTTPS, PASSWORD, ZH, cheap_app, log_in
from jingwang.accounts.schemas import TokenCreate
from jingwang.accounts.tokens import create_token
from jingwang.decisions.service import record_decision
from jingwang.registry import ImportOptions, import_csv
from jingwang.store.base import utcnow

FILINGS = (
    "number,holder,status,domains\n"
    "粤ICP备2021123456号,快乐网络有限公司,active,wap.happy.test\n"
    "粤ICP备2009012345号,Gone Ltd,revoked,gone.test\n"
)


@pytest.fixture
def world(live_db):
    with live_db.session() as session:
        ap = make_org(session, "Fast Access", "access_provider", "GD")
        make_org(session, "Reseller One", "reseller", "GD", parent=ap)
        other = make_org(session, "Other Access", "access_provider", "BJ")
        config = cheap_config()
        make_user(session, ap, "ap-viewer", ["viewer"], config=config)
        options = ImportOptions("filing", as_of=dt.date(2010, 1, 1), file_name="filings.csv")
        assert import_csv(session, SYSTEM, FILINGS.encode(), options).applied
        record_decision(session, SYSTEM, "casino.test", "gambling", "bets")
        tokens = {
            "ap": create_token(
                session,
                SYSTEM,
                TokenCreate(org_id=ap.id, name="gate", scopes=["registry:read"]),
                config,
                utcnow(),
            ).secret,
            "other": create_token(
                session,
                SYSTEM,
                TokenCreate(org_id=other.id, name="gate", scopes=["registry:read"]),
                config,
                utcnow(),
            ).secret,
        }
    return {"tokens": tokens, "ap": ap.id, "other": other.id}


@pytest.fixture
def app(live_settings):
    return cheap_app(live_settings)


@pytest.fixture
def api(app, world):
    with TestClient(app, base_url=HTTPS) as client:

        def check(token="ap", **body):
            headers = {"Authorization": f"Bearer {world['tokens'][token]}"}
            return client.post("/api/registry/connect-check", json=body, headers=headers)

        yield check


@pytest.fixture
def page(app, world):
    with TestClient(app, base_url=HTTPS) as client:
        assert log_in(client, "ap-viewer").status_code == 303
        yield client


def test_the_api_answers_allowed_with_the_filing(api):
    response = api(domain="http://wap.happy.test/index", on="2010-02-01")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["allowed"] is True
    assert answer["domain"] == "happy.test"
    assert answer["on"] == "2010-02-01"
    assert answer["filings"][0]["number"] == "粤ICP备2021123456号"
    assert answer["reasons"] == []


def test_the_api_answers_refused_with_reasons_and_warnings(api, world):
    gone = api(domain="gone.test", provider="Reseller One").json()
    assert gone["allowed"] is False
    assert [r["code"] for r in gone["reasons"]] == ["filing_revoked"]
    assert gone["reasons"][0]["message_zh"]
    casino = api(domain="casino.test", provider=world["ap"]).json()
    assert [r["code"] for r in casino["reasons"]] == ["not_filed", "illegal_decision"]
    assert casino["reasons"][1]["details"]["verdict"] == "gambling"
    warned = api(domain="happy.test", customer="Somebody Else").json()
    assert warned["allowed"] is True
    assert [w["code"] for w in warned["warnings"]] == ["customer_differs"]


def test_the_api_errors(api, world):
    bad = api(domain="com.cn")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "domain.invalid"
    assert api(domain="happy.test", provider="Nobody").status_code == 404
    assert api(domain="happy.test", on="someday").status_code == 422
    # A provider cannot check for another provider's tree.
    refused = api(domain="happy.test", provider=world["other"])
    assert refused.status_code == 403
    assert api(token="other", domain="happy.test", provider="Fast Access").status_code == 403
    assert api(token="other", domain="happy.test").json()["provider_org_id"] == world["other"]


def test_the_page_shows_the_form_then_the_answer_in_both_languages(page):
    empty = page.get("/registry/connect-check", headers=EN)
    assert empty.status_code == 200
    assert 'value="Fast Access"' in empty.text  # the provider defaults to one's own
    assert "data-allowed" not in empty.text
    english = page.get("/registry/connect-check", params={"domain": "gone.test"}, headers=EN)
    assert 'data-allowed="false"' in english.text
    assert 'data-code="filing_revoked"' in english.text
    assert "which is revoked" in english.text
    chinese = page.get("/registry/connect-check", params={"domain": "gone.test"}, headers=ZH)
    assert "已被吊销" in chinese.text
    allowed = page.get(
        "/registry/connect-check", params={"domain": "happy.test", "on": "2010-02-01"}, headers=EN
    )
    assert 'data-allowed="true"' in allowed.text
    assert "快乐网络有限公司" in allowed.text


def test_the_htmx_fragment_and_errors_on_the_page(page):
    htmx = {**EN, "HX-Request": "true", "HX-Target": "connect-check-answer"}
    fragment = page.get("/registry/connect-check", params={"domain": "happy.test"}, headers=htmx)
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="connect-check-answer"')
    assert "<html" not in fragment.text
    bad = page.get("/registry/connect-check", params={"domain": "com.cn"}, headers=htmx)
    assert bad.status_code == 200
    assert 'data-error-code="domain.invalid"' in bad.text
    full = page.get("/registry/connect-check", params={"domain": "com.cn"}, headers=EN)
    assert full.status_code == 422
    assert 'data-error-code="domain.invalid"' in full.text
    other = page.get(
        "/registry/connect-check",
        params={"domain": "happy.test", "provider": "Other Access"},
        headers=EN,
    )
    assert other.status_code == 403


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_swaps_the_answer_in_with_htmx(world, live_settings, start_serve, open_browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    browser = open_browser(start_serve(live_settings).url)
    origin = browser.origin
    page = browser.new_page()
    page.goto(origin + "/login?next=/registry/connect-check")
    page.fill("#username", "ap-viewer")
    page.fill("#password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(origin + "/registry/connect-check")
    assert page.input_value("#c-provider") == "Fast Access"
    page.evaluate("window.__same_page = true")  # gone if the page reloads
    page.fill("#c-domain", "gone.test")
    page.press("#c-domain", "Enter")
    answer = page.locator("#connect-check-answer [data-allowed]")
    expect(answer).to_have_attribute("data-allowed", "false")
    expect(page.locator('#connect-check-answer li[data-code="filing_revoked"]')).to_contain_text(
        "已被吊销"
    )
    page.wait_for_url(lambda url: "domain=gone.test" in url, wait_until="commit")
    assert page.evaluate("window.__same_page") is True
    assert browser.problems == []
    assert browser.off_site == []

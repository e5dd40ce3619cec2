"""An organisation filter at scale in real Chromium against a real `jingwang serve`: with more
organisations within reach than a dropdown lists, the filter is a text field whose suggestions
htmx fetches as one types (under the strict CSP, without changing the address), and a typed
name filters the results."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.accountkit import PASSWORD, make_org, make_user
from jingwang.accounts.models import Organisation
from jingwang.registry.models import Connection, Domain, SubletEdge
from jingwang.registry.orgpick import PICK_LIMIT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api").expect

START = dt.date(2010, 1, 1)


@pytest.fixture
def served(live_db, live_settings, start_serve):
    with live_db.session() as s:
        ap = make_org(s, "快接入", "access_provider", "GD")
        reseller = make_org(s, "一级代理", "reseller", "GD", parent=ap)
        s.add_all(
            Organisation(name=f"批量代理 {n:03d}", kind="reseller", province="GD", parent_id=ap.id)
            for n in range(PICK_LIMIT)
        )
        make_user(s, ap, "picker-liaison", ["liaison"])
        domain = Domain(name="wap.reseller.test")
        own = Domain(name="wap.own.test")
        s.add_all([domain, own])
        s.flush()
        s.add_all(
            [
                Connection(provider_org_id=reseller.id, domain_id=domain.id, valid_from=START),
                Connection(provider_org_id=ap.id, domain_id=own.id, valid_from=START),
                SubletEdge(
                    parent_org_id=ap.id,
                    child_org_id=reseller.id,
                    ip_range="10.1.0.0/16",
                    valid_from=START,
                ),
            ]
        )
    return start_serve(live_settings)


def test_a_typed_name_is_suggested_and_filters(open_browser, served):
    browser = open_browser(served.url)
    origin = browser.origin
    page = browser.new_page()
    page.goto(origin + "/login")
    page.fill("#username", "picker-liaison")
    page.fill("#password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(origin + "/")

    page.goto(origin + "/registry/connections")
    field = page.locator("input#f-provider")
    expect(field).to_have_attribute("list", "f-provider-suggestions")
    field.fill("一级")
    options = page.locator("#f-provider-suggestions option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "一级代理")
    assert page.url == origin + "/registry/connections"  # suggestions do not move the page
    field.fill("批量")
    expect(options).to_have_count(20)

    field.fill("一级代理")
    field.press("Enter")
    page.wait_for_url(lambda url: "provider=" in url)
    results = page.locator("#registry-results")
    expect(results).to_contain_text("wap.reseller.test")
    expect(results).not_to_contain_text("wap.own.test")
    assert browser.problems == []
    assert browser.off_site == []

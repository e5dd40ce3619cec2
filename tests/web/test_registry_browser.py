"""The registry views in real Chromium against a real `jingwang serve`: the menu link, the sublet
tree, findings filtered by htmx, and a finding's state changed through the htmx form under the
strict CSP (the state panel is swapped, the page does not reload)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.accountkit import PASSWORD, make_org, make_user
from jingwang.registry.models import Connection, Domain, Finding, SubletEdge

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api").expect

START = dt.date(2010, 1, 1)


@pytest.fixture
def served(live_db, live_settings, start_serve):
    with live_db.session() as s:
        ap = make_org(s, "快接入", "access_provider", "GD")
        reseller = make_org(s, "一级代理", "reseller", "GD", parent=ap)
        make_user(s, ap, "browser-liaison", ["liaison"])
        domain = Domain(name="wap.unfiled.test")
        s.add(domain)
        s.flush()
        s.add(Connection(provider_org_id=reseller.id, domain_id=domain.id, valid_from=START))
        s.add(
            SubletEdge(
                parent_org_id=ap.id,
                child_org_id=reseller.id,
                ip_range="10.1.0.0/16",
                evidence="合同 R-1",
                valid_from=START,
            )
        )
        for rule, subject in (("unfiled_site_connected", "wap.unfiled.test"), ("x", "其他")):
            s.add(
                Finding(
                    rule=rule,
                    key=f"{rule}:{subject}",
                    severity="high",
                    addressee_org_id=reseller.id,
                    province="GD",
                    domain_id=domain.id if rule != "x" else None,
                    subject=subject,
                    evidence={"domain": subject},
                )
            )
    return start_serve(live_settings)


def test_tree_findings_and_a_state_change(open_browser, served):
    browser = open_browser(served.url)
    origin = browser.origin
    page = browser.new_page()
    page.goto(origin + "/login")
    page.fill("#username", "browser-liaison")
    page.fill("#password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(origin + "/")

    page.locator("nav.main-nav").get_by_role("link", name="登记").click()
    page.wait_for_url(origin + "/registry")
    page.goto(origin + "/registry/sublets")
    tree = page.locator(".sublet-tree")
    expect(tree.locator("li.node")).to_have_count(2)
    expect(tree.locator("li.node.unlicensed .name")).to_have_text(["快接入", "一级代理"])
    assert "10.1.0.0/16" in tree.inner_text()

    page.goto(origin + "/registry/findings")
    rows = page.locator("table.findings tbody tr[data-finding-id]")
    expect(rows).to_have_count(2)
    page.evaluate("window.__same_page = true")  # gone if the page reloads
    page.select_option("#f-rule", "unfiled_site_connected")
    expect(rows).to_have_count(1)
    assert page.evaluate("window.__same_page") is True
    assert "rule=unfiled_site_connected" in page.url

    rows.first.locator("a").first.click()
    page.wait_for_url(lambda url: "/registry/findings/" in url)
    page.evaluate("window.__same_page = true")
    page.check("input[name=state][value=acknowledged]")
    page.fill("#state-note", "正在处理")
    page.click(".state-form button[type=submit]")
    expect(page.locator("#finding-state h2 [data-state]")).to_have_attribute(
        "data-state", "acknowledged"
    )
    expect(page.locator("#finding-state table.history tbody")).to_contain_text("正在处理")
    assert page.evaluate("window.__same_page") is True
    assert browser.problems == []
    assert browser.off_site == []

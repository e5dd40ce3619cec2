"""The audit browser in real Chromium against a real `jingwang serve`: the menu link, filters
swapped in by htmx under the strict CSP (no reload, the address follows), and the CSV export."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from accounts.accountkit import PASSWORD, make_org, make_user
from jingwang.audit import AuditRecord, append_entry

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api").expect

WHEN = dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def served(live_db, live_settings, start_serve):
    with live_db.session() as session:
        centre = make_org(session, "举报中心", "reporting_centre")
        make_user(session, centre, "browser-auditor", ["auditor"])
        for n, action in enumerate(["accounts.login_failed", "tests.site_flagged"] * 3):
            record = AuditRecord(
                occurred_at=WHEN + dt.timedelta(minutes=n),
                recorded_at=WHEN + dt.timedelta(minutes=n),
                actor_type="user",
                actor_id="someone",
                org_id=str(centre.id),
                action=action,
                object_type="site",
                object_id=f"站点-{n}",
                summary={"changes": {"state": ["open", "closed"]}},
            )
            append_entry(session, record)
    return start_serve(live_settings)


def test_filter_with_htmx_and_export(open_browser, served):
    browser = open_browser(served.url)
    origin = browser.origin
    page = browser.new_page()
    page.goto(origin + "/login")
    page.fill("#username", "browser-auditor")
    page.fill("#password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(origin + "/")

    page.get_by_role("link", name="审计日志").click()
    page.wait_for_url(origin + "/audit")
    entries = page.locator("article.audit-entry")
    # The login is an event too, but no worker runs here to publish it to the log.
    assert entries.count() == 6
    assert "修改前" in page.content()

    page.evaluate("window.__same_page = true")  # gone if the page reloads
    page.fill("#f-action", "tests.*")
    page.press("#f-action", "Enter")
    # The address follows, with only the filters in use.
    page.wait_for_url(lambda url: urlsplit(url).query == "action=tests.%2A", wait_until="commit")
    expect(entries).to_have_count(3)
    assert page.evaluate("window.__same_page") is True
    assert all("tests.site_flagged" in t for t in entries.locator(".action").all_inner_texts())

    with page.expect_download() as started:
        page.get_by_role("link", name="导出 CSV").click()
    download = started.value
    assert download.suggested_filename.startswith("jingwang-audit-")
    content = download.path().read_bytes()
    assert content.startswith("\ufeffseq,".encode())
    assert content.count(b"tests.site_flagged") == 3
    assert "站点-1".encode() in content
    assert browser.problems == []
    assert browser.off_site == []

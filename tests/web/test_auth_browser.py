"""Accounts in real Chromium against a real `jingwang serve`: log in, enrol TOTP, log out and in
with a code, make an API token (shown once), and meet the forbidden page as the wrong role."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.accountkit import PASSWORD, make_org, make_user
from jingwang.accounts import totp

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def served(live_db, live_settings, start_serve):
    with live_db.session() as session:
        centre = make_org(session, "举报中心", "reporting_centre")
        make_user(session, centre, "browser-admin", ["admin"])
        make_user(session, centre, "browser-viewer", ["viewer"])
    return start_serve(live_settings)


@pytest.fixture
def browser(open_browser, served):
    return open_browser(served.url)


def log_in(page, origin: str, username: str) -> None:
    page.goto(origin + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.stacked button[type=submit]")


def log_out(page) -> None:
    page.click("form.logout button")
    page.wait_for_url("**/")


def next_code(secret: str) -> str:
    """The code of the next time step: accepted (one step of drift) and never the one used."""
    return totp.code_at(secret, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))


def test_login_totp_token_and_forbidden(browser):
    origin = browser.origin
    page = browser.new_page()
    log_in(page, origin, "browser-admin")
    page.wait_for_url(origin + "/")
    assert page.locator(".account-nav .who-name").inner_text() == "browser-admin"
    assert page.locator(".account-nav .who-org").inner_text() == "举报中心"

    page.goto(origin + "/account")
    page.get_by_role("button", name="设置两步登录").click()
    page.locator(".qr svg").wait_for()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#code", totp.code_at(secret, dt.datetime.now(dt.UTC)))
    page.get_by_role("button", name="开启两步登录").click()
    page.wait_for_url(origin + "/account?done=totp-on")
    assert "两步登录已开启" in page.locator(".notice.done").inner_text()

    log_out(page)
    log_in(page, origin, "browser-admin")
    page.wait_for_url("**/login/totp**")
    page.fill("#code", next_code(secret))
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(origin + "/")
    assert page.locator(".account-nav .who-name").inner_text() == "browser-admin"

    page.goto(origin + "/admin/tokens")
    page.fill("#token_name", "网关拉取名单")
    page.check("input[name=scopes][value='orgs:read']")
    page.get_by_role("button", name="创建令牌").click()
    shown = page.locator("#shown-secret").inner_text().strip()
    assert shown.startswith("jw_")
    assert len(shown) == 46
    page.goto(origin + "/admin/tokens")
    assert "网关拉取名单" in page.content()
    assert shown not in page.content()
    assert page.locator("table.tokens tbody tr").count() == 1

    log_out(page)
    log_in(page, origin, "browser-viewer")
    page.wait_for_url(origin + "/")
    assert (
        page.locator("a[href='/admin/users']").count() == 0
    )  # the nav offers only what one may do
    response = page.goto(origin + "/admin/users")
    assert response is not None
    assert response.status == 403
    assert page.locator("h1").inner_text() == "您无权执行此操作"
    assert "permission.denied" in page.locator("dl.facts").inner_text()

    assert page.evaluate("typeof window.htmx") == "object"
    assert [p for p in browser.problems if "403" not in p] == []
    assert browser.off_site == []


def test_strangers_are_sent_to_log_in_and_back(browser):
    origin = browser.origin
    page = browser.new_page()
    page.goto(origin + "/admin/orgs")
    page.wait_for_url("**/login?next=/admin/orgs")
    page.goto(origin + "/lang/en?next=/login%3Fnext%3D/admin/orgs")
    page.fill("#username", "browser-admin")
    page.fill("#password", "wrong password, surely")
    page.click("form.stacked button[type=submit]")
    assert page.locator(".notice.error").inner_text() == "The user name or password is wrong."
    page.fill("#password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(origin + "/admin/orgs")
    assert page.locator(".org-tree li").count() == 1
    assert [p for p in browser.problems if "401" not in p] == []

"""The UI in real Chromium, against a real `jingwang serve`, with every other host blocked."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = "/tmp/jingwang-home.png"  # outside the repo, to look at by hand


@pytest.fixture
def browser(open_browser, serve_process):
    return open_browser(serve_process.url)


def test_home_in_chinese_then_english(browser):
    page = browser.new_page()
    page.goto(browser.origin + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "净化移动互联网"
    assert page.locator("ol.loop > li").count() == 5
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.get_by_role("link", name="English").click()
    page.wait_for_url(browser.origin + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Keep the mobile web clean"
    page.reload()  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("link", name="中文").click()
    page.wait_for_url(browser.origin + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    assert page.evaluate("typeof window.htmx") == "object"  # the vendored htmx loaded
    assert browser.problems == []
    assert browser.off_site == []


def test_docs_render_offline(browser):
    page = browser.new_page()
    page.goto(browser.origin + "/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "jingwang" in page.locator(".swagger-ui .info .title").inner_text()
    # Use it: open /readyz, try it out, and see the live answer (styles, XHR, all under CSP).
    page.locator(".opblock-summary-path", has_text="/readyz").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path="/tmp/jingwang-docs.png", full_page=False)
    assert browser.problems == []
    assert browser.off_site == []


def test_error_page_renders_in_chinese(browser):
    page = browser.new_page()
    response = page.goto(browser.origin + "/no-such-page")
    assert response is not None
    assert response.status == 404
    assert page.locator("h1").inner_text() == "页面不存在"
    # The browser reports the 404 itself; nothing else may go wrong.
    assert [p for p in browser.problems if "404" not in p] == []

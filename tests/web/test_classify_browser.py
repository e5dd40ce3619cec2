"""Detection in real Chromium against a real `jingwang serve`: open a judged capture and see its
verdict panel (phrases marked in the text, the image blurred until it is clicked), then check a
pasted text through the htmx form and see its phrases marked."""

from __future__ import annotations

import pytest

from accounts.accountkit import PASSWORD, make_org, make_user
from jingwang.classify.classifier import Classifier
from jingwang.classify.service import classify_capture, known_index
from jingwang.probe.service import record_probe
from jingwang.store.blobs import FileBlobStore
from web.classifykit import HOSTILE, PORN_LINE, page_result, png

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.db]
expect = pytest.importorskip("playwright.sync_api").expect

SCREENSHOTS = None  # set to a folder (e.g. "/tmp") to keep screenshots of the pages


def _seed(live_db, live_settings) -> int:
    """A reviewer of a carrier, and a capture of the carrier (porn line and one image) judged."""
    blobs = FileBlobStore(live_settings.resolved_blob_dir)
    with live_db.session() as s:
        carrier = make_org(s, "华夏移动", "carrier", "CN")
        make_user(s, carrier, "browser-reviewer", ["reviewer"])
        result = page_result(
            "http://wap.hot.test/", f"{HOSTILE}{PORN_LINE}", title="热门", image=png((300, 200))
        )
        capture = record_probe(s, blobs, result, actor_name="t", org_id=carrier.id).id
        classifier = Classifier.from_settings(live_settings, known=known_index(s))
        classify_capture(s, blobs, classifier, capture)
    return capture


@pytest.fixture
def served(live_db, live_settings, start_serve):
    capture = _seed(live_db, live_settings)
    return start_serve(live_settings), capture


def _log_in(page, origin: str) -> None:
    page.goto(origin + "/login")
    page.fill("#username", "browser-reviewer")
    page.fill("#password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(origin + "/")


def _filter(image) -> str:
    return image.evaluate("element => getComputedStyle(element).filter")


def test_a_verdict_with_marked_phrases_and_images_blurred_until_clicked(open_browser, served):
    server, capture = served
    browser = open_browser(server.url)
    origin = browser.origin
    page = browser.new_page()
    _log_in(page, origin)
    page.locator("nav.main-nav").get_by_role("link", name="检测判定").click()
    page.wait_for_url(origin + "/classify")
    expect(page.locator("table.verdicts tbody tr")).to_have_count(1)
    page.goto(f"{origin}/probe/captures/{capture}")
    panel = page.locator("#verdict-panel")
    expect(panel.locator("h2 .verdict-label")).to_have_text("色情")
    marks = panel.locator("pre.page-text mark")
    expect(marks.first).to_be_visible()
    for text in marks.all_inner_texts():
        assert text in PORN_LINE
    expect(panel.locator("pre.page-text")).to_contain_text(HOSTILE)  # shown as text, not run
    image = panel.locator(".blurred-image img")
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert "blur" in _filter(image)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/classify-capture-blurred.png", full_page=True)
    image.click()
    expect(image).to_have_css("filter", "none")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/classify-capture-shown.png", full_page=True)
    image.click()
    assert "blur" in _filter(image)  # a second click blurs it again
    assert not browser.off_site, browser.off_site
    assert not browser.problems, browser.problems


def test_checking_a_text_marks_its_phrases(open_browser, served):
    server, _ = served
    browser = open_browser(server.url, locale="en")
    origin = browser.origin
    page = browser.new_page()
    _log_in(page, origin)
    page.goto(origin + "/classify/check")
    page.fill("#check-text", f"{HOSTILE} {PORN_LINE}")
    page.click(".check-form button[type=submit]")
    checked = page.locator("#checked")
    # the server warms the text scorer at start; on a busy machine that may not be done yet
    expect(checked.locator(".verdict-label")).to_have_text("porn", timeout=30_000)
    expect(checked.locator("pre.page-text mark").first).to_be_visible()
    for text in checked.locator("pre.page-text mark").all_inner_texts():
        assert text in PORN_LINE
    expect(checked.locator("pre.page-text")).to_contain_text(HOSTILE)
    assert page.url == origin + "/classify/check"  # htmx swapped the answer in
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/classify-check.png", full_page=True)
    assert not browser.problems, browser.problems


def test_judge_again_shows_the_new_verdict_when_the_worker_made_it(
    open_browser, live_db, live_settings, start_serve
):
    capture = _seed(live_db, live_settings)
    server = start_serve(live_settings, worker=True)
    browser = open_browser(server.url, locale="en")
    origin = browser.origin
    page = browser.new_page()
    _log_in(page, origin)
    page.goto(f"{origin}/probe/captures/{capture}")
    panel = page.locator("#verdict-panel")
    first = panel.get_attribute("data-verdict-id")
    panel.locator(".judge-again button").click()
    expect(page.locator("#verdict-panel .pending-judgement")).to_be_visible()
    # htmx polls the panel until the worker has judged the capture again (forced)
    expect(page.locator("#verdict-panel")).not_to_have_attribute(
        "data-verdict-id", first or "", timeout=90_000
    )
    expect(page.locator("#verdict-panel .pending-judgement")).to_have_attribute(
        "data-job-state", "succeeded"
    )
    expect(page.locator("#verdict-panel h2 .verdict-label")).to_have_text("porn")
    assert not browser.problems, browser.problems

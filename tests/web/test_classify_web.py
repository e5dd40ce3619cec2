"""The detection pages (/classify …) and the capture page's verdict panel: who sees them, the
verdict list and its filters in Chinese and English, matched phrases marked in escaped page
text, images re-drawn as PNG only, "judge again", checking a text, runs and known images."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from accounts.accountkit import cheap_config, make_org, make_user
from accounts.webkit import EN, HTML, ZH, cheap_app, form_value, logged_in
from jingwang.classify.classifier import Classifier
from jingwang.classify.models import KnownHash, RescoreRun, VerdictRow
from jingwang.classify.service import classify_capture, known_index
from jingwang.jobs.models import Job
from jingwang.probe.service import record_probe
from jingwang.store.blobs import FileBlobStore
from jingwang.web.routes.classify_view import highlight, spans_of
from web.classifykit import HARD_NEGATIVE, HOSTILE, PORN_LINE, page_result, png

pytestmark = pytest.mark.db

MARKED = "免费成人"
POLYGLOT = b"<html><script>alert(3)</script></html>"
SHOWN_TEXT = f"前言{HOSTILE}{MARKED}<b>视频</b> 结束 {MARKED}"


def _hand_verdict(session, capture_id: int, org_id: int, text: str) -> VerdictRow:
    """A verdict whose spans are known exactly: every occurrence of MARKED in ``text``."""
    spans = [[m.start(), m.end()] for m in re.finditer(MARKED, text)]
    row = VerdictRow(
        subject="capture",
        capture_id=capture_id,
        domain="hand.test",
        org_id=org_id,
        label="porn",
        score=0.97,
        thresholds={"porn": 0.8, "suspect": 0.4},
        reasons=[
            {
                "code": "lexicon.porn",
                "zh": "命中色情词语",
                "en": "porn phrases matched",
                "contribution": 2.5,
                "evidence": {},
            },
        ],
        text={
            "probability": 0.97,
            "hits": [
                {
                    "phrase": "成人+视频",
                    "category": "porn",
                    "weight": 60,
                    "count": len(spans),
                    "spans": spans,
                    "form": "text",
                    "matched": [MARKED] * len(spans),
                    "source": "t",
                },
            ],
        },
        images=[],
        versions={"lexicon": "lex-hand", "verdict": "verdict-1"},
        versions_key="hand",
        current=True,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def world(live_db, live_settings):
    """A carrier (a reviewer: read and run; a viewer: read), a police viewer, an access provider's
    liaison (no detection), another carrier; the reporting centre's analyst (manage). Captures
    of the first carrier: a porn page with an image and a hard negative, judged by the real
    classifier, and a page with a hand-made verdict; one capture of the other carrier."""
    blobs = FileBlobStore(live_settings.resolved_blob_dir)
    config = cheap_config()
    with live_db.session() as s:
        centre = make_org(s, "Reporting Centre", "reporting_centre", "CN")
        carrier = make_org(s, "Huaxia Mobile", "carrier", "CN")
        other = make_org(s, "Zhongyuan Unicom", "carrier", "HA")
        police = make_org(s, "Network Police", "police", "GD")
        ap = make_org(s, "Fast Access", "access_provider", "GD")
        make_user(s, centre, "centre-analyst", ["analyst"], config=config)
        make_user(s, carrier, "carrier-reviewer", ["reviewer"], config=config)
        make_user(s, carrier, "carrier-viewer", ["viewer"], config=config)
        make_user(s, other, "other-reviewer", ["reviewer"], config=config)
        make_user(s, police, "police-viewer", ["viewer"], config=config)
        make_user(s, ap, "ap-liaison", ["liaison"], config=config)

        def record(result, org):
            return record_probe(s, blobs, result, actor_name="t", org_id=org.id).id

        ids = {
            "porn": record(
                page_result("http://wap.hot.test/", PORN_LINE, image=png(trailer=POLYGLOT)),
                carrier,
            ),
            "clean": record(page_result("http://edu.school.test/", HARD_NEGATIVE), carrier),
            "hand": record(page_result("http://hand.test/", SHOWN_TEXT), carrier),
            "other": record(page_result("http://wap.far.test/", PORN_LINE), other),
        }
        classifier = Classifier.from_settings(live_settings, known=known_index(s))
        for name in ("porn", "clean", "other"):
            classify_capture(s, blobs, classifier, ids[name])
        ids["hand_verdict"] = _hand_verdict(s, ids["hand"], carrier.id, SHOWN_TEXT).id
    return ids


@pytest.fixture
def as_user(live_settings):
    with logged_in(cheap_app(live_settings)) as login:
        yield login


def _csrf(client) -> str:
    return form_value(client.get("/classify/check", headers=HTML).text, "csrf_token")


def test_highlight_escapes_everything_and_marks_only_the_spans():
    text = "a<b>成人视频</b>c"
    start = text.index("成人")
    hits = {"hits": [{"category": "porn", "phrase": "成人<视频>", "spans": [[start, start + 4]]}]}
    marked = str(highlight(text, spans_of(hits)))
    assert marked == (
        'a&lt;b&gt;<mark class="hit hit-porn" data-category="porn" title="成人&lt;视频&gt;">'
        "成人视频</mark>&lt;/b&gt;c"
    )
    # overlapping spans merge; spans outside the text are dropped, never guessed
    spans = [(0, 3, "porn", "x"), (2, 5, "good", "y"), (40, 50, "porn", "z"), (4, 2, "porn", "w")]
    assert str(highlight("abcdefg", spans)).count("<mark") == 1
    assert ">abcde</mark>fg" in str(highlight("abcdefg", spans))
    assert 'class="hit hit-other"' in str(highlight("ab", [(0, 1, '"><x', "p")]))


def test_the_menu_shows_detection_only_to_readers(world, as_user):
    reviewer = as_user("carrier-reviewer").get("/", headers=ZH).text
    assert '<a href="/classify">检测判定</a>' in reviewer
    assert '<a href="/classify">Detection</a>' in as_user("police-viewer").get("/", headers=EN).text
    liaison = as_user("ap-liaison")
    assert 'href="/classify"' not in liaison.get("/", headers=ZH).text
    for path in ("/classify", f"/classify/verdicts/{world['hand_verdict']}", "/classify/check"):
        assert liaison.get(path, headers=EN).status_code == 403, path


def test_the_verdict_list_filters_sorts_and_pages_in_both_languages(world, as_user):
    client = as_user("carrier-reviewer")
    page = client.get("/classify", headers=ZH)
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert "检测判定" in page.text
    rows = re.findall(r'data-verdict-id="(\d+)" data-label="(\w+)"', page.text)
    labels = dict(rows)
    assert labels[str(world["hand_verdict"])] == "porn"
    scores = [float(s) for s in re.findall(r'data-score="([\d.]+)"', page.text)]
    assert scores == sorted(scores, reverse=True)  # highest score first
    assert len(rows) == 3  # the other carrier's verdict is out of reach
    assert "色情" in page.text
    english = client.get("/classify", headers=EN).text
    assert "Strongest reason" in english
    porn_only = client.get("/classify?label=porn", headers=EN).text
    assert set(re.findall(r'data-label="(\w+)"', porn_only.split("<tbody>")[1])) <= {"porn"}
    by_domain = client.get("/classify?domain=hand.test", headers=EN).text
    assert re.findall(r'data-verdict-id="(\d+)"', by_domain) == [str(world["hand_verdict"])]
    high = client.get("/classify?min_score=0.96", headers=EN).text
    assert str(world["hand_verdict"]) in re.findall(r'data-verdict-id="(\d+)"', high)
    sites = client.get("/classify?subject=site", headers=EN).text
    assert "hot.test" in sites
    fragment = client.get(
        "/classify?label=porn", headers={**EN, "HX-Request": "true", "HX-Target": "verdict-results"}
    )
    assert fragment.text.lstrip().startswith("<section")
    assert fragment.headers["HX-Push-Url"] == "/classify?label=porn"
    bad = client.get("/classify?min_score=2", headers=EN)
    assert bad.status_code == 422
    assert client.get("/classify?label=maybe", headers=EN).status_code == 422


def test_the_capture_page_marks_the_phrases_and_escapes_the_page(world, as_user):
    client = as_user("carrier-reviewer")
    page = client.get(f"/probe/captures/{world['hand']}", headers=EN).text
    panel = re.search(r'<section id="verdict-panel".*?</section>', page, re.S).group(0)
    assert 'data-label="porn"' in panel
    text = re.search(r'<pre class="page-text highlighted">(.*?)</pre>', panel, re.S).group(1)
    marks = re.findall(r"<mark [^>]*>(.*?)</mark>", text)
    assert marks == [MARKED, MARKED]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;视频&lt;/b&gt;" in text
    assert HOSTILE not in page
    assert "<b>视频" not in page
    assert "porn phrases matched" in panel
    assert "命中色情词语" in client.get(f"/probe/captures/{world['hand']}", headers=ZH).text
    assert "0.970" in panel
    assert 'action="/probe/captures/' in panel  # a reviewer may judge again


def test_a_judged_capture_shows_its_verdict_and_blurred_images(world, as_user):
    client = as_user("carrier-reviewer")
    page = client.get(f"/probe/captures/{world['porn']}", headers=ZH).text
    panel = re.search(r'<section id="verdict-panel".*?</section>', page, re.S).group(0)
    assert "机器判定" in panel
    assert re.search(r'data-label="(porn|suspect)"', panel)
    assert "<mark " in panel  # the lexicon phrases found in the porn line
    img = re.search(r'<img src="(/probe/captures/\d+/images/([0-9a-f]{64}))"', panel)
    assert img, panel
    assert 'class="reveal"' in panel  # blurred until clicked (CSS, no script)
    picture = client.get(img.group(1))
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/png"
    assert picture.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in picture.headers["content-security-policy"]
    assert picture.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(picture.content)).size == (64, 48)
    assert POLYGLOT not in picture.content  # re-drawn: pixels only, not the captured bytes
    clean = client.get(f"/probe/captures/{world['clean']}", headers=EN).text
    assert re.search(r'id="verdict-panel"[^>]*data-label="clean"', clean)


def test_the_image_route_serves_our_png_or_nothing(world, as_user, live_db, live_settings):
    blobs = FileBlobStore(live_settings.resolved_blob_dir)
    html = b"<html><script>alert(1)</script></html>"
    with live_db.session() as s:
        carrier_id = s.scalar(
            select(VerdictRow.org_id).where(VerdictRow.id == world["hand_verdict"])
        )
        result = page_result("http://fake.test/", "x", image=html, ctype="image/png")
        fake = record_probe(s, blobs, result, actor_name="t", org_id=carrier_id).id
    client = as_user("carrier-reviewer")
    response = client.get(f"/probe/captures/{fake}/images/{hashlib.sha256(html).hexdigest()}")
    assert response.status_code == 422
    assert b"<script>" not in response.content
    assert not response.headers["content-type"].startswith("image/")
    missing = client.get(f"/probe/captures/{world['porn']}/images/{'0' * 64}")
    assert missing.status_code == 404
    assert client.get(f"/probe/captures/{world['porn']}/images/x").status_code == 404
    other = as_user("other-reviewer").get(f"/probe/captures/{world['porn']}/images/{'0' * 64}")
    assert other.status_code == 404  # out of reach: not told apart from missing
    assert as_user("ap-liaison").get(f"/probe/captures/{fake}/images/{'0' * 64}").status_code == 403


def test_the_verdict_page_in_both_languages(world, as_user):
    client = as_user("carrier-reviewer")
    zh = client.get(f"/classify/verdicts/{world['hand_verdict']}", headers=ZH)
    assert zh.status_code == 200
    assert "命中色情词语" in zh.text
    assert "阈值" in zh.text
    assert zh.text.count("<mark ") == 2
    en = client.get(f"/classify/verdicts/{world['hand_verdict']}", headers=EN).text
    assert "porn phrases matched" in en
    assert "porn at 0.800 or more, suspect at 0.400 or more" in en
    assert HOSTILE not in en
    assert "lex-hand" in en
    other = as_user("other-reviewer").get(f"/classify/verdicts/{world['hand_verdict']}", headers=EN)
    assert other.status_code == 404


def test_judge_again_queues_a_forced_job(world, as_user, live_db):
    client = as_user("carrier-reviewer")
    headers = {**EN, "HX-Request": "true", "X-CSRF-Token": _csrf(client)}
    panel = client.post(f"/probe/captures/{world['porn']}/classify", headers=headers)
    assert panel.status_code == 200
    assert panel.text.lstrip().startswith("<section")
    job_id = int(re.search(r"verdict\?job=(\d+)", panel.text).group(1))
    assert 'hx-trigger="every 2s"' in panel.text
    with live_db.session() as s:
        job = s.get(Job, job_id)
        assert job.kind == "classify.captures"
        assert job.payload["capture_ids"] == [world["porn"]]
        assert job.payload["force"] is True
    polled = client.get(f"/probe/captures/{world['porn']}/verdict?job={job_id}", headers=EN)
    assert 'data-job-state="queued"' in polled.text
    viewer = as_user("carrier-viewer")
    refused = viewer.post(
        f"/probe/captures/{world['porn']}/classify",
        headers={**EN, "X-CSRF-Token": _csrf(viewer)},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    page = viewer.get(f"/probe/captures/{world['porn']}", headers=EN).text
    panel = re.search(r'<section id="verdict-panel".*?</section>', page, re.S).group(0)
    assert "judge-again" not in panel  # read only: no button


def test_checking_a_text_marks_its_phrases(world, as_user):
    client = as_user("police-viewer")
    form = client.get("/classify/check", headers=ZH)
    assert "检测文本" in form.text
    text = f"{HOSTILE}{PORN_LINE}"
    answer = client.post(
        "/classify/check",
        data={"text": text, "csrf_token": form_value(form.text, "csrf_token")},
        headers=EN,
    )
    assert answer.status_code == 200
    checked = re.search(r'<section id="checked".*?</section>', answer.text, re.S).group(0)
    assert 'data-label="porn"' in checked
    marks = re.findall(r"<mark [^>]*>(.*?)</mark>", checked)
    assert marks
    assert all(mark in text for mark in marks)
    assert HOSTILE not in answer.text
    assert "&lt;script&gt;" in checked
    fragment = client.post(
        "/classify/check",
        data={"text": HARD_NEGATIVE},
        headers={**EN, "HX-Request": "true", "X-CSRF-Token": form_value(form.text, "csrf_token")},
    )
    assert fragment.text.lstrip().startswith("<section")
    assert 'data-label="clean"' in fragment.text
    empty = client.post(
        "/classify/check",
        data={"text": "  ", "csrf_token": form_value(form.text, "csrf_token")},
        headers=EN,
    )
    assert empty.status_code == 422


def test_rescoring_runs_start_show_progress_and_cancel(world, as_user, live_db):
    reviewer = as_user("carrier-reviewer")
    runs = reviewer.get("/classify/runs", headers=EN)
    assert runs.status_code == 200
    assert 'action="/classify/runs"' not in runs.text  # no global reach: cannot start
    refused = reviewer.post(
        "/classify/runs", headers={**EN, "X-CSRF-Token": _csrf(reviewer)}, follow_redirects=False
    )
    assert refused.status_code == 403
    analyst = as_user("centre-analyst")
    csrf = _csrf(analyst)
    started = analyst.post("/classify/runs", headers={**EN, "X-CSRF-Token": csrf},
                           follow_redirects=False)  # fmt: skip
    assert started.status_code == 303
    run_url = started.headers["location"].split("?")[0]
    page = analyst.get(started.headers["location"], headers=ZH).text
    assert "重评已排队" in page
    assert 'hx-trigger="every 2s"' in page
    progress = analyst.get(
        run_url, headers={**EN, "HX-Request": "true", "HX-Target": "run-progress"}
    )
    assert progress.text.lstrip().startswith("<section")
    assert re.search(r'data-done="0" data-total="\d+"', progress.text)
    again = analyst.post("/classify/runs", headers={**EN, "X-CSRF-Token": csrf})
    assert again.status_code == 409  # one run at a time
    cancelled = analyst.post(f"{run_url}/cancel", headers={**EN, "X-CSRF-Token": csrf},
                             follow_redirects=False)  # fmt: skip
    assert cancelled.status_code == 303
    with live_db.session() as s:
        assert [r.state for r in s.scalars(select(RescoreRun))] == ["cancelled"]
    ended = analyst.get(run_url, headers={**EN, "HX-Request": "true", "HX-Target": "run-progress"})
    assert 'data-state="cancelled"' in ended.text
    assert "hx-get" not in ended.text  # no more polling
    twice = analyst.post(f"{run_url}/cancel", headers={**EN, "X-CSRF-Token": csrf})
    assert twice.status_code == 409


def test_known_images_import_list_and_delete(world, as_user, live_db):
    assert as_user("carrier-reviewer").get("/classify/hashes", headers=EN).status_code == 403
    analyst = as_user("centre-analyst")
    page = analyst.get("/classify/hashes", headers=ZH)
    assert "已知图片" in page.text
    csrf = form_value(page.text, "csrf_token")
    lines = f"{'a' * 64}\n# a comment\n{'b' * 64},lingerie\n"
    answer = analyst.post(
        "/classify/hashes",
        data={"source": "partner list", "label": "porn", "hashes": lines, "csrf_token": csrf},
        headers=EN,
    )
    assert answer.status_code == 200
    assert "2 hashes added, 0 already known." in answer.text
    upload = analyst.post(
        "/classify/hashes",
        data={"source": "partner list", "label": "porn", "csrf_token": csrf},
        files={"file": ("hashes.txt", f"{'a' * 64}\n".encode(), "text/plain")},
        headers=EN,
    )
    assert "0 hashes added, 1 already known." in upload.text
    bad = analyst.post(
        "/classify/hashes",
        data={"source": "x", "hashes": "not a hash", "csrf_token": csrf},
        headers=EN,
    )
    assert bad.status_code == 422
    assert 'data-error-code="classify.hash_invalid"' in bad.text
    with live_db.session() as s:
        rows = {row.pdq: row for row in s.scalars(select(KnownHash))}
        assert rows["b" * 64].label == "lingerie"
        target = rows["a" * 64].id
    deleted = analyst.post(f"/classify/hashes/{target}/delete", data={"csrf_token": csrf},
                           headers=EN, follow_redirects=False)  # fmt: skip
    assert deleted.status_code == 303
    listing = analyst.get(deleted.headers["location"], headers=EN).text
    assert "The known image was deleted." in listing
    assert f'data-hash-id="{target}"' not in listing

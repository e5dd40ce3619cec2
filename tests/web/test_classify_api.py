"""Detection over JSON: judging a text (with its size limits), a capture's verdict and "judge
again", the verdict list and a site's verdict, re-scoring runs, known image hashes, and the
permissions each needs (API tokens with and without the scopes)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts.accountkit import make_org
from accounts.webkit import cheap_app, make_token, token_caller
from jingwang.classify.classifier import Classifier
from jingwang.classify.models import RescoreRun
from jingwang.classify.service import classify_capture, known_index
from jingwang.jobs.models import Job
from jingwang.probe.service import record_probe
from jingwang.store.blobs import FileBlobStore
from jingwang.web.routes.classify_api import MAX_BODY_BYTES, MAX_TEXT_CHARS
from web.classifykit import HARD_NEGATIVE, PORN_LINE, page_result

pytestmark = pytest.mark.db

READ = ["classify:read", "probe:read"]
ALL = ["classify:read", "classify:run", "classify:manage", "probe:read"]


@pytest.fixture
def world(live_db, live_settings):
    """Tokens: the reporting centre's (every detection scope), a carrier's (read and run), a
    carrier token without detection, and another carrier's reader. Captures of the carrier:
    a judged porn page and an unjudged hard negative."""
    blobs = FileBlobStore(live_settings.resolved_blob_dir)
    with live_db.session() as s:
        centre = make_org(s, "Reporting Centre", "reporting_centre", "CN")
        carrier = make_org(s, "Huaxia Mobile", "carrier", "CN")
        other = make_org(s, "Zhongyuan Unicom", "carrier", "HA")
        tokens = {
            "centre": make_token(s, centre, ALL),
            "carrier": make_token(s, carrier, ["classify:read", "classify:run", "probe:read"]),
            "blind": make_token(s, carrier, ["probe:read"]),
            "other": make_token(s, other, READ),
        }
        porn = record_probe(
            s, blobs, page_result("http://wap.hot.test/", PORN_LINE), actor_name="t",
            org_id=carrier.id,
        ).id  # fmt: skip
        clean = record_probe(
            s, blobs, page_result("http://edu.school.test/", HARD_NEGATIVE), actor_name="t",
            org_id=carrier.id,
        ).id  # fmt: skip
        classify_capture(
            s, blobs, Classifier.from_settings(live_settings, known=known_index(s)), porn
        )
    return {"tokens": tokens, "porn": porn, "clean": clean}


@pytest.fixture
def api(world, live_settings):
    with token_caller(cheap_app(live_settings), world["tokens"], "carrier") as call:
        yield call


def test_judge_a_text(api):
    answer = api("POST", "/api/classify/text", json={"text": PORN_LINE})
    assert answer.status_code == 200, answer.text
    verdict = answer.json()
    assert verdict["label"] == "porn"
    assert verdict["score"] >= verdict["thresholds"]["porn"]
    assert {"porn", "suspect"} <= set(verdict["thresholds"])
    assert verdict["reasons"]
    assert {"zh", "en", "code", "contribution"} <= set(verdict["reasons"][0])
    hits = verdict["text"]["hits"]
    assert hits
    for hit in hits:
        for (start, end), matched in zip(hit["spans"], hit["matched"], strict=False):
            assert PORN_LINE[start:end] == matched
    assert set(verdict["versions"]) >= {"lexicon", "text_model", "verdict"}
    clean = api("POST", "/api/classify/text", json={"text": HARD_NEGATIVE}).json()
    assert clean["label"] == "clean"


def test_text_size_limits_and_permission(api):
    too_long = api("POST", "/api/classify/text", json={"text": "色" * (MAX_TEXT_CHARS + 1)})
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"] == "input.invalid"
    huge = b'{"text": "' + b"a" * MAX_BODY_BYTES + b'"}'
    too_large = api("POST", "/api/classify/text", content=huge)
    assert too_large.status_code == 413
    assert too_large.json()["error"]["code"] == "too_large"
    assert api("POST", "/api/classify/text", json={}).status_code == 422
    refused = api("POST", "/api/classify/text", token="blind", json={"text": "x"})
    assert refused.status_code == 403


def test_info_names_versions_thresholds_and_lexicon(api):
    info = api("GET", "/api/classify/info").json()
    assert set(info["versions"]) == {
        "normalizer",
        "lexicon",
        "text_model",
        "image_model",
        "verdict",
    }
    assert info["lexicon"]["entries"] > 0
    assert info["lexicon"]["categories"]["good"] > 0
    assert 0 < info["thresholds"]["suspect"] <= info["thresholds"]["porn"] < 1


def test_a_captures_verdict_and_judging_it_again(api, world, live_db):
    verdict = api("GET", f"/api/captures/{world['porn']}/verdict")
    assert verdict.status_code == 200
    body = verdict.json()
    assert (body["subject"], body["capture_id"], body["current"]) == (
        "capture",
        world["porn"],
        True,
    )
    assert body["domain"] == "hot.test"
    missing = api("GET", f"/api/captures/{world['clean']}/verdict")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "classify.verdict_not_found"
    asked = api("POST", f"/api/captures/{world['clean']}/classify")
    assert asked.status_code == 202
    assert asked.headers["location"] == f"/api/captures/{world['clean']}/verdict"
    with live_db.session() as s:
        job = s.get(Job, asked.json()["job_id"])
        assert (job.kind, job.payload["capture_ids"], job.payload["force"]) == (
            "classify.captures",
            [world["clean"]],
            True,
        )
    assert api("GET", f"/api/captures/{world['porn']}/verdict", token="other").status_code == 404
    read_only = api("POST", f"/api/captures/{world['porn']}/classify", token="other")
    assert read_only.status_code == 403


def test_the_verdict_list_a_verdict_and_a_site(api, world):
    listed = api("GET", "/api/verdicts", params={"label": "porn"}).json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert item["capture_id"] == world["porn"]
    assert api("GET", f"/api/verdicts/{item['id']}").json()["id"] == item["id"]
    assert api("GET", "/api/verdicts", params={"label": "clean"}).json()["total"] == 0
    assert api("GET", "/api/verdicts", params={"min_score": 2}).status_code == 422
    assert api("GET", "/api/verdicts", token="other").json()["total"] == 0
    assert api("GET", f"/api/verdicts/{item['id']}", token="other").status_code == 404
    site = api("GET", "/api/sites/hot.test/verdict")
    assert site.status_code == 200
    assert site.json()["subject"] == "site"
    assert site.json()["captures"] == [world["porn"]]
    assert api("GET", "/api/sites/wap.hot.test/verdict").json()["id"] == site.json()["id"]
    assert api("GET", "/api/sites/nowhere.test/verdict").status_code == 404


def test_rescoring_runs(api, live_db):
    assert api("POST", "/api/classify/rescore").status_code == 403  # a carrier: no global reach
    started = api("POST", "/api/classify/rescore", token="centre")
    assert started.status_code == 202, started.text
    run = started.json()
    assert run["state"] == "queued"
    assert started.headers["location"] == f"/api/classify/rescore/{run['id']}"
    again = api("POST", "/api/classify/rescore", token="centre")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "classify.run_active"
    status = api("GET", f"/api/classify/rescore/{run['id']}")  # readers may follow it
    assert status.json()["total"] >= 2
    cancelled = api("POST", f"/api/classify/rescore/{run['id']}/cancel", token="centre")
    assert cancelled.json()["state"] == "cancelled"
    twice = api("POST", f"/api/classify/rescore/{run['id']}/cancel", token="centre")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "classify.run_state"
    assert api("GET", "/api/classify/rescore/999999").status_code == 404
    with live_db.session() as s:
        assert s.scalar(select(RescoreRun.state)) == "cancelled"


def test_known_hashes(api):
    assert api("GET", "/api/classify/hashes").status_code == 403
    lines = f"{'a' * 64}\n{'b' * 64},lingerie\n"
    plain = api(
        "POST",
        "/api/classify/hashes",
        token="centre",
        params={"source": "list one"},
        content=lines.encode(),  # a text body (any content type but JSON)
    )
    assert plain.status_code == 201, plain.text
    assert (plain.json()["added"], plain.json()["known"]) == (2, 0)
    as_json = api(
        "POST",
        "/api/classify/hashes",
        token="centre",
        json={"source": "list one", "label": "porn", "hashes": ["a" * 64, "c" * 64]},
    )
    assert (as_json.json()["added"], as_json.json()["known"]) == (1, 1)
    bad = api(
        "POST", "/api/classify/hashes", token="centre", json={"source": "x", "hashes": ["zz"]}
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "classify.hash_invalid"
    no_source = api("POST", "/api/classify/hashes", token="centre", content=b"a" * 64)
    assert no_source.status_code == 422
    listed = api("GET", "/api/classify/hashes", token="centre").json()
    assert listed["total"] == 3
    labels = {item["pdq"]: item["label"] for item in listed["items"]}
    assert labels["b" * 64] == "lingerie"
    first = listed["items"][0]["id"]
    assert api("DELETE", f"/api/classify/hashes/{first}", token="centre").status_code == 204
    gone = api("DELETE", f"/api/classify/hashes/{first}", token="centre")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "classify.hash_not_found"

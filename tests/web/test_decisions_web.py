"""Decisions on the web: the ``/decisions`` page (list, record form with CSRF, withdraw) and
``/api/decisions``; who may read, who may decide, the nav entry, the audit events."""

from __future__ import annotations

import re

import pytest

from accounts.accountkit import cheap_config, make_org, make_user
from accounts.webkit import (
    EN,
    ZH,
    cheap_app,
    csrf_token,
    logged_in,
    make_token,
    outbox,
    token_caller,
)


@pytest.fixture
def world(live_db):
    with live_db.session() as session:
        centre = make_org(session, "举报中心", "reporting_centre", "CN")
        carrier = make_org(session, "华夏移动", "carrier", "CN")
        ap = make_org(session, "Fast Access", "access_provider", "GD")
        config = cheap_config()
        make_user(session, centre, "centre-reviewer", ["reviewer"], config=config)
        make_user(session, centre, "centre-viewer", ["viewer"], config=config)
        make_user(session, carrier, "carrier-reviewer", ["reviewer"], config=config)
        make_user(session, ap, "ap-liaison", ["liaison"], config=config)
        tokens = {
            "review": make_token(session, centre, ["cases:read", "cases:review"]),
            "read": make_token(session, centre, ["cases:read"]),
            "carrier": make_token(session, carrier, ["cases:read", "cases:review"]),
        }
    return {"tokens": tokens}


@pytest.fixture
def app(live_settings):
    return cheap_app(live_settings)


@pytest.fixture
def as_user(app, world):
    with logged_in(app) as login:
        yield login


@pytest.fixture
def api(app, world):
    with token_caller(app, world["tokens"], "review") as call:
        yield call


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-decision-id="(\d+)"', html)]


def test_a_reviewer_records_and_withdraws_through_the_page(as_user, live_db):
    client = as_user("centre-reviewer")
    page = client.get("/decisions", headers=EN)
    assert page.status_code == 200
    assert "Record a decision" in page.text
    assert 'href="/decisions" aria-current="page"' in page.text
    token = csrf_token(client)
    form = {"target": "http://wap.porn.test/a", "verdict": "porn", "reason": "nudes"}
    done = client.post(
        "/decisions", data={**form, "csrf_token": token}, headers=EN, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/decisions?done=recorded"
    listed = client.get("/decisions?done=recorded", headers=EN)
    assert "The decision was recorded." in listed.text
    [decision_id] = _ids(listed.text)
    assert "porn.test" in listed.text
    withdraw = client.post(
        f"/decisions/{decision_id}/withdraw",
        data={"reason": "mistaken", "csrf_token": token},
        headers=EN,
        follow_redirects=False,
    )
    assert withdraw.status_code == 303
    assert 'class="inactive"' in client.get("/decisions", headers=EN).text
    names = [event["name"] for event in outbox(live_db) if event["name"].startswith("decisions.")]
    assert names == ["decisions.recorded", "decisions.withdrawn"]


def test_the_page_shows_input_errors_and_needs_the_csrf_token(as_user):
    client = as_user("centre-reviewer")
    token = csrf_token(client)
    bad = client.post(
        "/decisions",
        data={"target": "com.cn", "verdict": "porn", "reason": "x", "csrf_token": token},
        headers=EN,
    )
    assert bad.status_code == 422
    assert 'data-error-code="domain.invalid"' in bad.text
    assert 'value="com.cn"' in bad.text  # the form keeps what was typed
    empty = client.post(
        "/decisions",
        data={"target": "porn.test", "verdict": "porn", "reason": " ", "csrf_token": token},
        headers=EN,
    )
    assert 'data-error-code="decisions.invalid"' in empty.text
    forged = client.post(
        "/decisions", data={"target": "porn.test", "verdict": "porn", "reason": "x"}, headers=EN
    )
    assert forged.status_code == 403


def test_readers_see_the_list_without_the_form_and_others_are_refused(as_user, api):
    assert api("POST", "/api/decisions", json={"target": "porn.test", "verdict": "porn",
                                              "reason": "nudes"}).status_code == 200  # fmt: skip
    viewer = as_user("centre-viewer")
    page = viewer.get("/decisions", headers=ZH)
    assert page.status_code == 200
    assert "裁定" in page.text
    assert "porn.test" in page.text
    assert "色情" in page.text
    assert 'method="post" action="/decisions"' not in page.text
    assert viewer.post("/decisions", data={"csrf_token": csrf_token(viewer)}).status_code == 403
    carrier = as_user("carrier-reviewer")
    assert carrier.get("/decisions", headers=EN).status_code == 200
    assert "Record a decision" not in carrier.get("/decisions", headers=EN).text
    provider = as_user("ap-liaison")
    assert provider.get("/decisions", headers=EN).status_code == 403
    assert 'href="/decisions"' not in provider.get("/account", headers=EN).text


def test_the_api_records_lists_and_withdraws(api):
    body = {"target": "http://m.casino.test/", "verdict": "gambling", "reason": "bets"}
    first = api("POST", "/api/decisions", json=body)
    assert first.status_code == 200, first.text
    decision = first.json()
    assert (decision["domain"], decision["state"], decision["url"]) == (
        "casino.test",
        "confirmed",
        "http://m.casino.test/",
    )
    assert api("POST", "/api/decisions", json=body).json()["id"] == decision["id"]
    legal = api("POST", "/api/decisions", json={**body, "verdict": "legal"})
    assert legal.status_code == 409
    assert legal.json()["error"]["code"] == "decisions.contradicts"
    listed = api("GET", "/api/decisions", token="read", params={"domain": "casino.test"})
    assert [d["id"] for d in listed.json()] == [decision["id"]]
    url = f"/api/decisions/{decision['id']}/withdraw"
    withdrawn = api("POST", url, json={"reason": "closed"})
    assert withdrawn.json()["state"] == "withdrawn"
    assert api("POST", url, json={"reason": "again"}).status_code == 409
    assert api("POST", "/api/decisions/99999/withdraw", json={"reason": "x"}).status_code == 404
    states = api("GET", "/api/decisions", token="read", params={"state": "confirmed"})
    assert states.json() == []


def test_the_api_refuses_and_validates(api):
    body = {"target": "porn.test", "verdict": "porn", "reason": "nudes"}
    assert api("POST", "/api/decisions", token="read", json=body).status_code == 403
    assert api("POST", "/api/decisions", token="carrier", json=body).status_code == 403
    assert api("GET", "/api/decisions", token="carrier").status_code == 200
    bad = api("POST", "/api/decisions", json={**body, "verdict": "naughty"})
    assert bad.status_code == 422
    no_domain = api("POST", "/api/decisions", json={**body, "target": "10.0.0.1"})
    assert no_domain.json()["error"]["code"] == "domain.invalid"
    assert api("GET", "/api/decisions", params={"state": "maybe"}).status_code == 422

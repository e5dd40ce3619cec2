"""Background jobs in the web UI (/admin/jobs) and the API (/api/jobs): only actors whose reach
is global (the reporting centre) see them; retry and cancel need jobs:manage."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from accounts.accountkit import cheap_config, make_org, make_user
from accounts.webkit import (
    EN,
    HTML,
    ZH,
    cheap_app,
    form_value,
    logged_in,
    make_token,
    outbox,
    token_caller,
)
from jingwang.jobs import Job, JobState, ScheduleSpec, add_schedule, enqueue
from jingwang.store.base import utcnow


@pytest.fixture
def world(live_db):
    """The reporting centre (an analyst who manages jobs, an auditor who reads them), a carrier
    whose admin holds jobs:read over its own subtree only, and a few jobs."""
    with live_db.session() as session:
        centre = make_org(session, "举报中心", "reporting_centre", "CN")
        carrier = make_org(session, "华夏移动", "carrier", "CN")
        config = cheap_config()
        make_user(session, centre, "centre-analyst", ["analyst"], config=config)
        make_user(session, centre, "centre-auditor", ["auditor"], config=config)
        make_user(session, centre, "centre-viewer", ["viewer"], config=config)
        make_user(session, carrier, "carrier-admin", ["admin"], config=config)
        dead = enqueue(session, "blobs.verify", idempotency_key="dead-one").id
        queued = enqueue(session, "blobs.verify", idempotency_key="queued-one").id
        session.execute(
            update(Job)
            .where(Job.id == dead)
            .values(
                state=JobState.DEAD,
                attempts=3,
                last_error="OSError: disk on fire\nTraceback (most recent call last): …",
                finished_at=utcnow(),
            )
        )
        add_schedule(
            session,
            ScheduleSpec(name="nightly-verify", kind="blobs.verify", interval_seconds=86400),
        )
        tokens = {
            "manage": make_token(session, centre, ["jobs:read", "jobs:manage"]),
            "read": make_token(session, centre, ["jobs:read"]),
            "carrier": make_token(session, carrier, ["jobs:read"]),
        }
    return {"dead": dead, "queued": queued, "tokens": tokens}


@pytest.fixture
def app(live_settings):
    return cheap_app(live_settings)


@pytest.fixture
def as_user(app, world):
    with logged_in(app) as login:
        yield login


@pytest.fixture
def api(app, world):
    with token_caller(app, world["tokens"], "manage") as call:
        yield call


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-job-id="(\d+)"', html)]


def test_the_list_shows_jobs_newest_first_and_the_schedules_in_both_languages(as_user, world):
    client = as_user("centre-auditor")
    english = client.get("/admin/jobs", headers=EN)
    assert english.status_code == 200
    assert _ids(english.text) == [world["queued"], world["dead"]]
    assert "Background jobs" in english.text
    assert "OSError: disk on fire" in english.text
    assert "Traceback" not in english.text  # the first line of the error only
    assert "nightly-verify" in english.text
    assert 'href="/admin/jobs" aria-current="page"' in english.text
    chinese = client.get("/admin/jobs", headers=ZH)
    assert "后台任务" in chinese.text
    assert "定时计划" in chinese.text
    assert ">任务</a>" in chinese.text


def test_filters_by_state_and_kind_and_the_htmx_fragment(as_user, world):
    client = as_user("centre-auditor")
    dead = client.get("/admin/jobs", params={"state": "dead"}, headers=EN)
    assert _ids(dead.text) == [world["dead"]]
    assert _ids(client.get("/admin/jobs", params={"kind": "nope"}, headers=EN).text) == []
    assert _ids(client.get("/admin/jobs", params={"state": "", "kind": ""}).text) == [
        world["queued"],
        world["dead"],
    ]
    fragment = client.get(
        "/admin/jobs",
        params={"state": "queued", "kind": ""},
        headers={**EN, "HX-Request": "true", "HX-Target": "jobs-results"},
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert _ids(fragment.text) == [world["queued"]]
    assert fragment.headers["HX-Push-Url"] == "/admin/jobs?state=queued"
    assert client.get("/admin/jobs", params={"state": "bogus"}, headers=EN).status_code == 422


def test_the_detail_page_in_both_languages(as_user, world):
    client = as_user("centre-auditor")
    page = client.get(f"/admin/jobs/{world['dead']}", headers=EN)
    assert page.status_code == 200
    assert "Lease owner" in page.text
    assert "Traceback (most recent call last)" in page.text  # the whole error here
    assert "Retry" not in page.text  # auditors may look, not act
    assert "租约持有者" in client.get(f"/admin/jobs/{world['dead']}", headers=ZH).text
    assert client.get("/admin/jobs/99999", headers=EN).status_code == 404


def test_retry_a_dead_job_and_cancel_a_queued_one_through_the_page(as_user, world, live_db):
    client = as_user("centre-analyst")
    page = client.get(f"/admin/jobs/{world['dead']}", headers=EN)
    assert f'action="/admin/jobs/{world["dead"]}/retry"' in page.text
    assert f'action="/admin/jobs/{world["dead"]}/cancel"' not in page.text
    done = client.post(
        f"/admin/jobs/{world['dead']}/retry",
        data={"csrf_token": form_value(page.text, "csrf_token")},
        headers=EN,
        follow_redirects=False,
    )
    assert done.status_code == 303
    shown = client.get(done.headers["location"], headers=EN)
    assert "The job was queued to run again." in shown.text
    assert 'data-state="queued"' in shown.text

    page = client.get(f"/admin/jobs/{world['queued']}", headers=EN)
    done = client.post(
        f"/admin/jobs/{world['queued']}/cancel",
        data={"csrf_token": form_value(page.text, "csrf_token")},
        headers=EN,
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert 'data-state="cancelled"' in client.get(done.headers["location"], headers=EN).text
    events = outbox(live_db, "jobs.job_retried") + outbox(live_db, "jobs.job_cancelled")
    assert {e["actor"]["id"] for e in events} == {"centre-analyst"}


def test_a_conflict_is_shown_on_the_page(as_user, world, live_db):
    with live_db.session() as session:
        session.execute(
            update(Job).where(Job.id == world["queued"]).values(state=JobState.SUCCEEDED)
        )
    client = as_user("centre-analyst")
    page = client.get(f"/admin/jobs/{world['queued']}", headers=EN)
    assert "/cancel" not in page.text
    assert "/retry" not in page.text
    refused = client.post(
        f"/admin/jobs/{world['queued']}/retry",
        data={"csrf_token": form_value(page.text, "csrf_token")},
        headers=EN,
    )
    assert refused.status_code == 409
    assert 'data-error-code="jobs.state_conflict"' in refused.text


def test_a_post_without_the_csrf_token_is_refused(as_user, world):
    client = as_user("centre-analyst")
    refused = client.post(f"/admin/jobs/{world['dead']}/retry", headers=EN)
    assert refused.status_code == 403


def test_those_without_global_jobs_read_are_refused(as_user, world):
    viewer = as_user("centre-viewer")  # no jobs:read
    assert viewer.get("/admin/jobs", headers=HTML).status_code == 403
    assert viewer.get("/api/jobs").status_code == 403
    assert 'href="/admin/jobs"' not in viewer.get("/", headers=HTML).text
    carrier = as_user("carrier-admin")  # jobs:read, but only over its own organisations
    refused = carrier.get("/api/jobs")
    assert refused.status_code == 403
    assert refused.json()["error"]["details"]["reason"] == "out_of_scope"
    assert carrier.get(f"/admin/jobs/{world['dead']}", headers=HTML).status_code == 403
    assert 'href="/admin/jobs"' not in carrier.get("/", headers=HTML).text


def test_the_api_lists_shows_retries_and_cancels(api, world):
    listed = api("GET", "/api/jobs")
    assert listed.status_code == 200
    assert [j["id"] for j in listed.json()] == [world["queued"], world["dead"]]
    dead = api("GET", "/api/jobs", params={"state": "dead", "kind": "blobs.verify"}).json()
    assert [j["id"] for j in dead] == [world["dead"]]
    assert api("GET", "/api/jobs", params={"limit": 1}).json()[0]["id"] == world["queued"]
    assert api("GET", "/api/jobs", params={"state": "bogus"}).status_code == 422
    one = api("GET", f"/api/jobs/{world['dead']}").json()
    assert one["state"] == "dead"
    assert one["last_error"].startswith("OSError")

    retried = api("POST", f"/api/jobs/{world['dead']}/retry")
    assert retried.status_code == 200
    assert retried.json()["state"] == "queued"
    assert retried.json()["attempts"] == 0
    cancelled = api("POST", f"/api/jobs/{world['queued']}/cancel")
    assert cancelled.json()["state"] == "cancelled"
    again = api("POST", f"/api/jobs/{world['queued']}/cancel")
    assert again.status_code == 200  # cancelling a cancelled job changes nothing
    missing = api("GET", "/api/jobs/99999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "jobs.not_found"


def test_the_api_reports_state_conflicts(api, world, live_db):
    with live_db.session() as session:
        session.execute(update(Job).where(Job.id == world["dead"]).values(state=JobState.RUNNING))
    conflict = api("POST", f"/api/jobs/{world['dead']}/retry")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "jobs.state_conflict"


def test_a_read_only_token_cannot_retry_and_a_carrier_token_cannot_read(api, world):
    assert api("GET", "/api/jobs", token="read").status_code == 200
    refused = api("POST", f"/api/jobs/{world['dead']}/retry", token="read")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission.beyond_scope"
    assert api("GET", "/api/jobs", token="carrier").status_code == 403

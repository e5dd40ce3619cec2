"""Probing campaigns on the web (/probe/campaigns …): create one from a list, its progress
refreshed by htmx while it runs, pause / resume / cancel, its report, discovered hosts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from accounts.accountkit import cheap_config, make_org, make_user
from accounts.webkit import EN, HTML, ZH, cheap_app, form_value, logged_in
from jingwang.jobs.models import Job
from jingwang.probe.models import Campaign, Candidate

pytestmark = pytest.mark.db

URLS = "http://wap.a.test/\nhttp://wap.b.test/x\n\nhttp://wap.a.test/y\n"


@pytest.fixture
def world(live_db):
    config = cheap_config()
    with live_db.session() as s:
        carrier = make_org(s, "Huaxia Mobile", "carrier", "CN")
        other = make_org(s, "Zhongyuan Unicom", "carrier", "HA")
        police = make_org(s, "Network Police", "police", "GD")
        make_user(s, carrier, "carrier-reviewer", ["reviewer"], config=config)
        make_user(s, carrier, "carrier-viewer", ["viewer"], config=config)
        make_user(s, other, "other-reviewer", ["reviewer"], config=config)
        make_user(s, police, "police-viewer", ["viewer"], config=config)
    return {"carrier": carrier.id}


@pytest.fixture
def as_user(live_settings):
    with logged_in(cheap_app(live_settings)) as login:
        yield login


def _create(client, **fields):
    csrf = form_value(client.get("/probe/campaigns", headers=HTML).text, "csrf_token")
    data = {"name": "夜间巡查", "selection": "list", "urls": URLS, "profile": "wap1"}
    return client.post(
        "/probe/campaigns",
        data={**data, **fields, "csrf_token": csrf},
        headers=EN,
        follow_redirects=False,
    )


def _post(client, url):
    csrf = form_value(client.get("/probe/campaigns", headers=HTML).text, "csrf_token")
    return client.post(url, data={"csrf_token": csrf}, headers=EN, follow_redirects=False)


def test_create_a_campaign_from_a_list_and_follow_it(world, as_user, live_db):
    client = as_user("carrier-reviewer")
    created = _create(client, discovery="true", interval_hours="6")
    assert created.status_code == 303
    campaign_id = int(re.search(r"/probe/campaigns/(\d+)", created.headers["location"]).group(1))
    with live_db.session() as s:
        campaign = s.get(Campaign, campaign_id)
        assert (campaign.state, campaign.discovery, campaign.interval_hours) == ("queued", True, 6)
        assert campaign.org_id == world["carrier"]
        assert s.scalars(select(Job.kind).where(Job.id == campaign.job_id)).one() == (
            "probe.campaign"
        )
    page = client.get(created.headers["location"], headers=EN).text
    assert "The campaign was created" in page
    assert 'data-finished="0" data-total="3"' in page
    assert 'hx-trigger="every 3s"' in page  # queued: progress refreshes itself
    assert 'class="fill w0"' in page
    assert "every 6 h" in page
    listing = client.get("/probe/campaigns", headers=ZH).text
    assert f'data-campaign-id="{campaign_id}"' in listing
    assert "夜间巡查" in listing
    assert "URL 列表" in listing
    fragment = client.get(
        f"/probe/campaigns/{campaign_id}",
        headers={**EN, "HX-Request": "true", "HX-Target": "campaign-progress"},
    )
    assert fragment.text.lstrip().startswith("<section")
    assert 'data-total="3"' in fragment.text
    other = as_user("other-reviewer")
    assert other.get(f"/probe/campaigns/{campaign_id}", headers=EN).status_code == 404
    assert f'data-campaign-id="{campaign_id}"' not in other.get("/probe/campaigns").text


def test_pause_resume_and_cancel(world, as_user):
    client = as_user("carrier-reviewer")
    location = _create(client).headers["location"].split("?")[0]
    paused = _post(client, f"{location}/pause")
    assert paused.headers["location"].endswith("?done=paused")
    page = client.get(location, headers=EN).text
    assert 'data-state="paused"' in page
    assert 'hx-trigger="every 3s"' not in page  # paused: no polling
    assert f'action="{location}/resume"' in page
    assert _post(client, f"{location}/resume").headers["location"].endswith("?done=resumed")
    assert _post(client, f"{location}/cancel").headers["location"].endswith("?done=cancelled")
    again = _post(client, f"{location}/pause")
    assert again.status_code == 409
    assert 'data-state="cancelled"' in again.text
    assert _post(client, f"{location}/explode").status_code == 422


def test_a_bad_form_is_shown_again_with_its_error(world, as_user):
    client = as_user("carrier-reviewer")
    empty = _create(client, urls="\n")
    assert empty.status_code == 422
    assert "no URL to probe" in empty.text
    assert "夜间巡查" in empty.text  # what was typed is kept
    hours = _create(client, interval_hours="0")
    assert hours.status_code == 422
    provider = _create(client, selection="provider_sites", org="Nobody Here")
    assert provider.status_code == 422
    assert "Nobody Here" in provider.text


def test_readers_without_probe_run_see_but_cannot_change(world, as_user):
    location = _create(as_user("carrier-reviewer")).headers["location"].split("?")[0]
    viewer = as_user("carrier-viewer")
    page = viewer.get("/probe/campaigns", headers=EN)
    assert page.status_code == 200
    assert 'name="urls"' not in page.text
    assert _create(viewer).status_code == 403
    campaign = viewer.get(location, headers=EN)
    assert campaign.status_code == 200
    assert "/pause" not in campaign.text
    assert _post(viewer, f"{location}/pause").status_code == 403
    assert as_user("police-viewer").get(location, headers=EN).status_code == 404


def test_candidates_are_listed_as_text(world, as_user, live_db):
    client = as_user("carrier-reviewer")
    location = _create(client, discovery="true").headers["location"].split("?")[0]
    campaign_id = int(location.rsplit("/", 1)[1])
    with live_db.session() as s:
        s.add(Candidate(host="<b>new.evil.test</b>", domain="evil.test", campaign_id=campaign_id))
    page = client.get("/probe/candidates", headers=EN).text
    assert "&lt;b&gt;new.evil.test&lt;/b&gt;" in page
    assert "<b>new.evil.test" not in page
    assert f'href="/probe/campaigns/{campaign_id}"' in page
    assert "new.evil.test" not in as_user("other-reviewer").get("/probe/candidates").text

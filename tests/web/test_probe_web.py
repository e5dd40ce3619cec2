"""The probing pages (/probe …): who sees them, a capture shown as text (its chain in words, what
was sent, identifiers, evidence), "verify now", the probe form, and captured markup escaped."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from accounts.accountkit import cheap_config, make_org, make_user
from accounts.webkit import EN, HTML, ZH, cheap_app, form_value, logged_in
from jingwang.jobs.models import Job
from jingwang.probe.models import Evidence
from jingwang.probe.service import record_probe
from jingwang.probe.types import Card, Hop, Identifier, Link, Outcome, PageSummary, Via
from jingwang.store.blobs import FileBlobStore
from probe.servicekit import refused_result, wml_result

pytestmark = pytest.mark.db

XSS = "<script>alert(1)</script>"


def _hostile(url: str = "http://evil.test/"):
    """A capture whose page carries markup in its title, text, links and images."""
    result = wml_result(url)
    result.page = PageSummary(
        kind="html",
        charset="gb18030",
        charset_reason="meta charset gb2312, read as gb18030",
        title=f"标题{XSS}",
        text=f"正文{XSS}<img src=x onerror=alert(2)>",
        cards=[Card(id=None, title=f"标题{XSS}", text=f"正文{XSS}<img src=x onerror=alert(2)>")],
        links=[Link(url="http://evil.test/next?x=<b>", text=f"下一页{XSS}")],
        images=["http://evil.test/a.png"],
        identifiers=[Identifier("qq", "12345678", f"QQ{XSS}", 0, 3)],
    )
    result.hops = [
        Hop(url, Via.START, 200),
        Hop(url + "timer", Via.WML_ONTIMER, 200, delay_seconds=3.0),
    ]
    return result


@pytest.fixture
def world(live_db, live_settings):
    """Two carriers with a reviewer each, a police viewer (read only), an access provider's
    liaison (no probing); captures recorded for the first carrier."""
    blobs = FileBlobStore(live_settings.resolved_blob_dir)
    config = cheap_config()
    with live_db.session() as s:
        carrier = make_org(s, "Huaxia Mobile", "carrier", "CN")
        other = make_org(s, "Zhongyuan Unicom", "carrier", "HA")
        police = make_org(s, "Network Police", "police", "GD")
        ap = make_org(s, "Fast Access", "access_provider", "GD")
        make_user(s, carrier, "carrier-reviewer", ["reviewer"], config=config)
        make_user(s, other, "other-reviewer", ["reviewer"], config=config)
        make_user(s, police, "police-viewer", ["viewer"], config=config)
        make_user(s, ap, "ap-liaison", ["liaison"], config=config)
        ids = {
            name: record_probe(
                s, blobs, result, actor_name="carrier-reviewer", org_id=carrier.id
            ).id
            for name, result in (
                ("wml", wml_result()),
                ("hostile", _hostile()),
                ("refused", refused_result()),
            )
        }
        ids["other"] = record_probe(
            s, blobs, wml_result("http://wap.other.test/"), actor_name="x", org_id=other.id
        ).id
    return ids


@pytest.fixture
def as_user(live_settings):
    with logged_in(cheap_app(live_settings)) as login:
        yield login


def test_the_menu_shows_probing_only_to_readers(world, as_user):
    reviewer = as_user("carrier-reviewer").get("/", headers=ZH).text
    assert '<a href="/probe">拨测取证</a>' in reviewer
    liaison = as_user("ap-liaison")
    assert 'href="/probe"' not in liaison.get("/", headers=ZH).text
    assert liaison.get("/probe", headers=EN).status_code == 403
    assert liaison.get(f"/probe/captures/{world['wml']}", headers=EN).status_code == 403


def test_the_public_is_sent_to_log_in(world, live_settings):
    with logged_in(cheap_app(live_settings)) as login:
        client = login("police-viewer")
        client.cookies.clear()
        response = client.get("/probe", headers=HTML, follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")


def test_captures_list_within_reach_with_filters(world, as_user):
    client = as_user("carrier-reviewer")
    page = client.get("/probe", headers=EN)
    assert page.status_code == 200
    for name in ("wml", "hostile", "refused"):
        assert f'data-capture-id="{world[name]}"' in page.text
    assert f'data-capture-id="{world["other"]}"' not in page.text
    assert 'data-outcome="refused"' in page.text
    assert 'name="url"' in page.text  # a reviewer may probe
    assert "WAP 1.x handset" in page.text  # the profiles by their labels
    refused = client.get("/probe?outcome=refused", headers=EN).text
    assert f'data-capture-id="{world["refused"]}"' in refused
    assert f'data-capture-id="{world["wml"]}"' not in refused
    by_domain = client.get("/probe?domain=evil.test", headers=EN).text
    assert f'data-capture-id="{world["hostile"]}"' in by_domain
    assert f'data-capture-id="{world["wml"]}"' not in by_domain
    fragment = client.get(
        "/probe?outcome=ok", headers={**EN, "HX-Request": "true", "HX-Target": "probe-results"}
    )
    assert fragment.text.lstrip().startswith("<section")
    assert fragment.headers["HX-Push-Url"] == "/probe?outcome=ok"
    bad = client.get("/probe?outcome=maybe", headers=EN)
    assert bad.status_code == 422
    assert "maybe" in bad.text
    other = as_user("other-reviewer").get("/probe", headers=EN).text
    assert f'data-capture-id="{world["other"]}"' in other
    assert f'data-capture-id="{world["wml"]}"' not in other


def test_a_reader_without_probe_run_gets_no_form(world, as_user):
    with pytest.MonkeyPatch.context():
        page = as_user("police-viewer").get("/probe", headers=EN)
    assert page.status_code == 200
    assert 'name="url"' not in page.text


def test_a_capture_shows_its_chain_request_identifiers_and_evidence(world, as_user):
    client = as_user("carrier-reviewer")
    page = client.get(f"/probe/captures/{world['wml']}", headers=EN).text
    chain = re.search(r'<ol class="chain">(.*?)</ol>', page, re.S).group(1)
    assert re.search(r'data-via="start".*data-via="http"', chain, re.S)
    assert '<span class="via">HTTP 302</span>' in chain
    assert "GET http://wap.hot.test/ HTTP/1.1\nHost: wap.hot.test" in page  # what was sent
    assert "WAP 1.x handset" in page
    assert 'data-identifier-kind="qq"' in page
    assert "12345678" in page
    assert '<iframe class="wml-view" sandbox="" src="/api/captures/' in page
    assert 'data-evidence-kind="warc"' in page
    assert 'data-verify-state="never"' in page
    assert f'href="/api/captures/{world["wml"]}/warc"' in page
    assert "image/vnd.wap.wbmp" in page
    assert "1×1" in page
    zh = client.get(f"/probe/captures/{world['wml']}", headers=ZH).text
    assert "重定向链" in zh
    assert (
        as_user("other-reviewer").get(f"/probe/captures/{world['wml']}", headers=EN).status_code
        == 404
    )
    assert client.get("/probe/captures/999999", headers=EN).status_code == 404


def test_the_wml_timer_hop_is_named_in_both_languages(world, as_user):
    client = as_user("carrier-reviewer")
    english = client.get(f"/probe/captures/{world['hostile']}", headers=EN).text
    assert '<span class="via">WML timer</span>' in english
    assert "after 3.0 s" in english
    chinese = client.get(f"/probe/captures/{world['hostile']}", headers=ZH).text
    assert '<span class="via">WML 定时器</span>' in chinese


def test_captured_markup_is_shown_escaped_never_as_html(world, as_user):
    page = as_user("carrier-reviewer").get(f"/probe/captures/{world['hostile']}", headers=EN).text
    assert XSS not in page
    assert "onerror=alert(2)>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<b>" not in page
    # Nothing points at the captured site: no link, no image, no frame.
    assert not re.search(r'(href|src)="https?://(evil|wap)', page)
    assert "meta charset gb2312, read as gb18030" in page
    listing = as_user("carrier-reviewer").get("/probe", headers=EN).text
    assert XSS not in listing
    assert "标题&lt;script&gt;" in listing


def test_a_refused_capture_says_why(world, as_user):
    page = as_user("carrier-reviewer").get(f"/probe/captures/{world['refused']}", headers=EN).text
    assert "10.0.0.1 is a private address" in page
    assert "probe.address_forbidden" in page
    assert 'class="refused"' in page


def test_verify_now_checks_the_evidence(world, as_user, live_db):
    client = as_user("carrier-reviewer")
    url = f"/probe/captures/{world['wml']}/verify"
    csrf = form_value(client.get("/probe", headers=HTML).text, "csrf_token")
    headers = {**EN, "HX-Request": "true", "HX-Target": "evidence-panel", "X-CSRF-Token": csrf}
    panel = client.post(url, headers=headers)
    assert panel.status_code == 200
    assert panel.text.lstrip().startswith("<section")
    assert 'data-verify-state="passed"' in panel.text
    assert "Verification finished." in panel.text
    with live_db.session() as s:
        states = set(
            s.scalars(select(Evidence.verify_state).where(Evidence.capture_id == world["wml"]))
        )
    assert states == {"passed"}
    plain = client.post(url, data={"csrf_token": csrf}, headers=HTML, follow_redirects=False)
    assert plain.status_code == 303
    # The police may read captures but not export evidence: no button, and the route refuses.
    police = as_user("police-viewer")
    refused = police.post(
        url, headers={**EN, "X-CSRF-Token": form_value(police.get("/probe").text, "csrf_token")}
    )
    assert refused.status_code in (403, 404)


def test_a_tampered_warc_fails_verification_and_the_page_still_shows(
    world, as_user, live_db, live_settings
):
    blobs = FileBlobStore(live_settings.resolved_blob_dir)
    with live_db.session() as s:
        digest = s.scalars(
            select(Evidence.digest).where(
                Evidence.capture_id == world["hostile"], Evidence.kind == "warc"
            )
        ).one()
    path = blobs.path_of(digest)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    client = as_user("carrier-reviewer")
    csrf = form_value(client.get("/probe", headers=HTML).text, "csrf_token")
    panel = client.post(
        f"/probe/captures/{world['hostile']}/verify",
        headers={**EN, "HX-Request": "true", "HX-Target": "evidence-panel", "X-CSRF-Token": csrf},
    )
    assert 'data-verify-state="failed"' in panel.text
    page = client.get(f"/probe/captures/{world['hostile']}", headers=EN)
    assert page.status_code == 200
    assert 'data-verify-state="failed"' in page.text


def test_the_probe_form_enqueues_a_job_and_shows_a_pending_row(world, as_user, live_db):
    client = as_user("carrier-reviewer")
    csrf = form_value(client.get("/probe", headers=HTML).text, "csrf_token")
    headers = {**EN, "HX-Request": "true", "HX-Target": "pending-rows", "X-CSRF-Token": csrf}
    row = client.post(
        "/probe", data={"url": "http://wap.hot.test/", "profile": "wap1"}, headers=headers
    )
    assert row.status_code == 200
    job_id = int(re.search(r'data-job-id="(\d+)"', row.text).group(1))
    assert 'hx-get="/probe/pending/' in row.text
    assert 'hx-trigger="every 2s"' in row.text
    with live_db.session() as s:
        job = s.get(Job, job_id)
        assert job.kind == "probe.url"
        assert job.payload["url"] == "http://wap.hot.test/"
        assert job.payload["profile"] == "wap1"
    polled = client.get(f"/probe/pending/{job_id}", headers=EN)
    assert "probing…" in polled.text
    assert as_user("other-reviewer").get(f"/probe/pending/{job_id}", headers=EN).status_code == 422
    plain = client.post(
        "/probe",
        data={"url": "http://wap.hot.test/", "profile": "wap1", "csrf_token": csrf},
        headers=HTML,
        follow_redirects=False,
    )
    assert plain.status_code == 303
    assert plain.headers["location"].startswith("/probe?job=")
    shown = client.get(plain.headers["location"], headers=EN).text
    assert 'class="pending"' in shown
    unknown = client.post(
        "/probe", data={"url": "http://x.test/", "profile": "nokia9"}, headers=headers
    )
    assert unknown.status_code == 422
    assert "nokia9" in unknown.text


def test_a_finished_probe_job_links_to_its_capture(world, as_user, live_db):
    client = as_user("carrier-reviewer")
    csrf = form_value(client.get("/probe", headers=HTML).text, "csrf_token")
    headers = {**EN, "HX-Request": "true", "X-CSRF-Token": csrf}
    row = client.post("/probe", data={"url": "http://wap.hot.test/"}, headers=headers)
    job_id = int(re.search(r'data-job-id="(\d+)"', row.text).group(1))
    with live_db.session() as s:
        job = s.get(Job, job_id)
        job.state = "succeeded"
        job.result = {"capture_id": world["wml"]}
    done = client.get(f"/probe/pending/{job_id}", headers=EN).text
    assert f'href="/probe/captures/{world["wml"]}"' in done
    assert "hx-trigger" not in done


def test_outcome_words_are_translated(world, as_user):
    page = as_user("carrier-reviewer").get("/probe", headers=ZH).text
    assert Outcome.REFUSED.value in page  # the data attribute keeps the stable name
    assert "已拒绝" in page


def test_a_capture_exports_as_wacz_for_evidence_exporters(world, as_user):
    url = f"/probe/captures/{world['wml']}/wacz"
    exported = as_user("carrier-reviewer").get(url)
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "application/wacz"
    assert exported.content.startswith(b"PK")
    assert "capture-" in exported.headers["content-disposition"]
    assert as_user("police-viewer").get(url, headers=EN).status_code == 403


@pytest.mark.parametrize(
    ("url", "code", "said"),
    [
        ("ftp://wap.hot.test/", "probe.scheme_forbidden", "http:// and https:// only"),
        ("http://user:secret@wap.hot.test/", "probe.url_forbidden", "user name or password"),
        ("http://169.254.169.254/latest/", "probe.address_forbidden", "169.254.169.254"),
    ],
)
def test_a_url_the_guard_refuses_is_refused_at_once_not_queued(
    world, as_user, live_db, url, code, said
):
    client = as_user("carrier-reviewer")
    csrf = form_value(client.get("/probe", headers=HTML).text, "csrf_token")
    headers = {**EN, "HX-Request": "true", "X-CSRF-Token": csrf}
    with live_db.session() as s:
        jobs_before = len(s.scalars(select(Job)).all())
    row = client.post("/probe", data={"url": url}, headers=headers)
    api = client.post("/api/probe", json={"url": url}, headers={"X-CSRF-Token": csrf})
    with live_db.session() as s:
        jobs_after = len(s.scalars(select(Job)).all())

    assert row.status_code == 422
    assert said in row.text
    assert (api.status_code, api.json()["error"]["code"]) == (422, code)
    assert said in api.json()["error"]["message"]
    assert jobs_after == jobs_before

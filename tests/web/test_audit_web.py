"""The audit browser: /audit (HTML, htmx fragment), /api/audit (JSON, cursor) and /audit.csv,
scoped to the organisations within the reader's reach."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient

from accounts.accountkit import SYSTEM, cheap_config, make_org, make_user
from accounts.webkit import HTML, HTTPS, cheap_app, logged_in, outbox
from jingwang.accounts.schemas import TokenCreate
from jingwang.accounts.tokens import create_token
from jingwang.audit import AuditRecord, append_entry
from jingwang.store.base import utcnow

DAY = dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def _entry(session, n, org_id, **changes):
    values = {
        "occurred_at": DAY + dt.timedelta(days=n // 10, minutes=n),
        "recorded_at": DAY + dt.timedelta(days=n // 10, minutes=n),
        "actor_type": "user",
        "actor_id": f"user{n % 3}",
        "org_id": org_id,
        "action": "tests.site_flagged" if n % 2 else "accounts.user_updated",
        "object_type": "site",
        "object_id": f"site-{n}",
        "summary": {"url": "http://例子.cn/", "changes": {"roles": [["viewer"], ["auditor"]]}},
        "request_id": f"req-{n}",
        **changes,
    }
    return append_entry(session, AuditRecord(**values)).seq


@pytest.fixture
def world(live_db):
    """Two carriers (one with a branch), the reporting centre, and entries of each."""
    with live_db.session() as session:
        centre = make_org(session, "举报中心", "reporting_centre", "CN")
        carrier = make_org(session, "华夏移动", "carrier", "CN")
        branch = make_org(session, "华夏移动广东", "carrier", "GD", carrier)
        other = make_org(session, "远方电信", "carrier", "CN")
        config = cheap_config()
        make_user(session, centre, "centre-auditor", ["auditor"], config=config)
        make_user(session, carrier, "carrier-auditor", ["auditor"], config=config)
        make_user(session, carrier, "carrier-admin", ["admin"], config=config)
        make_user(session, carrier, "carrier-viewer", ["viewer"], config=config)
        national = make_org(session, "工业和信息化部", "regulator", "CN")
        guangdong = make_org(session, "广东省通信管理局", "regulator", "GD", national)
        make_user(session, national, "national-auditor", ["auditor"], config=config)
        make_user(session, guangdong, "gd-auditor", ["auditor"], config=config)
        seqs = {
            "carrier": [_entry(session, n, str(carrier.id)) for n in (1, 2, 3)],
            "branch": [_entry(session, n, str(branch.id)) for n in (4, 15)],
            "other": [_entry(session, n, str(other.id)) for n in (6, 7)],
            "system": [_entry(session, 8, None, actor_type="cli", actor_id="root")],
            "formula": [_entry(session, 9, str(carrier.id), object_id='=HYPERLINK("http://x")')],
        }
        token = create_token(
            session,
            SYSTEM,
            TokenCreate(org_id=carrier.id, name="siem", scopes=["audit:read"]),
            config,
            utcnow(),
        ).secret
    return {"seqs": seqs, "carrier": carrier.id, "branch": branch.id, "token": token}


@pytest.fixture
def app(live_settings):
    return cheap_app(live_settings)


@pytest.fixture
def as_user(app, world):
    with logged_in(app) as login:
        yield login


def _seqs_on_page(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'data-seq="(\d+)"', html)]


def _api(client, **params):
    response = client.get("/api/audit", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_an_org_auditor_sees_its_org_and_those_below_only(as_user, world):
    seqs = world["seqs"]
    page = as_user("carrier-auditor").get("/audit", headers=HTML)
    assert page.status_code == 200
    mine = sorted(seqs["carrier"] + seqs["branch"] + seqs["formula"])
    assert _seqs_on_page(page.text) == mine[::-1]  # newest first, never another carrier's
    assert "华夏移动广东" in page.text
    assert 'href="/audit" aria-current="page"' in page.text
    assert "Export CSV" in page.text or "导出 CSV" in page.text


def test_the_reporting_centre_sees_everything_including_system_entries(as_user, world):
    everything = sorted(s for group in world["seqs"].values() for s in group)
    entries = _api(as_user("centre-auditor"), limit=500)["entries"]
    assert [e["seq"] for e in entries] == everything[::-1]
    assert {e["org_id"] for e in entries} >= {None}


def test_regulators_see_their_province_the_national_one_everything(as_user, world):
    seqs = world["seqs"]
    everything = sorted(s for group in seqs.values() for s in group)
    national = _api(as_user("national-auditor"), limit=500)["entries"]
    assert sorted(e["seq"] for e in national) == everything  # the system's entries too
    guangdong = _api(as_user("gd-auditor"), limit=500)["entries"]
    assert sorted(e["seq"] for e in guangdong) == seqs["branch"]  # the carrier's GD branch


def test_readers_without_the_permission_are_refused(as_user, world):
    viewer = as_user("carrier-viewer")
    assert viewer.get("/audit", headers=HTML).status_code == 403
    assert viewer.get("/api/audit").status_code == 403
    assert viewer.get("/audit.csv").status_code == 403
    assert 'href="/audit"' not in viewer.get("/", headers=HTML).text
    admin = as_user("carrier-admin")  # may read the log, not export it
    page = admin.get("/audit", headers=HTML)
    assert page.status_code == 200
    assert "/audit.csv" not in page.text
    refused = admin.get("/audit.csv")
    assert refused.status_code == 403
    assert refused.json()["error"]["details"]["permission"] == "audit:export"


def test_filters(as_user, world):
    client = as_user("centre-auditor")
    seqs = world["seqs"]

    def found(**params):
        return sorted(e["seq"] for e in _api(client, limit=500, **params)["entries"])

    assert found(action="accounts.*") == found(action="accounts.user_updated")
    assert set(found(action="tests.site_flagged")).isdisjoint(found(action="accounts.*"))
    assert found(actor="root") == seqs["system"]
    assert found(org_id=str(world["branch"])) == seqs["branch"]
    assert found(object_type="site", object_id="site-7") == [seqs["other"][1]]
    assert found(request_id="req-15") == [seqs["branch"][1]]
    # Dates are days in the display time zone; `until` includes its day.
    assert found(since="2026-03-05") == [seqs["branch"][1]]
    assert seqs["branch"][1] not in found(until="2026-03-04")
    between = found(since="2026-03-04T10:03", until="2026-03-04T10:05")
    assert between == [seqs["carrier"][2], seqs["branch"][0]]
    assert found(action="nothing.like_this") == []


def test_api_pages_with_a_cursor(as_user, world):
    client = as_user("centre-auditor")
    seen, cursor = [], None
    while True:
        page = _api(client, limit=3, **({"cursor": cursor} if cursor else {}))
        seen += [e["seq"] for e in page["entries"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen)) == 9
    entry = _api(client, limit=1)["entries"][0]
    assert set(entry) >= {"seq", "prev_hash", "entry_hash", "summary", "occurred_at", "org_id"}


def test_an_api_token_with_the_scope_reads_its_orgs_entries(app, world):
    with TestClient(app, base_url=HTTPS) as client:
        headers = {"Authorization": f"Bearer {world['token']}"}
        response = client.get("/api/audit", params={"limit": 500}, headers=headers)
    assert response.status_code == 200
    seqs = world["seqs"]
    assert {e["seq"] for e in response.json()["entries"]} == set(
        seqs["carrier"] + seqs["branch"] + seqs["formula"]
    )


def test_bad_filters_and_cursors_get_the_documented_error(as_user, world):
    client = as_user("centre-auditor")
    for params in ({"since": "yesterday"}, {"cursor": "abc"}, {"limit": 0}):
        response = client.get("/api/audit", params=params)
        assert response.status_code == 422, params
        assert response.json()["error"]["code"] in ("audit.invalid_filter", "input.invalid")
    assert client.get("/api/audit", params={"since": "x"}).json()["error"]["code"] == (
        "audit.invalid_filter"
    )


def test_htmx_gets_only_the_results_and_pages_link_older_entries(as_user, world):
    client = as_user("centre-auditor")
    headers = {**HTML, "HX-Request": "true", "HX-Target": "audit-results"}
    fragment = client.get("/audit", params={"action": "accounts.*"}, headers=headers)
    assert fragment.text.lstrip().startswith('<section id="audit-results"')
    assert "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    assert 'href="/audit.csv?action=accounts.%2A"' in fragment.text
    assert fragment.headers["HX-Push-Url"] == "/audit?action=accounts.%2A"
    full = client.get("/audit", headers=HTML)
    assert '<html lang="zh-CN">' in full.text
    assert 'hx-get="/audit"' in full.text
    assert "<script>" not in full.text  # no inline script: htmx attributes only


def test_pages_are_translated(as_user, world):
    client = as_user("centre-auditor")
    english = client.get("/audit", headers={**HTML, "Accept-Language": "en"}).text
    chinese = client.get("/audit", headers={**HTML, "Accept-Language": "zh-CN"}).text
    assert "<h1>Audit log</h1>" in english
    assert "Older entries" not in english
    assert "<h1>审计日志</h1>" in chinese
    assert "Before" in english
    assert "修改前" in chinese


def test_csv_export_is_excel_friendly_scoped_and_audited(as_user, world, live_db):
    client = as_user("carrier-auditor")
    response = client.get("/audit.csv", params={"object_type": "site"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="jingwang-')
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["seq", "occurred_at", "recorded_at"]
    seqs = world["seqs"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(
        seqs["carrier"] + seqs["branch"] + seqs["formula"]
    )
    assert any("例子.cn" in r[10] for r in rows[1:])
    formula = next(r for r in rows[1:] if int(r[0]) == seqs["formula"][0])
    assert formula[8] == '\'=HYPERLINK("http://x")'  # shown, never run, by a spreadsheet
    exported = outbox(live_db, "audit.exported")
    assert len(exported) == 1
    assert exported[0]["actor"]["id"] == "carrier-auditor"
    assert (exported[0]["rows"], exported[0]["filters"]) == (6, {"object_type": "site"})


def test_the_page_links_older_entries_and_back(as_user, world, live_db):
    with live_db.session() as session:
        for n in range(100, 160):
            _entry(session, n, None)
    client = as_user("centre-auditor")
    first = client.get("/audit", headers=HTML).text
    shown = _seqs_on_page(first)
    assert len(shown) == 50
    assert shown == sorted(shown, reverse=True)
    older = re.search(r'<a rel="next" href="(/audit\?before=(\d+))"', first)
    assert older is not None
    assert int(older.group(2)) == shown[-1]
    second = client.get(older.group(1).replace("&amp;", "&"), headers=HTML).text
    rest = _seqs_on_page(second)
    assert rest[0] == shown[-1] - 1
    assert len(shown) + len(rest) == 69  # 9 + 60
    assert 'href="/audit"' in second  # back to the newest
    assert 'rel="next"' not in second

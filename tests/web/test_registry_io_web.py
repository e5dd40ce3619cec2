"""Registry import and export in the web UI (/registry/imports) and the API
(/api/registry/imports, /api/registry/exports/{kind}): reports, row errors, permissions."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select

from accounts.accountkit import cheap_config, make_org, make_user
from accounts.webkit import (
    EN,
    HTML,
    ZH,
    cheap_app,
    form_value,
    logged_in,
    make_token,
    token_caller,
)
from jingwang.registry.models import Connection

BROKEN = (
    b"provider,domain,ip_range,valid_from\n"
    b"Fast Access,wap.good.test,10.1.0.0/16,2010-01-05\n"
    b"Nobody Ltd,wap.x.test,,\n"
    b"Fast Access,bad..name,10.1.0.300/24,\n"
)


@pytest.fixture
def world(live_db):
    """An access provider with a liaison (registry:manage) and a viewer (registry:read only)."""
    with live_db.session() as session:
        ap = make_org(session, "Fast Access", "access_provider", "GD")
        make_org(session, "Other Access", "access_provider", "BJ")
        config = cheap_config()
        make_user(session, ap, "ap-liaison", ["liaison"], config=config)
        make_user(session, ap, "ap-viewer", ["viewer"], config=config)
        tokens = {
            "manage": make_token(session, ap, ["registry:read", "registry:manage"]),
            "read": make_token(session, ap, ["registry:read"]),
        }
    return {"tokens": tokens, "db": live_db}


@pytest.fixture
def app(live_settings):
    return cheap_app(live_settings, registry_web_import_max_rows=5)


@pytest.fixture
def as_user(app, world):
    with logged_in(app) as login:
        yield login


@pytest.fixture
def api(app, world):
    with token_caller(app, world["tokens"], "manage") as call:
        yield call


def _connections(world) -> int:
    with world["db"].session() as session:
        return session.scalar(select(func.count()).select_from(Connection)) or 0


def _upload(client, data, name="inventory.csv", headers=EN, **fields):
    page = client.get("/registry/imports", headers=headers)
    form = {"kind": "connection", "csrf_token": form_value(page.text, "csrf_token"), **fields}
    return client.post(
        "/registry/imports", data=form, files={"file": (name, data)}, headers=headers
    )


def test_bad_rows_are_shown_and_nothing_is_imported_then_good_rows(as_user, world) -> None:
    client = as_user("ap-liaison")
    page = client.get("/registry/imports", headers=EN)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    rejected = _upload(client, BROKEN)
    assert rejected.status_code == 422
    assert 'data-applied="no"' in rejected.text
    for shown in ('data-line="3"', 'data-line="4"', "Nobody Ltd", "unknown organisation"):
        assert shown in rejected.text
    assert _connections(world) == 0
    applied = _upload(client, BROKEN, good_rows="true")
    assert applied.status_code == 200
    assert 'data-applied="yes"' in applied.text
    assert '<dd data-count="added">1</dd>' in applied.text
    assert '<dd data-count="rejected">2</dd>' in applied.text
    assert _connections(world) == 1
    listed = client.get("/registry/imports", headers=EN)
    assert "inventory.csv" in listed.text
    assert "data-import-id=" in listed.text


def test_the_page_in_chinese_and_a_mapping(as_user, world) -> None:
    client = as_user("ap-liaison")
    page = client.get("/registry/imports", headers=ZH)
    assert "登记导入" in page.text
    data = "接入方,网址\nFast Access,wap.mapped.test\n".encode()
    done = _upload(client, data, headers=ZH, mapping="接入方 = provider\n网址 = domain")
    assert done.status_code == 200
    assert "已导入" in done.text
    bad = _upload(client, data, mapping="just words")
    assert bad.status_code == 422
    assert 'data-error-code="registry.bad_mapping"' in bad.text


def test_a_file_too_big_for_the_web_says_to_use_the_cli(as_user) -> None:
    client = as_user("ap-liaison")
    rows = "".join(f"Fast Access,d{i}.test\n" for i in range(6))
    answer = _upload(client, ("provider,domain\n" + rows).encode())
    assert answer.status_code == 422
    assert 'data-error-code="registry.file_too_large"' in answer.text
    assert 'data-hint="use-cli"' in answer.text
    assert "jingwang registry import" in answer.text


def test_a_viewer_sees_the_page_but_may_not_upload(as_user, world) -> None:
    client = as_user("ap-viewer")
    page = client.get("/registry/imports", headers=EN)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' not in page.text
    assert "/api/registry/exports/connection?on=" in page.text
    csrf = form_value(client.get("/account", headers=HTML).text, "csrf_token")
    refused = client.post(
        "/registry/imports",
        data={"kind": "connection", "csrf_token": csrf},
        files={"file": ("a.csv", BROKEN)},
        headers=EN,
    )
    assert refused.status_code == 403
    assert _connections(world) == 0


def test_the_api_imports_lists_and_exports(api, world) -> None:
    rejected = api(
        "POST",
        "/api/registry/imports",
        data={"kind": "connection"},
        files={"file": ("a.csv", BROKEN)},
    )
    assert rejected.status_code == 422
    error = rejected.json()["error"]
    assert error["code"] == "registry.import_rejected"
    assert [(e["line"], e["column"]) for e in error["details"]["errors"]] == [
        (3, "provider"),
        (4, "domain"),
        (4, "ip_range"),
    ]
    assert _connections(world) == 0
    done = api(
        "POST",
        "/api/registry/imports",
        data={"kind": "connection", "good_rows": "true", "as_of": "2010-01-05"},
        files={"file": ("a.csv", BROKEN)},
    )
    assert done.status_code == 200
    report = done.json()
    assert (report["applied"], report["added"], report["rejected"]) == (True, 1, 2)
    [listed] = api("GET", "/api/registry/imports", token="read").json()
    assert (listed["id"], listed["org_name"], listed["counts"]["added"]) == (
        report["import_id"],
        "Fast Access",
        1,
    )
    csv = api("GET", "/api/registry/exports/connection", token="read", params={"on": "2010-02-01"})
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1].startswith("Fast Access,good.test,")
    xlsx = api(
        "GET",
        "/api/registry/exports/connection",
        token="read",
        params={"on": "2010-02-01", "format": "xlsx"},
    )
    assert "registry-connection-2010-02-01.xlsx" in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    assert list(sheet.iter_rows(values_only=True))[1][:2] == ("Fast Access", "good.test")
    unknown = api("GET", "/api/registry/exports/nothing", token="read")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "registry.unknown_kind")


def test_the_api_refuses_a_token_without_registry_manage(api, world) -> None:
    refused = api(
        "POST",
        "/api/registry/imports",
        token="read",
        data={"kind": "connection"},
        files={"file": ("a.csv", BROKEN)},
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission.beyond_scope"
    sites = api(
        "POST",
        "/api/registry/imports",
        data={"kind": "site"},
        files={"file": ("s.csv", b"site,domains\nA,a.test\n")},
    )
    assert sites.status_code == 403  # sites are regulator data

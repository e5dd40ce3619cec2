"""Administration pages: organisations as a tree, users, tokens shown once, and page hygiene."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from accounts.accountkit import CHEAP_HASHING, cheap_config, make_org, make_user
from accounts.webkit import HTML, HTTPS, csrf_token, form_value, log_in, outbox
from jingwang.accounts.models import ApiToken, Organisation, User
from jingwang.web import create_app
from jingwang.web.pages import TEMPLATE_DIR


@pytest.fixture
def admin_web(live_settings, live_db):
    with live_db.session() as session:
        ap = make_org(session, "南粤接入", "access_provider", "GD")
        idc = make_org(session, "南粤机房", "idc", "GD", ap)
        make_org(session, "羊城代理", "reseller", "GD", idc)
        make_org(session, "京北接入", "access_provider", "BJ")
        make_user(session, ap, "ap-admin", ["admin"], config=cheap_config())
        make_user(session, ap, "ap-viewer", ["viewer"], config=cheap_config())
    settings = live_settings.model_copy(update={**CHEAP_HASHING, "queue_url": "memory://"})
    with TestClient(create_app(settings), base_url=HTTPS) as client:
        log_in(client, "ap-admin")
        yield client


def org_id(live_db, name: str) -> int:
    with live_db.session() as session:
        return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def test_the_org_tree_shows_only_what_is_in_reach_nested(admin_web):
    html = admin_web.get("/admin/orgs", headers=HTML).text
    names = re.findall(
        r'<li class="depth-(\d)[^"]*" data-org-id="\d+">\s*<a href="[^"]+">([^<]+)</a>', html
    )
    assert names == [("0", "南粤接入"), ("1", "南粤机房"), ("2", "羊城代理")]
    assert "京北接入" not in html


def test_creating_an_org_below_ones_own_and_refusing_a_bad_one(admin_web, live_db):
    parent = org_id(live_db, "羊城代理")
    token = csrf_token(admin_web)
    form = {
        "csrf_token": token,
        "name": "天河代理",
        "kind": "reseller",
        "province": "GD",
        "parent_id": str(parent),
    }
    made = admin_web.post("/admin/orgs", data=form, follow_redirects=False)
    assert made.status_code == 303
    assert made.headers["location"].endswith("?done=created")
    assert "天河代理" in admin_web.get(made.headers["location"], headers=HTML).text
    bad = admin_web.post(
        "/admin/orgs", data={**form, "name": "外省代理", "province": "BJ"}, headers=HTML
    )
    assert bad.status_code == 422
    assert 'data-error-code="accounts.org_hierarchy"' in bad.text
    assert 'value="外省代理"' in bad.text  # what was typed is kept
    top = admin_web.post(
        "/admin/orgs", data={**form, "name": "顶级", "parent_id": ""}, headers=HTML
    )
    assert top.status_code == 403  # only the reporting centre makes top-level organisations
    assert [e["org_name"] for e in outbox(live_db, "accounts.org_created")][-1] == "天河代理"


def test_creating_a_user_shows_the_temporary_password_once(admin_web, live_db):
    reseller = org_id(live_db, "羊城代理")
    form = {
        "csrf_token": csrf_token(admin_web),
        "org_id": str(reseller),
        "username": "ycdl-liaison",
        "display_name": "羊城联络员",
        "roles": ["liaison", "viewer"],
    }
    page = admin_web.post("/admin/users", data=form, headers=HTML)
    assert page.status_code == 200
    temporary = re.search(r'id="shown-secret">([^<]+)<', page.text).group(1)
    with live_db.session() as session:
        user = session.scalars(select(User).where(User.username == "ycdl-liaison")).one()
        assert user.role_names == ["liaison", "viewer"]
        assert user.must_change_password
        assert temporary not in user.password_hash
    again = admin_web.get(f"/admin/users/{user.id}", headers=HTML).text
    assert temporary not in again
    assert "羊城联络员" in again
    taken = admin_web.post("/admin/users", data=form, headers=HTML)
    assert taken.status_code == 409
    assert "该名称已被使用" in taken.text


def test_resetting_a_password_and_deactivating_a_user(admin_web, live_db):
    with live_db.session() as session:
        viewer = session.scalars(select(User.id).where(User.username == "ap-viewer")).one()
    token = csrf_token(admin_web)
    page = admin_web.post(f"/admin/users/{viewer}/password", data={"csrf_token": token})
    assert page.status_code == 200
    assert re.search(r'id="shown-secret">[^<]{16,}<', page.text)
    form = {
        "csrf_token": token,
        "display_name": "AP viewer",
        "roles": ["viewer"],
    }  # active unticked
    assert (
        admin_web.post(f"/admin/users/{viewer}", data=form, follow_redirects=False).status_code
        == 303
    )
    with live_db.session() as session:
        assert session.get(User, viewer).active is False
    names = [e["name"] for e in outbox(live_db)]
    assert "accounts.password_reset" in names
    assert "accounts.user_updated" in names


def test_a_token_is_shown_once_and_can_be_revoked(admin_web, live_db):
    own = org_id(live_db, "南粤接入")
    page = admin_web.get("/admin/tokens", headers=HTML).text
    assert 'value="lists:read"' in page  # any scope; the organisation's kind is checked on submit
    form = {
        "csrf_token": form_value(page, "csrf_token"),
        "org_id": str(own),
        "name": "工单系统",
        "scopes": ["users:read", "orgs:read"],
        "days": "30",
    }
    shown = admin_web.post("/admin/tokens", data=form, headers=HTML)
    secret = re.search(r'id="shown-secret">(jw_[^<]+)<', shown.text).group(1)
    listing = admin_web.get("/admin/tokens", headers=HTML).text
    assert "工单系统" in listing
    assert secret not in listing
    assert secret[:10] in listing
    with live_db.session() as session:
        token_id = session.scalars(select(ApiToken.id)).one()
    revoke = admin_web.post(
        f"/admin/tokens/{token_id}/revoke",
        data={"csrf_token": form["csrf_token"]},
        follow_redirects=False,
    )
    assert revoke.headers["location"] == "/admin/tokens?done=revoked"
    assert "已吊销" in admin_web.get("/admin/tokens?done=revoked", headers=HTML).text
    empty = admin_web.post("/admin/tokens", data={**form, "scopes": []}, headers=HTML)
    assert empty.status_code == 422


ACCOUNT_PAGES = [
    "/login",
    "/account",
    "/admin/orgs",
    "/admin/orgs/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/tokens",
]


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_account_pages_have_no_inline_script_or_style(admin_web, live_db, language):
    pages = [*ACCOUNT_PAGES, f"/admin/orgs/{org_id(live_db, '南粤机房')}"]
    totp_page = admin_web.post(
        "/account/totp/enrol",
        data={"csrf_token": csrf_token(admin_web)},
        headers={**HTML, "Accept-Language": language},
    )
    htmls = [totp_page.text]
    for path in pages:
        response = admin_web.get(
            path, headers={**HTML, "Accept-Language": language}, follow_redirects=False
        )
        assert response.status_code in (200, 303), path
        htmls.append(response.text)
    for html in htmls:
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_every_account_template_is_rendered_somewhere():
    mine = {
        p.relative_to(TEMPLATE_DIR).as_posix()
        for d in ("auth", "account", "admin")
        for p in (TEMPLATE_DIR / d).glob("*.html")
    }
    assert mine == {
        "auth/_macros.html",
        "auth/login.html",
        "auth/totp.html",
        "account/_password_form.html",
        "account/password.html",
        "account/profile.html",
        "account/totp_enrol.html",
        "admin/_org_fields.html",
        "admin/_role_choices.html",
        "admin/org.html",
        "admin/org_new.html",
        "admin/orgs.html",
        "admin/shown_once.html",
        "admin/tokens.html",
        "admin/user.html",
        "admin/user_new.html",
        "admin/users.html",
    }

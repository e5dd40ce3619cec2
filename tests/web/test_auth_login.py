"""Logging in and out on the web: cookies, CSRF, throttling, steps, dead sessions, redirects."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from accounts.accountkit import CHEAP_HASHING, cheap_config, make_org, make_user
from accounts.webkit import HTML, HTTPS, PASSWORD, csrf_token, form_value, log_in, outbox
from jingwang.accounts import totp
from jingwang.accounts.models import AuthSession, User
from jingwang.web import create_app


@pytest.fixture
def auth_settings(live_settings):
    return live_settings.model_copy(
        update={**CHEAP_HASHING, "queue_url": "memory://", "login_max_failures": 3}
    )


@pytest.fixture
def people(live_db):
    with live_db.session() as session:
        carrier = make_org(session, "华夏移动广东", "carrier", "GD")
        admin = make_user(session, carrier, "admin1", ["admin"], config=cheap_config())
        make_user(session, carrier, "viewer1", ["viewer"], config=cheap_config())
        make_user(session, carrier, "temp1", ["viewer"], must_change=True, config=cheap_config())
        return {"carrier": carrier.id, "admin": admin.id}


@pytest.fixture
def app(auth_settings):
    return create_app(auth_settings)


@pytest.fixture
def web(app, people):
    with TestClient(app, base_url=HTTPS) as client:
        yield client


def test_login_form_sets_a_secure_double_submit_cookie(web):
    page = web.get("/login", headers=HTML)
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"__Host-jw_login={form_value(page.text, 'csrf_token')};")
    for part in ("HttpOnly", "Path=/", "SameSite=lax", "Secure"):
        assert part in cookie


def test_logging_in_sets_the_session_cookie_and_shows_who_is_logged_in(web, live_db):
    response = log_in(web, "admin1", target="/admin/users?org_id=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users?org_id=1"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "jw_session" in c)
    assert cookie.startswith("__Host-jw_session=")
    assert all(p in cookie for p in ("HttpOnly", "Secure", "Path=/", "SameSite=lax"))
    assert "Max-Age" not in cookie
    assert "Domain" not in cookie
    home = web.get("/", headers=HTML).text
    assert "admin1" in home
    assert "华夏移动广东" in home
    assert 'action="/logout"' in home
    assert re.search(r"hx-headers='\{\"X-CSRF-Token\": \"[^\"]+\"\}'", home)
    assert [e["username"] for e in outbox(live_db, "accounts.login_succeeded")] == ["admin1"]


def test_plain_http_on_loopback_gets_a_plain_cookie(app, people):
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        cookie = log_in(client, "admin1").headers["set-cookie"]
    assert cookie.startswith("jw_session=")
    assert "Secure" not in cookie


def test_plain_http_elsewhere_still_gets_secure_cookies(app, auth_settings, people):
    with TestClient(app, base_url="http://jingwang.example.cn") as client:
        cookie = client.get("/login", headers=HTML).headers["set-cookie"]
        assert cookie.startswith("__Host-jw_login=")
        assert "Secure" in cookie
        # The browser keeps a Secure cookie off plain http, so logging in needs https there.
        assert log_in(client, "admin1").status_code == 403
    never = create_app(auth_settings.model_copy(update={"session_cookie_secure": "never"}))
    with TestClient(never, base_url="http://jingwang.example.cn") as client:
        cookie = log_in(client, "admin1").headers["set-cookie"]
    assert cookie.startswith("jw_session=")
    assert "Secure" not in cookie


def test_next_never_leaves_the_site(web):
    assert log_in(web, "admin1", target="//evil.test/").headers["location"] == "/"


def test_wrong_password_is_refused_recorded_and_changes_nothing(web, live_db):
    response = log_in(web, "admin1", "not the password")
    assert response.status_code == 401
    assert 'data-error-code="auth.invalid_credentials"' in response.text
    assert "用户名或密码错误" in response.text
    assert 'value="admin1"' in response.text  # the user name is kept, the password is not
    unknown = log_in(web, "nobody", "not the password")
    assert unknown.status_code == 401
    assert "用户名或密码错误" in unknown.text
    failed = outbox(live_db, "accounts.login_failed")
    assert [(e["username"], e["reason"]) for e in failed] == [
        ("admin1", "credentials"),
        ("nobody", "credentials"),
    ]
    with live_db.session() as session:
        assert session.scalars(select(AuthSession)).all() == []


def test_lockout_answers_429_even_for_the_right_password(web, live_db):
    for _ in range(2):
        assert log_in(web, "admin1", "not the password").status_code == 401
    third = log_in(web, "admin1", "not the password")
    assert third.status_code == 429
    assert 'data-error-code="auth.locked"' in third.text
    assert log_in(web, "admin1").status_code == 429
    assert [e["key_type"] for e in outbox(live_db, "accounts.login_locked")] == ["user"]


def test_login_without_its_csrf_token_is_refused_and_recorded(web, live_db):
    web.get("/login", headers=HTML)
    response = web.post(
        "/login",
        data={"username": "admin1", "password": PASSWORD, "csrf_token": "forged"},
        headers=HTML,
    )
    assert response.status_code == 403
    assert "auth.csrf_failed" in response.text
    assert [e["path"] for e in outbox(live_db, "accounts.csrf_rejected")] == ["/login"]
    assert outbox(live_db, "accounts.login_failed") == []


def test_pages_send_strangers_to_the_login_form_and_the_api_answers_401(web):
    page = web.get("/admin/users?org_id=2", headers=HTML, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/admin/users%3Forg_id%3D2"
    api = web.get("/api/users")
    assert api.status_code == 401
    assert api.headers["www-authenticate"].startswith("Bearer")
    error = api.json()["error"]
    assert error["code"] == "auth.required"
    assert error["request_id"] == api.headers["x-request-id"]
    assert web.get("/", headers=HTML).status_code == 200  # the home page stays public
    assert web.get("/healthz").status_code == 200


def test_state_changes_need_the_sessions_csrf_token(web, live_db):
    log_in(web, "viewer1")
    token = csrf_token(web)
    before = len(outbox(live_db))
    for headers, data in (
        ({}, {"display_name": "Mallory"}),
        ({}, {"display_name": "Mallory", "csrf_token": "wrong"}),
        ({"X-CSRF-Token": "wrong"}, {"display_name": "Mallory"}),
    ):
        response = web.post("/account/profile", data=data, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "auth.csrf_failed"
    rejected = outbox(live_db)[before:]
    assert [e["name"] for e in rejected] == ["accounts.csrf_rejected"] * 3
    assert rejected[0]["actor"]["id"] == "viewer1"
    assert rejected[0]["request_id"]
    with live_db.session() as session:
        assert (
            session.scalars(select(User.display_name).where(User.username == "viewer1")).one()
            == "viewer1"
        )
    ok = web.post(
        "/account/profile",
        data={"display_name": "Vera"},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303  # the htmx header works like the form field
    ok = web.post(
        "/account/profile",
        data={"display_name": "Vera V", "csrf_token": token, "language": "en"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert "lang=en" in ok.headers["set-cookie"]


def test_logout_ends_the_session_and_the_old_cookie_is_refused(web, live_db):
    log_in(web, "viewer1")
    cookie = web.cookies.get("__Host-jw_session")
    response = web.post("/logout", data={"csrf_token": csrf_token(web)}, follow_redirects=False)
    assert response.status_code == 303
    assert 'jw_session=""' in response.headers["set-cookie"]
    assert [e["username"] for e in outbox(live_db, "accounts.logged_out")] == ["viewer1"]
    assert web.cookies.get("__Host-jw_session") is None
    again = web.get(
        "/account",
        headers={**HTML, "Cookie": f"__Host-jw_session={cookie}"},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert again.headers["location"] == "/login?next=/account"
    assert [e["reason"] for e in outbox(live_db, "accounts.session_rejected")] == ["revoked"]


def test_an_expired_session_is_refused_with_its_code(web, live_db):
    log_in(web, "viewer1")
    with live_db.session() as session:
        session.execute(
            update(AuthSession).values(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        )
    api = web.get("/api/me")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "auth.session_expired"
    assert "jw_session" in api.headers["set-cookie"]  # the dead cookie is cleared
    rejected = outbox(live_db, "accounts.session_rejected")
    assert [(e["reason"], e["path"]) for e in rejected] == [("expired", "/api/me")]


def test_a_temporary_password_must_be_changed_first(web, live_db):
    assert log_in(web, "temp1").headers["location"] == "/account/password"
    blocked = web.get("/account", headers=HTML, follow_redirects=False)
    assert blocked.headers["location"] == "/account/password"
    assert web.get("/api/me").json()["error"]["code"] == "auth.step_required"
    token = form_value(web.get("/account/password", headers=HTML).text, "csrf_token")
    weak = web.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": "short",
            "password_again": "short",
        },
    )
    assert weak.status_code == 422
    assert "至少需要 12 个字符" in weak.text
    done = web.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "password_again": "a brand new passphrase",
        },
        follow_redirects=False,
    )
    assert done.headers["location"] == "/account?done=password"
    assert web.get("/account", headers=HTML).status_code == 200


def test_totp_enrolment_then_a_two_step_login(web, live_db):
    log_in(web, "viewer1")
    token = csrf_token(web)
    page = web.post("/account/totp/enrol", data={"csrf_token": token})
    assert page.status_code == 200
    assert "<svg" in page.text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    wrong = web.post("/account/totp/confirm", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 422
    assert secret in wrong.text
    now = dt.datetime.now(dt.UTC)
    confirmed = web.post(
        "/account/totp/confirm",
        data={"csrf_token": token, "code": totp.code_at(secret, now)},
        follow_redirects=False,
    )
    assert confirmed.headers["location"] == "/account?done=totp-on"
    web.post("/logout", data={"csrf_token": token})

    first = log_in(web, "viewer1", target="/account")
    assert first.headers["location"] == "/login/totp?next=/account"
    assert (
        web.get("/account", headers=HTML, follow_redirects=False).headers["location"]
        == "/login/totp"
    )
    step = web.get("/login/totp?next=/account", headers=HTML)
    pending_csrf = form_value(step.text, "csrf_token")
    bad = web.post(
        "/login/totp", data={"csrf_token": pending_csrf, "code": "000000", "next": "/account"}
    )
    assert bad.status_code == 401
    assert 'data-error-code="auth.totp_invalid"' in bad.text
    later = now + dt.timedelta(seconds=30)  # the enrolment code's step is used up
    good = web.post(
        "/login/totp",
        data={"csrf_token": pending_csrf, "code": totp.code_at(secret, later), "next": "/account"},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert good.headers["location"] == "/account"
    assert "两步登录" in web.get("/account", headers=HTML).text
    succeeded = outbox(live_db, "accounts.login_succeeded")
    assert [e["second_factor"] for e in succeeded] == [False, True]


def test_the_wrong_role_sees_a_forbidden_page_and_the_refusal_is_recorded(web, live_db):
    log_in(web, "viewer1")
    page = web.get("/admin/users", headers=HTML)
    assert page.status_code == 403
    assert "permission.denied" in page.text
    assert "您无权执行此操作" in page.text
    assert "viewer1" in page.text
    denied = outbox(live_db, "accounts.access_denied")
    assert [(e["permission"], e["reason"], e["path"]) for e in denied] == [
        ("users:read", "permission", "/admin/users")
    ]
    assert denied[0]["actor"] == {
        "type": "user",
        "id": "viewer1",
        "org_id": denied[0]["actor"]["org_id"],
    }


def test_an_administrator_ends_someone_elses_sessions(app, web, people, live_db):
    with TestClient(app, base_url=HTTPS) as other:
        log_in(other, "viewer1")
        assert other.get("/api/me").status_code == 200
        log_in(web, "admin1")
        with live_db.session() as session:
            viewer_id = session.scalars(select(User.id).where(User.username == "viewer1")).one()
        done = web.post(
            f"/admin/users/{viewer_id}/sessions/revoke",
            data={"csrf_token": csrf_token(web)},
            follow_redirects=False,
        )
        assert done.headers["location"] == f"/admin/users/{viewer_id}?done=sessions"
        assert other.get("/api/me").json()["error"]["code"] == "auth.session_revoked"

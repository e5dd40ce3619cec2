"""Organisations and users as administrators manage them, and one's own profile."""

from __future__ import annotations

import datetime as dt

import pytest
from accountkit import PASSWORD, SYSTEM, cheap_config, events, make_org, make_user
from sqlalchemy.orm import Session

from jingwang.accounts import (
    actor_for_user,
    create_org,
    profile,
    reset_password,
    reset_totp,
    totp,
    update_org,
    update_user,
)
from jingwang.accounts.errors import (
    AccessDenied,
    AccountStateConflict,
    InvalidAccountData,
    InvalidTotpCode,
    NameTaken,
    OrgHierarchyError,
    WeakPassword,
    WrongPassword,
)
from jingwang.accounts.models import AuthSession, User
from jingwang.accounts.schemas import OrgCreate, OrgUpdate, ProfileUpdate, UserUpdate
from jingwang.accounts.sessions import issue_session, live_sessions

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def test_hierarchy_rules(session: Session, config):
    ap = make_org(session, "AP", "access_provider", "GD")
    reseller = make_org(session, "Reseller", "reseller", "GD", ap)
    with pytest.raises(OrgHierarchyError, match="may only have"):
        make_org(session, "Wrong kind", "regulator", "GD", ap)
    with pytest.raises(OrgHierarchyError, match="province GD"):
        make_org(session, "Wrong province", "reseller", "BJ", ap)
    with pytest.raises(OrgHierarchyError, match="cycle"):
        update_org(session, SYSTEM, ap.id, OrgUpdate(parent_id=reseller.id), config)
    with pytest.raises(NameTaken):
        make_org(session, "AP", "access_provider", "GD")
    national = make_org(session, "National carrier", "carrier", "CN")
    assert make_org(session, "Branch", "carrier", "SC", national).province == "SC"
    created = events(session, "accounts.org_created")
    assert [e["org_name"] for e in created] == ["AP", "Reseller", "National carrier", "Branch"]


def test_org_fields_are_checked(session: Session):
    production = cheap_config(https_webhooks_only=True)
    base = {"name": "X", "kind": "carrier"}
    for bad, field in (
        ({"province": "ZZ"}, "province"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"webhook_url": "http://example.cn/hook"}, "webhook_url"),
        ({"webhook_url": "https://user:pw@example.cn/hook"}, "webhook_url"),
        ({"webhook_url": "https://127.0.0.1/hook"}, "webhook_url"),
        ({"kind": "pirate"}, "kind"),
    ):
        with pytest.raises(InvalidAccountData) as caught:
            create_org(session, SYSTEM, OrgCreate(**{**base, **bad}), production)
        assert caught.value.details["field"] == field
    dev = cheap_config()
    org = create_org(session, SYSTEM, OrgCreate(**base, webhook_url="http://127.0.0.1:9/h"), dev)
    assert org.webhook_url == "http://127.0.0.1:9/h"


def test_only_global_reach_changes_kind_province_or_makes_top_level_orgs(session, config):
    ap = make_org(session, "AP", "access_provider", "GD")
    admin = actor_for_user(session, make_user(session, ap, "ap-admin", ["admin"]))
    with pytest.raises(AccessDenied):
        update_org(session, admin, ap.id, OrgUpdate(kind="reporting_centre"), config)
    with pytest.raises(AccessDenied):
        update_org(session, admin, ap.id, OrgUpdate(province="CN"), config)
    with pytest.raises(AccessDenied):
        create_org(session, admin, OrgCreate(name="Top", kind="access_provider"), config)
    with pytest.raises(AccountStateConflict):
        update_org(session, admin, ap.id, OrgUpdate(active=False), config)
    child = create_org(
        session,
        admin,
        OrgCreate(name="Child", kind="reseller", province="GD", parent_id=ap.id),
        config,
    )
    update_org(session, admin, child.id, OrgUpdate(name="Child renamed", active=False), config)
    changed = events(session, "accounts.org_updated")[-1]
    assert changed["changes"] == {"name": ["Child", "Child renamed"], "active": [True, False]}
    assert changed["actor"] == {"type": "user", "id": "ap-admin", "org_id": str(ap.id)}


def test_admins_manage_users_below_them_and_not_themselves(session, config):
    ap = make_org(session, "AP", "access_provider", "GD")
    reseller = make_org(session, "Reseller", "reseller", "GD", ap)
    admin_user = make_user(session, ap, "ap-admin", ["admin"])
    admin = actor_for_user(session, admin_user)
    target = make_user(session, reseller, "r-liaison", ["liaison"])
    update_user(
        session, admin, target.id, UserUpdate(roles=["liaison", "viewer"], display_name="R")
    )
    assert target.role_names == ["liaison", "viewer"]
    with pytest.raises(AccountStateConflict):
        update_user(session, admin, admin_user.id, UserUpdate(active=False))
    with pytest.raises(InvalidAccountData):
        update_user(session, admin, target.id, UserUpdate(roles=["emperor"]))
    reseller_admin = actor_for_user(session, make_user(session, reseller, "r-admin", ["admin"]))
    with pytest.raises(AccessDenied):  # upwards: never
        update_user(session, reseller_admin, admin_user.id, UserUpdate(display_name="x"))


def test_password_reset_makes_a_temporary_password_and_ends_sessions(session, config):
    org = make_org(session, "Carrier", "carrier")
    user = make_user(session, org, "bob", ["viewer"])
    issue_session(session, user, stage="full", config=config, now=NOW)
    temporary = reset_password(session, SYSTEM, user.id, config)
    assert len(temporary) >= 16
    assert user.must_change_password
    assert config.passwords.verify(user.password_hash, temporary)
    assert live_sessions(session, user.id, NOW) == []
    assert events(session, "accounts.password_reset")[0]["sessions_revoked"] == 1
    with pytest.raises(WeakPassword) as weak:
        reset_password(session, SYSTEM, user.id, config, password="bob-is-great-2026")
    assert weak.value.details["rule"] == "username"


def test_change_password_keeps_this_session_and_ends_the_others(session, config):
    org = make_org(session, "Carrier", "carrier")
    user = make_user(session, org, "carol", ["viewer"], must_change=True)
    here = issue_session(session, user, stage="password", config=config, now=NOW)
    there = issue_session(session, user, stage="full", config=config, now=NOW)
    actor = actor_for_user(session, user, session_id=here.id)
    with pytest.raises(WrongPassword):
        profile.change_password(session, actor, "not it at all", "a new good passphrase", config)
    profile.change_password(session, actor, PASSWORD, "a new good passphrase", config)
    assert not user.must_change_password
    assert session.get(AuthSession, here.id).stage == "full"
    assert session.get(AuthSession, there.id).revoked_reason == "password"
    assert events(session, "accounts.password_changed")[0]["sessions_revoked"] == 1


def test_totp_enrolment_confirm_disable_and_admin_reset(session, config):
    org = make_org(session, "Carrier", "carrier")
    user = make_user(session, org, "dave", ["viewer"])
    actor = actor_for_user(session, user)
    enrolment = profile.begin_totp(session, actor, config)
    assert "<svg" in enrolment.qr_svg
    assert "style=" not in enrolment.qr_svg
    assert enrolment.secret not in (user.totp_pending_secret or "")  # stored encrypted
    assert profile.pending_totp(session, actor, config).secret == enrolment.secret
    with pytest.raises(InvalidTotpCode):
        profile.confirm_totp(session, actor, "123456", config, NOW)
    profile.confirm_totp(session, actor, totp.code_at(enrolment.secret, NOW), config, NOW)
    assert user.totp_enabled
    assert user.totp_pending_secret is None
    with pytest.raises(AccountStateConflict):
        profile.begin_totp(session, actor, config)
    with pytest.raises(WrongPassword):
        profile.disable_totp(session, actor, "wrong password!", config)
    reset_totp(session, SYSTEM, user.id)
    assert not user.totp_enabled
    names = [e["by_admin"] for e in events(session, "accounts.totp_disabled")]
    assert names == [True]
    assert len(events(session, "accounts.totp_enabled")) == 1


def test_profile_changes_are_recorded(session):
    org = make_org(session, "Carrier", "carrier")
    user = make_user(session, org, "erin", ["viewer"])
    actor = actor_for_user(session, user)
    profile.update_profile(
        session, actor, ProfileUpdate(display_name="Erin", email="erin@example.cn", language="en")
    )
    assert (user.display_name, user.email, user.language) == ("Erin", "erin@example.cn", "en")
    changes = events(session, "accounts.user_updated")[0]["changes"]
    assert changes["email"] == [None, "erin@example.cn"]
    assert session.get(User, user.id).language == "en"

"""Web sessions and API tokens: expiry, idleness, revocation, scopes; each refusal recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from accountkit import SYSTEM, cheap_config, events, make_org, make_user
from sqlalchemy.orm import Session

from jingwang.accounts import actor_for_user, update_user
from jingwang.accounts.errors import (
    InvalidAccountData,
    ScopeExceeded,
    SessionExpired,
    SessionRevoked,
    TokenExpired,
    TokenInvalid,
    TokenRevoked,
)
from jingwang.accounts.models import ApiToken, AuthSession
from jingwang.accounts.policy import authorize
from jingwang.accounts.schemas import TokenCreate, UserUpdate
from jingwang.accounts.sessions import issue_session, resolve_session
from jingwang.accounts.tokens import create_token, list_tokens, resolve_token, revoke_token

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def carrier(session: Session):
    return make_org(session, "Carrier", "carrier", "GD")


@pytest.fixture
def admin(session: Session, carrier):
    return make_user(session, carrier, "carrier-admin", ["admin", "liaison"])


def test_a_session_lives_until_idle_or_expired(session, config, admin):
    issued = issue_session(session, admin, stage="full", config=config, now=NOW)
    assert resolve_session(session, issued.token, config=config, now=NOW) is not None
    later = NOW + config.session_idle - dt.timedelta(seconds=1)
    assert resolve_session(session, issued.token, config=config, now=later) is not None
    row = session.get(AuthSession, issued.id)
    assert row.last_seen_at == later  # touched
    with pytest.raises(SessionExpired) as idle:
        resolve_session(session, issued.token, config=config, now=later + config.session_idle * 2)
    assert idle.value.code == "auth.session_expired"
    assert idle.value.details["reason"] == "idle"
    assert idle.value.event is not None
    assert idle.value.event.reason == "idle"
    assert resolve_session(session, "not a token", config=config, now=NOW) is None


def test_a_session_ends_at_its_maximum_age_however_busy(session, admin):
    config = cheap_config(
        session_idle=dt.timedelta(hours=24), session_max_age=dt.timedelta(hours=2)
    )
    issued = issue_session(session, admin, stage="full", config=config, now=NOW)
    for minutes in range(0, 120, 30):
        resolve_session(
            session, issued.token, config=config, now=NOW + dt.timedelta(minutes=minutes)
        )
    with pytest.raises(SessionExpired) as caught:
        resolve_session(session, issued.token, config=config, now=NOW + dt.timedelta(hours=2))
    assert caught.value.details["reason"] == "expired"


def test_deactivating_a_user_revokes_their_sessions(session, config, admin):
    issued = issue_session(session, admin, stage="full", config=config, now=NOW)
    update_user(session, SYSTEM, admin.id, UserUpdate(active=False))
    with pytest.raises(SessionRevoked) as caught:
        resolve_session(session, issued.token, config=config, now=NOW)
    assert caught.value.code == "auth.session_revoked"
    revoked = events(session, "accounts.sessions_revoked")
    assert [(e["reason"], e["session_ids"]) for e in revoked] == [("deactivated", [issued.id])]


def test_tokens_are_shown_once_and_stored_hashed(session, config, carrier, admin):
    actor = actor_for_user(session, admin)
    data = TokenCreate(name="ticket system", scopes=["orders:read", "orders:update"])
    issued = create_token(session, actor, data, config, NOW)
    assert issued.secret.startswith("jw_")
    assert len(issued.secret) == 46
    row = session.get(ApiToken, issued.token.id)
    assert row.org_id == carrier.id
    assert row.prefix == issued.secret[:10]
    assert issued.secret not in (row.token_hash, row.prefix)
    assert row.expires_at == NOW + dt.timedelta(days=config.token_default_days)
    found = resolve_token(session, issued.secret, now=NOW + dt.timedelta(minutes=1), ip="192.0.2.9")
    assert found.id == row.id
    assert found.last_used_ip == "192.0.2.9"
    created = events(session, "accounts.token_created")[0]
    assert issued.secret not in str(created)
    assert created["scopes"] == [
        "orders:read",
        "orders:update",
    ]


@pytest.mark.parametrize(
    ("scopes", "problem"),
    [
        (["orders:issue"], "cannot hold"),  # carriers may not issue orders
        (["users:read", "nonsense:x"], "unknown scope"),
        (["lists:publish"], "cannot hold"),
        ([], "at least one"),
    ],
)
def test_token_scopes_stay_within_the_kind(session, config, admin, scopes, problem):
    actor = actor_for_user(session, admin)
    with pytest.raises((InvalidAccountData, ValueError)) as caught:
        create_token(
            session, actor, TokenCreate.model_construct(name="x", scopes=scopes), config, NOW
        )
    assert problem in str(caught.value)


def test_an_admin_may_give_any_scope_of_the_kind_and_a_token_only_its_own(session, config, carrier):
    from jingwang.accounts import actor_for_token

    actor = actor_for_user(session, make_user(session, carrier, "only-admin", ["admin"]))
    assert "lists:read" not in actor.permissions  # the admin role does not read lists itself
    gateway = TokenCreate(name="gateway", scopes=["lists:read", "tokens:manage"])
    issued = create_token(session, actor, gateway, config, NOW)
    minting = actor_for_token(session, issued.token)
    create_token(session, minting, TokenCreate(name="child", scopes=["lists:read"]), config, NOW)
    with pytest.raises(InvalidAccountData, match="does not hold it itself"):
        create_token(
            session, minting, TokenCreate(name="wider", scopes=["orders:read"]), config, NOW
        )


def test_expired_revoked_and_unknown_tokens_are_refused_with_events(session, config, admin):
    actor = actor_for_user(session, admin)
    short = create_token(
        session,
        actor,
        TokenCreate(name="short", scopes=["orders:read"], expires_in_days=1),
        config,
        NOW,
    )
    with pytest.raises(TokenExpired) as expired:
        resolve_token(session, short.secret, now=NOW + dt.timedelta(days=1))
    assert expired.value.event.reason == "expired"
    assert expired.value.event.prefix == short.token.prefix
    revoked = create_token(
        session, actor, TokenCreate(name="gone", scopes=["orders:read"]), config, NOW
    )
    revoke_token(session, actor, revoked.token.id, NOW)
    revoke_token(session, actor, revoked.token.id, NOW)  # again: nothing more happens
    assert len(events(session, "accounts.token_revoked")) == 1
    with pytest.raises(TokenRevoked):
        resolve_token(session, revoked.secret, now=NOW)
    with pytest.raises(TokenInvalid) as unknown:
        resolve_token(session, "jw_" + "x" * 43, now=NOW)
    assert unknown.value.code == "auth.token_invalid"
    assert unknown.value.event.object_id == "-"


def test_a_token_acts_only_within_its_scopes(session, config, admin):
    from jingwang.accounts import actor_for_token

    actor = actor_for_user(session, admin)
    issued = create_token(
        session, actor, TokenCreate(name="gw", scopes=["lists:read"]), config, NOW
    )
    token_actor = actor_for_token(session, issued.token)
    assert token_actor.permissions == {"lists:read"}
    authorize(token_actor, "lists:read")
    with pytest.raises(ScopeExceeded):
        authorize(token_actor, "orders:update")


def test_token_lists_follow_the_managing_reach(session, config, carrier, admin):
    other = make_org(session, "Other carrier", "carrier", "GD")
    create_token(
        session,
        SYSTEM,
        TokenCreate(org_id=other.id, name="theirs", scopes=["lists:read"]),
        config,
        NOW,
    )
    mine = create_token(
        session,
        actor_for_user(session, admin),
        TokenCreate(name="mine", scopes=["lists:read"]),
        config,
        NOW,
    )
    assert [t.id for t in list_tokens(session, actor_for_user(session, admin))] == [mine.token.id]
    assert len(list_tokens(session, SYSTEM)) == 2

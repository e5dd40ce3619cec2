"""Logging in: the password, throttling and lockout, the TOTP step, rehashing. Each refusal is
an error with its code and an event, and changes nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from accountkit import PASSWORD, cheap_config, count, event_names, events, make_org, make_user
from sqlalchemy import select

from jingwang.accounts import totp
from jingwang.accounts.errors import (
    InvalidCredentials,
    InvalidTotpCode,
    LoginLocked,
    SessionExpired,
)
from jingwang.accounts.login import LoginAttempt, complete_totp, log_in
from jingwang.accounts.models import AuthSession, LoginThrottle, User
from jingwang.accounts.passwords import Passwords
from jingwang.accounts.throttle import ThrottlePolicy

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def alice(db, config):
    with db.session() as session:
        org = make_org(session, "Carrier", "carrier")
        return make_user(session, org, "alice", ["liaison"], config=config).id


def attempt(
    password: str = PASSWORD, username: str = "alice", ip: str = "192.0.2.7"
) -> LoginAttempt:
    return LoginAttempt(username, password, ip=ip, user_agent="pytest", request_id="req-1")


def test_right_password_opens_a_full_session(db, config, alice):
    result = log_in(db, attempt(), config, NOW)
    assert result.session.stage == "full"
    assert result.session.token
    assert result.session.expires_at == NOW + config.session_max_age
    with db.session() as session:
        row = session.get(AuthSession, result.session.id)
        assert row is not None
        assert row.token_hash != result.session.token
        assert session.get(User, alice).last_login_at == NOW
        assert events(session, "accounts.login_succeeded")[0]["username"] == "alice"


def test_user_names_are_not_case_sensitive(db, config, alice):
    assert log_in(db, attempt(username="  ALICE "), config, NOW).username == "alice"


@pytest.mark.parametrize("username", ["alice", "nobody"])
def test_wrong_password_and_unknown_user_get_the_same_answer(db, config, alice, username):
    with db.session() as session:
        before = session.get(User, alice).password_hash
    with pytest.raises(InvalidCredentials) as caught:
        log_in(db, attempt("wrong password!!", username=username), config, NOW)
    assert caught.value.code == "auth.invalid_credentials"
    assert caught.value.message == "the user name or password is wrong"
    with db.session() as session:
        failed = events(session, "accounts.login_failed")
        assert [(e["username"], e["reason"], e["ip"]) for e in failed] == [
            (username, "credentials", "192.0.2.7")
        ]
        assert count(session, AuthSession) == 0  # nothing else changed
        assert session.get(User, alice).password_hash == before
        throttles = {
            (t.key_type, t.key): t.failures for t in session.scalars(select(LoginThrottle))
        }
        assert throttles == {("user", username): 1, ("ip", "192.0.2.7"): 1}


def test_inactive_user_gets_the_same_answer(db, config, alice):
    with db.session() as session:
        session.get(User, alice).active = False
    with pytest.raises(InvalidCredentials):
        log_in(db, attempt(), config, NOW)
    with db.session() as session:
        assert events(session, "accounts.login_failed")[0]["reason"] == "inactive"


def test_lockout_after_repeated_failures_doubles_and_refuses_the_right_password(db, alice):
    config = cheap_config(throttle=ThrottlePolicy(max_failures_per_user=3, base_seconds=60))
    for minute in range(2):
        with pytest.raises(InvalidCredentials):
            log_in(db, attempt("nope nope nope"), config, NOW + dt.timedelta(minutes=minute))
    with pytest.raises(LoginLocked) as caught:
        log_in(db, attempt("nope nope nope"), config, NOW + dt.timedelta(minutes=2))
    assert caught.value.code == "auth.locked"
    assert caught.value.details["retry_after"] == 61
    locked_at = NOW + dt.timedelta(minutes=2)
    with pytest.raises(LoginLocked):  # even the right password, while locked
        log_in(db, attempt(), config, locked_at + dt.timedelta(seconds=30))
    with pytest.raises(LoginLocked) as again:  # one more failure after it ends: twice as long
        log_in(db, attempt("nope nope nope"), config, locked_at + dt.timedelta(seconds=61))
    assert again.value.details["retry_after"] == 121
    assert (
        log_in(db, attempt(), config, locked_at + dt.timedelta(minutes=5)).session.stage == "full"
    )
    with db.session() as session:
        locks = events(session, "accounts.login_locked")
        assert [(e["key_type"], e["failures"]) for e in locks] == [("user", 3), ("user", 4)]
        reasons = [e["reason"] for e in events(session, "accounts.login_failed")]
        assert reasons == ["credentials", "credentials", "credentials", "locked", "credentials"]
        assert (
            session.scalars(select(LoginThrottle).where(LoginThrottle.key_type == "user")).all()
            == []
        )


def test_an_address_is_locked_out_across_user_names(db, alice):
    config = cheap_config(throttle=ThrottlePolicy(max_failures_per_user=100, max_failures_per_ip=3))
    for name in ("a1", "a2"):
        with pytest.raises(InvalidCredentials):
            log_in(db, attempt(username=name), config, NOW)
    with pytest.raises(LoginLocked):
        log_in(db, attempt(username="a3"), config, NOW)
    with pytest.raises(LoginLocked):
        log_in(db, attempt(), config, NOW)
    assert log_in(db, attempt(ip="198.51.100.1"), config, NOW).username == "alice"


def test_totp_user_logs_in_in_two_steps(db, config, alice):
    secret = totp.new_secret()
    with db.session() as session:
        session.get(User, alice).totp_secret = config.secrets.seal(secret)
    first = log_in(db, attempt(), config, NOW)
    assert first.session.stage == "totp"
    with db.session() as session:
        assert "accounts.login_succeeded" not in event_names(session)
    with pytest.raises(InvalidTotpCode):
        complete_totp(db, first.session.token, "000000", attempt(), config, NOW)
    code = totp.code_at(secret, NOW)
    done = complete_totp(db, first.session.token, code, attempt(), config, NOW)
    assert done.session.stage == "full"
    with db.session() as session:
        assert events(session, "accounts.login_succeeded")[0]["second_factor"] is True
        assert [e["reason"] for e in events(session, "accounts.login_failed")] == ["totp"]
    with pytest.raises(SessionExpired):  # the step is done; the code cannot be used again
        complete_totp(db, first.session.token, code, attempt(), config, NOW)


def test_a_used_code_is_refused_at_the_next_login(db, config, alice):
    secret = totp.new_secret()
    with db.session() as session:
        session.get(User, alice).totp_secret = config.secrets.seal(secret)
    code = totp.code_at(secret, NOW)
    complete_totp(
        db, log_in(db, attempt(), config, NOW).session.token, code, attempt(), config, NOW
    )
    second = log_in(db, attempt(), config, NOW + dt.timedelta(seconds=5))
    with pytest.raises(InvalidTotpCode):
        complete_totp(
            db, second.session.token, code, attempt(), config, NOW + dt.timedelta(seconds=5)
        )


def test_the_totp_step_expires(db, config, alice):
    secret = totp.new_secret()
    with db.session() as session:
        session.get(User, alice).totp_secret = config.secrets.seal(secret)
    first = log_in(db, attempt(), config, NOW)
    later = NOW + dt.timedelta(minutes=11)
    with pytest.raises(SessionExpired):
        complete_totp(
            db, first.session.token, totp.code_at(secret, later), attempt(), config, later
        )


def test_a_temporary_password_leads_to_the_password_step(db, config):
    with db.session() as session:
        org = make_org(session, "Carrier", "carrier")
        make_user(session, org, "bob", ["viewer"], must_change=True, config=config)
    assert log_in(db, attempt(username="bob"), config, NOW).session.stage == "password"


def test_hashes_are_renewed_when_the_parameters_change(db, alice):
    weak = cheap_config()
    stronger = cheap_config(passwords=Passwords(time_cost=2, memory_kib=2048, parallelism=1))
    with db.session() as session:
        assert "m=1024" in session.get(User, alice).password_hash
    log_in(db, attempt(), weak, NOW)
    with db.session() as session:
        assert "accounts.password_rehashed" not in event_names(session)
    log_in(db, attempt(), stronger, NOW)
    with db.session() as session:
        stored = session.get(User, alice).password_hash
        assert stored.startswith("$argon2id$")
        assert "m=2048,t=2" in stored
        assert len(events(session, "accounts.password_rehashed")) == 1
    assert log_in(db, attempt(), stronger, NOW).username == "alice"

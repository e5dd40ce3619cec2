"""Password rules and hashing, TOTP codes, and the box that keeps TOTP secrets encrypted."""

from __future__ import annotations

import datetime as dt

import pytest

from jingwang.accounts import totp
from jingwang.accounts.errors import WeakPassword
from jingwang.accounts.passwords import Passwords, check_password_rules, generate_password
from jingwang.accounts.secretbox import SecretBox, SecretUnreadable

NOW = dt.datetime(2026, 3, 1, 8, 0, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short pw", "min_length"),
        ("x" * 1025, "max"),
        ("my name is alice!", "username"),
        ("ALICE-ALICE-ALICE", "username"),
        ("aaaaaaaaaaaabbbb", "distinct"),
        ("Password1234", "common"),
    ],
)
def test_weak_passwords_are_refused_saying_why(password, rule):
    with pytest.raises(WeakPassword) as caught:
        check_password_rules(password, username="alice", min_length=12)
    assert caught.value.details["rule"] == rule
    assert caught.value.code == "accounts.weak_password"


def test_good_and_generated_passwords_pass():
    check_password_rules("correct horse battery staple", username="alice", min_length=12)
    generated = generate_password(12)
    assert len(generated) == 19
    assert generated.count("-") == 3
    check_password_rules(generated, username="alice", min_length=12)
    assert len(generate_password(30)) >= 30


def test_hashes_are_argon2id_and_verify():
    passwords = Passwords(time_cost=1, memory_kib=1024, parallelism=1)
    stored = passwords.hash("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert passwords.verify(stored, "correct horse battery staple")
    assert not passwords.verify(stored, "wrong")
    assert not passwords.verify("not a hash", "wrong")
    assert not passwords.verify(None, "anything")  # unknown user: same work, no match
    assert not passwords.needs_rehash(stored)
    assert Passwords(time_cost=2, memory_kib=1024, parallelism=1).needs_rehash(stored)


def test_codes_match_with_one_step_of_drift_and_never_twice():
    secret = totp.new_secret()
    code = totp.code_at(secret, NOW)
    step = totp.matching_step(secret, code, NOW)
    assert step == int(NOW.timestamp()) // 30
    assert totp.matching_step(secret, code, NOW + dt.timedelta(seconds=30)) == step
    assert totp.matching_step(secret, code, NOW + dt.timedelta(seconds=90)) is None
    assert totp.matching_step(secret, code, NOW, last_step=step) is None  # replay
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", NOW) == step  # spaces are fine
    assert totp.matching_step(secret, "12345", NOW) is None


def test_provisioning_uri_names_the_issuer_and_user():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "alice")
    assert uri.startswith("otpauth://totp/jingwang:alice?secret=JBSWY3DPEHPK3PXP")
    assert "issuer=jingwang" in uri


def test_secret_box_round_trip_and_a_changed_key():
    box = SecretBox("one key of enough length for the tests")
    sealed = box.seal("JBSWY3DPEHPK3PXP")
    assert sealed.startswith("v1:")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert box.seal("JBSWY3DPEHPK3PXP") != sealed  # fresh nonce each time
    assert box.open(sealed) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(SecretUnreadable, match="reset this user's TOTP"):
        SecretBox("another key entirely, after rotation").open(sealed)
    with pytest.raises(SecretUnreadable):
        box.open("v0:garbage")

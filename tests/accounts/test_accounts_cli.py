"""``jingwang users|orgs|tokens …`` against a real database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from accountkit import CHEAP_HASHING, cli_runner
from sqlalchemy import select

from jingwang.accounts.models import User
from jingwang.accounts.tokens import resolve_token
from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings
from jingwang.store import create_database, current_revision
from jingwang.store.base import utcnow
from jingwang.store.outbox import OutboxEvent


@pytest.fixture
def run(capsys, monkeypatch, live_settings: Settings):
    for name, value in CHEAP_HASHING.items():
        monkeypatch.setenv(f"JINGWANG_{name.upper()}", str(value))

    def run_(
        *args: str, stdin: str | None = None, settings: Settings = live_settings
    ) -> tuple[int, str]:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return cli_runner(capsys, settings)(*args)

    return run_


def test_create_admin_on_an_empty_database_then_manage(run, settings, tmp_path: Path):
    empty = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'empty.db'}"})
    code, out = run(
        "users", "create-admin", "--org", "举报中心", "--username", "Root", settings=empty
    )
    assert code == ExitCode.OK, out
    assert "administrator root" in out
    assert "temporary password" in out
    database = create_database(empty.resolved_database_url)
    try:
        assert current_revision(database) is not None
        with database.session() as session:
            root = session.scalars(select(User)).one()
            assert root.role_names == ["admin"]
            assert root.must_change_password
            assert "accounts.user_created" in set(session.scalars(select(OutboxEvent.name)))
    finally:
        database.dispose()


def test_orgs_users_and_tokens(run, live_db):
    code, out = run(
        "users",
        "create-admin",
        "--org",
        "Centre",
        "--username",
        "root",
        "--password-stdin",
        stdin="correct horse battery staple\n",
    )
    assert code == ExitCode.OK
    assert "temporary password" not in out
    assert run("orgs", "add", "--name", "Carrier", "--kind", "carrier")[0] == ExitCode.OK
    code, out = run(
        "orgs",
        "add",
        "--name",
        "Carrier GD",
        "--kind",
        "carrier",
        "--province",
        "GD",
        "--parent",
        "Carrier",
        "--json",
    )
    assert json.loads(out)["province"] == "GD"
    code, out = run("orgs", "add", "--name", "Bad", "--kind", "reseller", "--parent", "Carrier")
    assert code == ExitCode.INVALID_INPUT
    assert "may only have" in out
    code, out = run("orgs", "list", "--json")
    assert [o["name"] for o in json.loads(out)] == ["Carrier", "Carrier GD", "Centre"]

    code, out = run(
        "users",
        "add",
        "--org",
        "Carrier GD",
        "--username",
        "gd-liaison",
        "--role",
        "liaison",
        "--role",
        "viewer",
        "--json",
    )
    added = json.loads(out)
    assert added["user"]["roles"] == ["liaison", "viewer"]
    assert added["temporary_password"]
    code, out = run("users", "list", "--org", "Carrier GD", "--json")
    assert [u["username"] for u in json.loads(out)] == ["gd-liaison"]

    code, out = run(
        "tokens",
        "create",
        "--org",
        "Carrier GD",
        "--name",
        "gateway",
        "--scope",
        "lists:read",
        "--days",
        "30",
        "--json",
    )
    issued = json.loads(out)
    assert issued["secret"].startswith("jw_")
    assert issued["token"]["scopes"] == ["lists:read"]
    code, out = run("tokens", "list", "--json")
    assert "secret" not in out
    assert json.loads(out)[0]["name"] == "gateway"
    code, out = run(
        "tokens", "create", "--org", "Carrier GD", "--name", "x", "--scope", "orders:issue"
    )
    assert code == ExitCode.INVALID_INPUT
    assert "cannot hold" in out
    assert run("tokens", "revoke", str(issued["token"]["id"]))[0] == ExitCode.OK
    with live_db.session() as session, pytest.raises(Exception, match="revoked"):
        resolve_token(session, issued["secret"], now=utcnow())

    code, out = run(
        "users",
        "set-password",
        "gd-liaison",
        "--permanent",
        "--password-stdin",
        stdin="another long passphrase\n",
    )
    assert code == ExitCode.OK
    assert "temporary password" not in out
    assert run("users", "deactivate", "gd-liaison")[0] == ExitCode.OK
    code, out = run("users", "deactivate", "nobody")
    assert code == ExitCode.NOT_FOUND
    with live_db.session() as session:
        user = session.scalars(select(User).where(User.username == "gd-liaison")).one()
        assert not user.active
        assert not user.must_change_password
        names = list(session.scalars(select(OutboxEvent.name)))
    assert names.count("accounts.org_created") == 3
    assert "accounts.token_revoked" in names
    assert "accounts.password_reset" in names
    assert "accounts.user_updated" in names

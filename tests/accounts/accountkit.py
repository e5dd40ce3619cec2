"""Helpers for account tests: cheap hashing, organisations and users in a line, module databases.

Imported as ``accountkit`` from ``tests/accounts`` and as ``accounts.accountkit`` from other test
folders (``tests/`` is on ``sys.path``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jingwang.accounts import AccountsConfig, Actor, create_org, create_user
from jingwang.accounts.models import Organisation, User
from jingwang.accounts.passwords import Passwords
from jingwang.accounts.schemas import OrgCreate, UserCreate
from jingwang.accounts.secretbox import SecretBox
from jingwang.cli.app import main
from jingwang.settings import Settings, load_settings
from jingwang.store import create_database, upgrade
from jingwang.store.outbox import OutboxEvent

PASSWORD = "correct horse battery staple"
SYSTEM = Actor.system("tests")
CHEAP_HASHING: dict[str, Any] = {
    "password_hash_time_cost": 1,
    "password_hash_memory_kib": 1024,
    "password_hash_parallelism": 1,
}


def cheap_config(**changes: Any) -> AccountsConfig:
    """Accounts configuration with argon2 parameters cheap enough for many tests."""
    base: dict[str, Any] = {
        "passwords": Passwords(time_cost=1, memory_kib=1024, parallelism=1),
        "secrets": SecretBox("test secret key of some length, not for production"),
    }
    base.update(changes)
    return AccountsConfig(**base)


def make_org(
    session: Session,
    name: str,
    kind: str,
    province: str = "CN",
    parent: Organisation | None = None,
    config: AccountsConfig | None = None,
) -> Organisation:
    data = OrgCreate(
        name=name, kind=kind, province=province, parent_id=parent.id if parent else None
    )
    return create_org(session, SYSTEM, data, config or cheap_config())


def make_user(
    session: Session,
    org: Organisation,
    username: str,
    roles: list[str],
    *,
    password: str = PASSWORD,
    must_change: bool = False,
    config: AccountsConfig | None = None,
) -> User:
    data = UserCreate.model_validate(
        {
            "org_id": org.id,
            "username": username,
            "roles": roles,
            "password": password,
            "must_change_password": must_change,
        }
    )
    user, _ = create_user(session, SYSTEM, data, config or cheap_config())
    return user


def event_names(session: Session) -> list[str]:
    return list(session.scalars(select(OutboxEvent.name).order_by(OutboxEvent.id)))


def events(session: Session, name: str) -> list[dict[str, Any]]:
    query = select(OutboxEvent.payload).where(OutboxEvent.name == name).order_by(OutboxEvent.id)
    return list(session.scalars(query))


def pg_url() -> str:
    return os.environ.get("JINGWANG_TEST_DATABASE_URL", "")


@contextmanager
def fresh_database(folder: Path) -> Iterator[str]:
    """A migrated, committed database of its own (a PostgreSQL schema when configured)."""
    admin_url = pg_url()
    if not admin_url:
        url = f"sqlite:///{folder / 'jingwang.db'}"
        database = create_database(url)
        upgrade(database)
        database.dispose()
        yield url
        return
    schema = f"jw_{uuid.uuid4().hex[:12]}"
    admin = create_database(admin_url)
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
    url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    database = create_database(url)
    upgrade(database)
    database.dispose()
    try:
        yield url
    finally:
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def settings_for(folder: Path, database_url: str, **changes: Any) -> Settings:
    """Settings on ``database_url`` with cheap hashing and the in-memory queue."""
    return load_settings(
        data_dir=folder / "var",
        database_url=database_url,
        queue_url="memory://",
        **{**CHEAP_HASHING, **changes},
    )


CliRun = Callable[..., tuple[int, str]]


def cli_runner(capsys: pytest.CaptureFixture[str], settings: Settings) -> CliRun:
    """``run(*args)``: ``jingwang --data-dir … --database-url … --queue-url memory:// ARGS``
    in this process, on ``settings``' data and database; its exit code and output (out, err)."""

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(
            [
                "--data-dir",
                str(settings.data_dir),
                "--database-url",
                settings.resolved_database_url,
                "--queue-url",
                "memory://",
                *args,
            ]
        )
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return run


def count(session: Session, model: type[Any]) -> int:
    return len(session.scalars(select(model)).all())


__all__ = [
    "PASSWORD",
    "SYSTEM",
    "CliRun",
    "cheap_config",
    "cli_runner",
    "count",
    "event_names",
    "events",
    "fresh_database",
    "make_org",
    "make_user",
    "settings_for",
]

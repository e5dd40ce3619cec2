"""Shared fixtures: settings in a temporary data dir, and real databases.

The database under test is SQLite unless ``JINGWANG_TEST_DATABASE_URL`` names a PostgreSQL
server (CI runs every ``db`` test again that way). On PostgreSQL each xdist worker gets its own
fresh schema, dropped at the end.

* ``db``: a migrated database whose changes are rolled back after each test (fast).
* ``live_settings``: settings with a fresh, committed database of their own, for tests that
  start real processes (``jingwang worker``, ``jingwang serve``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from jingwang.settings import Settings, load_settings
from jingwang.store import Database, create_database, upgrade

pytest_plugins = ("browser_support",)

PG_URL = os.environ.get("JINGWANG_TEST_DATABASE_URL", "")
DB_FIXTURES = {"db", "db_url", "live_settings", "live_db"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def _pg_schema_url(schema: str) -> str:
    with_driver = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    sep = "&" if "?" in with_driver else "?"
    return f"{with_driver}{sep}options=-csearch_path%3D{schema}"


def _new_pg_schema() -> tuple[str, str]:
    schema = f"jw_{uuid.uuid4().hex[:12]}"
    admin = create_database(PG_URL)
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema, _pg_schema_url(schema)


def _drop_pg_schema(schema: str) -> None:
    admin = create_database(PG_URL)
    with admin.engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Development settings in a temporary data dir, immune to the developer's environment."""
    for name in list(os.environ):
        if name.startswith("JINGWANG_") and name != "JINGWANG_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return load_settings(data_dir=tmp_path / "var", queue_url="memory://")


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per xdist worker."""
    if PG_URL:
        schema, url = _new_pg_schema()
        database = create_database(url)
        upgrade(database)
        database.dispose()
        yield url
        _drop_pg_schema(schema)
    else:
        path = tmp_path_factory.mktemp("db") / "jingwang.db"
        url = f"sqlite:///{path}"
        database = create_database(url)
        upgrade(database)
        database.dispose()
        yield url


@pytest.fixture(scope="session")
def _session_database(db_url: str) -> Iterator[Database]:
    database = create_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def db(_session_database: Database) -> Iterator[Database]:
    """The migrated database; everything a test writes is rolled back afterwards.

    ``db.session()`` commits become savepoint releases inside one outer transaction.
    """
    conn = _session_database.engine.connect()
    outer = conn.begin()
    maker = sessionmaker(
        bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    yield Database(_session_database.engine, maker)
    outer.rollback()
    conn.close()


@pytest.fixture
def live_db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, committed database of this test's own."""
    if PG_URL:
        schema, url = _new_pg_schema()
        database = create_database(url)
        upgrade(database)
        database.dispose()
        yield url
        _drop_pg_schema(schema)
    else:
        url = f"sqlite:///{tmp_path / 'var' / 'jingwang.db'}"
        database = create_database(url)
        upgrade(database)
        database.dispose()
        yield url


@pytest.fixture
def live_settings(settings: Settings, live_db_url: str) -> Settings:
    """Settings for real processes: own committed DB, SqliteHuey queue in the data dir."""
    return settings.model_copy(update={"database_url": live_db_url, "queue_url": ""})


@pytest.fixture
def live_db(live_settings: Settings) -> Iterator[Database]:
    database = create_database(live_settings.resolved_database_url)
    yield database
    database.dispose()

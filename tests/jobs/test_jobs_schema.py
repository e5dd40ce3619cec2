"""The initial migration creates exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from jingwang.store import Database, current_revision, head_revision, upgrade
from jingwang.store.base import import_models
from jingwang.store.migrate import alembic_config

TABLES = {"jobs", "job_schedules", "outbox_events", "audit_entries"}


def _differences(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, import_models()))


def test_migrated_schema_matches_the_models(live_db: Database) -> None:
    assert current_revision(live_db) == head_revision(live_db)
    assert _differences(live_db) == []
    assert set(inspect(live_db.engine).get_table_names()) >= TABLES


def test_downgrade_and_upgrade_again(live_db: Database) -> None:
    command.downgrade(alembic_config(live_db), "base")
    assert not TABLES & set(inspect(live_db.engine).get_table_names())
    upgrade(live_db)
    assert _differences(live_db) == []

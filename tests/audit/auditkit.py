"""Helpers for audit tests: tampering as a database administrator would, and running the CLI.

Imported as ``auditkit`` by the tests in this folder (``audit.auditkit`` from other folders).
To tamper, the append-only triggers are switched off, the rows edited, the triggers back on.
SQLite has no "disable trigger", so the triggers are dropped and re-created from their SQL;
PostgreSQL's superuser runs ``ALTER TABLE … DISABLE TRIGGER ALL``. Inside the rolled-back
``db`` fixture both are undone by the rollback anyway; on a committed database the context
manager switches them back on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from jingwang.cli.app import main
from jingwang.settings import Settings
from jingwang.store import Database

TABLES = ("audit_entries", "audit_checkpoints")


@contextmanager
def guard_off(session: Session) -> Iterator[Session]:
    """The append-only triggers are off inside the block (in this transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER ALL"))
        yield session
        for table in TABLES:
            session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER ALL"))
        return
    names = ", ".join(f"'{table}'" for table in TABLES)
    triggers = session.execute(
        text(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({names})"
        )
    ).all()
    assert len(triggers) == 4, "migration 0003 makes two triggers per audit table"
    for name, _ in triggers:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    yield session
    for _, sql in triggers:
        session.execute(text(sql))


def tamper(db: Database, *statements: str) -> None:
    """Run raw SQL against the audit tables with the triggers off, and commit."""
    with db.session() as session, guard_off(session):
        for statement in statements:
            session.execute(text(statement))


def run_cli(
    capsys: pytest.CaptureFixture[str], settings: Settings, *args: str
) -> tuple[int, str, str]:
    """``jingwang --data-dir … --database-url … ARGS`` in this process: exit code, out, err."""
    capsys.readouterr()
    code = main(
        [
            "--data-dir", str(settings.data_dir),
            "--database-url", settings.resolved_database_url,
            "--queue-url", "memory://",
            *args,
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out, captured.err


__all__ = ["guard_off", "run_cli", "tamper"]

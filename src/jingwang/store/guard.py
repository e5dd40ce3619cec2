"""Append-only tables: when the database refuses a change, say so in our own words.

Migrations put triggers on append-only tables (the audit log's, see migration 0003) that make
the database refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) with a message containing
:data:`APPEND_ONLY_MARKER`. No code of ours changes those rows, so the refusal only surfaces
after a bug or an attempt at tampering; :func:`install_append_only_guard` (every engine
:func:`~jingwang.store.create_database` builds has it) turns the driver's error into
:class:`AppendOnlyViolation` with a message that says what happened and that nothing changed.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from jingwang.errors import StoreError

APPEND_ONLY_MARKER: Final = "is append-only"


class AppendOnlyViolation(StoreError):
    """The database refused to change or delete rows of an append-only table."""

    code = "store.append_only"


def _on_error(context: ExceptionContext) -> None:
    original = context.original_exception
    if APPEND_ONLY_MARKER not in str(original):
        return
    statement = (context.statement or "").strip().split(None, 1)
    raise AppendOnlyViolation(
        "the database refused to change the audit log: it is append-only, so entries and "
        "checkpoints are never updated or deleted (a correction is a new entry). Nothing was "
        "changed; if this was not an attempt at tampering, it is a bug: report it",
        statement=statement[0].upper() if statement else None,
        database_message=str(original).splitlines()[0],
    ) from original


def install_append_only_guard(engine: Engine) -> None:
    """Translate the database's append-only refusals on ``engine`` (idempotent)."""
    if not event.contains(engine, "handle_error", _on_error):
        event.listen(engine, "handle_error", _on_error)


__all__ = ["APPEND_ONLY_MARKER", "AppendOnlyViolation", "install_append_only_guard"]

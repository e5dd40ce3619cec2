"""Declarative base with one naming convention, and a UTC datetime column type.

Each domain package declares its models on :class:`Base` in its own ``models`` module and
registers that module in :data:`MODEL_MODULES` so Alembic sees every table.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every module that declares tables. Alembic's env and the test fixtures import these.
MODEL_MODULES = (
    "jingwang.accounts.models",
    "jingwang.jobs.models",
    "jingwang.audit.models",
    "jingwang.registry.models",
    "jingwang.decisions.models",
    "jingwang.probe.models",
    "jingwang.classify.models",
    "jingwang.store.outbox",
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC. The only clock domain code should read."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores aware datetimes as UTC; returns aware UTC datetimes on every backend.

    SQLite keeps no zone, PostgreSQL keeps ``timestamptz``; both come back as aware UTC.
    Naive datetimes are refused: they are always a bug here.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: use jingwang.store.utcnow()")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]
        return value.astimezone(dt.UTC)  # type: ignore[no-any-return]


def import_models() -> MetaData:
    """Import every model module so ``Base.metadata`` knows all tables."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata

"""Engine settings on SQLite, URL handling, and migrations on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from jingwang.errors import ConfigError
from jingwang.store import Database, create_database, current_revision, head_revision, upgrade
from jingwang.store.engine import normalise_url


def test_sqlite_pragmas(tmp_path: Path) -> None:
    database = create_database(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
    database.dispose()


def test_session_commits_and_rolls_back(tmp_path: Path) -> None:
    database = create_database(f"sqlite:///{tmp_path / 'x.db'}")
    with database.session() as s:
        s.execute(text("CREATE TABLE t (v INTEGER)"))

    def insert_then_fail() -> None:
        with database.session() as s:
            s.execute(text("INSERT INTO t VALUES (1)"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        insert_then_fail()
    with database.session() as s:
        assert s.execute(text("SELECT count(*) FROM t")).scalar() == 0
    database.dispose()


def test_postgres_urls_get_the_psycopg_driver() -> None:
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x") == "sqlite:///x"


def test_unsupported_or_broken_urls_are_refused() -> None:
    with pytest.raises(ConfigError, match="unsupported database"):
        create_database("mysql://root@localhost/x")
    with pytest.raises(ConfigError, match="not a valid"):
        create_database("::::")


def test_migrations_reach_head_and_are_idempotent(live_db: Database) -> None:
    assert current_revision(live_db) == head_revision(live_db)
    upgrade(live_db)  # a second run changes nothing
    assert current_revision(live_db) == head_revision(live_db)


def test_utc_datetimes_roundtrip(db: Database) -> None:
    from jingwang.store import UTCDateTime

    stamp = dt.datetime(2010, 1, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    col = UTCDateTime()
    dialect = db.engine.dialect
    stored = col.process_bind_param(stamp, dialect)
    assert stored == dt.datetime(2010, 1, 1, 0, 0, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="naive"):
        col.process_bind_param(dt.datetime(2010, 1, 1), dialect)  # noqa: DTZ001


@pytest.mark.db
def test_json_encoded_ahead_reads_back_as_the_value_written_plainly(db: Database) -> None:
    from sqlalchemy import select

    from jingwang.jobs import JobState
    from jingwang.jobs.models import Job
    from jingwang.store.base import utcnow
    from jingwang.store.jsontext import EncodedJSON

    value = {"标题": "页面", "hops": [{"status": 302, "delay": 1.5}, None], "ok": True}
    with db.session() as session:
        ids = []
        for payload in (value, EncodedJSON.of(value)):
            job = Job(
                kind="test.json",
                payload=payload,
                state=JobState.QUEUED,
                attempts=0,
                max_attempts=1,
                priority=0,
                run_at=utcnow(),
            )
            session.add(job)
            session.flush()
            ids.append(job.id)
    with db.session() as session:
        plain, ahead = (session.scalars(select(Job.payload).where(Job.id == i)).one() for i in ids)
    assert plain == ahead == value

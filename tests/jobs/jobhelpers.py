"""Helpers shared by the job tests (this folder is on sys.path under pytest)."""

from __future__ import annotations

from sqlalchemy import select

from jingwang.jobs import Job
from jingwang.store import Database
from jingwang.store.outbox import OutboxEvent


def job(db: Database, job_id: int) -> Job:
    with db.session() as session:
        found = session.get(Job, job_id)
        assert found is not None
        session.expunge(found)
        return found


def event_names(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(OutboxEvent.name).order_by(OutboxEvent.id)))

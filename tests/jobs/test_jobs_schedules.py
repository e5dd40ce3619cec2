"""Schedules: one job per slot, however many dispatchers look at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from jingwang.jobs import Job, JobRuntime, JobSchedule, ScheduleSpec, add_schedule, list_schedules
from jingwang.jobs.schedules import (
    DEFAULT_SCHEDULES,
    ensure_default_schedules,
    materialise_schedules,
    next_slot,
    slot_key,
)
from jingwang.store import Database

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _add(db: Database, name: str = "echo.minutely", *, enabled: bool = True) -> None:
    spec = ScheduleSpec(
        name=name,
        kind="tests.echo",
        payload={"message": name},
        interval_seconds=60,
        next_run_at=T0,
        enabled=enabled,
    )
    with db.session() as session:
        add_schedule(session, spec)


def _jobs_of(db: Database, name: str) -> list[Job]:
    with db.session() as session:
        query = select(Job).where(Job.idempotency_key.like(f"schedule:{name}:%")).order_by(Job.id)
        return list(session.scalars(query))


def test_a_due_slot_becomes_exactly_one_job(runtime: JobRuntime) -> None:
    _add(runtime.db)
    now = T0 + dt.timedelta(seconds=1)
    first = materialise_schedules(runtime.db, now=now)
    again = materialise_schedules(runtime.db, now=now)
    assert len(first) == 1
    assert again == []
    jobs = _jobs_of(runtime.db, "echo.minutely")
    assert [j.idempotency_key for j in jobs] == [slot_key("echo.minutely", T0)]
    assert jobs[0].payload == {"message": "echo.minutely"}
    with runtime.db.session() as session:
        schedule = list_schedules(session)[0]
        assert schedule.next_run_at == T0 + dt.timedelta(seconds=60)
        assert schedule.last_job_id == jobs[0].id


def test_each_later_slot_gets_its_own_job(runtime: JobRuntime) -> None:
    _add(runtime.db)
    for minute in range(3):
        materialise_schedules(runtime.db, now=T0 + dt.timedelta(minutes=minute, seconds=5))
    assert len(_jobs_of(runtime.db, "echo.minutely")) == 3


def test_missed_slots_are_skipped_not_made_up(runtime: JobRuntime) -> None:
    _add(runtime.db)
    materialise_schedules(runtime.db, now=T0 + dt.timedelta(minutes=10, seconds=30))
    assert len(_jobs_of(runtime.db, "echo.minutely")) == 1
    with runtime.db.session() as session:
        assert list_schedules(session)[0].next_run_at == T0 + dt.timedelta(minutes=11)


def test_a_disabled_schedule_creates_nothing(runtime: JobRuntime) -> None:
    _add(runtime.db, "off", enabled=False)
    assert materialise_schedules(runtime.db, now=T0 + dt.timedelta(hours=1)) == []


def test_a_dispatcher_that_read_the_old_slot_finds_the_existing_job(runtime: JobRuntime) -> None:
    _add(runtime.db)
    now = T0 + dt.timedelta(seconds=1)
    first = materialise_schedules(runtime.db, now=now)
    # A second dispatcher that saw next_run_at == T0 before the first one moved it:
    with runtime.db.session() as session:
        session.execute(JobSchedule.__table__.update().values(next_run_at=T0))
    assert materialise_schedules(runtime.db, now=now) == first  # the same job, not a new one
    assert len(_jobs_of(runtime.db, "echo.minutely")) == 1


def test_concurrent_dispatchers_create_one_job_per_slot(live_runtime: JobRuntime) -> None:
    _add(live_runtime.db)
    now = T0 + dt.timedelta(seconds=1)
    start = threading.Barrier(4)

    def dispatcher() -> None:
        start.wait()
        materialise_schedules(live_runtime.db, now=now)

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(_jobs_of(live_runtime.db, "echo.minutely")) == 1


def test_scheduled_jobs_run_through_the_normal_path(runtime: JobRuntime) -> None:
    _add(runtime.db)
    report = runtime.tick(now=T0 + dt.timedelta(seconds=1))
    assert report.errors == []
    assert len(report.scheduled) == 1
    assert [j.state.value for j in _jobs_of(runtime.db, "echo.minutely")] == ["succeeded"]


def test_default_schedules_are_created_once_and_start_one_interval_later(
    runtime: JobRuntime,
) -> None:
    ensure_default_schedules(runtime.db)
    ensure_default_schedules(runtime.db)
    with runtime.db.session() as session:
        schedules = {s.name: s for s in list_schedules(session)}
    assert set(schedules) == {spec.name for spec in DEFAULT_SCHEDULES}
    verify = schedules["blobs.verify.weekly"]
    assert verify.next_run_at > dt.datetime.now(dt.UTC) + dt.timedelta(days=6)
    assert schedules["audit.checkpoint.periodic"].interval_seconds == 600


def test_the_checkpoint_interval_follows_its_setting(runtime: JobRuntime) -> None:
    ensure_default_schedules(runtime.db, runtime.settings)
    faster = runtime.settings.model_copy(update={"audit_checkpoint_interval_seconds": 60})
    ensure_default_schedules(runtime.db, faster)
    with runtime.db.session() as session:
        schedules = {s.name: s for s in list_schedules(session)}
    checkpoint = schedules["audit.checkpoint.periodic"]
    assert (checkpoint.kind, checkpoint.interval_seconds) == ("audit.checkpoint", 60)
    assert checkpoint.next_run_at <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
    assert schedules["blobs.verify.weekly"].interval_seconds == 7 * 86400


def test_next_slot() -> None:
    assert next_slot(T0, 60, T0) == T0 + dt.timedelta(seconds=60)
    assert next_slot(T0, 60, T0 + dt.timedelta(seconds=59)) == T0 + dt.timedelta(seconds=60)
    assert next_slot(T0, 60, T0 + dt.timedelta(seconds=60)) == T0 + dt.timedelta(seconds=120)
    assert next_slot(T0, 60, T0 - dt.timedelta(hours=1)) == T0 + dt.timedelta(seconds=60)

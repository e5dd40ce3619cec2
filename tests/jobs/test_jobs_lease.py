"""Leases: only one worker can own a job; a lost lease records nothing; expired leases come back."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from jobhelpers import event_names, job
from sqlalchemy import update

from jingwang.errors import ConfigError
from jingwang.jobs import Job, JobRuntime, JobState, build_runtime, enqueue
from jingwang.jobs.dispatcher import dispatch_due
from jingwang.jobs.lease import (
    claim_job,
    complete_job,
    fail_job,
    release_job,
    renew_lease,
    retry_delay,
)
from jingwang.jobs.reconciler import reconcile
from jingwang.settings import Settings
from jingwang.store import Database


def _dispatched(runtime: JobRuntime, payload: dict[str, object] | None = None) -> int:
    """A job moved to `dispatched` without sending a message (as if the message were in flight)."""
    with runtime.db.session() as session:
        job_id = enqueue(session, "tests.echo", payload or {"message": "x"}).id
    moved = dispatch_due(runtime.db, runtime.settings, lambda _id, _priority: None)
    assert job_id in [d.job_id for d in moved]
    return job_id


def test_two_workers_racing_for_one_job_only_one_wins(runtime: JobRuntime) -> None:
    job_id = _dispatched(runtime)
    first = claim_job(runtime.db, job_id, "worker-a", runtime.settings)
    second = claim_job(runtime.db, job_id, "worker-b", runtime.settings)
    assert first is not None
    assert second is None
    stored = job(runtime.db, job_id)
    assert (stored.state, stored.lease_owner, stored.attempts) == (JobState.RUNNING, "worker-a", 1)


def test_a_duplicated_message_is_harmless(runtime: JobRuntime) -> None:
    job_id = _dispatched(runtime)
    assert runtime.runner.run(job_id).value == "succeeded"
    assert runtime.runner.run(job_id).value == "skipped"  # the duplicate finds it done
    assert job(runtime.db, job_id).attempts == 1


def test_threads_racing_with_their_own_connections_only_one_wins(
    live_runtime: JobRuntime,
) -> None:
    job_id = _dispatched(live_runtime)
    start = threading.Barrier(8)
    winners: list[str] = []

    def race(owner: str) -> None:
        start.wait()
        if claim_job(live_runtime.db, job_id, owner, live_runtime.settings) is not None:
            winners.append(owner)

    threads = [threading.Thread(target=race, args=(f"w{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    assert job(live_runtime.db, job_id).lease_owner == winners[0]


def test_a_message_that_waited_past_the_dispatch_lease_still_runs_its_job(
    runtime: JobRuntime,
) -> None:
    job_id = _dispatched(runtime)  # its message waits behind a long queue …
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with runtime.db.session() as session:
        session.execute(update(Job).where(Job.id == job_id).values(lease_expires_at=past))
    assert reconcile(runtime.db, runtime.settings).requeued == [job_id]
    assert job(runtime.db, job_id).state == JobState.QUEUED  # … and the dispatch lease expired
    assert runtime.runner.run(job_id).value == "succeeded"  # the late message still runs it


def test_a_message_for_a_job_backing_off_does_not_run_it_early(runtime: JobRuntime) -> None:
    with runtime.db.session() as session:
        job_id = enqueue(session, "tests.flaky", {"fail_attempts": 1}).id
    runtime.dispatch()  # attempt 1 fails: queued with run_at in the future
    assert job(runtime.db, job_id).state == JobState.QUEUED
    assert runtime.runner.run(job_id).value == "skipped"  # a stale duplicate message


def test_a_worker_that_lost_its_lease_cannot_record_anything(runtime: JobRuntime) -> None:
    job_id = _dispatched(runtime)
    claim = claim_job(runtime.db, job_id, "worker-a", runtime.settings)
    assert claim is not None
    stolen = claim.__class__(**{**claim.__dict__, "owner": "worker-b"})
    assert not renew_lease(runtime.db, stolen, runtime.settings)
    assert not complete_job(runtime.db, stolen, {"x": 1})
    assert fail_job(runtime.db, stolen, "boom", runtime.settings) is None
    assert renew_lease(runtime.db, claim, runtime.settings)
    assert complete_job(runtime.db, claim, {"ok": True})
    assert job(runtime.db, job_id).result == {"ok": True}


def test_expired_running_lease_goes_back_to_queued_and_the_old_owner_is_locked_out(
    runtime: JobRuntime,
) -> None:
    job_id = _dispatched(runtime)
    claim = claim_job(runtime.db, job_id, "worker-a", runtime.settings)
    assert claim is not None
    expires = job(runtime.db, job_id).lease_expires_at
    assert expires is not None
    assert (
        reconcile(runtime.db, runtime.settings, now=expires - dt.timedelta(seconds=1)).requeued
        == []
    )
    later = expires + dt.timedelta(seconds=1)
    assert reconcile(runtime.db, runtime.settings, now=later).requeued == [job_id]
    stored = job(runtime.db, job_id)
    assert (stored.state, stored.lease_owner, stored.attempts) == (JobState.QUEUED, None, 1)
    assert not complete_job(runtime.db, claim, None)  # the worker came back too late
    runtime.dispatch(now=later)
    stored = job(runtime.db, job_id)
    assert (stored.state, stored.attempts) == (JobState.SUCCEEDED, 2)


def test_expired_dispatch_lease_is_dispatched_again(runtime: JobRuntime) -> None:
    job_id = _dispatched(runtime)  # its message is "lost"
    expires = job(runtime.db, job_id).lease_expires_at
    assert expires is not None
    later = expires + dt.timedelta(seconds=1)
    assert reconcile(runtime.db, runtime.settings, now=later).requeued == [job_id]
    runtime.dispatch(now=later)
    assert job(runtime.db, job_id).state == JobState.SUCCEEDED


def test_a_crashed_last_attempt_is_dead(runtime: JobRuntime) -> None:
    job_id = _dispatched(runtime)
    for attempt in range(1, runtime.settings.jobs_max_attempts + 1):
        assert claim_job(runtime.db, job_id, f"crashing-{attempt}", runtime.settings) is not None
        expires = job(runtime.db, job_id).lease_expires_at
        assert expires is not None
        later = expires + dt.timedelta(seconds=1)
        report = reconcile(runtime.db, runtime.settings, now=later)
        if attempt < runtime.settings.jobs_max_attempts:
            assert report.requeued == [job_id]
            dispatch_due(runtime.db, runtime.settings, lambda _i, _p: None, now=later)
    assert report.dead == [job_id]
    stored = job(runtime.db, job_id)
    assert stored.state == JobState.DEAD
    assert stored.last_error is not None
    assert "worker died" in stored.last_error
    assert event_names(runtime.db)[-1] == "jobs.job_dead"


def test_release_gives_the_job_back_without_counting_the_attempt(runtime: JobRuntime) -> None:
    job_id = _dispatched(runtime)
    claim = claim_job(runtime.db, job_id, "stopping-worker", runtime.settings)
    assert claim is not None
    assert release_job(runtime.db, claim)
    stored = job(runtime.db, job_id)
    assert (stored.state, stored.attempts, stored.lease_owner) == (JobState.QUEUED, 0, None)


def test_retry_delay_doubles_with_jitter_up_to_the_cap(job_settings: Settings) -> None:
    rng = random.Random(7)
    base, cap = job_settings.jobs_retry_base_seconds, job_settings.jobs_retry_max_seconds
    for attempt, ceiling in [(1, base), (2, 2 * base), (3, 4 * base), (30, cap)]:
        delays = {retry_delay(attempt, job_settings, rng) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered


def test_a_heartbeat_slower_than_the_lease_is_refused(job_settings: Settings, db: Database) -> None:
    bad = job_settings.model_copy(update={"jobs_heartbeat_seconds": 60, "jobs_lease_seconds": 60})
    with pytest.raises(ConfigError, match="jobs_heartbeat_seconds"):
        build_runtime(bad, db)

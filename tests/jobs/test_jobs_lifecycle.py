"""A job's life in immediate mode: success, retries, dead, cancel, retry by a person."""

from __future__ import annotations

import datetime as dt

import pytest
from jobhelpers import event_names, job

from jingwang.audit import verify_chain
from jingwang.core.events import EventActor
from jingwang.jobs import JobRuntime, JobState, JobStateConflict, cancel_job, enqueue, retry_job

ALICE = EventActor(type="cli", id="alice")


def _enqueue(runtime: JobRuntime, kind: str, payload: dict[str, object]) -> int:
    with runtime.db.session() as session:
        return enqueue(session, kind, payload).id


def test_enqueue_then_dispatch_runs_the_job_inline(runtime: JobRuntime) -> None:
    job_id = _enqueue(runtime, "tests.echo", {"message": "你好"})
    report = runtime.tick()
    assert report.errors == []
    assert [d.job_id for d in report.dispatched] == [job_id]
    stored = job(runtime.db, job_id)
    assert stored.state == JobState.SUCCEEDED
    assert stored.result == {"echo": "你好", "attempt": 1}
    assert stored.finished_at is not None
    assert stored.lease_owner is None


def test_failures_retry_with_back_off_then_the_job_is_dead(runtime: JobRuntime) -> None:
    job_id = _enqueue(runtime, "tests.flaky", {"fail_attempts": 99})
    runtime.dispatch()
    delays = []
    for attempt in range(1, runtime.settings.jobs_max_attempts):
        stored = job(runtime.db, job_id)
        assert (stored.state, stored.attempts) == (JobState.QUEUED, attempt)
        assert stored.last_error is not None
        assert f"boom on attempt {attempt}" in stored.last_error
        delays.append((stored.run_at - stored.updated_at).total_seconds())
        assert runtime.dispatch() == []  # not due before its back-off
        runtime.dispatch(now=stored.run_at + dt.timedelta(seconds=1))
    base = runtime.settings.jobs_retry_base_seconds
    assert base / 2 <= delays[0] <= base
    assert base <= delays[1] <= 2 * base
    stored = job(runtime.db, job_id)
    assert (stored.state, stored.attempts) == (JobState.DEAD, runtime.settings.jobs_max_attempts)
    assert event_names(runtime.db)[-1] == "jobs.job_dead"


def test_a_job_recovers_on_a_later_attempt(runtime: JobRuntime) -> None:
    job_id = _enqueue(runtime, "tests.flaky", {"fail_attempts": 1})
    runtime.dispatch()
    runtime.dispatch(now=job(runtime.db, job_id).run_at)
    stored = job(runtime.db, job_id)
    assert (stored.state, stored.attempts) == (JobState.SUCCEEDED, 2)
    assert stored.result == {"echo": "recovered", "attempt": 2}


def test_permanent_failure_is_dead_at_once(runtime: JobRuntime) -> None:
    job_id = _enqueue(runtime, "tests.flaky", {"fail_attempts": 9, "permanent": True})
    runtime.dispatch()
    stored = job(runtime.db, job_id)
    assert (stored.state, stored.attempts) == (JobState.DEAD, 1)
    assert stored.last_error is not None
    assert "can never work" in stored.last_error


def test_cancel_a_queued_job(runtime: JobRuntime) -> None:
    job_id = _enqueue(runtime, "tests.echo", {"message": "no"})
    with runtime.db.session() as session:
        cancel_job(session, job_id, actor=ALICE)
    with runtime.db.session() as session:
        assert cancel_job(session, job_id).state == JobState.CANCELLED  # again: no change
    assert runtime.dispatch() == []
    assert job(runtime.db, job_id).state == JobState.CANCELLED
    assert event_names(runtime.db).count("jobs.job_cancelled") == 1


def test_a_finished_job_cannot_be_cancelled_or_retried(runtime: JobRuntime) -> None:
    job_id = _enqueue(runtime, "tests.echo", {"message": "done"})
    runtime.dispatch()
    with runtime.db.session() as session:
        with pytest.raises(JobStateConflict, match="succeeded"):
            cancel_job(session, job_id)
        with pytest.raises(JobStateConflict, match="enqueue a new job"):
            retry_job(session, job_id)


def test_a_person_retries_a_dead_job_with_fresh_attempts(runtime: JobRuntime) -> None:
    job_id = _enqueue(runtime, "tests.flaky", {"fail_attempts": 1, "permanent": True})
    runtime.dispatch()
    assert job(runtime.db, job_id).state == JobState.DEAD
    with runtime.db.session() as session:
        retry_job(session, job_id, actor=ALICE)
    assert (job(runtime.db, job_id).state, job(runtime.db, job_id).attempts) == (JobState.QUEUED, 0)
    runtime.tick()
    stored = job(runtime.db, job_id)
    # attempts were reset, so this is attempt 1 again: it fails permanently once more.
    assert (stored.state, stored.attempts) == (JobState.DEAD, 1)
    assert event_names(runtime.db)[-3:] == ["jobs.job_dead", "jobs.job_retried", "jobs.job_dead"]


def test_retry_runs_a_waiting_job_now(runtime: JobRuntime) -> None:
    job_id = _enqueue(runtime, "tests.flaky", {"fail_attempts": 1})
    runtime.dispatch()
    assert job(runtime.db, job_id).run_at > dt.datetime.now(dt.UTC)
    with runtime.db.session() as session:
        retry_job(session, job_id)
    runtime.dispatch()
    assert (job(runtime.db, job_id).state, job(runtime.db, job_id).attempts) == (
        JobState.SUCCEEDED,
        2,
    )


def test_person_actions_reach_the_audit_log_with_the_actor(runtime: JobRuntime) -> None:
    job_id = _enqueue(runtime, "tests.echo", {"message": "x"})
    with runtime.db.session() as session:
        cancel_job(session, job_id, actor=ALICE)
    report = runtime.tick()
    assert report.sequenced.published >= 1
    with runtime.db.session() as session:
        result = verify_chain(session)
        assert result.ok
        from jingwang.audit import latest_entries

        entry = latest_entries(session, 1)[0]
    assert (entry.action, entry.actor_type, entry.actor_id) == (
        "jobs.job_cancelled",
        "cli",
        "alice",
    )
    assert (entry.object_type, entry.object_id) == ("job", str(job_id))
    assert entry.summary == {"kind": "tests.echo", "previous_state": "queued"}


def test_cancel_while_running_stops_the_handler_at_its_next_heartbeat(
    live_runtime: JobRuntime,
) -> None:
    job_id = _enqueue(live_runtime, "tests.self_cancel", {})
    live_runtime.dispatch()  # runs inline: the handler cancels itself, then heartbeats
    stored = job(live_runtime.db, job_id)
    assert (stored.state, stored.result, stored.lease_owner) == (JobState.CANCELLED, None, None)

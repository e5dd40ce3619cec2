"""Enqueueing: in the caller's transaction, validated, idempotent by key."""

from __future__ import annotations

import datetime as dt

import pytest
from jobhelpers import job
from sqlalchemy import func, select

from jingwang.jobs import (
    InvalidPayload,
    Job,
    JobRuntime,
    JobState,
    JobStateConflict,
    UnknownJobKind,
    enqueue,
    enqueue_new,
    list_jobs,
)
from jingwang.store import Database


def _count_jobs(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Job)) or 0


def test_enqueue_writes_a_queued_row_in_the_callers_transaction(runtime: JobRuntime) -> None:
    with runtime.db.session() as session:
        new = enqueue(session, "tests.echo", {"message": "hi"}, priority=3)
        job_id = new.id
    stored = job(runtime.db, job_id)
    assert (stored.kind, stored.state, stored.payload) == (
        "tests.echo",
        JobState.QUEUED,
        {"message": "hi"},
    )
    assert (stored.attempts, stored.priority, stored.max_attempts) == (0, 3, None)
    assert stored.run_at.tzinfo is not None


def test_enqueue_new_writes_the_rows_enqueue_would(runtime: JobRuntime) -> None:
    with runtime.db.session() as session:
        ids = enqueue_new(session, "tests.echo", [{"message": "a"}, {"message": "b"}])
        plain = enqueue(session, "tests.echo", {"message": "c"}).id
        assert enqueue_new(session, "tests.echo", []) == []
    made = [job(runtime.db, job_id) for job_id in (*ids, plain)]
    assert [stored.payload for stored in made] == [{"message": m} for m in "abc"]
    first, _, reference = made
    for column in ("kind", "state", "attempts", "max_attempts", "priority", "idempotency_key"):
        assert getattr(first, column) == getattr(reference, column)
    assert first.run_at.tzinfo is not None
    assert first.created_at == first.run_at


def test_enqueue_new_validates_every_payload_and_writes_none_when_one_is_bad(
    runtime: JobRuntime,
) -> None:
    before = _count_jobs(runtime.db)
    with pytest.raises(InvalidPayload), runtime.db.session() as session:
        enqueue_new(session, "tests.echo", [{"message": "fine"}, {"wrong": 1}])
    assert _count_jobs(runtime.db) == before


def test_enqueue_in_a_transaction_that_rolls_back_leaves_no_job(runtime: JobRuntime) -> None:
    before = _count_jobs(runtime.db)

    def failing_change() -> None:
        with runtime.db.session() as session:
            enqueue(session, "tests.echo", {"message": "never"})
            raise RuntimeError("the domain change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert _count_jobs(runtime.db) == before
    assert runtime.dispatch() == []


def test_same_idempotency_key_returns_the_existing_job(runtime: JobRuntime) -> None:
    with runtime.db.session() as session:
        first = enqueue(session, "tests.echo", {"message": "a"}, idempotency_key="report:7")
    with runtime.db.session() as session:
        again = enqueue(session, "tests.echo", {"message": "b"}, idempotency_key="report:7")
        other = enqueue(session, "tests.echo", {"message": "c"}, idempotency_key="report:8")
    assert again.id == first.id
    assert job(runtime.db, first.id).payload == {"message": "a"}  # the first one wins
    assert other.id != first.id


def test_idempotency_key_of_another_kind_is_a_conflict(runtime: JobRuntime) -> None:
    with runtime.db.session() as session:
        enqueue(session, "tests.echo", {"message": "a"}, idempotency_key="k")
        with pytest.raises(JobStateConflict, match=r"kind 'tests\.echo'"):
            enqueue(session, "tests.flaky", {"fail_attempts": 0}, idempotency_key="k")


def test_bad_payload_is_invalid_input_naming_the_field(runtime: JobRuntime) -> None:
    with runtime.db.session() as session:
        with pytest.raises(InvalidPayload, match="message") as missing:
            enqueue(session, "tests.echo", {})
        with pytest.raises(InvalidPayload, match="fail_attempts") as wrong_type:
            enqueue(session, "tests.flaky", {"fail_attempts": "many"})
    assert missing.value.details["field"] == "message"
    assert wrong_type.value.code == "jobs.invalid_payload"


def test_unknown_kind_lists_the_known_ones(runtime: JobRuntime) -> None:
    with runtime.db.session() as session, pytest.raises(UnknownJobKind, match=r"blobs\.verify"):
        enqueue(session, "no.such.kind", {})


def test_run_at_in_the_future_is_not_dispatched_yet(runtime: JobRuntime) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    with runtime.db.session() as session:
        job_id = enqueue(session, "tests.echo", {"message": "later"}, run_at=later).id
    assert runtime.dispatch() == []
    assert [d.job_id for d in runtime.dispatch(now=later)] == [job_id]
    assert job(runtime.db, job_id).state == JobState.SUCCEEDED


def test_list_filters_by_state_and_kind(runtime: JobRuntime) -> None:
    with runtime.db.session() as session:
        a = enqueue(session, "tests.echo", {"message": "a"}).id
        b = enqueue(session, "tests.flaky", {"fail_attempts": 0}).id
        assert [j.id for j in list_jobs(session, kind="tests.flaky")] == [b]
        assert {a, b} <= {j.id for j in list_jobs(session, state=JobState.QUEUED)}
        assert list_jobs(session, state=JobState.DEAD, kind="tests.echo") == []

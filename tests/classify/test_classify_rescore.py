"""Re-scoring runs end to end with the job runtime: slices, counts, cancel, resume after a crash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from verdictkit import World, lexicon_classifier, open_world

from jingwang.accounts.errors import AccessDenied
from jingwang.classify import service
from jingwang.classify.classifier import Classifier
from jingwang.classify.errors import RunActive, RunNotFound, RunStateError
from jingwang.classify.jobs import CLASSIFIERS
from jingwang.classify.models import RescoreRun, VerdictRow
from jingwang.classify.types import Thresholds, Verdict
from jingwang.classify.verdicts import classify_capture
from jingwang.jobs import Job, JobRuntime, JobState
from jingwang.settings import Settings
from jingwang.store import Database
from jingwang.store.base import utcnow
from jingwang.store.outbox import OutboxEvent
from probe.servicekit import People, make_people

pytestmark = [pytest.mark.db, pytest.mark.slow]

PAGES = [
    ("porn.hot.test", "/porn"),
    ("www.hot.test", "/clean"),
    ("m.clinic.test", "/health"),
    ("mirror.hot2.test", "/mirror"),
    ("m.weather.test", "/clean"),
]


class Tripwire(Classifier):
    """The same classifier, which calls ``action`` when it judges its ``at``-th page."""

    def __init__(self, base: Classifier, at: int, action: Callable[[], None]) -> None:
        super().__init__(
            base.scorer,
            nsfw=base.nsfw,
            known=base.known,
            thresholds=base.thresholds,
            limits=base.limits,
        )
        self.at, self.action, self.calls = at, action, 0

    def judge(self, **kwargs: Any) -> Verdict:
        self.calls += 1
        if self.calls == self.at:
            self.action()
        return super().judge(**kwargs)


@pytest.fixture
def world(settings: Settings, db: Database) -> Iterator[World]:
    small_batches = settings.model_copy(update={"classify_batch_size": 2})
    with open_world(small_batches, db) as opened:
        yield opened


@pytest.fixture
def people(world: World) -> People:
    with world.db.session() as session:
        return make_people(session)


@pytest.fixture
def captures(world: World) -> list[int]:
    return [world.capture(host, path) for host, path in PAGES]


def drain(runtime: JobRuntime, now: dt.datetime | None = None) -> None:
    """Run due jobs until none is left (a slice enqueues the next one)."""
    for _ in range(30):
        if not runtime.dispatch(now=now):
            return
    raise AssertionError("jobs kept coming")


def _run(world: World, run_id: int) -> RescoreRun:
    with world.db.session() as session:
        run = session.get(RescoreRun, run_id)
        assert run is not None
        session.expunge(run)
        return run


def _start(world: World, people: People) -> int:
    with world.db.session() as session:
        return service.start_rescore(session, people.centre).id


def _run_verdicts(world: World, run_id: int) -> list[int]:
    with world.db.session() as session:
        query = select(VerdictRow.capture_id).where(
            VerdictRow.run_id == run_id, VerdictRow.subject == "capture"
        )
        return sorted(c for c in session.scalars(query) if c is not None)


def _finished(world: World) -> list[dict[str, Any]]:
    with world.db.session() as session:
        query = select(OutboxEvent.payload).where(OutboxEvent.name == "classify.rescore_finished")
        return list(session.scalars(query))


def test_a_run_rescores_every_capture_and_counts_what_changed(
    world: World, runtime: JobRuntime, classifier: Classifier, captures: list[int], people: People
) -> None:
    strict = lexicon_classifier()
    strict.thresholds = Thresholds(porn=1.0, suspect=1.0)  # everything was "clean" before
    with world.db.session() as session:
        for capture_id in captures:
            classify_capture(session, world.blobs, strict, capture_id)
    run_id = _start(world, people)
    queued = _run(world, run_id)
    assert (queued.state, queued.total, queued.done, queued.cursor) == ("queued", 5, 0, 0)
    assert queued.created_by == "centre-reviewer"
    drain(runtime)
    run = _run(world, run_id)
    assert (run.state, run.done, run.total, run.cursor) == ("done", 5, 5, max(captures))
    assert run.changed == 2  # the two porn pages; the clean ones stayed clean
    assert run.counts == {"porn": 2, "clean": 3}
    assert run.versions == classifier.versions
    assert run.started_at is not None
    assert run.finished_at is not None
    assert _run_verdicts(world, run_id) == sorted(captures)
    with world.db.session() as session:
        current = session.scalar(
            select(func.count(VerdictRow.id)).where(
                VerdictRow.subject == "capture", VerdictRow.current.is_(True)
            )
        )
    assert current == 5
    (finished,) = _finished(world)
    assert (finished["state"], finished["total"], finished["changed"]) == ("done", 5, 2)
    assert finished["versions_key"] == classifier.versions_key
    with world.db.session() as session:
        assert service.get_run(session, people.police, run_id).state == "done"
        assert [r.id for r in service.list_runs(session, people.centre)] == [run_id]


def test_a_run_goes_slice_by_slice(
    world: World, runtime: JobRuntime, captures: list[int], people: People
) -> None:
    run_id = _start(world, people)
    with world.db.session() as session:
        job = session.get(Job, _run(world, run_id).job_id)
        assert job is not None
        job.payload = {**job.payload, "max_seconds": 0.001}  # one batch per slice
    drain(runtime)
    with world.db.session() as session:
        jobs = list(
            session.scalars(select(Job).where(Job.kind == "classify.rescore").order_by(Job.id))
        )
        keys = [job.idempotency_key for job in jobs]
        results = [job.result for job in jobs]
    # Batches of two: 2 + 2 + 1 captures, then a slice that finds nothing left.
    assert keys == [f"classify.rescore:{run_id}:s{n}" for n in range(4)]
    assert [r["done"] for r in results if r] == [2, 2, 1, 0]
    assert [r["stopped"] for r in results if r] == ["time", "time", "time", "done"]
    run = _run(world, run_id)
    assert (run.state, run.done, run.job_id) == ("done", 5, jobs[-1].id)


def test_one_run_at_a_time_and_only_from_global_reach(
    world: World, runtime: JobRuntime, people: People
) -> None:
    with world.db.session() as session:
        for actor in (people.carrier, people.police):
            with pytest.raises(AccessDenied):
                service.start_rescore(session, actor)
        first = service.start_rescore(session, people.centre)
        with pytest.raises(RunActive) as active:
            service.start_rescore(session, people.centre)
        assert active.value.code == "classify.run_active"
        assert str(first.id) in active.value.message
        with pytest.raises(RunNotFound):
            service.get_run(session, people.centre, 4242)


def test_a_cancelled_run_stops_at_its_next_batch(
    world: World, runtime: JobRuntime, classifier: Classifier, captures: list[int], people: People
) -> None:
    run_id = _start(world, people)

    def cancel() -> None:
        with world.db.session() as session:
            service.cancel_rescore(session, people.centre, run_id)

    CLASSIFIERS.put(world.settings, Tripwire(classifier, 3, cancel))  # during the second batch
    drain(runtime)
    run = _run(world, run_id)
    assert (run.state, run.done, run.cursor) == ("cancelled", 2, sorted(captures)[1])
    assert _run_verdicts(world, run_id) == sorted(captures)[:2]  # the second batch was dropped
    (finished,) = _finished(world)
    assert finished["state"] == "cancelled"
    with world.db.session() as session, pytest.raises(RunStateError):
        service.cancel_rescore(session, people.centre, run_id)


def test_a_run_cancelled_before_it_starts_rescores_nothing(
    world: World, runtime: JobRuntime, captures: list[int], people: People
) -> None:
    run_id = _start(world, people)
    with world.db.session() as session:
        service.cancel_rescore(session, people.centre, run_id)
    drain(runtime)
    assert _run(world, run_id).done == 0
    assert _run_verdicts(world, run_id) == []
    with world.db.session() as session:
        job = session.get(Job, _run(world, run_id).job_id)
        assert job is not None
        assert job.state == JobState.SUCCEEDED
        assert job.result is not None
        assert job.result["stopped"] == "cancelled"


def test_a_job_that_dies_mid_batch_resumes_from_the_cursor(
    world: World, runtime: JobRuntime, classifier: Classifier, captures: list[int], people: People
) -> None:
    def crash() -> None:
        raise RuntimeError("worker killed")

    CLASSIFIERS.put(world.settings, Tripwire(classifier, 4, crash))  # in the second batch
    run_id = _start(world, people)
    drain(runtime)
    run = _run(world, run_id)
    assert (run.state, run.done, run.cursor) == ("running", 2, sorted(captures)[1])
    with world.db.session() as session:
        job = session.get(Job, run.job_id)
        assert job is not None
        assert job.state == JobState.QUEUED  # waiting for its retry
        assert "worker killed" in (job.last_error or "")
    CLASSIFIERS.put(world.settings, classifier)
    drain(runtime, now=utcnow() + dt.timedelta(hours=1))
    run = _run(world, run_id)
    assert (run.state, run.done, run.cursor) == ("done", 5, max(captures))
    # Every capture was re-scored exactly once: the committed batch was not done again.
    assert _run_verdicts(world, run_id) == sorted(captures)

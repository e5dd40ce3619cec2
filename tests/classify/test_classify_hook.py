"""Every recorded probe batch enqueues one ``classify.captures`` job (when the setting is on).

The three ways a capture is recorded are covered: :func:`record_probe` (probe now), the
campaign runner's batches, and the ``probe.url`` job. The last test runs the enqueued job with
the classifier the settings describe (the bundled lexicon and text model).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from verdictkit import World

from jingwang.classify.jobs import CLASSIFIERS
from jingwang.classify.models import VerdictRow
from jingwang.jobs import Job, JobState, build_runtime, enqueue
from jingwang.probe.models import Capture
from jingwang.probe.runner import run_campaign
from jingwang.settings import Settings
from probe.campaignkit import list_campaign

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture
def on(world: World) -> Settings:
    return world.settings.model_copy(update={"classify_after_probe": True})


def _classify_jobs(world: World) -> list[Job]:
    with world.db.session() as session:
        query = select(Job).where(Job.kind == "classify.captures").order_by(Job.id)
        jobs = list(session.scalars(query))
        session.expunge_all()
        return jobs


def test_recording_a_probe_enqueues_one_job_for_it(world: World, on: Settings) -> None:
    off_id = world.capture("porn.hot.test", "/porn")
    assert _classify_jobs(world) == []  # classify_after_probe is off in world.settings
    capture_id = world.capture("porn.hot.test", "/porn", settings=on)
    refused_id = world.capture("10.0.0.1", "/", settings=on)
    jobs = _classify_jobs(world)
    assert [job.payload["capture_ids"] for job in jobs] == [[capture_id], [refused_id]]
    assert all(job.state == JobState.QUEUED for job in jobs)
    assert off_id not in {i for job in jobs for i in job.payload["capture_ids"]}


def test_each_batch_of_a_campaign_enqueues_one_job(world: World, on: Settings) -> None:
    urls = [world.url(f"h{n}.hot.test", "/clean") for n in range(5)]
    for settings, expect_jobs in ((world.settings, False), (on, True)):
        with world.db.session() as session:
            campaign_id = list_campaign(session, urls, name=f"hook {expect_jobs}").id
        report = run_campaign(settings, world.db, world.blobs, campaign_id, max_seconds=30)
        assert (report.stopped, report.recorded) == ("done", 5)
        with world.db.session() as session:
            ids = set(session.scalars(select(Capture.id).where(Capture.campaign_id == campaign_id)))
        jobs = [job for job in _classify_jobs(world) if set(job.payload["capture_ids"]) & ids]
        if not expect_jobs:
            assert jobs == []
            continue
        batches = [job.payload["capture_ids"] for job in jobs]
        flat = [i for batch in batches for i in batch]
        assert sorted(flat) == sorted(ids)  # every new capture once, none twice
        assert 1 <= len(jobs) <= 5  # one per recorded batch


def test_the_probe_url_job_enqueues_the_judging_too(world: World, on: Settings) -> None:
    runtime = build_runtime(on, world.db, blobs=world.blobs)
    url = world.url("m.weather.test", "/clean")
    with world.db.session() as session:
        probe_job = enqueue(session, "probe.url", {"url": url, "actor_name": "tests"}).id
    runtime.dispatch()
    with world.db.session() as session:
        job = session.get(Job, probe_job)
        assert job is not None
        assert job.state == JobState.SUCCEEDED, job.last_error
        assert job.result is not None
        capture_id = job.result["capture_id"]
    assert [j.payload["capture_ids"] for j in _classify_jobs(world)] == [[capture_id]]


def test_the_enqueued_job_judges_with_the_settings_classifier(world: World, on: Settings) -> None:
    CLASSIFIERS.clear()
    porn = world.capture("porn.hot.test", "/porn", settings=on)
    clean = world.capture("m.weather.test", "/clean", settings=on)
    runtime = build_runtime(on, world.db, blobs=world.blobs)
    runtime.dispatch()
    assert all(job.state == JobState.SUCCEEDED for job in _classify_jobs(world))
    with world.db.session() as session:
        rows = {
            row.capture_id: row
            for row in session.scalars(select(VerdictRow).where(VerdictRow.subject == "capture"))
        }
        assert rows[porn].label == "porn"
        assert rows[clean].label == "clean"
        assert rows[porn].versions["image_model"].startswith("open_nsfw")
        assert rows[porn].versions["text_model"] != "none"
        assert all(image["nsfw"] is not None for image in rows[porn].images)
    CLASSIFIERS.clear()

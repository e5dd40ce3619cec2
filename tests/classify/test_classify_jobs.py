"""The ``classify.captures`` job run by the job runtime on real captures of a loopback web."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from verdictkit import PHOTO, World, lexicon_classifier

from jingwang.classify.classifier import Classifier
from jingwang.classify.images.decode import decode_image
from jingwang.classify.images.pdq import pdq_hash
from jingwang.classify.jobs import ClassifierCache
from jingwang.classify.models import KnownHash, VerdictRow
from jingwang.jobs import Job, JobRuntime, JobState, enqueue

pytestmark = [pytest.mark.db, pytest.mark.slow]


def _run(runtime: JobRuntime, payload: dict[str, object]) -> Job:
    with runtime.db.session() as session:
        job_id = enqueue(session, "classify.captures", payload).id
    runtime.dispatch()
    with runtime.db.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert job.state == JobState.SUCCEEDED, job.last_error
        session.expunge(job)
        return job


def _verdicts(world: World, subject: str = "capture") -> list[VerdictRow]:
    with world.db.session() as session:
        rows = list(
            session.scalars(
                select(VerdictRow).where(VerdictRow.subject == subject).order_by(VerdictRow.id)
            )
        )
        session.expunge_all()
        return rows


def test_the_job_judges_captures_once_and_refreshes_their_sites(
    world: World, runtime: JobRuntime, classifier: Classifier
) -> None:
    porn = world.capture("porn.hot.test", "/porn")
    clean = world.capture("www.hot.test", "/clean")
    job = _run(runtime, {"capture_ids": [porn, clean, 99999]})
    assert job.result is not None
    assert {k: job.result[k] for k in ("judged", "skipped", "missing", "sites")} == {
        "judged": 2,
        "skipped": 0,
        "missing": 1,
        "sites": 1,
    }
    assert job.result["labels"] == {"porn": 1, "clean": 1}
    rows = _verdicts(world)
    assert [(r.capture_id, r.label, r.current) for r in rows] == [
        (porn, "porn", True),
        (clean, "clean", True),
    ]
    assert rows[0].versions_key == classifier.versions_key
    assert rows[0].versions["image_model"] == "off"  # images hashed, not scored
    assert all(image["pdq"] and image["nsfw"] is None for image in rows[0].images)
    (site,) = _verdicts(world, "site")
    assert (site.domain, site.label, sorted(site.captures or [])) == (
        "hot.test",
        "porn",
        sorted([porn, clean]),
    )
    again = _run(runtime, {"capture_ids": [porn, clean]})
    assert again.result is not None
    assert (again.result["judged"], again.result["skipped"], again.result["sites"]) == (0, 2, 0)
    assert len(_verdicts(world)) == 2
    forced = _run(runtime, {"capture_ids": [porn], "force": True, "run_id": 7})
    assert forced.result is not None
    assert forced.result["judged"] == 1
    newest = _verdicts(world)[-1]
    assert (newest.capture_id, newest.run_id, newest.previous_label) == (porn, 7, "porn")


def test_each_job_matches_images_against_the_known_hashes_of_the_moment(
    world: World, runtime: JobRuntime
) -> None:
    clean = world.capture("m.weather.test", "/clean")
    first = _run(runtime, {"capture_ids": [clean]})
    assert first.result is not None
    assert first.result["labels"] == {"clean": 1}
    photo, _ = pdq_hash(decode_image(PHOTO, "image/jpeg", max_pixels=10**7).image)
    with world.db.session() as session:
        session.add(KnownHash(pdq=photo, label="porn", source="test", added_by="tests"))
    job = _run(runtime, {"capture_ids": [clean], "force": True})
    assert job.result is not None
    assert job.result["labels"] == {"porn": 1}
    assert any(r["code"] == "image.known" for r in _verdicts(world)[-1].reasons)


def test_the_cache_builds_one_classifier_per_settings(world: World) -> None:
    cache = ClassifierCache()
    made = lexicon_classifier()
    cache.put(world.settings, made)
    assert cache.get(world.settings) is made
    assert cache.get(world.settings.model_copy(update={"probe_concurrency": 3})) is made
    other = world.settings.model_copy(update={"classify_max_images": 3})
    assert ClassifierCache.key(other) != ClassifierCache.key(world.settings)
    with world.db.session() as session:
        assert session.scalar(select(func.count(VerdictRow.id))) == 0

"""Job kinds of detection: judge new captures, and re-score every capture as a campaign.

* ``classify.captures`` judges the captures it names (the prober enqueues one per recorded
  batch when ``classify_after_probe`` is on:
  :func:`jingwang.probe.recording.enqueue_classification`).
  A capture whose current verdict was made by the classifier of this process (same
  ``versions_key``) is skipped unless ``force``, so a job run twice writes nothing twice. Each
  capture is read, judged (models, no database) and recorded in a short transaction of its
  own; the site verdicts of the captures' domains are refreshed once at the end.
* ``classify.rescore`` runs one time slice (``max_seconds``) of a :class:`RescoreRun`: it
  re-scores the captures recorded before the run started, in id order after the run's
  ``cursor``, ``classify_batch_size`` at a time. Each batch is one transaction with the new
  verdicts, the refreshed site verdicts, the cursor and the counts (``changed``: verdicts
  whose label changed), so a killed job resumes after the last batch it committed. Between
  batches it beats its lease and looks at the run's state (a cancelled run stops there). When
  the slice is over it enqueues the next one (key ``classify.rescore:<run>:s<slice+1>``);
  when no capture is left it marks the run ``done`` and emits ``classify.rescore_finished``.

The models are loaded once per worker process: :data:`CLASSIFIERS` keeps one
:class:`~jingwang.classify.classifier.Classifier` per relevant settings; each job gives it the
known-image index as the database has it now.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from jingwang.jobs.kinds import JobContext, JobKind

if TYPE_CHECKING:
    from jingwang.classify.classifier import Classifier
    from jingwang.classify.models import RescoreRun
    from jingwang.classify.verdicts import Judgement
    from jingwang.settings import Settings

log = logging.getLogger(__name__)

SETTINGS_USED = (
    "classify_porn_threshold",
    "classify_suspect_threshold",
    "classify_lexicon_paths",
    "classify_bundled_lexicon",
    "classify_text_model",
    "classify_images",
    "classify_image_batch_size",
    "classify_image_threads",
    "classify_max_images",
    "classify_pdq_max_distance",
    "classify_pdq_min_quality",
    "classify_thumbnail_max_side",
    "classify_grid_min_images",
    "probe_max_image_pixels",
)


class ClassifierCache:
    """One classifier per process and per relevant settings (the models load once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: dict[str, Classifier] = {}

    @staticmethod
    def key(settings: Settings) -> str:
        return repr([(name, getattr(settings, name)) for name in SETTINGS_USED])

    def get(self, settings: Settings) -> Classifier:
        from jingwang.classify.classifier import Classifier

        key = self.key(settings)
        with self._lock:
            made = self._made.get(key)
            if made is None:
                made = self._made[key] = Classifier.from_settings(settings)
            return made

    def put(self, settings: Settings, classifier: Classifier) -> None:
        """Use ``classifier`` for these settings (a worker warmed up elsewhere, a test)."""
        with self._lock:
            self._made[self.key(settings)] = classifier

    def clear(self) -> None:
        with self._lock:
            self._made.clear()


CLASSIFIERS = ClassifierCache()


def classifier_for(ctx: JobContext) -> Classifier:
    """The process's classifier for the job's settings, with today's known images."""
    from jingwang.classify.service import known_index

    with ctx.db.session() as session:
        known = known_index(session)
    return CLASSIFIERS.get(ctx.settings).with_known(known)


# classify.captures ----------------------------------------------------------------------------


class CapturesPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capture_ids: list[int] = Field(min_length=1, max_length=1000, description="Captures to judge.")
    run_id: int | None = Field(None, description="The re-scoring run this belongs to, if any.")
    force: bool = Field(False, description="Judge again even when the verdict is up to date.")


class CapturesResult(BaseModel):
    judged: int
    skipped: int  # up to date already
    missing: int  # no such capture
    labels: dict[str, int]
    sites: int  # site verdicts written anew


class ClassifyCaptures(JobKind[CapturesPayload]):
    """Judge captures (after a probe batch, or on demand) and refresh their sites' verdicts."""

    name = "classify.captures"
    payload_model = CapturesPayload
    description: ClassVar[str] = "Judge captures: text, images and identifiers, with reasons."
    example_payload: ClassVar[dict[str, Any]] = {"capture_ids": [1]}

    def run(self, ctx: JobContext, payload: CapturesPayload) -> CapturesResult:
        from jingwang.classify.verdicts import Recorder, current_row, judge_input, load_input
        from jingwang.probe.errors import CaptureNotFound
        from jingwang.probe.models import Capture

        # Built before any session opens: it reads the known images in a session of its own,
        # and on SQLite a second session in this thread would wait on our own write lock.
        classifier = classifier_for(ctx)
        result = CapturesResult(judged=0, skipped=0, missing=0, labels={}, sites=0)
        domains: dict[str, None] = {}
        for capture_id in dict.fromkeys(payload.capture_ids):
            ctx.heartbeat()
            with ctx.db.session() as session:
                capture = session.get(Capture, capture_id)
                if capture is None:
                    result.missing += 1
                    continue
                if capture.domain:
                    domains[capture.domain] = None
                current = current_row(session, capture_id)
                if (
                    current is not None
                    and not payload.force
                    and current.versions_key == classifier.versions_key
                ):
                    result.skipped += 1
                    continue
                try:
                    data = load_input(session, ctx.blobs, classifier, capture_id)
                except CaptureNotFound:
                    result.missing += 1
                    continue
            judgement = judge_input(classifier, data)
            with ctx.db.session() as session:
                recorder = Recorder(session, classifier, run_id=payload.run_id)
                row, new = recorder.record(judgement, force=payload.force)
                recorder.flush_events()
            if new:
                result.judged += 1
                result.labels[row.label] = result.labels.get(row.label, 0) + 1
            else:
                result.skipped += 1
        if not domains:
            return result
        with ctx.db.session() as session:
            recorder = Recorder(session, classifier, run_id=payload.run_id)
            before = len(recorder.events)
            for domain in domains:
                recorder.refresh_site(domain)
            result.sites = len(recorder.events) - before
            recorder.flush_events()
        return result


# classify.rescore -----------------------------------------------------------------------------


class RescorePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_id: int = Field(description="The re-scoring run.")
    slice: int = Field(0, ge=0, description="Which time slice of the run this is.")
    max_seconds: float = Field(300.0, gt=0, description="Length of the slice, in seconds.")


class RescoreResult(BaseModel):
    run_id: int
    stopped: str  # done | cancelled | time | missing | <the run's state>
    done: int  # captures re-scored in this slice
    changed: int
    cursor: int
    next_job_id: int | None = None


class RescoreCaptures(JobKind[RescorePayload]):
    """Re-score every capture with the current classifier, one time slice at a time."""

    name = "classify.rescore"
    payload_model = RescorePayload
    description: ClassVar[str] = "Re-score every capture with the current classifier."
    example_payload: ClassVar[dict[str, Any]] = {"run_id": 1}

    def run(self, ctx: JobContext, payload: RescorePayload) -> RescoreResult:
        result = RescoreResult(run_id=payload.run_id, stopped="", done=0, changed=0, cursor=0)
        if not _active(ctx, payload.run_id, result):
            return result
        classifier = classifier_for(ctx)
        begun = _begin(ctx, payload.run_id, classifier, result)
        if begun is None:
            return result
        cutoff_id, cursor = begun
        deadline = time.monotonic() + payload.max_seconds
        while True:
            ctx.heartbeat()
            state, ids = _next_batch(ctx, payload.run_id, cursor, cutoff_id)
            if state != "running":
                result.stopped = state
                return result
            if not ids:
                _finish(ctx, payload.run_id)
                result.stopped = "done"
                return result
            judgements = _judge(ctx, classifier, ids)
            committed = _commit(ctx, payload.run_id, classifier, ids, judgements, result)
            if not committed:
                result.stopped = "cancelled"
                return result
            cursor = result.cursor = ids[-1]
            if time.monotonic() >= deadline:
                result.stopped = "time"
                result.next_job_id = _next_slice(ctx, payload)
                return result


def _active(ctx: JobContext, run_id: int, result: RescoreResult) -> bool:
    """Whether the run is there and not over (before any model is loaded)."""
    from jingwang.classify.models import RescoreRun

    with ctx.db.session() as session:
        run = session.get(RescoreRun, run_id)
        if run is None:
            result.stopped = "missing"
            return False
        if run.state not in ("queued", "running"):
            result.stopped, result.cursor = run.state, run.cursor
            return False
        return True


def _begin(
    ctx: JobContext, run_id: int, classifier: Classifier, result: RescoreResult
) -> tuple[int, int] | None:
    """Mark the run running (first slice) and return (last capture id, cursor); None: stop."""
    from sqlalchemy import func, select

    from jingwang.classify.models import RescoreRun
    from jingwang.probe.models import Capture
    from jingwang.store.base import utcnow

    with ctx.db.session() as session:
        run = session.get(RescoreRun, run_id, populate_existing=True)
        if run is None:
            result.stopped = "missing"
            return None
        if run.state not in ("queued", "running"):
            result.stopped, result.cursor = run.state, run.cursor
            return None
        if run.state == "queued":
            run.state, run.started_at = "running", utcnow()
        run.versions = dict(classifier.versions)
        run.job_id = ctx.job_id
        last = session.scalar(
            select(func.max(Capture.id)).where(Capture.recorded_at <= run.created_at)
        )
        result.cursor = run.cursor
        return int(last or 0), run.cursor


def _next_batch(ctx: JobContext, run_id: int, cursor: int, last: int) -> tuple[str, list[int]]:
    from sqlalchemy import select

    from jingwang.classify.models import RescoreRun
    from jingwang.probe.models import Capture

    with ctx.db.session() as session:
        run = session.get(RescoreRun, run_id, populate_existing=True)
        if run is None:
            return "missing", []
        if run.state != "running":
            return run.state, []
        ids = session.scalars(
            select(Capture.id)
            .where(Capture.id > cursor, Capture.id <= last)
            .order_by(Capture.id)
            .limit(ctx.settings.classify_batch_size)
        )
        return "running", list(ids)


def _judge(ctx: JobContext, classifier: Classifier, ids: list[int]) -> list[Judgement]:
    from jingwang.classify.verdicts import judge_input, load_input

    with ctx.db.session() as session:
        inputs = [load_input(session, ctx.blobs, classifier, capture_id) for capture_id in ids]
    return [judge_input(classifier, data) for data in inputs]


def _commit(
    ctx: JobContext,
    run_id: int,
    classifier: Classifier,
    ids: list[int],
    judgements: list[Judgement],
    result: RescoreResult,
) -> bool:
    """Record a batch with the run's cursor and counts, in one transaction."""
    from sqlalchemy import select

    from jingwang.classify.models import RescoreRun
    from jingwang.classify.verdicts import Recorder

    with ctx.db.session() as session:
        run = session.scalars(
            select(RescoreRun)
            .where(RescoreRun.id == run_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        if run.state != "running":
            return False
        recorder = Recorder(session, classifier, run_id=run_id)
        counts = dict(run.counts or {})
        changed = 0
        for judgement in judgements:
            row, _ = recorder.record(judgement, force=True)
            counts[row.label] = counts.get(row.label, 0) + 1
            if row.previous_label is not None and row.previous_label != row.label:
                changed += 1
        for domain in dict.fromkeys(j.input.domain for j in judgements if j.input.domain):
            recorder.refresh_site(domain)
        run.cursor = ids[-1]
        run.done += len(ids)
        run.changed += changed
        run.counts = counts
        recorder.flush_events()
    result.done += len(ids)
    result.changed += changed
    return True


def _finish(ctx: JobContext, run_id: int) -> None:
    from jingwang.classify.models import RescoreRun
    from jingwang.classify.service import finished_event
    from jingwang.store.base import utcnow
    from jingwang.store.outbox import emit

    with ctx.db.session() as session:
        run: RescoreRun | None = session.get(RescoreRun, run_id, populate_existing=True)
        if run is None or run.state != "running":
            return
        run.state, run.finished_at = "done", utcnow()
        session.flush()
        emit(session, finished_event(run))


def _next_slice(ctx: JobContext, payload: RescorePayload) -> int | None:
    from jingwang.classify.models import RescoreRun
    from jingwang.classify.service import rescore_key
    from jingwang.jobs.service import enqueue

    with ctx.db.session() as session:
        run = session.get(RescoreRun, payload.run_id, populate_existing=True)
        if run is None or run.state != "running":
            return None
        following = payload.model_copy(update={"slice": payload.slice + 1})
        job = enqueue(
            session,
            RescoreCaptures,
            following,
            idempotency_key=rescore_key(run.id, payload.slice + 1),
        )
        run.job_id = job.id
        return job.id


__all__ = [
    "CLASSIFIERS",
    "CapturesPayload",
    "ClassifierCache",
    "ClassifyCaptures",
    "RescoreCaptures",
    "RescorePayload",
    "classifier_for",
]

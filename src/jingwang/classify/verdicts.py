"""Judging captures and keeping the verdicts: read, judge, record, in three steps.

A verdict on a capture is made like a probe is recorded (:mod:`jingwang.probe.recording`), so
the part that holds the database's write lock is short and runs no model:

1. :func:`load_input` (a read): the capture's page text, identifiers and outcome, its images'
   bytes from the WARC, and the scores of those images already in ``classify_images`` (an
   image is scored once per image-model version, by the SHA-256 of its bytes: the same banner
   on a thousand mirror pages costs one inference);
2. :func:`judge_input` (no database): the images not scored yet go through the model and the
   PDQ hasher, the stored ones are matched again against today's known images, and the
   classifier decides;
3. :func:`record_judgement` (in the caller's transaction): the new image rows, the verdict row
   (``current``; the previous current verdict of the capture stops being current and its label
   is kept as ``previous_label``), the site verdict of the capture's registrable domain
   refreshed (:func:`refresh_site`), and a ``classify.verdict_reached`` event per new verdict,
   emitted last.

:func:`classify_capture` does the three in one session. A verdict that already has the
classifier's ``versions_key`` is returned as it is unless ``force``: judging again with the
same classifier changes nothing, so jobs that run twice write nothing twice.

A site verdict (subject ``site``) is derived from the current verdicts of the newest capture of
each URL of the domain (at most :data:`SITE_PAGES_MAX` of them): a new row is written only when
what it says (label, score, reasons, pages) changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwang.classify.classifier import Classifier
from jingwang.classify.events import VerdictReached
from jingwang.classify.models import ImageRow, VerdictRow
from jingwang.classify.pages import capture_identifiers, capture_images, page_text
from jingwang.classify.types import ImageScore, Label, Reason, Thresholds, Verdict
from jingwang.classify.verdict import decide_site
from jingwang.core.events import EventActor
from jingwang.errors import NotFound, StoreError
from jingwang.probe.errors import CaptureNotFound
from jingwang.probe.models import Capture
from jingwang.store import BlobStore
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit, transaction_lock

if TYPE_CHECKING:
    from jingwang.classify.images.score import ImageInput

log = logging.getLogger(__name__)

SITE_PAGES_MAX: Final = 1000  # newest page verdicts read for one site verdict
_LOOKUP_CHUNK: Final = 200


@dataclass(frozen=True)
class CaptureInput:
    """What :func:`load_input` read: everything the classifier needs, no session needed."""

    capture_id: int
    domain: str | None
    host: str | None
    org_id: int | None
    outcome: str
    text: str
    identifiers: list[dict[str, Any]]
    images: list[ImageInput]
    digests: list[str]  # SHA-256 of each image's bytes, in the same order
    stored: dict[str, ImageScore]  # digest -> score already in classify_images


@dataclass(frozen=True)
class Judgement:
    """A verdict on a capture, not recorded yet, with the image scores that are new."""

    input: CaptureInput
    verdict: Verdict
    new_images: list[ImageScore] = field(default_factory=list)


def load_input(
    session: Session, blobs: BlobStore, classifier: Classifier, capture_id: int
) -> CaptureInput:
    """Read a capture's page, its images from the WARC, and their stored scores."""
    capture = session.get(Capture, capture_id)
    if capture is None:
        raise CaptureNotFound(f"no capture has id {capture_id}", capture_id=capture_id)
    judged = capture.outcome not in ("refused", "error")
    images: list[ImageInput] = []
    if judged:
        try:
            images = capture_images(blobs, session, capture, limit=classifier.limits.max_images)
        except (StoreError, NotFound) as trouble:  # a missing or damaged WARC: text alone
            log.warning("capture %d: its images cannot be read: %s", capture.id, trouble)
    digests = [hashlib.sha256(item.data).hexdigest() for item in images]
    return CaptureInput(
        capture_id=capture.id,
        domain=capture.domain,
        host=capture.host,
        org_id=capture.org_id,
        outcome=capture.outcome,
        text=page_text(capture.summary) if judged else "",
        identifiers=capture_identifiers(capture.summary),
        images=images,
        digests=digests,
        stored=stored_scores(session, digests, classifier),
    )


def stored_scores(
    session: Session, digests: Sequence[str], classifier: Classifier
) -> dict[str, ImageScore]:
    """The scores already kept for these image digests under the classifier's image model."""
    version = classifier.versions["image_model"]
    found: dict[str, ImageScore] = {}
    wanted = sorted(set(digests))
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        rows = session.scalars(
            select(ImageRow).where(
                ImageRow.model_version == version,
                ImageRow.digest.in_(wanted[start : start + _LOOKUP_CHUNK]),
            )
        )
        for row in rows:
            found[row.digest] = ImageScore(
                url="",
                digest=row.digest,
                media_type=row.media_type,
                width=row.width,
                height=row.height,
                nsfw=row.nsfw,
                pdq=row.pdq,
                pdq_quality=row.pdq_quality,
                error=row.error,
                variants=tuple(row.pdq_variants.split(",")) if row.pdq_variants else (),
            )
    return found


def judge_input(classifier: Classifier, data: CaptureInput) -> Judgement:
    """Score the images not scored yet, match the stored ones again, and decide."""
    fresh = [
        item
        for item, digest in zip(data.images, data.digests, strict=True)
        if digest not in data.stored
    ]
    scored = {score.digest: score for score in classifier.images(fresh)} if fresh else {}
    images: list[ImageScore] = []
    for item, digest in zip(data.images, data.digests, strict=True):
        stored = data.stored.get(digest)
        if stored is not None:
            score = classifier.rematch(dataclasses.replace(stored, url=item.url))
        else:
            score = dataclasses.replace(scored[digest], url=item.url)
        images.append(score)
    verdict = classifier.judge(
        text=data.text, images=images, identifiers=data.identifiers, outcome=data.outcome
    )
    return Judgement(data, verdict, list(scored.values()))


@dataclass
class Recorder:
    """Records judgements in one transaction; :meth:`flush_events` emits their events last."""

    session: Session
    classifier: Classifier
    run_id: int | None = None
    actor: EventActor | None = None
    events: list[VerdictReached] = field(default_factory=list)

    def record(self, judgement: Judgement, *, force: bool = False) -> tuple[VerdictRow, bool]:
        """The capture's verdict row and whether it is new (False: up to date already)."""
        data = judgement.input
        transaction_lock(self.session, f"classify.capture:{data.capture_id}")
        previous = current_row(self.session, data.capture_id, lock=True)
        key = self.classifier.versions_key
        if previous is not None and not force and previous.versions_key == key:
            return previous, False
        self._keep_images(judgement.new_images, data.capture_id)
        row = _row(judgement.verdict, self.classifier, subject="capture", run_id=self.run_id)
        row.capture_id, row.domain, row.host = data.capture_id, data.domain, data.host
        row.org_id = data.org_id
        if previous is not None:
            previous.current = False
            row.previous_label = previous.label
        self.session.add(row)
        self.session.flush()
        self.events.append(self._event(row))
        return row, True

    def refresh_site(self, domain: str | None) -> VerdictRow | None:
        """Write the domain's site verdict anew when what it says changed."""
        if not domain:
            return None
        transaction_lock(self.session, f"classify.site:{domain}")
        pages = site_pages(self.session, domain)
        verdict = decide_site(
            [page for _, page in pages],
            thresholds=self.classifier.thresholds,
            versions=self.classifier.versions,
            page_ids=[capture_id for capture_id, _ in pages],
        )
        previous = self.session.scalars(
            select(VerdictRow)
            .where(
                VerdictRow.subject == "site",
                VerdictRow.domain == domain,
                VerdictRow.current.is_(True),
            )
            .with_for_update()
        ).first()
        row = _row(verdict, self.classifier, subject="site", run_id=self.run_id)
        row.domain = domain
        row.captures = [capture_id for capture_id, _ in pages]
        if previous is not None and _same(previous, row):
            return previous
        if previous is not None:
            previous.current = False
            row.previous_label = previous.label
        self.session.add(row)
        self.session.flush()
        self.events.append(self._event(row))
        return row

    def flush_events(self) -> None:
        """Emit the events of what was recorded (last: emitting holds the outbox lock)."""
        for event in self.events:
            emit(self.session, event)
        self.events.clear()

    def _keep_images(self, scores: Sequence[ImageScore], capture_id: int) -> None:
        version = self.classifier.versions["image_model"]
        for score in scores:
            exists = self.session.scalar(
                select(ImageRow.id).where(
                    ImageRow.digest == score.digest, ImageRow.model_version == version
                )
            )
            if exists is not None:
                continue
            try:
                with self.session.begin_nested():
                    self.session.add(_image_row(score, version, capture_id))
            except IntegrityError:  # another worker kept the same image meanwhile
                continue

    def _event(self, row: VerdictRow) -> VerdictReached:
        return VerdictReached(
            object_id=str(row.id),
            actor=self.actor or EventActor(type="system", id="classify"),
            subject=row.subject,
            capture_id=row.capture_id,
            domain=row.domain,
            label=row.label,
            score=row.score,
            previous_label=row.previous_label,
            versions_key=row.versions_key,
            run_id=row.run_id,
        )


def record_judgement(
    session: Session,
    classifier: Classifier,
    judgement: Judgement,
    *,
    run_id: int | None = None,
    force: bool = False,
    actor: EventActor | None = None,
) -> VerdictRow:
    """Record one judgement with its site verdict and events, in the caller's transaction."""
    recorder = Recorder(session, classifier, run_id=run_id, actor=actor)
    row, new = recorder.record(judgement, force=force)
    if new:
        recorder.refresh_site(judgement.input.domain)
    recorder.flush_events()
    return row


def classify_capture(
    session: Session,
    blobs: BlobStore,
    classifier: Classifier,
    capture_id: int,
    *,
    run_id: int | None = None,
    force: bool = False,
    actor: EventActor | None = None,
) -> VerdictRow:
    """Judge a capture now and keep the verdict (all in the caller's transaction).

    Returns the current verdict unchanged when it was made by this classifier (same
    ``versions_key``) and ``force`` is not set.
    """
    previous = current_row(session, capture_id)
    if previous is not None and not force and previous.versions_key == classifier.versions_key:
        return previous
    judgement = judge_input(classifier, load_input(session, blobs, classifier, capture_id))
    return record_judgement(session, classifier, judgement, run_id=run_id, force=force, actor=actor)


def current_row(session: Session, capture_id: int, *, lock: bool = False) -> VerdictRow | None:
    """The current verdict of a capture (row-locked until commit with ``lock``)."""
    query = select(VerdictRow).where(
        VerdictRow.subject == "capture",
        VerdictRow.capture_id == capture_id,
        VerdictRow.current.is_(True),
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query.order_by(VerdictRow.id.desc())).first()


def site_pages(session: Session, domain: str) -> list[tuple[int, Verdict]]:
    """(capture id, verdict) of the newest capture of each URL of ``domain`` that has one."""
    rows = session.execute(
        select(VerdictRow, Capture.url)
        .join(Capture, Capture.id == VerdictRow.capture_id)
        .where(
            VerdictRow.subject == "capture",
            VerdictRow.domain == domain,
            VerdictRow.current.is_(True),
        )
        .order_by(VerdictRow.capture_id.desc())
        .limit(SITE_PAGES_MAX)
    )
    pages: dict[str, tuple[int, Verdict]] = {}
    for row, url in rows:
        if url not in pages and row.capture_id is not None:
            pages[url] = (row.capture_id, verdict_of(row))
    return list(pages.values())


def verdict_of(row: VerdictRow) -> Verdict:
    """A stored verdict as a :class:`Verdict` (label, score, thresholds, reasons, versions)."""
    thresholds = row.thresholds or {}
    return Verdict(
        label=Label(row.label),
        score=row.score,
        thresholds=Thresholds(
            porn=float(thresholds.get("porn", 1.0)), suspect=float(thresholds.get("suspect", 1.0))
        ),
        reasons=tuple(Reason.from_json(item) for item in row.reasons or []),
        versions=dict(row.versions or {}),
        images=tuple(ImageScore.from_json(item) for item in row.images or []),
    )


def _row(
    verdict: Verdict, classifier: Classifier, *, subject: str, run_id: int | None
) -> VerdictRow:
    data = verdict.to_json()
    return VerdictRow(
        subject=subject,
        label=str(verdict.label),
        score=verdict.score,
        thresholds=data["thresholds"],
        reasons=data["reasons"],
        text=data["text"],
        images=data["images"],
        versions=dict(verdict.versions),
        versions_key=classifier.versions_key,
        current=True,
        run_id=run_id,
        created_at=utcnow(),
    )


def _same(old: VerdictRow, new: VerdictRow) -> bool:
    return (old.label, old.score, old.reasons, old.captures, old.versions_key) == (
        new.label,
        new.score,
        new.reasons,
        new.captures,
        new.versions_key,
    )


def _image_row(score: ImageScore, version: str, capture_id: int) -> ImageRow:
    return ImageRow(
        digest=score.digest,
        model_version=version,
        media_type=score.media_type,
        width=score.width,
        height=score.height,
        nsfw=score.nsfw,
        pdq=score.pdq,
        pdq_quality=score.pdq_quality,
        pdq_variants=",".join(score.variants) or None,
        error=score.error,
        first_capture_id=capture_id,
        created_at=utcnow(),
    )


__all__ = [
    "SITE_PAGES_MAX",
    "CaptureInput",
    "Judgement",
    "Recorder",
    "classify_capture",
    "current_row",
    "judge_input",
    "load_input",
    "record_judgement",
    "site_pages",
    "stored_scores",
    "verdict_of",
]

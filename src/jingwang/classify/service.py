"""Detection's services: verdicts to read, captures to judge, re-scoring runs, known images.

Every function takes the caller's session and, where a person acts, their
:class:`~jingwang.accounts.policy.Actor`; nothing commits here.

Permissions:

- reading verdicts needs ``classify:read`` **and** the reach of the capture judged (the same
  organisations :func:`jingwang.probe.service.get_capture` lets the reader see); a verdict out
  of reach is answered as not found. A site verdict (a registrable domain) is visible to whoever
  sees at least one capture of that domain (everyone at the reporting centre);
- judging a capture now (:func:`judge_capture`) and re-scoring runs need ``classify:run``;
  starting or cancelling a run re-scores every capture of the installation, so it also needs
  global reach (the reporting centre);
- known image hashes need ``classify:manage``.

The judging itself (reading the WARC, the image cache, the verdict rows, the site verdict, the
events) is in :mod:`jingwang.classify.verdicts`; this module re-exports
:func:`~jingwang.classify.verdicts.classify_capture`, and :func:`page_text` /
:func:`capture_images` from :mod:`jingwang.classify.pages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, authorize, deny, has_global_reach
from jingwang.classify import errors
from jingwang.classify.classifier import Classifier, versions_key
from jingwang.classify.events import KnownHashDeleted, KnownHashesImported, RescoreFinished
from jingwang.classify.models import KnownHash, RescoreRun, VerdictRow
from jingwang.classify.pages import capture_images, page_text
from jingwang.classify.types import Label
from jingwang.classify.verdicts import classify_capture, current_row
from jingwang.core.events import EventActor
from jingwang.errors import InvalidInput
from jingwang.probe.errors import CaptureNotFound
from jingwang.probe.models import Capture
from jingwang.probe.service import capture_reach, domain_of
from jingwang.store import BlobStore
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit, transaction_lock

if TYPE_CHECKING:
    from jingwang.classify.images.pdq import KnownIndex

READ: Final = "classify:read"
RUN: Final = "classify:run"
MANAGE: Final = "classify:manage"
LIST_MAX: Final = 500
ACTIVE_STATES: Final = ("queued", "running")
RESCORE_KIND: Final = "classify.rescore"
RESCORE_LOCK: Final = "classify.rescore"


def rescore_key(run_id: int, slice_: int) -> str:
    """The idempotency key of a run's slice job: a slice is enqueued once."""
    return f"{RESCORE_KIND}:{run_id}:s{slice_}"


# Reach -----------------------------------------------------------------------------------------


def _capture_scope(session: Session, actor: Actor) -> ColumnElement[bool]:
    visible = capture_reach(session, actor)
    if visible is None:
        return true()
    return VerdictRow.org_id.in_(sorted(visible))


def _site_scope(session: Session, actor: Actor) -> ColumnElement[bool]:
    visible = capture_reach(session, actor)
    if visible is None:
        return true()
    domains = select(Capture.domain).where(Capture.org_id.in_(sorted(visible)))
    return VerdictRow.domain.in_(domains)


def _visible_capture(session: Session, actor: Actor, capture_id: int) -> Capture:
    authorize(actor, READ)
    capture = session.get(Capture, capture_id)
    visible = capture_reach(session, actor) if capture is not None else None
    if capture is None or (visible is not None and capture.org_id not in visible):
        raise CaptureNotFound(f"no capture has id {capture_id}", capture_id=capture_id)
    return capture


# Verdicts --------------------------------------------------------------------------------------


def current_verdict(session: Session, actor: Actor, capture_id: int) -> VerdictRow | None:
    """The capture's current verdict (None when it was never judged)."""
    _visible_capture(session, actor, capture_id)
    return current_row(session, capture_id)


def verdict_history(session: Session, actor: Actor, capture_id: int) -> list[VerdictRow]:
    """Every verdict the capture ever had, newest first."""
    _visible_capture(session, actor, capture_id)
    query = select(VerdictRow).where(
        VerdictRow.subject == "capture", VerdictRow.capture_id == capture_id
    )
    return list(session.scalars(query.order_by(VerdictRow.id.desc())))


def get_verdict(session: Session, actor: Actor, verdict_id: int) -> VerdictRow:
    """One verdict (current or not) within reach; else :class:`VerdictNotFound`."""
    authorize(actor, READ)
    scope = _capture_scope(session, actor)
    site = _site_scope(session, actor)
    query = select(VerdictRow).where(
        VerdictRow.id == verdict_id,
        ((VerdictRow.subject == "capture") & scope) | ((VerdictRow.subject == "site") & site),
    )
    row = session.scalars(query).first()
    if row is None:
        raise errors.VerdictNotFound(f"no verdict has id {verdict_id}", verdict_id=verdict_id)
    return row


def site_verdict(session: Session, actor: Actor, domain: str) -> VerdictRow | None:
    """The current verdict on the site ``domain`` (a host is taken to its registrable domain)."""
    authorize(actor, READ)
    wanted = domain_of(domain)
    query = select(VerdictRow).where(
        VerdictRow.subject == "site",
        VerdictRow.domain == wanted,
        VerdictRow.current.is_(True),
        _site_scope(session, actor),
    )
    return session.scalars(query.order_by(VerdictRow.id.desc())).first()


def list_verdicts(
    session: Session,
    actor: Actor,
    *,
    subject: str = "capture",
    label: str | None = None,
    domain: str | None = None,
    min_score: float | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[VerdictRow], int]:
    """Current verdicts within reach, highest score first, and how many match in all."""
    authorize(actor, READ)
    if subject not in ("capture", "site"):
        raise InvalidInput(f"{subject!r} is not a subject: use capture or site", field="subject")
    scope = _capture_scope(session, actor) if subject == "capture" else _site_scope(session, actor)
    query: Select[VerdictRow] = select(VerdictRow).where(
        VerdictRow.subject == subject, VerdictRow.current.is_(True), scope
    )
    if label is not None and label.strip():
        query = query.where(VerdictRow.label == _label(label))
    if domain is not None and domain.strip():
        query = query.where(VerdictRow.domain == domain_of(domain))
    if min_score is not None:
        query = query.where(VerdictRow.score >= min_score)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    size = max(1, min(limit, LIST_MAX))
    page = query.order_by(VerdictRow.score.desc(), VerdictRow.id.desc())
    return list(session.scalars(page.limit(size).offset(max(0, offset)))), total


def _label(text: str) -> str:
    wanted = text.strip().lower()
    if wanted not in {item.value for item in Label}:
        choices = ", ".join(item.value for item in Label)
        raise InvalidInput(f"{text!r} is not a label: use one of {choices}", field="label")
    return wanted


def judge_capture(
    session: Session,
    blobs: BlobStore,
    classifier: Classifier,
    actor: Actor,
    capture_id: int,
    *,
    force: bool = True,
) -> VerdictRow:
    """Judge a capture now for ``actor`` (``classify:run`` and the capture's reach)."""
    authorize(actor, RUN)
    _visible_capture(session, actor, capture_id)
    return classify_capture(
        session, blobs, classifier, capture_id, force=force, actor=actor.event_actor()
    )


# Re-scoring runs -------------------------------------------------------------------------------


def _authorize_runs(actor: Actor) -> None:
    authorize(actor, RUN)
    if not has_global_reach(actor, "write"):
        raise deny(actor, RUN, "rescore_needs_global_reach")


def start_rescore(session: Session, actor: Actor) -> RescoreRun:
    """Start re-scoring every capture recorded so far; its first job is enqueued now.

    One run at a time: :class:`RunActive` while another is queued or running.
    """
    from jingwang.jobs.service import enqueue

    _authorize_runs(actor)
    transaction_lock(session, RESCORE_LOCK)
    active = session.scalars(
        select(RescoreRun).where(RescoreRun.state.in_(ACTIVE_STATES)).order_by(RescoreRun.id)
    ).first()
    if active is not None:
        raise errors.RunActive(
            f"re-scoring run {active.id} is {active.state}; wait for it to finish or cancel it "
            f"(jingwang classify rescore cancel {active.id})",
            run_id=active.id,
        )
    now = utcnow()
    total = session.scalar(select(func.count(Capture.id)).where(Capture.recorded_at <= now)) or 0
    run = RescoreRun(
        state="queued",
        versions={},
        created_by=actor.name[:200],
        org_id=actor.org_id,
        created_at=now,
        total=total,
        done=0,
        changed=0,
        counts={},
        cursor=0,
    )
    session.add(run)
    session.flush()
    job = enqueue(
        session,
        RESCORE_KIND,
        {"run_id": run.id, "slice": 0},
        idempotency_key=rescore_key(run.id, 0),
    )
    run.job_id = job.id
    session.flush()
    return run


def cancel_rescore(session: Session, actor: Actor, run_id: int) -> RescoreRun:
    """Stop a run; its job stops before its next batch. A finished run cannot be cancelled."""
    _authorize_runs(actor)
    run = _run(session, run_id, lock=True)
    if run.state not in ACTIVE_STATES:
        raise errors.RunStateError(
            f"re-scoring run {run_id} is {run.state}; only a queued or running run can be "
            "cancelled",
            run_id=run_id,
            state=run.state,
        )
    run.state, run.finished_at = "cancelled", utcnow()
    session.flush()
    emit(session, finished_event(run, actor.event_actor()))
    return run


def finished_event(run: RescoreRun, actor: EventActor | None = None) -> RescoreFinished:
    """The ``classify.rescore_finished`` event of a run that ended (done or cancelled)."""
    return RescoreFinished(
        object_id=str(run.id),
        actor=actor or EventActor(type="system", id="classify"),
        state=run.state,
        total=run.total,
        changed=run.changed,
        versions_key=versions_key(run.versions) if run.versions else "",
    )


def get_run(session: Session, actor: Actor, run_id: int) -> RescoreRun:
    authorize(actor, READ)
    return _run(session, run_id)


def list_runs(session: Session, actor: Actor, *, limit: int = 50) -> list[RescoreRun]:
    """Re-scoring runs, newest first."""
    authorize(actor, READ)
    query = select(RescoreRun).order_by(RescoreRun.id.desc()).limit(max(1, min(limit, LIST_MAX)))
    return list(session.scalars(query))


def _run(session: Session, run_id: int, *, lock: bool = False) -> RescoreRun:
    query = select(RescoreRun).where(RescoreRun.id == run_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    run = session.scalars(query).first()
    if run is None:
        raise errors.RunNotFound(
            f"no re-scoring run has id {run_id}; `jingwang classify rescore status` lists them",
            run_id=run_id,
        )
    return run


# Known image hashes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    """What an import of known hashes did."""

    added: int  # new rows
    known: int  # (hash, source) pairs that were there already
    ids: list[int]  # ids of the rows added


def import_known_hashes(
    session: Session, actor: Actor, text: str, *, source: str, label: str = "porn"
) -> ImportReport:
    """Add the PDQ hashes of a list (``HASH``, ``HASH,label``, ``HASH<TAB>label`` lines).

    A bad line refuses the whole list (``classify.hash_invalid`` names it); a hash already
    known from the same source is counted, not added again.
    """
    from jingwang.classify.images.pdq import parse_hash_list

    authorize(actor, MANAGE)
    name = source.strip()[:200]
    if not name:
        raise InvalidInput("name the list's source (e.g. the file or the partner)", field="source")
    default = label.strip()[:40] or "porn"
    entries = parse_hash_list(text)
    existing = set(session.scalars(select(KnownHash.pdq).where(KnownHash.source == name)))
    added: list[KnownHash] = []
    known = 0
    for pdq, own_label in entries:
        if pdq in existing:
            known += 1
            continue
        existing.add(pdq)
        row = KnownHash(
            pdq=pdq,
            label=(own_label or default)[:40],
            source=name,
            added_by=actor.name[:200],
            created_at=utcnow(),
        )
        session.add(row)
        added.append(row)
    session.flush()
    emit(
        session,
        KnownHashesImported(
            object_id=name,
            actor=actor.event_actor(),
            source=name,
            label=default,
            added=len(added),
            known=known,
        ),
    )
    return ImportReport(added=len(added), known=known, ids=[row.id for row in added])


def list_known_hashes(
    session: Session, actor: Actor, limit: int = 100, offset: int = 0
) -> tuple[list[KnownHash], int]:
    """Known hashes, newest first, and how many there are."""
    authorize(actor, MANAGE)
    total = session.scalar(select(func.count(KnownHash.id))) or 0
    query = select(KnownHash).order_by(KnownHash.id.desc())
    rows = session.scalars(query.limit(max(1, min(limit, LIST_MAX))).offset(max(0, offset)))
    return list(rows), total


def delete_known_hash(session: Session, actor: Actor, hash_id: int) -> None:
    """Forget a known hash (verdicts already made keep their reasons)."""
    authorize(actor, MANAGE)
    row = session.get(KnownHash, hash_id)
    if row is None:
        raise errors.HashNotFound(f"no known hash has id {hash_id}", hash_id=hash_id)
    event = KnownHashDeleted(
        object_id=str(row.id),
        actor=actor.event_actor(),
        pdq=row.pdq,
        source=row.source,
        label=row.label,
    )
    session.delete(row)
    session.flush()
    emit(session, event)


def known_index(session: Session) -> KnownIndex:
    """Every known hash, as the index the classifier matches images against."""
    from jingwang.classify.images.pdq import KnownIndex

    rows = session.execute(
        select(KnownHash.id, KnownHash.pdq, KnownHash.label, KnownHash.source).order_by(
            KnownHash.id
        )
    )
    return KnownIndex((row.id, row.pdq, row.label, row.source) for row in rows)


__all__ = [
    "MANAGE",
    "READ",
    "RUN",
    "ImportReport",
    "cancel_rescore",
    "capture_images",
    "classify_capture",
    "current_verdict",
    "delete_known_hash",
    "finished_event",
    "get_run",
    "get_verdict",
    "import_known_hashes",
    "judge_capture",
    "known_index",
    "list_known_hashes",
    "list_runs",
    "list_verdicts",
    "page_text",
    "rescore_key",
    "site_verdict",
    "start_rescore",
    "verdict_history",
]

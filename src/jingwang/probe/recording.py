"""Recording probes in batches: prepare without the database, store blobs, insert rows at once.

A probe becomes a record in three steps, so the part that holds the database's write lock is
short and does no CPU-heavy work:

1. :func:`~jingwang.probe.prepare.prepare` (pure, any thread or fetch worker, in
   :mod:`jingwang.probe.prepare`, which loads no database code): the WARC file, the screenshot
   and the WML view as artefacts with their SHA-256 addresses, and the capture row's columns;
2. :func:`~jingwang.probe.prepare.store` puts every artefact of a batch in the blob store with
   one durability step (:meth:`~jingwang.store.blobs.BlobStore.put_many`): when it returns
   they are all on disk, so a row committed after it never points at a blob a crash could
   lose;
3. in the caller's transaction, :func:`insert_captures` looks up the batch's (target, round)
   pairs already recorded (one query: a capture is recorded once per target and round), inserts
   the new captures and their evidence rows with one statement each, records discovery
   candidates, :func:`enqueue_classification` adds one ``classify.captures`` job for the
   batch's new captures (when ``classify_after_probe`` is on), and :func:`emit_captured`
   writes the ``probe.captured`` events (last: on PostgreSQL the outbox lock is held from then
   until commit).

:func:`jingwang.probe.service.record_probe` (one probe) and the campaign runner (a batch) both
record through these, so a capture looks the same whichever way it was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from jingwang.core.events import EventActor
from jingwang.probe.events import EvidenceCaptured
from jingwang.probe.models import Capture, Evidence
from jingwang.probe.prepare import Prepared
from jingwang.settings import Settings
from jingwang.store.base import utcnow
from jingwang.store.outbox import OUTBOX_LOCK, OutboxEvent, transaction_lock

_LOOKUP_CHUNK: Final = 200  # target ids per lookup query
CLASSIFY_KIND: Final = "classify.captures"  # the detection job, enqueued by name (no import)

# Built once (a batch is recorded many times a second; see frontier's statements).
_CAPTURES = cast(Table, Capture.__table__)
_RECORDED: Final = select(
    _CAPTURES.c.target_id, _CAPTURES.c.round, _CAPTURES.c.id, _CAPTURES.c.outcome
).where(
    _CAPTURES.c.target_id.in_(bindparam("targets", expanding=True)),
    _CAPTURES.c.round.in_(bindparam("rounds", expanding=True)),
)
_INSERT_CAPTURES: Final = insert(_CAPTURES).returning(_CAPTURES.c.id, sort_by_parameter_order=True)
_INSERT_EVIDENCE: Final = insert(cast(Table, Evidence.__table__))
_INSERT_EVENTS: Final = insert(cast(Table, OutboxEvent.__table__))


@dataclass(frozen=True)
class Entry:
    """A prepared probe and whom its capture belongs to (campaign target and round, if any)."""

    prepared: Prepared
    actor_name: str
    org_id: int | None
    campaign_id: int | None = None
    target_id: int | None = None
    round: int | None = None
    event_actor: EventActor | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class Recorded:
    """A capture of an entry: its id and outcome; ``new`` is False when it was already there."""

    id: int
    outcome: str
    new: bool


def recorded_already(
    session: Session, keys: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], Recorded]:
    """The captures already recorded for these (target id, round) pairs."""
    found: dict[tuple[int, int], Recorded] = {}
    wanted = set(keys)
    # Target ids and rounds as two lists, the pairs checked here: the index on (target_id,
    # round) serves ``target_id IN (...) AND round IN (...)``, while SQLite would scan the whole
    # table for a row-value IN, each batch, however many captures it holds.
    target_ids = sorted({target_id for target_id, _ in wanted})
    rounds = sorted({round_ for _, round_ in wanted})
    for start in range(0, len(target_ids), _LOOKUP_CHUNK):
        chunk = target_ids[start : start + _LOOKUP_CHUNK]
        rows = session.execute(_RECORDED, {"targets": chunk, "rounds": rounds})
        for target_id, round_, capture_id, outcome in rows:
            key = (target_id, round_)
            if key in wanted:  # never a row without a target or round: wanted has none
                found[key] = Recorded(capture_id, outcome, new=False)
    return found


def insert_captures(
    session: Session, entries: Sequence[Entry], *, discovery: bool = False
) -> list[Recorded]:
    """Insert the captures of ``entries`` (their blobs stored already) with their evidence rows.

    An entry whose (target, round) already has a capture gets that one back (``new`` False),
    and so does a second entry for the same pair within the batch. ``discovery``: record the
    hosts each new capture saw as candidates.
    """
    known = recorded_already(session, [key for e in entries if (key := _key(e)) is not None])
    fresh: list[Entry] = []
    taken: set[tuple[int, int]] = set()
    for entry in entries:
        key = _key(entry)
        if key is None or (key not in known and key not in taken):
            fresh.append(entry)
            if key is not None:
                taken.add(key)
    ids = _insert_rows(session, fresh)
    evidence = [
        {
            "capture_id": capture_id,
            "kind": item.kind,
            "digest": item.digest,
            "size": item.size,
            "media_type": item.media_type,
            "created_at": utcnow(),
        }
        for entry, capture_id in zip(fresh, ids, strict=True)
        for item in entry.prepared.artefacts
    ]
    if evidence:
        session.execute(_INSERT_EVIDENCE, evidence)
    made: dict[int, Recorded] = {}
    for entry, capture_id in zip(fresh, ids, strict=True):
        made[id(entry)] = Recorded(capture_id, entry.prepared.columns["outcome"], new=True)
        key = _key(entry)
        if key is not None:
            known[key] = Recorded(capture_id, entry.prepared.columns["outcome"], new=False)
        hosts = list(entry.prepared.facts.discovered_hosts)
        if discovery and hosts and entry.campaign_id is not None:
            # imported here: campaigns pulls in the registry, which a fetch worker never needs
            from jingwang.probe.campaigns import record_candidates

            record_candidates(session, _as_capture(entry, capture_id), hosts)
    out: list[Recorded] = []
    for entry in entries:
        mine = made.get(id(entry))
        if mine is None:
            key = _key(entry)
            assert key is not None  # only an entry with a target and round can be a repeat
            mine = known[key]
        out.append(mine)
    return out


def emit_captured(session: Session, entries: Sequence[Entry], recorded: Sequence[Recorded]) -> None:
    """One ``probe.captured`` event per new capture, in the caller's transaction (emit last)."""
    rows = [
        {
            "name": EvidenceCaptured.name,
            "payload": _event(entry, capture).to_payload(),
            "created_at": utcnow(),
        }
        for entry, capture in zip(entries, recorded, strict=True)
        if capture.new
    ]
    if rows:
        transaction_lock(session, OUTBOX_LOCK)
        session.execute(_INSERT_EVENTS, rows)


def enqueue_classification(
    session: Session, settings: Settings | None, recorded: Sequence[Recorded]
) -> list[int]:
    """Enqueue the judging of the new captures of a batch, in the caller's transaction.

    One ``classify.captures`` job per batch (per ``classify_batch_size`` captures of it), only
    when ``settings`` say ``classify_after_probe``; returns the job ids. The job is named, not
    imported: the prober loads no detection code.
    """
    if settings is None or not settings.classify_after_probe:
        return []
    ids = list(dict.fromkeys(item.id for item in recorded if item.new))
    if not ids:
        return []
    from jingwang.jobs.service import enqueue_new

    size = settings.classify_batch_size
    # No idempotency key: the captures are new in this transaction, so no other job can name
    # them, and the job is rolled back with them (a key would cost a look-up and a savepoint).
    payloads = [{"capture_ids": ids[start : start + size]} for start in range(0, len(ids), size)]
    return enqueue_new(session, CLASSIFY_KIND, payloads)


def _key(entry: Entry) -> tuple[int, int] | None:
    if entry.target_id is None or entry.round is None:
        return None
    return entry.target_id, entry.round


def _insert_rows(session: Session, entries: Sequence[Entry]) -> list[int]:
    if not entries:
        return []
    now = utcnow()
    rows = [
        {
            **entry.prepared.columns,
            "org_id": entry.org_id,
            "requested_by": entry.actor_name[:200],
            "campaign_id": entry.campaign_id,
            "target_id": entry.target_id,
            "round": entry.round,
            "recorded_at": now,
        }
        for entry in entries
    ]
    return [int(row[0]) for row in session.execute(_INSERT_CAPTURES, rows)]


def _as_capture(entry: Entry, capture_id: int) -> Capture:
    """A detached capture with what :func:`record_candidates` reads (id, campaign, URLs)."""
    columns = entry.prepared.columns
    return Capture(
        id=capture_id,
        campaign_id=entry.campaign_id,
        url=columns["url"],
        final_url=columns["final_url"],
    )


def _event(entry: Entry, capture: Recorded) -> EvidenceCaptured:
    result, columns = entry.prepared.facts, entry.prepared.columns
    return EvidenceCaptured(
        object_id=str(capture.id),
        actor=entry.event_actor or EventActor(type="system", id=entry.actor_name),
        request_id=entry.request_id,
        url=result.url,
        outcome=capture.outcome,
        warc_digest=entry.prepared.warc.digest,
        final_url=result.final_url,
        http_status=columns["http_status"],
        refused_code=result.refused_code,
        campaign_id=entry.campaign_id,
    )


__all__ = [
    "Entry",
    "Recorded",
    "emit_captured",
    "enqueue_classification",
    "insert_captures",
    "recorded_already",
]

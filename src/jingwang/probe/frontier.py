"""The DB-backed frontier: a campaign's URLs, claimed in batches under per-host politeness.

A campaign's URLs are rows of ``probe_targets``; a runner never turns them into jobs. It
*claims* a batch of due targets whose hosts are free, fetches them, and *finishes* each one.
Politeness lives in ``probe_hosts``, shared by every runner of every campaign:

* a host is free when ``next_at <= now`` and fewer than ``host_concurrency`` requests are in
  flight to it (``inflight``); a claim bumps both (``next_at = now + host_delay``: the delay is
  start to start, as a crawl delay is), a finish releases ``inflight``;
* a 429 or 503 answer puts the host in back-off (``probe_backoff_seconds`` doubling up to
  ``probe_backoff_max_seconds``, at least what ``Retry-After`` asked) and re-queues the target
  for after it, until ``max_attempts`` tries were made.

A claim holds a target for ``lease_seconds`` with a random token; a runner that dies leaves its
leases to expire, and :func:`recover_expired` (run by every claim) puts them back in the queue
and gives their hosts' slots back. A late finish with a lost token changes nothing.

Several runners may share a frontier. On PostgreSQL a claim locks the free hosts it takes
``FOR UPDATE SKIP LOCKED``, so two runners never take the same host's slot; on SQLite every
transaction holds the one write lock from its first statement, so claims are serial. Both keep
transactions short: one claim, one finish.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Table, and_, bindparam, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jingwang.core.url import URLError, canonicalize
from jingwang.probe.models import HostState, Target
from jingwang.probe.types import BACKOFF_STATUSES
from jingwang.store.base import utcnow

URL_MAX: Final = 2000  # probe_targets.url
SOURCE_MAX: Final = 200
_CHUNK: Final = 500


@dataclass(frozen=True)
class RejectedURL:
    """A line of input that is not a URL the frontier can hold, and why."""

    line: int  # 1-based position in the input
    url: str
    reason: str


@dataclass(frozen=True)
class AddReport:
    """What :func:`add_targets` did: URLs added, already present, and refused."""

    added: int
    duplicates: int
    rejected: list[RejectedURL]


@dataclass(frozen=True)
class ClaimedTarget:
    """A target leased to one runner: what it needs to probe it and finish it."""

    id: int
    campaign_id: int
    url: str
    host: str
    round: int
    attempts: int  # including this one
    token: str


@dataclass(frozen=True)
class Politeness:
    """The per-host rules a claim and a finish apply (from the ``probe_*`` settings)."""

    host_delay: float = 1.0
    host_concurrency: int = 1
    lease_seconds: int = 120
    backoff_seconds: float = 60.0
    backoff_max_seconds: float = 3600.0
    max_attempts: int = 5

    @classmethod
    def from_settings(cls, settings: Any) -> Politeness:
        return cls(
            host_delay=settings.probe_host_delay_seconds,
            host_concurrency=settings.probe_host_concurrency,
            lease_seconds=settings.probe_lease_seconds,
            backoff_seconds=settings.probe_backoff_seconds,
            backoff_max_seconds=settings.probe_backoff_max_seconds,
            max_attempts=settings.probe_max_attempts,
        )


# Adding ---------------------------------------------------------------------------------------


def parse_target(raw: str) -> tuple[str, str, str]:
    """``raw`` as (the URL to fetch, its canonical key, its host); ``URLError`` if it is none.

    The URL is fetched as written (only trimmed, ``http://`` added when no scheme is given);
    the canonical form (:func:`jingwang.core.url.canonicalize`, with the port) only finds
    duplicates and names the host.
    """
    url = raw.strip()
    if any(char.isspace() for char in url):
        raise URLError("a URL has no spaces in it: write them as %20", url=url[:80])
    if url and "://" not in url:
        url = f"http://{url}"
    found = canonicalize(url)
    if len(url) > URL_MAX:
        raise URLError(f"the URL is longer than {URL_MAX} characters", url=url[:80])
    port = f":{found.port}" if found.port is not None else ""
    key = f"{found.scheme}://{found.host}{port}{found.path}" + (
        f"?{found.query}" if found.query is not None else ""
    )
    return url, key, found.host


def add_targets(
    session: Session,
    campaign_id: int,
    urls: Iterable[str],
    *,
    source: str | None = None,
    round: int = 1,
    now: dt.datetime | None = None,
) -> AddReport:
    """Add ``urls`` to a campaign's frontier, queued now; blank lines are skipped.

    A URL already in the campaign (the same canonical URL) is counted as a duplicate; a bad
    one is refused with its line and the reason, and the good ones are kept.
    """
    return add_sourced(session, campaign_id, ((url, source) for url in urls), round=round, now=now)


def add_sourced(
    session: Session,
    campaign_id: int,
    items: Iterable[tuple[str, str | None]],
    *,
    round: int = 1,
    now: dt.datetime | None = None,
) -> AddReport:
    """:func:`add_targets` for URLs that each carry their own source label."""
    now = now or utcnow()
    rejected: list[RejectedURL] = []
    fresh: dict[str, tuple[str, str, str | None]] = {}  # canonical key -> (url, host, source)
    duplicates = 0
    for line, (raw, source) in enumerate(items, start=1):
        if not raw.strip():
            continue
        try:
            url, key, host = parse_target(raw)
        except URLError as error:
            rejected.append(RejectedURL(line, raw.strip()[:200], error.message))
            continue
        if key in fresh:
            duplicates += 1
        else:
            fresh[key] = (url, host, source)
    present = _present(session, campaign_id, [url for url, _, _ in fresh.values()])
    rows = [
        {
            "campaign_id": campaign_id,
            "url": url,
            "host": host,
            "state": "queued",
            "round": round,
            "attempts": 0,
            "not_before": now,
            "source": source[:SOURCE_MAX] if source else None,
            "updated_at": now,
        }
        for url, host, source in fresh.values()
        if url not in present
    ]
    duplicates += len(fresh) - len(rows)
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(Target), rows[start : start + _CHUNK])
    ensure_hosts(session, {host for _, host, _ in fresh.values()}, now)
    session.flush()
    return AddReport(added=len(rows), duplicates=duplicates, rejected=rejected)


def _present(session: Session, campaign_id: int, urls: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(urls), _CHUNK):
        found.update(
            session.scalars(
                select(Target.url).where(
                    Target.campaign_id == campaign_id, Target.url.in_(urls[start : start + _CHUNK])
                )
            )
        )
    return found


def ensure_hosts(session: Session, hosts: Iterable[str], now: dt.datetime) -> None:
    """Create the ``probe_hosts`` rows missing for ``hosts`` (free now); safe when raced."""
    names = sorted(set(hosts))
    dialect = session.get_bind().dialect.name
    for start in range(0, len(names), _CHUNK):
        rows = [
            {"host": h, "next_at": now, "inflight": 0, "backoff_seconds": 0.0, "updated_at": now}
            for h in names[start : start + _CHUNK]
        ]
        if dialect == "postgresql":
            stmt: Any = postgresql.insert(HostState).on_conflict_do_nothing()
        else:
            stmt = sqlite.insert(HostState).on_conflict_do_nothing()
        session.execute(stmt, rows)


# Claiming -------------------------------------------------------------------------------------


def recover_expired(session: Session, *, now: dt.datetime | None = None) -> int:
    """Put back in the queue every lease that ran out; give their hosts' slots back."""
    now = now or utcnow()
    expired = session.execute(
        update(Target)
        .where(Target.state == "leased", Target.leased_until < now)
        .values(state="queued", lease_token=None, leased_until=None, updated_at=now)
        .returning(Target.host)
        .execution_options(synchronize_session=False)
    ).all()
    _release(session, Counter(row.host for row in expired), now)
    return len(expired)


def _release(session: Session, hosts: Counter[str], now: dt.datetime) -> None:
    """Give ``hosts`` back as many in-flight slots as counted (never below zero)."""
    if hosts:
        rows = [{"b_host": host, "b_count": n, "b_now": now} for host, n in hosts.items()]
        session.execute(_RELEASE_SILENT, rows)


def claim(
    session: Session,
    campaign_id: int,
    *,
    limit: int,
    now: dt.datetime | None = None,
    politeness: Politeness | None = None,
    recover: bool = True,
) -> list[ClaimedTarget]:
    """Lease up to ``limit`` due targets of the campaign whose hosts are free.

    One target per host when there is a delay between requests to a host, else up to the
    host's free slots. Commit soon after: the hosts taken stay locked until then. ``recover``:
    put run-out leases back first (:func:`recover_expired`); a runner claiming many times a
    second does that every few seconds, not every claim (leases last minutes).
    """
    now = now or utcnow()
    rules = politeness or Politeness()
    if recover:
        recover_expired(session, now=now)
    hosts = _free_hosts(session, campaign_id, limit, now, rules)
    if not hosts:
        return []
    picks = _pick_targets(session, campaign_id, hosts, now, rules)[:limit]
    if not picks:
        return []
    token = secrets.token_hex(16)
    until = now + dt.timedelta(seconds=rules.lease_seconds)
    leased = session.execute(
        _LEASE, {"ids": picks, "b_token": token, "b_until": until, "b_now": now}
    )
    claimed = [
        ClaimedTarget(t.id, t.campaign_id, t.url, t.host, t.round, t.attempts, token)
        for t in leased
    ]
    claimed.sort(key=lambda target: target.id)  # RETURNING promises no order
    _take(session, Counter(t.host for t in claimed), now, rules)
    return claimed


FIRST_LOOK: Final = 8  # due targets a claim reads first, per target it wants (see _free_hosts)

# The statements a runner issues many times a second are built once, with their lists as
# expanding parameters: a statement built per call costs more in SQLAlchemy (a cache key, a
# coercion per list item) than SQLite takes to run it.
_TARGETS: Final[Table] = Target.__table__  # type: ignore[assignment]
_HOSTS: Final[Table] = HostState.__table__  # type: ignore[assignment]
_DUE: Final = and_(
    _TARGETS.c.campaign_id == bindparam("campaign"),
    _TARGETS.c.state == "queued",
    _TARGETS.c.not_before <= bindparam("now"),
)
_EARLIEST: Final = (
    select(_TARGETS.c.host).where(_DUE).order_by(_TARGETS.c.not_before).limit(bindparam("window"))
).subquery()
_EARLIEST_HOSTS: Final = select(_EARLIEST.c.host, func.count()).group_by(_EARLIEST.c.host)
_EVERY_DUE_HOST: Final = select(_TARGETS.c.host).where(_DUE).distinct()


def _free_query(hosts: Any) -> Any:
    """Free hosts among ``hosts`` (an expression), least recently asked first."""
    return (
        select(_HOSTS.c.host, _HOSTS.c.inflight)
        .where(
            _HOSTS.c.next_at <= bindparam("now"),
            _HOSTS.c.inflight < bindparam("concurrency"),
            _HOSTS.c.host.in_(hosts),
        )
        .order_by(_HOSTS.c.next_at, _HOSTS.c.host)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
    )


_FREE_AMONG_NAMED: Final = _free_query(bindparam("hosts", expanding=True))
_FREE_AMONG_DUE: Final = _free_query(_EVERY_DUE_HOST)
_RANKED: Final = (
    select(
        _TARGETS.c.id,
        _TARGETS.c.host,
        _TARGETS.c.not_before,
        func.row_number()
        .over(partition_by=_TARGETS.c.host, order_by=(_TARGETS.c.not_before, _TARGETS.c.id))
        .label("rank"),
    )
    .where(_DUE, _TARGETS.c.host.in_(bindparam("hosts", expanding=True)))
    .subquery()
)
_PICK: Final = (
    select(_RANKED.c.id, _RANKED.c.host, _RANKED.c.rank)
    .where(_RANKED.c.rank <= bindparam("most"))
    .order_by(_RANKED.c.rank, _RANKED.c.not_before, _RANKED.c.id)
)
_LEASE: Final = (
    update(_TARGETS)
    .where(_TARGETS.c.id.in_(bindparam("ids", expanding=True)), _TARGETS.c.state == "queued")
    .values(
        state="leased",
        lease_token=bindparam("b_token"),
        leased_until=bindparam("b_until"),
        attempts=_TARGETS.c.attempts + 1,
        updated_at=bindparam("b_now"),
    )
    .returning(
        _TARGETS.c.id,
        _TARGETS.c.campaign_id,
        _TARGETS.c.url,
        _TARGETS.c.host,
        _TARGETS.c.round,
        _TARGETS.c.attempts,
    )
)
_TAKE: Final = (
    update(_HOSTS)
    .where(_HOSTS.c.host.in_(bindparam("hosts", expanding=True)))
    .values(
        inflight=_HOSTS.c.inflight + bindparam("b_count"),
        next_at=bindparam("b_next"),
        updated_at=bindparam("b_now"),
    )
)
_HELD: Final = (
    select(_TARGETS.c.id, _TARGETS.c.lease_token)
    .where(_TARGETS.c.id.in_(bindparam("ids", expanding=True)), _TARGETS.c.state == "leased")
    .order_by(_TARGETS.c.id)
    .with_for_update()
)
_FINISH: Final = (
    update(_TARGETS)
    .where(
        _TARGETS.c.id == bindparam("b_id"),
        _TARGETS.c.state == "leased",
        _TARGETS.c.lease_token == bindparam("b_token"),
    )
    .values(
        state=bindparam("b_state"),
        outcome=bindparam("b_outcome"),
        capture_id=bindparam("b_capture"),
        error=bindparam("b_error"),
        lease_token=None,
        leased_until=None,
        updated_at=bindparam("b_now"),
    )
)
_RELEASED: Final = case(
    (_HOSTS.c.inflight > bindparam("b_count"), _HOSTS.c.inflight - bindparam("b_count")),
    else_=0,
)
_RELEASE_ANSWERED: Final = (
    update(_HOSTS)
    .where(_HOSTS.c.host == bindparam("b_host"))
    .values(
        inflight=_RELEASED,
        last_status=bindparam("b_status"),
        backoff_seconds=0.0,
        updated_at=bindparam("b_now"),
    )
)
_RELEASE_SILENT: Final = (
    update(_HOSTS)
    .where(_HOSTS.c.host == bindparam("b_host"))
    .values(inflight=_RELEASED, updated_at=bindparam("b_now"))
)


def _free_hosts(
    session: Session, campaign_id: int, limit: int, now: dt.datetime, rules: Politeness
) -> dict[str, int]:
    """Free hosts that have due targets (locked on PostgreSQL), with their free slots.

    It looks first among the hosts of the campaign's earliest due targets, a bounded read of
    the due index (:data:`FIRST_LOOK` targets per target wanted); only when those hosts cannot
    fill the claim and more targets are due does it look at every due host, which reads every
    due target. A campaign fetching as fast as it can fills its claims from the first look;
    one waiting on its hosts' delays looks further, as it must.
    """
    window = limit * FIRST_LOOK
    looked = {"campaign": campaign_id, "now": now, "window": window}
    due: dict[str, int] = {host: int(n) for host, n in session.execute(_EARLIEST_HOSTS, looked)}
    if not due:
        return {}
    free = {"now": now, "concurrency": rules.host_concurrency, "limit": limit}
    near = _slots(session.execute(_FREE_AMONG_NAMED, {**free, "hosts": list(due)}), rules)
    if sum(due.values()) < window:  # the first look saw every due target
        return near
    if sum(min(slots, due[host]) for host, slots in near.items()) >= limit:
        return near
    return _slots(session.execute(_FREE_AMONG_DUE, {**free, "campaign": campaign_id}), rules)


def _slots(rows: Iterable[Any], rules: Politeness) -> dict[str, int]:
    """Free hosts (``host``, ``inflight`` rows) with the slots a claim may take of each."""
    slots = 1 if rules.host_delay > 0 else rules.host_concurrency
    return {row.host: min(slots, rules.host_concurrency - row.inflight) for row in rows}


def _pick_targets(
    session: Session, campaign_id: int, hosts: dict[str, int], now: dt.datetime, rules: Politeness
) -> list[int]:
    """The first due targets of each host, as many as the host has free slots."""
    rows = session.execute(
        _PICK,
        {"campaign": campaign_id, "now": now, "hosts": list(hosts), "most": max(hosts.values())},
    )
    return [row.id for row in rows if row.rank <= hosts[row.host]]


def _take(session: Session, hosts: Counter[str], now: dt.datetime, rules: Politeness) -> None:
    next_at = now + dt.timedelta(seconds=rules.host_delay)
    for count in sorted(set(hosts.values())):
        names = [host for host, n in hosts.items() if n == count]
        session.execute(_TAKE, {"hosts": names, "b_count": count, "b_next": next_at, "b_now": now})


# Finishing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finish:
    """How a claimed target ended: what the runner tells :func:`finish`."""

    outcome: str | None  # the capture's outcome (ok, refused, error, limit); None: no capture
    capture_id: int | None = None
    status: int | None = None  # the final HTTP status, if any
    retry_after: float | None = None  # seconds, from a Retry-After header
    error: str | None = None


def attempts_left(target: ClaimedTarget, rules: Politeness) -> bool:
    """Whether the target may be tried again after this try."""
    return target.attempts < rules.max_attempts


def wants_retry(target: ClaimedTarget, status: int | None, rules: Politeness) -> bool:
    """Whether a target that got ``status`` goes back to the queue (no capture recorded)."""
    return status in BACKOFF_STATUSES and attempts_left(target, rules)


def _leased_row(session: Session, target: ClaimedTarget) -> Target | None:
    """The target's row, locked, while its lease is still this claim's (else None)."""
    row = session.get(Target, target.id, with_for_update=True, populate_existing=True)
    if row is None or row.state != "leased" or row.lease_token != target.token:
        return None
    return row


def finish(
    session: Session,
    target: ClaimedTarget,
    result: Finish,
    *,
    now: dt.datetime | None = None,
    politeness: Politeness | None = None,
) -> bool:
    """Mark a claimed target done, failed or re-queued, and release its host.

    Returns ``False`` (and changes nothing) when the lease was lost meanwhile: the target was
    recovered and taken by another runner, or the campaign moved on to another round.
    """
    now = now or utcnow()
    rules = politeness or Politeness()
    row = _leased_row(session, target)
    if row is None:
        return False
    backoff = _host_answer(session, target.host, result, now, rules)
    row.lease_token, row.leased_until, row.updated_at = None, None, now
    if backoff is not None and wants_retry(target, result.status, rules):
        row.state = "queued"
        row.not_before = now + dt.timedelta(seconds=backoff)
        row.error = f"HTTP {result.status}: retry after {backoff:g}s (try {target.attempts})"
        return True
    row.state = "done" if result.outcome in ("ok", "limit") else "failed"
    row.outcome, row.capture_id, row.error = result.outcome, result.capture_id, result.error
    return True


def requeue(
    session: Session,
    target: ClaimedTarget,
    *,
    error: str,
    now: dt.datetime | None = None,
    politeness: Politeness | None = None,
) -> str:
    """Put a claimed target whose probe was lost (not answered: its fetch worker died) back in
    the queue, or mark it failed when it has had ``max_attempts`` tries; its host's slot is
    given back without counting as an answer. Returns ``"retried"``, ``"failed"``, or
    ``"lost"`` when the lease was no longer this runner's."""
    now = now or utcnow()
    rules = politeness or Politeness()
    row = _leased_row(session, target)
    if row is None:
        return "lost"
    _release(session, Counter([target.host]), now)
    row.lease_token, row.leased_until, row.updated_at = None, None, now
    row.error = f"{error} (try {target.attempts})"[:2000]
    if attempts_left(target, rules):
        row.state = "queued"
        return "retried"
    row.state = "failed"
    return "failed"


def held(session: Session, targets: Sequence[ClaimedTarget]) -> set[int]:
    """The ids of ``targets`` whose leases are still theirs (rows locked until commit)."""
    if not targets:
        return set()
    tokens = {target.id: target.token for target in targets}
    rows = session.execute(_HELD, {"ids": sorted(tokens)})
    return {row.id for row in rows if row.lease_token == tokens[row.id]}


def finish_many(
    session: Session,
    items: Sequence[tuple[ClaimedTarget, Finish]],
    *,
    now: dt.datetime | None = None,
    politeness: Politeness | None = None,
    kept: set[int] | None = None,
) -> list[bool]:
    """:func:`finish` for a batch, with the same outcome as finishing them one by one in order.

    ``kept``: what :func:`held` answered for these targets earlier in the same transaction (it
    locked their rows), when the caller asked it already.

    Targets whose hosts answered 429 or 503 in the batch are finished one by one (the back-off
    depends on the order); the others with one UPDATE for the targets and one per kind of host
    change, each run for the whole batch (``executemany``).
    """
    now = now or utcnow()
    rules = politeness or Politeness()
    if kept is None:
        kept = held(session, [target for target, _ in items])
    backing_off = {t.host for t, r in items if t.id in kept and r.status in BACKOFF_STATUSES}
    done: list[bool] = []
    plain: list[tuple[ClaimedTarget, Finish]] = []
    for target, result in items:
        if target.id not in kept:
            done.append(False)
        elif target.host in backing_off:
            done.append(finish(session, target, result, now=now, politeness=rules))
        else:
            plain.append((target, result))
            done.append(True)
    if plain:
        _finish_plain(session, plain, now)
    return done


def _finish_plain(
    session: Session, items: Sequence[tuple[ClaimedTarget, Finish]], now: dt.datetime
) -> None:
    """Finish leased targets whose answers put no host in back-off, and release their hosts.

    Their hosts have rows: a claim takes only hosts it found free in ``probe_hosts``, and host
    rows are never deleted.
    """
    session.execute(
        _FINISH,
        [
            {
                "b_id": target.id,
                "b_token": target.token,
                "b_state": "done" if result.outcome in ("ok", "limit") else "failed",
                "b_outcome": result.outcome,
                "b_capture": result.capture_id,
                "b_error": result.error,
                "b_now": now,
            }
            for target, result in items
        ],
    )
    released: Counter[str] = Counter(target.host for target, _ in items)
    last_status: dict[str, int] = {
        target.host: result.status for target, result in items if result.status is not None
    }
    answered = [
        {"b_host": host, "b_count": n, "b_status": last_status[host], "b_now": now}
        for host, n in released.items()
        if host in last_status
    ]
    if answered:  # an HTTP status came: it is the host's last, and any back-off is over
        session.execute(_RELEASE_ANSWERED, answered)
    _release(session, Counter({h: n for h, n in released.items() if h not in last_status}), now)


def _host_answer(
    session: Session, host: str, result: Finish, now: dt.datetime, rules: Politeness
) -> float | None:
    """Release the host's slot; on 429/503 start or double its back-off (returned, seconds)."""
    state = session.get(HostState, host, with_for_update=True, populate_existing=True)
    if state is None:  # a target added without its host row: make it now
        ensure_hosts(session, [host], now)
        state = session.get(HostState, host, with_for_update=True, populate_existing=True)
        assert state is not None
    state.inflight = max(0, state.inflight - 1)
    state.updated_at = now
    if result.status is not None:
        state.last_status = result.status
    if result.status not in BACKOFF_STATUSES:
        if result.status is not None:
            state.backoff_seconds = 0.0
        return None
    doubled = state.backoff_seconds * 2 if state.backoff_seconds else rules.backoff_seconds
    backoff = min(max(doubled, result.retry_after or 0.0), rules.backoff_max_seconds)
    state.backoff_seconds = backoff
    state.next_at = max(state.next_at, now + dt.timedelta(seconds=backoff))
    return backoff


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or utcnow())).total_seconds())


# Reading --------------------------------------------------------------------------------------


def counts_by_state(session: Session, campaign_id: int) -> dict[str, int]:
    """How many of the campaign's targets are in each state (every state named)."""
    found = dict(
        session.execute(
            select(Target.state, func.count())
            .where(Target.campaign_id == campaign_id)
            .group_by(Target.state)
        ).all()
    )
    return {state: int(found.get(state, 0)) for state in ("queued", "leased", "done", "failed")}


def remaining(session: Session, campaign_id: int) -> int:
    """Targets of the campaign not finished yet (queued or leased)."""
    return int(
        session.scalar(
            select(func.count()).where(
                Target.campaign_id == campaign_id, Target.state.in_(("queued", "leased"))
            )
        )
        or 0
    )


def next_due(session: Session, campaign_id: int) -> dt.datetime | None:
    """When the earliest queued target of the campaign may be claimed (its host's turn too)."""
    later = case(
        (Target.not_before > HostState.next_at, Target.not_before), else_=HostState.next_at
    )
    found: dt.datetime | None = session.scalar(
        select(func.min(later))
        .join(HostState, HostState.host == Target.host)
        .where(Target.campaign_id == campaign_id, Target.state == "queued")
    )
    return found


def host_states(session: Session, hosts: Sequence[str]) -> list[HostState]:
    return list(session.scalars(select(HostState).where(HostState.host.in_(list(hosts)))))


__all__ = [
    "BACKOFF_STATUSES",
    "AddReport",
    "ClaimedTarget",
    "Finish",
    "Politeness",
    "RejectedURL",
    "add_sourced",
    "add_targets",
    "attempts_left",
    "claim",
    "counts_by_state",
    "ensure_hosts",
    "finish",
    "finish_many",
    "held",
    "host_states",
    "next_due",
    "parse_retry_after",
    "recover_expired",
    "remaining",
    "requeue",
    "wants_retry",
]

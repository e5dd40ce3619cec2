"""The campaign runner: one event loop keeps ``probe_concurrency`` probes in flight.

It claims due targets from the frontier in batches (:func:`.frontier.claim`), probes each with
:func:`jingwang.probe.probe.probe_url` (and a screenshot when enabled), then records finished
probes in batches of up to :data:`WRITE_BATCH` (:mod:`.recording`, as
:func:`.service.record_probe` records one): the WARC files and row columns are prepared and the
blobs stored durably first, with no lock held; then one short transaction checks the batch's
leases (one query), inserts its captures and evidence rows, finishes its targets
(:func:`.frontier.finish_many`), enqueues the judging of its new captures (one
``classify.captures`` job, when ``classify_after_probe`` is on) and emits its events. A
capture is unique per (target, round), so a runner killed after that commit never records it
twice; one killed before leaves the lease to expire, and the target is probed again (a fetch
that was in flight at the kill may be repeated, never recorded twice; its blobs, already
stored, are simply found again).

Database work runs in one worker thread (short transactions, one writer, which SQLite wants
anyway) so the event loop keeps fetching meanwhile. Results are written and dropped: memory
does not grow with the campaign. The runner checks the campaign's state at every batch and
stops claiming when it is paused or cancelled, when ``stop`` is set, or after ``max_seconds``;
probes in flight finish and are recorded. When the frontier is empty the round is done
(:func:`.campaigns.finish_round`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeVar

from sqlalchemy import bindparam, select

if TYPE_CHECKING:
    from jingwang.probe.screenshot import SharedBrowser

from jingwang.probe.campaigns import finish_round, mark_running
from jingwang.probe.fetch import Fetcher
from jingwang.probe.frontier import (
    ClaimedTarget,
    Finish,
    Politeness,
    attempts_left,
    claim,
    finish,
    finish_many,
    held,
    next_due,
    parse_retry_after,
    requeue,
    wants_retry,
)
from jingwang.probe.models import Campaign
from jingwang.probe.prepare import Prepared, ProbeFacts, prepare, store
from jingwang.probe.probe import probe_url
from jingwang.probe.recording import (
    Entry,
    emit_captured,
    enqueue_classification,
    insert_captures,
)
from jingwang.probe.resolver import Resolver
from jingwang.probe.types import ProbeResult
from jingwang.probe.workers import FetchPool, FetchPoolBroken, FetchWorkerLost
from jingwang.settings import Settings
from jingwang.store import BlobStore, Database, FileBlobStore
from jingwang.store.base import utcnow

log = logging.getLogger(__name__)

T = TypeVar("T")
ProbeFn = Callable[[str, str], Awaitable[ProbeResult]]  # (url, profile) -> result
IDLE_POLL_SECONDS: Final = 1.0  # longest sleep while every due target waits for its host
BUSY_POLL_SECONDS: Final = 0.2  # re-claim this often while probes are in flight
WRITE_BATCH: Final = 32  # finished probes recorded in one transaction
WRITE_GATHER_SECONDS: Final = 0.05  # a writer woken for a small batch waits this for more
CLAIM_SHARE: Final = 2  # claim when half of probe_concurrency is free (or nothing is in flight)
RECOVER_SECONDS: Final = 5.0  # a runner puts run-out leases back this often (leases last minutes)
BACKLOG: Final = 2  # probes claimed and not yet recorded: at most this many times the concurrency
MIN_WAIT_SECONDS: Final = 0.05  # due hosts busy with other runners: ask again this soon


_STATE: Final = select(Campaign.state).where(Campaign.id == bindparam("campaign"))


@dataclass
class RunReport:
    """What one run of a campaign did, and why it stopped."""

    campaign_id: int
    round: int = 0
    claimed: int = 0
    recorded: int = 0  # captures recorded (or found already recorded)
    retried: int = 0  # 429/503 answers put back in the queue for after the back-off
    failed: int = 0  # probes that raised (the target is marked failed, with the error)
    lost: int = 0  # results dropped because the lease was lost meanwhile
    stopped: str = ""  # done | paused | cancelled | queued | stop | time
    seconds: float = 0.0  # the whole run, start-up included
    probing_seconds: float = 0.0  # from the first claim (fetch workers ready) to the end
    errors: list[str] = field(default_factory=list)  # the first few probe failures


@dataclass(frozen=True)
class _Done:
    """A finished probe waiting to be recorded by the writer: probed here (``result``, and
    its screenshot), or by a fetch worker (``prepared``, its blobs stored already; None when
    the worker left a probe that will be retried unwritten)."""

    target: ClaimedTarget
    facts: ProbeFacts
    written: asyncio.Future[str]
    result: ProbeResult | None = None
    shot: bytes | None = None
    prepared: Prepared | None = None


@dataclass(frozen=True)
class _Campaign:
    id: int
    round: int
    profile: str
    org_id: int
    discovery: bool
    created_by: str


class _Runner:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        blobs: BlobStore,
        campaign_id: int,
        *,
        max_seconds: float | None,
        stop: threading.Event | None,
        heartbeat: Callable[[], None] | None,
        probe: ProbeFn | None,
    ) -> None:
        self.settings, self.db, self.blobs = settings, db, blobs
        self.rules = Politeness.from_settings(settings)
        self.report = RunReport(campaign_id)
        self.campaign_id = campaign_id
        self.deadline = time.monotonic() + max_seconds if max_seconds is not None else None
        self.stop = stop or threading.Event()
        self.heartbeat = heartbeat
        self.probe = probe
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="probe-db")
        self._browser: SharedBrowser | None = None  # one Chromium for the run's screenshots
        self.pending: list[_Done] = []
        self.tasks: set[asyncio.Task[None]] = set()  # every probe claimed and not yet recorded
        self.fetching = 0  # of those, the ones whose network part is not over
        self.progress = asyncio.Event()  # slots came free, a probe broke the run, or all ended
        self.broken: list[BaseException] = []
        self.recover_at = 0.0  # when the next claim puts run-out leases back (the first does)
        self.probing_since: float | None = None  # when the claim loop started
        # the fewest free slots worth a claim while probes are in flight
        self.claim_batch = max(1, settings.probe_concurrency // CLAIM_SHARE)
        self.wake = asyncio.Event()

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    # the loop ---------------------------------------------------------------------------------

    async def run(self) -> RunReport:
        started = time.monotonic()
        try:
            campaign = await self._db(self._start)
            if campaign is not None:
                self.report.round = campaign.round
                if self.probe is not None:
                    await self._loop(campaign, self.probe)
                else:
                    await self._with_fetcher(campaign)
        finally:
            self.executor.shutdown(wait=True)
            ended = time.monotonic()
            self.report.seconds = round(ended - started, 3)
            if self.probing_since is not None:
                self.report.probing_seconds = round(ended - self.probing_since, 3)
        return self.report

    async def _with_fetcher(self, campaign: _Campaign) -> None:
        workers = self.settings.probe_fetch_workers
        if workers and isinstance(self.blobs, FileBlobStore):
            async with FetchPool(self.settings, self.blobs.root, workers) as pool:
                await self._loop(campaign, pool)
            return
        resolver = Resolver.from_settings(self.settings)
        async with AsyncExitStack() as stack:
            fetcher = await stack.enter_async_context(Fetcher(self.settings))
            if self.settings.probe_screenshots:  # Playwright is imported only when it is used
                from jingwang.probe.screenshot import SharedBrowser

                self._browser = await stack.enter_async_context(SharedBrowser(self.settings))

            async def probe(url: str, profile: str) -> ProbeResult:
                return await probe_url(
                    url, settings=self.settings, profile=profile, resolver=resolver, fetcher=fetcher
                )

            await self._loop(campaign, probe)

    async def _loop(self, campaign: _Campaign, probe: ProbeFn | FetchPool) -> None:
        """Claim and probe (with ``probe``, or in the pool's fetch workers) until the round is
        done or the run stops; finished probes go to the writer.

        ``probe_concurrency`` bounds the fetches in flight, as a crawler's limit on requests
        does: a probe's slot is free again once its network part is over (the page and any
        screenshot fetched), while its evidence is still being written and recorded. Those
        later steps are bounded too, by :data:`BACKLOG` times as many probes in all.
        """
        tasks = self.tasks
        writer = asyncio.create_task(self._writer(campaign))
        self.probing_since = time.monotonic()
        try:
            while not self._should_stop():
                if self.heartbeat is not None:
                    self.heartbeat()
                self.progress.clear()
                free = self._free()
                # Claim in batches: a claim costs about as much for one target as for many.
                if free >= self.claim_batch or (free > 0 and not tasks):
                    state, claims = await self._db(self._claim, free)
                    if state != "running":
                        self.report.stopped = state
                        break
                    self.report.claimed += len(claims)
                    for target in claims:
                        self.fetching += 1
                        task = asyncio.create_task(self._one(campaign, target, probe))
                        tasks.add(task)
                        task.add_done_callback(self._ended)
                    if not claims and not tasks:
                        if await self._idle():
                            break
                        continue
                    full = len(claims) == free
                else:
                    full = True
                if tasks:
                    # Not full: some hosts wait for their turn; wake when the next one is due
                    # (or slots come free), not at a fixed poll, so politeness costs no more
                    # than the delays themselves.
                    timeout = None if full else await self._db(self._until_due)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.progress.wait(), timeout)
                # _one handles every failure of a probe; what escapes (a broken fetch pool) ends
                # the run.
                if self.broken:
                    raise self.broken[0]
        finally:
            # finish what is in flight; only a broken fetch pool ends a probe's task
            ended = await asyncio.gather(*tasks, return_exceptions=True)
            broken = [e for e in ended if isinstance(e, BaseException)]
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
        if broken:
            raise broken[0]

    def _free(self) -> int:
        """Probes that may start now: fetch slots free, within the backlog."""
        fetch_slots = self.settings.probe_concurrency - self.fetching
        return min(fetch_slots, self.settings.probe_concurrency * BACKLOG - len(self.tasks))

    def _fetch_over(self) -> None:
        """A probe's network part is over: its slot is free (wake the loop for a batch)."""
        self.fetching -= 1
        if self._free() >= self.claim_batch:
            self.progress.set()

    def _ended(self, task: asyncio.Task[None]) -> None:
        """A probe's task ended: recorded, failed, or the run is breaking off."""
        self.tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()  # looked at here, so none is left unretrieved
        if error is not None:
            self.broken.append(error)
            self.progress.set()
        elif not self.tasks or self._free() >= self.claim_batch:
            self.progress.set()

    def _should_stop(self) -> bool:
        if self.stop.is_set():
            self.report.stopped = "stop"
            return True
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.report.stopped = "time"
            return True
        return False

    async def _idle(self) -> bool:
        """Nothing claimed and nothing in flight: finish the round, or wait for the next due."""
        done, wait = await self._db(self._finish_or_wait)
        if done:
            self.report.stopped = "done"
            return True
        if self.deadline is not None:
            wait = min(wait, max(0.0, self.deadline - time.monotonic()))
        await asyncio.sleep(min(wait, IDLE_POLL_SECONDS))
        return False

    async def _one(
        self, campaign: _Campaign, target: ClaimedTarget, probe: ProbeFn | FetchPool
    ) -> None:
        fetching = True

        def fetch_over() -> None:
            nonlocal fetching
            if fetching:
                fetching = False
                self._fetch_over()

        try:
            written: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            if isinstance(probe, FetchPool):
                may_retry = attempts_left(target, self.rules)
                fetched = await probe.probe(
                    target.url,
                    campaign.profile,
                    may_retry=may_retry,
                    host=target.host,
                    on_fetched=fetch_over,
                )
                fetch_over()
                done = _Done(target, fetched.facts, written, prepared=fetched.prepared)
            else:
                result = await probe(target.url, campaign.profile)
                shot = await self._screenshot(result)
                fetch_over()
                done = _Done(target, ProbeFacts.of(result), written, result=result, shot=shot)
            self.pending.append(done)
            self.wake.set()
            outcome = await written
        except FetchPoolBroken as exc:  # the run stops: failing every target would hide it
            await self._db(self._requeue, target, str(exc))
            raise
        except FetchWorkerLost as exc:  # never answered: probed again, up to max_attempts
            log.warning("probe of %s (target %d) lost: %s", target.url, target.id, exc)
            outcome = await self._db(self._requeue, target, str(exc))
        except Exception as exc:  # a bug or a failure outside the probe's own error handling
            log.exception("probe of %s (target %d) failed", target.url, target.id)
            if len(self.report.errors) < 10:
                self.report.errors.append(f"{target.url}: {exc!r}")
            outcome = await self._db(self._fail, target, f"{type(exc).__name__}: {exc}")
        finally:
            fetch_over()  # a probe that failed frees its slot too
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)

    async def _screenshot(self, result: ProbeResult) -> bytes | None:
        """The page's screenshot (take_screenshot says which pages have one); Playwright is
        imported only when screenshots are on."""
        if not self.settings.probe_screenshots:
            return None
        from jingwang.probe.guard import AddressPolicy
        from jingwang.probe.resolver import Resolver
        from jingwang.probe.screenshot import take_screenshot

        return await take_screenshot(
            result,
            settings=self.settings,
            policy=AddressPolicy.from_settings(self.settings),
            resolver=Resolver.from_settings(self.settings),
            browser=self._browser,
        )

    async def _writer(self, campaign: _Campaign) -> None:
        """Record finished probes in batches: one transaction (one commit) for several."""
        while True:
            await self.wake.wait()
            self.wake.clear()
            if len(self.pending) < WRITE_BATCH:  # a moment for more: one transaction for all
                await asyncio.sleep(WRITE_GATHER_SECONDS)
            while self.pending:
                batch = self.pending[:WRITE_BATCH]
                del self.pending[:WRITE_BATCH]
                try:
                    outcomes = await self._db(self._record_many, campaign, batch)
                except Exception as exc:  # the batch rolled back: each probe is failed alone
                    for item in batch:
                        item.written.set_exception(exc)
                    continue
                for item, outcome in zip(batch, outcomes, strict=True):
                    item.written.set_result(outcome)

    # database work (in the executor thread) ---------------------------------------------------

    def _start(self) -> _Campaign | None:
        with self.db.session() as session:
            campaign = session.get(Campaign, self.campaign_id)
            if campaign is None:
                self.report.stopped = "missing"
                return None
            if not mark_running(session, campaign.id, utcnow()):
                session.refresh(campaign)
                self.report.stopped = campaign.state
                return None
            return _Campaign(
                campaign.id,
                campaign.round,
                campaign.profile,
                campaign.org_id,
                campaign.discovery,
                campaign.created_by,
            )

    def _claim(self, limit: int) -> tuple[str, list[ClaimedTarget]]:
        with self.db.session() as session:
            state = session.scalar(_STATE, {"campaign": self.campaign_id})
            if state != "running":
                return state or "missing", []
            recover = time.monotonic() >= self.recover_at
            if recover:
                self.recover_at = time.monotonic() + RECOVER_SECONDS
            claimed = claim(
                session, self.campaign_id, limit=limit, politeness=self.rules, recover=recover
            )
            return "running", claimed

    def _until_due(self) -> float:
        """Seconds until the campaign's next queued target may be claimed (bounded)."""
        with self.db.session() as session:
            due = next_due(session, self.campaign_id)
        if due is None:
            return BUSY_POLL_SECONDS
        wait = (due - utcnow()).total_seconds()
        return min(BUSY_POLL_SECONDS, max(MIN_WAIT_SECONDS, wait))

    def _finish_or_wait(self) -> tuple[bool, float]:
        with self.db.session() as session:
            if finish_round(session, self.campaign_id, utcnow()):
                return True, 0.0
            due = next_due(session, self.campaign_id)
        if due is None:  # only leases of other runners (or expired ones) are left
            return False, IDLE_POLL_SECONDS
        return False, max(MIN_WAIT_SECONDS, (due - utcnow()).total_seconds())

    def _record_many(self, campaign: _Campaign, batch: list[_Done]) -> list[str]:
        """Record a batch: prepare and store its evidence first (no lock held), then its
        captures, target finishes and events in one transaction."""
        prepared: dict[int, Prepared] = {}  # the probes to record (the others are retried)
        here: list[Prepared] = []  # probed in this process: their blobs are stored now
        for index, item in enumerate(batch):
            if wants_retry(item.target, item.facts.status, self.rules):
                continue
            if item.prepared is not None:  # a fetch worker stored it already
                prepared[index] = item.prepared
            elif item.result is not None:
                prepared[index] = prepare(item.result, screenshot=item.shot, settings=self.settings)
                here.append(prepared[index])
        store(self.blobs, here)
        with self.db.session() as session:
            kept = held(session, [item.target for item in batch])
            entries = {
                index: Entry(
                    prepared[index],
                    actor_name=campaign.created_by,
                    org_id=campaign.org_id,
                    campaign_id=campaign.id,
                    target_id=item.target.id,
                    round=item.target.round,
                )
                for index, item in enumerate(batch)
                if index in prepared and item.target.id in kept
            }
            recorded = dict(
                zip(
                    entries,
                    insert_captures(session, list(entries.values()), discovery=campaign.discovery),
                    strict=True,
                )
            )
            finishes: list[tuple[ClaimedTarget, Finish]] = []
            outcomes: list[str] = []
            for index, item in enumerate(batch):
                if item.target.id not in kept:
                    outcomes.append("lost")
                    continue
                retry_after = parse_retry_after(item.facts.retry_after)
                capture = recorded.get(index)
                finishes.append(
                    (
                        item.target,
                        Finish(
                            outcome=capture.outcome if capture is not None else None,
                            capture_id=capture.id if capture is not None else None,
                            status=item.facts.status,
                            retry_after=retry_after,
                            error=item.facts.error if capture is not None else None,
                        ),
                    )
                )
                outcomes.append("recorded" if capture is not None else "retried")
            finish_many(session, finishes, politeness=self.rules, kept=kept)
            enqueue_classification(session, self.settings, list(recorded.values()))
            emit_captured(session, list(entries.values()), list(recorded.values()))
        return outcomes

    def _requeue(self, target: ClaimedTarget, error: str) -> str:
        with self.db.session() as session:
            return requeue(session, target, error=error, politeness=self.rules)

    def _fail(self, target: ClaimedTarget, error: str) -> str:
        with self.db.session() as session:
            kept = finish(
                session, target, Finish(outcome=None, error=error[:2000]), politeness=self.rules
            )
        return "failed" if kept else "lost"


def run_campaign(
    settings: Settings,
    db: Database,
    blobs: BlobStore,
    campaign_id: int,
    *,
    max_seconds: float | None = None,
    stop: threading.Event | None = None,
    heartbeat: Callable[[], None] | None = None,
    probe: ProbeFn | None = None,
) -> RunReport:
    """Run the campaign's current round until it is done, paused, stopped or out of time.

    ``probe`` replaces the network probe (``probe_url`` with one shared fetcher): the seam
    for a runner that probes by other means. Safe to run in several processes at once.
    """
    runner = _Runner(
        settings,
        db,
        blobs,
        campaign_id,
        max_seconds=max_seconds,
        stop=stop,
        heartbeat=heartbeat,
        probe=probe,
    )
    return asyncio.run(runner.run())


__all__ = ["ProbeFn", "RunReport", "run_campaign"]

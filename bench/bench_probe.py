"""Probing campaigns on the sample web against Scrapy: pages/s, the politeness ideal, memory.

The sample web (``generate(seed, hosts, pages_per_site=pages, hostile=False, named=())``:
1,000 hosts x 10 pages at scale ``full``) is served by a process of its own
(:func:`~jingwang.demo.sampleweb.serve_process`); jingwang's loopback DNS server answers its
names with a TTL of :data:`DNS_TTL` seconds, as a real zone would (the server's default of 1 s
is for tests that change answers), so the prober's resolver caches them as it would in use;
Scrapy asks no DNS at all (every name is the loopback address to it). Each side crawls the
same URL list once, with the same number of requests in flight, in a process of its own:

* jingwang: a list campaign in a fresh data dir (migrated SQLite database, file blob store)
  run by :mod:`bench.probe_worker` with the real runner: fetch, parse, WARC into the blob
  store, capture and evidence rows, the frontier's leases; the runner starts
  :data:`FETCH_WORKERS` fetch worker processes (one per core, ``probe_fetch_workers``), as a
  deployment on this machine would;
* Scrapy (``bench/scrapy/spider.py`` in ``.bench-venv``): fetch and parse only.

Images and favicons are off for both (``probe_max_subresources=0``; Scrapy follows nothing):
pages only, as the issue's "fetches, parses and writes WARC" reads. Screenshots are off.

Two runs: throughput-bound (no added latency, no per-host delay, any number of requests per
host) reports pages/s; politeness-bound (the server waits ``latency`` before each answer, one
request per host at a time and ``delay`` seconds between two requests to a host) reports each
side's time against the ideal the delays allow (:func:`ideal_seconds`). Memory: each side's
peak RSS (jingwang's runner and its fetch workers together), and jingwang's RSS when a
quarter, half, three quarters and all of the campaign is recorded (sampled from outside, every
``SAMPLE_SECONDS``), to show it stays flat.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.result import Result
from jingwang.accounts import Actor, create_org
from jingwang.accounts.demo import demo_config
from jingwang.accounts.schemas import OrgCreate
from jingwang.demo.dns import LoopbackDNS
from jingwang.demo.sampleweb import generate, serve_process
from jingwang.probe.campaigns import create_campaign
from jingwang.probe.models import Capture
from jingwang.settings import load_settings
from jingwang.store import create_database, upgrade

NAME = "probe"
PEER = "Scrapy (fetch + parse)"
ROOT = Path(__file__).resolve().parent.parent
SCRAPY_PYTHON = ROOT / ".bench-venv" / "bin" / "python"
SPIDER = ROOT / "bench" / "scrapy" / "spider.py"
SEED = 2009
PROFILE = "android"  # the same smartphone pages Scrapy's Android UA gets
SAMPLE_SECONDS = 0.25
RUN_TIMEOUT_S = 900.0
DNS_TTL = 300
FETCH_WORKERS = os.cpu_count() or 1  # jingwang's fetch worker processes (Scrapy has one process)


@dataclass(frozen=True, slots=True)
class Scale:
    hosts: int
    pages: int  # per host
    concurrency: int  # requests in flight, both sides
    latency_ms: float  # the politeness run's server latency
    delay_s: float  # the politeness run's pause between two requests to one host


SCALES = {
    "tiny": Scale(hosts=4, pages=3, concurrency=8, latency_ms=20, delay_s=0.3),
    "smoke": Scale(hosts=50, pages=4, concurrency=64, latency_ms=100, delay_s=2.0),
    # 1,000 hosts at one request per 20 s each ask for 50 pages/s at most: below what either
    # side can do here, so the run measures politeness, not throughput.
    "full": Scale(hosts=1000, pages=10, concurrency=64, latency_ms=100, delay_s=20.0),
}


@dataclass(frozen=True, slots=True)
class Setup:
    """One run's conditions: the server's latency, the politeness rules."""

    latency_ms: float
    delay_s: float
    concurrency: int

    @property
    def polite(self) -> bool:
        return self.delay_s > 0


@dataclass
class Crawl:
    """What one side's run did."""

    pages: int
    errors: int
    seconds: float
    peak_rss_mb: float
    rss_mb: list[float] = field(default_factory=list)  # at 25/50/75/100 % (empty: unknown)
    notes: str = ""

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def ideal_seconds(
    hosts: int, pages: int, latency_s: float, delay_s: float, in_flight: int
) -> float:
    """The shortest time the politeness rules allow for ``pages`` pages on each of ``hosts``.

    Per host, requests start at least ``delay_s`` apart (both sides count the delay from one
    request's start to the next, and one at a time: never closer than ``latency_s``), and the
    last one takes ``latency_s``; overall, ``in_flight`` requests of ``latency_s`` each at most
    at once.
    """
    per_host = (pages - 1) * max(delay_s, latency_s) + latency_s
    overall = hosts * pages * latency_s / in_flight
    return max(per_host, overall)


# Sampling memory from outside ------------------------------------------------------------------


def memory_mb(pid: int) -> tuple[float, float, int] | None:
    """The resident set of process ``pid`` and of every process it started (jingwang's fetch
    workers), now, the sum of their peaks so far (Linux ``/proc``: VmRSS, VmHWM; the sum of
    peaks is an upper bound of the peak of the sum), and how many processes that is.

    Its ``ru_maxrss`` would not do: Linux carries the parent's peak across fork and exec, so a
    child of a large benchmark process reports at least the parent's size.
    """
    own = _status_mb(pid)
    if own is None:
        return None
    (rss, peak), processes = own, 1
    for child in _children(pid):
        found = _status_mb(child)
        if found is not None:
            rss, peak, processes = rss + found[0], peak + found[1], processes + 1
    return rss, peak, processes


def _status_mb(pid: int) -> tuple[float, float] | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    found = {
        key: int(rest.split()[0]) / 1024
        for key, _, rest in (line.partition(":") for line in status.splitlines())
        if key in ("VmRSS", "VmHWM")
    }
    if len(found) != 2:
        return None
    return found["VmRSS"], found["VmHWM"]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from ``/proc/*/stat``)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return found


class Sampler:
    """Samples a child's RSS and progress (0..1) every ``SAMPLE_SECONDS`` in a thread."""

    def __init__(self, pid: int, progress: Callable[[], float]) -> None:
        self.samples: list[tuple[float, float, int]] = []  # (progress, RSS MiB, processes)
        self.peak_mb = 0.0  # the highest VmHWM seen
        self._pid, self._progress = pid, progress
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            memory = memory_mb(self._pid)
            if memory is not None:
                self.samples.append((self._progress(), memory[0], memory[2]))
                self.peak_mb = max(self.peak_mb, memory[1])

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def quartiles(self) -> list[float]:
        """RSS at the first sample reaching 25, 50, 75 and 100 %, taken while every process of
        the run was up (fetch workers exit as the runner ends, moments after 100 %); for 100 %
        the last such sample when none at 100 % caught them all."""
        if not self.samples:
            return []
        full = max(processes for _, _, processes in self.samples)
        whole = [(done, rss) for done, rss, processes in self.samples if processes == full]
        found: list[float] = []
        for mark in (0.25, 0.5, 0.75, 1.0):
            found += [rss for done, rss in whole if done >= mark][:1]
        if len(found) == 3:
            found.append(whole[-1][1])
        return found if len(found) == 4 else []


# The two sides -----------------------------------------------------------------------------------


def jingwang_settings(data_dir: Path, dns: str, setup: Setup) -> dict[str, Any]:
    """``load_settings`` keywords for one run (JSON-ready)."""
    return {
        "data_dir": str(data_dir),
        "database_url": f"sqlite:///{data_dir / 'jingwang.db'}",
        "queue_url": "memory://",
        "probe_resolver": dns,
        "probe_allow_loopback": True,
        "probe_allow_any_port": True,
        "probe_screenshots": False,
        "probe_max_subresources": 0,
        "probe_concurrency": setup.concurrency,
        "probe_fetch_workers": FETCH_WORKERS,
        "probe_host_concurrency": 1 if setup.polite else setup.concurrency,
        "probe_host_delay_seconds": setup.delay_s,
        "probe_lease_seconds": 600,
    }


def prepare_campaign(keywords: dict[str, Any], urls: Sequence[str]) -> int:
    """Migrate a fresh database, make an owning organisation and a list campaign; its id."""
    settings = load_settings(**keywords)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = create_database(settings.resolved_database_url)
    try:
        upgrade(db)
        system = Actor.system("bench")
        with db.session() as session:
            org = create_org(
                session,
                system,
                OrgCreate(name="Benchmark", kind="reporting_centre", province="CN"),
                demo_config(),
            )
            campaign, report = create_campaign(
                session,
                system,
                name="probing benchmark",
                profile=PROFILE,
                selection={"kind": "list"},
                urls=urls,
                org_id=org.id,
                start=False,
            )
            if report.added != len(urls):
                raise RuntimeError(f"the campaign took {report.added} of {len(urls)} URLs")
            return campaign.id
    finally:
        db.dispose()


def run_jingwang(
    urls: Sequence[str], dns: str, setup: Setup, work: Path, *, profile: Path | None = None
) -> Crawl:
    keywords = jingwang_settings(work / "data", dns, setup)
    campaign_id = prepare_campaign(keywords, urls)
    settings_file, out = work / "settings.json", work / "jingwang.json"
    settings_file.write_text(json.dumps(keywords), encoding="utf-8")
    command = [sys.executable, "-m", "bench.probe_worker", str(settings_file), str(campaign_id)]
    command += [str(out), *(["--profile", str(profile)] if profile else [])]
    database = Path(keywords["data_dir"]) / "jingwang.db"
    # A read-only connection of its own: the store's sessions BEGIN IMMEDIATE, which would
    # take the write lock from the runner every time the sampler looks.
    reader = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, check_same_thread=False)

    def progress() -> float:
        query = "SELECT count(*) FROM probe_captures WHERE campaign_id = ?"
        return int(reader.execute(query, (campaign_id,)).fetchone()[0]) / len(urls)

    db = create_database(keywords["database_url"])
    try:
        process = subprocess.Popen(command, cwd=ROOT, env=_env())
        with Sampler(process.pid, progress) as sampler:
            _wait(process, "the jingwang campaign runner")
        with db.session() as session:
            outcomes = dict(
                session.execute(
                    select(Capture.outcome, func.count())
                    .where(Capture.campaign_id == campaign_id)
                    .group_by(Capture.outcome)
                ).all()
            )
    finally:
        reader.close()
        db.dispose()
    done = json.loads(out.read_text(encoding="utf-8"))
    if done["stopped"] != "done" or done["errors"]:
        raise RuntimeError(f"the campaign did not finish cleanly: {done}")
    return Crawl(
        pages=int(outcomes.get("ok", 0)),
        errors=sum(n for outcome, n in outcomes.items() if outcome != "ok"),
        seconds=float(done["seconds"]),
        peak_rss_mb=sampler.peak_mb,
        rss_mb=sampler.quartiles(),
    )


def run_scrapy(urls: Sequence[str], port: int, setup: Setup, work: Path) -> Crawl | None:
    """Scrapy over the same URLs (every name answered with the loopback address); None when
    its venv is missing (``make .bench-venv/.installed`` builds it)."""
    if not SCRAPY_PYTHON.exists():
        return None
    listing, out = work / "urls.txt", work / "scrapy.json"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    command = [str(SCRAPY_PYTHON), str(SPIDER), str(listing), str(out)]
    command += ["--concurrency", str(setup.concurrency)]
    if setup.polite:
        command += ["--delay", str(setup.delay_s), "--per-host", "1"]
    process = subprocess.Popen(command, cwd=ROOT)
    with Sampler(process.pid, lambda: 0.0) as sampler:  # progress unknown: quartiles by time
        _wait(process, "Scrapy")
    done = json.loads(out.read_text(encoding="utf-8"))
    rss = [r for _, r, _ in sampler.samples]
    return Crawl(
        pages=int(done["pages"]),
        errors=int(done["errors"]),
        seconds=float(done["seconds"]),
        peak_rss_mb=sampler.peak_mb,
        rss_mb=[rss[min(len(rss) - 1, len(rss) * q // 4)] for q in (1, 2, 3, 4)] if rss else [],
    )


def _env() -> dict[str, str]:
    """This environment without JINGWANG_* (the worker's settings are all in its file)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINGWANG_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def _wait(process: subprocess.Popen[bytes], what: str) -> None:
    try:
        code = process.wait(RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise RuntimeError(f"{what} ran past {RUN_TIMEOUT_S:.0f} s and was killed") from None
    if code != 0:
        raise RuntimeError(f"{what} exited with status {code}")


# One run: serve, crawl with both ------------------------------------------------------------------


@dataclass
class Pair:
    setup: Setup
    ours: Crawl
    peer: Crawl | None


def crawl_both(scale: Scale, setup: Setup, work: Path) -> Pair:
    """Serve the web with the run's latency; crawl it with jingwang, then with Scrapy."""
    web = generate(SEED, scale.hosts, pages_per_site=scale.pages, hostile=False, named=())
    with (
        LoopbackDNS(web.zone(), ttl=DNS_TTL) as dns,
        serve_process(
            SEED,
            scale.hosts,
            pages_per_site=scale.pages,
            hostile=False,
            named=(),
            latency_ms=setup.latency_ms,
        ) as server,
    ):
        urls = web.urls(port=server.http_port)
        (work / "ours").mkdir()
        (work / "peer").mkdir()
        ours = run_jingwang(urls, dns.address, setup, work / "ours")
        peer = run_scrapy(urls, server.http_port, setup, work / "peer")
    return Pair(setup, ours, peer)


# Results --------------------------------------------------------------------------------------


def _mb(values: Sequence[float]) -> str:
    return "/".join(f"{v:,.0f}" for v in values) + " MiB" if values else "not sampled"


def _growth(values: Sequence[float]) -> float:
    return values[-1] - values[0] if values else 0.0


def results(scale: Scale, fast: Pair, polite: Pair) -> list[Result]:
    pages = scale.hosts * scale.pages
    where = f"{pages:,} pages over {scale.hosts:,} hosts, {scale.concurrency} in flight"
    peer_fast, peer_polite = fast.peer, polite.peer
    ideal = ideal_seconds(
        scale.hosts, scale.pages, scale.latency_ms / 1000, scale.delay_s, scale.concurrency
    )

    def of_ideal(crawl: Crawl | None) -> float | None:
        return None if crawl is None else crawl.seconds / ideal

    def done(crawl: Crawl | None) -> str:
        return "—" if crawl is None else f"{crawl.pages:,} ok, {crawl.errors} not"

    return [
        Result(
            "throughput-bound: pages/s (no latency, no delay)",
            fast.ours.rate,
            "pages/s",
            PEER,
            None if peer_fast is None else peer_fast.rate,
            notes=f"{where}; ours fetch+parse+WARC+DB rows ({FETCH_WORKERS} fetch workers), "
            "Scrapy fetch+parse; goal ≥ 1.5×; "
            f"ours {done(fast.ours)}, Scrapy {done(peer_fast)}",
        ),
        Result(
            "politeness-bound: time",
            polite.ours.seconds,
            "s",
            PEER,
            None if peer_polite is None else peer_polite.seconds,
            higher_is_better=False,
            notes=f"ideal {ideal:.1f} s: {scale.latency_ms:g} ms latency, {scale.delay_s:g} s "
            f"between requests to a host, 1 at a time; ours {done(polite.ours)}, "
            f"Scrapy {done(peer_polite)}",
        ),
        Result(
            "politeness-bound: time / ideal",
            of_ideal(polite.ours) or 0.0,
            "× ideal",
            PEER,
            of_ideal(peer_polite),
            higher_is_better=False,
            notes="goal: ours ≤ 1.10× the ideal",
        ),
        Result(
            "peak memory (RSS), throughput-bound run",
            fast.ours.peak_rss_mb,
            "MiB",
            PEER,
            None if peer_fast is None else peer_fast.peak_rss_mb,
            higher_is_better=False,
            notes="VmHWM read from /proc while it runs: ours the runner plus its fetch workers "
            "(the sum of their peaks), Scrapy its one process",
        ),
        Result(
            "RSS growth, 25 % → 100 % of the campaign",
            _growth(fast.ours.rss_mb),
            "MiB",
            PEER,
            None if peer_fast is None or not peer_fast.rss_mb else _growth(peer_fast.rss_mb),
            higher_is_better=False,
            notes=f"ours at 25/50/75/100 % recorded: {_mb(fast.ours.rss_mb)}; Scrapy at "
            f"25/50/75/100 % of its run time: {_mb(peer_fast.rss_mb if peer_fast else [])}",
        ),
    ]


def run(scale: str) -> list[Result]:
    chosen = SCALES[scale]
    with tempfile.TemporaryDirectory(prefix="jingwang-bench-probe-") as tmp:
        work = Path(tmp)
        (work / "fast").mkdir()
        (work / "polite").mkdir()
        fast = crawl_both(chosen, Setup(0.0, 0.0, chosen.concurrency), work / "fast")
        polite = crawl_both(
            chosen, Setup(chosen.latency_ms, chosen.delay_s, chosen.concurrency), work / "polite"
        )
    return results(chosen, fast, polite)


__all__ = ["NAME", "SCALES", "Crawl", "Scale", "Setup", "crawl_both", "ideal_seconds", "run"]

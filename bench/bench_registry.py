"""The registry at national size: import rate, full and incremental audits, connect-check latency.

:mod:`bench.registry_gen` makes the registry (1.78 M sites, 1.5 M filings, 200 k organisations,
3 M connections at scale ``full``) in a fresh SQLite database built by the migrations, and the
same rows as CSV files. The peer is DuckDB running the nine audit rules as plain SQL
(:mod:`bench.registry_duckdb`) on those CSV files loaded into memory: the full audit is timed
against it, side by side in one run, on the same data, and the two must find the same hits
(rule, key; the notes say whether they did). In order:

1. the first full audit (every finding new, so it also writes them all), then a second one on
   the same data (findings updated in place) — each against DuckDB's run of the rules;
2. a delta import changing 10 k connections, then an incremental audit;
3. the import rate: a delta import of 100 k connection rows (half changed, half new);
4. connect-check latency over 10 k random (domain, provider) pairs, p50 and p99.

The counts of 2 to 4 are those of ``full``; smaller scales use smaller ones (the tables below).
"""

from __future__ import annotations

import csv
import io
import random
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select, text

from bench import registry_duckdb
from bench.registry_gen import AS_OF, Registry, generate
from bench.result import Result
from jingwang.accounts.policy import Actor
from jingwang.registry import ImportMode, ImportOptions, import_csv
from jingwang.registry.audits import Mode, run_audit
from jingwang.registry.audits.engine import DEFAULT_MAX_SUBLET_DEPTH
from jingwang.registry.gate import check_connection
from jingwang.registry.models import Finding
from jingwang.store import Database, create_database

NAME = "registry"
PEER = "DuckDB, same rules as SQL"
IMPORT_ROWS = {"tiny": 200, "smoke": 2_000, "full": 100_000}
CHANGED_ROWS = {"tiny": 100, "smoke": 1_000, "full": 10_000}
CHECKS = {"tiny": 200, "smoke": 2_000, "full": 10_000}
PEER_REPEATS = 3  # DuckDB's best of three (cheap); each of our runs is measured once
HEADER = ("provider", "domain", "site", "customer", "ip_range", "contract_ref")
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    done = work()
    return done, time.perf_counter() - start


def audit(db: Database, mode: Mode) -> tuple[dict[str, set[str]], float]:
    """Run the audit (committed); its hits by rule, and the seconds the run took."""
    start = time.perf_counter()
    with db.session() as session:
        run = run_audit(session, Actor.system("bench"), mode=mode, on=AS_OF)
        run_id = run.id
    seconds = time.perf_counter() - start
    hits: dict[str, set[str]] = {}
    with db.session() as session:
        query = select(Finding.rule, Finding.key).where(
            Finding.last_run_id == run_id, Finding.state != "fixed"
        )
        for rule, key in session.execute(query):
            hits.setdefault(rule, set()).add(key)
    return hits, seconds


def differences(ours: dict[str, set[str]], peer: dict[str, set[str]]) -> int:
    """How many (rule, key) pairs only one side found."""
    rules = set(ours) | set(peer)
    return sum(len(ours.get(r, set()) ^ peer.get(r, set())) for r in rules)


def _providers_for(db: Database, rows: int, rng: random.Random, skip: set[int]) -> list[int]:
    """Providers (not in ``skip``) whose open connections add up to at least ``rows``."""
    query = text(
        "SELECT provider_org_id, count(*) FROM registry_connections WHERE valid_to IS NULL "
        "GROUP BY provider_org_id ORDER BY provider_org_id"
    )
    with db.session() as session:
        per: dict[int, int] = dict(session.execute(query).all())
    chosen, total = [], 0
    candidates = sorted(per)
    rng.shuffle(candidates)
    for provider in candidates:
        if provider in skip:
            continue
        chosen.append(provider)
        total += per[provider]
        if total >= rows:
            break
    return chosen


def connection_file(
    db: Database, changed: int, new: int, rng: random.Random, skip: set[int]
) -> tuple[bytes, set[int]]:
    """A connection CSV: ``changed`` open connections with a new contract reference, and ``new``
    connections of new domains by the same providers (at an address they already use)."""
    providers = _providers_for(db, changed, rng, skip)
    query = text(
        "SELECT o.name, d.name, s.name, c.customer, c.ip_range, c.contract_ref "
        "FROM registry_connections c JOIN registry_domains d ON d.id = c.domain_id "
        "JOIN organisations o ON o.id = c.provider_org_id "
        "LEFT JOIN registry_sites s ON s.id = c.site_id "
        "WHERE c.valid_to IS NULL AND c.provider_org_id IN "
        f"({', '.join(str(p) for p in providers)}) ORDER BY c.id"
    )
    with db.session() as session:
        current = [tuple(row) for row in session.execute(query)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for provider, domain, site, customer, ip_range, contract in current[:changed]:
        writer.writerow((provider, domain, site, customer, ip_range, f"{contract or 'C'}-R"))
    for n in range(new):
        provider, _, _, _, ip_range, _ = current[n % len(current)]
        domain = f"new{rng.randrange(16**8):08x}x{n}.test"
        writer.writerow((provider, domain, f"新站{n}", None, ip_range, f"N{n:08d}"))
    return out.getvalue().encode("utf-8"), set(providers)


def import_rows(db: Database, data: bytes) -> int:
    """Import ``data`` (delta, on the audit date) in one committed transaction; rows applied."""
    options = ImportOptions("connection", ImportMode.DELTA, as_of=AS_OF, file_name="bench.csv")
    with db.session() as session:
        report = import_csv(session, Actor.system("bench"), data, options)
    if not report.applied:
        raise RuntimeError(f"the benchmark's import was refused: {report.errors[:3]}")
    return report.added + report.changed


def check_latencies(
    db: Database, registry: Registry, count: int, rng: random.Random
) -> list[float]:
    """Seconds per :func:`check_connection` over ``count`` random (domain, provider) pairs."""
    names = registry.domain_names
    pairs = [
        (names[rng.randrange(1, len(names))], rng.choice(registry.access_orgs))
        for _ in range(count)
    ]
    latencies: list[float] = []
    with db.session() as session:
        for domain, provider in pairs[:100]:  # warm the caches first
            check_connection(session, domain, provider, AS_OF)
        for domain, provider in pairs:
            start = time.perf_counter()
            check_connection(session, domain, provider, AS_OF)
            latencies.append(time.perf_counter() - start)
    return latencies


def run(scale: str) -> list[Result]:
    folder = Path(tempfile.mkdtemp(prefix="jingwang-bench-registry-"))
    try:
        return _run(scale, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(scale: str, folder: Path) -> list[Result]:
    rng = random.Random(4)
    registry, generated = timed(lambda: generate(scale, folder))
    rows = sum(registry.counts.values())
    peer_db, loaded = timed(lambda: registry_duckdb.load(registry.csv_dir, registry.columns))
    peer_runs = [
        timed(lambda: registry_duckdb.run_rules(peer_db, AS_OF, DEFAULT_MAX_SUBLET_DEPTH))
        for _ in range(PEER_REPEATS)
    ]
    peer_db.close()
    peer_hits, peer_time = peer_runs[0][0], min(seconds for _, seconds in peer_runs)
    db = create_database(registry.url)
    first_hits, first = audit(db, "full")
    second_hits, second = audit(db, "full")
    found = sum(len(keys) for keys in first_hits.values())
    agree = differences(first_hits, peer_hits)

    changed_file, used = connection_file(db, CHANGED_ROWS[scale], 0, rng, set())
    changed_rows, changed_time = timed(lambda: import_rows(db, changed_file))
    _, incremental = audit(db, "incremental")

    half = IMPORT_ROWS[scale] // 2
    import_file, _ = connection_file(db, half, half, rng, used)
    imported, import_time = timed(lambda: import_rows(db, import_file))

    latencies = sorted(check_latencies(db, registry, CHECKS[scale], rng))
    db.dispose()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sizes = (
        f"{registry.counts['registry_sites']:,} sites, "
        f"{registry.counts['registry_icp_filings']:,} filing rows, "
        f"{registry.counts['organisations']:,} orgs, "
        f"{registry.counts['registry_connections']:,} connections"
    )
    same = "same hits" if agree == 0 else f"{agree:,} (rule, key) differ"
    return [
        Result(
            "generate + bulk load (sqlite3 executemany, CSV)",
            rows / generated,
            "rows/s",
            notes=f"{rows:,} rows in {generated:.0f} s: {sizes}",
        ),
        Result(
            "full audit, first run (all findings new)",
            first,
            "s",
            PEER,
            peer_time,
            higher_is_better=False,
            notes=f"{found:,} hits, {same}; DuckDB: best of {PEER_REPEATS} runs, "
            f"after loading the CSV files in {loaded:.1f} s",
        ),
        Result(
            "full audit, second run (findings updated)",
            second,
            "s",
            PEER,
            peer_time,
            higher_is_better=False,
            notes=f"{differences(second_hits, peer_hits):,} (rule, key) differ from DuckDB",
        ),
        Result(
            f"incremental audit after {changed_rows:,} changed connections",
            incremental,
            "s",
            notes=f"the delta import of them took {changed_time:.1f} s",
        ),
        Result(
            "import rate (connection CSV, delta)",
            imported / import_time,
            "rows/s",
            notes=f"{imported:,} rows (half changed, half new) in {import_time:.1f} s",
        ),
        Result(
            "connect-check latency p50",
            p50,
            "ms",
            higher_is_better=False,
            notes=f"{len(latencies):,} random (domain, provider) pairs",
        ),
        Result("connect-check latency p99", p99, "ms", higher_is_better=False),
        Result(
            "peak memory (RSS, whole run)",
            peak,
            "MiB",
            higher_is_better=False,
            notes="generator, DuckDB and our engine in one process",
        ),
    ]

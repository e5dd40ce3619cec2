"""The registry generator: the promised shapes, and DuckDB agreeing with our audits.

No timings are checked: the benchmark only records them (docs/benchmarks.md).
"""

from __future__ import annotations

import csv
import importlib
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import select

from jingwang.accounts.policy import Actor
from jingwang.classify.identifiers.icp import parse_icp
from jingwang.registry.audits import RULES, run_audit
from jingwang.registry.audits.engine import DEFAULT_MAX_SUBLET_DEPTH
from jingwang.registry.cells import ip_bounds, normalise_domain
from jingwang.registry.models import Finding
from jingwang.store import create_database, current_revision, head_revision

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT))  # bench/ sits next to src/, outside the package
        return importlib.import_module("bench.registry_gen")


@pytest.fixture(scope="module")
def registry(gen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return gen.generate("tiny", tmp_path_factory.mktemp("registry"))


def _rows(registry: Any, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(registry.db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_counts_follow_the_shape(gen: ModuleType, registry: Any) -> None:
    shape = gen.shape("tiny")
    counts = registry.counts
    assert counts["organisations"] == shape.organisations
    assert counts["registry_sites"] == shape.sites
    assert counts["registry_domains"] > shape.sites  # some sites have two domains
    numbers = _rows(registry, "SELECT count(DISTINCT number) FROM registry_icp_filings")
    assert numbers == [(shape.filings,)]
    assert counts["registry_connections"] > counts["registry_domains"]
    full = gen.shape("full")
    assert (full.sites, full.filings, full.organisations) == (1_780_000, 1_500_000, 200_000)


def test_the_database_is_migrated_and_csv_holds_the_same_rows(registry: Any) -> None:
    database = create_database(registry.url)
    try:
        assert current_revision(database) == head_revision(database)
    finally:
        database.dispose()
    for table, count in registry.counts.items():
        path = registry.csv_dir / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            assert sum(1 for _ in csv.reader(handle)) == count + 1, table
        assert _rows(registry, f"SELECT count(*) FROM {table}") == [(count,)]


def test_organisations_carriers_and_reseller_chains(registry: Any) -> None:
    kinds = dict(_rows(registry, "SELECT kind, count(*) FROM organisations GROUP BY kind"))
    assert kinds["carrier"] == 3
    assert {"access_provider", "idc", "reseller", "sp", "promotion_partner"} <= set(kinds)
    depth = _rows(
        registry,
        """WITH RECURSIVE up(id, depth) AS (
               SELECT id, 0 FROM organisations WHERE kind = 'reseller'
                   AND id NOT IN (SELECT parent_id FROM organisations WHERE parent_id IS NOT NULL)
               UNION ALL
               SELECT o.parent_id, up.depth + 1 FROM up JOIN organisations o ON o.id = up.id
               WHERE o.kind = 'reseller')
           SELECT max(depth) FROM up""",
    )
    assert depth == [(6,)]  # six reseller levels below an IDC or access provider


def test_ranges_nest_down_the_chain_and_bounds_match_ip_bounds(registry: Any) -> None:
    edges = _rows(
        registry,
        "SELECT ip_range, ip_lo, ip_hi FROM registry_sublet_edges UNION ALL "
        "SELECT ip_range, ip_lo, ip_hi FROM registry_connections WHERE ip_range IS NOT NULL",
    )
    assert edges
    for ip_range, low, high in edges:
        assert ip_bounds(str(ip_range)) == (low, high)
    outside = _rows(
        registry,
        """SELECT count(*) FROM registry_sublet_edges child
           JOIN registry_sublet_edges parent ON parent.child_org_id = child.parent_org_id
           WHERE child.valid_to IS NULL AND parent.valid_to IS NULL
             AND NOT (parent.ip_lo <= child.ip_lo AND child.ip_hi <= parent.ip_hi)""",
    )
    assert outside == [(0,)]


def test_filings_domains_and_history(registry: Any) -> None:
    for (number,) in _rows(registry, "SELECT number FROM registry_icp_filings LIMIT 200"):
        assert parse_icp(str(number)).canonical == number
    for (name,) in _rows(registry, "SELECT name FROM registry_domains LIMIT 200"):
        assert normalise_domain(str(name)) == name
    statuses = dict(_rows(registry, "SELECT status, count(*) FROM registry_icp_filings GROUP BY 1"))
    assert statuses["active"] > 10 * (statuses["revoked"] + statuses["expired"]) / 2
    closed = _rows(registry, "SELECT count(*) FROM registry_connections WHERE valid_to IS NOT NULL")
    assert closed[0][0] > 0


def test_generation_is_deterministic(gen: ModuleType, registry: Any, tmp_path: Path) -> None:
    again = gen.generate("tiny", tmp_path)
    for table in ("registry_connections", "registry_icp_filings", "registry_landings"):
        first = (registry.csv_dir / f"{table}.csv").read_bytes()
        assert (again.csv_dir / f"{table}.csv").read_bytes() == first


@pytest.mark.slow
@pytest.mark.parametrize("scale", ["tiny", "smoke"])
def test_duckdb_rules_find_what_our_audit_finds(
    gen: ModuleType, tmp_path: Path, scale: str
) -> None:
    """The same (rule, key) set; smoke (1/200) holds the rarer cases tiny may miss."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT))
        peer: ModuleType = importlib.import_module("bench.registry_duckdb")
    registry = gen.generate(scale, tmp_path)
    conn = peer.load(registry.csv_dir, registry.columns)
    try:
        theirs = peer.run_rules(conn, gen.AS_OF, DEFAULT_MAX_SUBLET_DEPTH)
    finally:
        conn.close()
    database = create_database(registry.url)
    try:
        with database.session() as session:
            run = run_audit(session, Actor.system("test"), mode="full", on=gen.AS_OF)
            rows = session.execute(
                select(Finding.rule, Finding.key).where(Finding.last_run_id == run.id)
            )
            ours = {(rule, key) for rule, key in rows}
    finally:
        database.dispose()
    assert set(theirs) == set(RULES) == set(peer.RULES)
    assert {(rule, key) for rule, keys in theirs.items() for key in keys} == ours
    assert all(keys for keys in theirs.values()), "every rule should find something"


@pytest.mark.slow
def test_the_benchmark_runs_at_tiny_scale() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT))
        runner = importlib.import_module("bench.runner")
        (benchmark,) = runner.discover("registry")
        results = benchmark.run("tiny")
    by_name = {result.name: result for result in results}
    assert all(result.ours > 0 for result in results)
    audit = by_name["full audit, first run (all findings new)"]
    assert audit.peer_value
    assert audit.ratio
    assert "same hits" in audit.notes

"""The probing benchmark at a tiny scale: both sides crawl every page, the table is complete.

Timings are never asserted (this machine's speed is not the code's); what must hold is that
the campaign records every URL, the ideal is computed as documented, and memory is sampled.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench_probe(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT))  # bench/ sits next to src/, outside the package
    return importlib.import_module("bench.bench_probe")


def test_the_ideal_is_the_per_host_chain_or_the_concurrency_bound(bench_probe: ModuleType) -> None:
    ideal = bench_probe.ideal_seconds
    # 1,000 hosts x 10 pages, 100 ms, 2 s apart: each host's chain of 9 gaps and one answer
    assert ideal(1000, 10, 0.1, 2.0, 64) == pytest.approx(18.1)
    # 1 s apart would need 100 requests in flight; 64 allow 10,000 x 0.1 / 64 s at best
    assert ideal(1000, 10, 0.1, 1.0, 64) == pytest.approx(15.625)
    # a delay shorter than the answer: one at a time per host, so the answers set the pace
    assert ideal(1, 5, 0.5, 0.1, 8) == pytest.approx(2.5)


def test_the_sampler_reports_quartiles_by_progress(bench_probe: ModuleType) -> None:
    sampler = bench_probe.Sampler(0, lambda: 0.0)
    sampler.samples = [
        (0.1, 100.0, 3), (0.3, 110.0, 3), (0.6, 111.0, 3), (0.8, 112.0, 3), (1.0, 113.0, 3)
    ]  # fmt: skip
    assert sampler.quartiles() == [110.0, 111.0, 112.0, 113.0]
    sampler.samples = [(0.1, 100.0, 1), (0.3, 110.0, 1)]  # the run ended between two samples
    assert sampler.quartiles() == []


def test_the_last_quartile_is_taken_before_the_fetch_workers_exit(bench_probe: ModuleType) -> None:
    sampler = bench_probe.Sampler(0, lambda: 0.0)
    sampler.samples = [
        (0.0, 120.0, 1),  # the runner alone, its workers not started yet
        (0.3, 380.0, 3), (0.6, 385.0, 3), (0.8, 388.0, 3), (0.99, 389.0, 3),
        (1.0, 144.0, 1),  # all recorded, the workers gone
    ]  # fmt: skip
    assert sampler.quartiles() == [380.0, 385.0, 388.0, 389.0]


@pytest.mark.slow
def test_both_sides_crawl_every_page_of_a_tiny_web(bench_probe: ModuleType, tmp_path: Path) -> None:
    scale = bench_probe.SCALES["tiny"]
    setup = bench_probe.Setup(scale.latency_ms, scale.delay_s, scale.concurrency)
    pair = bench_probe.crawl_both(scale, setup, tmp_path)
    pages = scale.hosts * scale.pages
    assert (pair.ours.pages, pair.ours.errors) == (pages, 0)
    assert pair.ours.seconds > 0
    assert pair.ours.peak_rss_mb > 0
    if pair.peer is not None:  # .bench-venv (Scrapy) is built by `make bench`, not by tests
        assert (pair.peer.pages, pair.peer.errors) == (pages, 0)
    # the delays are real: no host's three pages can come faster than two delays apart
    assert pair.ours.seconds >= (scale.pages - 1) * scale.delay_s

    results = bench_probe.results(scale, pair, pair)
    assert [r.unit for r in results] == ["pages/s", "s", "× ideal", "MiB", "MiB"]
    assert results[0].ours == pytest.approx(pages / pair.ours.seconds)

"""URL canonicalisation throughput: jingwang.core against w3lib (Scrapy's canonicaliser).

The two do different jobs on the same input: ours is Safe Browsing canonicalisation (for
hash-prefix lists); w3lib's ``canonicalize_url`` is Scrapy's deduplication key (it sorts
query arguments, keeps non-default ports, leaves numeric hosts alone). The comparison says
whether ours is fast enough to sit where Scrapy's does in a crawl.
"""

from __future__ import annotations

from collections.abc import Callable

from w3lib.url import canonicalize_url

from bench.mobile_urls import mobile_urls
from bench.result import Result, peak_bytes, rate
from jingwang.core import URLError, canonicalize, hashed_expressions

NAME = "url"
PEER = "w3lib canonicalize_url"
COUNTS = {"tiny": 200, "smoke": 2_000, "full": 200_000}
REPEATS = {"tiny": 1, "smoke": 3, "full": 3}
MEMORY_SAMPLE = 20_000


def _ours_full(url: str) -> object:
    return hashed_expressions(canonicalize(url))


def _ours(url: str) -> object:
    return canonicalize(url).url


def _peer(url: str) -> object:
    return canonicalize_url(url)


def _apply(urls: list[str], step: Callable[[str], object]) -> tuple[list[object], int]:
    """Results kept, and how many URLs the step refused."""
    kept: list[object] = []
    refused = 0
    for url in urls:
        try:
            kept.append(step(url))
        except (URLError, ValueError):
            refused += 1
    return kept, refused


def _timed(urls: list[str], step: Callable[[str], object]) -> Callable[[], int]:
    """Run ``step`` over every URL, discarding results (keeping millions skews GC timing)."""

    def work() -> int:
        for url in urls:
            try:  # noqa: SIM105  # contextlib.suppress costs more than the try in a timing loop
                step(url)
            except (URLError, ValueError):
                pass
        return len(urls)

    return work


def run(scale: str) -> list[Result]:
    urls = mobile_urls(COUNTS[scale])
    repeat = REPEATS[scale]
    peer_rate = rate(_timed(urls, _peer), repeat=repeat)
    refused = f"ours {_apply(urls, _ours)[1]}, peer {_apply(urls, _peer)[1]}"
    sample = urls[:MEMORY_SAMPLE]
    return [
        Result(
            "canonicalize + expressions + sha256",
            rate(_timed(urls, _ours_full), repeat=repeat),
            "URLs/s",
            PEER,
            peer_rate,
            notes="all expressions hashed; peer does canonicalisation only",
        ),
        Result(
            "canonicalize",
            rate(_timed(urls, _ours), repeat=repeat),
            "URLs/s",
            PEER,
            peer_rate,
            notes=f"{len(urls):,} URLs; refused: {refused}",
        ),
        Result(
            "peak memory, results kept",
            peak_bytes(lambda: _apply(sample, canonicalize)) / len(sample),
            "B/URL",
            PEER,
            peak_bytes(lambda: _apply(sample, _peer)) / len(sample),
            higher_is_better=False,
            notes=f"tracemalloc, {len(sample):,} URLs; ours CanonicalURL objects, peer str",
        ),
    ]

"""What a benchmark reports, and the two measurements every benchmark needs."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

SCALES = ("tiny", "smoke", "full")  # tiny is for the test suite: seconds at most


@dataclass(frozen=True, slots=True)
class Result:
    """One measured quantity of ours next to the same quantity of a peer (if any)."""

    name: str
    ours: float
    unit: str
    peer: str | None = None
    peer_value: float | None = None
    higher_is_better: bool = True
    notes: str = ""

    @property
    def ratio(self) -> float | None:
        """ours / peer: above 1 is better for rates, below 1 for sizes and times."""
        if self.peer_value is None or self.peer_value == 0:
            return None
        return self.ours / self.peer_value

    @property
    def verdict(self) -> str:
        if self.ratio is None:
            return ""
        if abs(self.ratio - 1) < 0.03:
            return "even"
        better = self.ratio >= 1 if self.higher_is_better else self.ratio <= 1
        return "ours better" if better else "peer better"


def rate(work: Callable[[], int], *, repeat: int) -> float:
    """Items per second of ``work`` (which returns how many items it did): best of ``repeat``."""
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        done = work()
        elapsed = time.perf_counter() - start
        best = max(best, done / elapsed if elapsed > 0 else 0.0)
    return best


def peak_bytes(work: Callable[[], object]) -> int:
    """Peak memory traced while ``work`` runs and builds its result (tracemalloc)."""
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


__all__ = ["SCALES", "Result", "peak_bytes", "rate"]

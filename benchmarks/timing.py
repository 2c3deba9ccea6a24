"""Best-of-N wall time, shared by the benchmarks (one warm-up run first, never asserted on)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(action: Callable[[], object], runs: int) -> float:
    """The fastest of ``runs`` timed calls after one warm-up (page cache, thread pools, lazy imports)."""
    action()
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best

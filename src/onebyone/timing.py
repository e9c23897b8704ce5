"""Timing for the notebooks and the benchmarks: medians, and labels nbval can recognise.

Notebooks print measured times with :func:`format_time` and :func:`format_ratio`; the
suffix "(measured)" is what tests/nbval_sanitize.cfg masks, since timings differ on
every run while everything else a notebook prints must not.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from onebyone import _validate as v


def median_seconds(action: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``repeat`` calls of ``action()``, in seconds."""
    if not callable(action):
        raise TypeError(f"action must be callable, got {v.describe(action)}")
    repeat = v.integer("repeat", repeat)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def format_time(seconds: float) -> str:
    """``"12.3 ms (measured)"``: a duration in the unit that reads best."""
    seconds = v.real_number("seconds", seconds)
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.1f} {unit} (measured)"
    return f"{seconds / 1e-9:.1f} ns (measured)"


def format_ratio(ratio: float) -> str:
    """``"8.1× (measured)"``: how many times faster (or larger) something was measured;
    from 10 on in whole numbers, grouped by thousands as the course writes numbers
    (``"1,972× (measured)"``): a timing is not that precise."""
    ratio = v.real_number("ratio", ratio)
    return f"{ratio:,.{1 if ratio < 10 else 0}f}× (measured)"

"""What the benchmark sections share: interleaved timing and the rows of the table."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of the table: a measurement, and the target it is held to (if any)."""

    section: str
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None  # None: no target, or not judged (quick mode)


def verdict(quick: bool, met: bool) -> bool | None:
    """Whether a target is met; None in quick mode, which checks only that things run."""
    return None if quick else bool(met)


def interleaved_medians(actions: dict[str, Callable[[], object]], repeat: int,
                        number: int = 1) -> dict[str, float]:
    """Median seconds per call of each action, timed in turns (A, B, A, B, ...).

    Turns matter on a noisy machine: a slow spell hits every action alike, so the
    ratios between them stay meaningful. Each turn starts with one untimed call, so
    that the thread pools of the library timed (numpy's BLAS, PyTorch's OpenMP) are
    awake and the previous library's are not in its way.
    """
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            action()
            start = time.perf_counter()
            for _ in range(number):
                action()
            times[name].append((time.perf_counter() - start) / number)
    return {name: statistics.median(t) for name, t in times.items()}


def torch_or_none() -> object | None:
    """PyTorch if it happens to be installed: an optional comparison, never a dependency."""
    # PyTorch's OpenMP threads otherwise keep spinning after each call and slow down
    # whatever numpy runs next on the same cores; it must be set before the import
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import torch
    except ImportError:
        return None
    return torch

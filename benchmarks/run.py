#!/usr/bin/env python3
"""Benchmarks of the course, printed as one table.

    python benchmarks/run.py          # measure (medians of repeated runs)
    python benchmarks/run.py --quick  # run every benchmark once: checks they work, not speed

Widget redraw: every explorer at its largest setting, kernel side: the callback
(recompute, draw) plus rendering the PNG shown in the browser. Target: <= 100 ms each.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from onebyone import widgets
from onebyone.timing import median_seconds

REDRAW_TARGET_MS = 100.0


def _largest(explorer: widgets.Explorer) -> Callable[[], None]:
    """Set every slider to its maximum; return an action that moves the first slider
    between its two largest values, as a person would, each move triggering a redraw."""
    sliders = list(explorer.controls.values())
    for slider in sliders:
        slider.value = slider.max
    first = sliders[0]

    def move() -> None:
        first.value = first.max - first.step if first.value == first.max else first.max

    return move


def widget_redraws(repeats: int) -> list[tuple[str, float, float]]:
    explorers = {
        "01 single_channel_explorer": widgets.single_channel_explorer,
        "02 multi_channel_explorer": widgets.multi_channel_explorer,
    }
    return [(f"redraw {name} (largest)", 1e3 * median_seconds(_largest(make()), repeats),
             REDRAW_TARGET_MS) for name, make in explorers.items()]


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run each; no verdicts")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 15
    rows = widget_redraws(repeats)
    print(f"{'benchmark':<48} {'median ms':>10} {'target ms':>10}  verdict")
    for name, ms, target in rows:
        verdict = "(quick)" if args.quick else ("ok" if ms <= target else "OVER")
        print(f"{name:<48} {ms:>10.1f} {target:>10.0f}  {verdict}")
    return rows


if __name__ == "__main__":
    main()

"""Every explorer stays bounded at the extremes of its sliders: under 1 s and 200 MB.

These bounds are limits of safety (a learner can reach any slider combination), far
above the 100 ms redraws the benchmarks measure; speed targets live in benchmarks/.
"""

from __future__ import annotations

import itertools
import time
import tracemalloc

import pytest

from onebyone import widgets

MAX_SECONDS, MAX_BYTES = 1.0, 200 * 2**20
ALL_CORNERS_UP_TO = 2  # sliders; with more, walk all-min, all-max and each alone at max


def _extremes(controls: dict) -> list[dict]:
    names = list(controls)
    # a choice (radio buttons, a selection slider) is bounded by its first and last option
    bounds = [(controls[n].options[0], controls[n].options[-1]) if hasattr(controls[n], "options")
              else (controls[n].min, controls[n].max) for n in names]
    if len(names) <= ALL_CORNERS_UP_TO:
        return [dict(zip(names, corner, strict=True)) for corner in itertools.product(*bounds)]
    low = {n: lo for n, (lo, _) in zip(names, bounds, strict=True)}
    high = {n: hi for n, (_, hi) in zip(names, bounds, strict=True)}
    return [low, high, *({**low, n: high[n]} for n in names)]


def test_every_explorer_is_found():
    assert {"single_channel_explorer", "multi_channel_explorer"} <= set(widgets.explorers())


@pytest.mark.parametrize("name", sorted(widgets.explorers()))
def test_extremes_stay_bounded(name):
    explorer = widgets.explorers()[name]()
    for setting in _extremes(explorer.controls):
        tracemalloc.start()
        start = time.perf_counter()
        for slider, value in setting.items():
            explorer.controls[slider].value = value
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        redraws = max(1, len(setting))
        assert elapsed / redraws < MAX_SECONDS, f"{setting}: {elapsed / redraws:.2f} s a redraw"
        assert peak < MAX_BYTES, f"{setting}: {peak / 2**20:.0f} MB"
        assert explorer.result is not None and bytes(explorer.image.value).startswith(b"\x89PNG")

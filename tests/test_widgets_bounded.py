"""Every explorer stays bounded at the extremes of its sliders: one redraw per move (a
stepper's: one for the settings it ends at, when its browser asks for the picture), a
picture of at most ``MAX_PIXELS`` pixels and ``MAX_PNG_BYTES`` bytes (what is sent to the
browser), and under ``MAX_BYTES`` of memory.

These bound the work a learner can cause (any slider combination is reachable), not the
seconds it takes: how fast a redraw is depends on the machine and on what else runs on
it, so speed targets live in benchmarks/ (``benchmarks/run.py``, section 3).
"""

from __future__ import annotations

import io
import itertools
import struct
import tracemalloc

import numpy as np
import pytest

from onebyone import widgets

MAX_BYTES = 200 * 2**20
MAX_PIXELS = 2_000 * 1_500
MAX_PNG_BYTES = 2 * 2**20
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


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, from its IHDR chunk."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR", png[:16]
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize("inches", [(3, 2), (2, 5)])
def test_png_size_reads_the_header(inches):
    from PIL import Image

    from onebyone import viz

    figure = viz.heatmap(np.array([[1, 2], [3, 4]]))
    figure.set_size_inches(*inches)
    png = viz.to_png(figure)
    assert png_size(png) == Image.open(io.BytesIO(png)).size
    width, height = png_size(png)
    assert (width < height) == (inches[0] < inches[1])


def test_every_explorer_is_found():
    assert {"single_channel_explorer", "multi_channel_explorer"} <= set(widgets.explorers())


@pytest.mark.slow  # seconds per explorer: every extreme, redrawn under tracemalloc
@pytest.mark.parametrize("name", sorted(widgets.explorers()))
def test_extremes_stay_bounded(name, monkeypatch):
    explorer = widgets.explorers()[name]()
    draws = []
    draw = explorer._draw
    monkeypatch.setattr(explorer, "_draw", lambda result: draws.append(1) or draw(result))
    for setting in _extremes(explorer.controls):
        moved = {s: v for s, v in setting.items() if explorer.controls[s].value != v}
        draws.clear()
        explorer.forget()  # a setting visited before would show the picture kept
        tracemalloc.start()
        for slider, value in moved.items():
            explorer.controls[slider].value = value
        png = explorer.png  # what the browser gets: a stepper's picture is drawn when asked
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # a stepper's picture is drawn once for the settings it ends at; others, per move
        redraws = min(len(moved), 1) if explorer.stepper else len(moved)
        assert len(draws) == redraws, f"{setting}: {len(draws)} redraws for {len(moved)} moves"
        assert peak < MAX_BYTES, f"{setting}: {peak / 2**20:.0f} MB"
        width, height = png_size(png)
        assert width * height <= MAX_PIXELS, f"{setting}: a picture of {width}×{height} pixels"
        assert len(png) <= MAX_PNG_BYTES, f"{setting}: {len(png) / 2**20:.1f} MB of PNG"
        assert explorer.result is not None

"""onebyone.timing and data.photo."""

from __future__ import annotations

import re
from configparser import ConfigParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from onebyone import data, timing

SANITIZE = Path(__file__).resolve().parent / "nbval_sanitize.cfg"


def _masked(text: str) -> str:
    """``text`` as nbval sees it after tests/nbval_sanitize.cfg."""
    config = ConfigParser()
    config.read(SANITIZE, encoding="utf-8")
    for section in config.sections():
        text = re.sub(config[section]["regex"], config[section]["replace"], text)
    return text


def test_median_seconds_calls_the_action_repeat_times():
    calls = []
    assert timing.median_seconds(lambda: calls.append(1), repeat=7) >= 0
    assert len(calls) == 7


@pytest.mark.parametrize(("seconds", "text"), [
    (2.5, "2.5 s (measured)"), (0.0123, "12.3 ms (measured)"),
    (3e-6, "3.0 µs (measured)"), (5e-9, "5.0 ns (measured)"), (0, "0.0 ns (measured)"),
])
def test_format_time(seconds, text):
    assert timing.format_time(seconds) == text


@pytest.mark.parametrize(("ratio", "text"), [
    (8.123, "8.1× (measured)"), (9.94, "9.9× (measured)"), (41.7, "42× (measured)"),
    (1972.04, "1,972× (measured)"), (123456.0, "123,456× (measured)"),
])
def test_format_ratio(ratio, text):
    assert timing.format_ratio(ratio) == text


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: timing.format_time(-1), ValueError, "seconds must be >= 0"),
    (lambda: timing.format_time(None), TypeError, "seconds must be a real number"),
    (lambda: timing.format_ratio("2"), TypeError, "ratio must be a real number"),
    (lambda: timing.median_seconds(3), TypeError, "action must be callable"),
    (lambda: timing.median_seconds(print, repeat=0), ValueError, "repeat must be positive"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_nbval_masks_measured_values_and_nothing_else():
    measured = f"loops: {timing.format_time(0.25)}, speedup {timing.format_ratio(41.7)}"
    other = f"loops: {timing.format_time(0.5)}, speedup {timing.format_ratio(3.0)}"
    assert _masked(measured) == _masked(other) != measured
    thousands = f"speedup {timing.format_ratio(5767.0)}"  # the thousands' comma too
    assert _masked(thousands) == _masked(f"speedup {timing.format_ratio(12345.0)}") != thousands
    counted = "counted: 9.7× fewer multiplications; 12 ms budget"
    assert _masked(counted) == counted


def test_nbval_masks_versions_only_in_version_lines():
    assert _masked("numpy 2.4.6\nPython 3.11.7") == _masked("numpy 1.26.0\nPython 3.10.2")
    assert _masked("numpy 2.4.6 arrays") == "numpy 2.4.6 arrays"


def test_photo_is_the_real_rgb_photo_at_full_size():
    from matplotlib import cbook

    with cbook.get_sample_data("grace_hopper.jpg") as file:
        expected = np.asarray(Image.open(file).convert("RGB"))
    photo = data.photo()
    assert photo.shape == (600, 512, 3) and photo.dtype == np.uint8
    np.testing.assert_array_equal(photo, expected)
    assert photo.std() > 20, "a real photo, not a blank image"


@pytest.mark.parametrize("max_size", [600, 160, 7, 1])
def test_photo_shrinks_to_max_size_keeping_the_aspect_ratio(max_size):
    photo = data.photo(max_size)
    assert max(photo.shape[:2]) == max_size
    assert photo.shape[1] / photo.shape[0] == pytest.approx(512 / 600, abs=1.0 / max_size)
    np.testing.assert_array_equal(photo, data.photo(max_size))


@pytest.mark.parametrize(("max_size", "error"), [(0, ValueError), (-5, ValueError),
                                                 (1.5, TypeError), ("160", TypeError)])
def test_photo_bad_max_size(max_size, error):
    with pytest.raises(error, match="max_size"):
        data.photo(max_size)

"""Colours mean what the words say.

Every figure of viz that uses a colour for a number is drawn with a known high and a
known low value; the pixels drawn there are read back from the rendered figure and
must look like the colour words of viz (:data:`viz.CMAP_WORDS`, :data:`viz.CLASS_MAP_WORDS`)
for high and low. Every such figure carries a key on the figure, a colour bar whose
ends look like those words, whose words say them, and whose end labels give the
scale's ends. Last, the notebooks' prose uses the same words: where it ties a colour to
a sign ("orange where a map is positive"), the sign is the one the colour is drawn for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import QuadMesh
from matplotlib.image import AxesImage

from onebyone import data, viz
from test_accessibility import VIZ_CASES as FIGURE_CASES
from test_accessibility import _call

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# The test's own eyes: what a colour word looks like, as (red, green, blue) in 0..1.
LOOKS: dict[str, Callable[[float, float, float], bool]] = {
    "orange": lambda r, g, b: r > g + 0.15 and g > b and r - b > 0.3,
    "purple": lambda r, g, b: b > g and r > g and b - g > 0.1,
    "white": lambda r, g, b: min(r, g, b) > 0.9,
    "dark blue": lambda r, g, b: b > r and b >= g and max(r, g, b) < 0.5,
    "yellow": lambda r, g, b: g > 0.75 and g - b > 0.4 and abs(r - g) < 0.15,
}


def test_the_eyes_tell_the_words_apart():
    samples = {"orange": (0.9, 0.6, 0.2), "purple": (0.4, 0.2, 0.6), "white": (1, 1, 1),
               "dark blue": (0.0, 0.14, 0.3), "yellow": (1.0, 0.92, 0.22)}
    for word, looks in LOOKS.items():
        assert [w for w, rgb in samples.items() if looks(*rgb)] == [word]


def test_every_colour_word_of_viz_has_eyes_here():
    for words in (viz.CMAP_WORDS, viz.CLASS_MAP_WORDS):
        assert {words.low, words.high, words.middle} - {None} <= set(LOOKS)


# -- reading the drawn pixels ---------------------------------------------------------

def rendered(fig) -> np.ndarray:
    """The figure drawn once: RGB in 0..1, row 0 at the top."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3] / 255.0


def pixel_at(fig, pixels: np.ndarray, ax, x: float, y: float) -> np.ndarray:
    """The drawn colour at data point (x, y) of ``ax``."""
    col, row = ax.transData.transform((x, y))
    return pixels[int(pixels.shape[0] - row), int(col)]


def assert_looks(rgb: np.ndarray, word: str, what: str) -> None:
    assert LOOKS[word](*rgb), f"{what}: drawn {np.round(rgb, 2).tolist()}, not {word}"


def keys(fig) -> list:
    """Every colour bar of the figure, in its axes or their children."""
    found = []
    for ax in fig.axes:
        for a in (ax, *ax.child_axes):
            if getattr(a, "_colorbar", None) is not None:
                found.append(a._colorbar)
    return found


def _number(label: str) -> float:
    return float(label.replace("−", "-").replace("±", ""))


def assert_key_says(fig, pixels: np.ndarray, words: viz.ColourWords, low: float,
                    high: float) -> None:
    """A key of the figure runs from ``low`` to ``high``: its ends are drawn in the
    colours its words name, its end labels give those values, its words say what the
    colours mean."""
    matching = [bar for bar in keys(fig) if bar.norm.vmin == pytest.approx(low)
                and bar.norm.vmax == pytest.approx(high)]
    ends = [(b.norm.vmin, b.norm.vmax) for b in keys(fig)]
    assert matching, f"no key from {low} to {high}, only {ends}"
    bar = matching[0]
    horizontal = bar.orientation == "horizontal"
    box = bar.ax.get_window_extent()
    for fraction, word in ((0.03, words.low), (0.97, words.high)):
        along = (box.x0 + fraction * box.width, (box.y0 + box.y1) / 2) if horizontal \
            else ((box.x0 + box.x1) / 2, box.y0 + fraction * box.height)
        rgb = pixels[int(pixels.shape[0] - along[1]), int(along[0])]
        assert_looks(rgb, word, f"the key's {'low' if fraction < 0.5 else 'high'} end")
    labels = [t.get_text() for t in (bar.ax.get_xticklabels() if horizontal
                                     else bar.ax.get_yticklabels())]
    assert _number(labels[0]) == pytest.approx(low, rel=1e-2, abs=1e-9)
    assert _number(labels[-1]) == pytest.approx(high, rel=1e-2, abs=1e-9)
    said = bar.ax.get_title() + bar.ax.get_xlabel() + bar.ax.get_ylabel()
    assert f"{words.low}: {words.low_means}" in said, said
    assert f"{words.high}: {words.high_means}" in said, said


# -- each figure, a known high and a known low value ----------------------------------

def check_heatmap(words: viz.ColourWords) -> None:
    matrix = np.array([[-3.0, 0.5], [1.0, 4.0]])
    fig = viz.heatmap(matrix, np.array([[2.0]]))
    pixels = rendered(fig)
    ax = fig.axes[0]
    assert_looks(pixel_at(fig, pixels, ax, 1.3, 1.3), words.high, "4, the highest")
    assert_looks(pixel_at(fig, pixels, ax, -0.3, -0.3), words.low, "−3, the lowest")
    assert_key_says(fig, pixels, words, -3.0, 4.0)


def check_montage(words: viz.ColourWords) -> None:
    volume = np.zeros((4, 4, 2))
    volume[:, :, 0], volume[:, :, 1] = -2.0, 5.0
    fig = viz.montage(volume, ncols=2)
    pixels = rendered(fig)
    ax = fig.axes[0]
    assert_looks(pixel_at(fig, pixels, ax, 1.5, 1.5), words.low, "channel 0, −2")
    assert_looks(pixel_at(fig, pixels, ax, 6.5, 1.5), words.high, "channel 1, 5")
    assert_key_says(fig, pixels, words, -2.0, 5.0)


def check_montages(words: viz.ColourWords) -> None:
    volume = np.zeros((4, 4, 1))
    volume[:2] = 1.0  # top half high, bottom half low
    fig = viz.montages(volume, 3 * volume - 1, max_height=40)
    pixels = rendered(fig)
    for image, low, high in zip(fig.images, (0.0, -1.0), (1.0, 2.0), strict=True):
        rows, cols = image.get_array().shape[:2]
        top = pixels.shape[0] - image.oy - rows
        assert_looks(pixels[top + 2, image.ox + cols // 2], words.high, "the top half")
        assert_looks(pixels[top + rows - 3, image.ox + cols // 2], words.low, "the bottom half")
        assert_key_says(fig, pixels, words, low, high)


def check_conv1x1_as_matmul(words: viz.ColourWords) -> None:
    x = np.zeros((2, 2, 2))
    x[0, 0] = [-1.0, 3.0]
    w = np.array([[1.0, -2.0], [0.5, 1.0]])
    fig = viz.conv1x1_as_matmul(x, w)
    pixels = rendered(fig)
    ax = fig.axes[0]
    matrix = x.reshape(4, 2)
    (corners,) = [m.get_coordinates() for m in ax.collections if isinstance(m, QuadMesh)
                  and np.asarray(m.get_array()).size == matrix.size
                  and np.array_equal(np.asarray(m.get_array()).reshape(4, 2), matrix)]
    centre = lambda i, j: (corners[i, j] + corners[i + 1, j + 1]) / 2  # noqa: E731
    assert_looks(pixel_at(fig, pixels, ax, *centre(0, 1)), words.high, "x's 3")
    assert_looks(pixel_at(fig, pixels, ax, *centre(0, 0)), words.low, "x's −1")
    z = matrix @ w
    for low, high in ((-1.0, 3.0), (-2.0, 1.0), (z.min(), z.max())):
        assert_key_says(fig, pixels, words, low, high)


def check_decision_maps(words: viz.ColourWords) -> None:
    grid = np.zeros((4, 4))
    grid[:, 2:] = 1.0  # class 1 on the right (red high)
    fig = viz.decision_maps(grid)
    pixels = rendered(fig)
    ax = next(a for a in fig.axes if a.images)
    assert_looks(pixel_at(fig, pixels, ax, 0.85, 0.4), words.high, "probability 1")
    assert_looks(pixel_at(fig, pixels, ax, 0.15, 0.4), words.low, "probability 0")
    assert_key_says(fig, pixels, words._replace(low_means="class 0", high_means="class 1"),
                    0.0, 1.0)


def check_volume_diagram(words: viz.ColourWords) -> None:
    face = np.full((20, 20), np.nan)
    face[:5] = -1.0
    face[5:10] = 2.0
    fig = viz.volume_diagram([(20, 20, 4)], [], values=[face])
    pixels = rendered(fig)
    ax = fig.axes[0]
    (paint,) = [im for im in ax.images if im.get_gid() == "box0-paint"]
    left, right, bottom, top = paint.get_extent()
    row = (top - bottom) / 20
    x = (left + right) / 2
    assert_looks(pixel_at(fig, pixels, ax, x, top - 2.5 * row), words.low, "row 2, −1")
    assert_looks(pixel_at(fig, pixels, ax, x, top - 7.5 * row), words.high, "row 7, 2")
    assert_key_says(fig, pixels, words, -1.0, 2.0)


def check_confusion(words: viz.ColourWords) -> None:
    matrix = np.array([[30, 0], [2, 25]])
    fig = viz.confusion(matrix)
    pixels = rendered(fig)
    ax = fig.axes[0]
    assert_looks(pixel_at(fig, pixels, ax, 0.3, 0.3), words.high, "30 images")
    assert_looks(pixel_at(fig, pixels, ax, 1.3, -0.3), words.low, "0 images")
    assert_key_says(fig, pixels, words._replace(low_means="few", high_means="many"), 0, 30)


def check_class_maps(words: viz.ColourWords) -> None:
    maps = np.zeros((1, 4, 4, 3))
    maps[0, :2, :, 1] = 5.0   # map 1: the top half for its class
    maps[0, 2:, :, 1] = -5.0  # the bottom half against
    fig = viz.class_maps(np.zeros((1, 8, 8)), maps, np.array([1]))
    pixels = rendered(fig)
    ax = fig.axes[3]  # the digit, a spacer, map 0, map 1
    assert_looks(pixel_at(fig, pixels, ax, 1.5, 0.5), words.high, "a positive map pixel")
    assert_looks(pixel_at(fig, pixels, ax, 1.5, 2.5), words.low, "a negative map pixel")
    assert_looks(pixel_at(fig, pixels, fig.axes[2], 1.5, 1.5), words.middle, "a map of 0")
    assert_key_says(fig, pixels, words, -5.0, 5.0)


def check_canvas_class_maps(words: viz.ColourWords) -> None:
    maps = np.zeros((2, 6, 2))
    maps[:, :3, 0], maps[:, 3:, 0] = 4.0, -4.0
    fig = viz.canvas_class_maps(np.zeros((4, 12)), maps, [(0, 3), (3, 6)])
    pixels = rendered(fig)
    ax = fig.axes[1]  # the canvas, then class 0's map
    assert_looks(pixel_at(fig, pixels, ax, 1, 0.5), words.high, "a positive map pixel")
    assert_looks(pixel_at(fig, pixels, ax, 4, 0.5), words.low, "a negative map pixel")
    assert_looks(pixel_at(fig, pixels, fig.axes[2], 1, 0.5), words.middle, "a map of 0")
    assert_key_says(fig, pixels, words, -4.0, 4.0)


VALUE_COLOURS = {"heatmap": check_heatmap, "montage": check_montage,
                 "montages": check_montages, "conv1x1_as_matmul": check_conv1x1_as_matmul,
                 "decision_maps": check_decision_maps, "volume_diagram": check_volume_diagram,
                 "confusion": check_confusion}
CLASS_MAP_COLOURS = {"class_maps": check_class_maps,
                     "canvas_class_maps": check_canvas_class_maps}


@pytest.mark.parametrize("name", sorted(VALUE_COLOURS))
def test_values_are_drawn_in_the_colours_the_words_say(name):
    VALUE_COLOURS[name](viz.CMAP_WORDS)


@pytest.mark.parametrize("name", sorted(CLASS_MAP_COLOURS))
def test_class_maps_are_orange_where_positive_and_purple_where_negative(name):
    words = viz.CLASS_MAP_WORDS
    assert (words.high, words.low) == ("orange", "purple")  # what the prose says
    CLASS_MAP_COLOURS[name](words)


@pytest.mark.parametrize("name", sorted(CLASS_MAP_COLOURS))
def test_the_check_catches_class_maps_painted_backwards(name, monkeypatch):
    # "PuOr", the colormap the course once had, paints high values purple
    monkeypatch.setattr(viz.digits, "CLASS_MAP_WORDS", viz.CLASS_MAP_WORDS._replace(cmap="PuOr"))
    with pytest.raises(AssertionError, match="not orange"):
        CLASS_MAP_COLOURS[name](viz.digits.CLASS_MAP_WORDS)


def test_the_check_catches_a_key_in_the_wrong_words():
    backwards = viz.CMAP_WORDS._replace(low="yellow", high="dark blue")
    with pytest.raises(AssertionError):
        check_heatmap(backwards)


def test_the_class_maps_key_says_where_the_scale_is_clipped():
    maps = np.zeros((1, 10, 10, 2))
    maps[0, :, :, 0] = np.arange(100).reshape(10, 10)
    maps[0, 0, 0, 0] = 10_000  # one extreme pixel: the scale clips it
    fig = viz.class_maps(np.zeros((1, 8, 8)), maps, np.array([0]))
    (bar,) = keys(fig)
    scale = np.percentile(np.abs(maps), 98)
    assert bar.norm.vmax == pytest.approx(scale) and scale < 100
    assert f"clipped at ±{scale:.3g}, the 98th percentile of |values|" in bar.ax.get_xlabel()
    assert f"clipped at ±{scale:.3g}, the 98th percentile of |values|" in fig.alt


# -- every figure that colours values has a key for each of its scales ----------------

def coloured_scales(fig) -> set[tuple[str, float, float]]:
    """The colour scales of the artists that colour values: images of numbers (not
    RGB, not grey pictures) and meshes of cells, outside the keys."""
    scales = set()
    for ax in fig.axes:
        if getattr(ax, "_colorbar", None) is not None:
            continue
        for artist in (*ax.images, *ax.collections):
            if not isinstance(artist, (AxesImage, QuadMesh)) or artist.get_array() is None:
                continue
            if np.ndim(artist.get_array()) != 2 and isinstance(artist, AxesImage):
                continue  # RGB: a photo
            if artist.get_cmap().name in ("gray", "gray_r"):
                continue  # a grey picture: a digit, a photo's channel
            scales.add((artist.get_cmap().name, round(artist.norm.vmin, 9),
                        round(artist.norm.vmax, 9)))
    return scales


def keyed_scales(fig) -> set[tuple[str, float, float]]:
    return {(bar.cmap.name, round(bar.norm.vmin, 9), round(bar.norm.vmax, 9))
            for bar in keys(fig)}


@pytest.mark.parametrize("case", FIGURE_CASES, ids=lambda c: c.func.__name__)
def test_every_scale_a_figure_colours_values_on_has_its_key(case):
    fig = _call(case)
    assert coloured_scales(fig) <= keyed_scales(fig)


def test_every_figure_that_colours_values_is_read_back_above():
    colouring = {case.func.__name__ for case in FIGURE_CASES if coloured_scales(_call(case))}
    colouring |= {"montages", "volume_diagram"}  # figimage; painted only with many values
    assert colouring <= set(VALUE_COLOURS) | set(CLASS_MAP_COLOURS)


def test_explorers_painted_faces_carry_keys():
    x = data.feature_volume(8, seed=0)
    fig = viz.volume_diagram([x.shape, (1, 1, 8, 4), (28, 28, 4)], ["∗", "="],
                             values=[x[:, :, 0], None, np.maximum(x[:, :, 1] - 0.5, 0)])
    assert len(keys(fig)) == 2 and coloured_scales(fig) <= keyed_scales(fig)


# -- the prose uses the same words ----------------------------------------------------

HIGH_SIGNS = {"positive", "above", "high", "higher", "for class", "many", "more"}
LOW_SIGNS = {"negative", "below", "low", "lower", "against", "few", "less"}
SIGN = re.compile(r"\bfor (?:its |the |that |a )?class\b|\b[a-z]+\b")
"""A sign word, or "for (its) class": "for" alone ties a colour to a value ("dark blue
for 0"), not to a sign."""


def colour_claims(text: str, words: viz.ColourWords) -> list[tuple[str, str, str]]:
    """Each place ``text`` ties a colour of ``words`` to a sign: (colour, sign word,
    sentence), the sign being the first of HIGH_SIGNS or LOW_SIGNS after the colour,
    before the next colour word or the end of the sentence."""
    colours = [c for c in (words.high, words.low, words.middle) if c]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, colours)) + r")\b", re.IGNORECASE)
    claims = []
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n\s*\n", text):
        found = list(pattern.finditer(sentence))
        for k, match in enumerate(found):
            end = found[k + 1].start() if k + 1 < len(found) else len(sentence)
            signs = [w for w in (("for class" if m.startswith("for ") else m) for m in
                                 SIGN.findall(sentence[match.end():end].lower()))
                     if w in HIGH_SIGNS | LOW_SIGNS]
            if signs:
                claims.append((match.group(1).lower(), signs[0], sentence))
    return claims


def wrong_claims(text: str, words: viz.ColourWords) -> list[str]:
    wrong = []
    for colour, sign, sentence in colour_claims(text, words):
        expected = {words.high: HIGH_SIGNS, words.low: LOW_SIGNS}.get(colour)
        if expected is not None and sign not in expected:
            wrong.append(f"{colour!r} said with {sign!r}: {sentence.strip()!r}")
    return wrong


def test_the_prose_check_reads_what_a_sentence_ties_to_a_colour():
    words = viz.CLASS_MAP_WORDS
    right = ("A row's maps share one colour scale centred on 0: orange where a map is "
             "positive, evidence for its class, purple where it is negative, evidence "
             "against. Each class's map (orange above 0, purple below).")
    assert len(colour_claims(right, words)) == 4 and not wrong_claims(right, words)
    backwards = "purple where a map is positive, evidence for its class; orange below 0."
    assert len(wrong_claims(backwards, words)) == 2
    assert not colour_claims("the winning class is orange on some pixels", words)
    # "for" ties a colour to a value, "for its class" to a sign
    assert not colour_claims("from purple for 0 to orange for the largest value", words)
    assert wrong_claims("purple for the class k", words)


def markdown_of_the_course() -> dict[str, str]:
    return {path.name: "\n\n".join("".join(cell["source"]) for cell in
                                   json.loads(path.read_text(encoding="utf-8"))["cells"]
                                   if cell["cell_type"] == "markdown")
            for path in sorted(NOTEBOOKS.glob("*.ipynb"))}


def test_the_notebooks_prose_uses_the_figures_colour_words():
    wrong, tied = [], []
    for name, text in markdown_of_the_course().items():
        for words in (viz.CLASS_MAP_WORDS, viz.CMAP_WORDS):
            wrong += [f"{name}: {w}" for w in wrong_claims(text, words)]
            tied += [(name, colour) for colour, _, _ in colour_claims(text, words)]
    assert not wrong, "\n".join(wrong)
    # not vacuous: 09 and 10 tie orange and purple to the class maps' signs
    assert {("09_training_nin.ipynb", "orange"), ("09_training_nin.ipynb", "purple"),
            ("10_modern_1x1.ipynb", "orange"), ("10_modern_1x1.ipynb", "purple")} <= set(tied)

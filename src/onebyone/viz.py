"""Plots for the course. Each function returns a :class:`matplotlib.figure.Figure`.

Figures are built without pyplot, so nothing accumulates in pyplot's global state when
widgets redraw; Jupyter displays a returned Figure like any other value. Colours come
from ``cividis``, a colormap designed to read the same with colour-vision deficiency.

Wherever a colour stands for a number, the figure carries a key: a colour bar that says
in words what its colours mean (:data:`CMAP_WORDS`, :data:`CLASS_MAP_WORDS`, the one
source for those words), the values at its ends, and where the scale is clipped. Panels
that are compared share one scale. Photos and digits are pictures, drawn in their own
colours or in grey from black to white, without a key.

Each figure's text alternative, ``Figure.alt``, says what it shows with the few numbers
that matter, at most :data:`ALT_MAX_NUMBERS` of them; a value not computed yet (NaN) is
"not yet computed".
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import math
import re
from typing import NamedTuple

import matplotlib
import matplotlib.figure
import numpy as np
from matplotlib.ticker import MaxNLocator

from onebyone import _validate as v
from onebyone.cost import BottleneckCost
from onebyone.ops import conv1x1, fiber_dot


class Figure(matplotlib.figure.Figure):
    """A matplotlib Figure with ``alt``, a text alternative: what the figure shows, with
    the numbers that matter, written by the function that drew it.

    In Jupyter it displays as an HTML ``<img>`` of the PNG the inline backend would make
    (cropped to the drawing, as ``bbox_inches="tight"``), carrying ``alt``: JupyterLab
    and the course's website show it, and a screen reader reads what the picture shows.
    The PNG is not stored a second time as ``image/png``, which would double the size of
    every notebook and which JupyterLab shows without any text alternative.
    """

    alt: str = ""

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        from IPython import get_ipython  # only where Jupyter displays
        from IPython.core.pylabtools import print_figure

        shell = get_ipython()
        if shell is not None:  # the inline backend would add the PNG again, as image/png
            shell.display_formatter.formatters["image/png"].for_type(Figure, lambda _: None)
        source = base64.b64encode(print_figure(self, "png", bbox_inches="tight"))
        return {"text/plain": repr(self),
                "text/html": f'<img src="data:image/png;base64,{source.decode("ascii")}" '
                             f'alt="{html.escape(self.alt)}">'}


class ColourWords(NamedTuple):
    """A colormap and what its colours mean, in the words the figures' keys and the
    notebooks' prose use (tests check both against the colours drawn)."""

    cmap: str
    """matplotlib's name for the colormap"""
    low: str
    """the colour of the lowest values, in words"""
    high: str
    """the colour of the highest values, in words"""
    low_means: str
    """what the low colour says, e.g. ``"against the class"``"""
    high_means: str
    """what the high colour says"""
    middle: str | None = None
    """the colour of 0 on a scale centred on 0, or None"""


CMAP_WORDS = ColourWords("cividis", low="dark blue", high="yellow", low_means="low",
                         high_means="high")
"""The course's colormap for values: dark blue low, yellow high."""
CMAP = CMAP_WORDS.cmap
CLASS_MAP_WORDS = ColourWords("PuOr_r", low="purple", high="orange",
                              low_means="against the class", high_means="for the class",
                              middle="white")
""":func:`class_maps` and :func:`canvas_class_maps`: orange where a map is positive,
evidence for its class, purple where it is negative, evidence against, white at 0; a
diverging colormap that reads the same with the common colour-vision deficiencies."""
DPI = 80
ALT_MAX_NUMBERS = 40
"""A figure's text alternative holds at most this many numbers (a shape such as 6×6×32
counts as three): a screen reader's user wants what the figure shows, not a dump."""
MAX_ANNOTATED = 15 * 15
"""Matrices with more cells than this are drawn without numbers (they would not fit)."""


def _number_format(matrix: np.ndarray) -> str:
    finite = matrix[np.isfinite(matrix)]
    whole = finite.size == 0 or np.all(finite == np.round(finite))
    return "{:.0f}" if whole else "{:.2f}"


def _annotate(ax, matrix: np.ndarray, image, fmt: str) -> None:
    """Write each value in its cell, dark on light colours and light on dark ones."""
    rgba = image.cmap(image.norm(matrix))
    luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=9,
                color="black" if luminance[i, j] > 0.5 else "white")


def _span(*arrays: np.ndarray) -> tuple[float, float]:
    """One colour scale for ``arrays``: from their smallest to their largest finite
    value; from 0 to that value when all are equal, ``(0, 1)`` when they are all 0 or
    none is finite."""
    finite = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    finite = finite[np.isfinite(finite)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    if low == high:
        low, high = min(low, 0.0), max(high, 0.0)
    return (low, high) if low < high else (0.0, 1.0)


def _end(value: float, fmt: str) -> str:
    return fmt.format(value).replace("-", "−")


def _colour_key(parent, rect: tuple[float, float, float, float], mappable,
                words: ColourWords, what: str, *, fmt: str = "{:.3g}",
                note: str | None = None) -> None:
    """A colour bar that says what its colours mean, at ``rect`` (left, bottom, width,
    height in figure fractions): ``what`` and the colours' words (:class:`ColourWords`)
    above it, the values at its ends (and 0 on a scale centred on 0) at its ends, and
    ``note`` (say, where the scale is clipped) under it; vertical when ``rect`` is taller
    than wide, with the words beside it.

    A child of the axes ``parent``, so that it is drawn and cropped with the figure,
    and ``fig.axes`` keeps the figure's panels only.
    """
    fig = parent.figure
    cax = parent.inset_axes(rect, transform=fig.transFigure)
    horizontal = rect[2] * fig.get_figwidth() >= rect[3] * fig.get_figheight()
    bar = fig.colorbar(mappable, cax=cax, orientation="horizontal" if horizontal else "vertical")
    low, high = mappable.norm.vmin, mappable.norm.vmax
    ticks = [low, 0.0, high] if words.middle else [low, high]
    bar.set_ticks(ticks, labels=[_end(t, fmt) for t in ticks])
    bar.ax.tick_params(labelsize=8, length=2, pad=1)
    bar.outline.set_linewidth(0.5)
    middle = f", {words.middle}: 0" if words.middle else ""
    meaning = f"{words.low}: {words.low_means}{middle}, {words.high}: {words.high_means}"
    if horizontal:
        cax.set_title(f"{what}: {meaning}", fontsize=8, pad=3)
        if note:
            cax.set_xlabel(note, fontsize=8, labelpad=1)
    else:
        bar.set_label(f"{what}\n{meaning}" + (f"\n{note}" if note else ""), fontsize=8)


def _key_words(words: ColourWords, low: float, high: float, fmt: str = "{:.3g}") -> str:
    """A colour scale in a text alternative: ``dark blue 0 to yellow 1``."""
    return f"{words.low} {_end(low, fmt)} to {words.high} {_end(high, fmt)}"


# -- text alternatives: what a figure shows, in words ----------------------------------

def _sizes(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)


ALL_NUMBERS = 12
"""A text alternative lists every number of a matrix of at most this many cells; of a
larger one, the first row (at most :data:`ALT_ROW` numbers) and the range."""
ALT_ROW = 8
NOT_COMPUTED = "not yet computed"
"""What a text alternative says for a NaN cell: a value not computed yet."""
_NUMBER = re.compile(r"[−-]?\d+(?:[.,]\d+)*")


def _row_words(row: np.ndarray, fmt: str) -> str:
    """Numbers of one row, a run of NaN said once: ``2 4 (4 not yet computed)``."""
    words, missing = [], 0
    for value in row:
        if np.isnan(value):
            missing += 1
            continue
        if missing:
            words.append(f"({missing} {NOT_COMPUTED})")
            missing = 0
        words.append(fmt.format(value))
    if missing:
        words.append(f"({missing} {NOT_COMPUTED})" if words else
                     f"all {missing} {NOT_COMPUTED}" if missing > 1 else NOT_COMPUTED)
    return " ".join(words)


def _numbers(matrix: np.ndarray, extent: bool = True) -> str:
    """A matrix's numbers as a reader needs them: every row when there are at most
    :data:`ALL_NUMBERS` (rows separated by " / "), else the first row (its first
    :data:`ALT_ROW` numbers) and, with ``extent``, the range; NaN is said to be not yet
    computed."""
    matrix = np.atleast_2d(np.asarray(matrix, dtype=float))
    fmt = _number_format(matrix)
    if matrix.size == 1:
        return "value " + _row_words(matrix[0], fmt)
    if matrix.size <= ALL_NUMBERS:
        return "rows " + " / ".join(_row_words(row, fmt) for row in matrix)
    first = _row_words(matrix[0, :ALT_ROW], fmt) + (" …" if matrix.shape[1] > ALT_ROW else "")
    return f"first row {first}" + (f"; {_range(matrix, fmt)}" if extent else "")


def _range(values: np.ndarray, fmt: str = "{:.3g}") -> str:
    """``values from a to b`` (``every value a`` if all are equal), with how many are
    not yet computed (NaN)."""
    finite = values[np.isfinite(values)]
    missing = int(np.isnan(values).sum())
    if not finite.size:
        return f"all {NOT_COMPUTED}" if missing else "no finite values"
    low, high = fmt.format(finite.min()), fmt.format(finite.max())
    text = f"every value {low}" if low == high else f"values from {low} to {high}"
    if missing:
        text += f", {values.size - missing} of {values.size} computed, the rest {NOT_COMPUTED}"
    return text


def _count_numbers(text: str) -> int:
    """How many numbers ``text`` holds: ``-1.5``, ``120,422,400`` and ``2`` count one
    each, a shape ``6×6×32`` three."""
    return len(_NUMBER.findall(text))


def _listed(items: list[str], budget: int = ALT_MAX_NUMBERS - 10) -> str:
    """Items joined by "; ", as many as hold at most ``budget`` numbers together (the
    rest of a text alternative keeps the others), then how many are left out."""
    items = list(items)
    kept, numbers = [], 0
    for item in items:
        numbers += _count_numbers(item)
        if kept and numbers > budget:
            break
        kept.append(item)
    left = len(items) - len(kept)
    return "; ".join(kept) + (f"; and {left} more" if left else "")


def heatmap(*matrices: np.ndarray, titles: list[str] | None = None,
            fmt: str | None = None) -> Figure:
    """Annotated heatmaps of one or more 2-D matrices, side by side, on one colour scale.

    Panels side by side are compared, so they share one colour scale, from the smallest
    to the largest finite value of all of them: a colour means the same number in every
    panel. A key under the panels gives its ends.

    Parameters
    ----------
    *matrices : ndarray, shape ``(n_H, n_W)`` each
        Real numbers. Cells are annotated with their values when a matrix has at most
        ``MAX_ANNOTATED`` cells.
    titles : list of str, optional, one per matrix
    fmt : str, optional
        Format for the annotations, e.g. ``"{:.1f}"``; by default whole numbers are
        written without decimals and others with two.

    Returns
    -------
    Figure
        ``fig.axes`` holds one panel per matrix; the key is a child of the first.
    """
    if not matrices:
        raise TypeError("matrices: heatmap needs at least one matrix, got none")
    arrays = [v.real_array(f"matrices[{k}]", m, ndim=(2,), layout="(n_H, n_W)")
              for k, m in enumerate(matrices)]
    if titles is not None and (isinstance(titles, str) or len(titles) != len(arrays)):
        raise ValueError(f"titles must be a list of {len(arrays)} strings, got {titles!r}")
    if fmt is not None and not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '{{:.1f}}', got {v.describe(fmt)}")
    low, high = _span(*arrays)
    key_height = 0.75  # inches under the panels: the key and its words
    fig = Figure(figsize=(max(3.0 * len(arrays), 4.0), 3.2 + key_height), dpi=DPI)
    height = fig.get_figheight()
    # a fixed layout: constrained layout would cost a second draw on every redraw
    fig.subplots_adjust(left=0.03, right=0.97, bottom=(key_height + 0.03) / height,
                        top=1 - 0.38 / height, wspace=0.08)
    axes = fig.subplots(1, len(arrays), squeeze=False)[0]
    for k, (ax, matrix) in enumerate(zip(axes, arrays, strict=True)):
        image = ax.imshow(matrix, cmap=CMAP, vmin=low, vmax=high)
        if matrix.size <= MAX_ANNOTATED:
            _annotate(ax, matrix, image, fmt or _number_format(matrix))
        ax.set_axis_off()  # tick labels cost more to draw than the numbers in the cells
        if titles is not None:
            ax.set_title(titles[k])
    width = min(3.0, fig.get_figwidth() - 1.0) / fig.get_figwidth()
    end_format = _number_format(np.array([low, high]))
    _colour_key(axes[0], ((1 - width) / 2, 0.2 / height, width, 0.12 / height), image,
                CMAP_WORDS, "value" if len(arrays) == 1 else "one scale for every panel",
                fmt=end_format)
    scale = _key_words(CMAP_WORDS, low, high, end_format)
    fig.alt = ((f"Heatmaps on one colour scale, {scale}: " if len(arrays) > 1 else
                f"Heatmap, colour scale {scale}: ") + _listed(
        f"{titles[k] if titles is not None else f'matrix {k}'}, "
        f"{_sizes(m.shape)}, {_numbers(m)}" for k, m in enumerate(arrays)))
    return fig


def montage_grid(volume: np.ndarray, ncols: int | None = None) -> np.ndarray:
    """Tile the channels of a ``(n_H, n_W, n_C)`` volume into one 2-D image.

    Channel ``c`` goes to tile row ``c // ncols``, column ``c % ncols``; tiles are
    separated by a one-pixel gap of NaN (drawn as background). ``ncols`` defaults to
    ``ceil(sqrt(n_C))``.
    """
    volume = v.real_array("volume", volume, ndim=(3,), layout="(n_H, n_W, n_C)")
    n_H, n_W, n_C = volume.shape
    ncols = math.ceil(math.sqrt(n_C)) if ncols is None else v.integer("ncols", ncols)
    ncols = min(ncols, n_C)
    nrows = math.ceil(n_C / ncols)
    grid = np.full((nrows * (n_H + 1) - 1, ncols * (n_W + 1) - 1), np.nan)
    for c in range(n_C):
        r, q = divmod(c, ncols)
        grid[r * (n_H + 1):r * (n_H + 1) + n_H, q * (n_W + 1):q * (n_W + 1) + n_W] = \
            volume[:, :, c]
    return grid


def montage(volume: np.ndarray, title: str | None = None, ncols: int | None = None) -> Figure:
    """All channels of a ``(n_H, n_W, n_C)`` volume drawn as one tiled image.

    One image (not one subplot per channel) keeps redraws fast for many channels.
    All channels share one colour scale, shown by the key beside them.
    """
    grid = montage_grid(volume, ncols)
    n_H, n_W, n_C = volume.shape
    fig = Figure(figsize=(4.6, 3.6), dpi=DPI)
    ax = fig.add_axes((0.02, 0.02, 0.64, 0.86))
    low, high = _span(volume)
    image = ax.imshow(grid, cmap=CMAP, vmin=low, vmax=high, interpolation="nearest")
    _colour_key(ax, (0.7, 0.1, 0.04, 0.7), image, CMAP_WORDS, "value")
    ax.set_axis_off()
    ax.set_title(title if title is not None else
                 f"{n_H}×{n_W}×{n_C}: {n_C} channel{'s' if n_C > 1 else ''}, "
                 "channel 0 top left", fontsize=10)
    fig.alt = (f"{ax.get_title()}: the {n_C} channels of a {n_H}×{n_W}×{n_C} volume drawn "
               f"as tiles on one colour scale, {_key_words(CMAP_WORDS, low, high)}")
    return fig


def fiber(x: np.ndarray, w: np.ndarray, i: int, j: int, bias: float = 0.0) -> Figure:
    """The fibre at pixel ``(i, j)`` meeting one 1x1 filter.

    Three rows of bars over the channel index: the ``n_C`` values of ``x[i, j, :]``,
    the filter's ``n_C`` weights, and their products; the title gives the sum of the
    products (plus ``bias``) and its ReLU: one output number.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)``
    w : ndarray, shape ``(n_C,)``
    i, j : int
    bias : float
    """
    parts = fiber_dot(x, w, i, j, bias)
    channels = np.arange(parts.values.size)
    fig = Figure(figsize=(6.4, 4.2), dpi=DPI)
    fig.subplots_adjust(left=0.14, right=0.98, bottom=0.11, top=0.9, hspace=0.15)
    axes = fig.subplots(3, 1, sharex=True)
    rows = ((parts.values, f"x[{i}, {j}, :]", "tab:blue"),
            (parts.weights, "filter w", "tab:orange"),
            (parts.products, "x · w", "tab:green"))
    for ax, (values, label, colour) in zip(axes, rows, strict=True):
        # vlines draws one collection, far cheaper to render than one bar per channel
        ax.vlines(channels, 0, values, colors=colour, linewidth=3)
        ax.axhline(0, color="gray", linewidth=0.8)
        ax.set_ylabel(label)
    axes[-1].set_xlabel("channel c")
    axes[-1].set_xlim(-0.6, channels.size - 0.4)
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    bias_text = f" + b ({bias:g})" if bias else ""
    fig.suptitle(f"pixel ({i}, {j}): Σ x·w{bias_text} = {parts.total:.3f}   →   "
                 f"ReLU = {parts.activation:.3f}", fontsize=11)
    fig.alt = (f"{fig._suptitle.get_text()}. Bars over the {channels.size} channels: the "
               f"values x[{i}, {j}, :], {_range(parts.values)}; the filter's weights, "
               f"{_range(parts.weights)}; their products, {_range(parts.products)}")
    return fig


def to_png(fig: Figure) -> bytes:
    """The figure rendered once as PNG bytes, at its own size and dpi."""
    if not isinstance(fig, matplotlib.figure.Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {v.describe(fig)}")
    buffer = io.BytesIO()
    # light compression: encoding is much of a redraw's time, for ~10% larger files
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


# -- 04: a 1x1 convolution as one matrix product ---------------------------------------

MAX_MATMUL_ROWS = 64
"""conv1x1_as_matmul draws at most this many pixels (rows of the matrix)..."""
MAX_MATMUL_CHANNELS = 12
"""... and at most this many input channels and filters: it is a figure for small examples."""
_DEPTH_STEP = 0.45  # how far each channel of a volume is drawn behind the previous one
_HIGHLIGHT = "tab:red"


def _outline(ax, left: float, top: float, width: float, height: float, zorder: float) -> None:
    ax.plot([left, left + width, left + width, left, left],
            [top, top, top + height, top + height, top],
            color=_HIGHLIGHT, linewidth=2, zorder=zorder, solid_joinstyle="miter")


def _cells(ax, matrix: np.ndarray, left: float, top: float, vmin: float, vmax: float,
           zorder: float) -> None:
    """Draw ``matrix`` with one unit square per value, row 0 at ``top`` (y grows down)."""
    rows, cols = matrix.shape
    ax.pcolormesh(left + np.arange(cols + 1), top + np.arange(rows + 1), matrix, cmap=CMAP,
                  vmin=vmin, vmax=vmax, edgecolors="white", linewidth=0.4, zorder=zorder)


def _volume_cards(ax, volume: np.ndarray, left: float, top: float, vmin: float, vmax: float,
                  pixel: tuple[int, int] | None) -> None:
    """Draw a volume as its channels stacked front to back, channel 0 in front at
    (``left``, ``top``), each further channel up and to the right."""
    n_C = volume.shape[2]
    for c in reversed(range(n_C)):  # back to front, so that channel 0 stays visible
        shift = c * _DEPTH_STEP
        zorder = 2 * (n_C - c)
        _cells(ax, volume[:, :, c], left + shift, top - shift, vmin, vmax, zorder)
        if pixel is not None:
            # one outline per channel: together they show the pixel's fibre going back
            _outline(ax, left + shift + pixel[1], top - shift + pixel[0], 1, 1, zorder + 1)


def conv1x1_as_matmul(x: np.ndarray, w: np.ndarray,
                      pixel: tuple[int, int] | None = None) -> Figure:
    """A 1x1 convolution drawn as reshape, one matrix product, and reshape back.

    Left to right: the volume ``x`` (its channels stacked front to back); the same
    numbers as a ``(n_H*n_W, n_C)`` matrix, one row per pixel (``x.reshape(-1, n_C)``);
    times the ``(n_C, n_F)`` filter matrix ``w``; equals the ``(n_H*n_W, n_F)`` matrix
    ``z``, one row per pixel; reshaped back to the ``(n_H, n_W, n_F)`` output. Every
    number is a coloured cell; the volume and its matrix share one colour scale, as do
    the output and its matrix.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)``
        At most ``MAX_MATMUL_ROWS`` pixels and ``MAX_MATMUL_CHANNELS`` channels.
    w : ndarray, shape ``(n_C, n_F)``
        At most ``MAX_MATMUL_CHANNELS`` filters.
    pixel : (int, int), optional
        A pixel ``(i, j)`` to outline everywhere it goes: its fibre in ``x``, row
        ``i*n_W + j`` of both matrices, and its fibre in the output.

    Returns
    -------
    Figure
        NaN values are drawn as empty cells; inf values saturate the colour scale.
    """
    x = v.real_array("x", x, ndim=(3,), layout="(n_H, n_W, n_C)")
    w = v.real_array("w", w, ndim=(2,), layout="(n_C, n_F)")
    n_H, n_W, n_C = x.shape
    n_F = w.shape[1]
    if w.shape[0] != n_C:
        raise ValueError(f"w has {w.shape[0]} input channels but x has {n_C} channels "
                         f"(x has shape {v.shape_str(x.shape)})")
    if n_H * n_W > MAX_MATMUL_ROWS or max(n_C, n_F) > MAX_MATMUL_CHANNELS:
        raise ValueError(
            f"this figure is for small examples: at most {MAX_MATMUL_ROWS} pixels and "
            f"{MAX_MATMUL_CHANNELS} channels or filters, got x of shape "
            f"{v.shape_str(x.shape)} and w of shape {v.shape_str(w.shape)}")
    if pixel is not None:
        if not isinstance(pixel, tuple) or len(pixel) != 2:
            raise TypeError(f"pixel must be a tuple (i, j), got {v.describe(pixel)}")
        for name, index, size in (("pixel[0]", pixel[0], n_H), ("pixel[1]", pixel[1], n_W)):
            v.integer(name, index, minimum=0)
            if index >= size:
                raise ValueError(f"{name} must be < {size} (x has shape "
                                 f"{v.shape_str(x.shape)}), got {index}")
        pixel = (int(pixel[0]), int(pixel[1]))

    matrix = x.reshape(n_H * n_W, n_C).astype(np.float64)
    weights = w.astype(np.float64)
    output = conv1x1(matrix.reshape(x.shape), weights)
    z = output.reshape(n_H * n_W, n_F)

    x_scale, w_scale, z_scale = _span(matrix), _span(weights), _span(z)

    # panels side by side, in units of one cell; each sits centred in a slot wide
    # enough for its caption, with the operator written in the gap before it. Text
    # has a size in inches, so gaps and margins are set in inches, then turned to cells.
    rows = n_H * n_W
    volume_size = (n_W + (n_C - 1) * _DEPTH_STEP, n_H + (n_C - 1) * _DEPTH_STEP)
    output_size = (n_W + (n_F - 1) * _DEPTH_STEP, n_H + (n_F - 1) * _DEPTH_STEP)
    height = max(rows, volume_size[1], output_size[1])
    # inches: above, the captions; below, the pixel's path (if any), then the keys
    key_space = 0.75
    top_margin, bottom_margin = 0.6, key_space + (0.35 if pixel is not None else 0.05)
    cell = min(0.2, 5.0 / height)  # inches per cell: at most 5 inches of panels
    panels = [(volume_size, "", f"x\n{n_H}×{n_W}×{n_C}"),
              ((n_C, rows), "reshape\n→", f"pixels × channels\n{rows}×{n_C}"),
              ((n_F, n_C), "@", f"w\n{n_C}×{n_F}"),
              ((n_F, rows), "=", f"pixels × filters\n{rows}×{n_F}"),
              (output_size, "reshape\n→", f"output\n{n_H}×{n_W}×{n_F}")]
    gaps = {"": 0.1, "@": 0.3, "=": 0.3, "reshape\n→": 0.9}  # inches
    slot_min = 1.2 / cell
    top = top_margin / cell
    lefts, tops, texts, cursor = [], [], [], 0.0
    for (width, panel_height), operator, caption in panels:
        gap = gaps[operator] / cell
        slot = max(width + 0.2 / cell, slot_min)
        if operator:
            texts.append((cursor + gap / 2, top + height / 2, operator, 13, "center"))
        cursor += gap
        lefts.append(cursor + (slot - width) / 2)
        tops.append(top + (height - panel_height) / 2)
        texts.append((cursor + slot / 2, tops[-1] - 0.1 / cell, caption, 10, "bottom"))
        cursor += slot
    total_width = cursor + 0.1 / cell
    total_height = top + height + bottom_margin / cell

    fig = Figure(figsize=(total_width * cell, total_height * cell), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, total_width)
    ax.set_ylim(total_height, 0)  # y grows downwards, like row indices
    ax.set_axis_off()
    for x_text, y_text, text, size, va in texts:
        ax.text(x_text, y_text, text, ha="center", va=va, fontsize=size, linespacing=1.1)

    # a volume's front channel sits at the bottom left of its drawing
    x_depth, output_depth = (n_C - 1) * _DEPTH_STEP, (n_F - 1) * _DEPTH_STEP
    _volume_cards(ax, x, lefts[0], tops[0] + x_depth, *x_scale, pixel)
    _cells(ax, matrix, lefts[1], tops[1], *x_scale, zorder=1)
    _cells(ax, weights, lefts[2], tops[2], *w_scale, zorder=1)
    _cells(ax, z, lefts[3], tops[3], *z_scale, zorder=1)
    _volume_cards(ax, output, lefts[4], tops[4] + output_depth, *z_scale, pixel)
    if pixel is not None:
        i, j = pixel
        row = i * n_W + j
        _outline(ax, lefts[1], tops[1] + row, n_C, 1, zorder=3)
        _outline(ax, lefts[3], tops[3] + row, n_F, 1, zorder=3)
        ax.text(total_width / 2, total_height - (key_space + 0.05) / cell,
                f"pixel ({i}, {j}) → row {i}·{n_W} + {j} = {row} of both matrices → "
                f"pixel ({i}, {j}) of the output", ha="center", va="bottom", fontsize=10,
                color=_HIGHLIGHT)
    fig_width, fig_height = fig.get_size_inches()
    keys = (("x and its matrix", x_scale), ("w", w_scale), ("z and the output", z_scale))
    key_width = min(1.7, (fig_width - 0.4) / 3 - 0.3)
    for k, (what, scale) in enumerate(keys):
        centre = fig_width * (k + 0.5) / 3
        _colour_key(ax, ((centre - key_width / 2) / fig_width, 0.22 / fig_height,
                         key_width / fig_width, 0.1 / fig_height),
                    matplotlib.cm.ScalarMappable(matplotlib.colors.Normalize(*scale), CMAP),
                    CMAP_WORDS, what)
    traced = (f"; pixel ({pixel[0]}, {pixel[1]}) outlined: its fibre, row "
              f"{pixel[0] * n_W + pixel[1]} of both matrices, and its output pixel"
              if pixel is not None else "")
    fig.alt = (f"A 1×1 convolution as one matrix product: the {n_H}×{n_W}×{n_C} volume x, "
               f"reshaped to a {n_H * n_W}×{n_C} matrix (one row per pixel), times the "
               f"{n_C}×{n_F} filter matrix w, equals the {n_H * n_W}×{n_F} matrix z, "
               f"reshaped back to the {n_H}×{n_W}×{n_F} output{traced}. Every number is a "
               f"cell coloured on one of three scales: x, {_key_words(CMAP_WORDS, *x_scale)}; "
               f"w, {_key_words(CMAP_WORDS, *w_scale)}, {_numbers(weights, extent=False)}; z, "
               f"{_key_words(CMAP_WORDS, *z_scale)}")
    return fig


# -- 03: volumes side by side, at one scale ------------------------------------------

MONTAGES_MAX_WIDTH = 900
"""Screen pixels: the montages of :func:`montages` together are this wide, at most."""


def _screen_image(grid: np.ndarray, width: int, height: int,
                  scale: tuple[float, float]) -> np.ndarray:
    """A montage grid coloured with ``CMAP`` from ``scale[0]`` to ``scale[1]`` and
    resized to ``height x width`` RGB pixels.

    Shrinking averages the pixels that fall into one (so many small tiles stay
    readable); enlarging repeats pixels (so they stay crisp). NaN is white, like the
    figure; inf saturates the scale.
    """
    from PIL import Image  # Pillow comes with matplotlib

    low, high = scale
    scaled = (grid - low) / (high - low)
    colours = matplotlib.colormaps[CMAP].with_extremes(bad="white")
    rgb = colours(scaled, bytes=True)[..., :3]
    shrink = width < grid.shape[1]
    method = Image.Resampling.BOX if shrink else Image.Resampling.NEAREST
    return np.asarray(Image.fromarray(rgb).resize((width, height), method))


def montages(*volumes: np.ndarray, titles: list[str] | None = None,
             max_height: int = 224) -> Figure:
    """Volumes side by side, each as one montage of its channels (:func:`montage_grid`).

    Every montage is drawn at the same size per pixel of the volumes, so that a volume
    with a smaller height and width (after pooling) looks smaller, and one with fewer
    channels (after a 1x1 convolution) has fewer tiles of the same size. Each is
    coloured and resized to its size on screen once, here, and placed on the figure
    pixel for pixel (``Figure.figimage``): far quicker to redraw than axes that
    resample a large image.

    Parameters
    ----------
    *volumes : ndarray, shape ``(n_H, n_W, n_C)`` each
        Real numbers. Each volume has its own colour scale (shared by its channels),
        from its smallest to its largest finite value, shown by a key under it; inf
        saturates the scale and NaN is drawn white, like the gaps between tiles.
    titles : list of str, optional, one per volume
        By default each volume is titled with its shape, e.g. ``28×28×192``.
    max_height : int
        Screen pixels: the tallest montage is drawn this high, unless all of them would
        then be wider than ``MONTAGES_MAX_WIDTH``. Smaller pictures redraw faster.

    Returns
    -------
    Figure
        ``fig.images`` holds the montages, left to right, as RGB arrays of their size on
        screen; the texts of its one axes, ``fig.axes[0].texts``, are their titles, and
        its child axes the keys.
    """
    if not volumes:
        raise TypeError("volumes: montages needs at least one volume, got none")
    grids = [montage_grid(v.real_array(f"volumes[{k}]", volume, ndim=(3,),
                                       layout="(n_H, n_W, n_C)"))
             for k, volume in enumerate(volumes)]
    if titles is None:
        titles = ["×".join(str(n) for n in volume.shape) for volume in volumes]
    elif isinstance(titles, str) or len(titles) != len(grids) \
            or not all(isinstance(t, str) for t in titles):
        raise ValueError(f"titles must be a list of {len(grids)} strings, got {titles!r}")
    max_height = v.integer("max_height", max_height)
    # screen pixels: the titles' lines above, a margin around, a gap between, and a
    # slot wide enough for a title even when its montage is narrow
    title_space = 12 + 14 * max(title.count("\n") + 1 for title in titles)
    margin, gap, min_slot = 8, 24, 176
    key_space, key_bar = 46, 8  # under the montages: a key's words, its bar, its ends
    widths = np.array([grid.shape[1] for grid in grids])
    heights = np.array([grid.shape[0] for grid in grids])
    scale = min(max_height / heights.max(),  # screen pixels per volume pixel
                (MONTAGES_MAX_WIDTH - 2 * margin - gap * (len(grids) - 1)) / widths.sum())
    sizes = [(max(1, round(w * scale)), max(1, round(h * scale)))
             for w, h in zip(widths, heights, strict=True)]
    slots = [max(width, min_slot) for width, _ in sizes]
    fig_width = 2 * margin + sum(slots) + gap * (len(grids) - 1)
    fig_height = max(height for _, height in sizes) + title_space + key_space + margin
    fig = Figure(figsize=(fig_width / DPI, fig_height / DPI), dpi=DPI)
    # an empty axes over the whole figure, for the titles: Jupyter does not display a
    # figure without axes
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    left = margin
    scales = [_span(grid) for grid in grids]
    for grid, (width, height), slot, title, scale in zip(grids, sizes, slots, titles, scales,
                                                         strict=True):
        # whole pixels, from the bottom left corner: top-aligned, centred in its slot
        fig.figimage(_screen_image(grid, width, height, scale), xo=left + (slot - width) // 2,
                     yo=fig_height - title_space - height, origin="upper")
        ax.text((left + slot / 2) / fig_width, 1 - 4 / fig_height, title, ha="center",
                va="top", fontsize=10)
        key_width = min(slot - 16, 150)
        _colour_key(ax, ((left + (slot - key_width) / 2) / fig_width, (margin + 14) / fig_height,
                         key_width / fig_width, key_bar / fig_height),
                    matplotlib.cm.ScalarMappable(matplotlib.colors.Normalize(*scale), CMAP),
                    CMAP_WORDS, "its scale")
        left += slot + gap
    fig.alt = ("Volumes side by side, each drawn as tiles of its channels on its own colour "
               "scale: " + _listed(
                   f"{title.replace(chr(10), ' ')} ("
                   + (f"{_sizes(volume.shape)}, " if _sizes(volume.shape) not in title else "")
                   + f"{_key_words(CMAP_WORDS, *scale)})"
                   for title, volume, scale in zip(titles, volumes, scales, strict=True)))
    return fig


# -- 07: what a bottleneck saves -----------------------------------------------------

def _compact(n: int) -> str:
    """``120422400`` -> ``"120.4 M"``: a count short enough for a bar label."""
    for suffix, size in (("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if n >= size:
            return f"{n / size:.1f} {suffix}"
    return str(n)


def fewer_or_more(ratio: float) -> str:
    """``9.677`` -> ``"9.68× fewer"``, ``0.25`` -> ``"4.00× more"``: a ratio of costs,
    old / new, said the way round that reads best. ``ratio`` must be positive and finite."""
    ratio = v.real_number("ratio", ratio)
    if not 0 < ratio < math.inf:
        raise ValueError(f"ratio must be positive and finite, got {ratio}")
    return f"{ratio:.2f}× fewer" if ratio >= 1 else f"{1 / ratio:.2f}× more"


def cost_bars(cost: BottleneckCost) -> Figure:
    """Bar charts of an f x f layer's cost: direct, and behind a 1x1 bottleneck.

    Two panels, multiplications and parameters; in each, the direct layer's bar beside
    the bottleneck's, whose bar stacks the 1x1 "reduce" part under the f x f part.
    The titles say how many times fewer (or more) the bottleneck needs.

    Parameters
    ----------
    cost : :class:`onebyone.cost.BottleneckCost`, from :func:`onebyone.cost.bottleneck_cost`

    Returns
    -------
    Figure
    """
    if not isinstance(cost, BottleneckCost):
        raise TypeError(f"cost must be a BottleneckCost (from cost.bottleneck_cost), "
                        f"got {v.describe(cost)}")
    colours = [matplotlib.colormaps[CMAP](t) for t in (0.1, 0.55, 0.9)]
    fig = Figure(figsize=(7.6, 3.4), dpi=DPI)
    fig.subplots_adjust(left=0.04, right=0.98, bottom=0.22, top=0.86, wspace=0.12)
    axes = fig.subplots(1, 2)
    panels = (("multiplications", cost.direct_multiplies, cost.reduce_multiplies,
               cost.spatial_multiplies),
              ("parameters", cost.direct_params, cost.reduce_params, cost.spatial_params))
    for ax, (what, direct, reduce, spatial) in zip(axes, panels, strict=True):
        bottleneck = reduce + spatial
        ax.bar([0], [direct], color=colours[0], label="direct f×f")
        ax.bar([1], [reduce], color=colours[1], label="1×1 reduce")
        ax.bar([1], [spatial], bottom=[reduce], color=colours[2], label="f×f after it")
        top = max(direct, bottleneck)
        for x, total in ((0, direct), (1, bottleneck)):
            ax.text(x, total + 0.02 * top, _compact(total), ha="center", va="bottom")
        ax.set_ylim(0, 1.15 * top)
        ax.set_xticks([0, 1], ["direct", "bottleneck"])
        ax.set_yticks([])  # the labels on the bars give the values
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.set_title(f"{what}: {fewer_or_more(direct / bottleneck)}", fontsize=11)
    # below the panels: inside them it could hide a bar
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncols=3,
               fontsize=9, frameon=False)
    fig.alt = "Bar charts, direct f×f layer against a 1×1 bottleneck then the f×f layer: " + \
        _listed(f"{what}, direct {direct:,} against {reduce + spatial:,} = {reduce:,} for the "
                f"1×1 reduce + {spatial:,} for the f×f after it, "
                f"{fewer_or_more(direct / (reduce + spatial))}"
                for what, direct, reduce, spatial in panels)
    return fig


# -- 05, 06: photos, learning curves, decision maps -------------------------------------

_IMAGE_LAYOUT = "(n_H, n_W) grey or (n_H, n_W, 3) RGB"


def _displayable(name: str, image: object) -> np.ndarray:
    """An image as float values in [0, 1]: uint8 is read as 0..255, the rest as 0..1."""
    image = v.real_array(name, image, ndim=(2, 3), layout=_IMAGE_LAYOUT)
    if image.ndim == 3 and image.shape[2] != 3:
        raise ValueError(f"{name} must have 3 colour channels (red, green, blue) or be 2-D, "
                         f"got shape {v.shape_str(image.shape)}")
    scaled = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    # NaN drawn black; clipping keeps what a screen can show (and imshow accepts)
    return np.clip(np.nan_to_num(scaled, nan=0.0), 0.0, 1.0)


def show_images(*images: np.ndarray, titles: list[str] | None = None) -> Figure:
    """Photos or channels side by side, as a screen shows them.

    Parameters
    ----------
    *images : ndarray, shape ``(n_H, n_W, 3)`` (red, green, blue) or ``(n_H, n_W)`` (grey)
        uint8 images (photos) are read as 0 (black) to 255 (white), all others as 0
        to 1, as matplotlib does; values beyond are clipped, NaN is drawn black, +inf
        white and -inf black. A 2-D image is drawn in shades of grey from black (0) to
        white (1), not with :data:`CMAP`: it is a grey picture, not a map of values.
    titles : list of str, optional, one per image

    Returns
    -------
    Figure
    """
    if not images:
        raise TypeError("images: show_images needs at least one image, got none")
    shown = [_displayable(f"images[{k}]", image) for k, image in enumerate(images)]
    if titles is not None and (isinstance(titles, str) or len(titles) != len(shown)):
        raise ValueError(f"titles must be a list of {len(shown)} strings, got {titles!r}")
    n = len(shown)
    aspect = max(image.shape[0] / image.shape[1] for image in shown)
    panel = 2.6  # inches per image: small enough for four in a row
    title_space = 0.35 if titles is not None else 0.05
    fig = Figure(figsize=(panel * n, panel * aspect + title_space), dpi=DPI)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01,
                        top=1 - title_space / (panel * aspect + title_space), wspace=0.04)
    axes = fig.subplots(1, n, squeeze=False)[0]
    for k, (ax, image) in enumerate(zip(axes, shown, strict=True)):
        ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0)
        ax.set_axis_off()
        if titles is not None:
            ax.set_title(titles[k], fontsize=10)
    fig.alt = _listed(
        f"{titles[k] if titles is not None else f'image {k}'}: a {image.shape[0]}×"
        f"{image.shape[1]} {'colour' if image.ndim == 3 else 'grey'} image, mean "
        + (" ".join(f"{name} {image[..., c].mean():.2f}"
                    for c, name in enumerate(("red", "green", "blue")))
           if image.ndim == 3 else f"grey level {image.mean():.2f}") + " (0 black, 1 white)"
        for k, image in enumerate(shown))
    return fig


def loss_curve(*losses: np.ndarray, labels: list[str] | None = None,
               title: str | None = None) -> Figure:
    """Loss after each step of training: one line per run, on a log scale when every
    loss is positive (losses fall by orders of magnitude).

    Parameters
    ----------
    *losses : ndarray, shape ``(n_steps,)`` each (runs may differ in length); NaN and
        inf are left out of the lines
    labels : list of str, optional, one per run, shown in a legend
    title : str, optional

    Returns
    -------
    Figure
    """
    if not losses:
        raise TypeError("losses: loss_curve needs at least one array of losses, got none")
    runs = [v.real_array(f"losses[{k}]", run, ndim=(1,), layout="(n_steps,)")
            for k, run in enumerate(losses)]
    if labels is not None and (isinstance(labels, str) or len(labels) != len(runs)):
        raise ValueError(f"labels must be a list of {len(runs)} strings, got {labels!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {v.describe(title)}")
    fig = Figure(figsize=(5.6, 3.0), dpi=DPI)
    fig.subplots_adjust(left=0.15, right=0.97, bottom=0.17, top=0.88)
    ax = fig.add_subplot()
    shown = []
    for k, run in enumerate(runs):
        finite = np.isfinite(run)
        ax.plot(np.flatnonzero(finite), run[finite],
                label=labels[k] if labels is not None else None)
        shown.append(run[finite])
    values = np.concatenate(shown)
    if values.size and (values > 0).all():
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    if labels is not None:
        ax.legend(fontsize=9)
    if title is not None:
        ax.set_title(title, fontsize=11)
    fig.alt = ((f"{title}: " if title else "") + "loss against training step"
               + (" on a log scale" if ax.get_yscale() == "log" else "") + ": " + _listed(
                   f"{labels[k] if labels is not None else f'run {k}'}, {run.size} steps, from "
                   f"{run[0]:.3g} to {run[-1]:.3g}" if run.size else f"run {k}, no finite loss"
                   for k, run in enumerate(shown)))
    return fig


def decision_maps(*maps: np.ndarray, titles: list[str] | None = None,
                  points: np.ndarray | None = None, labels: np.ndarray | None = None) -> Figure:
    """What classifiers of colours answer over the red-blue square, side by side.

    Each map holds a classifier's probability of class 1 for the colours of a grid:
    ``maps[k][i, j]`` is for blue ``i / (n - 1)`` and red ``j / (n - 1)`` (blue up,
    red to the right, green fixed). The line marks probability 1/2, the decision
    boundary; ``points`` (red, blue) with their ``labels`` show the data.

    Parameters
    ----------
    *maps : ndarray, shape ``(n, n)`` each, values in [0, 1] (NaN left blank)
    titles : list of str, optional, one per map
    points : ndarray, shape ``(p, 2)``, optional, the (red, blue) of ``p`` pixels
    labels : ndarray, shape ``(p,)``, 0 or 1, required with ``points``

    Returns
    -------
    Figure
    """
    if not maps:
        raise TypeError("maps: decision_maps needs at least one map, got none")
    arrays = [v.real_array(f"maps[{k}]", m, ndim=(2,), layout="(n, n)")
              for k, m in enumerate(maps)]
    for k, m in enumerate(arrays):
        if m.shape[0] != m.shape[1] or m.shape[0] < 2:
            raise ValueError(f"maps[{k}] must be a square grid of at least 2 x 2, "
                             f"got shape {v.shape_str(m.shape)}")
    if titles is not None and (isinstance(titles, str) or len(titles) != len(arrays)):
        raise ValueError(f"titles must be a list of {len(arrays)} strings, got {titles!r}")
    if (points is None) != (labels is None):
        raise TypeError("points and labels go together: give both or neither")
    if points is not None:
        points = v.real_array("points", points, ndim=(2,), layout="(p, 2)")
        labels = v.real_array("labels", labels, ndim=(1,), layout="(p,)")
        if points.shape[1] != 2:
            raise ValueError(f"points must be (red, blue) pairs, shape (p, 2), "
                             f"got shape {v.shape_str(points.shape)}")
        if labels.shape[0] != points.shape[0]:
            raise ValueError(f"labels must have one value per point ({points.shape[0]}), "
                             f"got shape {v.shape_str(labels.shape)}")
        if not np.isin(labels, (0, 1)).all():
            raise ValueError("labels must be 0 or 1")
    n_maps = len(arrays)
    fig = Figure(figsize=(3.2 * n_maps + 1.9, 3.6), dpi=DPI)
    left, right = 0.7 / fig.get_figwidth(), 1 - 1.6 / fig.get_figwidth()
    width = (right - left) / n_maps
    for k, grid in enumerate(arrays):
        ax = fig.add_axes((left + k * width, 0.14, width * 0.88, 0.76))
        image = ax.imshow(grid, origin="lower", extent=(0, 1, 0, 1), cmap=CMAP,
                          vmin=0, vmax=1)
        n = grid.shape[0]
        axis = np.linspace(0, 1, n)
        finite = grid[np.isfinite(grid)]
        if finite.size and finite.min() < 0.5 < finite.max():  # else there is no boundary
            ax.contour(axis, axis, grid, levels=[0.5], colors="white", linewidths=1.5)
        if points is not None:
            # filled markers with a contrasting edge: visible on dark and light colours
            for label, marker, face, edge in ((1, "o", "white", "black"),
                                              (0, "v", "black", "white")):
                chosen = points[labels == label]
                ax.scatter(chosen[:, 0], chosen[:, 1], s=16, marker=marker,
                           facecolors=face, edgecolors=edge, linewidths=0.6)
        ax.set_xlabel("red")
        if k == 0:
            ax.set_ylabel("blue")
        else:
            ax.set_yticklabels([])
        if titles is not None:
            ax.set_title(titles[k], fontsize=10)
    _colour_key(ax, (right + 0.2 / fig.get_figwidth(), 0.14, 0.15 / fig.get_figwidth(), 0.76),
                image, CMAP_WORDS._replace(low_means="class 0", high_means="class 1"),
                "probability of class 1")
    fig.alt = ("Maps of a classifier's probability of class 1 over the colours, red to the "
               "right and blue up, on one colour scale, "
               f"{_key_words(CMAP_WORDS, 0, 1)}, with the line where it is 1/2: " + _listed(
                   f"{titles[k] if titles is not None else f'map {k}'}, {_range(grid)}"
                   for k, grid in enumerate(arrays))
               + (f"; {len(points)} pixels marked, {int((labels == 1).sum())} of class 1 "
                  f"(circles) and {int((labels == 0).sum())} of class 0 (triangles)"
                  if points is not None else ""))
    return fig


# -- the lecture's pictures: volumes drawn as boxes -----------------------------------

VOLUME_LINEAR_CHANNELS = 32
""":func:`volume_diagram` draws a box's depth proportional to its channels up to this
many; deeper boxes are compressed (logarithmically) and drawn with a break mark."""
MAX_FACE_NUMBERS = 15
"""Face values are written as numbers on faces of at most this many cells a side."""
MAX_FACE_GRID = 32
"""Front faces of at most this many cells a side show their grid of cells."""
DIAGRAM_MAX_WIDTH = 960
"""Screen pixels: :func:`volume_diagram` shrinks its boxes to keep a row this wide."""

_FACE = 1.5  # inches: the largest front face side, unless the row would be too wide
_DEPTH_FULL = 0.75  # the depth of VOLUME_LINEAR_CHANNELS channels, in faces (_FACE)
_DEPTH_PER_DOUBLING = 0.4  # beyond them, each doubling adds this much of that depth
_RECEDE = (math.cos(math.radians(40)), math.sin(math.radians(40)))  # depth direction
_THINNEST = 3 / DPI  # inches: a side of one cell, or a depth of one channel, at least
_LABEL_SIZE, _OPERATOR_SIZE, _CAPTION_SIZE, _NUMBER_SIZE = 11, 16, 10, 10  # points
_MAX_NUMBERED_FACE = 4.0  # inches: faces grow for their numbers up to this
_PAD = 0.06  # inches between a box and its labels
_GAP, _MARGIN = 0.15, 0.1  # inches around an operator; around the figure
_BREAK_AT, _BREAK_GAP = 0.7, 0.05  # a break mark this far along the depth; its gap, inches
_DEPTH_LABEL_BROKEN = 0.35  # how far along a broken depth edge its label stands
_KEY_SPACE, _KEY_WIDTH = 0.6, 1.4  # inches: under the captions, a painted face's key


def _text_extent(text: str, size: float) -> tuple[float, float]:
    """(width, height) in inches of a text at ``size`` points, estimated without a
    renderer (DejaVu Sans: about 0.62 em a character, 1.2 em a line)."""
    lines = text.split("\n")
    return (max(len(line) for line in lines) * 0.62 * size / 72,
            len(lines) * 1.2 * size / 72)


def _shade(t: float, white: float) -> tuple[float, float, float]:
    """The colour ``CMAP(t)`` mixed with a fraction ``white`` of white."""
    rgb = np.asarray(matplotlib.colormaps[CMAP](t)[:3])
    return tuple(float(c) for c in rgb + (1 - rgb) * white)


def _drawn_depth(n_C: int, full: float) -> tuple[float, bool]:
    """Inches along the receding edge for ``n_C`` channels, and whether it is broken.

    ``full`` is the depth of ``VOLUME_LINEAR_CHANNELS`` channels: proportional below,
    ``full * (1 + 0.4 * log2(n_C / 32))`` above (broken)."""
    if n_C <= VOLUME_LINEAR_CHANNELS:
        return max(full * n_C / VOLUME_LINEAR_CHANNELS, _THINNEST), False
    return full * (1 + _DEPTH_PER_DOUBLING * math.log2(n_C / VOLUME_LINEAR_CHANNELS)), True


def _prism(a: float, b: float, c: float, d: float, dx: float, dy: float) -> list:
    """The outline of the box over the rectangle ``[a, b] x [c, d]`` going back by
    ``(dx, dy)``: a hexagon, counter-clockwise from the front bottom left."""
    return [(a, c), (b, c), (b + dx, c + dy), (b + dx, d + dy), (a + dx, d + dy), (a, d)]


def _diagram_shapes(shapes: object) -> list[tuple[int, ...]]:
    if not isinstance(shapes, (list, tuple)) or not shapes:
        raise TypeError(f"shapes must be a non-empty list of shape tuples such as "
                        f"(6, 6, 32) or (1, 1, 32, 8), got {v.describe(shapes)} ({shapes!r})")
    checked = []
    for k, shape in enumerate(shapes):
        if not isinstance(shape, tuple):
            raise TypeError(f"shapes[{k}] must be a tuple (n_H, n_W, n_C) for a volume or "
                            f"(f_H, f_W, n_C, n_F) for a bank of filters, got "
                            f"{v.describe(shape)} ({shape!r})")
        if len(shape) not in (3, 4):
            raise ValueError(f"shapes[{k}] must have 3 sizes (n_H, n_W, n_C) for a volume "
                             f"or 4 (f_H, f_W, n_C, n_F) for a bank of filters, got "
                             f"{len(shape)}: {shape!r}")
        checked.append(tuple(v.integer(f"shapes[{k}][{d}]", n) for d, n in enumerate(shape)))
    return checked


def _one_per_shape(name: str, items: object, count: int, kind: str) -> list:
    if items is None:
        return [None] * count
    if not isinstance(items, (list, tuple)) or len(items) != count:
        raise (TypeError if not isinstance(items, (list, tuple)) else ValueError)(
            f"{name} must be a list of {count} {kind} (or None), one per shape, "
            f"got {v.describe(items)} ({items!r})")
    return list(items)


def _diagram_values(values: object, shapes: list[tuple[int, ...]]) -> list:
    values = _one_per_shape("values", values, len(shapes), "2-D arrays")
    for k, (face, shape) in enumerate(zip(values, shapes, strict=True)):
        if face is not None:
            v.real_array(f"values[{k}]", face, ndim=(2,), layout="(n_H, n_W)")
            if face.shape != shape[:2]:
                raise ValueError(f"values[{k}] must match the front face of shapes[{k}] = "
                                 f"{shape!r}: shape {v.shape_str(shape[:2])}, got shape "
                                 f"{v.shape_str(face.shape)}")
    return values


def _diagram_pixel(pixel: object, shapes: list[tuple[int, ...]]) -> tuple[int, int] | None:
    if pixel is None:
        return None
    if not isinstance(pixel, tuple) or len(pixel) != 2:
        raise TypeError(f"pixel must be a tuple (i, j), got {v.describe(pixel)} ({pixel!r})")
    faces = {shape[:2] for shape in shapes if len(shape) == 3}
    if len(faces) != 1:
        raise ValueError(f"pixel needs volumes of one height and width (as 1x1 and 'same' "
                         f"convolutions keep them), got fronts {sorted(faces)}")
    (n_H, n_W), = faces
    for name, index, size in (("pixel[0]", pixel[0], n_H), ("pixel[1]", pixel[1], n_W)):
        v.integer(name, index, minimum=0)
        if index >= size:
            raise ValueError(f"{name} must be < {size} (the volumes are {n_H}×{n_W}), "
                             f"got {index}")
    return int(pixel[0]), int(pixel[1])


def _windows(shapes: list[tuple[int, ...]], pixel: tuple[int, int]) -> list:
    """For each shape, the rows and columns ``(r0, r1, c0, c1)`` (inclusive) that the
    output pixel depends on: the pixel itself, widened by every f x f filter bank (stride
    1, 'same' padding) to its right; ``None`` for filter banks."""
    i, j = pixel
    windows, grow_h, grow_w = [], (0, 0), (0, 0)
    for shape in reversed(shapes):
        if len(shape) == 4:
            f_H, f_W = shape[:2]
            grow_h = (grow_h[0] + (f_H - 1) // 2, grow_h[1] + f_H // 2)
            grow_w = (grow_w[0] + (f_W - 1) // 2, grow_w[1] + f_W // 2)
            windows.append(None)
        else:
            n_H, n_W = shape[:2]
            windows.append((max(i - grow_h[0], 0), min(i + grow_h[1], n_H - 1),
                            max(j - grow_w[0], 0), min(j + grow_w[1], n_W - 1)))
    return windows[::-1]


def volume_diagram(shapes: list[tuple[int, ...]], operators: list[str],
                   captions: list[str | None] | None = None,
                   values: list[np.ndarray | None] | None = None,
                   pixel: tuple[int, int] | None = None) -> Figure:
    """Volumes and filters drawn as boxes in a row, as the lecture draws them.

    ``volume_diagram([(6, 6, 32), (1, 1, 32, 8), (6, 6, 8)], ["∗", "="])`` draws
    6×6×32 ∗ (8 filters 1×1×32) = 6×6×8. Each box is seen in an oblique projection:
    its front face is height × width, its depth (the channels) goes back and up to the
    right. Its sizes are written on its edges: height on the left, width at the bottom,
    channels on the receding top-left edge.

    Sizes are honest. Every front face in the figure is drawn at one scale: the largest
    side 1.5 inches (larger, up to 4 inches, when the cells need room for ``values``;
    smaller if the row would be wider than ``DIAGRAM_MAX_WIDTH`` screen pixels). Depth
    has a scale of its own, the same for every box: proportional to ``n_C`` up to
    ``VOLUME_LINEAR_CHANNELS`` (32) channels, 32 channels drawn 0.75 times the largest
    face side deep; beyond, each doubling of ``n_C`` adds 0.4 of that depth (a
    logarithmic scale: 64 channels are drawn 1.4 times as deep as 32, 192 channels
    2.03 times), and the depth edges carry a break mark (a narrow gap across the top and
    side faces, with two short slanted strokes across each receding edge, as on a broken
    axis) while the true number is written. A box's height, width and depth are drawn
    at least 3 screen pixels, so that thin boxes stay visible.

    Parameters
    ----------
    shapes : list of tuple
        Left to right: ``(n_H, n_W, n_C)`` for a volume, ``(f_H, f_W, n_C, n_F)`` for
        a bank of ``n_F`` filters (``ops.conv2d``'s order), drawn as one f_H×f_W×n_C
        filter (a thin stick for 1×1) with "× n_F" beside it when ``n_F > 1``.
        Positive integers.
    operators : list of str, ``len(shapes) - 1``
        Written between the boxes, e.g. ``["∗", "="]`` or ``["→", "ReLU\\n→"]``.
    captions : list of (str or None), one per shape, optional
        Written under the boxes, e.g. ``"32 filters\\n1×1×192"``.
    values : list of (ndarray or None), one per shape, optional
        A 2-D array of shape ``(n_H, n_W)`` (``(f_H, f_W)`` for filters) shown on the
        front face: written as numbers in its cells (whole numbers without decimals,
        others with two) when it is at most ``MAX_FACE_NUMBERS`` cells a side, painted
        in ``CMAP``'s colours (from its smallest to its largest finite value) when it
        is larger, with a key under the captions. A NaN cell is left blank: a value not
        computed yet (and "not yet computed" in the text alternative). A front face of
        at most ``MAX_FACE_GRID`` cells a side shows its grid.
    pixel : (int, int), optional
        A pixel ``(i, j)`` (row ``i`` from the top, column ``j`` from the left), for
        diagrams whose volumes share one height and width. Drawn in a highlight colour:
        in every volume, the fibre through the full depth at ``(i, j)``, widened to the
        window an f×f filter bank to its right reads (stride 1, 'same' padding); every
        filter bank, which meets that fibre.

    Returns
    -------
    Figure
        One axes whose data coordinates are inches from the figure's bottom left. Its
        artists carry gids: ``box{k}`` (a PolyCollection of the front, top and side
        faces of box ``k``), ``box{k}-grid``, ``box{k}-pixel`` (the highlighted fibre's
        outline, a hexagon counter-clockwise from the front bottom left),
        ``box{k}-break``, ``box{k}-paint`` (an image of painted values); texts
        ``box{k}-height``, ``-width``, ``-depth``, ``-count``, ``-value``,
        ``caption{k}`` and ``operator{k}``.
    """
    shapes = _diagram_shapes(shapes)
    n = len(shapes)
    if not isinstance(operators, (list, tuple)) \
            or not all(isinstance(op, str) for op in operators):
        raise TypeError(f"operators must be a list of {n - 1} strings such as ['∗', '='], "
                        f"got {v.describe(operators)} ({operators!r})")
    if len(operators) != n - 1:
        raise ValueError(f"operators must have one string between each two shapes: "
                         f"{n - 1} for {n} shapes, got {len(operators)}: {operators!r}")
    captions = _one_per_shape("captions", captions, n, "strings")
    if not all(c is None or isinstance(c, str) for c in captions):
        raise TypeError(f"captions must hold strings or None, got {captions!r}")
    values = _diagram_values(values, shapes)
    pixel = _diagram_pixel(pixel, shapes)
    windows = _windows(shapes, pixel) if pixel is not None else [None] * n

    # every length in inches, from the figure's bottom left. Text sizes are fixed, so
    # the row's width is a fixed part (labels, operators) plus a part proportional to
    # the face size: the face shrinks to keep the row within DIAGRAM_MAX_WIDTH.
    largest = max(max(shape[:2]) for shape in shapes)
    numbers = [[_number_format(f).format(value) if np.isfinite(value) else ""
                for value in f.ravel()]
               if f is not None and max(f.shape) <= MAX_FACE_NUMBERS else None
               for f in values]
    painted = [f if f is not None and max(f.shape) > MAX_FACE_NUMBERS else None
               for f in values]
    longest = max((len(t) for texts in numbers if texts for t in texts), default=0)
    # cells large enough for their numbers at _NUMBER_SIZE
    face = min(max(_FACE, largest * _text_extent("0" * longest, _NUMBER_SIZE)[0] / 0.8),
               _MAX_NUMBERED_FACE)
    op_widths = [_text_extent(op, _OPERATOR_SIZE)[0] + 2 * _GAP for op in operators]
    caption_widths = [_text_extent(c, _CAPTION_SIZE)[0] + 0.1 if c else 0.0 for c in captions]

    def row_width(face: float) -> float:
        return sum(max(_Box.of(shape, face / largest, _DEPTH_FULL * face).width, c)
                   for shape, c in zip(shapes, caption_widths, strict=True)) \
            + sum(op_widths) + 2 * _GAP

    max_width = DIAGRAM_MAX_WIDTH / DPI
    if row_width(face) > max_width:  # linear in face: solve for the face that fits
        fixed = row_width(0.0)
        face = max(face * (max_width - fixed) / (row_width(face) - fixed), 0.5)
    boxes = [_Box.of(shape, face / largest, _DEPTH_FULL * face) for shape in shapes]

    # the front faces' centres on one line; the captions on one line under all boxes
    below = max(b.h / 2 + b.down for b in boxes)
    caption_h = max((_text_extent(c, _CAPTION_SIZE)[1] + _PAD for c in captions if c),
                    default=0.0)
    key_h = _KEY_SPACE if any(f is not None for f in painted) else 0.0
    centre = _MARGIN + key_h + caption_h + below
    fig_h = centre + max(b.up - b.h / 2 for b in boxes) + _MARGIN
    x = _GAP
    slot_centres, operator_xs = [], []
    for k, b in enumerate(boxes):
        slot = max(b.width, caption_widths[k])
        b.x0, b.y0 = x + (slot - b.width) / 2 + b.left, centre - b.h / 2
        slot_centres.append(x + slot / 2)
        x += slot
        if k < n - 1:
            operator_xs.append(x + op_widths[k] / 2)
            x += op_widths[k]
    # whole screen pixels: the PNG is exactly the figure, without a cut-off last row
    fig_w, fig_h = (math.ceil(size * DPI - 1e-9) / DPI for size in (x + _GAP, fig_h))

    fig = Figure(figsize=(fig_w, fig_h), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, fig_w)
    ax.set_ylim(0, fig_h)
    ax.set_axis_off()
    for k, (shape, b) in enumerate(zip(shapes, boxes, strict=True)):
        highlight = pixel is not None and len(shape) == 4
        paint = _draw_box(ax, f"box{k}", b, shape, highlight, numbers[k], painted[k],
                          windows[k])
        if paint is not None:  # under the captions, in the face's width at least
            width = max(b.w, _KEY_WIDTH)
            _colour_key(ax, ((slot_centres[k] - width / 2) / fig_w, (_MARGIN + 0.2) / fig_h,
                             width / fig_w, 0.09 / fig_h), paint, CMAP_WORDS, "front face")
        if captions[k]:
            ax.text(slot_centres[k], centre - below - _PAD, captions[k], ha="center",
                    va="top", fontsize=_CAPTION_SIZE, zorder=7, gid=f"caption{k}")
    for k, (op, op_x) in enumerate(zip(operators, operator_xs, strict=True)):
        ax.text(op_x, centre, op, ha="center", va="center", fontsize=_OPERATOR_SIZE,
                zorder=7, gid=f"operator{k}")
    fig.alt = _diagram_alt(shapes, operators, captions, values, pixel)
    return fig


def _diagram_alt(shapes: list[tuple[int, ...]], operators: list[str],
                 captions: list[str | None], values: list, pixel: tuple[int, int] | None
                 ) -> str:
    """:func:`volume_diagram`'s text alternative: the row read left to right."""
    def box(k: int) -> str:
        shape = shapes[k]
        if len(shape) == 4:
            f = f"{shape[0]}×{shape[1]}×{shape[2]}"
            text = f"{shape[3]} filters of {f}" if shape[3] > 1 else f"a filter of {f}"
        else:
            text = _sizes(shape)
        if captions[k]:
            text += f" ({captions[k].replace(chr(10), ' ')})"
        face = values[k]
        if face is not None and max(face.shape) <= MAX_FACE_NUMBERS:
            text += f", numbers on its front face: {_numbers(face)}"
        elif face is not None:
            face = np.asarray(face, dtype=float)
            low, high = _span(face)
            text += (f", its front face coloured by value, {_key_words(CMAP_WORDS, low, high)}"
                     if np.isfinite(face).any() else ", its front face blank")
            missing = int(np.isnan(face).sum())
            if missing:
                text += (f", {face.size - missing} of {face.size} values computed, the rest "
                         f"{NOT_COMPUTED}")
        return text

    words = [box(0)]
    for k, op in enumerate(operators):
        words += [op.replace("\n", " ").replace("→", "").strip() or "→", box(k + 1)]
        if words[-2] in ("", "→"):
            words[-2] = "→"
    highlighted = (f"; pixel ({pixel[0]}, {pixel[1]}) highlighted through every volume"
                   if pixel is not None else "")
    return "Volumes drawn as boxes, left to right: " + " ".join(words) + highlighted


@dataclasses.dataclass
class _Box:
    """Where one box of :func:`volume_diagram` goes, in inches: its front face is
    ``w x h`` from its bottom left corner ``(x0, y0)``, its depth goes back by
    ``(dx, dy)``; its labels need ``left``, ``right``, ``up`` and ``down`` around that
    corner."""

    s: float  # a cell's side
    w: float
    h: float
    dx: float
    dy: float
    broken: bool
    count: str  # "× n_F" beside a bank of filters, or ""
    left: float
    right: float
    up: float
    down: float
    x0: float = 0.0
    y0: float = 0.0

    @classmethod
    def of(cls, shape: tuple[int, ...], s: float, full_depth: float) -> _Box:
        """The box of ``shape`` for cells of side ``s`` and ``full_depth`` inches for
        ``VOLUME_LINEAR_CHANNELS`` channels."""
        depth, broken = _drawn_depth(shape[2], full_depth)
        w, h = max(shape[1] * s, _THINNEST), max(shape[0] * s, _THINNEST)
        dx, dy = depth * _RECEDE[0], depth * _RECEDE[1]
        count = f"× {shape[3]}" if len(shape) == 4 and shape[3] > 1 else ""
        height_w = _text_extent(str(shape[0]), _LABEL_SIZE)[0]
        depth_w, depth_h = _text_extent(str(shape[2]), _LABEL_SIZE)
        width_w, width_h = _text_extent(str(shape[1]), _LABEL_SIZE)
        count_w = _text_extent(count, _LABEL_SIZE)[0] + _PAD if count else 0.0
        along = _DEPTH_LABEL_BROKEN if broken else 0.5
        return cls(s=s, w=w, h=h, dx=dx, dy=dy, broken=broken, count=count,
                   left=max(height_w + _PAD, depth_w + _PAD - dx * along, width_w / 2 - w / 2),
                   right=max(w + dx + count_w, w / 2 + width_w / 2),
                   up=h + max(dy, dy * along + _PAD + depth_h), down=_PAD + width_h)

    @property
    def width(self) -> float:
        return self.left + self.right


_EDGE = (0.2, 0.2, 0.2)


def _box_colours(is_filter: bool, highlight: bool) -> list:
    """Front, top and side face colours: volumes blue-grey, filters yellow (both from
    ``CMAP``), highlighted filters in the highlight colour; the top lightest."""
    if highlight:
        red = np.asarray(matplotlib.colors.to_rgb(_HIGHLIGHT))
        return [tuple(red + (1 - red) * white) for white in (0.25, 0.5, 0.0)]
    if is_filter:
        return [_shade(0.88, white) for white in (0.45, 0.7, 0.1)]
    return [_shade(0.3, white) for white in (0.6, 0.8, 0.35)]


def _draw_box(ax, gid: str, b: _Box, shape: tuple[int, ...], highlight: bool,
              numbers: list[str] | None, painted: np.ndarray | None,
              window: tuple[int, int, int, int] | None):
    """One box of :func:`volume_diagram`: faces, painted values, grid or numbers,
    highlighted window, break mark and the labels on its edges. Returns the image of
    the painted values (None if none), for its key."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.patches import Polygon, Rectangle

    x0, y0, w, h, dx, dy, s = b.x0, b.y0, b.w, b.h, b.dx, b.dy, b.s
    rows, cols = shape[:2]
    faces = [[(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h)],
             [(x0, y0 + h), (x0 + w, y0 + h), (x0 + w + dx, y0 + h + dy),
              (x0 + dx, y0 + h + dy)],
             [(x0 + w, y0), (x0 + w + dx, y0 + dy), (x0 + w + dx, y0 + h + dy),
              (x0 + w, y0 + h)]]
    ax.add_collection(PolyCollection(faces, facecolors=_box_colours(len(shape) == 4, highlight),
                                     edgecolors=_EDGE, linewidths=1, zorder=1, gid=gid))
    paint = None
    if painted is not None and np.isfinite(painted).any():
        # NaN cells are transparent: the face's own colour shows, "not computed yet"
        low, high = _span(painted)
        paint = ax.imshow(np.ma.masked_invalid(painted), cmap=CMAP, vmin=low, vmax=high,
                          extent=(x0, x0 + w, y0, y0 + h), interpolation="nearest",
                          aspect="auto", zorder=1.5, gid=f"{gid}-paint")
    if 1 < max(rows, cols) <= MAX_FACE_GRID and s * DPI >= 4:  # cells of 4 pixels or more
        lines = [[(x0 + c * s, y0), (x0 + c * s, y0 + h)] for c in range(1, cols)]
        lines += [[(x0, y0 + r * s), (x0 + w, y0 + r * s)] for r in range(1, rows)]
        ax.add_collection(LineCollection(lines, colors=[_EDGE], linewidths=0.5, alpha=0.5,
                                         zorder=2, gid=f"{gid}-grid"))
    if numbers:
        size = min(_NUMBER_SIZE, 0.8 * s * 72 / (0.62 * max(1, *map(len, numbers))))
        for (i, j), text in zip(np.ndindex(rows, cols), numbers, strict=True):
            if not text:
                continue
            ax.text(x0 + (j + 0.5) * s, y0 + (rows - i - 0.5) * s, text, ha="center",
                    va="center", fontsize=max(size, 5.0), zorder=6, gid=f"{gid}-value")
    if window is not None:  # rows r0..r1 and columns c0..c1, row 0 at the top
        r0, r1, c0, c1 = window
        left, bottom = x0 + c0 * s, y0 + (rows - 1 - r1) * s
        right, top = x0 + (c1 + 1) * s, y0 + (rows - r0) * s
        ax.add_patch(Polygon(_prism(left, right, bottom, top, dx, dy), closed=True,
                             facecolor=_HIGHLIGHT, alpha=0.35, edgecolor=_HIGHLIGHT,
                             linewidth=1.5, zorder=3, gid=f"{gid}-pixel"))
        ax.add_patch(Rectangle((left, bottom), right - left, top - bottom, facecolor="none",
                               edgecolor=_HIGHLIGHT, linewidth=2, zorder=5))
    if b.broken:
        _draw_break(ax, gid, b)
    label = dict(fontsize=_LABEL_SIZE, zorder=7)
    along = _DEPTH_LABEL_BROKEN if b.broken else 0.5
    ax.text(x0 - _PAD, y0 + h / 2, str(shape[0]), ha="right", va="center",
            gid=f"{gid}-height", **label)
    ax.text(x0 + w / 2, y0 - _PAD, str(shape[1]), ha="center", va="top",
            gid=f"{gid}-width", **label)
    ax.text(x0 + dx * along - _PAD, y0 + h + dy * along + _PAD, str(shape[2]), ha="right",
            va="bottom", gid=f"{gid}-depth", **label)
    if b.count:
        ax.text(x0 + w + dx + _PAD, y0 + dy + h / 2, b.count, ha="left", va="center",
                gid=f"{gid}-count", **label)
    return paint


def _draw_break(ax, gid: str, b: _Box) -> None:
    """A break mark across a compressed depth: a narrow gap across the top and side
    faces, in the back part of the box (the depth label stands on the front part), and
    two short slanted strokes across each of the three visible receding edges."""
    from matplotlib.collections import LineCollection, PolyCollection

    x0, y0, w, h = b.x0, b.y0, b.w, b.h
    start = _BREAK_AT * math.hypot(b.dx, b.dy)
    (gx, gy), (hx, hy) = ((t * _RECEDE[0], t * _RECEDE[1])
                          for t in (start, start + _BREAK_GAP))
    gap = [[(x0 + gx, y0 + h + gy), (x0 + w + gx, y0 + h + gy),
            (x0 + w + hx, y0 + h + hy), (x0 + hx, y0 + h + hy)],
           [(x0 + w + gx, y0 + gy), (x0 + w + hx, y0 + hy),
            (x0 + w + hx, y0 + h + hy), (x0 + w + gx, y0 + h + gy)]]
    ax.add_collection(PolyCollection(gap, facecolors="white", edgecolors="none", zorder=4,
                                     gid=f"{gid}-break"))
    sx, sy = 0.07 * math.cos(math.radians(100)), 0.07 * math.sin(math.radians(100))
    strokes = [[(px + ex - sx, py + ey - sy), (px + ex + sx, py + ey + sy)]
               for px, py in ((x0, y0 + h), (x0 + w, y0 + h), (x0 + w, y0))
               for ex, ey in ((gx, gy), (hx, hy))]
    ax.add_collection(LineCollection(strokes, colors=[_EDGE], linewidths=1.2, zorder=5,
                                     gid=f"{gid}-break-strokes"))


# -- 09: a network trained on handwritten digits --------------------------------------

def training_curves(loss: np.ndarray, validation_accuracy: np.ndarray) -> Figure:
    """How training went, epoch by epoch: the training loss (log scale) and the share of
    validation images classified right.

    Parameters
    ----------
    loss : ndarray, shape ``(epochs,)``, positive, the mean training loss of each epoch
    validation_accuracy : ndarray, shape ``(epochs,)``, each in [0, 1]

    Returns
    -------
    Figure
    """
    loss = v.real_array("loss", loss, ndim=(1,), layout="(epochs,)")
    accuracy = v.real_array("validation_accuracy", validation_accuracy, ndim=(1,),
                            layout="(epochs,)")
    if accuracy.shape != loss.shape:
        raise ValueError(f"validation_accuracy must have one value per epoch like loss "
                         f"({loss.shape[0]}), got shape {v.shape_str(accuracy.shape)}")
    if not (np.isfinite(loss).all() and (loss > 0).all()):
        raise ValueError("loss must be positive and finite (a cross-entropy), got "
                         f"values from {np.nanmin(loss)} to {np.nanmax(loss)}")
    if not (np.isfinite(accuracy).all() and (0 <= accuracy).all() and (accuracy <= 1).all()):
        raise ValueError("validation_accuracy must hold shares between 0 and 1")
    epochs = np.arange(1, loss.shape[0] + 1)
    fig = Figure(figsize=(8.4, 2.9), dpi=DPI)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.88, wspace=0.3)
    left, right = fig.subplots(1, 2)
    left.plot(epochs, loss, marker="o", markersize=3)
    left.set_yscale("log")
    left.set_title("training loss (cross-entropy)", fontsize=11)
    right.plot(epochs, 100 * accuracy, marker="o", markersize=3)
    right.set_ylim(min(90.0, 100 * accuracy.min() - 2), 100.5)
    right.set_title("validation accuracy (%)", fontsize=11)
    for ax in (left, right):
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    best = int(np.argmax(accuracy))
    fig.alt = (f"Training over {len(loss)} epochs: the training loss falls from "
               f"{loss[0]:.3g} to {loss[-1]:.3g} (log scale); the validation accuracy goes "
               f"from {accuracy[0]:.1%} after epoch 1 to {accuracy[-1]:.1%} after the last, "
               f"highest {accuracy[best]:.1%} after epoch {best + 1}")
    return fig


def _digit_images(name: str, images: object) -> np.ndarray:
    """Grey images ``(k, n_H, n_W)`` from ``(k, n_H, n_W)`` or ``(k, n_H, n_W, 1)``."""
    images = v.real_array(name, images, ndim=(3, 4), layout="(k, n_H, n_W) or (k, n_H, n_W, 1)")
    if images.ndim == 4:
        if images.shape[3] != 1:
            raise ValueError(f"{name} must be grey, one channel, got shape "
                             f"{v.shape_str(images.shape)}")
        images = images[..., 0]
    return images


def _titles(titles: object, count: int) -> list[str] | None:
    if titles is None:
        return None
    if isinstance(titles, str) or not isinstance(titles, (list, tuple)) \
            or len(titles) != count or not all(isinstance(t, str) for t in titles):
        raise ValueError(f"titles must be a list of {count} strings, got {titles!r}")
    return list(titles)


def digit_grid(images: np.ndarray, titles: list[str] | None = None, ncols: int = 8) -> Figure:
    """Small grey images in a grid, each with its title (e.g. the label and the guess).

    Parameters
    ----------
    images : ndarray, shape ``(k, n_H, n_W)`` or ``(k, n_H, n_W, 1)``, values in [0, 1]
        drawn from white (0) to black (1), ink on paper as the digits were written
    titles : list of str, optional, one per image
    ncols : int, images a row

    Returns
    -------
    Figure
    """
    images = _digit_images("images", images)
    titles = _titles(titles, len(images))
    ncols = min(v.integer("ncols", ncols), len(images))
    nrows = -(-len(images) // ncols)
    panel, title_space = 1.0, 0.32 if titles is not None else 0.04
    fig = Figure(figsize=(panel * ncols + 0.1, (panel + title_space) * nrows), dpi=DPI)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99,
                        hspace=title_space / panel + 0.05, wspace=0.08)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k < len(images):
            ax.imshow(images[k], cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
            if titles is not None:
                ax.set_title(titles[k], fontsize=10)
    fig.alt = (f"{len(images)} handwritten digits of {images.shape[1]}×{images.shape[2]} pixels"
               + (", titled " + ", ".join(titles) if titles is not None else ""))
    return fig


def _diverging_scale(maps: np.ndarray) -> float:
    """The half-range of a colour scale centred on 0 for class maps: the 98th percentile
    of ``|maps|``, so that a few extreme pixels do not wash out the rest (1 if all are 0)."""
    return float(np.percentile(np.abs(maps), 98)) or 1.0


def _class_map_key(parent, rect: tuple[float, float, float, float], image,
                   scale: float) -> None:
    """The class maps' key: what orange and purple say, the scale's ends, and where it is
    clipped."""
    _colour_key(parent, rect, image, CLASS_MAP_WORDS, "class maps",
                note=f"clipped at ±{scale:.3g}, the 98th percentile of |values|: beyond, "
                     f"the end colours")


def _class_map_scale_words(scale: float) -> str:
    words = CLASS_MAP_WORDS
    return (f"one colour scale centred on 0, {words.high} where a map is positive ("
            f"{words.high_means}), {words.low} where negative ({words.low_means}), "
            f"clipped at ±{scale:.3g}, the 98th percentile of |values|")


def _score(mean: float) -> str:
    """A class map's mean as its title writes it: ``+22``, ``−3``, ``0``."""
    rounded = round(mean)
    return f"{rounded:+d}".replace("-", "−") if rounded else "0"


def class_maps(images: np.ndarray, maps: np.ndarray, labels: np.ndarray) -> Figure:
    """Digits, each next to its class maps: the maps a network with a global-average-
    pooling head makes before it averages them.

    One row per digit: the digit, then map 0 to map ``n_classes - 1``, each titled with
    its class and its mean, which is the class's score. All maps share one colour scale
    centred on 0 (:data:`CLASS_MAP_WORDS`: orange above, evidence for the class, purple
    below, against, white at 0), clipped at the 98th percentile of all their absolute
    values so that a few extreme pixels do not wash out the rest; the key under the
    rows says so. The predicted class (the largest mean) is framed and its title says
    "guess"; the row's title gives the true label.

    Parameters
    ----------
    images : ndarray, shape ``(k, n_H, n_W)`` or ``(k, n_H, n_W, 1)``, values in [0, 1]
    maps : ndarray, shape ``(k, h, w, n_classes)``, finite
    labels : ndarray of int, shape ``(k,)``, the true classes

    Returns
    -------
    Figure
        ``fig.axes``: for each row, the digit, a spacer, then the maps; the key is a
        child of the first row's digit.
    """
    images = _digit_images("images", images)
    maps = v.real_array("maps", maps, ndim=(4,), layout="(k, h, w, n_classes)")
    labels = v.real_array("labels", labels, ndim=(1,), layout="(k,)")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers (classes), got dtype {labels.dtype}")
    if not len(images) == len(maps) == len(labels):
        raise ValueError(f"images, maps and labels must have one entry per digit, got "
                         f"{len(images)}, {len(maps)} and {len(labels)}")
    if not np.isfinite(maps).all():
        raise ValueError("maps must be finite, got NaN or inf")
    k, n_classes = len(images), maps.shape[3]
    panel, title_space, key_space = 0.78, 0.55, 1.0
    fig = Figure(figsize=(panel * (n_classes + 1.35) + 0.1,
                          (panel + title_space) * k + 0.1 + key_space), dpi=DPI)
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.01, right=0.99, bottom=(key_space + 0.01) / height,
                        top=1 - title_space / height,
                        hspace=title_space / panel + 0.05, wspace=0.12)
    axes = fig.subplots(k, n_classes + 2, squeeze=False,
                        gridspec_kw={"width_ratios": [1, 0.35] + [1] * n_classes})
    scale = _diverging_scale(maps)
    scores = maps.mean(axis=(1, 2))
    guesses = scores.argmax(axis=1)
    for row in range(k):
        digit, gap, *class_axes = axes[row]
        digit.imshow(images[row], cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
        digit.set_title(f"label {int(labels[row])}", fontsize=10, fontweight="bold")
        for ax in (digit, gap):
            ax.set_axis_off()
        for c, ax in enumerate(class_axes):
            image = ax.imshow(maps[row, :, :, c], cmap=CLASS_MAP_WORDS.cmap, vmin=-scale,
                              vmax=scale, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            framed = c == guesses[row]
            for spine in ax.spines.values():
                spine.set_visible(framed)
                spine.set_linewidth(3)
                spine.set_color("black")
            score = _score(scores[row, c])
            ax.set_title(f"{c} guess\n{score}" if framed else f"{c}\n{score}", fontsize=9,
                         fontweight="bold" if framed else "normal", linespacing=1.1)
    width = min(4.5, fig.get_figwidth() - 1.0) / fig.get_figwidth()
    _class_map_key(axes[0][0], ((1 - width) / 2, 0.5 / height, width, 0.12 / height), image,
                   scale)
    guessed = maps[np.arange(k), :, :, guesses]  # each row's guessed map
    others = np.ones(maps.shape[::3], bool)
    others[np.arange(k), guesses] = False
    fig.alt = (f"Digits, each beside its {n_classes} class maps ({_sizes(maps.shape[1:3])}), "
               f"each titled with its mean, the class's score; {_class_map_scale_words(scale)}"
               f". The guess is the map with the largest mean. " + _listed(
                   f"label {int(labels[row])}: guess {guesses[row]}, mean "
                   f"{_score(scores[row, guesses[row]])}, positive at "
                   f"{np.mean(guessed[row] > 0):.0%} of its pixels" for row in range(k))
               + f". The guessed maps are positive at {np.mean(guessed > 0):.0%} of their "
               f"pixels, the other maps at {np.mean(maps.transpose(0, 3, 1, 2)[others] > 0):.0%}")
    return fig


def confusion(matrix: np.ndarray, title: str | None = None) -> Figure:
    """A confusion matrix: how many images of each true class got each predicted class.

    Drawn with scikit-learn's ``ConfusionMatrixDisplay``. Counts are written in their
    cells, except zeros, left blank so that the few mistakes stand out.

    Parameters
    ----------
    matrix : ndarray of int, shape ``(n_classes, n_classes)``, ``matrix[i, j]`` counts
        the images of class ``i`` predicted as ``j`` (as ``sklearn.metrics.
        confusion_matrix`` returns it)
    title : str, optional

    Returns
    -------
    Figure
    """
    from sklearn.metrics import ConfusionMatrixDisplay  # imported here: it takes a moment

    matrix = v.real_array("matrix", matrix, ndim=(2,), layout="(n_classes, n_classes)")
    if matrix.shape[0] != matrix.shape[1] or matrix.dtype.kind not in "iu" \
            or (matrix < 0).any():
        raise ValueError(f"matrix must be a square table of counts (non-negative integers), "
                         f"got shape {v.shape_str(matrix.shape)} and dtype {matrix.dtype}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {v.describe(title)}")
    fig = Figure(figsize=(6.3, 5.0), dpi=DPI)
    fig.subplots_adjust(left=0.11, right=0.8, bottom=0.11, top=0.93)
    ax = fig.add_subplot()
    display = ConfusionMatrixDisplay(matrix).plot(ax=ax, colorbar=False, cmap=CMAP)
    _colour_key(ax, (0.84, 0.11, 0.025, 0.82), display.im_,
                CMAP_WORDS._replace(low_means="few", high_means="many"), "images", fmt="{:.0f}")
    for text in display.text_.ravel():
        if text.get_text() == "0":
            text.set_text("")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title is not None:
        ax.set_title(title, fontsize=11)
    off_diagonal = matrix - np.diag(np.diag(matrix))
    # the most frequent mistakes first
    order = sorted(zip(*np.nonzero(off_diagonal), strict=True), key=lambda ij: -matrix[ij])
    mistakes = [f"true {i} as {j}: {matrix[i, j]}" for i, j in order]
    fig.alt = ((f"{title}: " if title else "") + f"confusion matrix of {len(matrix)} classes, "
               f"{int(matrix.sum())} images, {int(np.trace(matrix))} on the diagonal (right), "
               f"{int(off_diagonal.sum())} off it; "
               + ("mistakes, the most frequent first: " + _listed(mistakes, budget=24)
                  if mistakes else "no mistakes"))
    return fig


def canvas_class_maps(canvas: np.ndarray, maps: np.ndarray,
                      windows: list[tuple[int, int]]) -> Figure:
    """A wide image of several digits, under it the class maps a fully convolutional
    network makes of it, one row per class, and the largest class at every map pixel.

    Each digit owns a window of map columns, ``windows[k] = (start, stop)``, all rows.
    Map rows share one colour scale centred on 0 (:data:`CLASS_MAP_WORDS`: orange above,
    evidence for the class, purple below, against, white at 0), clipped at the 98th
    percentile of ``|maps|``, as the key at the bottom says. In each
    window, the class with the largest mean over the window is framed in its row: what
    the window's average reads. The last row writes, in every map pixel, the class whose
    map is largest there; inside a window, a number that agrees with the window's frame
    is bold and black, others grey, so agreement reads without colour.

    Parameters
    ----------
    canvas : ndarray, shape ``(n_H, n_W)`` or ``(n_H, n_W, 1)``, grey levels in [0, 1]
    maps : ndarray, shape ``(n_H', n_W', n_classes)``, finite
    windows : list of ``(start, stop)`` column ranges of ``maps``, one per digit, left to
        right, not overlapping

    Returns
    -------
    Figure
        Axes, top to bottom: the canvas, the map of class 0 to class ``n_classes - 1``
        (each with one Rectangle patch per window it wins), the largest class per pixel.
    """
    canvas = _digit_images("canvas", np.asarray(canvas)[np.newaxis]
                           if isinstance(canvas, np.ndarray) else canvas)[0]
    maps = v.real_array("maps", maps, ndim=(3,), layout="(n_H', n_W', n_classes)")
    if not np.isfinite(maps).all():
        raise ValueError("maps must be finite, got NaN or inf")
    n_H, n_W, n_classes = maps.shape
    windows = _windows_of(windows, n_W)
    winners = [int(maps[:, a:b].mean(axis=(0, 1)).argmax()) for a, b in windows]
    largest = maps.argmax(axis=2)

    figure_width = 7.2
    row = figure_width * 0.9 * n_H / n_W  # a map row's height, in inches
    heights = [figure_width * 0.9 * canvas.shape[0] / canvas.shape[1]] + [row] * (n_classes + 1)
    gap, key_space = 0.32, 0.95
    fig = Figure(figsize=(figure_width, sum(heights) + gap * (len(heights) + 1) + key_space),
                 dpi=DPI)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=(gap + key_space) / fig.get_figheight(),
                        top=1 - gap / fig.get_figheight(),
                        hspace=gap / (sum(heights) / len(heights)))
    axes = fig.subplots(len(heights), 1, gridspec_kw={"height_ratios": heights})
    axes[0].imshow(canvas, cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest",
                   aspect="auto")
    axes[0].set_title(f"{len(windows)} digits side by side", fontsize=10)
    scale = _diverging_scale(maps)
    for c, ax in enumerate(axes[1:-1]):
        image = ax.imshow(maps[:, :, c], cmap=CLASS_MAP_WORDS.cmap, vmin=-scale, vmax=scale,
                          interpolation="nearest", aspect="auto")
        ax.set_ylabel(f"class {c}", rotation=0, ha="right", va="center", fontsize=9)
        for (a, b), winner in zip(windows, winners, strict=True):
            if winner == c:
                ax.add_patch(matplotlib.patches.Rectangle(
                    (a - 0.5, -0.5), b - a, n_H, fill=False, edgecolor="black",
                    linewidth=2.5, clip_on=False))
    window_of = {j: k for k, (a, b) in enumerate(windows) for j in range(a, b)}
    last = axes[-1]
    last.imshow(np.ones((n_H, n_W)), cmap="gray", vmin=0, vmax=1, aspect="auto")
    for i in range(n_H):
        for j in range(n_W):
            agrees = j in window_of and largest[i, j] == winners[window_of[j]]
            last.text(j, i, str(largest[i, j]), ha="center", va="center", fontsize=8,
                      fontweight="bold" if agrees else "normal",
                      color="black" if agrees else "0.45")
    last.set_ylabel("largest", rotation=0, ha="right", va="center", fontsize=9)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[1:]:
        for a, b in windows:
            for edge in (a - 0.5, b - 0.5):
                ax.axvline(edge, color="0.6", linewidth=0.8)
    height = fig.get_figheight()
    _class_map_key(axes[0], (0.2, 0.5 / height, 0.6, 0.12 / height), image, scale)
    agree = sum(largest[i, j] == winners[window_of[j]]
                for i in range(n_H) for j in window_of)
    fig.alt = (f"{len(windows)} digits side by side, and under them the {n_classes} class maps "
               f"({n_H}×{n_W}) a fully convolutional network makes of them, on "
               f"{_class_map_scale_words(scale)}. Averaged over "
               f"each digit's window the maps read {' '.join(map(str, winners))}; the largest "
               f"class at a single map pixel agrees with its window's reading at {agree} of "
               f"{n_H * len(window_of)} pixels")
    return fig


def _windows_of(windows: object, n_W: int) -> list[tuple[int, int]]:
    """``windows`` checked: ``(start, stop)`` column ranges inside ``0 .. n_W``, in
    order, not overlapping."""
    if not isinstance(windows, (list, tuple)) or not windows:
        raise TypeError(f"windows must be a list of (start, stop) column ranges, got "
                        f"{v.describe(windows)}")
    checked = []
    for k, window in enumerate(windows):
        if not isinstance(window, (list, tuple)) or len(window) != 2:
            raise TypeError(f"windows[{k}] must be a pair (start, stop), got {window!r}")
        start = v.integer(f"windows[{k}][0]", window[0], minimum=0)
        stop = v.integer(f"windows[{k}][1]", window[1])
        previous = checked[-1][1] if checked else 0
        if not previous <= start < stop <= n_W:
            raise ValueError(f"windows[{k}] = {tuple(window)} must lie within columns "
                             f"{previous} .. {n_W} of the maps, after the window before it")
        checked.append((start, stop))
    return checked

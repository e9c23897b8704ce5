"""Plots for the course. Each function returns a :class:`matplotlib.figure.Figure`.

Figures are built without pyplot, so nothing accumulates in pyplot's global state when
widgets redraw; Jupyter displays a returned Figure like any other value. Colours come
from ``cividis``, a colormap designed to read the same with colour-vision deficiency.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from onebyone import _validate as v
from onebyone.ops import fiber_dot

CMAP = "cividis"
DPI = 80
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


def heatmap(*matrices: np.ndarray, titles: list[str] | None = None,
            fmt: str | None = None) -> Figure:
    """Annotated heatmaps of one or more 2-D matrices, side by side.

    Parameters
    ----------
    *matrices : ndarray, shape ``(n_H, n_W)`` each
        Real numbers. Every panel has its own colour scale. Cells are annotated with
        their values when a matrix has at most ``MAX_ANNOTATED`` cells.
    titles : list of str, optional, one per matrix
    fmt : str, optional
        Format for the annotations, e.g. ``"{:.1f}"``; by default whole numbers are
        written without decimals and others with two.

    Returns
    -------
    Figure
    """
    if not matrices:
        raise TypeError("heatmap needs at least one matrix, got none")
    arrays = [v.real_array(f"matrices[{k}]", m, ndim=(2,), layout="(n_H, n_W)")
              for k, m in enumerate(matrices)]
    if titles is not None and (isinstance(titles, str) or len(titles) != len(arrays)):
        raise ValueError(f"titles must be a list of {len(arrays)} strings, got {titles!r}")
    if fmt is not None and not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '{{:.1f}}', got {v.describe(fmt)}")
    fig = Figure(figsize=(3.0 * len(arrays), 3.2), dpi=DPI)
    # a fixed layout: constrained layout would cost a second draw on every redraw
    fig.subplots_adjust(left=0.03, right=0.97, bottom=0.03, top=0.88, wspace=0.08)
    axes = fig.subplots(1, len(arrays), squeeze=False)[0]
    for k, (ax, matrix) in enumerate(zip(axes, arrays, strict=True)):
        image = ax.imshow(matrix, cmap=CMAP)
        if matrix.size <= MAX_ANNOTATED:
            _annotate(ax, matrix, image, fmt or _number_format(matrix))
        ax.set_axis_off()  # tick labels cost more to draw than the numbers in the cells
        if titles is not None:
            ax.set_title(titles[k])
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
    All channels share one colour scale, shown by the colour bar.
    """
    grid = montage_grid(volume, ncols)
    n_H, n_W, n_C = volume.shape
    fig = Figure(figsize=(4.2, 3.6), dpi=DPI)
    ax = fig.add_axes((0.02, 0.02, 0.76, 0.86))
    image = ax.imshow(grid, cmap=CMAP, interpolation="nearest")
    fig.colorbar(image, cax=fig.add_axes((0.82, 0.1, 0.04, 0.7)))
    ax.set_axis_off()
    ax.set_title(title if title is not None else
                 f"{n_H}×{n_W}×{n_C}: {n_C} channel{'s' if n_C > 1 else ''}, "
                 "channel 0 top left", fontsize=10)
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
    return fig


def to_png(fig: Figure) -> bytes:
    """The figure rendered once as PNG bytes, at its own size and dpi."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {v.describe(fig)}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()

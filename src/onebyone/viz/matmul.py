"""A 1×1 convolution drawn as the matrix product it is (04)."""

from __future__ import annotations

import matplotlib
import matplotlib.figure
import numpy as np

from onebyone import _validate as v
from onebyone.ops import conv1x1
from onebyone.viz._figure import (
    _HIGHLIGHT,
    CMAP,
    CMAP_WORDS,
    DPI,
    Figure,
    _colour_key,
    _key_words,
    _numbers,
    _span,
)

MAX_MATMUL_ROWS = 64
"""conv1x1_as_matmul draws at most this many pixels (rows of the matrix)..."""


MAX_MATMUL_CHANNELS = 12
"""... and at most this many input channels and filters: it is a figure for small examples."""


_DEPTH_STEP = 0.45  # how far each channel of a volume is drawn behind the previous one


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

"""Grids of numbers and pictures: heatmaps, channel montages, a pixel's fiber, photos."""

from __future__ import annotations

import math

import matplotlib
import matplotlib.figure
import numpy as np
from matplotlib.ticker import MaxNLocator

from onebyone import _validate as v
from onebyone.ops import fiber_dot
from onebyone.viz._figure import (
    CMAP,
    CMAP_WORDS,
    DPI,
    MAX_ANNOTATED,
    Figure,
    _annotate,
    _colour_key,
    _end,
    _key_words,
    _listed,
    _number_format,
    _numbers,
    _range,
    _sizes,
    _span,
)


def heatmap(*matrices: np.ndarray, titles: list[str] | None = None,
            fmt: str | None = None, axis_labels: tuple[str, str] | None = None,
            key: tuple[str, str] | None = None) -> Figure:
    """Annotated heatmaps of one or more 2-D matrices, side by side, on one colour scale.

    Panels side by side are compared, so they share one colour scale, from the smallest
    to the largest finite value of all of them: a colour means the same number in every
    panel. A key under the panels gives its ends, and what they mean.

    Parameters
    ----------
    *matrices : ndarray, shape ``(n_H, n_W)`` each
        Real numbers. Cells are annotated with their values when a matrix has at most
        ``MAX_ANNOTATED`` cells.
    titles : list of str, optional, one per matrix
    fmt : str, optional
        Format for the annotations, e.g. ``"{:.1f}"``; by default whole numbers are
        written without decimals and others with two.
    axis_labels : (str, str), optional
        What the rows and the columns are, e.g. ``("input channel j", "output channel
        k")``: every panel then numbers its rows and columns, and names them. By default
        the panels have no axes.
    key : (str, str), optional
        What the lowest and the highest value mean, e.g. ``("j does not reach k", "j
        reaches k")``, in the key beside its colours; by default ``"low"`` and
        ``"high"``.

    Returns
    -------
    Figure
        ``fig.axes`` holds one panel per matrix; the key is a child of the first.
    """
    if not matrices:
        raise TypeError("matrices: heatmap needs at least one matrix, got none")
    for name, pair in (("axis_labels", axis_labels), ("key", key)):
        if pair is not None and not (isinstance(pair, (tuple, list)) and len(pair) == 2
                                     and all(isinstance(s, str) and s for s in pair)):
            raise TypeError(f"{name} must be two words, such as {_PAIR_EXAMPLES[name]!r}, "
                            f"got {v.describe(pair)} ({pair!r})")
    arrays = [v.real_array(f"matrices[{k}]", m, ndim=(2,), layout="(n_H, n_W)")
              for k, m in enumerate(matrices)]
    if titles is not None and (isinstance(titles, str) or len(titles) != len(arrays)):
        raise ValueError(f"titles must be a list of {len(arrays)} strings, got {titles!r}")
    if fmt is not None and not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '{{:.1f}}', got {v.describe(fmt)}")
    low, high = _span(*arrays)
    words = CMAP_WORDS if key is None else CMAP_WORDS._replace(low_means=key[0],
                                                               high_means=key[1])
    key_height = 0.75  # inches under the panels: the key and its words
    label_room = 0.0 if axis_labels is None else 0.4  # inches: tick numbers and a name
    fig = Figure(figsize=(max(3.0 * len(arrays), 4.0) + label_room,
                          3.2 + key_height + label_room), dpi=DPI)
    height, fig_width = fig.get_figheight(), fig.get_figwidth()
    # a fixed layout: constrained layout would cost a second draw on every redraw
    fig.subplots_adjust(left=(0.03 + label_room) / fig_width, right=0.97,
                        bottom=(key_height + label_room + 0.03) / height,
                        top=1 - 0.38 / height, wspace=0.08 if axis_labels is None else 0.22)
    axes = fig.subplots(1, len(arrays), squeeze=False)[0]
    for k, (ax, matrix) in enumerate(zip(axes, arrays, strict=True)):
        image = ax.imshow(matrix, cmap=CMAP, vmin=low, vmax=high)
        if matrix.size <= MAX_ANNOTATED:
            _annotate(ax, matrix, image, fmt or _number_format(matrix))
        if axis_labels is None:
            ax.set_axis_off()  # tick labels cost more to draw than the numbers in the cells
        else:
            _number_rows_and_columns(ax, matrix.shape, axis_labels, name_rows=k == 0)
        if titles is not None:
            ax.set_title(titles[k])
    width = min(3.0, fig_width - 1.0) / fig_width
    end_format = _number_format(np.array([low, high]))
    _colour_key(axes[0], ((1 - width) / 2, 0.2 / height, width, 0.12 / height), image,
                words, "value" if len(arrays) == 1 else "one scale for every panel",
                fmt=end_format)
    scale = _key_words(CMAP_WORDS, low, high, end_format)
    if key is not None:
        scale += f" ({_end(low, end_format)}: {key[0]}; {_end(high, end_format)}: {key[1]})"
    if axis_labels is not None:
        scale += f"; rows: {axis_labels[0]}, columns: {axis_labels[1]}"
    fig.alt = ((f"Heatmaps on one colour scale, {scale}: " if len(arrays) > 1 else
                f"Heatmap, colour scale {scale}: ") + _listed(
        f"{titles[k] if titles is not None else f'matrix {k}'}, "
        f"{_sizes(m.shape)}, {_numbers(m)}" for k, m in enumerate(arrays)))
    return fig


_PAIR_EXAMPLES = {"axis_labels": ("input channel j", "output channel k"),
                  "key": ("j does not reach k", "j reaches k")}
"""What :func:`heatmap`'s pairs of words look like, for its error messages."""


MAX_NUMBERED = 16
"""A heatmap with axis labels numbers at most this many rows (columns); a longer side is
numbered at every second, third, … index."""


def _number_rows_and_columns(ax, shape: tuple[int, int], axis_labels: tuple[str, str],
                             name_rows: bool) -> None:
    """Number the rows and the columns of a heatmap panel, and name the columns (and the
    rows, when ``name_rows``: panels side by side share the name at their left)."""
    for axis, n in ((ax.yaxis, shape[0]), (ax.xaxis, shape[1])):
        axis.set_ticks(range(0, n, math.ceil(n / MAX_NUMBERED)))
    ax.tick_params(labelsize=7, length=2, pad=1)
    ax.set_xlabel(axis_labels[1], fontsize=9, labelpad=2)
    if name_rows:
        ax.set_ylabel(axis_labels[0], fontsize=9, labelpad=2)


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

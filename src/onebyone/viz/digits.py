"""Digits and what a network makes of them: grids, class maps, a confusion matrix (09, 10)."""

from __future__ import annotations

import matplotlib
import matplotlib.figure
import numpy as np

from onebyone import _validate as v
from onebyone.viz._figure import (
    CLASS_MAP_WORDS,
    CMAP,
    CMAP_WORDS,
    DPI,
    Figure,
    _colour_key,
    _listed,
    _sizes,
)


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

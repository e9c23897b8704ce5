"""The figures' shared machinery: the Figure with its text alternative, the colour
words and keys, and the numbers an alt text may list."""

from __future__ import annotations

import base64
import html
import io
import re
from typing import NamedTuple

import matplotlib
import matplotlib.figure
import numpy as np

from onebyone import _validate as v


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


def to_png(fig: Figure) -> bytes:
    """The figure rendered once as PNG bytes, at its own size and dpi."""
    if not isinstance(fig, matplotlib.figure.Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {v.describe(fig)}")
    buffer = io.BytesIO()
    # light compression: encoding is much of a redraw's time, for ~10% larger files
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


_HIGHLIGHT = "tab:red"

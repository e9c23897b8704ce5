"""Volumes drawn as boxes, as the lecture draws them, with the filter where it sits."""

from __future__ import annotations

import dataclasses
import math

import matplotlib
import matplotlib.figure
import numpy as np

from onebyone import _validate as v
from onebyone.viz._figure import (
    _HIGHLIGHT,
    CMAP,
    CMAP_WORDS,
    DPI,
    NOT_COMPUTED,
    Figure,
    _colour_key,
    _key_words,
    _number_format,
    _numbers,
    _sizes,
    _span,
)

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


_BLANK_SPACE, _SWATCH = 0.3, 0.16  # inches: under those, the key of cells not computed yet


_NOT_COMPUTED_LOOK = dict(facecolor="white", hatch="////", edgecolor=(0.55, 0.55, 0.55),
                          linewidth=0)
"""A face's cells not computed yet (NaN): white, outside ``CMAP``'s colours (dark blue
to yellow) and the boxes' blue-greys, hatched grey so that they read without colour."""


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
        is larger, with a key under the captions. A NaN cell is a value not computed
        yet: drawn white and hatched, without a number, keyed "not yet computed" under
        the captions (and said so in the text alternative). A front face of at most
        ``MAX_FACE_GRID`` cells a side shows its grid.
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
        ``box{k}-break``, ``box{k}-paint`` (an image of painted values),
        ``box{k}-not-computed`` (the NaN cells) and ``box{k}-not-computed-key`` (their
        key's swatch); texts ``box{k}-not-computed-words``, ``box{k}-height``,
        ``-width``, ``-depth``, ``-count``, ``-value``, ``caption{k}`` and ``operator{k}``.
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
    unfinished = [f is not None and bool(np.isnan(np.asarray(f, dtype=float)).any())
                  for f in values]
    blank_h = _BLANK_SPACE if any(unfinished) else 0.0
    key_h = (_KEY_SPACE if any(f is not None for f in painted) else 0.0) + blank_h
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
                          windows[k], values[k] if unfinished[k] else None)
        if paint is not None:  # under the captions, in the face's width at least
            width = max(b.w, _KEY_WIDTH)
            _colour_key(ax, ((slot_centres[k] - width / 2) / fig_w,
                             (_MARGIN + blank_h + 0.2) / fig_h, width / fig_w, 0.09 / fig_h),
                        paint, CMAP_WORDS, "front face")
        if unfinished[k]:  # at the bottom, under the colour key if any
            _not_computed_key(ax, f"box{k}", slot_centres[k], _MARGIN + blank_h / 2, fig_w)
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


def _not_computed_key(ax, gid: str, centre: float, middle: float, fig_w: float) -> None:
    """The key of a face's cells not computed yet: a swatch of their look and the words
    :data:`NOT_COMPUTED`, centred at ``centre`` (within the figure), at height ``middle``."""
    from matplotlib.patches import Rectangle

    width = _SWATCH + _PAD + _text_extent(NOT_COMPUTED, 8)[0]
    left = min(max(centre - width / 2, _MARGIN), fig_w - _MARGIN - width)
    ax.add_patch(Rectangle((left, middle - _SWATCH / 2), _SWATCH, _SWATCH, zorder=7,
                           gid=f"{gid}-not-computed-key", **_NOT_COMPUTED_LOOK))
    ax.add_patch(Rectangle((left, middle - _SWATCH / 2), _SWATCH, _SWATCH, facecolor="none",
                           edgecolor=_EDGE, linewidth=0.5, zorder=7))
    ax.text(left + _SWATCH + _PAD, middle, NOT_COMPUTED, ha="left", va="center", fontsize=8,
            zorder=7, gid=f"{gid}-not-computed-words")


def _draw_box(ax, gid: str, b: _Box, shape: tuple[int, ...], highlight: bool,
              numbers: list[str] | None, painted: np.ndarray | None,
              window: tuple[int, int, int, int] | None, unfinished: np.ndarray | None):
    """One box of :func:`volume_diagram`: faces, painted values, cells not computed yet
    (the NaN cells of ``unfinished``), grid or numbers, highlighted window, break mark
    and the labels on its edges. Returns the image of the painted values (None if none),
    for its key."""
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
    if unfinished is not None:  # one square per NaN cell, row 0 at the top
        cells = np.argwhere(np.isnan(np.asarray(unfinished, dtype=float)))
        blank = [[(left, bottom), (left + s, bottom), (left + s, bottom + s), (left, bottom + s)]
                 for left, bottom in zip(x0 + cells[:, 1] * s, y0 + (rows - 1 - cells[:, 0]) * s,
                                         strict=True)]
        ax.add_collection(PolyCollection(blank, zorder=1.5, gid=f"{gid}-not-computed",
                                         **_NOT_COMPUTED_LOOK))
    if painted is not None and np.isfinite(painted).any():
        # NaN cells are masked: the cells not computed yet, drawn above, show
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

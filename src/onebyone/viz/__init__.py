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

One module per kind of figure; the notebooks call them from here (``viz.heatmap``):

- ``_figure``: the machinery every figure shares (the Figure and its ``alt``, the colour
  words and keys, the numbers an alt text lists);
- ``grids``: heatmaps, channel montages, a pixel's fiber, photos (01 to 05, 10);
- ``matmul``: a 1×1 convolution drawn as its matrix product (04);
- ``volumes``: volumes drawn as boxes, with the filter where it sits (01 to 03, 07 to 09);
- ``costs``: a bottleneck's cost as bars (07);
- ``training``: loss curves, decision maps, training curves (06, 09);
- ``digits``: digits, class maps and a confusion matrix (09, 10).
"""

from __future__ import annotations

from onebyone.viz._figure import (
    ALL_NUMBERS,
    ALT_MAX_NUMBERS,
    ALT_ROW,
    CLASS_MAP_WORDS,
    CMAP,
    CMAP_WORDS,
    DPI,
    MAX_ANNOTATED,
    NOT_COMPUTED,
    ColourWords,
    Figure,
    to_png,
)
from onebyone.viz.costs import (
    cost_bars,
    fewer_or_more,
)
from onebyone.viz.digits import (
    canvas_class_maps,
    class_maps,
    confusion,
    digit_grid,
)
from onebyone.viz.grids import (
    MAX_NUMBERED,
    MONTAGES_MAX_WIDTH,
    fiber,
    heatmap,
    montage,
    montage_grid,
    montages,
    show_images,
)
from onebyone.viz.matmul import (
    MAX_MATMUL_CHANNELS,
    MAX_MATMUL_ROWS,
    conv1x1_as_matmul,
)
from onebyone.viz.training import (
    NEAR_HALF,
    decision_maps,
    loss_curve,
    training_curves,
)
from onebyone.viz.volumes import (
    DIAGRAM_MAX_WIDTH,
    MAX_FACE_GRID,
    MAX_FACE_NUMBERS,
    VOLUME_LINEAR_CHANNELS,
    volume_diagram,
)

__all__ = [
    "ALL_NUMBERS",
    "ALT_MAX_NUMBERS",
    "ALT_ROW",
    "CLASS_MAP_WORDS",
    "CMAP",
    "CMAP_WORDS",
    "DIAGRAM_MAX_WIDTH",
    "DPI",
    "MAX_ANNOTATED",
    "MAX_FACE_GRID",
    "MAX_FACE_NUMBERS",
    "MAX_MATMUL_CHANNELS",
    "MAX_MATMUL_ROWS",
    "MAX_NUMBERED",
    "MONTAGES_MAX_WIDTH",
    "NEAR_HALF",
    "NOT_COMPUTED",
    "VOLUME_LINEAR_CHANNELS",
    "ColourWords",
    "Figure",
    "canvas_class_maps",
    "class_maps",
    "confusion",
    "conv1x1_as_matmul",
    "cost_bars",
    "decision_maps",
    "digit_grid",
    "fewer_or_more",
    "fiber",
    "heatmap",
    "loss_curve",
    "montage",
    "montage_grid",
    "montages",
    "show_images",
    "to_png",
    "training_curves",
    "volume_diagram",
]

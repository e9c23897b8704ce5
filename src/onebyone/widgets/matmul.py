"""04: a 1x1 convolution as one matrix product, explored."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from onebyone import ops, viz
from onebyone.controls import IntSlider
from onebyone.widgets._explorer import Explorer
from onebyone.widgets._volumes import _first, _seeded


class MatmulResult(NamedTuple):
    x: np.ndarray
    w: np.ndarray
    output: np.ndarray
    pixel: tuple[int, int]
    row: int


MATMUL_LARGEST = {"n_H": 6, "n_W": 6, "n_C": 8, "n_F": 8}
"""The sizes of the seeded volume and bank that :func:`matmul_result` slices: the
largest settings of :func:`matmul_explorer`."""


def matmul_result(n_H: int, n_W: int, n_C: int, n_F: int) -> MatmulResult:
    """The top-left ``(n_H, n_W)`` pixels and first ``n_C`` channels of a seeded 6x6x8
    volume through the first ``n_F`` of 8 seeded 1x1 filters (no ReLU).

    The volume and the filters are drawn once (:data:`MATMUL_LARGEST`) and sliced, so a
    size changes only what it names. Also picks the middle pixel ``(n_H // 2, n_W // 2)``
    and its row ``i*n_W + j`` in the ``(n_H*n_W, n_C)`` matrix, for the figure to follow.
    """
    x, w = _first(*_seeded(**MATMUL_LARGEST), n_H=n_H, n_W=n_W, n_C=n_C, n_F=n_F)
    n_H, n_W = x.shape[:2]
    i, j = n_H // 2, n_W // 2
    return MatmulResult(x=x, w=w, output=ops.conv1x1(x, w), pixel=(i, j), row=i * n_W + j)


def _describe_matmul(r: MatmulResult) -> str:
    n_H, n_W, n_C = r.x.shape
    n_F = r.w.shape[1]
    return (f"<code>x.reshape(-1, {n_C})</code>: {n_H}·{n_W} = {n_H * n_W} pixels × {n_C} "
            f"channels, <code>@ w</code> ({n_C}×{n_F}) → {n_H * n_W}×{n_F}, reshaped back to "
            f"<code>{'×'.join(map(str, r.output.shape))}</code> · pixel {r.pixel} is row "
            f"{r.row}")


def matmul_explorer() -> Explorer:
    """Sliders for the sizes ``n_H``, ``n_W``, ``n_C``, ``n_F`` of the reshape figure."""
    largest = MATMUL_LARGEST
    return Explorer(
        {"n_H": IntSlider("height n_H", 4, 1, largest["n_H"]),
         "n_W": IntSlider("width n_W", 4, 1, largest["n_W"]),
         "n_C": IntSlider("channels n_C", 3, 1, largest["n_C"]),
         "n_F": IntSlider("filters n_F", 2, 1, largest["n_F"])},
        compute=matmul_result,
        draw=lambda r: viz.conv1x1_as_matmul(r.x, r.w, pixel=r.pixel),
        describe=_describe_matmul,
    )

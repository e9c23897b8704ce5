"""The lecture's three cases as explorers: one channel (01), many channels (02), and
shrinking the channels (03)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure

from onebyone import _validate as v
from onebyone import cost, data, ops, viz
from onebyone.controls import FloatSlider, IntSlider
from onebyone.widgets._explorer import Explorer, _largest_setting
from onebyone.widgets._volumes import _first, _seeded, _seeded_filters, _volume_and_bank

# -- 01: one channel ---------------------------------------------------------------

class SingleChannelResult(NamedTuple):
    image: np.ndarray
    w: float
    b: float
    output: np.ndarray


def single_channel_result(w: float, b: float,
                          image: np.ndarray = data.SEED_MATRIX) -> SingleChannelResult:
    """``image`` (2-D, one channel) convolved with a 1x1 filter of value ``w``, bias ``b``."""
    image = v.real_array("image", image, ndim=(2,), layout="(n_H, n_W)")
    w, b = v.real_number("w", w), v.real_number("b", b)
    out = ops.conv1x1(image[:, :, np.newaxis], np.array([[w]]), np.array([b]))
    return SingleChannelResult(image, w, b, out[:, :, 0])


def _draw_single_channel(r: SingleChannelResult) -> Figure:
    shape = (*r.image.shape, 1)
    return viz.volume_diagram(
        [shape, (1, 1, 1, 1), shape], ["∗", "="],
        captions=["image x", f"filter w = {r.w:g}\nbias b = {r.b:g}",
                  f"output {r.w:g}·x + {r.b:g}"],
        values=[r.image, np.array([[r.w]]), r.output])


def single_channel_explorer() -> Explorer:
    """Sliders for the filter value ``w`` and bias ``b`` on the lecture's 6x6 matrix."""
    return Explorer(
        {"w": FloatSlider("filter value w", 2.0, -3.0, 3.0, 0.5),
         "b": FloatSlider("bias b", 0.0, -10.0, 10.0, 0.5)},
        compute=single_channel_result,
        draw=_draw_single_channel,
        describe=lambda r: (f"first row: <code>{r.image[0].tolist()}</code> → "
                            f"<code>{np.round(r.output[0], 2).tolist()}</code>"),
    )


# -- 02: many channels -------------------------------------------------------------

class MultiChannelResult(NamedTuple):
    x: np.ndarray
    w: np.ndarray
    output: np.ndarray
    fiber: ops.FiberDot
    i: int
    j: int
    params: int
    multiplies: int


MULTI_CHANNEL_LARGEST = {"n_H": 6, "n_W": 6, "n_C": 256, "n_F": 256}
"""The sizes of the seeded volume and bank that :func:`multi_channel_result` slices."""


def _multi_channel(x: np.ndarray, w: np.ndarray, i: int, j: int,
                   **sizes: int) -> MultiChannelResult:
    x, w = _first(x, w, **sizes)
    (n_H, n_W, n_C), n_F = x.shape, w.shape[1]
    return MultiChannelResult(
        x=x, w=w, output=ops.relu(ops.conv1x1(x, w)),
        fiber=ops.fiber_dot(x, w[:, 0], i, j), i=i, j=j,
        params=cost.conv_params(1, n_C, n_F),
        multiplies=cost.conv_multiplies(n_H, n_W, 1, n_C, n_F),
    )


def multi_channel_result(n_C: int, n_F: int, i: int, j: int,
                         n_H: int = 6, n_W: int = 6) -> MultiChannelResult:
    """The first ``n_C`` channels of a seeded 6x6x256 volume through the first ``n_F``
    of 256 seeded 1x1 filters (their first ``n_C`` weights), and a ReLU.

    Also returns, at pixel ``(i, j)``, the fibre meeting filter 0, and the layer's
    parameter and multiplication counts. The volume and the filters are drawn once
    (:data:`MULTI_CHANNEL_LARGEST`) and sliced, so filter 0 does not depend on ``n_F``,
    and the first channels of the volume do not depend on ``n_C``. ``n_H`` and ``n_W``
    (at most 6) keep the top-left pixels.
    """
    return _multi_channel(*_seeded(**MULTI_CHANNEL_LARGEST), i, j,
                          n_C=n_C, n_F=n_F, n_H=n_H, n_W=n_W)


def _describe_multi_channel(r: MultiChannelResult) -> str:
    n_H, n_W, n_C = r.x.shape
    n_F = r.w.shape[1]
    return (f"<code>{n_H}×{n_W}×{n_C}</code> ∗ {n_F} filter{'s' if n_F > 1 else ''} of "
            f"<code>1×1×{n_C}</code> → output <code>{'×'.join(map(str, r.output.shape))}"
            f"</code> · parameters {n_C}·{n_F} + {n_F} = <b>{r.params:,}</b> · "
            f"multiplications {n_H}·{n_W}·{n_F}·{n_C} = <b>{r.multiplies:,}</b>")


def multi_channel_explorer(x: np.ndarray | None = None, w: np.ndarray | None = None, *,
                           max_channels: int = 64) -> Explorer:
    """Sliders for ``n_C``, ``n_F`` and the pixel ``(i, j)``: the first ``n_C`` channels
    of the volume ``x`` through the first ``n_F`` filters of the bank ``w``, and the
    fibre at ``(i, j)`` meeting filter 0.

    Parameters
    ----------
    x, w : ndarray, shapes ``(n_H, n_W, n_C)`` and ``(n_C, n_F)``, optional
        The volume and the filters (one per column) to explore, say a notebook's own:
        at the same settings the explorer shows the same numbers. By default those of
        :func:`multi_channel_result`.
    max_channels : int, at most 256
        Bounds the sliders ``n_C`` and ``n_F`` (and so do the sizes of ``x`` and ``w``).
    """
    max_channels = _largest_setting("max_channels", max_channels, 256)
    x, w = _volume_and_bank(x, w, lambda: _seeded(**MULTI_CHANNEL_LARGEST))
    (n_H, n_W, n_C), n_F = x.shape, w.shape[1]
    top_C, top_F = min(max_channels, n_C), min(max_channels, n_F)
    return Explorer(
        {"n_C": IntSlider("channels n_C", min(32, top_C), 1, top_C),
         "n_F": IntSlider("filters n_F", min(8, top_F), 1, top_F),
         "i": IntSlider("row i", min(3, n_H - 1), 0, n_H - 1),
         "j": IntSlider("column j", min(4, n_W - 1), 0, n_W - 1)},
        compute=lambda i, j, **sizes: _multi_channel(x, w, i, j, **sizes),
        draw=lambda r: viz.fiber(r.x, r.w[:, 0], r.i, r.j),
        describe=_describe_multi_channel,
    )


# -- 03: shrinking channels --------------------------------------------------------

class ShrinkingChannelsResult(NamedTuple):
    x: np.ndarray
    """the input volume, ``(size, size, n_C)``"""
    w: np.ndarray
    """the ``(n_C, n_F)`` bank of 1x1 filters"""
    output: np.ndarray
    """``relu(conv1x1(x, w))``, ``(size, size, n_F)``"""
    params: int
    multiplies: int


SHRINKING_CHANNELS_LARGEST = 384
"""The number of channels and of seeded filters that :func:`shrinking_channels_result`
draws its filters for, and the most :func:`shrinking_channels_explorer` allows."""


def _shrinking_channels(x: np.ndarray, w: np.ndarray, **sizes: int) -> ShrinkingChannelsResult:
    x, w = _first(x, w, **sizes)
    (n_H, n_W, n_C), n_F = x.shape, w.shape[1]
    return ShrinkingChannelsResult(
        x=x, w=w, output=ops.relu(ops.conv1x1(x, w)),
        params=cost.conv_params(1, n_C, n_F),
        multiplies=cost.conv_multiplies(n_H, n_W, 1, n_C, n_F),
    )


def _shrinking_filters() -> np.ndarray:
    size = SHRINKING_CHANNELS_LARGEST
    return _seeded_filters(size, size)


def shrinking_channels_result(n_C: int, n_F: int, size: int = 28) -> ShrinkingChannelsResult:
    """A ``(size, size, n_C)`` volume (:func:`onebyone.data.feature_volume`) through the
    first ``n_F`` of 384 seeded 1x1 filters (their first ``n_C`` weights) and a ReLU,
    with the layer's parameters (biases included) and multiplications.

    The filters are drawn once and sliced, and the volume's channels are the first
    channels of any deeper one: ``n_F`` does not change filter 0, nor ``n_C`` the first
    channels.
    """
    n_C = _largest_setting("n_C", n_C, SHRINKING_CHANNELS_LARGEST)
    return _shrinking_channels(data.feature_volume(n_C, size, seed=0),
                               _shrinking_filters(), n_F=n_F)


def _describe_shrinking_channels(r: ShrinkingChannelsResult) -> str:
    n_H, n_W, n_C = r.x.shape
    n_F = r.w.shape[1]
    if n_F < n_C:
        change = "fewer channels"
    elif n_F == n_C:
        change = "the same shape, yet the ReLU adds a nonlinearity"
    else:
        change = "more channels"
    filters = f"each of the {n_F} filters" if n_F > 1 else "the filter"
    return (f"at each of the {n_H}×{n_W} pixels: the <code>1×1×{n_C}</code> fibre · "
            f"{filters}, ReLU → {n_F} number{'s' if n_F > 1 else ''} "
            f"(<code>1×1×{n_F}</code>); all pixels: <code>{n_H}×{n_W}×{n_C}</code> → "
            f"<code>{n_H}×{n_W}×{n_F}</code> ({change})<br>parameters {n_C}·{n_F} + {n_F} "
            f"= <b>{r.params:,}</b> · multiplications {n_H}·{n_W}·{n_F}·{n_C} = "
            f"<b>{r.multiplies:,}</b>")


def _draw_shrinking_channels(r: ShrinkingChannelsResult) -> Figure:
    """The layer as the lecture draws it: input ∗ the bank, ReLU, output, each box at its
    true depth; channel 0 of input and output painted on their fronts."""
    (n_H, n_W, n_C), n_F = r.x.shape, r.w.shape[1]
    return viz.volume_diagram(
        [r.x.shape, (1, 1, n_C, n_F), r.output.shape], ["∗", "ReLU\n→"],
        captions=[f"input {n_H}×{n_W}×{n_C}", f"{n_F} filter{'s' if n_F > 1 else ''}\n1×1×{n_C}",
                  f"output {n_H}×{n_W}×{n_F}"],
        values=[r.x[:, :, 0], None, r.output[:, :, 0]])


def shrinking_channels_explorer(x: np.ndarray | None = None, w: np.ndarray | None = None,
                                *, max_channels: int = 192) -> Explorer:
    """Sliders for ``n_C`` and ``n_F``: the first ``n_C`` channels of the volume ``x``
    before and after the first ``n_F`` filters of the bank ``w`` and a ReLU.

    Parameters
    ----------
    x, w : ndarray, shapes ``(n_H, n_W, n_C)`` and ``(n_C, n_F)``, optional
        The volume and the filters (one per column) to explore, say a notebook's own:
        at the same settings the explorer shows the same picture. By default those of
        :func:`shrinking_channels_result`, 28x28.
    max_channels : int, at most 384
        Bounds both sliders (and so do the sizes of ``x`` and ``w``).
    """
    max_channels = _largest_setting("max_channels", max_channels, SHRINKING_CHANNELS_LARGEST)
    # by default, the channels the sliders reach: the first channels of any deeper volume
    x, w = _volume_and_bank(x, w, lambda: (data.feature_volume(max_channels, seed=0),
                                           _shrinking_filters()))
    top_C, top_F = min(max_channels, x.shape[2]), min(max_channels, w.shape[1])
    return Explorer(
        {"n_C": IntSlider("channels n_C", min(192, top_C), 1, top_C),
         "n_F": IntSlider("filters n_F", min(32, top_F), 1, top_F)},
        compute=lambda **sizes: _shrinking_channels(x, w, **sizes),
        draw=_draw_shrinking_channels,
        describe=_describe_shrinking_channels,
    )

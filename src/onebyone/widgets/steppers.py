"""A filter that slides: the 1x1 convolution computed step by step (01, 02, 03), with
the pure :func:`slide_step` behind the steppers."""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure

from onebyone import _validate as v
from onebyone import data, ops, viz
from onebyone.controls import IntSlider, Stepper
from onebyone.widgets._explorer import Explorer, _largest_setting
from onebyone.widgets._volumes import _first, _seeded, _volume_and_bank
from onebyone.widgets.channels import MULTI_CHANNEL_LARGEST, _shrinking_filters


class SlideStep(NamedTuple):
    """The state of a 1x1 convolution computed one step at a time (see :func:`slide_step`)."""

    x: np.ndarray
    """the input volume, ``(n_H, n_W, n_C)``"""
    w: np.ndarray
    """the ``(n_C, n_F)`` bank of 1x1 filters"""
    position: int
    """steps done"""
    steps: int
    """steps in all"""
    pixel: tuple[int, int] | None
    """where the filter sits: the pixel of the latest step (``None`` before the first)"""
    filter: int | None
    """the filter of the latest step when filters go one at a time, else ``None``"""
    z: np.ndarray
    """the latest step's dot products, before any ReLU: one per filter it used"""
    output: np.ndarray
    """``(n_H, n_W, n_F)``: the output so far (after the ReLU, if any), NaN where not
    computed yet"""
    relu: bool
    """whether a ReLU follows the dot products"""


def slide_step(x: np.ndarray, w: np.ndarray, position: int, *,
               one_filter_at_a_time: bool = False, relu: bool = True) -> SlideStep:
    """A 1x1 convolution after ``position`` steps of sliding its filters over ``x``.

    The filters visit the pixels row by row, left to right. With all filters at once (the
    default) each step computes one pixel's output fibre, ``n_F`` dot products, so there
    are ``n_H*n_W`` steps. With ``one_filter_at_a_time`` each step computes one dot
    product: filter 0 visits every pixel, then filter 1, ..., so there are
    ``n_F*n_H*n_W`` steps and the output gains one channel per filter.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)``
    w : ndarray, shape ``(n_C, n_F)``, one filter per column
    position : int, from 0 (nothing computed) to the number of steps (all computed)
    one_filter_at_a_time : bool
    relu : bool
        Whether the output is ``relu(z)`` (02, 03) or ``z`` itself (01).

    Returns
    -------
    SlideStep
    """
    x = v.real_array("x", x, ndim=(3,), layout="(n_H, n_W, n_C)")
    w = v.real_array("w", w, ndim=(2,), layout="(n_C, n_F), one filter per column")
    if w.shape[0] != x.shape[2]:
        raise ValueError(f"w has {w.shape[0]} input channels (rows) but x has {x.shape[2]}")
    for name, flag in (("one_filter_at_a_time", one_filter_at_a_time), ("relu", relu)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {v.describe(flag)}")
    (n_H, n_W, _), n_F = x.shape, w.shape[1]
    pixels = n_H * n_W
    steps = pixels * n_F if one_filter_at_a_time else pixels
    position = v.integer("position", position, minimum=0)
    if position > steps:
        raise ValueError(f"position must be at most {steps} (the number of steps), "
                         f"got {position}")
    z_all = ops.conv1x1(x, w)
    done = np.full(z_all.shape, np.nan)
    pixel, filter_, z = None, None, np.empty(0)
    if position:
        if one_filter_at_a_time:
            filter_, last = divmod(position - 1, pixels)
            pixel = divmod(last, n_W)
            z = z_all[pixel[0], pixel[1], filter_:filter_ + 1]
            done[:, :, :filter_] = z_all[:, :, :filter_]
            flat = done[:, :, filter_].reshape(-1)  # a view: rows of pixels, left to right
            flat[:last + 1] = z_all[:, :, filter_].reshape(-1)[:last + 1]
        else:
            pixel = divmod(position - 1, n_W)
            z = z_all[pixel]
            done.reshape(pixels, n_F)[:position] = z_all.reshape(pixels, n_F)[:position]
    output = np.where(np.isnan(done), np.nan, np.maximum(done, 0)) if relu else done
    return SlideStep(x=x, w=w, position=position, steps=steps, pixel=pixel, filter=filter_,
                     z=z, output=output, relu=bool(relu))


def _draw_slide(r: SlideStep, *, face_numbers: bool = False) -> Figure:
    """The step as the lecture draws it: input ∗ filter(s) = output, the filter on its
    pixel, the output's front face filled so far (its latest channel, one filter at a
    time; else channel 0). ``face_numbers`` also writes ``x`` and ``w`` on their faces
    (a single channel)."""
    (n_H, n_W, n_C), n_F = r.x.shape, r.w.shape[1]
    if r.filter is None:  # all filters at once: the whole output, channel 0 in front
        channels, front = n_F, 0
        filters = f"{n_F} filter{'s' if n_F > 1 else ''}\n1×1×{n_C}"
        caption = f"output {n_H}×{n_W}×{n_F}" + ("\n(channel 0 in front)" if n_F > 1 else "")
    else:  # one filter at a time: the channels so far, the latest in front
        channels, front = r.filter + 1, r.filter
        filters = f"filter {r.filter} of {n_F}\n1×1×{n_C}"
        caption = f"output so far {n_H}×{n_W}×{channels}\n(of {n_H}×{n_W}×{n_F})"
    if face_numbers:
        filters = f"filter of value {_number(r.w[0, 0])}"
    return viz.volume_diagram(
        [r.x.shape, (1, 1, n_C, n_F), (n_H, n_W, channels)],
        ["∗", "ReLU\n→" if r.relu else "="],
        captions=["input x", filters, caption],
        values=[r.x[:, :, 0] if face_numbers else None,
                r.w[:, :1] if face_numbers else None, r.output[:, :, front]],
        pixel=r.pixel)


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.3f}"


def _describe_slide(r: SlideStep) -> str:
    n_C, n_F = r.w.shape
    progress = f"step {r.position} of {r.steps}"
    if r.pixel is None:
        return f"{progress}: press ▶ (or <i>next</i>) to slide the filter over the image"
    i, j = r.pixel
    if n_C == 1 and n_F == 1 and not r.relu:
        return (f"{progress} · pixel ({i}, {j}): {_number(r.w[0, 0])} × "
                f"{_number(r.x[i, j, 0])} = <b>{_number(r.z[0])}</b>")
    if r.filter is not None:
        z = float(r.z[0])
        return (f"{progress} · filter {r.filter} at pixel ({i}, {j}): "
                f"z = x[{i}, {j}, :] · w[:, {r.filter}], a sum over the {n_C} channels, "
                f"= {z:.3f} → ReLU → <b>{max(z, 0.0):.3f}</b>")
    kept = int((r.z > 0).sum())
    return (f"{progress} · pixel ({i}, {j}): the 1×1×{n_C} fibre meets each of the {n_F} "
            f"filters, {n_F} dot products; the ReLU keeps {kept} and sets "
            f"{n_F - kept} to 0 → the output's 1×1×{n_F} fibre at ({i}, {j})")


def single_channel_stepper() -> Explorer:
    """The lecture's 6x6 matrix and a 1x1 filter of value 2, one pixel per step: the
    filter's pixel highlighted in input and output, the product written out, the
    output filling with the doubled numbers."""
    image, filter_ = data.SEED_MATRIX[:, :, np.newaxis], np.array([[2]])
    steps = image.shape[0] * image.shape[1]
    return Explorer(
        {"position": Stepper("pixels done", steps, value=1)},
        compute=lambda position: slide_step(image, filter_, position, relu=False),
        draw=functools.partial(_draw_slide, face_numbers=True),
        describe=_describe_slide,
    )


def multi_channel_stepper(x: np.ndarray | None = None, w: np.ndarray | None = None, *,
                          n_F: int = 1) -> Explorer:
    """The first ``n_F`` filters of the bank ``w`` slide over the volume ``x`` one at a
    time, one pixel per step: the fibre under the filter, its dot product and ReLU,
    the number dropping into the output, whose depth grows one channel per filter. A
    slider chooses how many filters.

    Parameters
    ----------
    x, w : ndarray, shapes ``(n_H, n_W, n_C)`` and ``(n_C, n_F)``, optional
        The volume and the filters (one per column), say a notebook's own; by default
        those of :func:`multi_channel_result` (6x6x32 and 8 filters).
    n_F : int
        How many filters to start with.
    """
    x, w = _volume_and_bank(x, w, lambda: _first(*_seeded(**MULTI_CHANNEL_LARGEST),
                                                 n_C=32, n_F=8))
    n_F = _largest_setting("n_F", n_F, w.shape[1])
    pixels = x.shape[0] * x.shape[1]
    filters = IntSlider("filters n_F", n_F, 1, w.shape[1])
    position = Stepper("steps done", n_F * pixels, value=1)
    # before the explorer's own observer, so that it never sees a position past the end
    filters.observe(lambda change: position.set_count(change["new"] * pixels), names="value")
    return Explorer(
        {"n_F": filters, "position": position},
        compute=lambda n_F, position: slide_step(*_first(x, w, n_F=n_F), position,
                                                 one_filter_at_a_time=True),
        draw=_draw_slide,
        describe=_describe_slide,
    )


def shrinking_channels_stepper(x: np.ndarray | None = None,
                               w: np.ndarray | None = None) -> Explorer:
    """The bank ``w`` slides over the volume ``x``, all its filters at once: one pixel's
    output fibre per step (Play moves a row per frame, the buttons a pixel).

    Parameters
    ----------
    x, w : ndarray, shapes ``(n_H, n_W, n_C)`` and ``(n_C, n_F)``, optional
        The volume and the filters (one per column), say a notebook's own; by default
        the lecture's layer, 28x28x192 and 32 filters (those of
        :func:`shrinking_channels_result`).
    """
    x, w = _volume_and_bank(x, w, lambda: (data.feature_volume(192, seed=0),
                                           _shrinking_filters()[:192, :32]))
    n_H, n_W, _ = x.shape
    return Explorer(
        {"position": Stepper("pixels done", n_H * n_W, value=1, play_step=n_W)},
        compute=lambda position: slide_step(x, w, position),
        draw=_draw_slide,
        describe=_describe_slide,
    )

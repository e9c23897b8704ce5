"""05: a colour mixer, a 1x1 convolution of a photo's three channels."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from onebyone import _validate as v
from onebyone import data, ops, viz
from onebyone.controls import FloatSlider
from onebyone.widgets._explorer import Explorer, _largest_setting

MIXER_CHANNELS = ("r", "g", "b")
"""The photo's channels, in order; slider ``g_to_r`` is the weight of input green in
output red, that is ``w[1, 0]`` of the ``(3, 3)`` filter bank."""


class ColourMixResult(NamedTuple):
    image: np.ndarray
    """the input, float in [0, 1], ``(n_H, n_W, 3)``"""
    w: np.ndarray
    """the filter bank, ``(3, 3)``: ``w[c_in, c_out]``"""
    mixed: np.ndarray
    """``conv1x1(image, w)``, ``(n_H, n_W, 3)``, not clipped"""
    clipped: float
    """fraction of the values of ``mixed`` outside [0, 1], clipped for display"""


def colour_mix_result(image: np.ndarray, *, r_to_r: float, g_to_r: float, b_to_r: float,
                      r_to_g: float, g_to_g: float, b_to_g: float,
                      r_to_b: float, g_to_b: float, b_to_b: float) -> ColourMixResult:
    """An RGB image through a 3 -> 3 bank of 1x1 filters: each output colour is a
    weighted sum of the input's red, green and blue at the same pixel.

    Parameters
    ----------
    image : ndarray, shape ``(n_H, n_W, 3)``; uint8 is read as 0..255, floats as 0..1
    r_to_r, g_to_r, ... : float
        ``x_to_y`` is the weight of input channel ``x`` in output channel ``y``.

    Returns
    -------
    ColourMixResult
        NaN and inf in ``image`` propagate to ``mixed`` as in :func:`ops.conv1x1`.
    """
    image = v.real_array("image", image, ndim=(3,), layout="(n_H, n_W, 3)")
    if image.shape[2] != 3:
        raise ValueError(f"image must have 3 colour channels (red, green, blue), "
                         f"got shape {v.shape_str(image.shape)}")
    given = {"r_to_r": r_to_r, "g_to_r": g_to_r, "b_to_r": b_to_r,
             "r_to_g": r_to_g, "g_to_g": g_to_g, "b_to_g": b_to_g,
             "r_to_b": r_to_b, "g_to_b": g_to_b, "b_to_b": b_to_b}
    weights = {name: v.real_number(name, value) for name, value in given.items()}
    w = np.array([[weights[f"{c_in}_to_{c_out}"] for c_out in MIXER_CHANNELS]
                  for c_in in MIXER_CHANNELS])
    pixels = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    mixed = ops.conv1x1(pixels, w)
    with np.errstate(invalid="ignore"):  # NaN counts as neither inside nor outside
        clipped = float(np.mean((mixed < 0) | (mixed > 1)))
    return ColourMixResult(pixels, w, mixed, clipped)


def _describe_colour_mix(r: ColourMixResult) -> str:
    rows = []
    for k, out in enumerate("RGB"):
        terms = " + ".join(f"{r.w[c, k]:.2f}·{inp}" for c, inp in enumerate("RGB"))
        rows.append(f"<code>out {out} = {terms}</code>")
    return ("<br>".join(rows) + f"<br>{100 * r.clipped:.1f}% of the output values fall "
            "outside [0, 1] and are clipped for display")


def colour_mixer_explorer(max_size: int = 160) -> Explorer:
    """Nine sliders, the 3 x 3 filter bank ``w[c_in, c_out]``, mixing the colours of the
    photo (:func:`data.photo` at ``max_size``); starts at the identity (no change)."""
    max_size = _largest_setting("max_size", max_size, max(data.photo().shape))
    photo = data.photo(max_size=max_size)  # loaded once, not at every redraw
    controls = {}
    for c_out in MIXER_CHANNELS:
        for c_in in MIXER_CHANNELS:
            slider = FloatSlider(f"{c_in.upper()} → {c_out.upper()}",
                                 1.0 if c_in == c_out else 0.0, -1.0, 1.0, 0.05)
            slider.layout.width = "300px"  # one width, so that the sliders line up in columns
            controls[f"{c_in}_to_{c_out}"] = slider
    return Explorer(
        controls,
        compute=lambda **weights: colour_mix_result(photo, **weights),
        # one picture, the mixed photo: a second one would double the redraw time
        draw=lambda r: viz.show_images(r.mixed, titles=["photo ∗ w, a 3 → 3 filter bank"]),
        describe=_describe_colour_mix,
    )

"""A slider changes only what it names, in every explorer.

Each explorer's rule lists, for each of its sliders, what moving that slider must leave
as it was. Sizes compare on the corner both results share: with fewer channels, the
first channels of the volume stay the same; with more filters, the first filters (and
the output channels they make) stay the same.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from onebyone import widgets

Kept = Callable[[object], dict[str, object]]  # a result -> what a move must not change


def _everything_but(r, *named: str) -> dict[str, object]:
    return {name: value for name, value in r._asdict().items() if name not in named}


def _multi_channel(slider: str) -> Kept:
    return {
        "n_C": lambda r: {"volume": r.x, "weights": r.w, "pixel": (r.i, r.j)},
        "n_F": lambda r: {"volume": r.x, "weights": r.w, "output": r.output,
                          "fibre meeting filter 0": r.fiber, "pixel": (r.i, r.j)},
        "i": lambda r: _everything_but(r, "fiber", "i"),
        "j": lambda r: _everything_but(r, "fiber", "j"),
    }[slider]


def _matmul(slider: str) -> Kept:
    if slider == "n_C":
        return lambda r: {"volume": r.x, "weights": r.w, "pixel": r.pixel, "row": r.row}
    if slider == "n_F":
        return lambda r: _everything_but(r)
    return lambda r: {"volume": r.x, "weights": r.w, "output": r.output}  # n_H, n_W


def _shrinking_channels(slider: str) -> Kept:
    if slider == "n_C":
        return lambda r: {"volume": r.x, "weights": r.w}
    return lambda r: {"volume": r.x, "weights": r.w, "output": r.output}  # n_F


def _single_channel(slider: str) -> Kept:
    return lambda r: _everything_but(r, slider, "output")


# which parts of the cost each size leaves alone (cost.bottleneck_cost's formulas)
COST_PARTS_KEPT = {"n_H": ("direct_params", "reduce_params", "spatial_params",
                           "bottleneck_params"),
                   "n_W": ("direct_params", "reduce_params", "spatial_params",
                           "bottleneck_params"),
                   "n_C": ("spatial_multiplies", "spatial_params"),
                   "f": ("reduce_multiplies", "reduce_params"),
                   "n_F": ("reduce_multiplies", "reduce_params"),
                   "n_B": ("direct_multiplies", "direct_params")}


def _cost_calculator(slider: str) -> Kept:
    return lambda r: {**_everything_but(r, slider, "cost"),
                      **{part: getattr(r.cost, part) for part in COST_PARTS_KEPT[slider]}}


def _colour_mixer(slider: str) -> Kept:
    c_in, c_out = (widgets.MIXER_CHANNELS.index(c) for c in slider.split("_to_"))
    others = [c for c in range(3) if c != c_out]

    def kept(r) -> dict[str, object]:
        weights = r.w.copy()
        weights[c_in, c_out] = np.nan  # the weight the slider names
        return {"photo": r.image, "other weights": weights,
                "other output colours": r.mixed[:, :, others]}
    return kept


RULES: dict[str, Callable[[str], Kept]] = {
    "multi_channel_explorer": _multi_channel,
    "matmul_explorer": _matmul,
    "shrinking_channels_explorer": _shrinking_channels,
    "single_channel_explorer": _single_channel,
    "cost_calculator_explorer": _cost_calculator,
    "colour_mixer_explorer": _colour_mixer,
}


def assert_same(label: str, before: object, after: object) -> None:
    """Equal, arrays on the corner they share (to rounding: a matrix product of another
    width may add in another order)."""
    if isinstance(before, tuple):
        assert len(before) == len(after), label
        for k, (b, a) in enumerate(zip(before, after, strict=True)):
            assert_same(f"{label}[{k}]", b, a)
    elif isinstance(before, np.ndarray):
        corner = tuple(slice(0, min(b, a)) for b, a in zip(before.shape, after.shape,
                                                           strict=True))
        np.testing.assert_allclose(after[corner], before[corner], rtol=1e-12, atol=1e-12,
                                   equal_nan=True, err_msg=label)
    else:
        assert after == pytest.approx(before, rel=1e-12, abs=1e-12), label


def test_every_explorer_has_a_rule():
    assert set(RULES) == set(widgets.explorers())


@pytest.mark.parametrize("name", sorted(widgets.explorers()))
def test_a_slider_changes_only_what_it_names(name):
    explorer = widgets.explorers()[name]()
    for slider, control in explorer.controls.items():
        kept = RULES[name](slider)
        for value in (control.max, control.min, control.max):
            if value == control.value:
                continue
            before = kept(explorer.result)
            control.value = value
            after = kept(explorer.result)
            assert before.keys() == after.keys()
            for label in before:
                assert_same(f"{name}: moving {slider} to {value} changed the {label}",
                            before[label], after[label])

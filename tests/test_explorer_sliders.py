"""A slider changes only what it names, in every explorer; and the explorers of
notebooks 02 and 03 show the numbers of their worked examples.

Each explorer's rule lists, for each of its sliders, what moving that slider must leave
as it was. Sizes compare on the corner both results share: with fewer channels, the
first channels of the volume stay the same; with more filters, the first filters (and
the output channels they make) stay the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from notebook_run import executed
from onebyone import ops, widgets

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
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


def _stepper(slider: str) -> Kept:
    """A step computes one more part of the output and moves the filter; it keeps the
    volume, the filters, the number of steps, and every value computed so far equals
    the finished output's (computed here with loops). More filters keep the first
    filters and, at the same step, the same state."""
    if slider == "n_F":
        return lambda r: {"volume": r.x, "weights": r.w, "step": r.position,
                          "pixel": r.pixel, "filter": r.filter, "z": r.z, "output": r.output}

    def kept(r) -> dict[str, object]:
        finished = ops.conv1x1_loops(r.x, r.w)
        if r.relu:
            finished = np.maximum(finished, 0)
        return {"volume": r.x, "weights": r.w, "steps": r.steps, "relu": r.relu,
                "output so far, filled in with the finished output":
                    np.where(np.isnan(r.output), finished, r.output)}
    return kept


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


BLOCK_OF_FACTOR = {"r": "squeeze-and-excitation", "t": "inverted residual",
                   "g": "ShuffleNet unit", "d_ff_ratio": "feed-forward network"}


def _block(slider: str) -> Kept:
    """The block changes everything but the sizes; no block's parameters depend on the
    size; channels change only the cost and the volumes; a factor changes nothing unless
    its own block is shown."""
    def numbers(r) -> dict[str, object]:
        return {"block": widgets.BLOCKS.index(r.block), "size": r.size,
                "channels": r.channels, "parameters": r.cost.params,
                "multiplications": r.cost.multiplies,
                "volumes": tuple(tuple(shape) for shape in r.shapes)}
    if slider == "block":
        return lambda r: {"size": r.size, "channels": r.channels}
    if slider == "size":
        return lambda r: {"block": widgets.BLOCKS.index(r.block), "channels": r.channels,
                          "parameters": r.cost.params}
    if slider == "channels":
        return lambda r: {"block": widgets.BLOCKS.index(r.block), "size": r.size}
    return lambda r: ({"block": widgets.BLOCKS.index(r.block)}
                      if r.block == BLOCK_OF_FACTOR[slider] else numbers(r))


RULES: dict[str, Callable[[str], Kept]] = {
    "block_explorer": _block,
    "multi_channel_explorer": _multi_channel,
    "matmul_explorer": _matmul,
    "shrinking_channels_explorer": _shrinking_channels,
    "single_channel_explorer": _single_channel,
    "cost_calculator_explorer": _cost_calculator,
    "colour_mixer_explorer": _colour_mixer,
    "single_channel_stepper": _stepper,
    "multi_channel_stepper": _stepper,
    "shrinking_channels_stepper": _stepper,
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
        # a choice (radio buttons, a selection slider) goes through its options
        values = (control.options if hasattr(control, "options")
                  else (control.max, control.min, control.max))
        for value in values:
            if value == control.value:
                continue
            before = kept(explorer.result)
            control.value = value
            after = kept(explorer.result)
            assert before.keys() == after.keys()
            for label in before:
                assert_same(f"{name}: moving {slider} to {value} changed the {label}",
                            before[label], after[label])


# -- the notebooks' worked examples -----------------------------------------------------

def run_notebook(path: Path) -> tuple[dict, list[tuple[str, str, object]]]:
    """The notebook run as "Restart & Run All" would (notebook_run.executed): the
    namespace, and for each code cell its source, what it printed and its Out[] value."""
    run = executed(path)
    return run.namespace, [(c.source, c.printed, c.value) for c in run.cells]


def _explorer(cells: list[tuple[str, str, object]], builder: str) -> widgets.Explorer:
    (explorer,) = [value for source, _, value in cells if f"widgets.{builder}(" in source]
    return explorer


@pytest.fixture(scope="module")
def notebook_02() -> tuple[dict, list]:
    return run_notebook(NOTEBOOKS / "02_multi_channel.ipynb")


WORKED_PIXEL = re.compile(
    r"pixel \((\d+), (\d+)\): sum over the 32 channels z = (-?\d+\.\d+);  ReLU\(z\) = "
    r"(\d+\.\d+)")


@pytest.mark.notebook("02_multi_channel")
def test_02_one_filter_is_filter_0_of_the_layer(notebook_02):
    ns, _ = notebook_02
    np.testing.assert_array_equal(ns["w"], ns["W"][:, :1])
    np.testing.assert_allclose(ns["A"][:, :, 0], ns["one_channel"], atol=1e-12)


@pytest.mark.notebook("02_multi_channel")
def test_02_worked_pixels_pass_then_cut(notebook_02):
    ns, cells = notebook_02
    worked = [match for _, printed, _ in cells for match in WORKED_PIXEL.finditer(printed)]
    assert len(worked) == 2, [printed for _, printed, _ in cells]
    (first, z_first, a_first), (second, z_second, a_second) = (
        ((int(m[1]), int(m[2])), float(m[3]), float(m[4])) for m in worked)
    assert z_first > 0 and a_first == z_first, "the first example should pass the ReLU"
    assert z_second < 0 and a_second == 0, "the second should be cut to 0 by the ReLU"
    x, w = ns["x"], ns["w"][:, 0]
    prose = "".join("".join(c["source"]) for c in json.loads(
        (NOTEBOOKS / "02_multi_channel.ipynb").read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "markdown").replace("−", "-")
    for (i, j), z in ((first, z_first), (second, z_second)):
        assert x[i, j] @ w == pytest.approx(z, abs=5e-5)
        assert ns["one_channel"][i, j] == pytest.approx(max(z, 0.0), abs=5e-5)
        # the prose states the number of the fibre plot's title (3 decimals)
        assert f"{x[i, j] @ w:.3f}" in prose, f"the text should say z = {x[i, j] @ w:.3f}"


@pytest.mark.notebook("02_multi_channel")
def test_02_explorer_starts_at_the_worked_example(notebook_02):
    ns, cells = notebook_02
    explorer = _explorer(cells, "multi_channel_explorer")
    r = explorer.result
    worked = [m for _, printed, _ in cells for m in WORKED_PIXEL.finditer(printed)]
    (i, j), z = (int(worked[0][1]), int(worked[0][2])), float(worked[0][3])
    assert (r.i, r.j) == (i, j) and r.x.shape == (6, 6, 32) and r.w.shape == (32, 8)
    assert r.fiber.total == pytest.approx(z, abs=5e-5)
    np.testing.assert_array_equal(r.w, ns["W"])
    np.testing.assert_allclose(r.output, ns["A"], atol=1e-12)
    # at the second pixel, and with another number of filters, the same numbers
    explorer.controls["i"].value, explorer.controls["j"].value = (
        int(worked[1][1]), int(worked[1][2]))
    explorer.controls["n_F"].value = 1
    assert explorer.result.fiber.total == pytest.approx(float(worked[1][3]), abs=5e-5)
    assert explorer.result.fiber.activation == 0.0


@pytest.mark.notebook("03_shrinking_channels")
def test_03_explorer_starts_at_the_lecture_layer():
    ns, cells = run_notebook(NOTEBOOKS / "03_shrinking_channels.ipynb")
    r = _explorer(cells, "shrinking_channels_explorer").result
    np.testing.assert_array_equal(r.x, ns["x"])
    np.testing.assert_array_equal(r.w, ns["W"])
    np.testing.assert_allclose(r.output, ns["shrunk"], atol=1e-12)


@pytest.mark.notebook("02_multi_channel")
def test_02_stepper_slides_the_notebooks_filters_to_the_worked_pixel(notebook_02):
    ns, cells = notebook_02
    stepper = _explorer(cells, "multi_channel_stepper")
    np.testing.assert_array_equal(stepper.result.x, ns["x"])
    np.testing.assert_array_equal(stepper.result.w, ns["W"][:, :1])  # one filter first
    prose = "".join("".join(c["source"]) for c in json.loads(
        (NOTEBOOKS / "02_multi_channel.ipynb").read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "markdown")
    found = re.findall(r"step (\d+), (?:filter 0 )?at pixel \((\d+), (\d+)\), gives (\d+\.\d+)",
                       prose)
    assert found, "02 should say which steps of the stepper give its worked pixels"
    for step, i, j, z in found:  # every step the prose names shows what it says
        stepper.controls["position"].value = int(step)
        assert stepper.result.pixel == (int(i), int(j)) and stepper.result.filter == 0
        assert stepper.result.z[0] == pytest.approx(float(z), abs=5e-4)
        assert f"<b>{z}</b>" in stepper.text

"""07: the cost of a bottleneck, explored."""

from __future__ import annotations

from typing import NamedTuple

from onebyone import cost, viz
from onebyone.controls import IntSlider
from onebyone.widgets._explorer import Explorer


class BottleneckResult(NamedTuple):
    n_H: int
    n_W: int
    n_C: int
    f: int
    n_F: int
    n_B: int
    cost: cost.BottleneckCost


def bottleneck_result(n_H: int, n_W: int, n_C: int, f: int, n_F: int,
                      n_B: int) -> BottleneckResult:
    """The layer's sizes with their :func:`onebyone.cost.bottleneck_cost` (with biases)."""
    layer_cost = cost.bottleneck_cost(n_H, n_W, n_C, f, n_F, n_B)
    return BottleneckResult(int(n_H), int(n_W), int(n_C), int(f), int(n_F), int(n_B),
                            layer_cost)


def _describe_bottleneck(r: BottleneckResult) -> str:
    c, f = r.cost, f"{r.f}×{r.f}"
    pixels = f"{r.n_H}·{r.n_W}·{r.n_F}"
    return (f"direct {f}, {r.n_C} → {r.n_F}: {pixels}·{r.f}²·{r.n_C} = "
            f"<b>{c.direct_multiplies:,}</b> multiplications, <b>{c.direct_params:,}</b> "
            f"parameters<br>bottleneck, 1×1 {r.n_C} → {r.n_B} then {f} → {r.n_F}: "
            f"{r.n_H}·{r.n_W}·{r.n_B}·{r.n_C} + {pixels}·{r.f}²·{r.n_B} = "
            f"{c.reduce_multiplies:,} + {c.spatial_multiplies:,} = "
            f"<b>{c.bottleneck_multiplies:,}</b> multiplications, "
            f"<b>{c.bottleneck_params:,}</b> parameters: "
            f"{viz.fewer_or_more(c.multiply_ratio)} multiplications")


def cost_calculator_explorer() -> Explorer:
    """Sliders for a layer's sizes and its bottleneck width ``n_B``; bar charts of the
    multiplications and parameters, direct and behind the bottleneck."""
    return Explorer(
        {"n_H": IntSlider("height n_H", 28, 1, 112),
         "n_W": IntSlider("width n_W", 28, 1, 112),
         "n_C": IntSlider("channels n_C", 192, 1, 1024),
         "f": IntSlider("filter size f", 5, 1, 7, 2),
         "n_F": IntSlider("filters n_F", 32, 1, 1024),
         "n_B": IntSlider("bottleneck n_B", 16, 1, 1024)},
        compute=bottleneck_result,
        draw=lambda r: viz.cost_bars(r.cost),
        describe=_describe_bottleneck,
    )

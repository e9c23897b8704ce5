"""What a bottleneck costs, as bars (07)."""

from __future__ import annotations

import math

import matplotlib
import matplotlib.figure

from onebyone import _validate as v
from onebyone.cost import BottleneckCost
from onebyone.viz._figure import CMAP, DPI, Figure, _listed


def _compact(n: int) -> str:
    """``120422400`` -> ``"120.4 M"``: a count short enough for a bar label."""
    for suffix, size in (("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if n >= size:
            return f"{n / size:.1f} {suffix}"
    return str(n)


def fewer_or_more(ratio: float) -> str:
    """``9.677`` -> ``"9.68× fewer"``, ``0.25`` -> ``"4.00× more"``: a ratio of costs,
    old / new, said the way round that reads best. ``ratio`` must be positive and finite."""
    ratio = v.real_number("ratio", ratio)
    if not 0 < ratio < math.inf:
        raise ValueError(f"ratio must be positive and finite, got {ratio}")
    return f"{ratio:.2f}× fewer" if ratio >= 1 else f"{1 / ratio:.2f}× more"


def cost_bars(cost: BottleneckCost) -> Figure:
    """Bar charts of an f x f layer's cost: direct, and behind a 1x1 bottleneck.

    Two panels, multiplications and parameters; in each, the direct layer's bar beside
    the bottleneck's, whose bar stacks the 1x1 "reduce" part under the f x f part.
    The titles say how many times fewer (or more) the bottleneck needs.

    Parameters
    ----------
    cost : :class:`onebyone.cost.BottleneckCost`, from :func:`onebyone.cost.bottleneck_cost`

    Returns
    -------
    Figure
    """
    if not isinstance(cost, BottleneckCost):
        raise TypeError(f"cost must be a BottleneckCost (from cost.bottleneck_cost), "
                        f"got {v.describe(cost)}")
    colours = [matplotlib.colormaps[CMAP](t) for t in (0.1, 0.55, 0.9)]
    fig = Figure(figsize=(7.6, 3.4), dpi=DPI)
    fig.subplots_adjust(left=0.04, right=0.98, bottom=0.22, top=0.86, wspace=0.12)
    axes = fig.subplots(1, 2)
    panels = (("multiplications", cost.direct_multiplies, cost.reduce_multiplies,
               cost.spatial_multiplies),
              ("parameters", cost.direct_params, cost.reduce_params, cost.spatial_params))
    for ax, (what, direct, reduce, spatial) in zip(axes, panels, strict=True):
        bottleneck = reduce + spatial
        ax.bar([0], [direct], color=colours[0], label="direct f×f")
        ax.bar([1], [reduce], color=colours[1], label="1×1 reduce")
        ax.bar([1], [spatial], bottom=[reduce], color=colours[2], label="f×f after it")
        top = max(direct, bottleneck)
        for x, total in ((0, direct), (1, bottleneck)):
            ax.text(x, total + 0.02 * top, _compact(total), ha="center", va="bottom")
        ax.set_ylim(0, 1.15 * top)
        ax.set_xticks([0, 1], ["direct", "bottleneck"])
        ax.set_yticks([])  # the labels on the bars give the values
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.set_title(f"{what}: {fewer_or_more(direct / bottleneck)}", fontsize=11)
    # below the panels: inside them it could hide a bar
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncols=3,
               fontsize=9, frameon=False)
    fig.alt = "Bar charts, direct f×f layer against a 1×1 bottleneck then the f×f layer: " + \
        _listed(f"{what}, direct {direct:,} against {reduce + spatial:,} = {reduce:,} for the "
                f"1×1 reduce + {spatial:,} for the f×f after it, "
                f"{fewer_or_more(direct / (reduce + spatial))}"
                for what, direct, reduce, spatial in panels)
    return fig

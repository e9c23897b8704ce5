"""10: the blocks of modern networks, their 1x1 convolutions counted."""

from __future__ import annotations

import html
from typing import NamedTuple

import ipywidgets as widgets

from onebyone import _validate as v
from onebyone import cost, viz
from onebyone.controls import IntSlider, SelectionSlider
from onebyone.widgets._explorer import Explorer

BLOCKS = ("ResNet bottleneck", "squeeze-and-excitation", "inverted residual",
          "ShuffleNet unit", "feed-forward network")
"""The blocks :func:`block_explorer` draws, in its order."""


class BlockResult(NamedTuple):
    block: str
    size: int
    """n_H = n_W of the volume, or the number of tokens T for the feed-forward network"""
    channels: int
    """n_C of the volume, or d_model"""
    cost: cost.BlockCost
    shapes: list[tuple[int, ...]]
    """the volumes of the block, for :func:`onebyone.viz.volume_diagram`"""
    operators: list[str]
    captions: list[str]
    factors: tuple[tuple[str, int], ...] = ()
    """each block's own factor and its value: r, t, g and d_ff / d_model"""


OWN_FACTOR = {"squeeze-and-excitation": "r", "inverted residual": "t", "ShuffleNet unit": "g",
              "feed-forward network": "d_ff / d_model"}
"""The factor each block uses (ResNet's bottleneck uses none)."""


def block_result(block: str, size: int, channels: int, r: int = 16, t: int = 6, g: int = 4,
                 d_ff_ratio: int = 4) -> BlockResult:
    """One of ``BLOCKS`` on a ``size x size x channels`` volume (a ``1 x size`` sequence of
    ``channels`` numbers for the feed-forward network): its volumes, operators and
    captions, and its :mod:`onebyone.cost` (with biases).

    Each factor serves one block: ``r`` squeeze-and-excitation's reduction, ``t`` the
    inverted residual's expansion, ``g`` ShuffleNet's groups, ``d_ff_ratio`` the
    feed-forward network's ``d_ff / d_model``. ResNet's and ShuffleNet's bottleneck has
    ``channels / 4`` channels, as in their papers.
    """
    return _block(block, size, channels, r, t, g, d_ff_ratio)._replace(
        factors=(("r", r), ("t", t), ("g", g), ("d_ff / d_model", d_ff_ratio)))


def _block(block: str, size: int, channels: int, r: int, t: int, g: int,
           d_ff_ratio: int) -> BlockResult:
    if not isinstance(block, str) or block not in BLOCKS:
        raise ValueError(f"block must be one of {BLOCKS}, got {block!r}")
    size, channels = v.integer("size", size), v.integer("channels", channels)
    r, t, g, d_ff_ratio = (v.integer(name, n) for name, n in
                           (("r", r), ("t", t), ("g", g), ("d_ff_ratio", d_ff_ratio)))
    n, c = size, channels
    if block == "ResNet bottleneck":
        m = cost._divided("channels", c, "4", 4)
        return BlockResult(block, n, c, cost.resnet_bottleneck_cost(n, n, c, m),
                           [(n, n, c), (n, n, m), (n, n, m), (n, n, c)],
                           ["1×1, ReLU\n→", "3×3, ReLU\n→", "1×1\n→"],
                           ["x", f"m = {m}", "filtered", "output (+ x)"])
    if block == "squeeze-and-excitation":
        hidden = cost._divided("channels", c, "r", r)
        return BlockResult(block, n, c, cost.squeeze_excitation_cost(n, n, c, r),
                           [(n, n, c), (1, 1, c), (1, 1, hidden), (1, 1, c), (n, n, c)],
                           ["GAP\n→", "1×1, ReLU\n→", "1×1, sigmoid\n→", "scale x\n→"],
                           ["x", "squeeze", f"C/r = {hidden}", "channel weights",
                            "x, reweighted"])
    if block == "inverted residual":
        return BlockResult(block, n, c, cost.inverted_residual_cost(n, n, c, t, c),
                           [(n, n, c), (n, n, t * c), (n, n, t * c), (n, n, c)],
                           ["1×1, ReLU6\n→", "3×3 depthwise\nReLU6 →", "1×1, linear\n→"],
                           ["x", f"expanded, t = {t}", "filtered", "projected (+ x)"])
    if block == "ShuffleNet unit":
        m = cost._divided("channels", c, "4", 4)
        cost._divided("channels / 4", m, "g", g)
        return BlockResult(block, n, c, cost.shufflenet_unit_cost(n, n, c, m, g),
                           [(n, n, c), (n, n, m), (n, n, m), (n, n, m), (n, n, c)],
                           [f"1×1, g = {g}\nReLU →", "shuffle\n→", "3×3\ndepthwise →",
                            f"1×1, g = {g}\n→"],
                           ["x", f"m = {m}", "shuffled", "filtered", "output (+ x)"])
    d_ff = d_ff_ratio * c
    return BlockResult(block, n, c, cost.ffn_cost(n, c, d_ff),
                       [(1, n, c), (1, n, d_ff), (1, n, c)], ["1×1, ReLU\n→", "1×1\n→"],
                       [_tokens(n), f"d_ff = {d_ff}", _tokens(n)])


def _tokens(n: int) -> str:
    return f"{n} token" if n == 1 else f"{n} tokens"


def _describe_block(r: BlockResult) -> str:
    cell = '<td style="text-align: right; padding: 0 0 0 1.5em">'
    rows = "".join(f"<tr><td>{html.escape(layer.name)}</td>{cell}{layer.params:,}</td>"
                   f"{cell}{layer.multiplies:,}</td></tr>" for layer in r.cost.layers)
    head = '<th style="text-align: right; padding: 0 0 0 1.5em">'
    factors = ", ".join(f"{name} = {value}" for name, value in r.factors)
    own = f"<b>{OWN_FACTOR[r.block]}</b>" if r.block in OWN_FACTOR else "none of them"
    return (f"<b>{html.escape(r.block)}</b>: <b>{r.cost.params:,}</b> parameters, "
            f"<b>{r.cost.multiplies:,}</b> multiplications"
            f'<table><tr><th style="text-align: left">layer</th>{head}parameters</th>'
            f"{head}multiplications</th></tr>{rows}</table>"
            f"<p>The factors, one for each block but ResNet's: {factors}; the "
            f"{html.escape(r.block)} uses {own}.</p>")


def block_explorer() -> Explorer:
    """Pick a block of ``BLOCKS`` and its sizes: its diagram, and its parameters and
    multiplications layer by layer (:func:`block_result`)."""
    return Explorer(
        {"block": widgets.RadioButtons(options=BLOCKS, value=BLOCKS[0], description="block"),
         "size": IntSlider("size (n_H = n_W, or tokens)", 28, 1, 56),
         "channels": IntSlider("channels (or d_model)", 256, 64, 1024, 64),
         "r": SelectionSlider("SE reduction r", [2, 4, 8, 16, 32, 64], 16),
         "t": IntSlider("expansion t", 6, 1, 8),
         "g": SelectionSlider("ShuffleNet groups g", [1, 2, 4, 8, 16], 4),
         "d_ff_ratio": IntSlider("FFN d_ff / d_model", 4, 1, 8)},
        compute=block_result,
        draw=lambda r: viz.volume_diagram(r.shapes, r.operators, captions=r.captions),
        describe=_describe_block,
    )

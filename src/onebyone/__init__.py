"""onebyone: the math, plots and widgets of a course on 1x1 convolutions.

Submodules
----------
ops        conv1x1, conv1x1_loops, conv2d, relu, fiber_dot, pool2d, global_average_pool,
           softmax_cross_entropy, and the backward passes conv1x1_backward, relu_backward,
           conv2d_backward, pool2d_backward, global_average_pool_backward; the blocks of
           modern networks: depthwise_conv2d, grouped_conv1x1, channel_shuffle, sigmoid
data       SEED_MATRIX (the lecture's 6x6 matrix), random_volume, random_filters,
           photo (a real RGB photo shipped with matplotlib), feature_volume, xnor_colours
cost       conv_params, conv_multiplies, dense_params, bottleneck_cost,
           depthwise_separable_cost; layer by layer (BlockCost): ffn_cost,
           squeeze_excitation_cost, inverted_residual_cost, shufflenet_unit_cost,
           resnet_bottleneck_cost
nin        a Network in Network trained in numpy: digit_net, count_params, train, accuracy
           (imports threadpoolctl: loaded on first use)
ablation   09's ablation: run, load (its shipped results) and their tables; retrained by
           ``python3 -m onebyone.ablation`` (loaded on first use)
viz        plots returning matplotlib Figures, one module per kind of figure
controls   the course's labelled slider (IntSlider, FloatSlider, SelectionSlider) and the
           Stepper, written with anywidget (loaded on first use)
widgets    interactive explorers and quizzes (imports ipywidgets: loaded on first use)
exercises  instant checks for the exercises, and quiz questions
timing     medians of timings, printed so that nbval can mask them
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from onebyone import cost, data, ops, timing
from onebyone._environment import check_environment

if TYPE_CHECKING:
    from onebyone import ablation, controls, exercises, nin, viz, widgets

__all__ = ["ablation", "check_environment", "controls", "cost", "data", "exercises", "nin",
           "ops", "timing", "viz", "widgets"]
__version__ = "0.1.0"

_LAZY = {"viz", "controls", "widgets", "exercises", "nin", "ablation"}


def __getattr__(name: str) -> object:
    # viz, controls, widgets, nin and ablation pull in matplotlib, ipywidgets, anywidget and
    # threadpoolctl: load them only when used
    if name in _LAZY:
        return importlib.import_module(f"onebyone.{name}")
    raise AttributeError(f"module 'onebyone' has no attribute {name!r}")

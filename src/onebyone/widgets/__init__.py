"""Interactive explorers and quizzes for the notebooks.

Each builder returns an :class:`Explorer`: controls, a line of text and a picture. Its
callback is thin: it reads the controls, calls a pure function (tested without a browser)
and draws the result with :mod:`onebyone.viz`. The explorers sit with their siblings:

- ``channels``: the lecture's three cases (01 one channel, 02 many, 03 shrinking);
- ``steppers``: the same three step by step, with the pure :func:`slide_step`;
- ``matmul`` (04), ``colour`` (05), ``bottleneck`` (07) and ``blocks`` (10);
- ``quiz``: quizzes graded on the spot;
- ``_explorer``: the machinery they share; ``_volumes``: the volumes and filters they slice.

The notebooks call them from here: ``widgets.single_channel_explorer()``.
"""

from __future__ import annotations

from collections.abc import Callable

from onebyone.controls import FloatSlider, Frame, IntSlider, SelectionSlider, Stepper
from onebyone.widgets._explorer import LIVE_NOTE, Explorer
from onebyone.widgets.blocks import BLOCKS, BlockResult, block_explorer, block_result
from onebyone.widgets.bottleneck import (
    BottleneckResult,
    bottleneck_result,
    cost_calculator_explorer,
)
from onebyone.widgets.channels import (
    MULTI_CHANNEL_LARGEST,
    SHRINKING_CHANNELS_LARGEST,
    MultiChannelResult,
    ShrinkingChannelsResult,
    SingleChannelResult,
    multi_channel_explorer,
    multi_channel_result,
    shrinking_channels_explorer,
    shrinking_channels_result,
    single_channel_explorer,
    single_channel_result,
)
from onebyone.widgets.colour import (
    MIXER_CHANNELS,
    ColourMixResult,
    colour_mix_result,
    colour_mixer_explorer,
)
from onebyone.widgets.matmul import MATMUL_LARGEST, MatmulResult, matmul_explorer, matmul_result
from onebyone.widgets.quiz import Quiz, quiz
from onebyone.widgets.steppers import (
    SlideStep,
    multi_channel_stepper,
    shrinking_channels_stepper,
    single_channel_stepper,
    slide_step,
)


def explorers() -> dict[str, Callable[[], Explorer]]:
    """Every explorer builder, by name (for the benchmarks and tests)."""
    return {name: builder for name, builder in sorted(globals().items())
            if callable(builder) and not isinstance(builder, type)
            and getattr(builder, "__annotations__", {}).get("return") in ("Explorer", Explorer)}


__all__ = [
    "BLOCKS", "LIVE_NOTE", "MATMUL_LARGEST", "MIXER_CHANNELS", "MULTI_CHANNEL_LARGEST",
    "SHRINKING_CHANNELS_LARGEST", "BlockResult", "BottleneckResult", "ColourMixResult",
    "Explorer", "FloatSlider", "Frame", "IntSlider", "MatmulResult", "MultiChannelResult",
    "Quiz", "SelectionSlider", "ShrinkingChannelsResult", "SingleChannelResult", "SlideStep",
    "Stepper", "block_explorer", "block_result", "bottleneck_result", "colour_mix_result",
    "colour_mixer_explorer", "cost_calculator_explorer", "explorers", "matmul_explorer",
    "matmul_result", "multi_channel_explorer", "multi_channel_result", "multi_channel_stepper",
    "quiz", "shrinking_channels_explorer", "shrinking_channels_result",
    "shrinking_channels_stepper", "single_channel_explorer", "single_channel_result",
    "single_channel_stepper", "slide_step",
]

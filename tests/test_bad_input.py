"""Bad input across the whole public API, table-driven.

Every public function of onebyone is listed below with one valid call. Each argument is
then replaced, one at a time, by the bad values of its kind (None, a list, a scalar,
the wrong number of dimensions, an empty array, bool / complex / text dtypes, negative,
zero, fractional or absurdly large counts ...). Every one must raise TypeError or
ValueError whose message names the argument; never another exception, never a silent
answer. Exercise checks are the exception to raising: they must answer every bad input
with a "not yet" Feedback. A test at the end makes sure no public function is missing
from the table, and a property-based test fuzzes the array arguments with arbitrary
shapes and dtypes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from matplotlib.figure import Figure

from onebyone import cost, data, exercises, nin, ops, timing, viz, widgets

MODULES = (ops, cost, data, nin, viz, widgets, exercises, timing)


def V(*shape: int) -> np.ndarray:  # a valid real array of this shape
    return np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape)


# bad values of each kind of argument (on top of the kind's own extra cases below)
NOT_AN_ARRAY = [None, [[1.0, 2.0], [3.0, 4.0]], 3.0, "x"]
BAD_DTYPES = [np.zeros((6, 6, 4), dtype=bool), np.zeros((6, 6, 4), dtype=complex),
              np.full((6, 6, 4), "a"), np.full((6, 6, 4), None, dtype=object)]
BAD_COUNTS = [None, 2.5, "3", True, 0, -1]
BAD_NON_NEGATIVE = [None, 1.5, "1", True, -1]
BAD_REALS = [None, "1", True, 1j, [1.0]]


def array_cases(good: np.ndarray, any_ndim: bool = False) -> list[object]:
    """Bad stand-ins for an array argument like ``good``."""
    wrong_ndim = [] if any_ndim else [np.zeros((2,) * n) for n in (0, 1, 2, 3, 5)
                                      if n != good.ndim]
    empty = np.zeros((*good.shape[:-1], 0))
    bad_dtypes = [np.zeros(good.shape, dtype=d) for d in (bool, complex)]
    bad_dtypes += [np.full(good.shape, "a"), np.full(good.shape, None, dtype=object)]
    return [*NOT_AN_ARRAY, good.tolist(), *wrong_ndim[:2], empty, *bad_dtypes]


@dataclass
class Case:
    func: Callable
    kwargs: dict
    bad: dict = field(default_factory=dict)  # extra bad values per argument
    skip: tuple = ()  # arguments whose kind has no bad values (free text)
    any_ndim: bool = False  # arrays of any number of dimensions are valid


def _arrays_read_only(kwargs: dict) -> dict:
    out = {}
    for k, value in kwargs.items():
        if isinstance(value, np.ndarray):
            value = value.copy()
            value.flags.writeable = False
        out[k] = value
    return out


QUESTION = exercises.Question("?", ["a", "b"], 0, "a.")
COST = cost.bottleneck_cost(28, 28, 192, 5, 32, 16)
# nin: the notebook's blocks, and a tiny net with 4 images of 4x4x1 and 3 classes to train
BLOCKS = [[16, 16, 16], [16, 16, 10]]
BAD_BLOCKS = [None, [], "abc", b"ab", [16, 10], np.array([[16, 10]]), [[]], [[16, 16], []],
              [[16, "10"]], [[16, 2.5, 10]], [[16, True, 10]], [[16, 0, 10]], [[16, -1, 10]],
              [[16, 16, 16], [16, 16, 12]],  # with head="gap" the last width is n_classes
              [[16, 10]] * 5]  # pools 4 times: too often for 8x8 images
BAD_IMAGE_SHAPES = [None, [8, 8, 1], "881", (8, 8), (8, 8, 1, 1), (8, 0, 1), (8, -8, 1),
                    (8, 8.0, 1), (8, True, 1), (1, 1, 1)]  # (1, 1, 1): too small to pool
NET = nin.digit_net([[4], [4, 3]], n_classes=3, image_shape=(4, 4, 1))
IMAGES, LABELS = V(4, 4, 4, 1), np.array([0, 1, 2, 1])
BAD_NIN_LABELS = [np.array([0.0, 1.0, 2.0, 1.0]), np.array([0, 1, 3, 1]), np.array([0, -1, 2, 1]),
                  np.array([0, 1, 2]), np.array([0, 1, 2, 1, 0]), np.array([[0, 1, 2, 1]]),
                  np.array([0, 1, 2, 1], np.uint64) + 10**18]
BAD_NIN_IMAGES = [np.full((4, 4, 4, 1), np.nan), np.full((4, 4, 4, 1), np.inf),
                  V(4, 4, 4, 3),  # 3 channels for a network that reads 1
                  V(4, 1, 1, 1),  # too small to pool
                  V(5, 4, 4, 1), V(4, 4, 1)]
CASES = [
    Case(ops.conv1x1, dict(x=V(6, 6, 4), w=V(4, 3), b=V(3)),
         bad=dict(w=[V(5, 3), V(3, 3, 4, 3)], b=[V(2)])),
    Case(ops.conv1x1_loops, dict(x=V(2, 3, 4), w=V(4, 3), b=V(3)),
         bad=dict(w=[V(5, 3)], b=[V(2)])),
    Case(ops.conv1x1_backward, dict(x=V(6, 6, 4), w=V(4, 3), dz=V(6, 6, 3)),
         bad=dict(w=[V(5, 3)], dz=[V(6, 6, 2), V(5, 6, 3)])),
    Case(ops.conv2d, dict(x=V(6, 6, 4), w=V(3, 3, 4, 2), b=V(2), stride=1, pad=1),
         bad=dict(w=[V(3, 2, 4, 2), V(3, 3, 5, 2), V(9, 9, 4, 2)], b=[V(3)],
                  stride=BAD_COUNTS, pad=BAD_NON_NEGATIVE)),
    Case(ops.conv_output_size, dict(n=6, f=3, stride=1, pad=0),
         bad=dict(n=BAD_COUNTS, f=[*BAD_COUNTS, 9], stride=BAD_COUNTS, pad=BAD_NON_NEGATIVE)),
    Case(ops.fiber_dot, dict(x=V(6, 6, 4), w=V(4), i=1, j=2, bias=0.5),
         bad=dict(w=[V(5)], i=[*BAD_NON_NEGATIVE, 6], j=[*BAD_NON_NEGATIVE, 6],
                  bias=BAD_REALS)),
    Case(ops.global_average_pool, dict(x=V(6, 6, 4))),
    Case(ops.pool2d, dict(x=V(6, 6, 4), f=2, stride=2, mode="max"),
         bad=dict(f=[*BAD_COUNTS, 7], stride=BAD_COUNTS, mode=[None, "median", 1])),
    Case(ops.relu, dict(z=V(6, 6, 4)), any_ndim=True),
    Case(ops.relu_backward, dict(z=V(6, 6, 4), da=V(6, 6, 4)), bad=dict(da=[V(6, 6, 3)]),
         any_ndim=True),
    # a stride, pad, f or w that does not fit the upstream gradient: its message names dz
    # (or da) and the expected shape, and writes the call out, "conv2d(x, w, b, stride=2,
    # pad=1)", so it names the argument too
    Case(ops.conv2d_backward, dict(x=V(6, 6, 4), w=V(3, 3, 4, 2), dz=V(6, 6, 2), stride=1, pad=1),
         bad=dict(x=[V(6, 6, 3), V(5, 6, 4), V(2, 6, 6, 4)],
                  w=[V(3, 2, 4, 2), V(3, 3, 5, 2), V(9, 9, 4, 2), V(5, 5, 4, 2), V(3, 3, 4, 3)],
                  dz=[V(6, 6, 3), V(5, 6, 2), V(4, 4, 2), V(1, 6, 6, 2), V(6, 6)],
                  stride=[*BAD_COUNTS, 2], pad=[*BAD_NON_NEGATIVE, 0, 2])),
    Case(ops.pool2d_backward, dict(x=V(6, 6, 4), da=V(3, 3, 4), f=2, stride=2, mode="max"),
         bad=dict(x=[V(6, 6, 3), V(8, 8, 4), V(2, 6, 6, 4)],
                  da=[V(3, 3, 3), V(2, 3, 4), V(6, 6, 4), V(1, 3, 3, 4), V(3, 3)],
                  f=[*BAD_COUNTS, 7, 3], stride=[*BAD_COUNTS, 1, 3],
                  mode=[None, "median", "Max", "avg", 1])),
    Case(ops.global_average_pool_backward, dict(x=V(6, 6, 4), ds=V(4)),
         bad=dict(x=[V(6, 6, 3), V(2, 6, 6, 4)], ds=[V(3), V(1, 4), V(6, 6, 4)])),
    Case(ops.softmax_cross_entropy, dict(scores=V(4, 3), labels=np.array([0, 2, 1, 2])),
         bad=dict(scores=[np.full((4, 3), np.nan), np.full((4, 3), np.inf), V(5, 3), V(3, 3),
                          V(4, 2), np.full((4, 3), -np.inf)],
                  labels=[np.array([0.0, 2.0, 1.0, 2.0]), np.array([0, 3, 1, 2]),
                          np.array([0, -1, 1, 2]), np.array([0, 2]), np.array([0, 2, 1, 2, 0]),
                          np.array([[0, 2, 1, 2]]), np.array([0, 2, 1, 2], np.uint64) + 10**18])),
    Case(ops.depthwise_conv2d, dict(x=V(6, 6, 4), w=V(3, 3, 4), b=V(4), stride=1, pad=1),
         bad=dict(x=[V(6, 6, 3), V(2, 6, 6, 5)],
                  w=[V(3, 2, 4), V(3, 3, 5), V(9, 9, 4), V(3, 3, 4, 4)], b=[V(3), V(4, 4)],
                  stride=BAD_COUNTS, pad=BAD_NON_NEGATIVE)),
    # w's group count g = w.shape[0] must split x's channels: 3 groups do not split 4,
    # and 2 groups of 3 channels are 6 channels, not 4
    Case(ops.grouped_conv1x1, dict(x=V(6, 6, 4), w=V(2, 2, 3), b=V(6)),
         bad=dict(x=[V(6, 6, 5), V(6, 6, 6)], w=[V(3, 1, 3), V(2, 3, 3), V(4, 3), V(1, 1, 4, 3)],
                  b=[V(3), V(4)])),
    Case(ops.channel_shuffle, dict(x=V(6, 6, 4), groups=2),
         bad=dict(x=[np.array(1.0), V(6, 6, 5), V(3)], groups=[*BAD_COUNTS, 3, 8]),
         any_ndim=True),
    Case(ops.sigmoid, dict(z=V(6, 6, 4)), any_ndim=True),
    Case(cost.conv_params, dict(f=1, n_C=192, n_F=32, bias=True),
         bad=dict(f=BAD_COUNTS, n_C=BAD_COUNTS, n_F=BAD_COUNTS, bias=[None, 1, "yes"])),
    Case(cost.conv_multiplies, dict(n_H=28, n_W=28, f=1, n_C=192, n_F=32),
         bad={k: BAD_COUNTS for k in ("n_H", "n_W", "f", "n_C", "n_F")}),
    Case(cost.dense_params, dict(n_in=192, n_out=32, bias=True),
         bad=dict(n_in=BAD_COUNTS, n_out=BAD_COUNTS, bias=[None, 1, "yes"])),
    Case(cost.bottleneck_cost, dict(n_H=28, n_W=28, n_C=192, f=5, n_F=32, n_B=16, bias=True),
         bad={**{k: BAD_COUNTS for k in ("n_H", "n_W", "n_C", "f", "n_F", "n_B")},
              "bias": [None, 1, "yes"]}),
    Case(cost.depthwise_separable_cost, dict(n_H=14, n_W=14, n_C=512, f=3, n_F=512, bias=True),
         bad={**{k: BAD_COUNTS for k in ("n_H", "n_W", "n_C", "f", "n_F")},
              "bias": [None, 1, "yes"]}),
    Case(cost.ffn_cost, dict(T=10, d_model=512, d_ff=2048, bias=True),
         bad={**{k: BAD_COUNTS for k in ("T", "d_model", "d_ff")}, "bias": [None, 1, "yes"]}),
    Case(cost.squeeze_excitation_cost, dict(n_H=28, n_W=28, n_C=256, r=16, bias=True),
         bad={**{k: BAD_COUNTS for k in ("n_H", "n_W", "n_C")}, "r": [*BAD_COUNTS, 3],
              "bias": [None, 1, "yes"]}),
    Case(cost.inverted_residual_cost, dict(n_H=56, n_W=56, n_C=24, t=6, n_F=24, f=3, stride=1,
                                           bias=True),
         bad={**{k: BAD_COUNTS for k in ("n_H", "n_W", "n_C", "t", "n_F", "f", "stride")},
              "bias": [None, 1, "yes"]}),
    Case(cost.shufflenet_unit_cost, dict(n_H=28, n_W=28, n_C=240, m=60, g=3, bias=True),
         bad={**{k: BAD_COUNTS for k in ("n_H", "n_W")}, "n_C": [*BAD_COUNTS, 241],
              "m": [*BAD_COUNTS, 61], "g": [*BAD_COUNTS, 7], "bias": [None, 1, "yes"]}),
    Case(cost.resnet_bottleneck_cost, dict(n_H=56, n_W=56, n_C=256, m=64, bias=True),
         bad={**{k: BAD_COUNTS for k in ("n_H", "n_W", "n_C", "m")}, "bias": [None, 1, "yes"]}),
    Case(data.random_volume, dict(n_H=2, n_W=3, n_C=4, seed=0),
         bad=dict(n_H=[*BAD_COUNTS, 10**9], n_W=BAD_COUNTS, n_C=BAD_COUNTS,
                  seed=BAD_NON_NEGATIVE)),
    Case(data.random_filters, dict(n_C=4, n_F=3, seed=1),
         bad=dict(n_C=[*BAD_COUNTS, 10**9], n_F=BAD_COUNTS, seed=BAD_NON_NEGATIVE)),
    Case(data.feature_volume, dict(n_C=4, size=8, seed=0),
         bad=dict(n_C=[*BAD_COUNTS, 10**9], size=[*BAD_COUNTS, 10**6], seed=BAD_NON_NEGATIVE)),
    Case(data.xnor_colours, dict(n_H=4, n_W=4, seed=0),
         bad=dict(n_H=[*BAD_COUNTS, 10**9], n_W=BAD_COUNTS, seed=BAD_NON_NEGATIVE)),
    Case(data.photo, dict(max_size=32), bad=dict(max_size=[2.5, "3", True, 0, -1])),
    Case(data.digits, {}),
    Case(nin.digit_net, dict(blocks=BLOCKS, head="gap", n_classes=10, image_shape=(8, 8, 1),
                             seed=0),
         bad=dict(blocks=[*BAD_BLOCKS, [[100_000, 100_000, 10]]],  # 10^10 parameters
                  head=[None, "GAP", "avg", "", 1, ["gap"]], n_classes=[*BAD_COUNTS, 12],
                  image_shape=BAD_IMAGE_SHAPES, seed=BAD_NON_NEGATIVE)),
    Case(nin.count_params, dict(blocks=BLOCKS, head="gap", n_classes=10, image_shape=(8, 8, 1)),
         bad=dict(blocks=BAD_BLOCKS, head=[None, "GAP", "avg", "", 1, ["gap"]],
                  n_classes=[*BAD_COUNTS, 12], image_shape=BAD_IMAGE_SHAPES)),
    Case(nin.train, dict(net=NET, images=IMAGES, labels=LABELS, validation=(IMAGES, LABELS),
                         epochs=1, batch_size=2, learning_rate=0.01, seed=0, on_epoch=None),
         bad=dict(net=[None, "net", [NET], NET.layers], images=BAD_NIN_IMAGES,
                  labels=BAD_NIN_LABELS,
                  validation=[None, [IMAGES, LABELS], (IMAGES,), (IMAGES, LABELS, LABELS),
                              (IMAGES, BAD_NIN_LABELS[0]), (IMAGES, BAD_NIN_LABELS[1]),
                              (BAD_NIN_IMAGES[0], LABELS), (BAD_NIN_IMAGES[2], LABELS)],
                  epochs=BAD_COUNTS, batch_size=BAD_COUNTS,
                  learning_rate=[*BAD_REALS, 0.0, 1.0, 2.0, -0.01, float("nan")],
                  seed=BAD_NON_NEGATIVE, on_epoch=[3, "print", [print]])),
    Case(nin.accuracy, dict(net=NET, images=IMAGES, labels=LABELS),
         bad=dict(net=[None, "net", [NET]], images=BAD_NIN_IMAGES, labels=BAD_NIN_LABELS)),
    Case(viz.heatmap, dict(matrices=(V(3, 3),), titles=["a"], fmt="{:.1f}"),
         bad=dict(titles=[["a", "b"], "a"], fmt=[2])),
    Case(viz.montage_grid, dict(volume=V(4, 4, 3), ncols=2), bad=dict(ncols=BAD_COUNTS[1:])),
    Case(viz.montage, dict(volume=V(4, 4, 3), title="t", ncols=2),
         bad=dict(ncols=BAD_COUNTS[1:]), skip=("title",)),
    Case(viz.montages, dict(volumes=(V(4, 4, 3), V(2, 2, 3)), titles=["a", "b"],
                            max_height=100),
         bad=dict(titles=[["a"]], max_height=BAD_COUNTS)),
    Case(viz.fiber, dict(x=V(6, 6, 4), w=V(4), i=1, j=2, bias=0.5),
         bad=dict(w=[V(5)], i=[*BAD_NON_NEGATIVE, 6], j=[*BAD_NON_NEGATIVE, 6],
                  bias=BAD_REALS)),
    Case(viz.conv1x1_as_matmul, dict(x=V(3, 3, 2), w=V(2, 2), pixel=(1, 1)),
         bad=dict(w=[V(3, 2)], pixel=[(5, 5), (1,), "a", (1.5, 1)])),
    Case(viz.cost_bars, dict(cost=COST), bad=dict(cost=[None, "cost", (1, 2)])),
    Case(viz.fewer_or_more, dict(ratio=2.0), bad=dict(ratio=[*BAD_REALS, 0.0, -1.0])),
    Case(viz.show_images, dict(images=(V(4, 4, 3), V(4, 4)), titles=["a", "b"]),
         bad=dict(titles=[["a"]])),
    Case(viz.loss_curve, dict(losses=(V(5),), labels=["a"], title="t"),
         bad=dict(labels=[["a", "b"]]), skip=("title",)),
    Case(viz.training_curves, dict(loss=np.array([2.0, 1.0]),
                                   validation_accuracy=np.array([0.5, 0.9])),
         bad=dict(validation_accuracy=[np.array([0.5]), np.array([0.5, 1.5])])),
    Case(viz.digit_grid, dict(images=np.zeros((3, 8, 8)), titles=["a", "b", "c"], ncols=2),
         bad=dict(images=[np.zeros((3, 8, 8, 2))], titles=[["a"], "abc", [1, 2, 3]])),
    Case(viz.class_maps, dict(images=np.zeros((2, 8, 8, 1)), maps=V(2, 4, 4, 10),
                              labels=np.array([1, 2])),
         bad=dict(maps=[V(3, 4, 4, 10), np.full((2, 4, 4, 10), np.nan)],
                  labels=[np.array([1, 2, 3])])),
    Case(viz.canvas_class_maps, dict(canvas=np.zeros((8, 24)), maps=V(4, 12, 10),
                                     windows=[(1, 5), (7, 11)]),
         bad=dict(canvas=[np.zeros((8, 24, 2))], maps=[np.full((4, 12, 10), np.nan)],
                  windows=[None, [], "ab", [(1, 5, 6)], [(5, 1)], [(1, 13)], [(1, 5), (3, 8)],
                           [(-1, 3)], [(1.5, 3)], [1, 5]])),
    Case(viz.confusion, dict(matrix=np.eye(3, dtype=int)),
         bad=dict(matrix=[np.zeros((2, 3), int), np.eye(3), -np.eye(3, dtype=int)])),
    Case(viz.decision_maps, dict(maps=(np.full((4, 4), 0.5),), titles=["a"],
                                 points=V(3, 2) / 2 + 0.5, labels=np.array([0, 1, 1])),
         bad=dict(titles=[["a", "b"]], labels=[np.array([0, 1]), np.array([0, 1, 2])])),
    Case(viz.to_png, dict(fig=Figure()), bad=dict(fig=[None, "fig", np.zeros(3)])),
    Case(viz.volume_diagram, dict(shapes=[(6, 6, 32), (1, 1, 32, 2), (6, 6, 2)],
                                  operators=["∗", "="], captions=[None, "2 filters", None],
                                  values=[V(6, 6), None, None], pixel=(1, 2)),
         bad=dict(shapes=[None, [], "abc", (6, 6, 32), [[6, 6, 32]] * 3, [(6, 6)] * 3,
                          [(6, 6, 0)] * 3, [(6, -1, 3)] * 3, [(6, 6, 2.5)] * 3,
                          [(6, 6, True)] * 3, [(1, 1, 1, 1, 1)] * 3],
                  operators=[None, ["∗"], "∗=", ["∗", 2]],
                  captions=[["a"], "abc", [None, 2, None]],
                  values=[[V(6, 6)], V(6, 6), [V(5, 6), None, None], [V(6, 6, 1), None, None],
                          [np.zeros((6, 6), dtype=bool), None, None]],
                  pixel=[(6, 0), (0, 6), (-1, 0), (1.5, 1), (1,), "a", [1, 2]])),
    Case(widgets.single_channel_result, dict(w=2.0, b=0.0, image=V(6, 6)),
         bad=dict(w=BAD_REALS, b=BAD_REALS)),
    Case(widgets.multi_channel_result, dict(n_C=4, n_F=3, i=1, j=2, n_H=6, n_W=6),
         bad=dict(n_C=[*BAD_COUNTS, 10**9], n_F=BAD_COUNTS, i=[*BAD_NON_NEGATIVE, 6],
                  j=[*BAD_NON_NEGATIVE, 6], n_H=BAD_COUNTS, n_W=BAD_COUNTS)),
    Case(widgets.matmul_result, dict(n_H=2, n_W=3, n_C=2, n_F=2),
         bad={k: [*BAD_COUNTS, 10**9] for k in ("n_H", "n_W", "n_C", "n_F")}),
    Case(widgets.shrinking_channels_result, dict(n_C=4, n_F=2, size=8),
         bad=dict(n_C=[*BAD_COUNTS, 10**9], n_F=[*BAD_COUNTS, 10**9], size=[*BAD_COUNTS, 10**6])),
    Case(widgets.bottleneck_result, dict(n_H=28, n_W=28, n_C=192, f=5, n_F=32, n_B=16),
         bad={k: BAD_COUNTS for k in ("n_H", "n_W", "n_C", "f", "n_F", "n_B")}),
    Case(widgets.colour_mix_result, dict(image=V(4, 4, 3), r_to_r=1.0, g_to_r=0.0, b_to_r=0.0,
                                         r_to_g=0.0, g_to_g=1.0, b_to_g=0.0, r_to_b=0.0,
                                         g_to_b=0.0, b_to_b=1.0),
         bad={"image": [V(4, 4, 4)], **{k: BAD_REALS for k in ("r_to_r", "g_to_b")}}),
    Case(widgets.block_result, dict(block="ShuffleNet unit", size=28, channels=256, r=16, t=6,
                                    g=4, d_ff_ratio=4),
         bad=dict(block=[None, "Inception", 3], size=BAD_COUNTS, channels=[*BAD_COUNTS, 100],
                  r=BAD_COUNTS, t=BAD_COUNTS, g=[*BAD_COUNTS, 3], d_ff_ratio=BAD_COUNTS)),
    Case(widgets.block_explorer, {}),
    Case(widgets.single_channel_explorer, {}),
    Case(widgets.multi_channel_explorer, dict(max_channels=8),
         bad=dict(max_channels=[*BAD_COUNTS, 10**9])),
    Case(widgets.matmul_explorer, {}),
    Case(widgets.shrinking_channels_explorer, dict(max_channels=8),
         bad=dict(max_channels=[*BAD_COUNTS, 10**9])),
    Case(widgets.cost_calculator_explorer, {}),
    Case(widgets.colour_mixer_explorer, dict(max_size=32),
         bad=dict(max_size=[*BAD_COUNTS, 10**6])),
    Case(widgets.slide_step, dict(x=V(3, 4, 5), w=V(5, 2), position=3,
                                  one_filter_at_a_time=False, relu=True),
         bad=dict(position=[*BAD_NON_NEGATIVE, 13], one_filter_at_a_time=[None, 1, "yes"],
                  relu=[None, 0, "no"])),
    Case(widgets.single_channel_stepper, {}),
    Case(widgets.multi_channel_stepper, dict(x=V(3, 4, 5), w=V(5, 2), n_F=1),
         bad=dict(n_F=[*BAD_COUNTS, 3])),
    Case(widgets.shrinking_channels_stepper, dict(x=V(3, 4, 5), w=V(5, 2))),
    Case(widgets.explorers, {}),
    Case(widgets.quiz, dict(questions=[QUESTION]),
         bad=dict(questions=[None, [], QUESTION, "?", [("?", ["a", "b"], 0, "")]])),
    Case(exercises.check_question, dict(question=QUESTION),
         bad=dict(question=[None, ("?", ["a", "b"], 0, ""),
                            exercises.Question("?", ["a"], 0, "")])),
    Case(exercises.grade, dict(question=QUESTION, choice=0),
         bad=dict(question=[None], choice=[2, -1, 1.0, "0", True])),
    Case(timing.median_seconds, dict(action=lambda: None, repeat=3),
         bad=dict(action=[None, 3, "f"], repeat=BAD_COUNTS)),
    Case(timing.format_time, dict(seconds=0.5), bad=dict(seconds=[*BAD_REALS, -1.0])),
    Case(timing.format_ratio, dict(ratio=2.0), bad=dict(ratio=BAD_REALS)),
]

CHECKS = [f for name, f in vars(exercises).items()
          if name.startswith("check_") and name != "check_question" and inspect.isfunction(f)]
# answers a learner might hand in, each wrong for every check
WRONG_ANSWERS = [None, [], [1, 2], "528", 3.5, float("nan"), np.nan * np.ones((2, 2)), np.zeros(0),
                 np.zeros((2, 2), dtype=bool), (1, 2, 3, 4, 5), {"a": 1}, print,
                 lambda *args: None, lambda *args: 1 / 0, lambda: 0, lambda *args: "text",
                 lambda *args: [np.nan], lambda *args: (np.inf, np.inf)]


def _bad_calls():
    for case in CASES:
        params = inspect.signature(case.func).parameters
        for name, good in case.kwargs.items():
            if name in case.skip:
                continue
            bads = list(case.bad.get(name, []))
            if isinstance(good, tuple) and good and isinstance(good[0], np.ndarray):
                # *args of arrays: spoil the first one, keep the others; or give none
                bads += [(bad, *good[1:]) for bad in array_cases(good[0])] + [()]
            elif isinstance(good, np.ndarray):
                bads += array_cases(good, case.any_ndim)
            optional = params[name].default is None  # None means "not given": it is valid
            for bad in bads:
                if not (optional and bad is None):
                    yield case, name, bad


BAD_CALLS = list(_bad_calls())


def _call(case: Case, kwargs: dict) -> object:
    params = inspect.signature(case.func).parameters
    args = []
    for name, p in params.items():
        if p.kind is p.VAR_POSITIONAL:
            args = list(kwargs.pop(name))
    return case.func(*args, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.func.__module__[9:]}.{c.func.__name__}")
def test_the_valid_call_works_and_leaves_read_only_inputs_alone(case):
    kwargs = _arrays_read_only(case.kwargs)
    before = {k: v.copy() for k, v in kwargs.items() if isinstance(v, np.ndarray)}
    _call(case, dict(kwargs))
    for k, value in before.items():
        np.testing.assert_array_equal(kwargs[k], value)


@pytest.mark.parametrize(("case", "name", "bad"), BAD_CALLS,
                         ids=[f"{c.func.__name__}-{n}-{k}" for k, (c, n, _) in
                              enumerate(BAD_CALLS)])
def test_bad_input_raises_a_clear_error(case, name, bad):
    kwargs = {**case.kwargs, name: bad}
    with pytest.raises((TypeError, ValueError)) as error:
        _call(case, kwargs)
    message = str(error.value)
    assert name in message, f"the message does not name {name!r}: {message}"
    assert len(message) > len(name) + 10, f"say what was expected and what came: {message}"


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("answer", WRONG_ANSWERS)
def test_exercise_checks_answer_anything_with_feedback(check, answer):
    """Whatever a learner hands in, in every argument a check takes (an answer, and the
    network or the histories it was worked out from), the check answers with feedback."""
    required = [p for p in inspect.signature(check).parameters.values()
                if p.default is inspect.Parameter.empty]
    feedback = check(*[answer] * len(required))
    assert isinstance(feedback, exercises.Feedback)
    assert not feedback and repr(feedback).startswith("✗ Not yet: ")
    assert "Traceback" not in feedback.message


def _defined_in(f, module) -> bool:
    """Whether ``f`` is ``module``'s own, in the module or in a submodule of its package
    (``viz`` and ``widgets`` re-export what their modules define)."""
    return f.__module__ == module.__name__ or f.__module__.startswith(module.__name__ + ".")


def test_the_table_covers_every_public_function():
    covered = {c.func for c in CASES} | set(CHECKS)
    public = {f for module in MODULES for name, f in vars(module).items()
              if not name.startswith("_") and inspect.isfunction(f)
              and _defined_in(f, module)}
    missing = sorted(f"{f.__module__}.{f.__name__}" for f in public - covered)
    assert not missing, f"add these to the table: {missing}"


ARRAYS = hnp.arrays(
    dtype=st.one_of(hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(), hnp.floating_dtypes(),
                    hnp.complex_number_dtypes(), hnp.boolean_dtypes(), st.just(np.dtype("U1"))),
    shape=hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=4))
ARRAY_ARGS = [(case, name) for case in CASES for name, good in case.kwargs.items()
              if isinstance(good, np.ndarray)]


@pytest.mark.parametrize(("case", "name"), ARRAY_ARGS,
                         ids=[f"{c.func.__name__}-{n}" for c, n in ARRAY_ARGS])
@settings(max_examples=40, deadline=None)
@given(array=ARRAYS)
def test_fuzzed_arrays_give_a_result_or_a_clear_error(case, name, array):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow on extreme values is numpy's
        try:
            _call(case, {**case.kwargs, name: array})
        except (TypeError, ValueError) as error:
            assert str(error)

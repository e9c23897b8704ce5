"""Tests for notebooks 03 (shrinking channels) and 07 (bottlenecks): ops.pool2d,
cost.bottleneck_cost and depthwise_separable_cost, data.feature_volume, viz.montages,
viz.cost_bars, their widgets and their exercise checks.

The numbers written here come from the course's issue and from hand calculations, not
from running the code.
"""

from __future__ import annotations

import io
from pathlib import Path

import ipywidgets
import matplotlib
import matplotlib.image
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from feedback import assert_right, assert_wrong
from onebyone import controls, cost, data, exercises, ops, viz, widgets
from onebyone.exercises import Feedback
from onebyone.widgets import bottleneck, channels
from test_dense_and_nin import notebook

FAST = settings(max_examples=50, deadline=None)
NB07 = Path(__file__).resolve().parent.parent / "notebooks" / "07_bottlenecks.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# -- independent reference implementations --------------------------------------------

def pool_loops(x: np.ndarray, f: int, stride: int, mode: str) -> np.ndarray:
    """Pooling one window at a time (independent of onebyone.ops)."""
    batch = x if x.ndim == 4 else x[np.newaxis]
    m, n_H, n_W, n_C = batch.shape
    n_H_out, n_W_out = (n_H - f) // stride + 1, (n_W - f) // stride + 1
    out = np.empty((m, n_H_out, n_W_out, n_C))
    for n in range(m):
        for i in range(n_H_out):
            for j in range(n_W_out):
                for c in range(n_C):
                    window = batch[n, i * stride:i * stride + f, j * stride:j * stride + f, c]
                    window = window.astype(np.float64)
                    out[n, i, j, c] = window.max() if mode == "max" else window.mean()
    return out if x.ndim == 4 else out[0]


def relu_conv1x1(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """ReLU of a 1x1 convolution, one pixel at a time (independent of onebyone.ops)."""
    n_H, n_W, _ = x.shape
    out = np.empty((n_H, n_W, w.shape[1]))
    for i in range(n_H):
        for j in range(n_W):
            out[i, j] = np.maximum(x[i, j] @ w + (0 if b is None else b), 0.0)
    return out


def assert_valid_png(png: bytes, fig: Figure) -> None:
    png = bytes(png)
    assert png.startswith(PNG_SIGNATURE)
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    width, height = fig.get_size_inches() * fig.dpi
    assert pixels.shape[:2] == (round(height), round(width))




# -- ops.pool2d ---------------------------------------------------------------------

class TestPool2d:
    def test_hand_computed_4x4(self):
        channel = np.array([[1, 3, 2, 0],
                            [4, 2, 1, 5],
                            [0, 1, 7, 2],
                            [3, 2, 4, 6]], dtype=float)
        x = channel[:, :, np.newaxis]
        np.testing.assert_array_equal(ops.pool2d(x)[:, :, 0], [[4, 5], [3, 7]])
        np.testing.assert_array_equal(ops.pool2d(x, mode="average")[:, :, 0],
                                      [[2.5, 2.0], [1.5, 4.75]])
        # 3x3 windows, stride 1: four overlapping windows
        np.testing.assert_array_equal(ops.pool2d(x, f=3, stride=1)[:, :, 0], [[7, 7], [7, 7]])

    def test_lecture_volume_shape(self):
        x = np.zeros((28, 28, 192))
        assert ops.pool2d(x).shape == (14, 14, 192)
        assert ops.pool2d(np.zeros((5, 28, 28, 192)), f=3, stride=1).shape == (5, 26, 26, 192)

    @pytest.mark.parametrize("mode", ["max", "average"])
    @pytest.mark.parametrize(("shape", "f", "stride"), [
        ((6, 8, 3), 2, 2), ((7, 5, 2), 2, 2), ((7, 7, 1), 3, 2), ((5, 6, 4), 3, 1),
        ((2, 6, 6, 3), 2, 2), ((3, 5, 4, 2), 1, 1), ((4, 4, 2), 4, 4), ((9, 9, 2), 2, 3),
    ])
    def test_matches_loops(self, shape, f, stride, mode):
        x = np.random.default_rng(sum(shape)).standard_normal(shape)
        np.testing.assert_allclose(ops.pool2d(x, f, stride, mode), pool_loops(x, f, stride, mode),
                                   rtol=1e-12, atol=1e-12)

    @FAST
    @given(n_H=st.integers(1, 7), n_W=st.integers(1, 7), n_C=st.integers(1, 3),
           f=st.integers(1, 4), stride=st.integers(1, 4), batch=st.booleans(),
           mode=st.sampled_from(["max", "average"]), seed=st.integers(0, 2**16))
    def test_property_matches_loops(self, n_H, n_W, n_C, f, stride, batch, mode, seed):
        f = min(f, n_H, n_W)
        shape = (2, n_H, n_W, n_C) if batch else (n_H, n_W, n_C)
        x = np.random.default_rng(seed).normal(size=shape)
        out = ops.pool2d(x, f, stride, mode)
        np.testing.assert_allclose(out, pool_loops(x, f, stride, mode), rtol=1e-12, atol=1e-12)
        # pooling never mixes channels and never leaves the range of its window
        assert out.shape[-1] == n_C
        assert out.min() >= x.min() - 1e-12 and out.max() <= x.max() + 1e-12

    def test_max_pool_commutes_with_relu(self):
        x = np.random.default_rng(3).standard_normal((6, 6, 4))
        np.testing.assert_array_equal(ops.pool2d(ops.relu(x)), ops.relu(ops.pool2d(x)))

    @pytest.mark.parametrize(("dtype", "out_dtype"), [
        (np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64),
        (np.int8, np.float64), (np.uint8, np.float64)])
    @pytest.mark.parametrize("mode", ["max", "average"])
    def test_dtypes(self, dtype, out_dtype, mode):
        x = np.arange(4 * 4 * 2).reshape(4, 4, 2).astype(dtype)
        out = ops.pool2d(x, mode=mode)
        assert out.dtype == out_dtype
        np.testing.assert_allclose(out, pool_loops(x, 2, 2, mode))

    def test_integer_average_does_not_overflow(self):
        x = np.full((2, 2, 1), 100, dtype=np.int8)  # the sum, 400, does not fit in int8
        assert ops.pool2d(x, mode="average")[0, 0, 0] == 100.0
        big = np.full((2, 2, 1), 2**62, dtype=np.int64)
        assert ops.pool2d(big, mode="average")[0, 0, 0] == pytest.approx(2.0**62)

    @pytest.mark.parametrize("mode", ["max", "average"])
    def test_nan_spreads_to_its_window_only(self, mode):
        x = np.ones((4, 4, 2))
        x[0, 1, 0] = np.nan
        out = ops.pool2d(x, mode=mode)
        assert np.isnan(out[0, 0, 0])
        assert np.isnan(out).sum() == 1

    def test_inf(self):
        x = np.zeros((2, 4, 1))
        x[0, 0, 0], x[0, 2, 0], x[1, 3, 0] = np.inf, np.inf, -np.inf
        assert ops.pool2d(x)[0, 0, 0] == np.inf
        assert ops.pool2d(x, mode="average")[0, 0, 0] == np.inf
        assert np.isnan(ops.pool2d(x, mode="average")[0, 1, 0])  # +inf and -inf

    @pytest.mark.parametrize("mode", ["max", "average"])
    def test_read_only_input_is_unchanged_and_result_is_not_a_view(self, mode):
        x = np.random.default_rng(4).standard_normal((4, 6, 3))
        before = x.copy()
        x.flags.writeable = False
        out = ops.pool2d(x, f=1, stride=1, mode=mode)  # the case that could return x itself
        np.testing.assert_array_equal(x, before)
        assert not np.shares_memory(out, x)
        out[...] = 0  # writable, and writing does not touch x
        np.testing.assert_array_equal(x, before)

    @pytest.mark.parametrize(("kwargs", "error", "match"), [
        ({"x": None}, TypeError, r"^x must be a numpy array, got None"),
        ({"x": [[[1.0]]]}, TypeError, r"^x must be a numpy array.*list"),
        ({"x": np.ones((4, 4))}, ValueError, r"^x must have 3 or 4 dimensions"),
        ({"x": np.ones((1, 2, 4, 4, 1))}, ValueError, r"^x must have 3 or 4 dimensions"),
        ({"x": np.ones((4, 4, 1), dtype=bool)}, TypeError, r"^x must hold real numbers"),
        ({"x": np.ones((4, 4, 1), dtype=complex)}, TypeError, r"^x must hold real numbers"),
        ({"x": np.full((4, 4, 1), "a")}, TypeError, r"^x must hold real numbers"),
        ({"x": np.ones((0, 4, 1))}, ValueError, r"^x must not be empty"),
        ({"f": 0}, ValueError, r"^f must be positive, got 0"),
        ({"f": 1.5}, TypeError, r"^f must be an integer"),
        ({"f": True}, TypeError, r"^f must be an integer"),
        ({"f": None}, TypeError, r"^f must be an integer"),
        ({"f": 5}, ValueError, r"^f must be at most the height and width of x.*\(4, 6, 1\)"),
        ({"stride": 0}, ValueError, r"^stride must be positive"),
        ({"stride": 2.0}, TypeError, r"^stride must be an integer"),
        ({"mode": "min"}, ValueError, r"^mode must be 'max' or 'average', got 'min'"),
        ({"mode": "avg"}, ValueError, r"^mode must be 'max' or 'average'"),
        ({"mode": None}, TypeError, r"^mode must be 'max' or 'average', got None"),
        ({"mode": max}, TypeError, r"^mode must be 'max' or 'average'"),
    ])
    def test_bad_input(self, kwargs, error, match):
        arguments = {"x": np.ones((4, 6, 1)), "f": 2, "stride": 2, "mode": "max"} | kwargs
        with pytest.raises(error, match=match):
            ops.pool2d(**arguments)


# -- cost ---------------------------------------------------------------------------

class TestBottleneckCost:
    def test_inception_5x5_branch(self):
        c = cost.bottleneck_cost(n_H=28, n_W=28, n_C=192, f=5, n_F=32, n_B=16)
        assert c.direct_multiplies == 120_422_400
        assert c.reduce_multiplies == 2_408_448
        assert c.spatial_multiplies == 10_035_200
        assert c.bottleneck_multiplies == 12_443_648
        assert c.multiply_ratio == pytest.approx(120422400 / 12443648)
        assert c.multiply_ratio == pytest.approx(9.68, abs=0.005)
        # with biases: 5·5·192·32 + 32, 192·16 + 16, 5·5·16·32 + 32
        assert c.direct_params == 153_632
        assert (c.reduce_params, c.spatial_params) == (3_088, 12_832)
        assert c.bottleneck_params == 15_920
        assert all(type(n) is int for n in c)

    def test_without_biases(self):
        c = cost.bottleneck_cost(28, 28, 192, 5, 32, 16, bias=False)
        assert (c.direct_params, c.reduce_params, c.spatial_params) == (153_600, 3_072, 12_800)
        assert c.direct_multiplies == 120_422_400  # biases cost no multiplications

    def test_resnet_bottleneck_block(self):
        shrink = cost.conv_params(1, 256, 64, bias=False)
        middle = cost.conv_params(3, 64, 64, bias=False)
        expand = cost.conv_params(1, 64, 256, bias=False)
        assert (shrink, middle, expand) == (16_384, 36_864, 16_384)
        assert shrink + middle + expand == 69_632
        assert cost.conv_params(3, 256, 256, bias=False) == 589_824
        # the first two layers are a bottleneck_cost with n_F = n_B
        c = cost.bottleneck_cost(56, 56, 256, 3, 64, 64, bias=False)
        assert c.bottleneck_params == shrink + middle

    def test_resnet_34_basic_block(self):
        """He et al.'s comparison (arXiv:1512.03385, section 4.1, Figure 5): the bottleneck
        block against two 3x3 convolutions 64 -> 64, "similar time complexity"."""
        basic = 2 * cost.conv_params(3, 64, 64, bias=False)
        assert basic == 2 * 3 * 3 * 64 * 64 == 73_728
        assert 0.9 < 69_632 / basic < 1

    def test_inception_3a_3x3_branch(self):
        c = cost.bottleneck_cost(28, 28, 192, 3, 128, 96)
        assert c.reduce_multiplies == 28 * 28 * 96 * 192 == 14_450_688
        assert c.spatial_multiplies == 28 * 28 * 128 * 9 * 96 == 86_704_128
        assert c.direct_multiplies == 28 * 28 * 128 * 9 * 192 == 173_408_256

    @FAST
    @given(n_H=st.integers(1, 300), n_W=st.integers(1, 300), n_C=st.integers(1, 2048),
           f=st.integers(1, 11), n_F=st.integers(1, 2048), n_B=st.integers(1, 2048),
           bias=st.booleans())
    def test_formulas(self, n_H, n_W, n_C, f, n_F, n_B, bias):
        c = cost.bottleneck_cost(n_H, n_W, n_C, f, n_F, n_B, bias=bias)
        assert c.direct_multiplies == n_H * n_W * n_F * f * f * n_C
        assert c.reduce_multiplies == n_H * n_W * n_B * n_C
        assert c.spatial_multiplies == n_H * n_W * n_F * f * f * n_B
        assert c.bottleneck_multiplies == c.reduce_multiplies + c.spatial_multiplies
        assert c.direct_params == f * f * n_C * n_F + (n_F if bias else 0)
        assert c.reduce_params == n_C * n_B + (n_B if bias else 0)
        assert c.spatial_params == f * f * n_B * n_F + (n_F if bias else 0)
        assert c.bottleneck_params == c.reduce_params + c.spatial_params
        # with the bottleneck as wide as the input, it only adds work
        if n_B >= n_C:
            assert c.bottleneck_multiplies > c.direct_multiplies

    @pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
        ((28, 28, 192, 5, 32, 0), {}, ValueError, r"^n_B must be positive, got 0"),
        ((28, 28, 192, 5, 32, 1.5), {}, TypeError, r"^n_B must be an integer"),
        ((28, 28, 192, 5, 32, None), {}, TypeError, r"^n_B must be an integer"),
        ((28, 28, 192, 5, 32, True), {}, TypeError, r"^n_B must be an integer"),
        ((28, 28, 0, 5, 32, 16), {}, ValueError, r"^n_C must be positive"),
        ((-1, 28, 192, 5, 32, 16), {}, ValueError, r"^n_H must be positive"),
        ((28, "28", 192, 5, 32, 16), {}, TypeError, r"^n_W must be an integer"),
        ((28, 28, 192, 0, 32, 16), {}, ValueError, r"^f must be positive"),
        ((28, 28, 192, 5, 32.0, 16), {}, TypeError, r"^n_F must be an integer"),
        ((28, 28, 192, 5, 32, 16), {"bias": "yes"}, TypeError, r"^bias must be True or False"),
        ((28, 28, 192, 5, 32, 16), {"bias": 1}, TypeError, r"^bias must be True or False"),
    ])
    def test_bad_input(self, args, kwargs, error, match):
        with pytest.raises(error, match=match):
            cost.bottleneck_cost(*args, **kwargs)

    def test_numpy_integers_are_accepted(self):
        c = cost.bottleneck_cost(*(np.int64(n) for n in (28, 28, 192, 5, 32, 16)))
        assert c.bottleneck_multiplies == 12_443_648
        assert type(c.bottleneck_multiplies) is int


class TestDepthwiseSeparableCost:
    def test_mobilenet_14x14x512_layer(self):
        layer = cost.depthwise_separable_cost(n_H=14, n_W=14, n_C=512, f=3, n_F=512, bias=False)
        # by hand: 14·14 = 196 pixels; depthwise 196·512·9, pointwise 196·512·512
        assert layer.depthwise_multiplies == 903_168
        assert layer.pointwise_multiplies == 51_380_224
        assert layer.separable_multiplies == 52_283_392
        assert layer.pointwise_share == pytest.approx(512 / 521)
        assert layer.pointwise_share == pytest.approx(0.9827, abs=5e-5)  # "≈ 98%"
        assert layer.direct_multiplies == 196 * 9 * 512 * 512 == 462_422_016
        assert layer.multiply_ratio == pytest.approx(462_422_016 / 52_283_392)
        assert (layer.depthwise_params, layer.pointwise_params) == (4_608, 262_144)
        assert layer.separable_params == 266_752
        assert layer.direct_params == 2_359_296
        assert all(type(n) is int for n in layer)

    def test_with_biases(self):
        layer = cost.depthwise_separable_cost(14, 14, 512, 3, 512)
        assert layer.depthwise_params == 9 * 512 + 512
        assert layer.pointwise_params == 512 * 512 + 512
        assert layer.direct_params == 9 * 512 * 512 + 512

    @FAST
    @given(n_H=st.integers(1, 300), n_W=st.integers(1, 300), n_C=st.integers(1, 2048),
           f=st.integers(1, 11), n_F=st.integers(1, 2048), bias=st.booleans())
    def test_formulas(self, n_H, n_W, n_C, f, n_F, bias):
        layer = cost.depthwise_separable_cost(n_H, n_W, n_C, f, n_F, bias=bias)
        assert layer.depthwise_multiplies == n_H * n_W * n_C * f * f
        assert layer.pointwise_multiplies == n_H * n_W * n_C * n_F
        assert layer.direct_multiplies == n_H * n_W * n_F * f * f * n_C
        assert layer.separable_multiplies == layer.depthwise_multiplies + \
            layer.pointwise_multiplies
        assert layer.depthwise_params == f * f * n_C + (n_C if bias else 0)
        assert layer.pointwise_params == n_C * n_F + (n_F if bias else 0)
        assert layer.separable_params == layer.depthwise_params + layer.pointwise_params
        # the share of the 1x1 convolution depends on n_F and f only
        assert layer.pointwise_share == pytest.approx(n_F / (f * f + n_F))
        # and the saving is 1 / (1/n_F + 1/f²)
        assert layer.multiply_ratio == pytest.approx(1 / (1 / n_F + 1 / (f * f)))

    @pytest.mark.parametrize(("args", "error", "match"), [
        ((14, 14, 512, 3, 0), ValueError, r"^n_F must be positive"),
        ((14, 14, 512, 2.5, 512), TypeError, r"^f must be an integer"),
        ((14, None, 512, 3, 512), TypeError, r"^n_W must be an integer"),
        ((14, 14, False, 3, 512), TypeError, r"^n_C must be an integer"),
    ])
    def test_bad_input(self, args, error, match):
        with pytest.raises(error, match=match):
            cost.depthwise_separable_cost(*args)


def test_lecture_shrinking_numbers():
    assert cost.conv_params(1, 192, 32) == 6_176
    assert cost.conv_multiplies(28, 28, 1, 192, 32) == 4_816_896


class TestNotebook07:
    def test_both_resnet_comparisons_computed_and_attributed(self):
        markdown, code, outputs = notebook(NB07)
        expected = [  # computed by onebyone.cost, printed, and attributed in the prose
            (code, ["cost.conv_params(f=3, n_C=256, n_F=256, bias=False)",
                    "2 * cost.conv_params(f=3, n_C=64, n_F=64, bias=False)"]),
            (outputs, ["589,824 weights (8.5× more; this course's comparison)",
                       "basic block, two 3×3, 64 → 64:          73,728 weights",
                       "69,632 weights (0.94× the basic block)"]),
            (markdown, ["\"similar time complexity\"", "ResNet-34", "(this course's comparison)",
                        "(He et al.'s comparison)"]),
        ]
        for text, lines in expected:
            for line in lines:
                assert line in text


# -- data.feature_volume ------------------------------------------------------------

class TestFeatureVolume:
    def test_shape_range_and_scaling(self):
        x = data.feature_volume(192)
        assert x.shape == (28, 28, 192) and x.dtype == np.float64
        assert np.isfinite(x).all()
        assert x.min() == 0.0
        peaks = x.max(axis=(0, 1))
        assert np.all((peaks == 1.0) | (peaks == 0.0))
        assert (peaks == 1.0).sum() > 150
        # the ReLU did something, and the channels differ from each other
        assert 0.2 < (x > 0).mean() < 0.8
        assert np.unique(x.reshape(-1, 192).T.round(6), axis=0).shape[0] == 192

    def test_deterministic_and_seeded(self):
        np.testing.assert_array_equal(data.feature_volume(8, seed=5),
                                      data.feature_volume(8, seed=5))
        assert not np.allclose(data.feature_volume(8, seed=5), data.feature_volume(8, seed=6))

    def test_channels_are_a_prefix_of_a_larger_volume(self):
        np.testing.assert_array_equal(data.feature_volume(7, size=12),
                                      data.feature_volume(20, size=12)[:, :, :7])

    @pytest.mark.parametrize("size", [1, 2, 5, 64])
    def test_sizes(self, size):
        assert data.feature_volume(3, size=size).shape == (size, size, 3)

    def test_changing_the_result_does_not_change_the_next(self):
        x = data.feature_volume(4, size=10)
        x[...] = -1.0
        assert data.feature_volume(4, size=10).min() == 0.0

    @pytest.mark.parametrize(("kwargs", "error", "match"), [
        ({"n_C": 0}, ValueError, r"^n_C must be positive"),
        ({"n_C": 2.0}, TypeError, r"^n_C must be an integer"),
        ({"n_C": None}, TypeError, r"^n_C must be an integer"),
        ({"n_C": 3, "size": 0}, ValueError, r"^size must be positive"),
        ({"n_C": 3, "size": True}, TypeError, r"^size must be an integer"),
        ({"n_C": 3, "seed": -1}, ValueError, r"^seed must be >= 0"),
        ({"n_C": 100_000, "size": 100}, ValueError, r"^size=100 and n_C=100000 make"),
    ])
    def test_bad_input(self, kwargs, error, match):
        with pytest.raises(error, match=match):
            data.feature_volume(**kwargs)


# -- viz ----------------------------------------------------------------------------

def montage_images(fig: Figure) -> list[np.ndarray]:
    return [image.get_array() for image in fig.images]


def montage_titles(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.axes[0].texts]


class TestMontages:
    def test_one_image_per_volume_at_one_scale(self):
        x = data.feature_volume(192)
        pooled = ops.pool2d(x)
        shrunk = relu_conv1x1(x, data.random_filters(192, 32))
        fig = viz.montages(x, pooled, shrunk, max_height=300)
        assert isinstance(fig, Figure)
        assert len(fig.axes) == 1 and len(fig.axes[0].images) == 0  # nothing to resample
        assert montage_titles(fig) == ["28×28×192", "14×14×192", "28×28×32"]
        # montage grids: 14 tiles of 28 + 13 gaps = 405; 14 tiles of 14 + 13 = 209;
        # 6 tiles of 28 + 5 = 173 wide, 6 rows (32 = 5·6 + 2) of 28 + 5 = 173 high
        scale = 300 / 405
        images = montage_images(fig)
        for image, grid in zip(images, [405, 209, 173], strict=True):
            assert image.shape == (round(grid * scale), round(grid * scale), 3)
            assert image.dtype == np.uint8
        assert images[0].shape[0] == 300
        # left to right, top-aligned, inside the figure
        width, height = fig.get_size_inches() * fig.dpi
        offsets = [(image.ox, image.oy) for image in fig.images]
        assert offsets == sorted(offsets, key=lambda o: o[0])
        for image, (ox, oy) in zip(images, offsets, strict=True):
            assert 0 <= ox and ox + image.shape[1] <= width
            assert oy + image.shape[0] == offsets[0][1] + images[0].shape[0]
            assert 0 <= oy and oy + image.shape[0] <= height
        assert_valid_png(viz.to_png(fig), fig)

    def test_gaps_are_white_and_values_follow_the_colour_scale(self):
        volume = np.zeros((3, 3, 4))
        volume[:, :, 3] = 1.0  # channel 3 (bottom right tile) at the top of the scale
        fig = viz.montages(volume, max_height=7)  # 2x2 tiles of 3 plus a gap: 7 pixels
        image = montage_images(fig)[0]
        assert image.shape == (7, 7, 3)
        np.testing.assert_array_equal(image[3, :], 255)  # the gap row
        np.testing.assert_array_equal(image[:, 3], 255)  # the gap column
        cividis = matplotlib.colormaps[viz.CMAP]
        np.testing.assert_array_equal(image[0, 0], cividis(0.0, bytes=True)[:3])
        np.testing.assert_array_equal(image[6, 6], cividis(1.0, bytes=True)[:3])
        # and the PNG shows those pixels
        pixels = matplotlib.image.imread(io.BytesIO(viz.to_png(fig)), format="png")
        ox, oy = fig.images[0].ox, fig.images[0].oy
        top = pixels.shape[0] - oy - 7  # PNG rows count from the top
        np.testing.assert_allclose(pixels[top:top + 7, ox:ox + 7, :3] * 255, image, atol=1)

    def test_enlarging_repeats_pixels(self):
        volume = np.arange(4, dtype=float).reshape(2, 2, 1)
        image = montage_images(viz.montages(volume, max_height=8))[0]
        assert image.shape == (8, 8, 3)
        for i, j in np.ndindex(2, 2):  # each volume pixel is a 4x4 block of one colour
            block = image[4 * i:4 * i + 4, 4 * j:4 * j + 4].reshape(-1, 3)
            assert (block == block[0]).all()

    def test_titles_and_odd_values(self):
        volume = np.arange(2 * 3 * 2, dtype=float).reshape(2, 3, 2)
        volume[0, 0, 0], volume[1, 1, 1] = np.nan, np.inf
        fig = viz.montages(volume, np.ones((2, 2, 1)), titles=["first", "second"])
        assert montage_titles(fig) == ["first", "second"]
        assert_valid_png(viz.to_png(fig), fig)
        image = montage_images(viz.montages(volume, max_height=5))[0]
        np.testing.assert_array_equal(image[0, 0], 255)  # NaN is white

    def test_inputs_are_not_modified(self):
        volume = np.random.default_rng(0).standard_normal((4, 4, 3))
        before = volume.copy()
        volume.flags.writeable = False
        viz.montages(volume)
        np.testing.assert_array_equal(volume, before)

    @pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
        ((), {}, TypeError, r"^volumes: montages needs at least one volume"),
        ((None,), {}, TypeError, r"^volumes\[0\] must be a numpy array"),
        ((np.ones((2, 2, 1)), [[[1.0]]]), {}, TypeError, r"^volumes\[1\] must be a numpy array"),
        ((np.ones((2, 2)),), {}, ValueError, r"^volumes\[0\] must have 3 dimensions"),
        ((np.ones((2, 2, 1), dtype=bool),), {}, TypeError, r"^volumes\[0\] must hold real"),
        ((np.ones((2, 2, 1)),), {"titles": ["a", "b"]}, ValueError, r"^titles must be a list of 1"),
        ((np.ones((2, 2, 1)),), {"titles": "a"}, ValueError, r"^titles must be a list"),
        ((np.ones((2, 2, 1)),), {"titles": [3]}, ValueError, r"^titles must be a list"),
        ((np.ones((2, 2, 1)),), {"max_height": 0}, ValueError, r"^max_height must be positive"),
        ((np.ones((2, 2, 1)),), {"max_height": 2.5}, TypeError, r"^max_height must be an integer"),
    ])
    def test_bad_input(self, args, kwargs, error, match):
        with pytest.raises(error, match=match):
            viz.montages(*args, **kwargs)


def bar_totals(ax) -> list[float]:
    """Top of the bars at x = 0 (direct) and x = 1 (bottleneck, stacked)."""
    tops = {}
    for patch in ax.patches:
        x = round(patch.get_x() + patch.get_width() / 2)
        tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
    return [tops[0], tops[1]]


class TestCostBars:
    def test_inception_bars(self):
        c = cost.bottleneck_cost(28, 28, 192, 5, 32, 16)
        fig = viz.cost_bars(c)
        multiplications, parameters = fig.axes
        assert bar_totals(multiplications) == [120_422_400, 12_443_648]
        assert bar_totals(parameters) == [153_632, 15_920]
        # the bottleneck's bar stacks the 1x1 part under the f x f part
        heights = sorted(p.get_height() for p in multiplications.patches)
        assert heights == [2_408_448, 10_035_200, 120_422_400]
        assert "9.68× fewer" in multiplications.get_title()
        assert "9.65× fewer" in parameters.get_title()  # 153,632 / 15,920
        texts = [t.get_text() for t in multiplications.texts]
        assert texts == ["120.4 M", "12.4 M"]
        assert_valid_png(viz.to_png(fig), fig)

    def test_a_wide_bottleneck_costs_more(self):
        fig = viz.cost_bars(cost.bottleneck_cost(28, 28, 16, 5, 32, 64))
        assert "× more" in fig.axes[0].get_title()

    @pytest.mark.parametrize("bad", [None, (1, 2, 3), 12_443_648,
                                     cost.depthwise_separable_cost(14, 14, 512, 3, 512)])
    def test_bad_input(self, bad):
        with pytest.raises(TypeError, match=r"^cost must be a BottleneckCost"):
            viz.cost_bars(bad)


@pytest.mark.parametrize(("ratio", "text"), [(120422400 / 12443648, "9.68× fewer"),
                                             (1, "1.00× fewer"), (0.25, "4.00× more"),
                                             (8, "8.00× fewer")])
def test_fewer_or_more(ratio, text):
    assert viz.fewer_or_more(ratio) == text


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (-2.0, ValueError),
                                            (float("inf"), ValueError), (float("nan"), ValueError),
                                            (None, TypeError), ("2", TypeError),
                                            (True, TypeError)])
def test_fewer_or_more_bad_input(bad, error):
    with pytest.raises(error, match=r"^ratio must be"):
        viz.fewer_or_more(bad)


# -- widgets ------------------------------------------------------------------------

class TestShrinkingChannelsResult:
    def test_lecture_layer(self):
        r = widgets.shrinking_channels_result(192, 32)
        assert r.x.shape == (28, 28, 192)
        assert r.w.shape == (192, 32)
        assert r.output.shape == (28, 28, 32)
        assert r.params == 6_176
        assert r.multiplies == 4_816_896
        np.testing.assert_allclose(r.output, relu_conv1x1(r.x, r.w), atol=1e-12)
        np.testing.assert_array_equal(r.x, data.feature_volume(192))
        assert (r.output > 0).any() and (r.output == 0).any()

    @pytest.mark.parametrize(("n_C", "n_F"), [(1, 1), (192, 192), (3, 100), (50, 7)])
    def test_counts(self, n_C, n_F):
        r = widgets.shrinking_channels_result(n_C, n_F, size=6)
        assert r.output.shape == (6, 6, n_F)
        assert r.params == n_C * n_F + n_F
        assert r.multiplies == 6 * 6 * n_F * n_C
        np.testing.assert_allclose(r.output, relu_conv1x1(r.x, r.w), atol=1e-12)

    def test_same_n_C_same_volume(self):
        a, b = widgets.shrinking_channels_result(16, 4), widgets.shrinking_channels_result(16, 9)
        np.testing.assert_array_equal(a.x, b.x)

    @pytest.mark.parametrize(("args", "error", "match"), [
        ((0, 4), ValueError, r"^n_C must be positive"),
        ((4, 0), ValueError, r"^n_F must be positive"),
        ((4.5, 4), TypeError, r"^n_C must be an integer"),
        ((4, None), TypeError, r"^n_F must be an integer"),
    ])
    def test_bad_input(self, args, error, match):
        with pytest.raises(error, match=match):
            widgets.shrinking_channels_result(*args)

    def test_description_follows_the_lecture(self):
        text = channels._describe_shrinking_channels(widgets.shrinking_channels_result(192, 32))
        for part in ("28×28", "1×1×192", "32 filters", "1×1×32", "28×28×192", "28×28×32",
                     "6,176", "4,816,896", "fewer channels"):
            assert part in text, part
        same = channels._describe_shrinking_channels(widgets.shrinking_channels_result(8, 8, 4))
        assert "same shape" in same and "nonlinearity" in same
        more = channels._describe_shrinking_channels(widgets.shrinking_channels_result(2, 8, 4))
        assert "more channels" in more


class TestBottleneckResult:
    def test_inception(self):
        r = widgets.bottleneck_result(28, 28, 192, 5, 32, 16)
        assert (r.n_H, r.n_W, r.n_C, r.f, r.n_F, r.n_B) == (28, 28, 192, 5, 32, 16)
        assert r.cost == cost.bottleneck_cost(28, 28, 192, 5, 32, 16)
        text = bottleneck._describe_bottleneck(r)
        for part in ("120,422,400", "2,408,448", "10,035,200", "12,443,648", "153,632",
                     "15,920", "9.68× fewer"):
            assert part in text, part

    def test_bad_input(self):
        with pytest.raises(ValueError, match=r"^n_B must be positive"):
            widgets.bottleneck_result(28, 28, 192, 5, 32, 0)


def diagram_texts(fig, kind: str) -> list[str]:
    """The texts of a volume_diagram, left to right: its boxes' ``depth`` labels or its
    ``caption``s (see the gids in viz.volume_diagram's docstring)."""
    gid = (lambda k: f"box{k}-depth") if kind == "depth" else (lambda k: f"caption{k}")
    texts = {t.get_gid(): t.get_text() for t in fig.axes[0].texts}
    return [texts[gid(k)] for k in range(3)]


def _moves(explorer):
    """Every slider to its minimum, then its maximum, one move at a time."""
    for name, control in explorer.controls.items():
        for value in (control.min, control.max):
            if control.value != value:
                yield name, value


class TestShrinkingChannelsExplorer:
    @pytest.fixture
    def explorer(self):
        return widgets.shrinking_channels_explorer()

    def test_layout_and_first_drawing(self):
        explorer = widgets.shrinking_channels_explorer()
        assert isinstance(explorer, ipywidgets.VBox)
        assert set(explorer.controls) == {"n_C", "n_F"}
        assert all(isinstance(c, controls.IntSlider) for c in explorer.controls.values())
        assert (explorer.controls["n_C"].value, explorer.controls["n_F"].value) == (192, 32)
        assert explorer.controls["n_C"].max == explorer.controls["n_F"].max == 192
        assert explorer.result.params == 6_176
        assert "4,816,896" in explorer.text
        assert diagram_texts(explorer.figure, "caption") == [
            "input 28×28×192", "32 filters\n1×1×192", "output 28×28×32"]
        assert diagram_texts(explorer.figure, "depth") == ["192", "192", "32"]
        assert_valid_png(explorer.image.value, explorer.figure)

    def test_every_move_recomputes_and_redraws(self, explorer):
        for name, value in _moves(explorer):
            old_figure, old_png = explorer.figure, bytes(explorer.image.value)
            old_text = explorer.text
            explorer.controls[name].value = value
            n_C, n_F = explorer.controls["n_C"].value, explorer.controls["n_F"].value
            r = explorer.result
            assert r.x.shape == (28, 28, n_C) and r.output.shape == (28, 28, n_F)
            assert r.params == n_C * n_F + n_F
            assert r.multiplies == 28 * 28 * n_F * n_C
            np.testing.assert_allclose(r.output, relu_conv1x1(r.x, r.w), atol=1e-12)
            assert explorer.figure is not old_figure, f"{name}={value} did not redraw"
            assert bytes(explorer.image.value) != old_png
            assert explorer.text != old_text
            assert f"{r.params:,}" in explorer.text
            assert diagram_texts(explorer.figure, "depth") == [str(n_C), str(n_C), str(n_F)]
            assert diagram_texts(explorer.figure, "caption")[2] == f"output 28×28×{n_F}"
            assert_valid_png(explorer.image.value, explorer.figure)

    def test_max_channels(self):
        explorer = widgets.shrinking_channels_explorer(max_channels=16)
        assert explorer.controls["n_C"].max == 16 and explorer.controls["n_C"].value == 16
        assert explorer.controls["n_F"].value == 16
        with pytest.raises(ValueError, match=r"^max_channels must be positive"):
            widgets.shrinking_channels_explorer(max_channels=0)


class TestCostCalculator:
    @pytest.fixture
    def explorer(self):
        return widgets.cost_calculator_explorer()

    def test_layout_and_first_drawing(self):
        explorer = widgets.cost_calculator_explorer()
        assert isinstance(explorer, ipywidgets.VBox)
        assert list(explorer.controls) == ["n_H", "n_W", "n_C", "f", "n_F", "n_B"]
        values = {name: c.value for name, c in explorer.controls.items()}
        assert values == {"n_H": 28, "n_W": 28, "n_C": 192, "f": 5, "n_F": 32, "n_B": 16}
        assert explorer.controls["f"].step == 2 and explorer.controls["f"].min == 1
        assert explorer.result.cost.bottleneck_multiplies == 12_443_648
        assert "120,422,400" in explorer.text
        assert bar_totals(explorer.figure.axes[0]) == [120_422_400, 12_443_648]
        assert_valid_png(explorer.image.value, explorer.figure)

    def test_every_move_recomputes_and_redraws(self, explorer):
        for name, value in _moves(explorer):
            old_figure, old_png = explorer.figure, bytes(explorer.image.value)
            old_text = explorer.text
            explorer.controls[name].value = value
            sizes = {n: c.value for n, c in explorer.controls.items()}
            c = explorer.result.cost
            n_H, n_W, n_C, f, n_F, n_B = sizes.values()
            assert c.direct_multiplies == n_H * n_W * n_F * f * f * n_C
            assert c.bottleneck_multiplies == n_H * n_W * (n_B * n_C + n_F * f * f * n_B)
            assert explorer.figure is not old_figure, f"{name}={value} did not redraw"
            assert bar_totals(explorer.figure.axes[0]) == [c.direct_multiplies,
                                                           c.bottleneck_multiplies]
            assert bar_totals(explorer.figure.axes[1]) == [c.direct_params, c.bottleneck_params]
            assert explorer.text != old_text, f"{name}={value} kept the text"
            assert f"{c.bottleneck_multiplies:,}" in explorer.text
            assert bytes(explorer.image.value) != old_png or name in ("n_H", "n_W")
            assert_valid_png(explorer.image.value, explorer.figure)


# -- exercises ----------------------------------------------------------------------

ODD_ANSWERS = [None, 0, -1, 1.5, float("nan"), float("inf"), 1j, True, "", "abc", [], [1, 2],
               (), {}, object(), np.array([]), np.array(5), np.zeros((4, 5, 3)),
               lambda: None, lambda *args: None, lambda *args: args, print, len, Exception]
CHECKS = [exercises.check_shrink_multiplies, exercises.check_sum_rule_counterexample,
          exercises.check_bottleneck_multiplies, exercises.check_bottleneck_width]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("answer", ODD_ANSWERS,
                         ids=[f"{k}-{type(a).__name__}" for k, a in enumerate(ODD_ANSWERS)])
def test_checks_never_raise(check, answer, capsys):
    feedback = check(answer)
    assert isinstance(feedback, Feedback)
    assert not feedback
    assert repr(feedback).startswith("✗")


class TestCheckShrinkMultiplies:
    @pytest.mark.parametrize("answer", [51_380_224, 56 * 56 * 64 * 256, np.int64(51_380_224),
                                        51_380_224.0])
    def test_right(self, answer):
        assert_right(exercises.check_shrink_multiplies(answer))

    @pytest.mark.parametrize(("answer", "hint"), [
        (256 * 64, "one pixel"),
        (256 * 64 + 64, "parameters"),
        (56 * 56 * 64, "output values"),
        (56 * 56 * 256, "input values"),
        (56 * 56 * 256 * 256, "filters"),
        (51_380_225, "pixels"),
        (-51_380_224, "pixels"),
        (float("nan"), "pixels"),
    ])
    def test_wrong(self, answer, hint):
        assert_wrong(exercises.check_shrink_multiplies(answer), hint)

    @pytest.mark.parametrize(("answer", "kind"), [(None, "None"), ("51380224", "str"),
                                                  ([51_380_224], "list"), (True, "bool")])
    def test_not_a_number(self, answer, kind):
        assert_wrong(exercises.check_shrink_multiplies(answer), "whole number", kind)


class TestCheckBottleneckMultiplies:
    # Inception (3a)'s 3x3 branch: 28·28·96·192 + 28·28·128·3·3·96
    RIGHT = 14_450_688 + 86_704_128

    @pytest.mark.parametrize("answer", [RIGHT, 101_154_816, np.int64(RIGHT), float(RIGHT)])
    def test_right(self, answer):
        assert_right(exercises.check_bottleneck_multiplies(answer))

    @pytest.mark.parametrize(("answer", "hint"), [
        (173_408_256, "direct"),
        (14_450_688, "1×1 convolution only"),
        (86_704_128, "3×3 convolution only"),
        (14_450_688 + 173_408_256, "3×3×96"),
        (14_450_688 + 28 * 28 * 128 * 96, "3·3·96"),
        (192 * 96 + 96 + 9 * 96 * 128 + 128, "parameters"),
        (RIGHT + 1, "add the 1×1"),
        (0, "add the 1×1"),
    ])
    def test_wrong(self, answer, hint):
        assert_wrong(exercises.check_bottleneck_multiplies(answer), hint)

    def test_not_a_number(self):
        assert_wrong(exercises.check_bottleneck_multiplies("101154816"), "whole number")


class TestCheckBottleneckWidth:
    # 28·28·n_B·(192 + 5·5·32) <= 120,422,400 / 10  <=>  n_B <= 15.48
    @pytest.mark.parametrize("answer", [15, np.int64(15), 15.0])
    def test_right(self, answer):
        message = repr(exercises.check_bottleneck_width(answer))
        assert message.startswith("✓")
        assert "11,665,920" in message and "9.68" in message

    def test_inception_choice_is_just_over(self):
        assert_wrong(exercises.check_bottleneck_width(16), "12,443,648", "more than a tenth")

    @pytest.mark.parametrize("answer", [1, 8, 14])
    def test_too_small(self, answer):
        assert_wrong(exercises.check_bottleneck_width(answer), "largest")

    @pytest.mark.parametrize("answer", [17, 96, 192])
    def test_too_large(self, answer):
        assert_wrong(exercises.check_bottleneck_width(answer), "more than a tenth")

    @pytest.mark.parametrize(("answer", "hint"), [(0, "at least one"), (-3, "at least one"),
                                                  (193, "no bottleneck"), (15.5, "whole"),
                                                  (None, "whole number"), ("15", "str")])
    def test_impossible(self, answer, hint):
        assert_wrong(exercises.check_bottleneck_width(answer), hint)

"""Tests for notebooks 04 (a dense layer at every pixel) and 08 (Network in Network):
ops.global_average_pool, cost.dense_params, viz.conv1x1_as_matmul, the matmul explorer,
the exercise checks check_conv1x1_matmul and check_mlpconv_params, and the numbers the
notebooks state.

Expected values are computed here independently of onebyone: loops, closed forms, and
the numbers of the issue written out by hand.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure

from feedback import assert_right, assert_wrong
from onebyone import controls, cost, data, exercises, ops, viz, widgets
from onebyone.exercises import Feedback

ROOT = Path(__file__).resolve().parent.parent
NB04 = ROOT / "notebooks" / "04_dense_equals_matmul.ipynb"
NB08 = ROOT / "notebooks" / "08_network_in_network.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def gap_loops(x: np.ndarray) -> np.ndarray:
    """Global average pooling of one (n_H, n_W, n_C) volume, one channel at a time."""
    n_H, n_W, n_C = x.shape
    return np.array([math.fsum(float(x[i, j, c]) for i in range(n_H) for j in range(n_W))
                     / (n_H * n_W) for c in range(n_C)])


def conv1x1_by_pixels(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """A 1x1 convolution as a dense layer at every pixel, with exact sums."""
    n_H, n_W, n_C = x.shape
    out = np.empty((n_H, n_W, w.shape[1]))
    for i in range(n_H):
        for j in range(n_W):
            for k in range(w.shape[1]):
                out[i, j, k] = math.fsum(x[i, j, c] * w[c, k] for c in range(n_C))
    return out


def read_only(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a.flags.writeable = False
    return a


BAD_VOLUMES = [
    (None, TypeError, "numpy array"),
    ([[[1.0]]], TypeError, "numpy array"),
    ("volume", TypeError, "numpy array"),
    (np.ones((3, 4)), ValueError, "dimensions"),
    (np.ones(5), ValueError, "dimensions"),
    (np.ones((1, 2, 2, 2, 2)), ValueError, "dimensions"),
    (np.ones((2, 2, 3), dtype=bool), TypeError, "real numbers"),
    (np.ones((2, 2, 3), dtype=complex), TypeError, "real numbers"),
    (np.full((2, 2, 3), "a"), TypeError, "real numbers"),
    (np.ones((0, 2, 3)), ValueError, "empty"),
    (np.ones((2, 2, 0)), ValueError, "empty"),
]


# -- ops.global_average_pool ---------------------------------------------------------

class TestGlobalAveragePool:
    def test_by_hand(self):
        # channel c holds c, c + 4, ..., c + 20: six values whose mean is c + 10
        x = np.arange(24).reshape(2, 3, 4)
        np.testing.assert_array_equal(ops.global_average_pool(x), [10.0, 11.0, 12.0, 13.0])

    def test_one_volume_gives_one_number_per_channel(self):
        x = data.random_volume(5, 7, 6, seed=3)
        result = ops.global_average_pool(x)
        assert result.shape == (6,)
        np.testing.assert_allclose(result, gap_loops(x), rtol=1e-13, atol=1e-15)

    def test_batch_gives_one_row_per_volume(self):
        batch = np.stack([data.random_volume(4, 3, 5, seed=s) for s in range(3)])
        result = ops.global_average_pool(batch)
        assert result.shape == (3, 5)
        for n in range(3):
            np.testing.assert_allclose(result[n], gap_loops(batch[n]), rtol=1e-13, atol=1e-15)

    def test_one_pixel_is_its_fibre(self):
        x = data.random_volume(1, 1, 8, seed=4)
        np.testing.assert_array_equal(ops.global_average_pool(x), x[0, 0])

    @settings(max_examples=50, deadline=None)
    @given(n_H=st.integers(1, 6), n_W=st.integers(1, 6), n_C=st.integers(1, 5),
           seed=st.integers(0, 10_000))
    def test_matches_loops(self, n_H, n_W, n_C, seed):
        x = data.random_volume(n_H, n_W, n_C, seed=seed)
        np.testing.assert_allclose(ops.global_average_pool(x), gap_loops(x),
                                   rtol=1e-12, atol=1e-14)

    @settings(max_examples=50, deadline=None)
    @given(n_H=st.integers(1, 5), n_W=st.integers(1, 5), n_C=st.integers(1, 5),
           n_F=st.integers(1, 5), seed=st.integers(0, 10_000))
    def test_commutes_with_a_1x1_convolution(self, n_H, n_W, n_C, n_F, seed):
        # both are linear and act on different axes: averaging pixels then mixing
        # channels is mixing channels then averaging pixels
        x = data.random_volume(n_H, n_W, n_C, seed=seed)
        w = data.random_filters(n_C, n_F, seed=seed + 1)
        np.testing.assert_allclose(ops.global_average_pool(ops.conv1x1(x, w)),
                                   ops.global_average_pool(x) @ w, rtol=1e-9, atol=1e-12)

    @settings(max_examples=30, deadline=None)
    @given(value=st.floats(-1e6, 1e6), n_H=st.integers(1, 6), n_W=st.integers(1, 6))
    def test_constant_maps_keep_their_value(self, value, n_H, n_W):
        x = np.full((n_H, n_W, 2), value)
        np.testing.assert_allclose(ops.global_average_pool(x), [value, value], rtol=1e-12)

    def test_float32_stays_float32(self):
        x = data.random_volume(3, 3, 2).astype(np.float32)
        assert ops.global_average_pool(x).dtype == np.float32

    def test_integers_give_float64_without_overflow(self):
        x = np.full((16, 16, 2), 255, dtype=np.uint8)  # the sum, 65,280, overflows uint8
        result = ops.global_average_pool(x)
        assert result.dtype == np.float64
        np.testing.assert_array_equal(result, [255.0, 255.0])
        small = np.full((4, 4, 1), 100, dtype=np.int8)  # 1,600 overflows int8
        np.testing.assert_array_equal(ops.global_average_pool(small), [100.0])

    def test_nan_stays_in_its_channel(self):
        x = np.ones((3, 3, 3))
        x[1, 1, 1] = np.nan
        result = ops.global_average_pool(x)
        assert np.isnan(result[1])
        np.testing.assert_array_equal(result[[0, 2]], [1.0, 1.0])

    def test_inf_propagates(self):
        x = np.zeros((2, 2, 2))
        x[0, 0, 0] = np.inf
        result = ops.global_average_pool(x)
        assert result[0] == np.inf and result[1] == 0.0

    def test_read_only_input_is_unchanged(self):
        x = read_only(data.random_volume(3, 4, 2))
        before = x.copy()
        result = ops.global_average_pool(x)
        np.testing.assert_array_equal(x, before)
        result[...] = 0  # the result is the caller's, not a view of x
        np.testing.assert_array_equal(x, before)

    @pytest.mark.parametrize(("x", "error", "words"), BAD_VOLUMES)
    def test_bad_input(self, x, error, words):
        with pytest.raises(error, match=rf"^x .*{words}"):
            ops.global_average_pool(x)


# -- cost.dense_params and the heads of notebook 08 ----------------------------------

class TestDenseParams:
    def test_the_fully_connected_head_of_the_issue(self):
        # the issue: 8×8×192 flattened, fully connected to 10 classes
        assert 8 * 8 * 192 * 10 + 10 == 122_890
        assert cost.dense_params(8 * 8 * 192, 10) == 122_890
        assert cost.dense_params(8 * 8 * 192, 10, bias=False) == 122_880

    def test_the_gap_head_against_the_fc_head(self):
        # NIN's head: the 1x1 layer 192 -> 10 makes the class maps (192·10 + 10 = 1,930),
        # then global average pooling, which has no parameter at all
        assert cost.conv_params(1, 192, 10) == 1_930
        assert cost.dense_params(8 * 8 * 192, 10) // cost.conv_params(1, 192, 10) == 63
        x = data.random_volume(8, 8, 10)
        assert ops.global_average_pool(x).shape == (10,)  # no weights went in

    def test_notebook_04_exercise(self):
        # 4,096 inputs to 4,096 outputs: 4096² weights + 4096 biases
        assert cost.dense_params(64 * 64, 64 * 64) == 16_777_216 + 4_096 == 16_781_312
        assert cost.conv_params(1, 1, 1) == 2

    @settings(max_examples=50, deadline=None)
    @given(n_in=st.integers(1, 5_000), n_out=st.integers(1, 5_000), bias=st.booleans())
    def test_a_1x1_convolution_is_a_dense_layer(self, n_in, n_out, bias):
        assert cost.dense_params(n_in, n_out, bias) == cost.conv_params(1, n_in, n_out, bias)
        assert cost.dense_params(n_in, n_out, bias) == n_in * n_out + (n_out if bias else 0)

    def test_exact_for_large_counts(self):
        n = 10**12
        assert cost.dense_params(n, n) == n * n + n
        assert isinstance(cost.dense_params(np.int64(3), 2), int)

    @pytest.mark.parametrize(("args", "error", "name"), [
        ((0, 10), ValueError, "n_in"), ((-3, 10), ValueError, "n_in"),
        ((10, 0), ValueError, "n_out"), ((2.5, 10), TypeError, "n_in"),
        ((10.0, 10), TypeError, "n_in"), ((None, 10), TypeError, "n_in"),
        ((True, 10), TypeError, "n_in"), (("10", 10), TypeError, "n_in"),
        ((10, None), TypeError, "n_out"), ((10, np.float64(2)), TypeError, "n_out"),
    ])
    def test_bad_counts(self, args, error, name):
        with pytest.raises(error, match=rf"^{name} "):
            cost.dense_params(*args)

    @pytest.mark.parametrize("bias", [1, 0, "yes", None, np.bool_(True)])
    def test_bias_must_be_a_bool(self, bias):
        with pytest.raises(TypeError, match=r"^bias must be True or False"):
            cost.dense_params(3, 2, bias)


# -- viz.conv1x1_as_matmul -----------------------------------------------------------

def meshes(fig: Figure) -> list[tuple[np.ndarray, np.ndarray, QuadMesh]]:
    """Every panel of cells: (values as a 2-D array, cell corners, the mesh)."""
    found = []
    for mesh in fig.axes[0].collections:
        if isinstance(mesh, QuadMesh):
            corners = mesh.get_coordinates()
            shape = (corners.shape[0] - 1, corners.shape[1] - 1)
            found.append((np.asarray(mesh.get_array()).reshape(shape), corners, mesh))
    return found


def find_mesh(fig: Figure, values: np.ndarray) -> tuple[np.ndarray, QuadMesh]:
    matches = [(corners, mesh) for array, corners, mesh in meshes(fig)
               if array.shape == values.shape and np.allclose(array, values)]
    assert len(matches) == 1, f"expected one panel showing {values.shape}, got {len(matches)}"
    return matches[0]


def outlines(fig: Figure) -> list[tuple[float, float, float, float]]:
    """The highlight rectangles as (left, right, top, bottom)."""
    return [(min(line.get_xdata()), max(line.get_xdata()),
             min(line.get_ydata()), max(line.get_ydata())) for line in fig.axes[0].lines]


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


class TestConv1x1AsMatmul:
    n_H, n_W, n_C, n_F = 4, 4, 3, 2

    @pytest.fixture
    def example(self):
        x = data.random_volume(self.n_H, self.n_W, self.n_C, seed=0)
        w = data.random_filters(self.n_C, self.n_F, seed=1)
        return x, w

    def test_one_figure_without_pyplot(self, example):
        before = plt.get_fignums()
        fig = viz.conv1x1_as_matmul(*example, pixel=(1, 2))
        assert isinstance(fig, Figure)
        assert len(fig.axes) == 1
        assert plt.get_fignums() == before
        png = viz.to_png(fig)
        assert png.startswith(PNG_SIGNATURE)

    def test_every_panel_shows_its_numbers(self, example):
        x, w = example
        fig = viz.conv1x1_as_matmul(x, w)
        z = conv1x1_by_pixels(x, w)
        # one card per channel of the volume and of the output, then the three matrices
        assert len(meshes(fig)) == self.n_C + 3 + self.n_F
        for c in range(self.n_C):
            find_mesh(fig, x[:, :, c])
        for k in range(self.n_F):
            find_mesh(fig, z[:, :, k])
        rows = np.array([x[i, j] for i in range(self.n_H) for j in range(self.n_W)])
        find_mesh(fig, rows)  # the pixels as rows, in order (0, 0), (0, 1), ...
        find_mesh(fig, w)
        find_mesh(fig, np.array([z[i, j] for i in range(self.n_H) for j in range(self.n_W)]))

    def test_panels_go_left_to_right(self, example):
        x, w = example
        fig = viz.conv1x1_as_matmul(x, w)
        z = conv1x1_by_pixels(x, w)
        lefts = [find_mesh(fig, panel)[0][..., 0].min()
                 for panel in (x[:, :, 0], x.reshape(-1, self.n_C), w,
                               z.reshape(-1, self.n_F), z[:, :, 0])]
        assert lefts == sorted(lefts)

    def test_reshapes_keep_the_colour_scale(self, example):
        x, w = example
        fig = viz.conv1x1_as_matmul(x, w)
        z = conv1x1_by_pixels(x, w)
        _, matrix = find_mesh(fig, x.reshape(-1, self.n_C))
        _, card = find_mesh(fig, x[:, :, 1])
        assert (matrix.norm.vmin, matrix.norm.vmax) == (card.norm.vmin, card.norm.vmax)
        assert matrix.norm.vmin == pytest.approx(x.min())
        assert matrix.norm.vmax == pytest.approx(x.max())
        _, product = find_mesh(fig, z.reshape(-1, self.n_F))
        _, output = find_mesh(fig, z[:, :, 0])
        assert (product.norm.vmin, product.norm.vmax) == (output.norm.vmin, output.norm.vmax)
        assert product.norm.vmax == pytest.approx(z.max())

    def test_the_pixel_is_followed_to_its_row(self, example):
        x, w = example
        i, j = 1, 2
        row = i * self.n_W + j  # 6
        fig = viz.conv1x1_as_matmul(x, w, pixel=(i, j))
        z = conv1x1_by_pixels(x, w)
        boxes = outlines(fig)
        for matrix in (x.reshape(-1, self.n_C), z.reshape(-1, self.n_F)):
            corners, _ = find_mesh(fig, matrix)
            left, right = corners[..., 0].min(), corners[..., 0].max()
            top = corners[..., 1].min()
            assert (left, right, top + row, top + row + 1) in boxes
        for card in (x[:, :, 0], z[:, :, 0]):  # the front cards: the pixel's cell
            corners, _ = find_mesh(fig, card)
            left, top = corners[..., 0].min(), corners[..., 1].min()
            assert (left + j, left + j + 1, top + i, top + i + 1) in boxes
        # one outline per card of each volume, plus one per matrix
        assert len(boxes) == self.n_C + self.n_F + 2
        assert "pixel (1, 2) → row 1·4 + 2 = 6" in " ".join(texts(fig))

    def test_without_a_pixel_nothing_is_outlined(self, example):
        fig = viz.conv1x1_as_matmul(*example)
        assert outlines(fig) == []
        assert not any("pixel (" in t for t in texts(fig))

    def test_captions_give_the_shapes(self, example):
        words = " ".join(texts(viz.conv1x1_as_matmul(*example)))
        for shape in ("4×4×3", "16×3", "3×2", "16×2", "4×4×2"):
            assert shape in words
        for operator in ("@", "=", "reshape"):
            assert operator in words
        assert "" not in texts(viz.conv1x1_as_matmul(*example))

    @pytest.mark.parametrize(("n_H", "n_W", "n_C", "n_F"),
                             [(1, 1, 1, 1), (1, 6, 2, 5), (8, 8, 12, 12), (2, 32, 1, 1)])
    def test_sizes_within_the_limits(self, n_H, n_W, n_C, n_F):
        x = data.random_volume(n_H, n_W, n_C)
        w = data.random_filters(n_C, n_F)
        fig = viz.conv1x1_as_matmul(x, w, pixel=(n_H - 1, n_W - 1))
        width, height = fig.get_size_inches()
        assert 2 < width < 16 and 1 < height < 7
        assert len(meshes(fig)) == n_C + n_F + 3

    def test_nan_and_inf_are_drawn(self):
        x = data.random_volume(3, 3, 2)
        x[0, 0, 0], x[1, 1, 1] = np.nan, np.inf
        fig = viz.conv1x1_as_matmul(x, data.random_filters(2, 2), pixel=(0, 0))
        assert viz.to_png(fig).startswith(PNG_SIGNATURE)

    def test_integer_inputs(self):
        x = np.arange(12).reshape(2, 2, 3)
        w = np.array([[1, 0], [0, 1], [1, 1]])
        fig = viz.conv1x1_as_matmul(x, w)
        find_mesh(fig, np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]))
        find_mesh(fig, np.array([[2, 3], [8, 9], [14, 15], [20, 21]]))  # by hand

    def test_read_only_inputs_are_unchanged(self, example):
        x, w = read_only(example[0]), read_only(example[1])
        before = (x.copy(), w.copy())
        viz.conv1x1_as_matmul(x, w, pixel=(0, 0))
        np.testing.assert_array_equal(x, before[0])
        np.testing.assert_array_equal(w, before[1])

    @pytest.mark.parametrize(("x", "error", "words"), BAD_VOLUMES)
    def test_bad_x(self, x, error, words):
        with pytest.raises(error, match=rf"^x .*{words}"):
            viz.conv1x1_as_matmul(x, np.ones((3, 2)))

    def test_a_batch_is_refused(self):
        with pytest.raises(ValueError, match=r"^x must have 3 dimensions"):
            viz.conv1x1_as_matmul(np.ones((2, 3, 3, 3)), np.ones((3, 2)))

    @pytest.mark.parametrize(("w", "error", "words"), [
        (None, TypeError, "numpy array"), ([[1.0]], TypeError, "numpy array"),
        (np.ones(3), ValueError, "dimensions"), (np.ones((1, 1, 3, 2)), ValueError, "dimensions"),
        (np.ones((3, 2), dtype=bool), TypeError, "real numbers"),
        (np.ones((3, 0)), ValueError, "empty"),
        (np.ones((4, 2)), ValueError, "4 input channels but x has 3"),
        (np.ones((2, 3)), ValueError, "2 input channels but x has 3"),
    ])
    def test_bad_w(self, w, error, words):
        with pytest.raises(error, match=rf"^w .*{words}"):
            viz.conv1x1_as_matmul(np.ones((2, 2, 3)), w)

    @pytest.mark.parametrize(("x_shape", "w_shape"), [((8, 9, 1), (1, 1)), ((65, 1, 1), (1, 1)),
                                                      ((2, 2, 13), (13, 1)), ((2, 2, 1), (1, 13))])
    def test_too_large_for_a_figure(self, x_shape, w_shape):
        with pytest.raises(ValueError, match="small examples"):
            viz.conv1x1_as_matmul(np.ones(x_shape), np.ones(w_shape))

    @pytest.mark.parametrize(("pixel", "error", "words"), [
        ([1, 1], TypeError, r"^pixel must be a tuple"),
        ((1,), TypeError, r"^pixel must be a tuple"),
        ((1, 1, 1), TypeError, r"^pixel must be a tuple"),
        ("11", TypeError, r"^pixel must be a tuple"),
        ((2, 0), ValueError, r"^pixel\[0\] must be < 2"),
        ((0, 3), ValueError, r"^pixel\[1\] must be < 3"),
        ((-1, 0), ValueError, r"^pixel\[0\] must be >= 0"),
        ((0, 1.0), TypeError, r"^pixel\[1\] must be an integer"),
        ((None, 0), TypeError, r"^pixel\[0\] must be an integer"),
        ((True, 0), TypeError, r"^pixel\[0\] must be an integer"),
    ])
    def test_bad_pixel(self, pixel, error, words):
        with pytest.raises(error, match=words):
            viz.conv1x1_as_matmul(np.ones((2, 3, 2)), np.ones((2, 2)), pixel=pixel)

    def test_numpy_integers_are_a_pixel(self):
        fig = viz.conv1x1_as_matmul(np.ones((2, 3, 2)), np.ones((2, 2)),
                                    pixel=(np.int64(1), np.int32(2)))
        assert "row 1·3 + 2 = 5" in " ".join(texts(fig))


# -- the 04 explorer -----------------------------------------------------------------

class TestMatmulResult:
    @pytest.mark.parametrize(("n_H", "n_W", "n_C", "n_F"),
                             [(4, 4, 3, 2), (1, 1, 1, 1), (6, 6, 8, 8), (2, 5, 1, 7)])
    def test_volume_filters_output_and_pixel(self, n_H, n_W, n_C, n_F):
        r = widgets.matmul_result(n_H, n_W, n_C, n_F)
        assert r.x.shape == (n_H, n_W, n_C)
        assert r.w.shape == (n_C, n_F)
        np.testing.assert_allclose(r.output, conv1x1_by_pixels(r.x, r.w), atol=1e-12)
        assert r.pixel == (n_H // 2, n_W // 2)
        assert r.row == (n_H // 2) * n_W + n_W // 2
        np.testing.assert_array_equal(r.x.reshape(-1, n_C)[r.row], r.x[r.pixel])

    def test_deterministic(self):
        a, b = widgets.matmul_result(3, 3, 2, 2), widgets.matmul_result(3, 3, 2, 2)
        np.testing.assert_array_equal(a.x, b.x)
        np.testing.assert_array_equal(a.w, b.w)

    @pytest.mark.parametrize(("args", "error", "name"), [
        ((0, 4, 3, 2), ValueError, "n_H"), ((4, 0, 3, 2), ValueError, "n_W"),
        ((4, 4, 0, 2), ValueError, "n_C"), ((4, 4, 3, 0), ValueError, "n_F"),
        ((4.0, 4, 3, 2), TypeError, "n_H"), ((4, 4, None, 2), TypeError, "n_C"),
    ])
    def test_bad_input(self, args, error, name):
        with pytest.raises(error, match=rf"^{name} "):
            widgets.matmul_result(*args)


class TestMatmulExplorer:
    @pytest.fixture
    def explorer(self):
        return widgets.matmul_explorer()

    def test_is_a_vbox_of_int_sliders_text_and_image(self, explorer):
        assert isinstance(explorer, ipywidgets.VBox)
        assert list(explorer.controls) == ["n_H", "n_W", "n_C", "n_F"]
        for control in explorer.controls.values():
            assert isinstance(control, controls.IntSlider)
            assert control.continuous_update is False
            assert control.min == 1
        assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)

    def test_first_drawing_matches_the_notebook_example(self, explorer):
        assert explorer.result.x.shape == (4, 4, 3)
        assert explorer.result.w.shape == (3, 2)
        assert "4·4 = 16 pixels × 3 channels" in explorer.text
        assert "4×4×2" in explorer.text
        find_mesh(explorer.figure, explorer.result.x.reshape(-1, 3))

    @pytest.mark.parametrize("name", ["n_H", "n_W", "n_C", "n_F"])
    def test_every_slider_redraws_at_its_min_and_max(self, explorer, name):
        control = explorer.controls[name]
        for value in (control.min, control.max, control.min):
            old_figure, old_png = explorer.figure, bytes(explorer.image.value)
            old_text = explorer.text
            control.value = value
            sizes = {k: c.value for k, c in explorer.controls.items()}
            r = explorer.result
            assert r.x.shape == (sizes["n_H"], sizes["n_W"], sizes["n_C"])
            assert r.output.shape == (sizes["n_H"], sizes["n_W"], sizes["n_F"])
            np.testing.assert_allclose(r.output, conv1x1_by_pixels(r.x, r.w), atol=1e-12)
            assert explorer.figure is not old_figure
            assert bytes(explorer.image.value) != old_png
            assert explorer.text != old_text
            assert bytes(explorer.image.value) == viz.to_png(explorer.figure)
            # the figure follows the result's pixel down to its row
            rows = r.x.shape[0] * r.x.shape[1]
            assert f"= {r.row} of both matrices" in " ".join(texts(explorer.figure))
            assert f"{rows}×{sizes['n_C']}" in " ".join(texts(explorer.figure))

    def test_all_sliders_at_their_max(self, explorer):
        for control in explorer.controls.values():
            control.value = control.max
        r = explorer.result
        assert r.x.shape == (6, 6, 8) and r.w.shape == (8, 8)
        assert len(meshes(explorer.figure)) == 8 + 8 + 3


# -- exercises -----------------------------------------------------------------------



def matmul_answer(x, w):
    n_H, n_W, n_C = x.shape
    return (x.reshape(n_H * n_W, n_C) @ w).reshape(n_H, n_W, w.shape[1])


class TestCheckConv1x1Matmul:
    @pytest.mark.parametrize("func", [
        matmul_answer,
        conv1x1_by_pixels,
        lambda x, w: np.einsum("hwc,cf->hwf", x, w),
        lambda x, w: np.tensordot(x, w, axes=(2, 0)),
        lambda x, w: x @ w,  # matmul broadcasts over the pixels: also right
        lambda x, w: (x.reshape(-1, x.shape[-1]) @ w).reshape(*x.shape[:2], -1).astype(np.float32),
    ])
    def test_right(self, func):
        assert_right(exercises.check_conv1x1_matmul(func))

    def test_right_and_prints(self, capsys):
        def noisy(x, w):
            print("shapes", x.shape, w.shape)
            return matmul_answer(x, w)

        assert_right(exercises.check_conv1x1_matmul(noisy))

    def test_stub_of_the_notebook(self):
        def conv1x1_matmul(x, w):
            ...

        assert_wrong(exercises.check_conv1x1_matmul(conv1x1_matmul), "None", "return")

    def test_not_reshaped_back(self):
        message = assert_wrong(exercises.check_conv1x1_matmul(
            lambda x, w: x.reshape(-1, x.shape[-1]) @ w), "reshape it back")
        assert "(20, 2)" in message and "(4, 5, 2)" in message

    def test_transposed_weights_fail_with_the_shapes(self):
        message = assert_wrong(exercises.check_conv1x1_matmul(
            lambda x, w: (x.reshape(-1, x.shape[-1]) @ w.T).reshape(*x.shape[:2], -1)),
            "ValueError", "shapes must chain")
        assert "(20, 3) @ (3, 2)" in message

    def test_transposed_square_weights(self):
        # transposing only where the shapes allow it: the values give it away
        def transposed_when_square(x, w):
            w = w.T if w.shape[0] == w.shape[1] else w
            return matmul_answer(x, w)

        assert_wrong(exercises.check_conv1x1_matmul(transposed_when_square), "transposed")

    def test_channels_first_reshape(self):
        def mixed(x, w):
            n_H, n_W, n_C = x.shape
            return (x.reshape(n_C, -1).T @ w).reshape(n_H, n_W, w.shape[1])

        assert_wrong(exercises.check_conv1x1_matmul(mixed), "x.reshape(n_C, -1)",
                     "x.reshape(-1, n_C)")

    def test_right_numbers_wrong_places(self):
        def transposed_back(x, w):
            n_H, n_W, n_C = x.shape
            return (x.reshape(-1, n_C) @ w).T.reshape(n_H, n_W, w.shape[1])

        assert_wrong(exercises.check_conv1x1_matmul(transposed_back), "wrong places")

    def test_height_and_width_swapped(self):
        message = assert_wrong(exercises.check_conv1x1_matmul(
            lambda x, w: np.swapaxes(matmul_answer(x, w), 0, 1)), "shape")
        assert "(5, 4, 2)" in message

    def test_channels_first_output(self):
        assert_wrong(exercises.check_conv1x1_matmul(
            lambda x, w: np.moveaxis(matmul_answer(x, w), -1, 0)), "shape")

    def test_relu_added(self):
        assert_wrong(exercises.check_conv1x1_matmul(
            lambda x, w: np.maximum(matmul_answer(x, w), 0)), "ReLU")

    def test_wrong_values(self):
        message = assert_wrong(exercises.check_conv1x1_matmul(
            lambda x, w: 2 * matmul_answer(x, w)), "index")
        assert "(4, 5, 3)" in message  # which case failed

    @pytest.mark.parametrize(("answer", "kind"), [(None, "None"), ([1, 2], "list"),
                                                  ("x @ w", "str"), (np.ones(3), "array")])
    def test_not_a_function(self, answer, kind):
        assert_wrong(exercises.check_conv1x1_matmul(answer), "function", kind)

    def test_returns_a_list(self):
        assert_wrong(exercises.check_conv1x1_matmul(lambda x, w: matmul_answer(x, w).tolist()),
                     "numpy array", "list")

    def test_raises(self):
        def broken(x, w):
            raise NotImplementedError("write your code here")

        assert_wrong(exercises.check_conv1x1_matmul(broken), "NotImplementedError",
                     "write your code here")

    def test_modifies_its_input(self):
        def in_place(x, w):
            x[...] = 0
            return matmul_answer(x, w)

        assert_wrong(exercises.check_conv1x1_matmul(in_place), "in place")

    def test_wrong_signature(self):
        assert_wrong(exercises.check_conv1x1_matmul(lambda x, w, b: matmul_answer(x, w)),
                     "TypeError")

    def test_nan(self):
        assert_wrong(exercises.check_conv1x1_matmul(
            lambda x, w: np.full((*x.shape[:2], w.shape[1]), np.nan)), "nan")

    @pytest.mark.parametrize("dtype", [bool, complex])
    def test_not_real_numbers(self, dtype):
        assert_wrong(exercises.check_conv1x1_matmul(
            lambda x, w: matmul_answer(x, w).astype(dtype)), "real numbers")


class TestCheckMlpconvParams:
    # the block: 96 channels in, a 5×5 convolution with 192 filters, then 1×1 layers of 192
    FIRST = 5 * 5 * 96 * 192 + 192  # 460,992
    ONE_BY_ONE = 192 * 192 + 192  # 37,056
    RIGHT = (FIRST + ONE_BY_ONE, FIRST + 2 * ONE_BY_ONE)

    def test_numbers_by_hand(self):
        assert self.RIGHT == (498_048, 535_104)
        assert exercises.MLPCONV_EXERCISE == {"n_C": 96, "f": 5, "n_F": 192}

    @pytest.mark.parametrize("answer", [(498_048, 535_104), [498_048, 535_104],
                                        (np.int64(498_048), np.int64(535_104)),
                                        (498_048.0, 535_104.0)])
    def test_right(self, answer):
        feedback = exercises.check_mlpconv_params(answer)
        assert_right(feedback)
        assert "37,056" in feedback.message

    def test_the_notebook_solution(self):
        first = cost.conv_params(5, 96, 192)
        one_by_one = cost.conv_params(1, 192, 192)
        assert_right(exercises.check_mlpconv_params((first + one_by_one, first + 2 * one_by_one)))

    def test_stub_of_the_notebook(self):
        assert_wrong(exercises.check_mlpconv_params((None, None)), "whole number", "None")

    def test_swapped(self):
        assert_wrong(exercises.check_mlpconv_params(self.RIGHT[::-1]), "swapped")

    def test_weights_only(self):
        weights = 5 * 5 * 96 * 192 + 192 * 192
        assert_wrong(exercises.check_mlpconv_params((weights, weights + 192 * 192)), "bias")

    def test_only_the_1x1_layers(self):
        assert_wrong(exercises.check_mlpconv_params((self.ONE_BY_ONE, 2 * self.ONE_BY_ONE)),
                     "5×5")

    def test_1x1_layers_counted_as_5x5(self):
        as_5x5 = 5 * 5 * 192 * 192 + 192
        assert_wrong(exercises.check_mlpconv_params((self.FIRST + as_5x5,
                                                     self.FIRST + 2 * as_5x5)), "1·1·192")

    def test_input_channels_forgotten(self):
        first = 5 * 5 * 192 * 192 + 192
        assert_wrong(exercises.check_mlpconv_params((first + self.ONE_BY_ONE,
                                                     first + 2 * self.ONE_BY_ONE)), "96")

    def test_second_number_wrong(self):
        assert_wrong(exercises.check_mlpconv_params((self.RIGHT[0], self.RIGHT[0])),
                     "first number is right")

    @pytest.mark.parametrize("answer", [(0, 0), (1, 2), (498_048.5, 535_104),
                                        (float("nan"), 535_104), (-498_048, -535_104)])
    def test_other_numbers(self, answer):
        assert_wrong(exercises.check_mlpconv_params(answer), "not it")

    @pytest.mark.parametrize(("answer", "words"), [
        (None, "two numbers"), (498_048, "two numbers"), ((498_048,), "two numbers"),
        ((1, 2, 3), "two numbers"), ({"one": 1, "two": 2}, "two numbers"),
        (np.array([498_048, 535_104]), "two numbers"),
        (("498048", "535104"), "whole number"), ((True, False), "whole number"),
        ((498_048, None), "whole number"),
    ])
    def test_not_two_numbers(self, answer, words):
        assert_wrong(exercises.check_mlpconv_params(answer), words)


ODD_ANSWERS = [None, 0, 1.5, float("nan"), 1j, True, "", "abc", [], [1, 2], (), (1,),
               (None, None), {}, object(), np.array([]), np.zeros((4, 5, 3)),
               lambda: None, lambda *args: None, lambda *args: args, print, len, Exception,
               lambda x, w: x, lambda x, w: w]


@pytest.mark.parametrize("check", [exercises.check_conv1x1_matmul,
                                   exercises.check_mlpconv_params], ids=lambda c: c.__name__)
@pytest.mark.parametrize("answer", ODD_ANSWERS,
                         ids=[f"{k}-{type(a).__name__}" for k, a in enumerate(ODD_ANSWERS)])
def test_checks_never_raise(check, answer):
    feedback = check(answer)
    assert isinstance(feedback, Feedback)
    assert repr(feedback)[0] in "✓✗"
    assert "\n" not in repr(feedback)


# -- the notebooks say what the issue says ---------------------------------------------

def notebook(path: Path) -> tuple[str, str, str]:
    """(markdown, code, stored text outputs) of a notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    outputs = []
    for cell in cells:
        for output in cell.get("outputs", []):
            outputs.append("".join(output.get("text", "")))
            outputs.append("".join(output.get("data", {}).get("text/plain", "")))
    return markdown, code, "\n".join(outputs)


class TestNotebooks:
    def test_08_cites_the_papers_results(self):
        markdown, _, _ = notebook(NB08)
        table = {"| CIFAR-10 | 10.41% |", "| CIFAR-10, with data augmentation | 8.81% |",
                 "| CIFAR-100 | 35.68% |", "| SVHN | 2.35% |", "| MNIST | 0.47% |"}
        for row in table:
            assert row in markdown
        assert "arXiv:1312.4400" in markdown

    def test_08_computes_the_head_counts(self):
        _, code, outputs = notebook(NB08)
        assert "cost.dense_params(n_H * n_W * n_C, n_classes)" in code
        assert "flatten + fully connected: 122,890 parameters" in outputs
        assert "global average pooling:    0 parameters" in outputs
        assert "1,930" in outputs

    def test_08_forward_pass_uses_the_package(self):
        _, code, outputs = notebook(NB08)
        for name in ("ops.conv2d", "ops.conv1x1", "ops.relu", "ops.pool2d",
                     "ops.global_average_pool", "photo(max_size="):
            assert name in code
        assert "all 16 values agree: True" in outputs
        assert "mean of each class map: True" in outputs

    def test_04_checks_four_ways_and_prints_no_raw_difference(self):
        _, code, outputs = notebook(NB04)
        for way in ("loop of dense layers", "reshape + matmul", "conv2d with f = 1"):
            assert f"conv1x1 == {way}: True" in outputs
        assert "largest difference below 1e-12: True" in outputs
        assert "equal: False" in outputs  # (0.1 + 0.2) + 0.3 != 0.1 + (0.2 + 0.3)
        assert "timing.format_time(" in code and "timing.format_ratio(" in code

    def test_04_pytorch_is_optional(self):
        _, code, outputs = notebook(NB04)
        assert "except ImportError" in code
        assert outputs.count("PyTorch cross-check: ") == 1
        assert "torch" not in (ROOT / "requirements.txt").read_text(encoding="utf-8")

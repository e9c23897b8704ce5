"""Tests for notebooks 05 (colour as a 1x1 convolution) and 06 (nonlinearity and learning).

The package's backward passes, colour data, plots, colour mixer and exercise checks, and
the claims the two notebooks make: grayscale within one grey level of Pillow, the
learned grey weights, two linear layers merging into one, the XNOR colours
(data.xnor_colours) beyond any single 1x1 convolution (at most 75%) and within reach of
an mlpconv; and what the two notebooks print and say about them. Expected values
come from the issue (0.299, 0.587, 0.114; <= 1 grey level; <= 75%), from naive loops
written here, or from central differences.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import ipywidgets
import matplotlib.image
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from matplotlib.figure import Figure
from PIL import Image

from feedback import assert_right, assert_wrong
from gradients import central_difference
from onebyone import controls, data, exercises, ops, viz, widgets
from onebyone.exercises import Feedback
from test_dense_and_nin import notebook
from test_notebooks import volume_diagrams

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NB05 = NOTEBOOKS / "05_colour_as_1x1.ipynb"
NB06 = NOTEBOOKS / "06_nonlinearity_and_learning.ipynb"

FAST = settings(max_examples=50, deadline=None)
BT601 = (0.299, 0.587, 0.114)  # the numbers, ITU-R BT.601
FINITE = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False, width=64)


def read_only(array: np.ndarray) -> np.ndarray:
    array = np.array(array)
    array.flags.writeable = False
    return array


def volumes(ndim: int, n_C: int) -> st.SearchStrategy:
    """Small float64 volumes of ``ndim`` dimensions with ``n_C`` channels."""
    sizes = st.tuples(*[st.integers(1, 3)] * (ndim - 1))
    return sizes.flatmap(lambda s: hnp.arrays(np.float64, (*s, n_C), elements=FINITE))


def naive_conv1x1(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """out[..., f] = sum_c x[..., c] w[c, f] + b[f], one pixel at a time."""
    pixels = x.reshape(-1, x.shape[-1])
    out = np.zeros((pixels.shape[0], w.shape[1]))
    for p in range(pixels.shape[0]):
        for f in range(w.shape[1]):
            out[p, f] = sum(pixels[p, c] * w[c, f] for c in range(w.shape[0]))
            out[p, f] += 0.0 if b is None else b[f]
    return out.reshape(*x.shape[:-1], w.shape[1])


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * z))


# -- ops.conv1x1_backward -------------------------------------------------------------

class TestConv1x1Backward:
    def test_against_loops(self):
        rng = np.random.default_rng(0)
        x, w, dz = rng.normal(size=(3, 4, 5)), rng.normal(size=(5, 2)), rng.normal(size=(3, 4, 2))
        dx, dw, db = ops.conv1x1_backward(x, w, dz)
        for c in range(5):
            for f in range(2):
                total = sum(x[i, j, c] * dz[i, j, f] for i in range(3) for j in range(4))
                assert dw[c, f] == pytest.approx(total, abs=1e-12)
        for f in range(2):
            assert db[f] == pytest.approx(dz[:, :, f].sum(), abs=1e-12)
        for i in range(3):
            for j in range(4):
                for c in range(5):
                    expected = sum(dz[i, j, f] * w[c, f] for f in range(2))
                    assert dx[i, j, c] == pytest.approx(expected, abs=1e-12)

    def test_named_fields(self):
        grads = ops.conv1x1_backward(np.ones((2, 2, 3)), np.ones((3, 4)), np.ones((2, 2, 4)))
        assert grads.dx.shape == (2, 2, 3)
        assert grads.dw.shape == (3, 4)
        assert grads.db.shape == (4,)
        np.testing.assert_array_equal(grads.dw, np.full((3, 4), 4.0))  # 4 pixels of 1·1
        np.testing.assert_array_equal(grads.db, np.full(4, 4.0))
        np.testing.assert_array_equal(grads.dx, np.full((2, 2, 3), 4.0))  # 4 filters

    @FAST
    @given(data=st.data(), ndim=st.sampled_from([3, 4]), n_C=st.integers(1, 3),
           n_F=st.integers(1, 3), four_d_w=st.booleans())
    def test_central_differences(self, data, ndim, n_C, n_F, four_d_w):
        x = data.draw(volumes(ndim, n_C))
        w = data.draw(hnp.arrays(np.float64, (n_C, n_F), elements=FINITE))
        b = data.draw(hnp.arrays(np.float64, (n_F,), elements=FINITE))
        upstream = data.draw(hnp.arrays(np.float64, (*x.shape[:-1], n_F), elements=FINITE))
        w_given = w.reshape(1, 1, n_C, n_F) if four_d_w else w

        def loss(x_, w_, b_):  # L = sum(upstream * z): then dL/dz = upstream
            return float(np.sum(upstream * naive_conv1x1(x_, w_.reshape(n_C, n_F), b_)))

        dx, dw, db = ops.conv1x1_backward(x, w_given, upstream)
        assert dw.shape == w_given.shape
        np.testing.assert_allclose(dx, central_difference(lambda a: loss(a, w, b), x),
                                   atol=1e-6)
        np.testing.assert_allclose(dw, central_difference(lambda a: loss(x, a, b), w_given),
                                   atol=1e-6)
        np.testing.assert_allclose(db, central_difference(lambda a: loss(x, w, a), b),
                                   atol=1e-6)

    def test_mean_squared_error_gradient(self):
        x, w = data.random_volume(4, 5, 3, seed=3), data.random_filters(3, 2, seed=4)
        b, y = np.array([0.2, -0.1]), data.random_volume(4, 5, 2, seed=5)

        def mse(w_):
            return float(np.mean((naive_conv1x1(x, w_, b) - y) ** 2))

        z = naive_conv1x1(x, w, b)
        dw = ops.conv1x1_backward(x, w, 2 * (z - y) / z.size).dw
        np.testing.assert_allclose(dw, central_difference(mse, w), atol=1e-7)

    def test_dtypes(self):
        x32, w32 = np.ones((2, 2, 3), np.float32), np.ones((3, 2), np.float32)
        dz32 = np.ones((2, 2, 2), np.float32)
        assert all(g.dtype == np.float32 for g in ops.conv1x1_backward(x32, w32, dz32))
        grads = ops.conv1x1_backward(np.ones((2, 2, 3), np.uint8), w32, dz32)
        assert all(g.dtype == np.float64 for g in grads)
        grads = ops.conv1x1_backward(np.full((2, 2, 3), 200, np.uint8),
                                     np.full((3, 2), 200, np.uint8), np.full((2, 2, 2), 200))
        assert grads.dw[0, 0] == 4 * 200 * 200  # no uint8 overflow

    def test_nan_propagates(self):
        x = np.ones((2, 2, 3))
        x[0, 0, 1] = np.nan
        dx, dw, db = ops.conv1x1_backward(x, np.ones((3, 2)), np.ones((2, 2, 2)))
        assert np.isnan(dw[1]).all() and np.isfinite(dw[[0, 2]]).all()
        assert np.isfinite(dx).all() and np.isfinite(db).all()

    def test_read_only_inputs_unchanged(self):
        rng = np.random.default_rng(1)
        x, w, dz = (read_only(rng.normal(size=s)) for s in ((2, 3, 4), (4, 2), (2, 3, 2)))
        before = [a.copy() for a in (x, w, dz)]
        ops.conv1x1_backward(x, w, dz)
        for a, old in zip((x, w, dz), before, strict=True):
            np.testing.assert_array_equal(a, old)

    @pytest.mark.parametrize(("x", "w", "dz", "error", "name"), [
        (None, np.ones((3, 2)), np.ones((2, 2, 2)), TypeError, "x"),
        ([[[1.0, 2.0, 3.0]]], np.ones((3, 2)), np.ones((1, 1, 2)), TypeError, "x"),
        (np.ones((2, 3)), np.ones((3, 2)), np.ones((2, 2)), ValueError, "x"),
        (np.ones((2, 2, 3), bool), np.ones((3, 2)), np.ones((2, 2, 2)), TypeError, "x"),
        (np.ones((2, 2, 3), complex), np.ones((3, 2)), np.ones((2, 2, 2)), TypeError, "x"),
        (np.ones((0, 2, 3)), np.ones((3, 2)), np.ones((0, 2, 2)), ValueError, "x"),
        (np.ones((2, 2, 3)), None, np.ones((2, 2, 2)), TypeError, "w"),
        (np.ones((2, 2, 3)), np.ones((4, 2)), np.ones((2, 2, 2)), ValueError, "w"),
        (np.ones((2, 2, 3)), np.ones((3, 3, 3, 2)), np.ones((2, 2, 2)), ValueError, "w"),
        (np.ones((2, 2, 3)), np.ones((3, 2)), None, TypeError, "dz"),
        (np.ones((2, 2, 3)), np.ones((3, 2)), np.ones((2, 2, 3)), ValueError, "dz"),
        (np.ones((2, 2, 3)), np.ones((3, 2)), np.ones((2, 2)), ValueError, "dz"),
        (np.ones((2, 2, 3)), np.ones((3, 2)), np.ones((1, 2, 2, 2)), ValueError, "dz"),
        (np.ones((2, 2, 3)), np.ones((3, 2)), np.ones((2, 2, 2), bool), TypeError, "dz"),
    ])
    def test_bad_input(self, x, w, dz, error, name):
        with pytest.raises(error, match=rf"^{name} "):
            ops.conv1x1_backward(x, w, dz)

    def test_dz_message_names_the_expected_shape(self):
        with pytest.raises(ValueError, match=r"\(2, 2, 2\)"):
            ops.conv1x1_backward(np.ones((2, 2, 3)), np.ones((3, 2)), np.ones((2, 2, 5)))


# -- ops.relu_backward ----------------------------------------------------------------

class TestReluBackward:
    def test_values(self):
        z = np.array([-2.0, -0.0, 0.0, 1e-12, 3.0, np.inf, -np.inf])
        da = np.array([5.0, 5.0, 5.0, 5.0, -7.0, 2.0, 2.0])
        np.testing.assert_array_equal(ops.relu_backward(z, da),
                                      [0.0, 0.0, 0.0, 5.0, -7.0, 2.0, 0.0])

    def test_nan_in_z_gives_nan(self):
        dz = ops.relu_backward(np.array([np.nan, 1.0, -1.0]), np.ones(3))
        assert np.isnan(dz[0])
        np.testing.assert_array_equal(dz[1:], [1.0, 0.0])

    def test_nan_in_da_passes_only_where_z_is_positive(self):
        dz = ops.relu_backward(np.array([1.0, -1.0]), np.array([np.nan, np.nan]))
        assert np.isnan(dz[0]) and dz[1] == 0.0

    @FAST
    @given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=4),
                      elements=st.one_of(st.floats(-3.0, -0.01), st.floats(0.01, 3.0))),
           st.data())
    def test_central_differences(self, z, data):
        da = data.draw(hnp.arrays(np.float64, z.shape, elements=FINITE))

        def loss(z_):  # L = sum(da * relu(z)): then dL/da = da
            return float(np.sum(da * np.maximum(z_, 0.0)))

        np.testing.assert_allclose(ops.relu_backward(z, da),
                                   central_difference(loss, z, eps=1e-4), atol=1e-8)

    def test_mlpconv_gradients_by_central_differences(self):
        """1x1 -> ReLU -> 1x1 with a mean squared error, the way notebook 06 chains them."""
        x = data.random_volume(3, 4, 3, seed=11)
        w1, b1 = data.random_filters(3, 5, seed=12), np.linspace(-0.3, 0.3, 5)
        w2, b2 = data.random_filters(5, 2, seed=13), np.array([0.1, -0.2])
        y = data.random_volume(3, 4, 2, seed=14)

        def loss(w1_, b1_, w2_, b2_):
            hidden = np.maximum(naive_conv1x1(x, w1_, b1_), 0.0)
            return float(np.mean((naive_conv1x1(hidden, w2_, b2_) - y) ** 2))

        z1 = ops.conv1x1(x, w1, b1)
        a1 = ops.relu(z1)
        z2 = ops.conv1x1(a1, w2, b2)
        da1, dw2, db2 = ops.conv1x1_backward(a1, w2, 2 * (z2 - y) / z2.size)
        _, dw1, db1 = ops.conv1x1_backward(x, w1, ops.relu_backward(z1, da1))
        for grad, numeric in [
            (dw1, central_difference(lambda a: loss(a, b1, w2, b2), w1)),
            (db1, central_difference(lambda a: loss(w1, a, w2, b2), b1)),
            (dw2, central_difference(lambda a: loss(w1, b1, a, b2), w2)),
            (db2, central_difference(lambda a: loss(w1, b1, w2, a), b2)),
        ]:
            np.testing.assert_allclose(grad, numeric, atol=1e-7)

    def test_dtypes_and_shapes(self):
        z32 = np.ones((2, 3), np.float32)
        assert ops.relu_backward(z32, z32).dtype == np.float32
        assert ops.relu_backward(np.ones((2, 3), np.int64), z32).dtype == np.float64
        zero_d = ops.relu_backward(np.array(2.0), np.array(3.0))
        assert isinstance(zero_d, np.ndarray) and zero_d.shape == () and zero_d == 3.0

    def test_read_only_inputs_unchanged(self):
        z, da = read_only([-1.0, 2.0, 0.5]), read_only([3.0, 4.0, 5.0])
        np.testing.assert_array_equal(ops.relu_backward(z, da), [0.0, 4.0, 5.0])
        np.testing.assert_array_equal(z, [-1.0, 2.0, 0.5])
        np.testing.assert_array_equal(da, [3.0, 4.0, 5.0])

    @pytest.mark.parametrize(("z", "da", "error", "name"), [
        (None, np.ones(3), TypeError, "z"),
        ([1.0, 2.0], np.ones(2), TypeError, "z"),
        (np.ones(3, bool), np.ones(3), TypeError, "z"),
        (np.ones(3, complex), np.ones(3), TypeError, "z"),
        (np.ones(0), np.ones(0), ValueError, "z"),
        (np.ones(3), None, TypeError, "da"),
        (np.ones(3), np.array(["a", "b", "c"]), TypeError, "da"),
        (np.ones(3), np.ones(4), ValueError, "da"),
        (np.ones((2, 3)), np.ones((3, 2)), ValueError, "da"),
    ])
    def test_bad_input(self, z, da, error, name):
        with pytest.raises(error, match=rf"^{name} "):
            ops.relu_backward(z, da)


# -- data: colours --------------------------------------------------------------------

class TestColourData:
    def test_grayscale_weights_are_bt601(self):
        np.testing.assert_array_equal(data.GRAYSCALE_WEIGHTS, BT601)
        assert data.GRAYSCALE_WEIGHTS.sum() == pytest.approx(1.0)  # white stays white
        assert not data.GRAYSCALE_WEIGHTS.flags.writeable

    def test_two_colours(self):
        assert data.TWO_COLOURS.shape == (2, 3)
        assert not data.TWO_COLOURS.flags.writeable
        red, blue = data.TWO_COLOURS
        assert red.argmax() == 0 and blue.argmax() == 2
        # they look alike in grey, as notebook 05 says: less than one grey level of 255
        # apart (BT.601), though in colour their red and blue differ by more than half
        greys = [sum(c * g for c, g in zip(colour, BT601, strict=True)) for colour in (red, blue)]
        assert abs(greys[0] - greys[1]) < 1 / 255
        assert red[0] - blue[0] > 0.5 and blue[2] - red[2] > 0.5


class TestXnorColours:
    """data.xnor_colours: class 1 when red and blue are both low or both high (XNOR)."""

    def test_shapes_ranges_and_rule(self):
        image, labels = data.xnor_colours(20, 30, seed=4)
        assert image.shape == (20, 30, 3) and image.dtype == np.float64
        assert labels.shape == (20, 30) and labels.dtype == np.intp
        red, green, blue = np.moveaxis(image, -1, 0)
        assert ((green >= 0) & (green <= 1)).all()
        for channel in (red, blue):
            assert ((channel >= 0) & (channel <= 1)).all()
            assert (np.abs(channel - 0.5) >= data.XNOR_GAP).all()
        for i in range(20):
            for j in range(30):
                same_side = (red[i, j] > 0.5) == (blue[i, j] > 0.5)
                assert labels[i, j] == (1 if same_side else 0)

    def test_all_four_corners_and_both_classes(self):
        image, labels = data.xnor_colours(32, 32, seed=0)
        corners = {(bool(r > 0.5), bool(b > 0.5)) for r, b in image.reshape(-1, 3)[:, [0, 2]]}
        assert corners == {(False, False), (False, True), (True, False), (True, True)}
        assert 0.4 < labels.mean() < 0.6
        # green plays no part: it has the same spread in both classes
        green = image[:, :, 1]
        assert abs(green[labels == 1].mean() - green[labels == 0].mean()) < 0.1

    def test_deterministic(self):
        a, la = data.xnor_colours(8, 9, seed=3)
        b, lb = data.xnor_colours(8, 9, seed=3)
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(la, lb)
        c, _ = data.xnor_colours(8, 9, seed=4)
        assert not np.array_equal(a, c)

    @pytest.mark.parametrize(("args", "error", "name"), [
        ((0, 4), ValueError, "n_H"), ((4, -1), ValueError, "n_W"), ((2.0, 4), TypeError, "n_H"),
        ((None, 4), TypeError, "n_H"), ((4, True), TypeError, "n_W"),
        ((4, 4, -1), ValueError, "seed"), ((4, 4, 0.5), TypeError, "seed"),
    ])
    def test_bad_input(self, args, error, name):
        with pytest.raises(error, match=rf"^{name} "):
            data.xnor_colours(*args)

    def test_too_large(self):
        with pytest.raises(ValueError, match="at most"):
            data.xnor_colours(100_000, 100_000)


# -- the claims of notebook 05 --------------------------------------------------------

class TestGrayscaleClaims:
    def test_conv1x1_within_one_grey_level_of_pillow(self):
        photo = data.photo()
        gray = ops.conv1x1(photo, np.array(BT601).reshape(3, 1))[:, :, 0]
        pillow = np.asarray(Image.fromarray(photo).convert("L")).astype(np.float64)
        assert np.abs(np.rint(gray) - pillow).max() <= 1  # the issue: <= 1 grey level
        # Pillow rounds to the nearest level with integer weights: within half a level
        assert np.abs(gray - pillow).max() <= 0.5 + 0.01

    def test_within_one_grey_level_on_random_colours(self):
        rng = np.random.default_rng(5)
        image = rng.integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
        gray = ops.conv1x1(image, data.GRAYSCALE_WEIGHTS.reshape(3, 1))[:, :, 0]
        pillow = np.asarray(Image.fromarray(image).convert("L"))
        assert np.abs(np.rint(gray) - pillow).max() <= 1

    def test_pixels_that_differ_from_pillow_sit_exactly_on_a_half(self):
        """Notebook 05: where rint(ours) and Pillow differ, ours is exactly on .5 and
        Pillow's unrounded sum just below; np.rint rounds those halves up (odd whole part)."""
        photo = data.photo().astype(np.int64)
        thousandths = photo @ np.array([299, 587, 114])  # ours, exactly, in 1/1000
        pillow_sum = photo @ np.array([19595, 38470, 7471])  # Pillow's, exactly, in 1/65536
        pillow = np.asarray(Image.fromarray(photo.astype(np.uint8)).convert("L"))
        np.testing.assert_array_equal((pillow_sum + 32768) >> 16, pillow)
        gray = ops.conv1x1(photo, np.array(BT601).reshape(3, 1))[:, :, 0]
        # the float sum's last digit depends on the CPU's kernel (with or without FMA,
        # 195.5 or 195.49999999999997); rounded to 6 decimals it is exact everywhere
        gray_exact = gray.round(6)
        np.testing.assert_array_equal(np.rint(gray_exact * 1000), thousandths)
        differ = np.rint(gray_exact) != pillow
        on_half = thousandths % 1000 == 500
        assert differ.sum() == 4 and on_half.sum() == 4
        np.testing.assert_array_equal(differ, on_half)
        below = pillow_sum[on_half] * 1000 < thousandths[on_half] * 65536
        close = thousandths[on_half] * 65536 - pillow_sum[on_half] * 1000 < 0.001 * 65536 * 1000
        assert below.all() and close.all()
        assert (thousandths[on_half] // 1000 % 2 == 1).all()  # odd: half to even goes up
        # Pillow's red and blue weights are a hair below BT.601's, its green a hair above
        assert 19595 / 65536 < 0.299 and 7471 / 65536 < 0.114 and 38470 / 65536 > 0.587

    def test_permutation_matrix_swaps_red_and_blue(self):
        photo = data.photo(max_size=40)
        swap = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]])
        np.testing.assert_array_equal(ops.conv1x1(photo, swap), photo[:, :, ::-1])
        np.testing.assert_array_equal(swap @ swap, np.eye(3))


# -- the claims of notebook 06 --------------------------------------------------------

def train_single(x: np.ndarray, y: np.ndarray, steps: int = 1000, lr: float = 1.0):
    """A 1x1 convolution 3 -> 1 with a sigmoid and cross-entropy, as in notebook 06."""
    w, b = np.zeros((3, 1)), np.zeros(1)
    for _ in range(steps):
        z = ops.conv1x1(x, w, b)
        _, dw, db = ops.conv1x1_backward(x, w, (sigmoid(z) - y) / y.size)
        w, b = w - lr * dw, b - lr * db
    return w, b


def train_mlpconv(x: np.ndarray, y: np.ndarray, steps: int = 1000, lr: float = 1.0):
    """1x1 (3 -> 8), ReLU, 1x1 (8 -> 1), seeded as in notebook 06."""
    rng = np.random.default_rng(0)
    w1, b1 = rng.normal(0.0, 1.0, size=(3, 8)), np.zeros(8)
    w2, b2 = rng.normal(0.0, 1 / np.sqrt(8), size=(8, 1)), np.zeros(1)
    for _ in range(steps):
        z1 = ops.conv1x1(x, w1, b1)
        a1 = ops.relu(z1)
        z2 = ops.conv1x1(a1, w2, b2)
        da1, dw2, db2 = ops.conv1x1_backward(a1, w2, (sigmoid(z2) - y) / y.size)
        _, dw1, db1 = ops.conv1x1_backward(x, w1, ops.relu_backward(z1, da1))
        w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
    return w1, b1, w2, b2


def grey_pairs() -> tuple[np.ndarray, np.ndarray]:
    """Notebook 06's training pairs: the small photo's pixels as rows, and Pillow's grey."""
    photo = data.photo(max_size=64)
    grey = np.asarray(Image.fromarray(photo).convert("L")) / 255.0
    return photo.reshape(-1, 3) / 255.0, grey.ravel()


def least_squares_floor() -> float:
    """The lowest mean squared error of any 1x1 convolution 3 -> 1 with a bias."""
    pixels, grey = grey_pairs()
    rows = np.column_stack([pixels, np.ones(len(pixels))])
    best = np.linalg.lstsq(rows, grey, rcond=None)[0]
    return float(np.mean((rows @ best - grey) ** 2))


def bt601_loss() -> float:
    pixels, grey = grey_pairs()
    return float(np.mean((pixels @ np.array(BT601) - grey) ** 2))


def accuracy(z: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean((z[:, :, 0] >= 0) == labels))


class TestLearningClaims:
    def test_stacked_linear_convs_merge(self):
        x = data.random_volume(4, 4, 3, seed=0)
        w1, b1 = data.random_filters(3, 5, seed=1), np.linspace(-0.5, 0.5, 5)
        w2, b2 = data.random_filters(5, 2, seed=2), np.array([0.1, -0.1])
        stacked = naive_conv1x1(naive_conv1x1(x, w1, b1), w2, b2)
        np.testing.assert_allclose(ops.conv1x1(x, w1 @ w2, b1 @ w2 + b2), stacked, atol=1e-12)

    @FAST
    @given(st.data(), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))
    def test_stacked_linear_convs_merge_any_sizes(self, data_, n_C, n_1, n_F):
        x = data_.draw(volumes(4, n_C))
        w1 = data_.draw(hnp.arrays(np.float64, (n_C, n_1), elements=FINITE))
        b1 = data_.draw(hnp.arrays(np.float64, (n_1,), elements=FINITE))
        w2 = data_.draw(hnp.arrays(np.float64, (n_1, n_F), elements=FINITE))
        b2 = data_.draw(hnp.arrays(np.float64, (n_F,), elements=FINITE))
        stacked = ops.conv1x1(ops.conv1x1(x, w1, b1), w2, b2)
        np.testing.assert_allclose(ops.conv1x1(x, w1 @ w2, b1 @ w2 + b2), stacked, atol=1e-9)

    def test_relu_stack_fails_the_midpoint_test(self):
        x = data.random_volume(4, 4, 3, seed=0)
        w1, b1 = data.random_filters(3, 5, seed=1), np.linspace(-0.5, 0.5, 5)
        w2, b2 = data.random_filters(5, 2, seed=2), np.array([0.1, -0.1])

        def f(v):
            return ops.conv1x1(ops.relu(ops.conv1x1(v, w1, b1)), w2, b2)

        p = x[:1, :1]
        assert not np.allclose(f(p) + f(-p), 2 * f(np.zeros_like(p)), atol=0.05)
        # ... which every single 1x1 convolution passes
        w, b = w1 @ w2, b1 @ w2 + b2
        np.testing.assert_allclose(ops.conv1x1(p, w, b) + ops.conv1x1(-p, w, b),
                                   2 * ops.conv1x1(np.zeros_like(p), w, b), atol=1e-12)

    def test_gradient_descent_recovers_the_grey_weights(self):
        photo = data.photo(max_size=64)
        x = photo / 255.0
        y = np.asarray(Image.fromarray(photo).convert("L"))[:, :, np.newaxis] / 255.0
        w, b = np.random.default_rng(0).normal(0.0, 0.1, size=(3, 1)), np.zeros(1)
        losses = []
        for _ in range(4000):
            z = ops.conv1x1(x, w, b)
            losses.append(float(np.mean((z - y) ** 2)))
            _, dw, db = ops.conv1x1_backward(x, w, 2 * (z - y) / z.size)
            w, b = w - 0.6 * dw, b - 0.6 * db
        np.testing.assert_allclose(w.ravel(), BT601, atol=0.005)
        assert abs(b[0]) < 0.005
        assert losses[-1] < 1e-4 * losses[0]
        # Pillow's rounding puts a floor under the loss: gradient descent ends above the
        # least-squares optimum and below the loss of the exact BT.601 weights
        assert least_squares_floor() <= losses[-1] <= bt601_loss()

    def test_mlpconv_learns_the_xnor_colours_and_one_conv_cannot(self):
        x, labels = data.xnor_colours(32, 32, seed=0)
        test_x, test_labels = data.xnor_colours(32, 32, seed=1)
        y = labels[:, :, np.newaxis].astype(float)
        w, b = train_single(x, y)
        assert accuracy(ops.conv1x1(x, w, b), labels) <= 0.75
        assert accuracy(ops.conv1x1(test_x, w, b), test_labels) <= 0.75
        w1, b1, w2, b2 = train_mlpconv(x, y)

        def mlpconv(v):
            return ops.conv1x1(ops.relu(ops.conv1x1(v, w1, b1)), w2, b2)

        assert accuracy(mlpconv(x), labels) >= 0.95
        assert accuracy(mlpconv(test_x), test_labels) >= 0.95

    @FAST
    @given(st.tuples(FINITE, FINITE, FINITE), FINITE,
           st.tuples(*[st.floats(0.0, 1.0)] * 3))
    def test_no_plane_classifies_all_four_mirrored_colours(self, w, b, colour):
        """The bound of notebook 06: of (r, g, b), (1-r, g, b), (r, g, 1-b), (1-r, g, 1-b),
        whose classes are 1, 0, 0, 1, a threshold on one 1x1 convolution gets <= 3 right."""
        r, g, bl = colour
        assume(min(abs(r - 0.5), abs(bl - 0.5)) > 1e-6)  # on 0.5, a colour is its own mirror
        four = np.array([[r, g, bl], [1 - r, g, bl], [r, g, 1 - bl], [1 - r, g, 1 - bl]])
        classes = np.array([(c[0] > 0.5) == (c[2] > 0.5) for c in four], dtype=int)
        assert sorted(classes) == [0, 0, 1, 1]
        predicted = (four @ np.array(w) + b >= 0).astype(int)
        assert (predicted == classes).sum() <= 3

    def test_no_plane_beats_75_percent_on_a_large_sample(self):
        x, labels = data.xnor_colours(128, 128, seed=2)
        pixels = x.reshape(-1, 3)
        rng = np.random.default_rng(0)
        planes = rng.normal(size=(3, 2000))
        offsets = -np.einsum("ck,kc->k", planes, rng.uniform(0, 1, size=(2000, 3)))
        predicted = (pixels @ planes + offsets) >= 0  # every plane through a random colour
        accuracies = np.mean(predicted == labels.reshape(-1, 1), axis=0)
        best = max(accuracies.max(), (1 - accuracies).max())  # either side may be class 1
        assert 0.6 < best <= 0.75
        w, b = train_single(x, labels[:, :, np.newaxis].astype(float))
        assert accuracy(ops.conv1x1(x, w, b), labels) <= 0.75


# -- what notebooks 05 and 06 print and say --------------------------------------------

def printed(outputs: str, label: str) -> float:
    """The number printed after ``label`` in a notebook's stored outputs."""
    found = re.findall(rf"{re.escape(label)}\s*([-+0-9.e]+)", outputs)
    assert len(found) == 1, f"{label!r} should be printed once, found {found}"
    return float(found[0])


class TestNotebookText:
    def test_05_explains_the_pixels_that_differ_from_pillow(self):
        markdown, _, outputs = notebook(NB05)
        assert "a hair smaller" not in markdown  # true of red and blue, not of green
        assert "Pillow's weights / 65536: [0.298996 0.587006 0.113998]" in outputs
        assert "Pillow's output is (sum + 32768) >> 16: True" in outputs
        for line in ("pixel (175, 221), RGB [57 11  0]: ours 23.5 → 24, Pillow's 23.499832 → 23",
                     "pixel (504, 360), RGB [255 243 251]: ours 247.5 → 248, "
                     "Pillow's 247.499939 → 247"):
            assert line in outputs
        assert "exactly on .5: 4, of which differ from Pillow: 4" in outputs
        assert "[23.5, 24.5, 195.5, 196.5] → [ 24.  24. 196. 196.]" in outputs
        assert "half to even" in markdown and "sits exactly on .5" in markdown

    def test_06_the_final_loss_is_above_its_floor_and_says_so(self):
        markdown, code, outputs = notebook(NB06)
        final = printed(outputs, "final loss")
        optimum = printed(outputs, "least-squares optimum: loss")
        bt601 = printed(outputs, "exact BT.601 weights:  loss")
        assert optimum <= final <= bt601
        assert optimum == pytest.approx(least_squares_floor(), rel=1e-4)
        assert bt601 == pytest.approx(bt601_loss(), rel=1e-4)
        assert "np.linalg.lstsq" in code
        above = re.search(r"([0-9.]+%) above the optimum", outputs)[1]
        assert f"{above} above the least-squares optimum" in markdown  # the prose says it
        assert "(1/255)²/12" not in markdown

    def test_06_calls_both_low_or_both_high_xnor(self):
        markdown, code, _ = notebook(NB06)
        assert "**both low or both high**, 0 otherwise: an **XNOR**" in markdown
        for text in (markdown, code):
            assert "XOR colours" not in text and "an XOR of" not in text
        assert markdown.count("XNOR colours") == 1 and "XNOR colours" in code  # summary, quiz

    @pytest.mark.notebook("05_colour_as_1x1")
    def test_05_draws_the_photo_as_a_volume_and_leaves_the_matrix_product_to_04(self):
        drawn, namespace = volume_diagrams(NB05)
        n_H, n_W, n_C = namespace["photo"].shape
        assert [d.shapes for d in drawn] == [
            [(n_H, n_W, n_C), (1, 1, n_C, 1), (n_H, n_W, 1)],  # grey: one filter 1×1×3
            [(n_H, n_W, n_C), (1, 1, n_C, 3), (n_H, n_W, 3)],  # the 3 → 3 mixer (BGR)
        ]
        assert (n_H, n_W, n_C) == (600, 512, 3)
        assert all(d.operators == ["∗", "="] for d in drawn)
        markdown, code, _ = notebook(NB05)
        # the reshape-and-multiply view is taught in 04: 05 computes with conv1x1
        assert "reshape(" not in code and "ops.conv1x1(photo, w_gray)" in code
        assert "[04](04_dense_equals_matmul.ipynb)" in markdown

    @pytest.mark.notebook("06_nonlinearity_and_learning")
    def test_06_draws_the_stack_its_merged_layer_and_the_mlpconv_it_trains(self):
        drawn, namespace = volume_diagrams(NB06)
        stack, merged, mlpconv = (d.shapes for d in drawn)
        assert stack == [(4, 4, 3), (1, 1, 3, 5), (4, 4, 5), (1, 1, 5, 2), (4, 4, 2)]
        assert merged == [(4, 4, 3), (1, 1, 3, 2), (4, 4, 2)]
        # the block drawn is the block trained: its filter banks are w1's and w2's
        w1, w2 = namespace["w1"], namespace["w2"]
        assert mlpconv == [namespace["colours"].shape, (1, 1, *w1.shape), (32, 32, w1.shape[1]),
                           (1, 1, *w2.shape), (32, 32, 1)]
        assert w1.shape == (3, 8) and w2.shape == (8, 1)
        assert "ReLU" in drawn[2].operators[1] and "ReLU" not in "".join(drawn[0].operators)
        assert drawn[2].pixel is not None  # one pixel's fibre: a network at every pixel
        markdown, _, _ = notebook(NB06)
        assert "as in [04](04_dense_equals_matmul.ipynb)" in markdown  # X @ w + b


# -- viz ------------------------------------------------------------------------------

class TestShowImages:
    def test_rgb_and_grey_panels(self):
        photo = data.photo(max_size=40)
        fig = viz.show_images(photo, photo[:, :, 0], titles=["photo", "red"])
        assert isinstance(fig, Figure)
        assert len(fig.axes) == 2
        rgb, grey = (ax.images[0] for ax in fig.axes)
        np.testing.assert_allclose(rgb.get_array(), photo / 255.0)
        np.testing.assert_allclose(grey.get_array(), photo[:, :, 0] / 255.0)
        assert grey.get_cmap().name == "gray"
        assert grey.get_clim() == (0.0, 1.0)
        assert [ax.get_title() for ax in fig.axes] == ["photo", "red"]
        assert fig.dpi == viz.DPI

    def test_floats_are_clipped_and_nan_is_black(self):
        image = np.array([[[-0.5, 0.5, 2.0], [np.nan, np.inf, -np.inf]]])
        shown = viz.show_images(image).axes[0].images[0].get_array()
        assert not np.ma.is_masked(shown)  # matplotlib would mask NaN and inf itself
        np.testing.assert_array_equal(np.ma.getdata(shown), [[[0.0, 0.5, 1.0], [0.0, 1.0, 0.0]]])

    def test_grey_is_clipped_too(self):
        shown = viz.show_images(np.array([[-1.0, 0.25, 2.0, np.nan]])).axes[0].images[0]
        np.testing.assert_array_equal(np.ma.getdata(shown.get_array()), [[0.0, 0.25, 1.0, 0.0]])

    def test_other_integers_read_as_zero_to_one(self):
        labels = np.array([[0, 1], [1, 0]])
        shown = viz.show_images(labels).axes[0].images[0].get_array()
        np.testing.assert_array_equal(shown, labels)

    def test_renders(self):
        png = viz.to_png(viz.show_images(np.zeros((5, 7, 3)), titles=["black"]))
        pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
        assert pixels.ndim == 3

    def test_input_not_modified(self):
        image = read_only(np.full((3, 4, 3), 2.0))
        viz.show_images(image)
        np.testing.assert_array_equal(image, 2.0)

    @pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
        ((), {}, TypeError, "at least one image"),
        ((None,), {}, TypeError, r"^images\[0\] "),
        (([[0.0, 1.0]],), {}, TypeError, r"^images\[0\] "),
        ((np.zeros(4),), {}, ValueError, r"^images\[0\] "),
        ((np.zeros((2, 2, 4)),), {}, ValueError, r"^images\[0\] .*3 colour channels"),
        ((np.zeros((2, 2)), np.zeros((2, 2, 3), bool)), {}, TypeError, r"^images\[1\] "),
        ((np.zeros((2, 2), complex),), {}, TypeError, r"^images\[0\] "),
        ((np.zeros((0, 2)),), {}, ValueError, r"^images\[0\] "),
        ((np.zeros((2, 2)),), {"titles": ["a", "b"]}, ValueError, "^titles "),
        ((np.zeros((2, 2)),), {"titles": "a"}, ValueError, "^titles "),
    ])
    def test_bad_input(self, args, kwargs, error, match):
        with pytest.raises(error, match=match):
            viz.show_images(*args, **kwargs)


class TestLossCurve:
    def test_one_run_on_a_log_scale(self):
        losses = np.array([1.0, 0.1, 0.01])
        fig = viz.loss_curve(losses, title="loss")
        ax = fig.axes[0]
        np.testing.assert_array_equal(ax.lines[0].get_ydata(), losses)
        np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 1, 2])
        assert ax.get_yscale() == "log"
        assert ax.get_title() == "loss"
        assert ax.get_legend() is None

    def test_several_runs_with_labels(self):
        fig = viz.loss_curve(np.ones(5), np.linspace(1, 0.5, 3), labels=["a", "b"])
        ax = fig.axes[0]
        assert len(ax.lines) == 2
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]

    def test_zero_or_negative_losses_stay_linear(self):
        assert viz.loss_curve(np.array([1.0, 0.0])).axes[0].get_yscale() == "linear"

    def test_nan_and_inf_are_left_out(self):
        line = viz.loss_curve(np.array([1.0, np.nan, 0.5, np.inf])).axes[0].lines[0]
        np.testing.assert_array_equal(line.get_xdata(), [0, 2])
        np.testing.assert_array_equal(line.get_ydata(), [1.0, 0.5])
        viz.to_png(viz.loss_curve(np.array([np.nan, np.nan])))  # draws, without a warning

    @pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
        ((), {}, TypeError, "at least one"),
        (([1.0, 0.5],), {}, TypeError, r"^losses\[0\] "),
        ((np.ones((2, 2)),), {}, ValueError, r"^losses\[0\] "),
        ((np.ones(2), None), {}, TypeError, r"^losses\[1\] "),
        ((np.ones(2),), {"labels": ["a", "b"]}, ValueError, "^labels "),
        ((np.ones(2),), {"title": 3}, TypeError, "^title "),
    ])
    def test_bad_input(self, args, kwargs, error, match):
        with pytest.raises(error, match=match):
            viz.loss_curve(*args, **kwargs)


class TestDecisionMaps:
    def test_maps_points_and_boundary(self):
        axis = np.linspace(0, 1, 11)
        red, blue = np.meshgrid(axis, axis)
        maps = [red, ((red > 0.5) == (blue > 0.5)).astype(float)]
        points, labels = np.array([[0.1, 0.2], [0.9, 0.1]]), np.array([1, 0])
        fig = viz.decision_maps(*maps, titles=["a", "b"], points=points, labels=labels)
        panels = [ax for ax in fig.axes if ax.images and ax.get_title()]
        assert [ax.get_title() for ax in panels] == ["a", "b"]
        for ax, grid in zip(panels, maps, strict=True):
            np.testing.assert_array_equal(ax.images[0].get_array(), grid)
            assert ax.images[0].origin == "lower"
            assert ax.images[0].get_extent() == [0, 1, 0, 1]
            offsets = np.concatenate([c.get_offsets() for c in ax.collections
                                      if len(c.get_offsets()) and c.get_offsets().shape[1] == 2
                                      and not hasattr(c, "levels")])
            assert {tuple(p) for p in offsets} >= {(0.1, 0.2), (0.9, 0.1)}
        viz.to_png(fig)

    def test_without_points_and_without_boundary(self):
        fig = viz.decision_maps(np.full((5, 5), 0.2))
        assert len([ax for ax in fig.axes if ax.images]) >= 1
        assert not fig.legends, "nothing to name: no markers, no line"
        viz.to_png(fig)

    def test_a_legend_names_the_markers_and_the_line(self):
        axis = np.linspace(0, 1, 11)
        red, _ = np.meshgrid(axis, axis)
        points, labels = np.array([[0.1, 0.2], [0.9, 0.1]]), np.array([1, 0])
        (legend,) = viz.decision_maps(red, points=points, labels=labels).legends
        assert [t.get_text() for t in legend.get_texts()] == [
            "a training pixel of class 1", "a training pixel of class 0",
            "probability ½: the boundary"]
        circle, triangle, line = legend.legend_handles
        assert (circle.get_marker(), triangle.get_marker()) == ("o", "v")
        assert line.get_color() == "white"  # as the boundary is drawn
        (legend,) = viz.decision_maps(np.full((5, 5), 0.2), points=points,
                                      labels=labels).legends
        assert len(legend.get_texts()) == 2, "no boundary drawn, none named"

    def test_a_map_near_one_half_everywhere_says_why_it_is_all_grey(self):
        axis = np.linspace(0, 1, 11)
        red, _ = np.meshgrid(axis, axis)
        undecided = 0.45 + 0.08 * red  # 0.45 to 0.53
        fig = viz.decision_maps(undecided, red, titles=["flat", "steep"])
        flat, steep = (ax for ax in fig.axes if ax.images and ax.get_title())
        (note,) = flat.texts
        assert "grey all over" in note.get_text()
        assert "between 0.45 and 0.53" in note.get_text()
        assert not steep.texts
        assert "flat, values from 0.45 to 0.53, near 1/2 everywhere" in fig.alt
        assert not viz.decision_maps(0.5 + 0.2 * red).axes[0].texts  # 0.5 to 0.7: coloured

    def test_nan_map_draws(self):
        viz.to_png(viz.decision_maps(np.full((4, 4), np.nan)))

    @pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
        ((), {}, TypeError, "at least one"),
        ((None,), {}, TypeError, r"^maps\[0\] "),
        ((np.ones((3, 4)),), {}, ValueError, r"^maps\[0\] .*square"),
        ((np.ones((1, 1)),), {}, ValueError, r"^maps\[0\] "),
        ((np.ones((3, 3, 1)),), {}, ValueError, r"^maps\[0\] "),
        ((np.ones((3, 3)),), {"titles": ["a", "b"]}, ValueError, "^titles "),
        ((np.ones((3, 3)),), {"points": np.ones((2, 2))}, TypeError, "points and labels"),
        ((np.ones((3, 3)),), {"points": np.ones((2, 3)), "labels": np.ones(2)}, ValueError,
         "^points "),
        ((np.ones((3, 3)),), {"points": np.ones((2, 2)), "labels": np.ones(3)}, ValueError,
         "^labels "),
        ((np.ones((3, 3)),), {"points": np.ones((2, 2)), "labels": np.array([0, 2])},
         ValueError, "^labels "),
        ((np.ones((3, 3)),), {"points": [[0, 0]], "labels": np.array([0])}, TypeError,
         "^points "),
    ])
    def test_bad_input(self, args, kwargs, error, match):
        with pytest.raises(error, match=match):
            viz.decision_maps(*args, **kwargs)


# -- widgets: the colour mixer --------------------------------------------------------

IDENTITY = {"r_to_r": 1.0, "g_to_r": 0.0, "b_to_r": 0.0, "r_to_g": 0.0, "g_to_g": 1.0,
            "b_to_g": 0.0, "r_to_b": 0.0, "g_to_b": 0.0, "b_to_b": 1.0}


def mix_by_loops(image01: np.ndarray, weights: dict[str, float]) -> np.ndarray:
    """Each output colour as the weighted sum of the input colours, pixel by pixel."""
    out = np.zeros(image01.shape)
    for i in range(image01.shape[0]):
        for j in range(image01.shape[1]):
            for k, c_out in enumerate("rgb"):
                out[i, j, k] = sum(weights[f"{c_in}_to_{c_out}"] * image01[i, j, c]
                                   for c, c_in in enumerate("rgb"))
    return out


class TestColourMixResult:
    def test_identity_changes_nothing(self):
        photo = data.photo(max_size=20)
        r = widgets.colour_mix_result(photo, **IDENTITY)
        np.testing.assert_allclose(r.mixed, photo / 255.0)
        np.testing.assert_array_equal(r.w, np.eye(3))
        assert r.clipped == 0.0

    def test_random_weights_against_loops(self):
        rng = np.random.default_rng(7)
        image = rng.uniform(size=(4, 5, 3))
        weights = dict(zip(IDENTITY, rng.uniform(-1, 1, size=9).round(2), strict=True))
        r = widgets.colour_mix_result(image, **weights)
        expected = mix_by_loops(image, weights)
        np.testing.assert_allclose(r.mixed, expected, atol=1e-12)
        assert r.clipped == pytest.approx(np.mean((expected < 0) | (expected > 1)))
        assert r.w[1, 0] == weights["g_to_r"] and r.w[0, 2] == weights["r_to_b"]

    def test_gray_and_swap(self):
        photo = data.photo(max_size=20)
        gray = dict.fromkeys(IDENTITY, 0.0)
        for c_out in "rgb":
            for c_in, weight in zip("rgb", BT601, strict=True):
                gray[f"{c_in}_to_{c_out}"] = weight
        mixed = widgets.colour_mix_result(photo, **gray).mixed
        np.testing.assert_allclose(mixed[:, :, 0], mixed[:, :, 2])
        np.testing.assert_allclose(mixed[:, :, 0], (photo / 255.0) @ np.array(BT601))
        swap = dict.fromkeys(IDENTITY, 0.0) | {"b_to_r": 1.0, "g_to_g": 1.0, "r_to_b": 1.0}
        np.testing.assert_allclose(widgets.colour_mix_result(photo, **swap).mixed,
                                   photo[:, :, ::-1] / 255.0)

    def test_input_not_modified(self):
        image = read_only(np.full((2, 2, 3), 0.5))
        widgets.colour_mix_result(image, **(IDENTITY | {"r_to_r": -1.0}))
        np.testing.assert_array_equal(image, 0.5)

    def test_nan_counts_as_neither(self):
        image = np.full((1, 2, 3), 0.5)
        image[0, 0, 0] = np.nan
        r = widgets.colour_mix_result(image, **IDENTITY)
        assert np.isnan(r.mixed[0, 0, 0]) and r.clipped == 0.0

    @pytest.mark.parametrize(("image", "weights", "error", "name"), [
        (None, {}, TypeError, "image"),
        ([[[0.0, 0.0, 0.0]]], {}, TypeError, "image"),
        (np.zeros((2, 2)), {}, ValueError, "image"),
        (np.zeros((2, 2, 4)), {}, ValueError, "image"),
        (np.zeros((2, 2, 3), bool), {}, TypeError, "image"),
        (np.zeros((2, 2, 3)), {"g_to_r": None}, TypeError, "g_to_r"),
        (np.zeros((2, 2, 3)), {"b_to_b": "1"}, TypeError, "b_to_b"),
        (np.zeros((2, 2, 3)), {"r_to_g": True}, TypeError, "r_to_g"),
    ])
    def test_bad_input(self, image, weights, error, name):
        with pytest.raises(error, match=rf"^{name} "):
            widgets.colour_mix_result(image, **(IDENTITY | weights))

    def test_all_nine_weights_are_required(self):
        partial = {k: v for k, v in IDENTITY.items() if k != "b_to_g"}
        with pytest.raises(TypeError, match="b_to_g"):
            widgets.colour_mix_result(np.zeros((2, 2, 3)), **partial)


@pytest.fixture(scope="module")
def mixer():
    return widgets.colour_mixer_explorer()


class TestColourMixerExplorer:
    def test_nine_sliders_starting_at_the_identity(self, mixer):
        assert isinstance(mixer, ipywidgets.VBox)
        assert set(mixer.controls) == set(IDENTITY)
        for name, control in mixer.controls.items():
            assert isinstance(control, controls.FloatSlider)
            assert control.value == IDENTITY[name]
            assert (control.min, control.max) == (-1.0, 1.0)
            assert control.description == name.replace("_to_", " → ").upper()
        assert max(mixer.result.image.shape[:2]) == 160
        assert isinstance(mixer.figure, Figure)

    def test_every_slider_at_its_extremes(self, mixer):
        for name, control in mixer.controls.items():
            for value in (control.min, control.max, IDENTITY[name]):
                if control.value == value:
                    continue  # the identity's 1s are the maximum: no move, no redraw
                old_figure, old_png = mixer.figure, bytes(mixer.image.value)
                old_text = mixer.text
                control.value = value
                assert mixer.figure is not old_figure, f"{name}={value} did not redraw"
                weights = {n: c.value for n, c in mixer.controls.items()}
                np.testing.assert_allclose(mixer.result.mixed,
                                           ops.conv1x1(mixer.result.image, mixer.result.w))
                assert mixer.result.w[("rgb".index(name[0]), "rgb".index(name[-1]))] == value
                assert mixer.result.w.sum() == pytest.approx(sum(weights.values()))
                assert mixer.text != old_text, f"{name}={value}: same text"
                assert bytes(mixer.image.value) != old_png, f"{name}={value}: same picture"
                assert bytes(mixer.image.value) == viz.to_png(mixer.figure)

    def test_text_shows_the_formula_and_the_clipping(self, mixer):
        mixer.controls["b_to_r"].value = 0.5
        assert "out R = 1.00·R + 0.00·G + 0.50·B" in mixer.text
        assert f"{100 * mixer.result.clipped:.1f}%" in mixer.text
        assert mixer.result.clipped > 0
        mixer.controls["b_to_r"].value = 0.0
        assert "0.0% of the output values" in mixer.text


# -- exercises ------------------------------------------------------------------------



class TestCheckColourSeparator:
    @pytest.mark.parametrize("w", [
        np.array([[1.0, -1.0], [0.0, 0.0], [-1.0, 1.0]]),
        np.array([[1, -1], [0, 0], [-1, 1]]),                      # integers
        np.array([[2.0, -1.0], [-1.0, -1.0], [-1.0, 2.0]]),
        np.array([[1.0, -0.5], [0.0, 0.0], [-0.5, 1.0]]) * 3,
    ])
    def test_right(self, w):
        assert_right(exercises.check_colour_separator(w))

    def test_right_answer_is_not_modified(self):
        w = read_only([[1.0, -1.0], [0.0, 0.0], [-1.0, 1.0]])
        assert_right(exercises.check_colour_separator(w))
        np.testing.assert_array_equal(w, [[1.0, -1.0], [0.0, 0.0], [-1.0, 1.0]])

    def test_the_notebook_stub(self):
        assert_wrong(exercises.check_colour_separator(np.zeros((3, 2))), "channel 0",
                     "red", "at least 0.5")

    def test_pure_channels_do_not_stay_dark(self):
        # red alone gives 0.20 on the blue: the blue patch does not go dark
        message = assert_wrong(exercises.check_colour_separator(
            np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])), "blue", "negative weight")
        assert "0.20" in message

    def test_channel_one_wrong(self):
        assert_wrong(exercises.check_colour_separator(
            np.array([[1.0, 0.0], [0.0, 0.0], [-1.0, 0.0]])), "channel 1", "blue")

    def test_swapped(self):
        assert_wrong(exercises.check_colour_separator(
            np.array([[-1.0, 1.0], [0.0, 0.0], [1.0, -1.0]])), "swapped")

    def test_transposed(self):
        assert_wrong(exercises.check_colour_separator(
            np.array([[1.0, 0.0, -1.0], [-1.0, 0.0, 1.0]])), "(2, 3)", "transposed")

    @pytest.mark.parametrize("w", [np.ones(3), np.ones((3, 1)), np.ones((3, 3)),
                                   np.ones((1, 1, 3, 2)), np.ones((4, 2))])
    def test_wrong_shape(self, w):
        assert_wrong(exercises.check_colour_separator(w), "(3, 2)")

    @pytest.mark.parametrize(("w", "hints"), [
        (None, ("None",)), ([[1, -1], [0, 0], [-1, 1]], ("numpy array", "list", "np.array")),
        ("w", ("numpy array", "str")), (lambda: None, ("numpy array", "function")),
        (np.ones((3, 2), bool), ("real numbers",)), (np.ones((3, 2), complex), ("real numbers",)),
        (np.full((3, 2), np.nan), ("nan",)), (np.array([[np.inf, -1], [0, 0], [-1, 1]]), ("inf",)),
    ])
    def test_odd_answers(self, w, hints):
        assert_wrong(exercises.check_colour_separator(w), *hints)

    def test_definition_at_the_edges(self):
        # exactly 0.5 where it responds and exactly 0 where it stays dark: separated
        red, blue = np.array(data.TWO_COLOURS)
        a = np.linalg.solve(np.array([red[[0, 2]], blue[[0, 2]]]), [0.5, 0.0])
        c = np.linalg.solve(np.array([red[[0, 2]], blue[[0, 2]]]), [0.0, 0.5])
        w = np.array([[a[0], c[0]], [0.0, 0.0], [a[1], c[1]]])
        out = np.array(data.TWO_COLOURS) @ w
        if out[0, 0] >= 0.5 and out[1, 0] <= 0 and out[1, 1] >= 0.5 and out[0, 1] <= 0:
            assert_right(exercises.check_colour_separator(w))
        assert_wrong(exercises.check_colour_separator(w * 0.98), "at least 0.5")


def merge_right(w1, b1, w2, b2):
    return w1 @ w2, b1 @ w2 + b2


def merge_loops(w1, b1, w2, b2):
    n_C, n_1 = w1.shape
    n_F = w2.shape[1]
    w, b = np.zeros((n_C, n_F)), np.array(b2, dtype=float)
    for c in range(n_C):
        for f in range(n_F):
            w[c, f] = sum(w1[c, k] * w2[k, f] for k in range(n_1))
    for f in range(n_F):
        b[f] += sum(b1[k] * w2[k, f] for k in range(n_1))
    return [w, b]


class TestCheckMergedConv:
    @pytest.mark.parametrize("func", [merge_right, merge_loops])
    def test_right(self, func):
        assert_right(exercises.check_merged_conv(func))

    def test_right_and_prints(self, capsys):
        def noisy(w1, b1, w2, b2):
            print("merging", w1.shape, w2.shape)
            return merge_right(w1, b1, w2, b2)

        assert_right(exercises.check_merged_conv(noisy))

    def test_stub_returns_none(self):
        def merge(w1, b1, w2, b2):
            ...

        assert_wrong(exercises.check_merged_conv(merge), "None", "return")

    def test_prints_instead_of_returning(self, capsys):
        assert_wrong(exercises.check_merged_conv(lambda w1, b1, w2, b2: print(w1 @ w2)), "None")

    def test_forgot_the_first_bias(self):
        assert_wrong(exercises.check_merged_conv(lambda w1, b1, w2, b2: (w1 @ w2, b2)),
                     "b2 alone", "b1 @ w2")

    def test_forgot_the_second_bias(self):
        assert_wrong(exercises.check_merged_conv(lambda w1, b1, w2, b2: (w1 @ w2, b1 @ w2)),
                     "its own bias b2")

    def test_added_the_biases(self):
        # b1 (4,) + b2 (2,) cannot broadcast: the error is reported
        assert_wrong(exercises.check_merged_conv(lambda w1, b1, w2, b2: (w1 @ w2, b1 + b2)),
                     "ValueError")

    def test_transposed(self):
        assert_wrong(exercises.check_merged_conv(
            lambda w1, b1, w2, b2: ((w1 @ w2).T, b1 @ w2 + b2)), "transposed", "(2, 3)")

    def test_wrong_order(self):
        assert_wrong(exercises.check_merged_conv(
            lambda w1, b1, w2, b2: (w2.T @ w1.T, b1 @ w2 + b2)), "transposed")
        assert_wrong(exercises.check_merged_conv(
            lambda w1, b1, w2, b2: (w2 @ w1, b1 @ w2 + b2)), "ValueError")

    def test_wrong_values(self):
        assert_wrong(exercises.check_merged_conv(
            lambda w1, b1, w2, b2: (2 * w1 @ w2, b1 @ w2 + b2)), "index", "w1")
        assert_wrong(exercises.check_merged_conv(
            lambda w1, b1, w2, b2: (w1 @ w2, b1 @ w2 - b2)), "index", "b")

    def test_nan(self):
        assert_wrong(exercises.check_merged_conv(
            lambda w1, b1, w2, b2: (np.full((w1.shape[0], w2.shape[1]), np.nan), b2)), "nan")
        assert_wrong(exercises.check_merged_conv(
            lambda w1, b1, w2, b2: (w1 @ w2, np.full(w2.shape[1], np.nan))), "nan")

    @pytest.mark.parametrize(("func", "hints"), [
        (lambda w1, b1, w2, b2: w1 @ w2, ("two arrays", "array")),
        (lambda w1, b1, w2, b2: (w1 @ w2,), ("two arrays",)),
        (lambda w1, b1, w2, b2: (w1 @ w2, b1 @ w2 + b2, 0), ("two arrays",)),
        (lambda w1, b1, w2, b2: ((w1 @ w2).tolist(), b1 @ w2 + b2), ("numpy array", "list")),
        (lambda w1, b1, w2, b2: (w1 @ w2, None), ("None",)),
        (lambda w1, b1, w2, b2: (w1 @ w2 > 0, b1 @ w2 + b2), ("real numbers",)),
        (lambda w1, b1, w2, b2: (w1 @ w2, (b1 @ w2 + b2)[:, None]), ("shape",)),
    ])
    def test_odd_returns(self, func, hints):
        assert_wrong(exercises.check_merged_conv(func), *hints)

    def test_raises(self):
        def broken(w1, b1, w2, b2):
            raise NotImplementedError("write your code here")

        assert_wrong(exercises.check_merged_conv(broken), "NotImplementedError",
                     "write your code here")

    def test_modifies_its_input(self):
        def in_place(w1, b1, w2, b2):
            w1 @= np.eye(w1.shape[1])[:, :w1.shape[1]]
            b2 += b1 @ w2
            return w1 @ w2, b2

        assert_wrong(exercises.check_merged_conv(in_place), "in place")

    @pytest.mark.parametrize("func", [None, 42, "w1 @ w2", (np.eye(2), np.zeros(2))])
    def test_not_a_function(self, func):
        assert_wrong(exercises.check_merged_conv(func), "function")

    def test_wrong_signature(self):
        assert_wrong(exercises.check_merged_conv(lambda w1, w2: (w1 @ w2, 0)), "TypeError")


def gradient_right(x, w, b, y):
    pixels = x.reshape(-1, x.shape[-1])
    z = pixels @ w + b
    return pixels.T @ (2 * (z - y.reshape(z.shape)) / z.size)


def gradient_loops(x, w, b, y):
    n_H, n_W, n_C = x.shape
    n_F = w.shape[1]
    dw = np.zeros((n_C, n_F))
    for i in range(n_H):
        for j in range(n_W):
            for f in range(n_F):
                z = sum(x[i, j, c] * w[c, f] for c in range(n_C)) + b[f]
                for c in range(n_C):
                    dw[c, f] += 2 * (z - y[i, j, f]) * x[i, j, c] / y.size
    return dw


class TestCheckWeightGradient:
    @pytest.mark.parametrize("func", [gradient_right, gradient_loops])
    def test_right(self, func):
        assert_right(exercises.check_weight_gradient(func))

    def test_right_with_onebyone(self):
        def with_ops(x, w, b, y):
            z = ops.conv1x1(x, w, b)
            return ops.conv1x1_backward(x, w, 2 * (z - y) / z.size).dw

        assert_right(exercises.check_weight_gradient(with_ops))

    def test_stub(self):
        def weight_gradient(x, w, b, y):
            ...

        assert_wrong(exercises.check_weight_gradient(weight_gradient), "None", "return")

    @pytest.mark.parametrize(("factor", "hint"), [(0.5, "factor 2"), (-1.0, "sign"),
                                                  (40.0, "mean"), (20.0, "divide")])
    def test_usual_mistakes(self, factor, hint):
        assert_wrong(exercises.check_weight_gradient(
            lambda x, w, b, y: factor * gradient_right(x, w, b, y)), hint)

    def test_divided_by_the_pixels_only(self):
        def per_pixel(x, w, b, y):  # the mean over the n_H·n_W pixels, not over all of z
            z = x.reshape(-1, x.shape[-1]) @ w + b
            dz = 2 * (z - y.reshape(z.shape)) / (x.shape[0] * x.shape[1])
            return x.reshape(-1, x.shape[-1]).T @ dz

        assert_wrong(exercises.check_weight_gradient(per_pixel), "2 times the answer",
                     "20 pixels times their 2 channels, N = 40")

    def test_forgot_the_bias(self):
        assert_wrong(exercises.check_weight_gradient(
            lambda x, w, b, y: gradient_right(x, w, 0 * b, y)), "without bias")

    def test_transposed(self):
        assert_wrong(exercises.check_weight_gradient(
            lambda x, w, b, y: gradient_right(x, w, b, y).T), "transposed", "(3, 2)")

    def test_other_wrong_values(self):
        assert_wrong(exercises.check_weight_gradient(
            lambda x, w, b, y: gradient_right(x, w, b, y) + 0.01), "index", "X.T @ dz")

    @pytest.mark.parametrize(("func", "hints"), [
        (lambda x, w, b, y: gradient_right(x, w, b, y).tolist(), ("numpy array", "list")),
        (lambda x, w, b, y: np.full(w.shape, np.nan), ("nan",)),
        (lambda x, w, b, y: gradient_right(x, w, b, y).ravel(), ("shape",)),
        (lambda x, w, b, y: float(gradient_right(x, w, b, y).sum()), ("numpy array",)),
        (lambda x, w, b, y: gradient_right(x, w, b, y) + 0j, ("real numbers",)),
    ])
    def test_odd_returns(self, func, hints):
        assert_wrong(exercises.check_weight_gradient(func), *hints)

    def test_prints_and_raises(self, capsys):
        assert_wrong(exercises.check_weight_gradient(lambda x, w, b, y: print(x.shape)), "None")

        def broken(x, w, b, y):
            raise ZeroDivisionError("boom")

        assert_wrong(exercises.check_weight_gradient(broken), "ZeroDivisionError", "boom")

    def test_modifies_its_input(self):
        def in_place(x, w, b, y):
            y -= y  # "the target is zero"
            return gradient_right(x, w, b, y)

        assert_wrong(exercises.check_weight_gradient(in_place), "in place")

    @pytest.mark.parametrize("func", [None, [1, 2], np.zeros((3, 2))])
    def test_not_a_function(self, func):
        assert_wrong(exercises.check_weight_gradient(func), "function")

    def test_wrong_signature(self):
        assert_wrong(exercises.check_weight_gradient(lambda x, w, y: x), "TypeError")


@pytest.mark.parametrize("check", [exercises.check_colour_separator,
                                   exercises.check_merged_conv,
                                   exercises.check_weight_gradient])
@pytest.mark.parametrize("answer", [None, 0, float("nan"), 1j, True, "", [], (), {}, object(),
                                    np.array([]), np.zeros((0, 3)), np.array("abc"),
                                    np.full((3, 2), np.inf), lambda *args: args[0]])
def test_checks_never_raise(check, answer):
    feedback = check(answer)
    assert isinstance(feedback, Feedback)
    assert not feedback
    assert repr(feedback).startswith("✗")

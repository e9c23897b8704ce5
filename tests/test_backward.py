"""Tests for the backward passes that train a NIN (notebook 09): ops.conv2d_backward,
ops.pool2d_backward, ops.global_average_pool_backward and ops.softmax_cross_entropy.

Expected values come from central differences of the forward passes in float64 (with
the loss L = sum(output * R) for a random R, so that dL/d(output) = R), from naive
loops written here, from small cases worked out by hand in the comments, and from
PyTorch when it is installed (it is optional, never a dependency: those tests skip
without it).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradients import central_difference
from onebyone import ops

CONV_CASES = [  # (shape of x, f, stride, pad, n_F)
    pytest.param((4, 5, 3), 1, 1, 0, 2, id="f1-single"),
    pytest.param((2, 4, 5, 3), 1, 1, 0, 2, id="f1-batch"),
    pytest.param((2, 5, 4, 2), 1, 2, 1, 3, id="f1-stride2-pad1"),
    pytest.param((5, 6, 2), 3, 1, 1, 2, id="f3-same-single"),
    pytest.param((2, 5, 6, 2), 3, 1, 0, 3, id="f3-valid-batch"),
    pytest.param((7, 6, 2), 3, 2, 0, 2, id="f3-stride2-leaves-a-column"),
    pytest.param((2, 6, 7, 2), 2, 2, 1, 2, id="f2-stride2-pad1-batch"),
    pytest.param((5, 5, 2), 5, 1, 2, 2, id="f5-pad2-single"),
    pytest.param((2, 4, 6, 1), 2, 3, 0, 2, id="f2-stride3-gaps"),
]

POOL_CASES = [  # (shape of x, f, stride)
    pytest.param((4, 6, 3), 2, 2, id="f2-s2-single"),
    pytest.param((2, 4, 4, 2), 2, 2, id="f2-s2-batch"),
    pytest.param((2, 5, 5, 2), 3, 1, id="f3-s1-overlapping"),
    pytest.param((5, 7, 2), 2, 2, id="f2-s2-odd-sizes"),
    pytest.param((2, 6, 8, 2), 3, 2, id="f3-s2-overlapping-odd"),
    pytest.param((3, 4, 2), 1, 1, id="f1-s1"),
    pytest.param((7, 7, 1), 2, 3, id="f2-s3-gaps"),
]


def read_only(array: object) -> np.ndarray:
    array = np.array(array)
    array.flags.writeable = False
    return array


def as_batch(a: np.ndarray) -> np.ndarray:
    return a if a.ndim == 4 else a[np.newaxis]


def loop_conv2d_backward(x, w, dz, stride, pad):
    """(dx, dw, db) with explicit loops: the output z[n, i, j, k] read the padded input
    at (i*stride + di, j*stride + dj, c) times w[di, dj, c, k], so it sends dz[n, i, j, k]
    times each of the two to the other's gradient, and dz itself to db[k]."""
    xb, dzb = as_batch(x).astype(np.float64), as_batch(dz).astype(np.float64)
    m, n_H, n_W, n_C = xb.shape
    f, n_F = w.shape[0], w.shape[3]
    padded = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C))
    d_padded = np.zeros_like(padded)
    for n in range(m):
        for i in range(n_H):
            for j in range(n_W):
                for c in range(n_C):
                    padded[n, i + pad, j + pad, c] = xb[n, i, j, c]
    dw, db = np.zeros(w.shape), np.zeros(n_F)
    for n in range(m):
        for i in range(dzb.shape[1]):
            for j in range(dzb.shape[2]):
                for k in range(n_F):
                    g = dzb[n, i, j, k]
                    db[k] += g
                    for di in range(f):
                        for dj in range(f):
                            for c in range(n_C):
                                r, s = i * stride + di, j * stride + dj
                                dw[di, dj, c, k] += padded[n, r, s, c] * g
                                d_padded[n, r, s, c] += w[di, dj, c, k] * g
    dx = d_padded[:, pad:pad + n_H, pad:pad + n_W, :]
    return dx if x.ndim == 4 else dx[0], dw, db


def loop_pool2d_backward(x, da, f, stride, mode):
    """dx with explicit loops over every window: max sends da to the window's first
    maximum in row-major order (np.argmax's rule, which also counts NaN as the maximum),
    average sends da / f² to each of the f*f values."""
    xb, dab = as_batch(x).astype(np.float64), as_batch(da).astype(np.float64)
    dx = np.zeros_like(xb)
    m, n_H_out, n_W_out, n_C = dab.shape
    for n in range(m):
        for i in range(n_H_out):
            for j in range(n_W_out):
                for c in range(n_C):
                    window = xb[n, i * stride:i * stride + f, j * stride:j * stride + f, c]
                    if mode == "max":
                        r, s = divmod(int(np.argmax(window)), f)
                        dx[n, i * stride + r, j * stride + s, c] += dab[n, i, j, c]
                    else:
                        for r in range(f):
                            for s in range(f):
                                dx[n, i * stride + r, j * stride + s, c] += dab[n, i, j, c] / f**2
    return dx if x.ndim == 4 else dx[0]


def conv_case(shape, f, stride, pad, n_F, seed=0):
    """x, w, b and a random upstream gradient R of the output's shape."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((f, f, shape[-1], n_F))
    b = rng.standard_normal(n_F)
    R = rng.standard_normal(ops.conv2d(x, w, b, stride=stride, pad=pad).shape)
    return x, w, b, R


def pool_case(shape, f, stride, mode, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    R = rng.standard_normal(ops.pool2d(x, f, stride, mode).shape)
    return x, R


# -- ops.conv2d_backward --------------------------------------------------------------

class TestConv2dBackward:
    @pytest.mark.parametrize(("shape", "f", "stride", "pad", "n_F"), CONV_CASES)
    def test_central_differences(self, shape, f, stride, pad, n_F):
        x, w, b, R = conv_case(shape, f, stride, pad, n_F)

        def loss(x_, w_, b_):  # L = sum(R * z): then dL/dz = R
            return float(np.sum(R * ops.conv2d(x_, w_, b_, stride=stride, pad=pad)))

        dx, dw, db = ops.conv2d_backward(x, w, R, stride=stride, pad=pad)
        assert (dx.shape, dw.shape, db.shape) == (x.shape, w.shape, b.shape)
        for grad, numeric in [(dx, central_difference(lambda a: loss(a, w, b), x)),
                              (dw, central_difference(lambda a: loss(x, a, b), w)),
                              (db, central_difference(lambda a: loss(x, w, a), b))]:
            np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-7)

    @pytest.mark.parametrize(("shape", "f", "stride", "pad", "n_F"), [
        ((2, 4, 5, 2), 3, 2, 1, 2), ((5, 4, 3), 2, 1, 0, 2), ((3, 3, 1), 3, 1, 2, 1)])
    def test_against_loops(self, shape, f, stride, pad, n_F):
        x, w, _, R = conv_case(shape, f, stride, pad, n_F, seed=1)
        grads = ops.conv2d_backward(x, w, R, stride=stride, pad=pad)
        for grad, expected in zip(grads, loop_conv2d_backward(x, w, R, stride, pad),
                                  strict=True):
            np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=1e-12)

    def test_known_small_case(self):
        # x, w and dz all ones, 3x3 input, 2x2 filter, stride 1: four windows.
        # dx counts the windows covering each pixel: 1 at the corners, 2 on the edges,
        # 4 in the middle; every w[di, dj] met 4 pixels of value 1, so dw = 4; db = 4.
        dx, dw, db = ops.conv2d_backward(np.ones((3, 3, 1)), np.ones((2, 2, 1, 1)),
                                         np.ones((2, 2, 1)))
        np.testing.assert_array_equal(dx[..., 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
        np.testing.assert_array_equal(dw, np.full((2, 2, 1, 1), 4.0))
        np.testing.assert_array_equal(db, [4.0])

    def test_padding_gradient_is_dropped(self):
        # 1x1 input, 3x3 filter, pad 1: one output, whose window holds x at its centre.
        # dx = dz * w[1, 1] only (the other 8 weights met zeros of the padding); dw is
        # x at the centre and 0 elsewhere.
        w = np.arange(9.0).reshape(3, 3, 1, 1)
        dx, dw, db = ops.conv2d_backward(np.full((1, 1, 1), 2.0), w, np.full((1, 1, 1), 3.0),
                                         pad=1)
        assert dx.shape == (1, 1, 1) and dx[0, 0, 0] == 3.0 * 4.0  # w[1, 1] = 4
        expected_dw = np.zeros((3, 3, 1, 1))
        expected_dw[1, 1] = 2.0 * 3.0
        np.testing.assert_array_equal(dw, expected_dw)
        np.testing.assert_array_equal(db, [3.0])

    def test_pixels_no_window_reads_get_zero(self):
        # 7x6 input, f=3, stride 2: windows start at rows 0, 2, 4 (rows 0..6 all read)
        # and at columns 0, 2 (columns 0..4): column 5 is never read
        x, w, _, R = conv_case((7, 6, 2), 3, 2, 0, 2)
        dx = ops.conv2d_backward(x, w, 100 * R, stride=2).dx
        np.testing.assert_array_equal(dx[:, 5], 0.0)
        assert np.all(dx[:, :5] != 0)

    @pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5)])
    def test_f1_equals_conv1x1_backward(self, shape):
        rng = np.random.default_rng(2)
        x, w = rng.standard_normal(shape), rng.standard_normal((5, 3))
        dz = rng.standard_normal((*shape[:-1], 3))
        dx, dw, db = ops.conv2d_backward(x, w.reshape(1, 1, 5, 3), dz)
        expected = ops.conv1x1_backward(x, w, dz)
        np.testing.assert_allclose(dx, expected.dx, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(dw, expected.dw.reshape(1, 1, 5, 3), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(db, expected.db, rtol=1e-12, atol=1e-14)

    def test_named_fields(self):
        grads = ops.conv2d_backward(np.ones((4, 4, 2)), np.ones((3, 3, 2, 5)),
                                    np.ones((2, 2, 5)))
        assert isinstance(grads, ops.Conv2dGradients)
        assert grads.dx.shape == (4, 4, 2)
        assert grads.dw.shape == (3, 3, 2, 5)
        assert grads.db.shape == (5,)

    def test_dtypes(self):
        x32, w32 = np.ones((4, 4, 2), np.float32), np.ones((3, 3, 2, 2), np.float32)
        dz32 = np.ones((2, 2, 2), np.float32)
        assert all(g.dtype == np.float32 for g in ops.conv2d_backward(x32, w32, dz32))
        ints = ops.conv2d_backward(np.ones((4, 4, 2), np.int32), np.ones((3, 3, 2, 2), np.int8),
                                   np.ones((2, 2, 2), np.int64))
        assert all(g.dtype == np.float64 for g in ints)
        mixed = ops.conv2d_backward(x32, w32, dz32.astype(np.float64))
        assert all(g.dtype == np.float64 for g in mixed)
        # converted before multiplying: 4 windows of 200 * 200 would overflow uint8
        big = ops.conv2d_backward(np.full((3, 3, 1), 200, np.uint8),
                                  np.full((2, 2, 1, 1), 200, np.uint8),
                                  np.full((2, 2, 1), 200, np.uint8))
        np.testing.assert_array_equal(big.dw, np.full((2, 2, 1, 1), 4 * 200.0 * 200.0))

    @pytest.mark.parametrize(("stride", "pad"), [(1, 0), (2, 1)])
    def test_read_only_inputs_unchanged(self, stride, pad):
        x, w, _, R = conv_case((2, 5, 5, 2), 3, stride, pad, 2)
        x, w, R = read_only(x), read_only(w), read_only(R)
        before = [a.copy() for a in (x, w, R)]
        dx, _, _ = ops.conv2d_backward(x, w, R, stride=stride, pad=pad)
        for a, old in zip((x, w, R), before, strict=True):
            np.testing.assert_array_equal(a, old)
        dx[...] = 0  # the result is the caller's to write to

    def test_nan_reaches_exactly_the_weights_that_met_it(self):
        # f=3, pad 1, stride 1 on 4x4: x[0, 0] sits at padded (1, 1); output (i, j) reads
        # it at offset (1 - i, 1 - j), so only offsets di, dj in {0, 1} meet it
        rng = np.random.default_rng(3)
        x, w = rng.standard_normal((4, 4, 2)), rng.standard_normal((3, 3, 2, 2))
        x[0, 0, 1] = np.nan
        dx, dw, db = ops.conv2d_backward(x, w, np.ones((4, 4, 2)), pad=1)
        assert np.isnan(dw[:2, :2, 1]).all()
        assert np.isfinite(dw[2, :, 1]).all() and np.isfinite(dw[:, 2, 1]).all()
        assert np.isfinite(dw[:, :, 0]).all()
        assert np.isfinite(dx).all() and np.isfinite(db).all()  # dx does not use x

    def test_inf_in_dz_without_warnings(self):
        before = np.geterr()
        dz = np.zeros((2, 2, 1))
        dz[0, 0, 0] = np.inf
        dx, dw, db = ops.conv2d_backward(np.ones((3, 3, 1)), np.ones((2, 2, 1, 1)), dz)
        # inf * 1 lands on the top-left window, and inf * 0 = NaN nowhere: w is all ones
        assert np.isinf(dx[:2, :2]).all() and (dx[2] == 0).all() and (dx[:, 2] == 0).all()
        assert np.isinf(dw).all() and db[0] == np.inf
        assert np.geterr() == before

    @pytest.mark.parametrize(("dz_shape", "expected"), [
        ((4, 4, 2), "(2, 2, 2)"), ((2, 2, 3), "(2, 2, 2)"), ((1, 2, 2, 2), "(2, 2, 2)"),
        ((2, 2), "(2, 2, 2)")])
    def test_dz_of_the_wrong_shape(self, dz_shape, expected):
        with pytest.raises(ValueError, match=r"^dz ") as error:
            ops.conv2d_backward(np.ones((4, 4, 3)), np.ones((3, 3, 3, 2)), np.ones(dz_shape))
        assert expected in str(error.value)

    def test_dz_message_names_stride_and_pad(self):
        # dz fits conv2d(x, w, pad=1), 4x4, but the call says stride 2: (4 + 2 - 3) // 2 + 1
        with pytest.raises(ValueError, match=r"stride=2, pad=1\), \(2, 2, 2, 2\), got shape "
                                             r"\(2, 4, 4, 2\)"):
            ops.conv2d_backward(np.ones((2, 4, 4, 3)), np.ones((3, 3, 3, 2)),
                                np.ones((2, 4, 4, 2)), stride=2, pad=1)

    @pytest.mark.parametrize(("kwargs", "error", "name"), [
        (dict(stride=0), ValueError, "stride"),
        (dict(stride=1.0), TypeError, "stride"),
        (dict(pad=-1), ValueError, "pad"),
        (dict(pad=None), TypeError, "pad"),
        (dict(w=np.ones((3, 2, 3, 2))), ValueError, "w"),
        (dict(w=np.ones((3, 3, 4, 2))), ValueError, "w"),
        (dict(w=np.ones((5, 5, 3, 2))), ValueError, "w"),
        (dict(x=np.ones((4, 4))), ValueError, "x"),
        (dict(dz=np.ones((2, 2, 2), bool)), TypeError, "dz"),
    ])
    def test_bad_arguments(self, kwargs, error, name):
        call = dict(x=np.ones((4, 4, 3)), w=np.ones((3, 3, 3, 2)), dz=np.ones((2, 2, 2)))
        with pytest.raises(error, match=rf"^{name} "):
            ops.conv2d_backward(**{**call, **kwargs})


# -- ops.pool2d_backward --------------------------------------------------------------

class TestPool2dBackward:
    @pytest.mark.parametrize("mode", ["max", "average"])
    @pytest.mark.parametrize(("shape", "f", "stride"), POOL_CASES)
    def test_central_differences(self, shape, f, stride, mode):
        x, R = pool_case(shape, f, stride, mode)  # random normals: no ties in a window

        def loss(x_):  # L = sum(R * a): then dL/da = R
            return float(np.sum(R * ops.pool2d(x_, f, stride, mode)))

        dx = ops.pool2d_backward(x, R, f, stride, mode)
        assert dx.shape == x.shape
        np.testing.assert_allclose(dx, central_difference(loss, x), rtol=1e-6, atol=1e-7)

    @pytest.mark.parametrize("mode", ["max", "average"])
    @pytest.mark.parametrize(("shape", "f", "stride"), POOL_CASES)
    def test_against_loops_with_many_ties(self, shape, f, stride, mode):
        rng = np.random.default_rng(4)
        x = rng.integers(0, 3, size=shape).astype(np.float64)  # three values: ties galore
        da = rng.standard_normal(ops.pool2d(x, f, stride).shape)
        dx = ops.pool2d_backward(x, da, f, stride, mode)
        np.testing.assert_allclose(dx, loop_pool2d_backward(x, da, f, stride, mode),
                                   rtol=1e-12, atol=1e-15)
        # every output passes its whole gradient on, to one value or shared equally
        assert dx.sum() == pytest.approx(da.sum(), abs=1e-12)

    @pytest.mark.parametrize("mode", ["max", "average"])
    def test_rows_and_columns_no_window_covers_get_zero(self, mode):
        # 5x7 input, f=2, stride 2: windows cover rows 0..3 and columns 0..5
        x, R = pool_case((2, 5, 7, 3), 2, 2, mode)
        dx = ops.pool2d_backward(x, 100 * R, 2, 2, mode)
        np.testing.assert_array_equal(dx[:, 4], 0.0)
        np.testing.assert_array_equal(dx[:, :, 6], 0.0)
        if mode == "average":
            assert np.all(dx[:, :4, :6] != 0)

    def test_max_sends_each_gradient_to_one_value(self):
        # windows [[1, 5], [3, 2]] and [[0, -1], [7, 4]]: maxima at (0, 1) and (1, 0)
        x = np.array([[1.0, 5.0, 0.0, -1.0], [3.0, 2.0, 7.0, 4.0]])[..., np.newaxis]
        dx = ops.pool2d_backward(x, np.array([[[10.0], [20.0]]]))
        np.testing.assert_array_equal(dx[..., 0], [[0, 10, 0, 0], [0, 0, 20, 0]])

    def test_average_shares_each_gradient_equally(self):
        # f=2, stride 1 on 3x3: the centre is in all 4 windows, edges in 2, corners in 1;
        # each window passes da / 4 = 1 to each of its values
        dx = ops.pool2d_backward(np.zeros((3, 3, 1)), np.full((2, 2, 1), 4.0), 2, 1, "average")
        np.testing.assert_array_equal(dx[..., 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])

    @pytest.mark.parametrize("value", [0.0, -3.5, np.inf, -np.inf])
    def test_tie_goes_to_the_first_maximum_in_row_major_order(self, value):
        x = np.full((1, 2, 4, 2), value)
        x[0, :, 2:, 1] = [[1.0, 3.0], [3.0, 3.0]]  # second window of channel 1: 3 ties
        dx = ops.pool2d_backward(x, np.full((1, 1, 2, 2), 6.0))
        expected = np.zeros((1, 2, 4, 2))
        expected[0, 0, 0, :] = 6.0  # all-equal windows: the top-left value
        expected[0, 0, 2, 0] = 6.0
        expected[0, 0, 3, 1] = 6.0  # the first 3 in row-major order
        np.testing.assert_array_equal(dx, expected)
        assert dx.sum() == 4 * 6.0  # conserved, not doubled by ties

    def test_overlapping_windows_with_ties(self):
        # f=2, stride 1 on a 2x3 of zeros: windows at columns 0 and 1 both pick their
        # top-left value, (0, 0) and (0, 1)
        dx = ops.pool2d_backward(np.zeros((2, 3, 1)), np.array([[[1.0], [2.0]]]), 2, 1)
        np.testing.assert_array_equal(dx[..., 0], [[1, 2, 0], [0, 0, 0]])

    def test_nan_in_a_max_window_takes_the_gradient(self):
        x = np.array([[1.0, np.nan, 0.0, np.nan], [5.0, 2.0, np.nan, 9.0]])[..., np.newaxis]
        dx = ops.pool2d_backward(x, np.array([[[10.0], [20.0]]]))
        # first window: its only NaN; second: the first of its two NaNs (row-major)
        np.testing.assert_array_equal(dx[..., 0], [[0, 10, 0, 20], [0, 0, 0, 0]])
        np.testing.assert_array_equal(dx, loop_pool2d_backward(x, np.array([[[10.0], [20.0]]]),
                                                               2, 2, "max"))

    def test_nan_in_an_average_window_leaves_the_gradient_finite(self):
        # d(mean)/dx = 1/f² whatever x holds: da passes as a number
        x = np.zeros((2, 2, 1))
        x[0, 0, 0] = np.nan
        dx = ops.pool2d_backward(x, np.full((1, 1, 1), 8.0), mode="average")
        np.testing.assert_array_equal(dx, np.full((2, 2, 1), 2.0))

    def test_nonfinite_da_passes_as_numbers(self):
        x = np.array([[1.0, 0.0], [0.0, 0.0]])[..., np.newaxis]
        before = np.geterr()
        dx = ops.pool2d_backward(x, np.full((1, 1, 1), np.nan))
        assert np.isnan(dx[0, 0, 0]) and (dx.ravel()[1:] == 0).all()
        # overlapping average windows: +inf and -inf meet at the shared column -> NaN
        dx = ops.pool2d_backward(np.zeros((2, 3, 1)), np.array([[[np.inf], [-np.inf]]]),
                                 2, 1, "average")
        assert np.isnan(dx[:, 1]).all() and (dx[:, 0] == np.inf).all()
        assert (dx[:, 2] == -np.inf).all()
        assert np.geterr() == before

    @pytest.mark.parametrize("mode", ["max", "average"])
    def test_dtypes(self, mode):
        x32, da32 = np.ones((4, 4, 2), np.float32), np.ones((2, 2, 2), np.float32)
        assert ops.pool2d_backward(x32, da32, mode=mode).dtype == np.float32
        assert ops.pool2d_backward(x32, da32.astype(np.float64), mode=mode).dtype == np.float64
        ints = ops.pool2d_backward(np.arange(32, dtype=np.uint8).reshape(4, 4, 2),
                                   np.ones((2, 2, 2), np.int16), mode=mode)
        assert ints.dtype == np.float64
        assert ints.sum() == 8.0

    @pytest.mark.parametrize("mode", ["max", "average"])
    def test_read_only_inputs_unchanged(self, mode):
        x, R = pool_case((2, 5, 5, 2), 3, 1, mode)
        x, R = read_only(x), read_only(R)
        before = [x.copy(), R.copy()]
        dx = ops.pool2d_backward(x, R, 3, 1, mode)
        np.testing.assert_array_equal(x, before[0])
        np.testing.assert_array_equal(R, before[1])
        dx[...] = 0

    @pytest.mark.parametrize(("da_shape", "f", "stride", "expected"), [
        ((2, 2, 3), 2, 2, "(3, 3, 2)"), ((3, 3, 2), 3, 2, "(2, 2, 2)"),
        ((3, 3, 2), 2, 1, "(5, 5, 2)"), ((1, 3, 3, 2), 2, 2, "(3, 3, 2)"),
        ((3, 3), 2, 2, "(3, 3, 2)")])
    def test_da_of_the_wrong_shape(self, da_shape, f, stride, expected):
        with pytest.raises(ValueError, match=r"^da ") as error:
            ops.pool2d_backward(np.ones((6, 6, 2)), np.ones(da_shape), f, stride)
        assert expected in str(error.value)
        assert f"f={f}, stride={stride}" in str(error.value)

    @pytest.mark.parametrize(("kwargs", "error", "name"), [
        (dict(f=0), ValueError, "f"),
        (dict(f=7), ValueError, "f"),
        (dict(f=2.0), TypeError, "f"),
        (dict(stride=0), ValueError, "stride"),
        (dict(stride=True), TypeError, "stride"),
        (dict(mode="median"), ValueError, "mode"),
        (dict(mode="Max"), ValueError, "mode"),
        (dict(mode=None), TypeError, "mode"),
        (dict(x=np.ones((6, 6))), ValueError, "x"),
        (dict(da=[[1.0]]), TypeError, "da"),
    ])
    def test_bad_arguments(self, kwargs, error, name):
        call = dict(x=np.ones((6, 6, 2)), da=np.ones((3, 3, 2)))
        with pytest.raises(error, match=rf"^{name} "):
            ops.pool2d_backward(**{**call, **kwargs})


# -- ops.global_average_pool_backward -------------------------------------------------

class TestGlobalAveragePoolBackward:
    @pytest.mark.parametrize("shape", [(3, 4, 2), (2, 3, 5, 4), (1, 1, 3)])
    def test_central_differences(self, shape):
        rng = np.random.default_rng(5)
        x = rng.standard_normal(shape)
        R = rng.standard_normal((*shape[:-3], shape[-1]))

        def loss(x_):  # L = sum(R * s): then dL/ds = R
            return float(np.sum(R * ops.global_average_pool(x_)))

        dx = ops.global_average_pool_backward(x, R)
        assert dx.shape == x.shape
        np.testing.assert_allclose(dx, central_difference(loss, x), rtol=1e-6, atol=1e-8)

    def test_known_values(self):
        # 2x3 maps: each of the 6 pixels gets ds / 6: 6 / 6 = 1 and -12 / 6 = -2
        dx = ops.global_average_pool_backward(np.zeros((2, 3, 2)), np.array([6.0, -12.0]))
        np.testing.assert_array_equal(dx[..., 0], np.ones((2, 3)))
        np.testing.assert_array_equal(dx[..., 1], np.full((2, 3), -2.0))

    def test_batch_images_get_their_own_gradient(self):
        ds = np.array([[4.0, 8.0], [-4.0, 0.0]])
        dx = ops.global_average_pool_backward(np.zeros((2, 2, 2, 2)), ds)
        np.testing.assert_array_equal(dx[0], np.broadcast_to([1.0, 2.0], (2, 2, 2)))
        np.testing.assert_array_equal(dx[1], np.broadcast_to([-1.0, 0.0], (2, 2, 2)))

    def test_dx_does_not_depend_on_x(self):
        ds = np.array([1.0, 2.0, 3.0])
        x = np.zeros((2, 2, 3))
        x[0, 0] = [np.nan, np.inf, -np.inf]
        np.testing.assert_array_equal(ops.global_average_pool_backward(x, ds),
                                      ops.global_average_pool_backward(np.ones((2, 2, 3)), ds))

    def test_nonfinite_ds_spreads_over_its_map(self):
        dx = ops.global_average_pool_backward(np.ones((2, 2, 2)), np.array([np.inf, np.nan]))
        assert (dx[..., 0] == np.inf).all() and np.isnan(dx[..., 1]).all()

    def test_dtypes_and_writable_result(self):
        x32 = np.ones((2, 2, 3), np.float32)
        assert ops.global_average_pool_backward(x32, np.ones(3, np.float32)).dtype == np.float32
        assert ops.global_average_pool_backward(x32, np.ones(3)).dtype == np.float64
        ints = ops.global_average_pool_backward(np.ones((2, 2, 3), np.uint8),
                                                np.array([4, 8, 12], np.uint8))
        assert ints.dtype == np.float64
        np.testing.assert_array_equal(ints[0, 0], [1.0, 2.0, 3.0])
        assert ints.flags.writeable and ints.flags.owndata  # not a broadcast view

    def test_read_only_inputs_unchanged(self):
        x, ds = read_only(np.arange(12.0).reshape(2, 2, 3)), read_only([3.0, 6.0, 9.0])
        dx = ops.global_average_pool_backward(x, ds)
        np.testing.assert_array_equal(x, np.arange(12.0).reshape(2, 2, 3))
        np.testing.assert_array_equal(ds, [3.0, 6.0, 9.0])
        dx[...] = 0

    @pytest.mark.parametrize(("x_shape", "ds_shape", "expected"), [
        ((4, 4, 3), (2,), "(3,)"), ((4, 4, 3), (1, 3), "(3,)"),
        ((2, 4, 4, 3), (3,), "(2, 3)"), ((2, 4, 4, 3), (3, 3), "(2, 3)"),
        ((2, 4, 4, 3), (2, 4, 4, 3), "(2, 3)")])
    def test_ds_of_the_wrong_shape(self, x_shape, ds_shape, expected):
        with pytest.raises(ValueError, match=r"^ds ") as error:
            ops.global_average_pool_backward(np.ones(x_shape), np.ones(ds_shape))
        assert expected in str(error.value)

    @pytest.mark.parametrize(("x", "ds", "error", "name"), [
        (None, np.ones(3), TypeError, "x"),
        (np.ones((4, 3)), np.ones(3), ValueError, "x"),
        (np.ones((2, 2, 3)), [1.0, 2.0, 3.0], TypeError, "ds"),
        (np.ones((2, 2, 3)), np.ones(3, complex), TypeError, "ds"),
    ])
    def test_bad_arguments(self, x, ds, error, name):
        with pytest.raises(error, match=rf"^{name} "):
            ops.global_average_pool_backward(x, ds)


# -- ops.softmax_cross_entropy --------------------------------------------------------

def loop_softmax_cross_entropy(scores, labels):
    """(loss, probabilities) with plain Python: math.exp of each score over the row's
    sum, and the mean of -log p[label] over the rows."""
    probabilities, total = [], 0.0
    for row, label in zip(scores.tolist(), labels.tolist(), strict=True):
        exps = [math.exp(s) for s in row]
        probabilities.append([e / sum(exps) for e in exps])
        total += -math.log(probabilities[-1][label])
    return total / len(probabilities), np.array(probabilities)


class TestSoftmaxCrossEntropy:
    @pytest.mark.parametrize(("m", "n_classes"), [(1, 2), (4, 3), (6, 10)])
    def test_against_loops(self, m, n_classes):
        rng = np.random.default_rng(6)
        scores = 3 * rng.standard_normal((m, n_classes))
        labels = rng.integers(0, n_classes, m)
        result = ops.softmax_cross_entropy(scores, labels)
        loss, probabilities = loop_softmax_cross_entropy(scores, labels)
        assert isinstance(result.loss, float)
        assert result.loss == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(result.probabilities, probabilities, rtol=1e-12)
        np.testing.assert_allclose(result.probabilities.sum(axis=1), 1.0, rtol=1e-14)

    @pytest.mark.parametrize(("m", "n_classes"), [(1, 2), (4, 3), (5, 7)])
    def test_central_differences(self, m, n_classes):
        rng = np.random.default_rng(7)
        scores = 2 * rng.standard_normal((m, n_classes))
        labels = rng.integers(0, n_classes, m)

        def loss(s):
            return loop_softmax_cross_entropy(s, labels)[0]

        dscores = ops.softmax_cross_entropy(scores, labels).dscores
        assert dscores.shape == scores.shape
        np.testing.assert_allclose(dscores, central_difference(loss, scores), atol=1e-8)
        np.testing.assert_allclose(dscores.sum(axis=1), 0.0, atol=1e-15)  # softmax's sum is 1

    def test_known_values(self):
        # equal scores: p = 1/4 for each class, loss = -log(1/4) = log 4,
        # dscores = (1/4 - one_hot) / m with m = 2
        loss, p, dscores = ops.softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
        assert loss == pytest.approx(math.log(4), rel=1e-15)
        np.testing.assert_allclose(p, np.full((2, 4), 0.25), rtol=1e-15)
        np.testing.assert_allclose(dscores, [[-0.375, 0.125, 0.125, 0.125],
                                             [0.125, 0.125, 0.125, -0.375]], rtol=1e-15)

    def test_numerically_stable(self):
        # row 0: exp(1000) overflows, but p = [1, exp(-1000)] = [1, 0] (to double precision),
        # -log p[0] = log(1 + exp(-1000)) = 0; row 1: p = [exp(-1000), 1] / (1 + ...),
        # -log p[0] = 1000 + log(1 + exp(-1000)) = 1000. Loss: (0 + 1000) / 2 = 500.
        loss, p, dscores = ops.softmax_cross_entropy(np.array([[1000.0, 0.0], [-1000.0, 0.0]]),
                                                     np.array([0, 0]))
        assert math.isfinite(loss) and loss == pytest.approx(500.0, rel=1e-15)
        np.testing.assert_array_equal(p, [[1.0, 0.0], [0.0, 1.0]])
        # dscores = (p - one_hot) / 2: row 0 is exact, row 1 is ([0, 1] - [1, 0]) / 2
        np.testing.assert_array_equal(dscores, [[0.0, 0.0], [-0.5, 0.5]])

    def test_adding_a_constant_to_a_row_changes_nothing(self):
        rng = np.random.default_rng(8)
        scores, labels = rng.standard_normal((3, 4)), np.array([1, 0, 3])
        shifted = scores + np.array([[700.0], [-700.0], [0.5]])
        a, b = ops.softmax_cross_entropy(scores, labels), ops.softmax_cross_entropy(shifted, labels)
        assert a.loss == pytest.approx(b.loss, rel=1e-12)
        np.testing.assert_allclose(a.probabilities, b.probabilities, rtol=1e-12)
        np.testing.assert_allclose(a.dscores, b.dscores, rtol=1e-12, atol=1e-16)

    def test_dtypes(self):
        labels = np.array([0, 1])
        r32 = ops.softmax_cross_entropy(np.zeros((2, 3), np.float32), labels)
        assert r32.probabilities.dtype == np.float32 and r32.dscores.dtype == np.float32
        assert isinstance(r32.loss, float)
        r_int = ops.softmax_cross_entropy(np.zeros((2, 3), np.int8), labels)
        assert r_int.probabilities.dtype == np.float64 and r_int.dscores.dtype == np.float64
        # big integer scores: the row maximum is subtracted, no overflow of exp
        r_big = ops.softmax_cross_entropy(np.array([[10**6, 0]], np.int64), np.array([1]))
        assert r_big.loss == pytest.approx(1e6, rel=1e-15)
        for label_dtype in (np.uint8, np.int16, np.int64):
            same = ops.softmax_cross_entropy(np.zeros((2, 3)), labels.astype(label_dtype))
            assert same.loss == pytest.approx(math.log(3), rel=1e-15)

    def test_read_only_inputs_unchanged(self):
        scores, labels = read_only([[1.0, 2.0], [3.0, -1.0]]), read_only([1, 0])
        result = ops.softmax_cross_entropy(scores, labels)
        np.testing.assert_array_equal(scores, [[1.0, 2.0], [3.0, -1.0]])
        np.testing.assert_array_equal(labels, [1, 0])
        result.dscores[...] = 0
        result.probabilities[...] = 0

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_nonfinite_scores_are_refused(self, bad):
        scores = np.zeros((2, 3))
        scores[1, 2] = bad
        with pytest.raises(ValueError, match=r"^scores must be finite"):
            ops.softmax_cross_entropy(scores, np.array([0, 1]))

    @pytest.mark.parametrize(("labels", "error", "match"), [
        (np.array([0.0, 1.0]), TypeError, r"^labels must be integers, got dtype float64"),
        (np.array([True, False]), TypeError, r"^labels must be integers, got dtype bool"),
        (np.array([0j, 1j]), TypeError, r"^labels must be integers, got dtype complex128"),
        (np.array(["0", "1"]), TypeError, r"^labels must be integers, got dtype <U1"),
        (np.array([0, 3]), ValueError, r"^labels must be in 0 \.\. 2 \(scores has 3 columns\)"),
        (np.array([-1, 0]), ValueError, r"^labels must be in 0 \.\. 2"),
        (np.array([0, 1, 2]), ValueError, r"^labels has 3 values but scores has 2 rows"),
        (np.array([0]), ValueError, r"^labels has 1 values"),
        (np.array([[0, 1]]), ValueError, r"^labels must have 1 dimensions"),
        ([0, 1], TypeError, r"^labels must be a numpy array"),
        (None, TypeError, r"^labels must be a numpy array"),
    ])
    def test_bad_labels(self, labels, error, match):
        with pytest.raises(error, match=match):
            ops.softmax_cross_entropy(np.zeros((2, 3)), labels)

    @pytest.mark.parametrize(("scores", "error"), [
        (np.zeros(3), ValueError), (np.zeros((2, 3, 1)), ValueError), (None, TypeError),
        (np.zeros((2, 3), complex), TypeError), (np.zeros((0, 3)), ValueError)])
    def test_bad_scores(self, scores, error):
        with pytest.raises(error, match=r"^scores "):
            ops.softmax_cross_entropy(scores, np.array([0, 1]))


# -- the backward passes chained, as notebook 09 trains a NIN --------------------------

def nin_forward(x, w1, b1, w2, b2):
    """3x3 conv (pad 1) -> ReLU -> 2x2 max pool -> 1x1 conv to class maps -> GAP."""
    z1 = ops.conv2d(x, w1, b1, pad=1)
    a1 = ops.relu(z1)
    p1 = ops.pool2d(a1)
    z2 = ops.conv2d(p1, w2, b2)
    return z1, a1, p1, z2, ops.global_average_pool(z2)


def test_nin_gradients_by_central_differences():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((3, 4, 4, 2))
    w1, b1 = rng.standard_normal((3, 3, 2, 4)), rng.standard_normal(4)
    w2, b2 = rng.standard_normal((1, 1, 4, 3)), rng.standard_normal(3)
    labels = np.array([0, 2, 1])

    def loss(w1_, b1_, w2_, b2_):
        return ops.softmax_cross_entropy(nin_forward(x, w1_, b1_, w2_, b2_)[-1], labels).loss

    z1, a1, p1, z2, scores = nin_forward(x, w1, b1, w2, b2)
    ce = ops.softmax_cross_entropy(scores, labels)
    dz2 = ops.global_average_pool_backward(z2, ce.dscores)
    dp1, dw2, db2 = ops.conv2d_backward(p1, w2, dz2)
    da1 = ops.pool2d_backward(a1, dp1)
    _, dw1, db1 = ops.conv2d_backward(x, w1, ops.relu_backward(z1, da1), pad=1)
    for grad, numeric in [
        (dw1, central_difference(lambda a: loss(a, b1, w2, b2), w1)),
        (db1, central_difference(lambda a: loss(w1, a, w2, b2), b1)),
        (dw2, central_difference(lambda a: loss(w1, b1, a, b2), w2)),
        (db2, central_difference(lambda a: loss(w1, b1, w2, a), b2)),
    ]:
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


# -- PyTorch cross-check (optional: skipped when torch is not installed) ---------------

def to_torch(torch, array, requires_grad=True):
    """A float64 tensor copy; volumes (m, n_H, n_W, n_C) become NCHW (m, n_C, n_H, n_W)."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 4:
        array = array.transpose(0, 3, 1, 2)
    return torch.tensor(np.ascontiguousarray(array), dtype=torch.float64,
                        requires_grad=requires_grad)


def from_torch(tensor) -> np.ndarray:
    """Back to numpy; NCHW becomes channels-last."""
    array = tensor.detach().numpy()
    return array.transpose(0, 2, 3, 1) if array.ndim == 4 else array


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-12)


class TestAgainstPyTorch:
    @pytest.mark.parametrize(("shape", "f", "stride", "pad", "n_F"), CONV_CASES)
    def test_conv2d(self, shape, f, stride, pad, n_F):
        torch = pytest.importorskip("torch")
        x, w, b, R = conv_case(shape, f, stride, pad, n_F, seed=10)
        x4, R4 = as_batch(x), as_batch(R)
        x_t = to_torch(torch, x4)
        # torch's weight is (n_F, n_C, f, f); ours is (f, f, n_C, n_F)
        w_t = torch.tensor(np.ascontiguousarray(w.transpose(3, 2, 0, 1)), dtype=torch.float64,
                           requires_grad=True)
        b_t = to_torch(torch, b)
        z_t = torch.nn.functional.conv2d(x_t, w_t, b_t, stride=stride, padding=pad)
        assert_close(as_batch(ops.conv2d(x, w, b, stride=stride, pad=pad)), from_torch(z_t))
        z_t.backward(to_torch(torch, R4, requires_grad=False))
        dx, dw, db = ops.conv2d_backward(x, w, R, stride=stride, pad=pad)
        assert_close(as_batch(dx), from_torch(x_t.grad))
        assert_close(dw, w_t.grad.numpy().transpose(2, 3, 1, 0))
        assert_close(db, b_t.grad.numpy())

    @pytest.mark.parametrize("mode", ["max", "average"])
    @pytest.mark.parametrize(("shape", "f", "stride"), POOL_CASES)
    def test_pool2d(self, shape, f, stride, mode):
        torch = pytest.importorskip("torch")
        x, R = pool_case(shape, f, stride, mode, seed=11)
        x_t = to_torch(torch, as_batch(x))
        pool = (torch.nn.functional.max_pool2d if mode == "max"
                else torch.nn.functional.avg_pool2d)
        a_t = pool(x_t, kernel_size=f, stride=stride)
        assert_close(as_batch(ops.pool2d(x, f, stride, mode)), from_torch(a_t))
        a_t.backward(to_torch(torch, as_batch(R), requires_grad=False))
        assert_close(as_batch(ops.pool2d_backward(x, R, f, stride, mode)), from_torch(x_t.grad))

    @pytest.mark.parametrize(("f", "stride"), [(2, 2), (3, 1), (2, 1)])
    def test_max_pool2d_ties(self, f, stride):
        """PyTorch's CPU max pooling also keeps the first maximum of a window."""
        torch = pytest.importorskip("torch")
        rng = np.random.default_rng(12)
        x = rng.integers(0, 2, size=(2, 6, 7, 3)).astype(np.float64)
        x_t = to_torch(torch, x)
        a_t = torch.nn.functional.max_pool2d(x_t, kernel_size=f, stride=stride)
        da = rng.standard_normal(from_torch(a_t).shape)
        a_t.backward(to_torch(torch, da, requires_grad=False))
        assert_close(ops.pool2d_backward(x, da, f, stride), from_torch(x_t.grad))

    def test_max_pool2d_with_one_nan_per_window(self):
        # one NaN in a window: both send the gradient to it (with several NaNs in one
        # window PyTorch's CPU kernel picks the last, pool2d_backward the first)
        torch = pytest.importorskip("torch")
        x, R = pool_case((2, 4, 6, 2), 2, 2, "max", seed=16)
        x[0, 1, 2, 0] = x[1, 2, 5, 1] = x[1, 0, 0, 0] = np.nan
        x_t = to_torch(torch, x)
        a_t = torch.nn.functional.max_pool2d(x_t, kernel_size=2, stride=2)
        assert_close(ops.pool2d(x), from_torch(a_t))  # NaN at the same places
        a_t.backward(to_torch(torch, R, requires_grad=False))
        assert_close(ops.pool2d_backward(x, R), from_torch(x_t.grad))

    @pytest.mark.parametrize("shape", [(3, 4, 2), (2, 3, 5, 4)])
    def test_global_average_pool(self, shape):
        torch = pytest.importorskip("torch")
        rng = np.random.default_rng(13)
        x = rng.standard_normal(shape)
        R = rng.standard_normal((*shape[:-3], shape[-1]))
        for head in ("adaptive", "mean"):
            x_t = to_torch(torch, as_batch(x))
            if head == "adaptive":
                s_t = torch.nn.functional.adaptive_avg_pool2d(x_t, 1).flatten(1)
            else:
                s_t = x_t.mean(dim=(2, 3))
            assert_close(ops.global_average_pool(x).reshape(-1, shape[-1]),
                         s_t.detach().numpy())
            s_t.backward(to_torch(torch, R.reshape(-1, shape[-1]), requires_grad=False))
            assert_close(as_batch(ops.global_average_pool_backward(x, R)), from_torch(x_t.grad))

    @pytest.mark.parametrize("scale", [1.0, 10.0, 1000.0])
    def test_cross_entropy(self, scale):
        torch = pytest.importorskip("torch")
        rng = np.random.default_rng(14)
        scores = scale * rng.standard_normal((6, 5))
        labels = rng.integers(0, 5, 6)
        s_t = to_torch(torch, scores)
        loss_t = torch.nn.functional.cross_entropy(s_t, torch.tensor(labels, dtype=torch.int64))
        loss_t.backward()
        result = ops.softmax_cross_entropy(scores, labels)
        assert result.loss == pytest.approx(loss_t.item(), rel=1e-12, abs=1e-12)
        assert_close(result.probabilities, torch.softmax(s_t, dim=1).detach().numpy())
        assert_close(result.dscores, s_t.grad.numpy())

    def test_nin(self):
        """The whole chain of test_nin_gradients_by_central_differences, by autograd."""
        torch = pytest.importorskip("torch")
        fn = torch.nn.functional
        rng = np.random.default_rng(15)
        x = rng.standard_normal((3, 6, 6, 2))
        w1, b1 = rng.standard_normal((3, 3, 2, 4)), rng.standard_normal(4)
        w2, b2 = rng.standard_normal((1, 1, 4, 3)), rng.standard_normal(3)
        labels = np.array([0, 2, 1])

        w1_t = torch.tensor(np.ascontiguousarray(w1.transpose(3, 2, 0, 1)), requires_grad=True)
        w2_t = torch.tensor(np.ascontiguousarray(w2.transpose(3, 2, 0, 1)), requires_grad=True)
        b1_t, b2_t = to_torch(torch, b1), to_torch(torch, b2)
        hidden = fn.max_pool2d(fn.relu(fn.conv2d(to_torch(torch, x, False), w1_t, b1_t,
                                                 padding=1)), kernel_size=2, stride=2)
        scores_t = fn.conv2d(hidden, w2_t, b2_t).mean(dim=(2, 3))
        loss_t = fn.cross_entropy(scores_t, torch.tensor(labels, dtype=torch.int64))
        loss_t.backward()

        z1, a1, p1, z2, scores = nin_forward(x, w1, b1, w2, b2)
        ce = ops.softmax_cross_entropy(scores, labels)
        assert ce.loss == pytest.approx(loss_t.item(), rel=1e-12)
        dp1, dw2, db2 = ops.conv2d_backward(p1, w2, ops.global_average_pool_backward(z2,
                                                                                     ce.dscores))
        da1 = ops.pool2d_backward(a1, dp1)
        _, dw1, db1 = ops.conv2d_backward(x, w1, ops.relu_backward(z1, da1), pad=1)
        assert_close(dw1, w1_t.grad.numpy().transpose(2, 3, 1, 0))
        assert_close(db1, b1_t.grad.numpy())
        assert_close(dw2, w2_t.grad.numpy().transpose(2, 3, 1, 0))
        assert_close(db2, b2_t.grad.numpy())

"""Tests for onebyone.ops: conv1x1, conv1x1_loops, conv2d, relu, conv_output_size, fiber_dot.

Expected values are computed here, independently of the package: with np.einsum, with
naive Python loops written below, or from mathematical properties.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from onebyone import ops
from onebyone.data import SEED_MATRIX

FAST = settings(max_examples=50, deadline=None)

# values bounded so that float64 sums of at most 6*6*6 products are accurate to ~1e-12
LIMIT = 10.0
FINITE64 = st.floats(-LIMIT, LIMIT, allow_nan=False, allow_infinity=False, width=64)
FINITE32 = st.floats(-LIMIT, LIMIT, allow_nan=False, allow_infinity=False, width=32)
DIM = st.integers(1, 6)

CONV_1X1_FUNCS = [ops.conv1x1, ops.conv1x1_loops]


def conv2d_f1(x, w, b=None):
    """conv2d with a 1x1 filter bank, whatever layout w came in."""
    return ops.conv2d(x, w.reshape(1, 1, *w.shape[-2:]), b)


ALL_1X1 = [ops.conv1x1, ops.conv1x1_loops, conv2d_f1]
ALL_1X1_IDS = ["conv1x1", "conv1x1_loops", "conv2d_f1"]


# --------------------------------------------------------------------------------------
# independent reference implementations
# --------------------------------------------------------------------------------------


def ref_conv1x1(x, w, b=None):
    """1x1 convolution in float64 with einsum: out[..., k] = sum_c x[..., c] * w[c, k] + b[k]."""
    w64 = np.asarray(w, dtype=np.float64)
    w64 = w64.reshape(w64.shape[-2], w64.shape[-1])
    z = np.einsum("...c,cf->...f", np.asarray(x, dtype=np.float64), w64)
    if b is not None:
        z = z + np.asarray(b, dtype=np.float64)
    return z


def naive_positions(n, f, stride, pad):
    """Top-left corners (in padded coordinates) of the windows along one axis."""
    return list(range(0, n + 2 * pad - f + 1, stride))


def ref_conv2d(x, w, b, stride, pad):
    """Textbook convolution with explicit loops over every output number."""
    batch = np.asarray(x, dtype=np.float64)
    single = batch.ndim == 3
    if single:
        batch = batch[np.newaxis]
    m, n_H, n_W, n_C = batch.shape
    f, _, _, n_F = w.shape
    padded = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C))
    for n in range(m):
        for i in range(n_H):
            for j in range(n_W):
                for c in range(n_C):
                    padded[n, i + pad, j + pad, c] = batch[n, i, j, c]
    rows = naive_positions(n_H, f, stride, pad)
    cols = naive_positions(n_W, f, stride, pad)
    out = np.zeros((m, len(rows), len(cols), n_F))
    for n in range(m):
        for oi, r in enumerate(rows):
            for oj, s in enumerate(cols):
                for k in range(n_F):
                    total = 0.0
                    for di in range(f):
                        for dj in range(f):
                            for c in range(n_C):
                                total += float(padded[n, r + di, s + dj, c]) * float(
                                    w[di, dj, c, k]
                                )
                    if b is not None:
                        total += float(b[k])
                    out[n, oi, oj, k] = total
    return out[0] if single else out


def assert_close64(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-9)


def assert_close32(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=2e-3)


# --------------------------------------------------------------------------------------
# hypothesis strategies
# --------------------------------------------------------------------------------------


@st.composite
def conv1x1_cases(draw, dtype=np.float64, elements=FINITE64):
    """(x, w, b) with x 3-D or 4-D, w (n_C, n_F) or (1, 1, n_C, n_F), b None or (n_F,)."""
    shape = (draw(DIM), draw(DIM), draw(DIM))
    if draw(st.booleans()):
        shape = (draw(st.integers(1, 3)), *shape)
    n_C, n_F = shape[-1], draw(DIM)
    x = draw(hnp.arrays(dtype, shape, elements=elements))
    w = draw(hnp.arrays(dtype, (n_C, n_F), elements=elements))
    if draw(st.booleans()):
        w = w.reshape(1, 1, n_C, n_F)
    b = draw(st.none() | hnp.arrays(dtype, (n_F,), elements=elements))
    return x, w, b


@st.composite
def conv2d_cases(draw):
    n_H, n_W = draw(DIM), draw(DIM)
    pad = draw(st.integers(0, 2))
    f = draw(st.integers(1, min(n_H, n_W) + 2 * pad))
    stride = draw(st.integers(1, 3))
    n_C, n_F = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shape = (n_H, n_W, n_C)
    if draw(st.booleans()):
        shape = (draw(st.integers(1, 2)), *shape)
    x = draw(hnp.arrays(np.float64, shape, elements=FINITE64))
    w = draw(hnp.arrays(np.float64, (f, f, n_C, n_F), elements=FINITE64))
    b = draw(st.none() | hnp.arrays(np.float64, (n_F,), elements=FINITE64))
    return x, w, b, stride, pad


# --------------------------------------------------------------------------------------
# conv1x1 == conv1x1_loops == conv2d(f=1) == einsum
# --------------------------------------------------------------------------------------


@FAST
@given(conv1x1_cases())
def test_1x1_implementations_agree_float64(case):
    x, w, b = case
    n_F = w.shape[-1]
    expected = ref_conv1x1(x, w, b)
    for func in ALL_1X1:
        out = func(x, w, b)
        assert out.shape == (*x.shape[:-1], n_F), func
        assert out.dtype == np.float64, func
        assert_close64(out, expected)


@FAST
@given(conv1x1_cases(dtype=np.float32, elements=FINITE32))
def test_1x1_implementations_agree_float32(case):
    x, w, b = case
    expected = ref_conv1x1(x, w, b)
    for func in ALL_1X1:
        out = func(x, w, b)
        assert out.shape == (*x.shape[:-1], w.shape[-1]), func
        assert out.dtype == np.float32, func
        assert_close32(out, expected)


@FAST
@given(conv1x1_cases())
def test_conv1x1_each_pixel_is_fibre_times_filter_matrix(case):
    x, w, b = case
    out = ops.conv1x1(x, w, b)
    w2 = w.reshape(w.shape[-2], w.shape[-1])
    batch = x if x.ndim == 4 else x[np.newaxis]
    out_b = out if out.ndim == 4 else out[np.newaxis]
    for n in range(batch.shape[0]):
        for i in range(batch.shape[1]):
            for j in range(batch.shape[2]):
                for k in range(w2.shape[1]):
                    expected = sum(
                        float(batch[n, i, j, c]) * float(w2[c, k]) for c in range(w2.shape[0])
                    ) + (float(b[k]) if b is not None else 0.0)
                    assert math.isclose(out_b[n, i, j, k], expected, rel_tol=1e-10, abs_tol=1e-9)


@FAST
@given(conv1x1_cases())
def test_batched_equals_one_image_at_a_time(case):
    x, w, b = case
    batch = x if x.ndim == 4 else x[np.newaxis]
    for func in ALL_1X1:
        together = func(batch, w, b)
        one_by_one = np.stack([func(image, w, b) for image in batch])
        assert together.shape == one_by_one.shape
        assert_close64(together, one_by_one)


@FAST
@given(
    conv1x1_cases(),
    st.floats(-3, 3, allow_nan=False, allow_infinity=False),
    st.data(),
)
def test_conv1x1_is_linear(case, a, data):
    x, w, _ = case
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=FINITE64))
    for func in ALL_1X1:
        lhs = func(a * x + y, w)
        rhs = a * func(x, w) + func(y, w)
        np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-8)


@FAST
@given(conv1x1_cases())
def test_bias_adds_per_filter_constant(case):
    x, w, b = case
    if b is None:
        b = np.arange(1.0, w.shape[-1] + 1)
    for func in ALL_1X1:
        assert_close64(func(x, w, b) - func(x, w), np.broadcast_to(b, func(x, w).shape))


def test_w_layouts_give_identical_results():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 4, 5))
    w = rng.standard_normal((5, 6))
    b = rng.standard_normal(6)
    for func in CONV_1X1_FUNCS:
        np.testing.assert_array_equal(func(x, w, b), func(x, w.reshape(1, 1, 5, 6), b))


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "out_shape"),
    [
        ((6, 6, 1), (1, 1), (6, 6, 1)),
        ((28, 28, 192), (192, 32), (28, 28, 32)),
        ((4, 7, 3), (1, 1, 3, 5), (4, 7, 5)),
        ((2, 4, 7, 3), (3, 5), (2, 4, 7, 5)),
        ((1, 1, 1, 1), (1, 1, 1, 9), (1, 1, 1, 9)),
    ],
)
def test_conv1x1_output_shape(x_shape, w_shape, out_shape):
    x = np.ones(x_shape)
    w = np.ones(w_shape)
    n_C = x_shape[-1]
    for func in ALL_1X1:
        out = func(x, w)
        assert out.shape == out_shape
        # all ones in, so every output is the number of channels
        np.testing.assert_array_equal(out, np.full(out_shape, float(n_C)))


# --------------------------------------------------------------------------------------
# the lecture example
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", ALL_1X1, ids=ALL_1X1_IDS)
@pytest.mark.parametrize("w", [np.full((1, 1), 2), np.full((1, 1, 1, 1), 2)], ids=["2d", "4d"])
def test_lecture_example_times_two(func, w):
    x = SEED_MATRIX.reshape(6, 6, 1)
    out = func(x, w)
    assert out.shape == (6, 6, 1)
    np.testing.assert_array_equal(out[:, :, 0], 2 * np.asarray(SEED_MATRIX))
    # the first row the lecture shows
    np.testing.assert_array_equal(out[0, :, 0], [2, 4, 6, 12, 10, 16])
    assert out.dtype == np.float64


# --------------------------------------------------------------------------------------
# conv2d against a naive implementation, and the output size formula
# --------------------------------------------------------------------------------------


@FAST
@given(conv2d_cases())
def test_conv2d_matches_naive_loops(case):
    x, w, b, stride, pad = case
    f = w.shape[0]
    out = ops.conv2d(x, w, b, stride=stride, pad=pad)
    n_H, n_W = x.shape[-3], x.shape[-2]
    n_H_out = math.floor((n_H + 2 * pad - f) / stride) + 1
    n_W_out = math.floor((n_W + 2 * pad - f) / stride) + 1
    assert out.shape == (*x.shape[:-3], n_H_out, n_W_out, w.shape[3])
    assert out.dtype == np.float64
    assert_close64(out, ref_conv2d(x, w, b, stride, pad))


@FAST
@given(conv2d_cases(), st.floats(-3, 3, allow_nan=False, allow_infinity=False), st.data())
def test_conv2d_is_linear(case, a, data):
    x, w, _, stride, pad = case
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=FINITE64))
    lhs = ops.conv2d(a * x + y, w, stride=stride, pad=pad)
    rhs = a * ops.conv2d(x, w, stride=stride, pad=pad) + ops.conv2d(y, w, stride=stride, pad=pad)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-7)


def test_conv2d_known_small_case():
    # 3x3 ones filter on a 4x4 ramp: each output is the sum of a 3x3 window
    x = np.arange(16.0).reshape(4, 4, 1)
    w = np.ones((3, 3, 1, 1))
    out = ops.conv2d(x, w)
    expected = [[x[i:i + 3, j:j + 3].sum() for j in range(2)] for i in range(2)]
    np.testing.assert_array_equal(out[:, :, 0], expected)
    # with pad=1 the corner window sees only x[0:2, 0:2]
    padded = ops.conv2d(x, w, pad=1)
    assert padded.shape == (4, 4, 1)
    assert padded[0, 0, 0] == x[0:2, 0:2].sum()
    # stride 2 on a 5x5 input with a 3x3 filter: floor((5-3)/2)+1 = 2
    assert ops.conv2d(np.ones((5, 5, 1)), w, stride=2).shape == (2, 2, 1)


@FAST
@given(
    n=st.integers(1, 60),
    f=st.integers(1, 20),
    stride=st.integers(1, 7),
    pad=st.integers(0, 5),
)
def test_conv_output_size_formula(n, f, stride, pad):
    if f > n + 2 * pad:
        with pytest.raises(ValueError, match=rf"the filter \(f={f}\) is larger"):
            ops.conv_output_size(n, f, stride, pad)
        return
    size = ops.conv_output_size(n, f, stride, pad)
    assert type(size) is int
    assert size == math.floor((n + 2 * pad - f) / stride) + 1
    assert size == len(naive_positions(n, f, stride, pad))


def test_conv_output_size_course_values():
    # "same" convolution: f=3, pad=1 keeps the size; f=5, pad=2 too
    assert ops.conv_output_size(28, 3, 1, 1) == 28
    assert ops.conv_output_size(28, 5, 1, 2) == 28
    assert ops.conv_output_size(6, 3) == 4
    assert ops.conv_output_size(7, 3, stride=2) == 3
    assert ops.conv_output_size(np.int64(6), np.int64(1)) == 6


# --------------------------------------------------------------------------------------
# relu
# --------------------------------------------------------------------------------------


@FAST
@given(
    hnp.arrays(
        st.sampled_from([np.float64, np.float32]),
        hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=6),
        elements=st.floats(-LIMIT, LIMIT, allow_nan=False, allow_infinity=False, width=32),
    )
)
def test_relu_properties(z):
    out = ops.relu(z)
    assert out.shape == z.shape
    assert out.dtype == z.dtype
    np.testing.assert_array_equal(out, np.where(z > 0, z, 0))
    assert np.all(out >= 0)
    np.testing.assert_array_equal(ops.relu(out), out)  # idempotent
    np.testing.assert_array_equal(out - ops.relu(-z), z)  # relu(z) - relu(-z) == z


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint8, np.float32, np.float64])
def test_relu_keeps_dtype(dtype):
    values = [0, 1, 5] if np.dtype(dtype).kind == "u" else [-3, 0, 1, 5]
    z = np.array(values, dtype=dtype)
    out = ops.relu(z)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, [max(int(v), 0) for v in z])


@pytest.mark.parametrize("value", [-1.5, 0.0, 2.5])
def test_relu_zero_dim_array_gives_array(value):
    """relu works on any shape, 0-d included, and returns an ndarray it accepts again."""
    z = np.array(value)
    out = ops.relu(z)
    assert isinstance(out, np.ndarray)
    assert out.shape == ()
    assert out.dtype == np.float64
    assert float(out) == max(value, 0.0)
    assert float(ops.relu(out)) == max(value, 0.0)


def test_relu_nan_and_inf():
    z = np.array([np.nan, np.inf, -np.inf, -1.0, 0.0, 2.5])
    out = ops.relu(z)
    assert np.isnan(out[0])
    assert out[1] == np.inf
    assert out[2] == 0.0
    np.testing.assert_array_equal(out[3:], [0.0, 0.0, 2.5])


# --------------------------------------------------------------------------------------
# dtype rules
# --------------------------------------------------------------------------------------

F32, F64 = np.float32, np.float64


@pytest.mark.parametrize("func", ALL_1X1, ids=ALL_1X1_IDS)
@pytest.mark.parametrize(
    ("x_dtype", "w_dtype", "b_dtype", "out_dtype"),
    [
        (F32, F32, None, F32),
        (F32, F32, F32, F32),
        (F64, F64, None, F64),
        (F64, F64, F64, F64),
        (F32, F64, None, F64),
        (F64, F32, None, F64),
        (F32, F32, F64, F64),
        (np.int64, np.int64, None, F64),
        (np.int32, np.int32, np.int32, F64),
        (np.uint8, np.uint8, None, F64),
        (np.int16, F32, None, F64),
        (F32, np.int64, None, F64),
        (F32, F32, np.int64, F64),
    ],
)
def test_dtype_rules(func, x_dtype, w_dtype, b_dtype, out_dtype):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, size=(2, 3, 4)).astype(x_dtype)
    w = rng.integers(0, 5, size=(4, 3)).astype(w_dtype)
    b = None if b_dtype is None else rng.integers(0, 5, size=3).astype(b_dtype)
    out = func(x, w, b)
    assert out.dtype == out_dtype
    np.testing.assert_array_equal(out, ref_conv1x1(x, w, b))  # small ints: exact


@pytest.mark.parametrize("func", ALL_1X1, ids=ALL_1X1_IDS)
@pytest.mark.parametrize(
    "int_dtype", [np.uint8, np.int8, np.uint16, np.int16, np.int32, np.int64]
)
def test_integer_inputs_are_computed_in_float64(func, int_dtype):
    """Integers count as float64: products that overflow the integer type must not wrap.

    A uint8 image (values up to 255) times uint8 weights is the everyday case.
    """
    top = int(np.iinfo(int_dtype).max)
    x = np.array([[[top, top - 1], [top - 2, 3]]], dtype=int_dtype)  # (1, 2, 2)
    w = np.array([[2, 3], [3, 2]], dtype=int_dtype)
    expected = ref_conv1x1(x, w)  # e.g. uint8: 255*2 + 254*3 = 1272, not (1272 mod 256)
    # silence overflow warnings so that a wrong result shows as a value mismatch
    with np.errstate(over="ignore"):
        out = func(x, w)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, expected, rtol=1e-12)


# --------------------------------------------------------------------------------------
# inputs are never modified (read-only inputs work)
# --------------------------------------------------------------------------------------


def read_only(a):
    a = np.array(a)  # own copy
    a.flags.writeable = False
    return a


@pytest.mark.parametrize("func", ALL_1X1, ids=ALL_1X1_IDS)
@pytest.mark.parametrize(
    ("x_dtype", "w_dtype", "w_shape"),
    [
        (F64, F64, (4, 3)),
        (F64, F64, (1, 1, 4, 3)),
        (F32, F32, (4, 3)),
        (F32, F64, (4, 3)),
        (np.int64, np.int64, (1, 1, 4, 3)),
    ],
)
@pytest.mark.parametrize("batched", [False, True])
def test_1x1_read_only_inputs(func, x_dtype, w_dtype, w_shape, batched):
    rng = np.random.default_rng(11)
    shape = (2, 3, 5, 4) if batched else (3, 5, 4)
    x = read_only((rng.standard_normal(shape) * 3).astype(x_dtype))
    w = read_only((rng.standard_normal(w_shape) * 3).astype(w_dtype))
    b = read_only((rng.standard_normal(3) * 3).astype(w_dtype))
    x0, w0, b0 = x.copy(), w.copy(), b.copy()
    out = func(x, w, b)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(b, b0)
    assert not np.shares_memory(out, x)
    assert out.flags.writeable
    tol = assert_close32 if out.dtype == np.float32 else assert_close64
    tol(out, ref_conv1x1(x, w, b))


@pytest.mark.parametrize("dtype", [F64, F32, np.int64])
@pytest.mark.parametrize(("stride", "pad"), [(1, 0), (2, 1)])
def test_conv2d_read_only_inputs(dtype, stride, pad):
    rng = np.random.default_rng(12)
    x = read_only((rng.standard_normal((2, 5, 6, 3)) * 3).astype(dtype))
    w = read_only((rng.standard_normal((3, 3, 3, 2)) * 3).astype(dtype))
    b = read_only((rng.standard_normal(2) * 3).astype(dtype))
    x0, w0, b0 = x.copy(), w.copy(), b.copy()
    out = ops.conv2d(x, w, b, stride=stride, pad=pad)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(b, b0)
    assert not np.shares_memory(out, x)
    tol = assert_close32 if out.dtype == np.float32 else assert_close64
    tol(out, ref_conv2d(x, w, b, stride, pad))


@pytest.mark.parametrize("dtype", [F64, F32, np.int64])
def test_relu_read_only_input(dtype):
    z = read_only(np.array([[-2, 0, 3], [4, -5, 1]], dtype=dtype))
    z0 = z.copy()
    out = ops.relu(z)
    np.testing.assert_array_equal(z, z0)
    assert not np.shares_memory(out, z)
    np.testing.assert_array_equal(out, [[0, 0, 3], [4, 0, 1]])
    out[...] = 7  # the result is the caller's own array
    np.testing.assert_array_equal(z, z0)


def test_fiber_dot_read_only_inputs():
    rng = np.random.default_rng(13)
    x = read_only(rng.standard_normal((3, 4, 5)))
    w = read_only(rng.standard_normal(5))
    x0, w0 = x.copy(), w.copy()
    result = ops.fiber_dot(x, w, 2, 3, bias=0.5)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)
    # the returned arrays are not views the caller could use to write into x or w
    for part in (result.values, result.weights, result.products):
        assert not np.shares_memory(part, x)
        assert not np.shares_memory(part, w)


# --------------------------------------------------------------------------------------
# NaN and inf
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", ALL_1X1, ids=ALL_1X1_IDS)
@pytest.mark.parametrize("weights", ["random", "with_zeros", "all_zero"])
@pytest.mark.parametrize("dtype", [F64, F32])
def test_nan_in_fibre_makes_that_pixel_nan(func, weights, dtype):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 5, 3)).astype(dtype)
    w = rng.standard_normal((3, 4)).astype(dtype)
    if weights == "with_zeros":
        w[1, :2] = 0.0  # the NaN's channel has zero weight for two filters
    elif weights == "all_zero":
        w[...] = 0.0
    x[1, 2, 3, 1] = np.nan
    out = func(x, w)
    assert np.isnan(out[1, 2, 3]).all()
    mask = np.ones(out.shape[:-1], dtype=bool)
    mask[1, 2, 3] = False
    assert np.isfinite(out[mask]).all()


@pytest.mark.parametrize("func", ALL_1X1, ids=ALL_1X1_IDS)
def test_inf_propagates_as_in_numpy(func):
    x = np.ones((3, 3, 2))
    x[0, 1, 0] = np.inf
    x[2, 2, 1] = -np.inf
    w = np.array([[1.0, -1.0, 0.0, 2.0], [1.0, 1.0, 1.0, 0.5]])
    # inf * 0 is NaN: documented, so no "invalid value" warning (this suite makes
    # warnings errors), whichever kernel the CPU runs
    out = func(x, w)
    # pixel (0, 1): fibre [inf, 1]: inf*1+1, inf*-1+1, inf*0+1 (nan), inf*2+0.5
    assert out[0, 1, 0] == np.inf
    assert out[0, 1, 1] == -np.inf
    assert np.isnan(out[0, 1, 2])
    assert out[0, 1, 3] == np.inf
    # pixel (2, 2): fibre [1, -inf]
    assert out[2, 2, 0] == -np.inf
    assert out[2, 2, 1] == -np.inf
    assert out[2, 2, 2] == -np.inf
    assert out[2, 2, 3] == -np.inf
    mask = np.ones((3, 3), dtype=bool)
    mask[0, 1] = mask[2, 2] = False
    np.testing.assert_array_equal(out[mask], np.broadcast_to([2.0, 0.0, 1.0, 2.5], (7, 4)))


@pytest.mark.parametrize(("f", "stride", "pad"), [(3, 1, 1), (3, 1, 0), (2, 2, 0), (3, 2, 1)])
def test_conv2d_nan_reaches_exactly_the_windows_that_contain_it(f, stride, pad):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((6, 6, 2))
    x[2, 3, 1] = np.nan
    w = rng.standard_normal((f, f, 2, 3))
    out = ops.conv2d(x, w, stride=stride, pad=pad)
    rows = naive_positions(6, f, stride, pad)
    cols = naive_positions(6, f, stride, pad)
    for oi, r in enumerate(rows):
        for oj, s in enumerate(cols):
            # the window covers input rows r-pad .. r-pad+f-1
            contains = r - pad <= 2 < r - pad + f and s - pad <= 3 < s - pad + f
            if contains:
                assert np.isnan(out[oi, oj]).all(), (oi, oj)
            else:
                assert np.isfinite(out[oi, oj]).all(), (oi, oj)


# --------------------------------------------------------------------------------------
# fiber_dot
# --------------------------------------------------------------------------------------


@FAST
@given(
    conv1x1_cases(),
    st.floats(-LIMIT, LIMIT, allow_nan=False, allow_infinity=False),
    st.data(),
)
def test_fiber_dot_consistent_with_conv1x1_and_relu(case, bias, data):
    x, w, _ = case
    x = x[0] if x.ndim == 4 else x
    w = w.reshape(w.shape[-2], w.shape[-1])
    n_H, n_W, n_C = x.shape
    i = data.draw(st.integers(0, n_H - 1))
    j = data.draw(st.integers(0, n_W - 1))
    k = data.draw(st.integers(0, w.shape[1] - 1))
    result = ops.fiber_dot(x, w[:, k], i, j, bias=bias)

    np.testing.assert_array_equal(result.values, x[i, j, :])
    np.testing.assert_array_equal(result.weights, w[:, k])
    np.testing.assert_array_equal(result.products, x[i, j, :] * w[:, k])
    assert result.values.shape == result.weights.shape == result.products.shape == (n_C,)
    assert isinstance(result.total, float)
    assert isinstance(result.activation, float)
    naive_total = sum(float(x[i, j, c]) * float(w[c, k]) for c in range(n_C)) + bias
    assert math.isclose(result.total, naive_total, rel_tol=1e-10, abs_tol=1e-9)
    assert result.activation == max(result.total, 0.0)

    z = ops.conv1x1(x, w, np.full(w.shape[1], bias))
    assert math.isclose(result.total, z[i, j, k], rel_tol=1e-10, abs_tol=1e-9)
    assert math.isclose(result.activation, ops.relu(z)[i, j, k], rel_tol=1e-10, abs_tol=1e-9)


def test_fiber_dot_lecture_example():
    x = SEED_MATRIX.reshape(6, 6, 1)
    result = ops.fiber_dot(x, np.array([2]), 0, 3)
    np.testing.assert_array_equal(result.values, [6])
    np.testing.assert_array_equal(result.products, [12])
    assert result.total == 12.0
    assert result.activation == 12.0
    negative = ops.fiber_dot(x, np.array([-2]), 0, 3, bias=1.0)
    assert negative.total == -11.0
    assert negative.activation == 0.0


def test_fiber_dot_nan_propagates():
    x = np.ones((2, 2, 3))
    x[1, 0, 2] = np.nan
    result = ops.fiber_dot(x, np.array([1.0, 0.0, 0.0]), 1, 0)
    assert np.isnan(result.products[2])
    assert math.isnan(result.total)
    assert math.isnan(result.activation)
    assert ops.fiber_dot(x, np.array([1.0, 0.0, 0.0]), 0, 0).total == 1.0


# --------------------------------------------------------------------------------------
# bad input: TypeError / ValueError naming the argument and what came
# --------------------------------------------------------------------------------------

E = re.escape
X32 = np.ones((4, 4, 32))
W32 = np.ones((32, 8))
B8 = np.ones(8)
W33 = np.ones((3, 3, 32, 8))


def _x(shape=(4, 4, 32), dtype=np.float64):
    return np.ones(shape, dtype=dtype)


NONREAL = [
    (np.full((2, 2, 3), "a"), "<U1"),
    (np.ones((2, 2, 3)).astype(object), "object"),
    (np.ones((2, 2, 3), dtype=bool), "bool"),
    (np.ones((2, 2, 3), dtype=np.complex128), "complex128"),
]

# (x, w, b, exception, regex) shared by conv1x1 and conv1x1_loops
BAD_1X1 = [
    pytest.param(None, W32, None, TypeError, E("x must be a numpy array, got None"), id="x-None"),
    pytest.param(
        [[[1.0] * 32] * 4] * 4, W32, None, TypeError,
        E("x must be a numpy array, got a list (wrap it with np.asarray)"), id="x-list",
    ),
    pytest.param(X32, None, None, TypeError, E("w must be a numpy array, got None"), id="w-None"),
    pytest.param(
        X32, [[1.0] * 8] * 32, None, TypeError, E("w must be a numpy array, got a list"),
        id="w-list",
    ),
    pytest.param(
        X32, W32, [1.0] * 8, TypeError, E("b must be a numpy array, got a list"), id="b-list",
    ),
    pytest.param(
        np.ones((4, 32)), W32, None, ValueError,
        E("x must have 3 or 4 dimensions") + ".*" + E("got 2 dimensions with shape (4, 32)"),
        id="x-2d",
    ),
    pytest.param(
        np.ones((1, 2, 4, 4, 32)), W32, None, ValueError,
        E("x must have 3 or 4 dimensions")
        + ".*"
        + E("got 5 dimensions with shape (1, 2, 4, 4, 32)"),
        id="x-5d",
    ),
    pytest.param(
        X32, np.ones(32), None, ValueError,
        E("w must have 2 or 4 dimensions") + ".*" + r"got 1 dimensions with shape \(32,?\)",
        id="w-1d",
    ),
    pytest.param(
        X32, np.ones((1, 32, 8)), None, ValueError,
        E("w must have 2 or 4 dimensions") + ".*" + E("got 3 dimensions with shape (1, 32, 8)"),
        id="w-3d",
    ),
    pytest.param(
        X32, np.ones((16, 8)), None, ValueError,
        E("w has 16 input channels but x has 32 channels") + ".*" + E("(4, 4, 32)"),
        id="channels-2d-w",
    ),
    pytest.param(
        _x((2, 4, 4, 32)), np.ones((1, 1, 16, 8)), None, ValueError,
        E("w has 16 input channels but x has 32 channels") + ".*" + E("(2, 4, 4, 32)"),
        id="channels-4d-w-batched-x",
    ),
    pytest.param(
        X32, W32, np.ones(5), ValueError, E("b has 5 values but w has 8 filters"),
        id="b-length",
    ),
    pytest.param(
        X32, W32, np.ones((8, 1)), ValueError,
        E("b must have 1 dimensions") + ".*" + E("got 2 dimensions with shape (8, 1)"),
        id="b-2d",
    ),
    pytest.param(
        X32, W33, None, ValueError,
        E("w must be a bank of 1x1 filters") + ".*" + E("got shape (3, 3, 32, 8)")
        + ".*" + E("conv2d"),
        id="3x3-filter",
    ),
    pytest.param(
        X32, np.ones((1, 3, 32, 8)), None, ValueError,
        E("w must be a bank of 1x1 filters") + ".*" + E("got shape (1, 3, 32, 8)"),
        id="1x3-filter",
    ),
    pytest.param(
        _x((4, 4, 0)), np.ones((0, 8)), None, ValueError,
        E("x must not be empty, got shape (4, 4, 0)"), id="x-0-channels",
    ),
    pytest.param(
        _x((0, 4, 32)), W32, None, ValueError, E("x must not be empty, got shape (0, 4, 32)"),
        id="x-0-rows",
    ),
    pytest.param(
        X32, np.ones((32, 0)), None, ValueError, E("w must not be empty, got shape (32, 0)"),
        id="w-0-filters",
    ),
    pytest.param(
        X32, W32, np.ones(0), ValueError, r"b must not be empty, got shape \(0,?\)",
        id="b-empty",
    ),
]
for _arr, _name in NONREAL:
    _m = E(f"must hold real numbers (an integer or float dtype), got dtype {_name}")
    BAD_1X1 += [
        pytest.param(_arr, np.ones((3, 2)), None, TypeError, "x " + _m, id=f"x-{_name}"),
        pytest.param(_x((2, 2, 3)), _arr[0], None, TypeError, "w " + _m, id=f"w-{_name}"),
        pytest.param(
            _x((2, 2, 3)), np.ones((3, 2)), _arr[0, 0, :2], TypeError, "b " + _m,
            id=f"b-{_name}",
        ),
    ]


@pytest.mark.parametrize("func", CONV_1X1_FUNCS, ids=["conv1x1", "conv1x1_loops"])
@pytest.mark.parametrize(("x", "w", "b", "exc", "match"), BAD_1X1)
def test_conv1x1_bad_input(func, x, w, b, exc, match):
    with pytest.raises(exc, match=match):
        func(x, w, b)


# (x, w, b, stride, pad, exception, regex)
BAD_CONV2D = [
    pytest.param(None, W33, None, 1, 0, TypeError, E("x must be a numpy array, got None"),
                 id="x-None"),
    pytest.param(X32, [[[[1.0]]]], None, 1, 0, TypeError,
                 E("w must be a numpy array, got a list"), id="w-list"),
    pytest.param(np.ones((4, 4)), W33, None, 1, 0, ValueError,
                 E("x must have 3 or 4 dimensions") + ".*" + E("shape (4, 4)"), id="x-2d"),
    pytest.param(X32, W32, None, 1, 0, ValueError,
                 E("w must have 4 dimensions (f, f, n_C, n_F), got 2 dimensions with shape "
                   "(32, 8)"), id="w-2d"),
    pytest.param(X32, np.ones((3, 2, 32, 8)), None, 1, 0, ValueError,
                 E("w must have square f x f filters, got shape (3, 2, 32, 8)"),
                 id="non-square"),
    pytest.param(X32, np.ones((3, 3, 16, 8)), None, 1, 0, ValueError,
                 E("w has 16 input channels but x has 32 channels"), id="channels"),
    pytest.param(X32, W33, np.ones(5), 1, 0, ValueError,
                 E("b has 5 values but w has 8 filters"), id="b-length"),
    pytest.param(_x((4, 4, 0)), np.ones((3, 3, 0, 8)), None, 1, 0, ValueError,
                 E("x must not be empty, got shape (4, 4, 0)"), id="x-empty"),
    pytest.param(np.ones((4, 4, 32), dtype=bool), W33, None, 1, 0, TypeError,
                 E("x must hold real numbers") + ".*bool", id="x-bool"),
    pytest.param(X32, W33.astype(np.complex64), None, 1, 0, TypeError,
                 E("w must hold real numbers") + ".*complex64", id="w-complex"),
    pytest.param(X32, W33, None, 0, 0, ValueError, E("stride must be positive, got 0"),
                 id="stride-0"),
    pytest.param(X32, W33, None, -2, 0, ValueError, E("stride must be positive, got -2"),
                 id="stride-negative"),
    pytest.param(X32, W33, None, 1.0, 0, TypeError,
                 E("stride must be an integer, got a float (1.0)"), id="stride-float"),
    pytest.param(X32, W33, None, True, 0, TypeError,
                 E("stride must be an integer, got a bool (True)"), id="stride-bool"),
    pytest.param(X32, W33, None, None, 0, TypeError,
                 E("stride must be an integer, got None"), id="stride-None"),
    pytest.param(X32, W33, None, 1, -1, ValueError, E("pad must be >= 0, got -1"),
                 id="pad-negative"),
    pytest.param(X32, W33, None, 1, 1.5, TypeError,
                 E("pad must be an integer, got a float (1.5)"), id="pad-float"),
    pytest.param(X32, W33, None, 1, False, TypeError,
                 E("pad must be an integer, got a bool (False)"), id="pad-bool"),
    pytest.param(_x((2, 2, 32)), np.ones((5, 5, 32, 8)), None, 1, 1, ValueError,
                 E("w has 5x5 filters, larger than x padded by pad=1: 4x4"),
                 id="filter-too-large"),
]


@pytest.mark.parametrize(("x", "w", "b", "stride", "pad", "exc", "match"), BAD_CONV2D)
def test_conv2d_bad_input(x, w, b, stride, pad, exc, match):
    with pytest.raises(exc, match=match):
        ops.conv2d(x, w, b, stride=stride, pad=pad)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": 0, "f": 1}, ValueError, E("n must be positive, got 0")),
        ({"n": 5, "f": 0}, ValueError, E("f must be positive, got 0")),
        ({"n": 5, "f": -3}, ValueError, E("f must be positive, got -3")),
        ({"n": 5.0, "f": 1}, TypeError, E("n must be an integer, got a float (5.0)")),
        ({"n": 5, "f": True}, TypeError, E("f must be an integer, got a bool (True)")),
        ({"n": None, "f": 1}, TypeError, E("n must be an integer, got None")),
        ({"n": "5", "f": 1}, TypeError, E("n must be an integer, got a str ('5')")),
        ({"n": 5, "f": 1, "stride": 0}, ValueError, E("stride must be positive, got 0")),
        ({"n": 5, "f": 1, "stride": 2.0}, TypeError, E("stride must be an integer")),
        ({"n": 5, "f": 1, "pad": -1}, ValueError, E("pad must be >= 0, got -1")),
        ({"n": 5, "f": 1, "pad": 0.5}, TypeError, E("pad must be an integer, got a float")),
        ({"n": 3, "f": 4}, ValueError,
         E("the filter (f=4) is larger than the padded input (n + 2*pad = 3 + 2*0 = 3)")),
    ],
)
def test_conv_output_size_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ops.conv_output_size(**kwargs)


@pytest.mark.parametrize(
    ("z", "exc", "match"),
    [
        (None, TypeError, E("z must be a numpy array, got None")),
        ([1.0, -1.0], TypeError, E("z must be a numpy array, got a list (wrap it")),
        (3.0, TypeError, E("z must be a numpy array, got a float")),
        (np.array(["a", "b"]), TypeError, E("z must hold real numbers") + ".*<U1"),
        (np.array([1, None]), TypeError, E("z must hold real numbers") + ".*object"),
        (np.array([True, False]), TypeError, E("z must hold real numbers") + ".*bool"),
        (np.array([1 + 1j]), TypeError, E("z must hold real numbers") + ".*complex128"),
        (np.ones((3, 0)), ValueError, E("z must not be empty, got shape (3, 0)")),
    ],
)
def test_relu_bad_input(z, exc, match):
    with pytest.raises(exc, match=match):
        ops.relu(z)


X453 = np.ones((4, 5, 3))
W3 = np.ones(3)


@pytest.mark.parametrize(
    ("x", "w", "i", "j", "bias", "exc", "match"),
    [
        pytest.param(X453, W3, 4, 0, 0.0, ValueError,
                     E("i must be < 4 (x has shape (4, 5, 3)), got 4"), id="i-too-large"),
        pytest.param(X453, W3, 0, 5, 0.0, ValueError,
                     E("j must be < 5 (x has shape (4, 5, 3)), got 5"), id="j-too-large"),
        pytest.param(X453, W3, 0, 99, 0.0, ValueError, E("j must be < 5") + ".*got 99",
                     id="j-far-out"),
        pytest.param(X453, W3, -1, 0, 0.0, ValueError, E("i must be >= 0, got -1"),
                     id="i-negative"),
        pytest.param(X453, W3, 0, -2, 0.0, ValueError, E("j must be >= 0, got -2"),
                     id="j-negative"),
        pytest.param(X453, W3, 1.0, 0, 0.0, TypeError,
                     E("i must be an integer, got a float (1.0)"), id="i-float"),
        pytest.param(X453, W3, 0, True, 0.0, TypeError,
                     E("j must be an integer, got a bool (True)"), id="j-bool"),
        pytest.param(X453, W3, None, 0, 0.0, TypeError, E("i must be an integer, got None"),
                     id="i-None"),
        pytest.param(None, W3, 0, 0, 0.0, TypeError, E("x must be a numpy array, got None"),
                     id="x-None"),
        pytest.param(X453, [1.0, 1.0, 1.0], 0, 0, 0.0, TypeError,
                     E("w must be a numpy array, got a list"), id="w-list"),
        pytest.param(np.ones((2, 4, 5, 3)), W3, 0, 0, 0.0, ValueError,
                     E("x must have 3 dimensions (n_H, n_W, n_C), got 4 dimensions with shape "
                       "(2, 4, 5, 3)"), id="x-4d"),
        pytest.param(X453, np.ones((3, 2)), 0, 0, 0.0, ValueError,
                     E("w must have 1 dimensions") + ".*" + E("shape (3, 2)"), id="w-2d"),
        pytest.param(X453, np.ones(2), 0, 0, 0.0, ValueError,
                     E("w has 2 input channels but x has 3 channels"), id="channels"),
        pytest.param(X453.astype(np.complex128), W3, 0, 0, 0.0, TypeError,
                     E("x must hold real numbers") + ".*complex128", id="x-complex"),
        pytest.param(X453, W3.astype(bool), 0, 0, 0.0, TypeError,
                     E("w must hold real numbers") + ".*bool", id="w-bool"),
        pytest.param(X453, W3, 0, 0, "1", TypeError, E("bias must be a real number, got a str"),
                     id="bias-str"),
        pytest.param(X453, W3, 0, 0, True, TypeError, E("bias must be a real number, got a bool"),
                     id="bias-bool"),
        pytest.param(X453, W3, 0, 0, None, TypeError, E("bias must be a real number, got None"),
                     id="bias-None"),
    ],
)
def test_fiber_dot_bad_input(x, w, i, j, bias, exc, match):
    with pytest.raises(exc, match=match):
        ops.fiber_dot(x, w, i, j, bias=bias)


def _nonfinite_volume() -> np.ndarray:
    """A batch whose fibres hold NaN, +inf and -inf, beside zeros (inf * 0 is NaN)."""
    x = np.zeros((2, 4, 4, 3))
    x[0, 0, 0] = [np.nan, 1.0, 0.0]
    x[0, 1, 1] = [np.inf, -np.inf, 0.0]
    x[1, 2, 2] = [np.inf, 0.0, 1.0]
    x[1, 3, 3] = [-np.inf, 0.0, 1.0]  # +inf + -inf in one channel and one 2×2 window
    return x


NONFINITE_CALLS = {
    "conv1x1": lambda x: ops.conv1x1(x, np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])),
    "conv1x1_loops": lambda x: ops.conv1x1_loops(x, np.array([[0.0], [1.0], [0.0]])),
    "conv2d": lambda x: ops.conv2d(x, np.zeros((3, 3, 3, 2)), pad=1),
    "fiber_dot": lambda x: ops.fiber_dot(x[0], np.array([0.0, 1.0, 0.0]), 1, 1),
    "global_average_pool": ops.global_average_pool,
    "pool2d_average": lambda x: ops.pool2d(x, mode="average"),
    "conv1x1_backward": lambda x: ops.conv1x1_backward(x, np.zeros((3, 2)),
                                                       np.ones((2, 4, 4, 2))),
    "depthwise_conv2d": lambda x: ops.depthwise_conv2d(x, np.zeros((3, 3, 3)), pad=1),
    "grouped_conv1x1": lambda x: ops.grouped_conv1x1(x, np.zeros((3, 1, 2))),
    "channel_shuffle": lambda x: ops.channel_shuffle(x, 3),
    "sigmoid": ops.sigmoid,
}


@pytest.mark.parametrize("call", NONFINITE_CALLS.values(), ids=NONFINITE_CALLS.keys())
def test_nonfinite_inputs_give_no_warning_and_leave_error_state_alone(call):
    """NaN and inf propagate as documented, without the "invalid value" RuntimeWarning
    (an error in this suite) that some BLAS kernels raise and others do not; the
    caller's floating-point error settings are the same afterwards."""
    before = np.geterr()
    result = call(_nonfinite_volume())
    assert np.geterr() == before
    if isinstance(result, ops.FiberDot):
        result = np.array([result.total])
    elif isinstance(result, ops.Conv1x1Gradients):
        result = result.dw
    assert not np.isfinite(result).all()  # the NaN or inf reached the result

"""Tests for onebyone.cost (parameter and multiplication counts) and onebyone.data."""

from __future__ import annotations

import math
import re
import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture import LECTURE
from onebyone import cost, data, ops

FAST = settings(max_examples=50, deadline=None)
E = re.escape

# --------------------------------------------------------------------------------------
# cost: the course's worked numbers (from the course text)
# --------------------------------------------------------------------------------------


def test_conv_params_course_example():
    # 32 filters of size 1x1x192, plus one bias each
    result = cost.conv_params(1, 192, 32)
    assert type(result) is int
    assert result == 6176


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((28, 28, 1, 192, 32), 4_816_896),  # 1x1 conv, 192 -> 32 channels
        ((28, 28, 5, 192, 32), 120_422_400),  # 5x5 conv straight on 192 channels
        ((28, 28, 1, 192, 16), 2_408_448),  # bottleneck: 1x1 down to 16 channels
        ((28, 28, 5, 16, 32), 10_035_200),  # then 5x5 on the 16 channels
    ],
)
def test_conv_multiplies_course_examples(args, expected):
    result = cost.conv_multiplies(*args)
    assert type(result) is int
    assert result == expected


def test_bottleneck_is_about_ten_times_cheaper():
    direct = cost.conv_multiplies(28, 28, 5, 192, 32)
    bottleneck = cost.conv_multiplies(28, 28, 1, 192, 16) + cost.conv_multiplies(28, 28, 5, 16, 32)
    assert bottleneck == 2_408_448 + 10_035_200
    assert 9 < direct / bottleneck < 10


# --------------------------------------------------------------------------------------
# cost: formulas against independent counts
# --------------------------------------------------------------------------------------


@FAST
@given(
    f=st.integers(1, 7),
    n_C=st.integers(1, 50),
    n_F=st.integers(1, 50),
    bias=st.booleans(),
)
def test_conv_params_counts_the_arrays_of_a_layer(f, n_C, n_F, bias):
    weights = np.empty((f, f, n_C, n_F))
    biases = np.empty(n_F)
    result = cost.conv_params(f, n_C, n_F, bias=bias)
    assert type(result) is int
    assert result == weights.size + (biases.size if bias else 0)
    with_bias = cost.conv_params(f, n_C, n_F, bias=True)
    assert with_bias - cost.conv_params(f, n_C, n_F, bias=False) == n_F


def test_conv_params_default_has_bias():
    assert cost.conv_params(3, 4, 5) == cost.conv_params(3, 4, 5, bias=True) == 3 * 3 * 4 * 5 + 5
    assert cost.conv_params(1, 192, 32, bias=False) == 192 * 32


def count_multiplies_by_running(n_H, n_W, f, n_C, n_F):
    """Count the multiplications of a naive convolution with output n_H x n_W x n_F."""
    count = 0
    for _i in range(n_H):
        for _j in range(n_W):
            for _k in range(n_F):
                for _di in range(f):
                    for _dj in range(f):
                        for _c in range(n_C):
                            count += 1
    return count


@FAST
@given(
    n_H=st.integers(1, 4),
    n_W=st.integers(1, 4),
    f=st.integers(1, 3),
    n_C=st.integers(1, 4),
    n_F=st.integers(1, 4),
)
def test_conv_multiplies_counts_the_naive_loops(n_H, n_W, f, n_C, n_F):
    result = cost.conv_multiplies(n_H, n_W, f, n_C, n_F)
    assert type(result) is int
    assert result == count_multiplies_by_running(n_H, n_W, f, n_C, n_F)


@FAST
@given(st.lists(st.integers(1, 10**7), min_size=5, max_size=5))
def test_conv_multiplies_is_exact_for_huge_sizes(sizes):
    n_H, n_W, f, n_C, n_F = sizes
    result = cost.conv_multiplies(n_H, n_W, f, n_C, n_F)
    assert type(result) is int
    assert result == math.prod((n_H, n_W, f, f, n_C, n_F))


def test_numpy_integer_arguments_give_exact_python_ints():
    # 10**7 ** 6 overflows int64 many times over: the result must still be exact
    sizes = [np.int64(10**7)] * 5
    result = cost.conv_multiplies(*sizes)
    assert type(result) is int
    assert result == 10**42
    params = cost.conv_params(np.int64(10**6), np.int32(10**6), np.uint64(10**6))
    assert type(params) is int
    assert params == 10**24 + 10**6


BAD_SIZES = [
    (0, ValueError, "must be positive, got 0"),
    (-4, ValueError, "must be positive, got -4"),
    (3.0, TypeError, "must be an integer, got a float (3.0)"),
    (True, TypeError, "must be an integer, got a bool (True)"),
    (None, TypeError, "must be an integer, got None"),
    ("3", TypeError, "must be an integer, got a str ('3')"),
]
PARAMS_ARGS = ("f", "n_C", "n_F")
MULTIPLIES_ARGS = ("n_H", "n_W", "f", "n_C", "n_F")


@pytest.mark.parametrize("name", PARAMS_ARGS)
@pytest.mark.parametrize(("value", "exc", "message"), BAD_SIZES)
def test_conv_params_bad_sizes(name, value, exc, message):
    kwargs = dict.fromkeys(PARAMS_ARGS, 3)
    kwargs[name] = value
    with pytest.raises(exc, match="^" + E(f"{name} {message}")):
        cost.conv_params(**kwargs)


@pytest.mark.parametrize("name", MULTIPLIES_ARGS)
@pytest.mark.parametrize(("value", "exc", "message"), BAD_SIZES)
def test_conv_multiplies_bad_sizes(name, value, exc, message):
    kwargs = dict.fromkeys(MULTIPLIES_ARGS, 3)
    kwargs[name] = value
    with pytest.raises(exc, match="^" + E(f"{name} {message}")):
        cost.conv_multiplies(**kwargs)


@pytest.mark.parametrize(
    ("bias", "described"),
    [(1, "an? int"), (0, "an? int"), (None, "None"), ("yes", "a str"), (1.0, "a float")],
)
def test_conv_params_bias_must_be_bool(bias, described):
    with pytest.raises(TypeError, match=r"bias must be True or False, got " + described):
        cost.conv_params(1, 192, 32, bias=bias)


# --------------------------------------------------------------------------------------
# data: the lecture matrix
# --------------------------------------------------------------------------------------

LECTURE_MATRIX = LECTURE.tolist()


def test_seed_matrix_is_the_lecture_matrix():
    m = data.SEED_MATRIX
    assert isinstance(m, np.ndarray)
    assert m.shape == (6, 6)
    assert np.issubdtype(m.dtype, np.integer)
    assert m.tolist() == LECTURE_MATRIX


def test_seed_matrix_is_read_only():
    m = data.SEED_MATRIX
    assert not m.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        m[0, 0] = 99
    with pytest.raises(ValueError, match="read-only"):
        m += 1
    # a view cannot be made writeable either
    view = m[:, :]
    with pytest.raises(ValueError):
        view.flags.writeable = True
    assert m.tolist() == LECTURE_MATRIX


def test_seed_matrix_through_conv1x1_is_unchanged():
    # using the matrix in a convolution leaves it as it was
    ops.conv1x1(data.SEED_MATRIX.reshape(6, 6, 1), np.full((1, 1), 2.0))
    assert data.SEED_MATRIX.tolist() == LECTURE_MATRIX


# --------------------------------------------------------------------------------------
# data: random volumes and filters
# --------------------------------------------------------------------------------------


@FAST
@given(
    n_H=st.integers(1, 6),
    n_W=st.integers(1, 6),
    n_C=st.integers(1, 6),
    seed=st.integers(0, 2**32),
)
def test_random_volume_shape_dtype_determinism(n_H, n_W, n_C, seed):
    a = data.random_volume(n_H, n_W, n_C, seed=seed)
    assert isinstance(a, np.ndarray)
    assert a.shape == (n_H, n_W, n_C)
    assert a.dtype == np.float64
    assert np.isfinite(a).all()
    b = data.random_volume(n_H, n_W, n_C, seed=seed)
    np.testing.assert_array_equal(a, b)
    assert not np.shares_memory(a, b)
    other = data.random_volume(n_H, n_W, n_C, seed=seed + 1)
    assert not np.array_equal(a, other)


@FAST
@given(n_C=st.integers(1, 6), n_F=st.integers(1, 6), seed=st.integers(0, 2**32))
def test_random_filters_shape_dtype_determinism(n_C, n_F, seed):
    a = data.random_filters(n_C, n_F, seed=seed)
    assert isinstance(a, np.ndarray)
    assert a.shape == (n_C, n_F)
    assert a.dtype == np.float64
    assert np.isfinite(a).all()
    b = data.random_filters(n_C, n_F, seed=seed)
    np.testing.assert_array_equal(a, b)
    assert not np.shares_memory(a, b)
    other = data.random_filters(n_C, n_F, seed=seed + 1)
    assert not np.array_equal(a, other)


def test_default_seeds_are_fixed():
    np.testing.assert_array_equal(data.random_volume(3, 4, 5), data.random_volume(3, 4, 5, seed=0))
    np.testing.assert_array_equal(data.random_filters(5, 2), data.random_filters(5, 2, seed=1))


def test_modifying_a_result_does_not_change_the_next_one():
    a = data.random_volume(4, 4, 3, seed=5)
    a_copy = a.copy()
    a[...] = 0.0
    np.testing.assert_array_equal(data.random_volume(4, 4, 3, seed=5), a_copy)
    w = data.random_filters(3, 2, seed=5)
    w_copy = w.copy()
    w[...] = 0.0
    np.testing.assert_array_equal(data.random_filters(3, 2, seed=5), w_copy)


def test_random_volume_is_standard_normal():
    a = data.random_volume(100, 100, 4, seed=3)
    assert abs(a.mean()) < 0.03  # standard error 0.005
    assert abs(a.std() - 1.0) < 0.03


@pytest.mark.parametrize("n_C", [4, 64, 1024])
def test_random_filters_keep_outputs_of_order_one(n_C):
    w = data.random_filters(n_C, 200, seed=2)
    # weights ~ N(0, 1/n_C), so each filter has squared norm about 1
    assert abs(w.std() * math.sqrt(n_C) - 1.0) < 0.1
    x = data.random_volume(10, 10, n_C, seed=4)
    z = ops.conv1x1(x, w)
    assert 0.8 < z.std() < 1.2


BAD_DATA_SIZES = [
    (0, ValueError, "must be positive, got 0"),
    (-1, ValueError, "must be positive, got -1"),
    (2.0, TypeError, "must be an integer, got a float (2.0)"),
    (True, TypeError, "must be an integer, got a bool (True)"),
    (None, TypeError, "must be an integer, got None"),
    ("3", TypeError, "must be an integer, got a str ('3')"),
]


@pytest.mark.parametrize("name", ["n_H", "n_W", "n_C"])
@pytest.mark.parametrize(("value", "exc", "message"), BAD_DATA_SIZES)
def test_random_volume_bad_sizes(name, value, exc, message):
    kwargs = {"n_H": 2, "n_W": 3, "n_C": 4}
    kwargs[name] = value
    with pytest.raises(exc, match="^" + E(f"{name} {message}")):
        data.random_volume(**kwargs)


@pytest.mark.parametrize("name", ["n_C", "n_F"])
@pytest.mark.parametrize(("value", "exc", "message"), BAD_DATA_SIZES)
def test_random_filters_bad_sizes(name, value, exc, message):
    kwargs = {"n_C": 2, "n_F": 3}
    kwargs[name] = value
    with pytest.raises(exc, match="^" + E(f"{name} {message}")):
        data.random_filters(**kwargs)


@pytest.mark.parametrize(
    ("seed", "exc", "message"),
    [
        (-1, ValueError, "seed must be >= 0, got -1"),
        (1.5, TypeError, "seed must be an integer, got a float (1.5)"),
        (True, TypeError, "seed must be an integer, got a bool (True)"),
        (None, TypeError, "seed must be an integer, got None"),
        ("0", TypeError, "seed must be an integer, got a str ('0')"),
    ],
)
@pytest.mark.parametrize("make", ["volume", "filters"])
def test_bad_seeds(seed, exc, message, make):
    with pytest.raises(exc, match="^" + E(message)):
        if make == "volume":
            data.random_volume(2, 2, 2, seed=seed)
        else:
            data.random_filters(2, 2, seed=seed)


@pytest.mark.parametrize(
    ("make", "sizes", "described"),
    [
        ("volume", (10**6, 10**6, 3), "n_H=1000000 x n_W=1000000 x n_C=3"),
        ("volume", (10**20, 10**20, 10**20), "n_H=" + str(10**20)),
        # 2**32 * 2**32 wraps to 0 in int64 arithmetic: the check must not overflow
        ("volume", (np.int64(2**32), np.int64(2**32), np.int64(1)), "n_H=4294967296"),
        ("volume", (data.MAX_ELEMENTS + 1, 1, 1), "n_H=" + str(data.MAX_ELEMENTS + 1)),
        ("filters", (10**6, 10**6), "n_C=1000000 x n_F=1000000"),
        ("filters", (np.int64(2**33), np.int64(2**31)), "n_C=8589934592"),
    ],
)
def test_absurd_sizes_are_refused_quickly_without_allocating(make, sizes, described):
    func = data.random_volume if make == "volume" else data.random_filters
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValueError, match=E(described)):
            func(*sizes)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 10 * 2**20  # nothing near the size of the requested array

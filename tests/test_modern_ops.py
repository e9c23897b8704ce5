"""Tests for the blocks of modern networks (ops section 10): depthwise_conv2d (MobileNet),
grouped_conv1x1 and channel_shuffle (ShuffleNet), and sigmoid.

Expected values come from plain Python loops written here, from the identities the
docstrings state (a depthwise convolution is a conv2d with a diagonal filter bank, a
grouped 1x1 convolution is a conv1x1 with a block-diagonal matrix, a channel shuffle
is undone by the shuffle with the transposed table), and from PyTorch when it is
installed (optional, never a dependency: those tests skip without it).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from onebyone import ops
from test_backward import as_batch, assert_close, from_torch, read_only, to_torch

FAST = settings(max_examples=50, deadline=None)
FINITE = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False, width=64)


def rng_arrays(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


# -- plain loop references ----------------------------------------------------------

def loop_depthwise(x, w, b=None, stride=1, pad=0):
    """out[n, i, j, c] = sum over (di, dj) of x[n, r, s, c] * w[di, dj, c] + b[c] with
    (r, s) = (i*stride + di - pad, j*stride + dj - pad), one number at a time; a position
    (r, s) outside x is padding, 0."""
    xb = as_batch(x).astype(np.float64)
    m, n_H, n_W, n_C = xb.shape
    f = w.shape[0]
    n_H_out = (n_H + 2 * pad - f) // stride + 1
    n_W_out = (n_W + 2 * pad - f) // stride + 1
    out = np.zeros((m, n_H_out, n_W_out, n_C))
    for n in range(m):
        for i in range(n_H_out):
            for j in range(n_W_out):
                for c in range(n_C):
                    total = 0.0 if b is None else float(b[c])
                    for di in range(f):
                        for dj in range(f):
                            r, s = i * stride + di - pad, j * stride + dj - pad
                            if 0 <= r < n_H and 0 <= s < n_W:
                                total += xb[n, r, s, c] * float(w[di, dj, c])
                    out[n, i, j, c] = total
    return out if x.ndim == 4 else out[0]


def loop_grouped(x, w, b=None):
    """out[..., k*n_out + o] = sum_i x[..., k*n_in + i] * w[k, i, o] + b[k*n_out + o]."""
    g, n_in, n_out = w.shape
    pixels = x.reshape(-1, x.shape[-1]).astype(np.float64)
    out = np.zeros((pixels.shape[0], g * n_out))
    for p in range(pixels.shape[0]):
        for k in range(g):
            for o in range(n_out):
                total = 0.0 if b is None else float(b[k * n_out + o])
                for i in range(n_in):
                    total += pixels[p, k * n_in + i] * w[k, i, o]
                out[p, k * n_out + o] = total
    return out.reshape(*x.shape[:-1], g * n_out)


def loop_shuffle(x, groups):
    """out[..., j*groups + k] = x[..., k*n + j], channel by channel."""
    n_C = x.shape[-1]
    n = n_C // groups
    out = np.empty_like(x)
    for k in range(groups):
        for j in range(n):
            out[..., j * groups + k] = x[..., k * n + j]
    return out


def loop_sigmoid(z):
    return np.array([1 / (1 + math.exp(-float(t))) for t in z.ravel()]).reshape(z.shape)


def diagonal_bank(w):
    """The (f, f, n_C, n_C) conv2d bank W with W[:, :, c, c] = w[:, :, c], 0 elsewhere."""
    f, _, n_C = w.shape
    bank = np.zeros((f, f, n_C, n_C), dtype=w.dtype)
    for c in range(n_C):
        bank[:, :, c, c] = w[:, :, c]
    return bank


def block_diag(w):
    """block_diag(w[0], ..., w[g-1]): the (n_C, n_F) matrix of a grouped 1x1 convolution."""
    g, n_in, n_out = w.shape
    matrix = np.zeros((g * n_in, g * n_out), dtype=w.dtype)
    for k in range(g):
        matrix[k * n_in:(k + 1) * n_in, k * n_out:(k + 1) * n_out] = w[k]
    return matrix


# -- depthwise_conv2d ----------------------------------------------------------------

DEPTHWISE_CASES = [  # (shape of x, f, stride, pad)
    pytest.param((4, 5, 3), 1, 1, 0, id="f1-single"),
    pytest.param((5, 6, 2), 3, 1, 1, id="f3-same-single"),
    pytest.param((2, 5, 6, 3), 3, 1, 0, id="f3-valid-batch"),
    pytest.param((7, 6, 2), 3, 2, 0, id="f3-stride2-leaves-a-column"),
    pytest.param((2, 6, 7, 4), 2, 2, 1, id="f2-stride2-pad1-batch"),
    pytest.param((5, 5, 1), 5, 1, 2, id="f5-pad2-one-channel"),
    pytest.param((2, 4, 6, 2), 2, 3, 0, id="f2-stride3-gaps"),
]


class TestDepthwiseConv2d:
    @pytest.mark.parametrize("with_bias", [True, False])
    @pytest.mark.parametrize(("shape", "f", "stride", "pad"), DEPTHWISE_CASES)
    def test_against_loops(self, shape, f, stride, pad, with_bias):
        x, w, b = rng_arrays(1, shape, (f, f, shape[-1]), (shape[-1],))
        b = b if with_bias else None
        out = ops.depthwise_conv2d(x, w, b, stride=stride, pad=pad)
        n_out = [(n + 2 * pad - f) // stride + 1 for n in shape[-3:-1]]
        assert out.shape == (*shape[:-3], *n_out, shape[-1])
        assert out.dtype == np.float64
        np.testing.assert_allclose(out, loop_depthwise(x, w, b, stride, pad),
                                   rtol=1e-12, atol=1e-12)

    def test_a_small_case_by_hand(self):
        # 3x3 image, 2 channels, 2x2 filters, no padding: channel 0 sums each window,
        # channel 1 takes its top-left value times 10; the bias adds 0.5 and -1
        x = np.stack([np.arange(9.0).reshape(3, 3), np.arange(9.0).reshape(3, 3) + 100], -1)
        w = np.zeros((2, 2, 2))
        w[:, :, 0] = 1.0
        w[0, 0, 1] = 10.0
        out = ops.depthwise_conv2d(x, w, np.array([0.5, -1.0]))
        np.testing.assert_array_equal(out[:, :, 0], [[8.5, 12.5], [20.5, 24.5]])
        np.testing.assert_array_equal(out[:, :, 1], [[999.0, 1009.0], [1029.0, 1039.0]])

    @FAST
    @given(data=st.data(), ndim=st.sampled_from([3, 4]), n_H=st.integers(1, 6),
           n_W=st.integers(1, 6), n_C=st.integers(1, 4), f=st.integers(1, 3),
           stride=st.integers(1, 3), pad=st.integers(0, 2), with_bias=st.booleans())
    def test_equals_conv2d_with_a_diagonal_bank(self, data, ndim, n_H, n_W, n_C, f, stride,
                                                pad, with_bias):
        assume(f <= min(n_H, n_W) + 2 * pad)
        shape = (2, n_H, n_W, n_C) if ndim == 4 else (n_H, n_W, n_C)
        x = data.draw(hnp.arrays(np.float64, shape, elements=FINITE))
        w = data.draw(hnp.arrays(np.float64, (f, f, n_C), elements=FINITE))
        b = data.draw(hnp.arrays(np.float64, (n_C,), elements=FINITE)) if with_bias else None
        np.testing.assert_allclose(
            ops.depthwise_conv2d(x, w, b, stride=stride, pad=pad),
            ops.conv2d(x, diagonal_bank(w), b, stride=stride, pad=pad), rtol=1e-12, atol=1e-12)

    def test_dtypes(self):
        x, w, b = rng_arrays(2, (5, 5, 3), (3, 3, 3), (3,))
        x32, w32, b32 = (a.astype(np.float32) for a in (x, w, b))
        out32 = ops.depthwise_conv2d(x32, w32, b32, pad=1)
        assert out32.dtype == np.float32
        np.testing.assert_allclose(out32, loop_depthwise(x32, w32, b32, pad=1), rtol=1e-5,
                                   atol=1e-5)
        assert ops.depthwise_conv2d(x32, w, b32, pad=1).dtype == np.float64
        xi = np.arange(75, dtype=np.int8).reshape(5, 5, 3)  # 74 * 9 * 100: overflows int8
        wi = np.full((3, 3, 3), 100, dtype=np.int8)
        out = ops.depthwise_conv2d(xi, wi)
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, loop_depthwise(xi, wi.astype(np.float64)))

    def test_nan_stays_in_its_channel_and_windows(self):
        x, w = rng_arrays(3, (6, 6, 3), (3, 3, 3))
        x[2, 2, 1] = np.nan
        out = ops.depthwise_conv2d(x, w, pad=1)  # output (i, j) covers input i-1 .. i+1
        nan = np.isnan(out)
        expected = np.zeros(out.shape, dtype=bool)
        expected[1:4, 1:4, 1] = True
        np.testing.assert_array_equal(nan, expected)

    def test_inf_propagates_and_times_a_zero_weight_is_nan(self):
        x = np.zeros((3, 3, 2))
        x[1, 1] = [np.inf, -np.inf]
        w = np.ones((1, 1, 2))
        np.testing.assert_array_equal(ops.depthwise_conv2d(x, w)[1, 1], [np.inf, -np.inf])
        w[0, 0, 0] = 0.0
        out = ops.depthwise_conv2d(x, w)
        assert np.isnan(out[1, 1, 0]) and out[1, 1, 1] == -np.inf
        assert np.isfinite(np.delete(out.reshape(9, 2), 4, axis=0)).all()


# -- grouped_conv1x1 ------------------------------------------------------------------

GROUPED_CASES = [  # (shape of x, g, n_F // g)
    pytest.param((4, 5, 6), 1, 3, id="one-group-is-conv1x1"),
    pytest.param((4, 5, 6), 2, 2, id="g2"),
    pytest.param((2, 3, 4, 6), 3, 1, id="g3-batch"),
    pytest.param((3, 3, 4), 4, 2, id="depthwise-g-equals-n_C"),
    pytest.param((2, 2, 3, 8), 2, 5, id="g2-widening"),
]


class TestGroupedConv1x1:
    @pytest.mark.parametrize("with_bias", [True, False])
    @pytest.mark.parametrize(("shape", "g", "n_out"), GROUPED_CASES)
    def test_against_loops(self, shape, g, n_out, with_bias):
        x, w, b = rng_arrays(4, shape, (g, shape[-1] // g, n_out), (g * n_out,))
        b = b if with_bias else None
        out = ops.grouped_conv1x1(x, w, b)
        assert out.shape == (*shape[:-1], g * n_out)
        assert out.dtype == np.float64
        np.testing.assert_allclose(out, loop_grouped(x, w, b), rtol=1e-12, atol=1e-12)

    def test_each_group_writes_its_own_output_channels(self):
        # 4 input channels, 2 groups, 3 outputs each; a 1 in input channel 3 (group 1)
        # reaches outputs 3, 4, 5 only, as w[1]'s last row
        x = np.zeros((1, 1, 4))
        x[0, 0, 3] = 1.0
        w = np.arange(12.0).reshape(2, 2, 3) + 1
        np.testing.assert_array_equal(ops.grouped_conv1x1(x, w)[0, 0], [0, 0, 0, 10, 11, 12])
        x[0, 0] = [1.0, 0.0, 0.0, 0.0]
        np.testing.assert_array_equal(ops.grouped_conv1x1(x, w)[0, 0], [1, 2, 3, 0, 0, 0])

    @FAST
    @given(data=st.data(), ndim=st.sampled_from([3, 4]), g=st.integers(1, 4),
           n_in=st.integers(1, 3), n_out=st.integers(1, 3), with_bias=st.booleans())
    def test_equals_conv1x1_with_a_block_diagonal_matrix(self, data, ndim, g, n_in, n_out,
                                                         with_bias):
        sizes = data.draw(st.tuples(*[st.integers(1, 3)] * (ndim - 1)))
        x = data.draw(hnp.arrays(np.float64, (*sizes, g * n_in), elements=FINITE))
        w = data.draw(hnp.arrays(np.float64, (g, n_in, n_out), elements=FINITE))
        b = (data.draw(hnp.arrays(np.float64, (g * n_out,), elements=FINITE)) if with_bias
             else None)
        np.testing.assert_allclose(ops.grouped_conv1x1(x, w, b),
                                   ops.conv1x1(x, block_diag(w), b), rtol=1e-12, atol=1e-12)

    def test_dtypes(self):
        x, w, b = rng_arrays(5, (3, 4, 6), (3, 2, 2), (6,))
        x32, w32, b32 = (a.astype(np.float32) for a in (x, w, b))
        out32 = ops.grouped_conv1x1(x32, w32, b32)
        assert out32.dtype == np.float32
        np.testing.assert_allclose(out32, loop_grouped(x32, w32, b32), rtol=1e-5, atol=1e-5)
        assert ops.grouped_conv1x1(x32, w, b32).dtype == np.float64
        xi = np.full((2, 2, 4), 100, dtype=np.int8)  # 100 * 100 * 2 overflows int8
        out = ops.grouped_conv1x1(xi, np.full((2, 2, 1), 100, dtype=np.int8))
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, np.full((2, 2, 2), 20_000.0))

    def test_nan_and_inf_stay_in_their_group_and_pixel(self):
        x, w = rng_arrays(6, (3, 3, 6), (3, 2, 2))
        x[1, 2, 0] = np.nan  # group 0
        x[0, 0, 5] = np.inf  # group 2
        out = ops.grouped_conv1x1(x, w)
        expected = np.zeros(out.shape, dtype=bool)
        expected[1, 2, 0:2] = expected[0, 0, 4:6] = True
        np.testing.assert_array_equal(~np.isfinite(out), expected)
        assert np.isnan(out[1, 2, 0:2]).all()
        assert np.isinf(out[0, 0, 4:6]).all()  # inf times a non-zero weight stays inf

    @pytest.mark.parametrize(("n_C", "w_shape", "match"), [
        (4, (3, 1, 2), r"w has 3 groups of 1 input channels \(3 in all\) but x has 4 "
                       r"channels .*do not split into 3 equal groups"),
        (4, (2, 3, 2), r"w has 2 groups of 3 input channels \(6 in all\) but x has 4 "
                       r"channels .*make 2 groups of 2"),
        (6, (4, 1, 1), r"x's 6 channels do not split into 4 equal groups"),
    ])
    def test_channels_that_do_not_fit_the_groups(self, n_C, w_shape, match):
        with pytest.raises(ValueError, match=match):
            ops.grouped_conv1x1(np.ones((2, 2, n_C)), np.ones(w_shape))

    def test_bias_counts_every_group_s_filters(self):
        with pytest.raises(ValueError, match="b has 2 values but w has 6 filters"):
            ops.grouped_conv1x1(np.ones((2, 2, 4)), np.ones((2, 2, 3)), np.ones(2))


# -- channel_shuffle ------------------------------------------------------------------

class TestChannelShuffle:
    def test_two_and_three_groups_by_hand(self):
        # 2 groups of 3 channels, a0 a1 a2 | b0 b1 b2, dealt out: a0 b0 a1 b1 a2 b2
        np.testing.assert_array_equal(ops.channel_shuffle(np.arange(6), 2), [0, 3, 1, 4, 2, 5])
        np.testing.assert_array_equal(ops.channel_shuffle(np.arange(6), 3), [0, 2, 4, 1, 3, 5])

    @pytest.mark.parametrize(("shape", "groups"), [
        ((12,), 3), ((4, 6), 2), ((3, 4, 8), 4), ((2, 3, 3, 6), 3), ((2, 2, 5), 5),
        ((3, 3, 7), 1),
    ])
    def test_against_loops(self, shape, groups):
        (x,) = rng_arrays(7, shape)
        out = ops.channel_shuffle(x, groups)
        assert out.shape == x.shape
        np.testing.assert_array_equal(out, loop_shuffle(x, groups))

    @FAST
    @given(data=st.data(), lead=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
           groups=st.integers(1, 4), n=st.integers(1, 4))
    def test_shuffling_back_with_n_C_over_groups_groups_undoes_it(self, data, lead, groups,
                                                                   n):
        x = data.draw(hnp.arrays(np.float64, (*lead, groups * n), elements=FINITE))
        out = ops.channel_shuffle(x, groups)
        np.testing.assert_array_equal(ops.channel_shuffle(out, n), x)
        # a permutation of the channels, the same at every position
        np.testing.assert_array_equal(np.sort(out, axis=-1), np.sort(x, axis=-1))
        np.testing.assert_array_equal(out, loop_shuffle(x, groups))

    @pytest.mark.parametrize(("g", "per_group"), [(2, 2), (2, 3), (3, 3), (4, 4), (3, 6),
                                                  (2, 1), (3, 2), (4, 3), (6, 4), (8, 2)])
    def test_after_a_grouped_layer_every_next_group_reads_every_group_if_they_are_wide(
            self, g, per_group):
        # layer 1: g groups, each writing per_group channels; layer 2: g groups of
        # per_group inputs. With positive weights, an output of layer 2 is positive
        # exactly when some input it depends on is. Feed one group of layer 1 at a time.
        # A group of layer 2 reads per_group consecutive shuffled channels, dealt from
        # the groups of layer 1 in turn: from min(per_group, g) of them, so from every
        # one exactly when per_group >= g.
        n_in = 2
        w1 = np.ones((g, n_in, per_group))
        w2 = np.ones((g, per_group, 1))
        reach = np.zeros((g, g), dtype=bool)  # [layer-1 group, layer-2 group]
        reach_unshuffled = np.zeros((g, g), dtype=bool)
        for k in range(g):
            x = np.zeros((1, 1, g * n_in))
            x[..., k * n_in:(k + 1) * n_in] = 1.0
            h = ops.grouped_conv1x1(x, w1)
            reach[k] = ops.grouped_conv1x1(ops.channel_shuffle(h, g), w2)[0, 0] > 0
            reach_unshuffled[k] = ops.grouped_conv1x1(h, w2)[0, 0] > 0
        assert reach.sum(axis=0).tolist() == [min(per_group, g)] * g
        assert reach.all() == (per_group >= g)
        np.testing.assert_array_equal(reach_unshuffled, np.eye(g, dtype=bool))  # no mixing

    @pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int64, np.float16, np.float32,
                                       np.float64])
    def test_dtype_is_kept(self, dtype):
        x = np.arange(24).reshape(2, 12).astype(dtype)
        out = ops.channel_shuffle(x, 4)
        assert out.dtype == dtype
        np.testing.assert_array_equal(out, loop_shuffle(x, 4))

    @pytest.mark.parametrize("groups", [1, 2, 6])
    @pytest.mark.parametrize("layout", ["contiguous", "transposed", "read-only"])
    def test_a_new_array_never_a_view(self, groups, layout):
        x = np.arange(36.0).reshape(6, 6)
        if layout == "transposed":
            x = x.T
        elif layout == "read-only":
            x = read_only(x)
        before = x.copy()
        out = ops.channel_shuffle(x, groups)
        assert not np.shares_memory(out, x)
        out[...] = -1.0  # writeable, and writing to it leaves x alone
        np.testing.assert_array_equal(x, before)

    def test_nan_and_inf_move_with_their_channel(self):
        x = np.zeros((2, 4))
        x[0, 1], x[1, 2], x[1, 3] = np.nan, np.inf, -np.inf
        out = ops.channel_shuffle(x, 2)  # output channel j*2 + k = input k*2 + j
        assert np.isnan(out[0, 2])
        assert out[1, 1] == np.inf and out[1, 3] == -np.inf
        assert np.count_nonzero(~np.isfinite(out)) == 3

    @pytest.mark.parametrize(("shape", "groups", "match"), [
        ((6,), 4, r"groups must divide the number of channels, got groups=4 for x with 6 "
                  r"channels \(x has shape \(6,\)\)"),
        ((2, 3, 5), 2, r"groups=2 for x with 5 channels"),
        ((2, 3), 6, r"groups=6 for x with 3 channels"),
    ])
    def test_groups_that_do_not_divide(self, shape, groups, match):
        with pytest.raises(ValueError, match=match):
            ops.channel_shuffle(np.ones(shape), groups)

    def test_a_0d_array_has_no_channels(self):
        with pytest.raises(ValueError, match="x must have at least 1 dimension"):
            ops.channel_shuffle(np.array(1.0), 1)


# -- sigmoid --------------------------------------------------------------------------

class TestSigmoid:
    @pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4, 2)])
    def test_against_the_formula(self, shape):
        (z,) = rng_arrays(8, shape)
        z *= 10
        out = ops.sigmoid(z)
        assert out.shape == shape and out.dtype == np.float64
        np.testing.assert_allclose(out, loop_sigmoid(z), rtol=1e-14, atol=0)

    def test_known_values(self):
        out = ops.sigmoid(np.array([0.0, math.log(3.0), -math.log(3.0)]))
        np.testing.assert_allclose(out, [0.5, 0.75, 0.25], rtol=1e-15)
        assert out[0] == 0.5

    @FAST
    @given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=4),
                      elements=st.floats(-50, 50, allow_nan=False, width=64)))
    def test_symmetry_and_range(self, z):
        s = ops.sigmoid(z)
        assert ((s >= 0) & (s <= 1)).all()
        np.testing.assert_allclose(s + ops.sigmoid(-z), 1.0, rtol=1e-15, atol=1e-15)
        np.testing.assert_allclose(s, loop_sigmoid(z), rtol=1e-14, atol=1e-300)

    @pytest.mark.parametrize("dtype", [np.float64, np.float32])
    def test_extremes_without_a_floating_point_error(self, dtype):
        z = np.array([-np.inf, -1000.0, -100.0, 0.0, 100.0, 1000.0, np.inf, np.nan], dtype)
        with np.errstate(all="raise"):  # any overflow, underflow or invalid would raise
            out = ops.sigmoid(z)
        assert out.dtype == dtype
        assert out[0] == 0.0 and out[-2] == 1.0  # exactly
        assert out[1] == 0.0 and out[5] == 1.0
        assert out[3] == 0.5
        assert 0.0 <= out[2] < 1e-40 and out[4] == 1.0
        assert np.isnan(out[-1])

    def test_dtypes(self):
        z = np.linspace(-5, 5, 11)
        out32 = ops.sigmoid(z.astype(np.float32))
        assert out32.dtype == np.float32
        np.testing.assert_allclose(out32, loop_sigmoid(z), rtol=1e-6)
        for dtype in (np.int8, np.int64, np.uint8):
            out = ops.sigmoid(np.arange(-3, 4).astype(dtype) if dtype != np.uint8
                              else np.array([0, 1, 255], dtype))
            assert out.dtype == np.float64
        np.testing.assert_allclose(ops.sigmoid(np.array([0, 1, 255], np.uint8)),
                                   loop_sigmoid(np.array([0.0, 1.0, 255.0])), rtol=1e-15)
        # -z of an int8 -128 would overflow in int8: computed in float64
        assert ops.sigmoid(np.array([-128], np.int8))[0] == pytest.approx(math.exp(-128))

    @pytest.mark.parametrize("z", [np.array(2.0), np.array(-3, np.int16), np.float32(1.0)])
    def test_0d_gives_a_0d_array(self, z):
        out = ops.sigmoid(np.asarray(z))
        assert isinstance(out, np.ndarray) and out.shape == ()
        assert out == pytest.approx(1 / (1 + math.exp(-float(z))))


# -- all four --------------------------------------------------------------------------

INPUTS = rng_arrays(9, (2, 5, 5, 4), (3, 3, 4), (4,), (2, 2, 3), (6,))
CALLS = {
    "depthwise_conv2d": (ops.depthwise_conv2d, dict(x=INPUTS[0], w=INPUTS[1], b=INPUTS[2],
                                                    stride=2, pad=1)),
    "grouped_conv1x1": (ops.grouped_conv1x1, dict(x=INPUTS[0], w=INPUTS[3], b=INPUTS[4])),
    "channel_shuffle": (ops.channel_shuffle, dict(x=INPUTS[0], groups=2)),
    "sigmoid": (ops.sigmoid, dict(z=INPUTS[0])),
}


@pytest.mark.parametrize(("func", "kwargs"), CALLS.values(), ids=CALLS.keys())
def test_inputs_are_not_modified(func, kwargs):
    arrays = {k: a.copy() for k, a in kwargs.items() if isinstance(a, np.ndarray)}
    out = func(**{**kwargs, **{k: read_only(a) for k, a in arrays.items()}})
    out_again = func(**kwargs)  # writeable inputs: still untouched, the same answer
    for k, a in arrays.items():
        np.testing.assert_array_equal(kwargs[k], a)
        assert not np.shares_memory(out_again, kwargs[k])
    np.testing.assert_array_equal(out, out_again)


@pytest.mark.parametrize(("func", "kwargs"), CALLS.values(), ids=CALLS.keys())
def test_float32_in_float32_out(func, kwargs):
    kwargs32 = {k: a.astype(np.float32) if isinstance(a, np.ndarray) else a
                for k, a in kwargs.items()}
    out32 = func(**kwargs32)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, func(**kwargs), rtol=1e-5, atol=1e-5)


# -- against PyTorch (skipped when it is not installed) ----------------------------------

class TestAgainstPyTorch:
    @pytest.mark.parametrize(("shape", "f", "stride", "pad"), DEPTHWISE_CASES)
    def test_depthwise_conv2d_torch(self, shape, f, stride, pad):
        torch = pytest.importorskip("torch")
        n_C = shape[-1]
        x, w, b = rng_arrays(10, shape, (f, f, n_C), (n_C,))
        # torch's depthwise weight is (n_C, 1, f, f), one filter per group of one channel
        w_t = torch.tensor(np.ascontiguousarray(w.transpose(2, 0, 1)[:, np.newaxis]),
                           dtype=torch.float64)
        z_t = torch.nn.functional.conv2d(to_torch(torch, as_batch(x), requires_grad=False),
                                         w_t, to_torch(torch, b, requires_grad=False),
                                         stride=stride, padding=pad, groups=n_C)
        assert_close(as_batch(ops.depthwise_conv2d(x, w, b, stride=stride, pad=pad)),
                     from_torch(z_t))

    @pytest.mark.parametrize(("shape", "g", "n_out"), GROUPED_CASES)
    def test_grouped_conv1x1_torch(self, shape, g, n_out):
        torch = pytest.importorskip("torch")
        n_in = shape[-1] // g
        x, w, b = rng_arrays(11, shape, (g, n_in, n_out), (g * n_out,))
        # torch's weight is (n_F, n_C // g, 1, 1); its filter k*n_out + o is our w[k, :, o]
        w_t = torch.tensor(np.ascontiguousarray(
            w.transpose(0, 2, 1).reshape(g * n_out, n_in)[:, :, np.newaxis, np.newaxis]),
            dtype=torch.float64)
        z_t = torch.nn.functional.conv2d(to_torch(torch, as_batch(x), requires_grad=False),
                                         w_t, to_torch(torch, b, requires_grad=False), groups=g)
        assert_close(as_batch(ops.grouped_conv1x1(x, w, b)), from_torch(z_t))

    @pytest.mark.parametrize(("shape", "groups"), [((2, 3, 4, 6), 2), ((2, 3, 4, 6), 3),
                                                   ((1, 2, 2, 12), 4), ((3, 1, 1, 5), 5),
                                                   ((1, 2, 3, 4), 1)])
    def test_channel_shuffle_torch(self, shape, groups):
        torch = pytest.importorskip("torch")
        (x,) = rng_arrays(12, shape)
        shuffled = torch.nn.ChannelShuffle(groups)(to_torch(torch, x, requires_grad=False))
        np.testing.assert_array_equal(ops.channel_shuffle(x, groups), from_torch(shuffled))

    @pytest.mark.parametrize("dtype", ["float64", "float32"])
    def test_sigmoid_torch(self, dtype):
        torch = pytest.importorskip("torch")
        (z,) = rng_arrays(13, (4, 5, 6))
        z = np.concatenate([z.ravel() * 20, [-1000.0, 1000.0, -np.inf, np.inf, 0.0]])
        z = z.astype(dtype)
        expected = torch.sigmoid(torch.from_numpy(z)).numpy()
        out = ops.sigmoid(z)
        assert out.dtype == expected.dtype
        rtol = 1e-14 if dtype == "float64" else 1e-6
        np.testing.assert_allclose(out, expected, rtol=rtol, atol=0)

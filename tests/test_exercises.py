"""Tests for onebyone.exercises: every check on right answers and on learners' mistakes.

The learners' correct solutions are written here with loops and matrix products in
numpy, independently of onebyone.
"""

from __future__ import annotations

import numpy as np
import pytest

from feedback import assert_right, assert_wrong
from lecture import LECTURE
from onebyone import cost, data, exercises
from onebyone.exercises import Feedback

# -- learners' answers to 01: one channel ------------------------------------------

def single_loops(image, w, b):
    out = np.zeros(image.shape)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            out[i, j] = image[i, j] * w + b
    return out


def single_vectorized(image, w, b):
    return w * image + b


def single_as_matmul(image, w, b):
    # the 1x1 convolution as a product of the (pixels, 1) matrix by the (1, 1) filter
    n_H, n_W = image.shape
    return (image.reshape(-1, 1) @ np.array([[w]]) + b).reshape(n_H, n_W)


# -- learners' answers to 02: a 1x1 layer ------------------------------------------

def layer_loops(x, w, b):
    n_H, n_W, n_C = x.shape
    n_F = w.shape[1]
    out = np.zeros((n_H, n_W, n_F))
    for i in range(n_H):
        for j in range(n_W):
            for k in range(n_F):
                z = b[k]
                for c in range(n_C):
                    z += x[i, j, c] * w[c, k]
                out[i, j, k] = max(z, 0.0)
    return out


def layer_matmul(x, w, b):
    n_H, n_W, n_C = x.shape
    z = x.reshape(n_H * n_W, n_C) @ w + b
    return np.maximum(z, 0).reshape(n_H, n_W, w.shape[1])


def layer_without_relu(x, w, b):
    return x @ w + b


# -- check_photo_shape --------------------------------------------------------------

class TestCheckPhotoShape:
    def test_right(self):
        assert_right(exercises.check_photo_shape((4, 5, 3)))

    def test_right_from_numpy(self):
        photo = np.zeros((4, 5, 3))
        assert_right(exercises.check_photo_shape(photo.shape))

    def test_channels_first(self):
        assert_wrong(exercises.check_photo_shape((3, 4, 5)), "channels")

    def test_width_before_height(self):
        assert_wrong(exercises.check_photo_shape((5, 4, 3)), "height")

    @pytest.mark.parametrize("answer", [(4, 5), (4, 5, 1), (4, 5, 3, 1), (20, 3), (60,), ()])
    def test_other_tuples(self, answer):
        assert_wrong(exercises.check_photo_shape(answer), "channels")

    def test_none(self):
        assert_wrong(exercises.check_photo_shape(None), "tuple", "None")

    def test_list(self):
        assert_wrong(exercises.check_photo_shape([4, 5, 3]), "tuple", "list")

    def test_string(self):
        assert_wrong(exercises.check_photo_shape("(4, 5, 3)"), "tuple", "str")

    def test_array(self):
        assert_wrong(exercises.check_photo_shape(np.array([4, 5, 3])), "tuple", "array")

    def test_tuple_holding_an_array_does_not_raise(self):
        # the checks promise never to raise; comparing this tuple with (4, 5, 3) asks
        # numpy for the truth value of a 2-element array
        feedback = exercises.check_photo_shape((np.array([4, 4]), 5, 3))
        assert_wrong(feedback)


# -- check_single_channel -----------------------------------------------------------

class TestCheckSingleChannel:
    @pytest.mark.parametrize("func", [single_loops, single_vectorized, single_as_matmul])
    def test_right(self, func):
        assert_right(exercises.check_single_channel(func))

    def test_right_with_a_lambda(self):
        assert_right(exercises.check_single_channel(lambda image, w, b: image * w + b))

    def test_right_and_prints(self, capsys):
        def noisy(image, w, b):
            print("computing", image.shape)
            return image * w + b

        assert_right(exercises.check_single_channel(noisy))

    def test_prints_instead_of_returning(self, capsys):
        def printer(image, w, b):
            print(image * w + b)

        assert_wrong(exercises.check_single_channel(printer), "None", "return")

    def test_none(self):
        assert_wrong(exercises.check_single_channel(None), "function", "None")

    @pytest.mark.parametrize(("answer", "kind"), [([[1, 2], [3, 4]], "list"), ("w*x+b", "str"),
                                                  (42, "int"), (np.ones((6, 6)), "array")])
    def test_not_callable(self, answer, kind):
        assert_wrong(exercises.check_single_channel(answer), "function", kind)

    def test_called_instead_of_passed(self):
        # the learner writes check(f(image, w, b)) instead of check(f)
        called = single_vectorized(LECTURE, 2.0, 0.0)
        assert_wrong(exercises.check_single_channel(called), "without calling")

    def test_returns_a_list(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: (image * w + b).tolist()),
                     "numpy array", "list")

    def test_returns_a_number(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: float(w + b)),
                     "numpy array")

    def test_wrong_shape(self):
        message = assert_wrong(
            exercises.check_single_channel(lambda image, w, b: (image * w + b)[:, :, None]),
            "shape")
        assert "(6, 6, 1)" in message and "(6, 6)" in message

    def test_flattened(self):
        message = assert_wrong(
            exercises.check_single_channel(lambda image, w, b: (image * w + b).ravel()),
            "shape")
        assert "(36)" in message or "(36,)" in message

    def test_transposed(self):
        message = assert_wrong(
            exercises.check_single_channel(lambda image, w, b: (image * w + b).T))
        # the lecture's matrix is square, so the transposed answer has the right shape:
        # the message points at a wrong value
        assert "index" in message

    def test_transposed_on_a_non_square_image(self):
        # right on square images, transposed on the others: the shape gives it away
        def sneaky(image, w, b):
            out = image * w + b
            return out if image.shape[0] == image.shape[1] else out.T

        assert_wrong(exercises.check_single_channel(sneaky), "shape")

    def test_forgot_the_bias(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: image * w), "b=")

    def test_added_instead_of_multiplied(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: image + w + b), "index")

    def test_raises(self):
        def broken(image, w, b):
            raise ZeroDivisionError("boom")

        assert_wrong(exercises.check_single_channel(broken), "ZeroDivisionError", "boom")

    def test_raises_a_custom_exception(self):
        class LearnerError(Exception):
            pass

        def broken(image, w, b):
            raise LearnerError("not finished")

        assert_wrong(exercises.check_single_channel(broken), "LearnerError", "not finished")

    def test_modifies_its_input_in_place(self):
        def in_place(image, w, b):
            image[...] = image * w + b
            return image

        assert_wrong(exercises.check_single_channel(in_place), "in place")
        np.testing.assert_array_equal(data.SEED_MATRIX, LECTURE)

    def test_modifies_its_input_with_augmented_assignment(self):
        def in_place(image, w, b):
            image *= w
            image += b
            return image

        assert_wrong(exercises.check_single_channel(in_place), "in place")
        np.testing.assert_array_equal(data.SEED_MATRIX, LECTURE)

    def test_wrong_signature_too_few(self):
        assert_wrong(exercises.check_single_channel(lambda image, w: image * w), "TypeError")

    def test_wrong_signature_too_many(self):
        def four(image, w, b, extra):
            return image * w + b

        assert_wrong(exercises.check_single_channel(four), "TypeError")

    def test_returns_nan(self):
        assert_wrong(exercises.check_single_channel(
            lambda image, w, b: np.full(image.shape, np.nan)), "nan")

    def test_returns_one_nan(self):
        def almost(image, w, b):
            out = image * w + b
            out[-1, -1] = np.nan
            return out

        message = assert_wrong(exercises.check_single_channel(almost), "nan")
        assert "(5, 5)" in message

    def test_returns_booleans(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: image * w + b > 0),
                     "real numbers")

    def test_returns_complex(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: image * w + b + 0j),
                     "real numbers")


# -- check_param_count --------------------------------------------------------------

class TestCheckParamCount:
    def test_right(self):
        # 16 filters of 1x1x32, each with one bias
        assert_right(exercises.check_param_count(16 * (1 * 1 * 32) + 16))

    @pytest.mark.parametrize("answer", [np.int64(528), 528.0])
    def test_right_other_number_types(self, answer):
        assert_right(exercises.check_param_count(answer))

    def test_weights_only(self):
        assert_wrong(exercises.check_param_count(32 * 16), "bias")

    @pytest.mark.parametrize("answer", [16, 32, 48, 529, 527.5, 0, -528, float("nan")])
    def test_other_numbers(self, answer):
        assert_wrong(exercises.check_param_count(answer), "bias")

    @pytest.mark.parametrize(("answer", "kind"), [(None, "None"), ("528", "str"),
                                                  ([528], "list"), (True, "bool")])
    def test_not_a_number(self, answer, kind):
        assert_wrong(exercises.check_param_count(answer), "number", kind)


# -- check_layer --------------------------------------------------------------------

class TestCheckLayer:
    @pytest.mark.parametrize("func", [layer_loops, layer_matmul])
    def test_right(self, func):
        assert_right(exercises.check_layer(func))

    def test_right_with_einsum_and_prints(self, capsys):
        def layer(x, w, b):
            z = np.einsum("hwc,cf->hwf", x, w) + b
            print("z has shape", z.shape)
            return np.where(z > 0, z, 0.0)

        assert_right(exercises.check_layer(layer))

    def test_forgot_relu(self):
        assert_wrong(exercises.check_layer(layer_without_relu), "ReLU")

    def test_forgot_bias(self):
        message = assert_wrong(exercises.check_layer(lambda x, w, b: np.maximum(x @ w, 0)),
                               "index")
        assert "ReLU" not in message  # the ReLU is there: the hint must not blame it

    def test_relu_before_the_bias(self):
        assert_wrong(exercises.check_layer(lambda x, w, b: np.maximum(x @ w, 0) + b), "index")

    def test_sigmoid_instead_of_relu(self):
        assert_wrong(exercises.check_layer(lambda x, w, b: 1 / (1 + np.exp(-(x @ w + b)))),
                     "index")

    def test_channels_first_output(self):
        message = assert_wrong(
            exercises.check_layer(lambda x, w, b: np.moveaxis(layer_matmul(x, w, b), -1, 0)),
            "shape")
        assert "(4, 6, 6)" in message and "(6, 6, 4)" in message

    def test_height_and_width_swapped(self):
        assert_wrong(exercises.check_layer(
            lambda x, w, b: np.swapaxes(layer_matmul(x, w, b), 0, 1)))

    def test_pixels_not_reshaped_back(self):
        def flat(x, w, b):
            return np.maximum(x.reshape(-1, x.shape[-1]) @ w + b, 0)

        message = assert_wrong(exercises.check_layer(flat), "shape")
        assert "(36, 4)" in message

    def test_weights_transposed(self):
        # w.T has shape (n_F, n_C): the product itself fails, and the error is reported
        assert_wrong(exercises.check_layer(lambda x, w, b: np.maximum(x @ w.T + b, 0)),
                     "ValueError")

    def test_none(self):
        assert_wrong(exercises.check_layer(None), "function", "None")

    @pytest.mark.parametrize(("answer", "kind"), [([1, 2, 3], "list"), ("relu(x @ w + b)", "str")])
    def test_not_callable(self, answer, kind):
        assert_wrong(exercises.check_layer(answer), "function", kind)

    def test_returns_none(self):
        def no_return(x, w, b):
            np.maximum(x @ w + b, 0)

        assert_wrong(exercises.check_layer(no_return), "None", "return")

    def test_returns_a_list(self):
        assert_wrong(exercises.check_layer(lambda x, w, b: layer_matmul(x, w, b).tolist()),
                     "numpy array", "list")

    def test_raises(self):
        def broken(x, w, b):
            raise KeyError("n_F")

        assert_wrong(exercises.check_layer(broken), "KeyError", "n_F")

    def test_not_implemented(self):
        def todo(x, w, b):
            raise NotImplementedError("write your code here")

        assert_wrong(exercises.check_layer(todo), "NotImplementedError", "write your code here")

    def test_modifies_its_input_in_place(self):
        def in_place(x, w, b):
            np.maximum(x, 0, out=x)  # "ReLU" applied to the input, in place
            return np.maximum(x @ w + b, 0)

        assert_wrong(exercises.check_layer(in_place), "in place")

    def test_zeroes_negative_inputs_in_place(self):
        def in_place(x, w, b):
            x[x < 0] = 0
            return x @ w + b

        assert_wrong(exercises.check_layer(in_place), "in place")

    def test_wrong_signature(self):
        assert_wrong(exercises.check_layer(lambda x, w: np.maximum(x @ w, 0)), "TypeError")

    def test_returns_nan(self):
        assert_wrong(exercises.check_layer(
            lambda x, w, b: np.full((*x.shape[:2], w.shape[1]), np.nan)), "nan")

    def test_returns_a_scalar(self):
        assert_wrong(exercises.check_layer(lambda x, w, b: float(np.sum(x))), "numpy array")


# -- check_dense_and_conv_params (04, exercise 2) -----------------------------------------

class TestCheckDenseAndConvParams:
    # a dense layer 4,096 -> 4,096 on a 64x64 one-channel image; a 1x1 convolution 1 -> 1
    DENSE = 64 * 64 * 64 * 64 + 64 * 64  # a weight per input and output, a bias per output
    CONV = 1 * 1 * 1 * 1 + 1  # one weight, one bias

    def test_numbers_by_hand(self):
        assert (self.DENSE, self.CONV) == (16_781_312, 2)
        assert exercises.SHARING_EXERCISE == {"n_H": 64, "n_W": 64}

    @pytest.mark.parametrize("answer", [(16_781_312, 2), [16_781_312, 2],
                                        (np.int64(16_781_312), np.int64(2)),
                                        (16_781_312.0, 2.0)])
    def test_right(self, answer):
        feedback = exercises.check_dense_and_conv_params(answer)
        assert_right(feedback)
        assert "16,781,312" in feedback.message and "shares" in feedback.message

    def test_the_notebook_solution(self):
        assert_right(exercises.check_dense_and_conv_params(
            (cost.dense_params(64 * 64, 64 * 64), cost.conv_params(1, 1, 1))))

    def test_stub_of_the_notebook(self):
        assert_wrong(exercises.check_dense_and_conv_params((None, None)), "whole number",
                     "None")

    def test_swapped(self):
        assert_wrong(exercises.check_dense_and_conv_params((self.CONV, self.DENSE)), "swapped")

    @pytest.mark.parametrize(("dense", "hints"), [
        (64 * 64 * 64 * 64, ("dense layer", "weights only", "bias")),
        (64 * 64 * 64 * 64 + 1, ("dense layer", "bias of its own")),
        (64 * 64 + 1, ("dense layer", "one output")),
        (64 * 64, ("dense layer", "inputs")),
        (64 * 64 + 64, ("dense layer", "one row", "4,096")),
        (123, ("dense layer", "123 is not it", "one bias")),
        (float("nan"), ("dense layer", "not it")),
    ])
    def test_dense_layer_wrong(self, dense, hints):
        assert_wrong(exercises.check_dense_and_conv_params((dense, self.CONV)), *hints)

    @pytest.mark.parametrize(("conv", "hints"), [
        (1, ("dense layer is right", "bias")),
        (0, ("dense layer is right", "one weight and one bias")),
        (64 * 64, ("dense layer is right", "pixels", "serves them all")),
        (2 * 64 * 64, ("dense layer is right", "pixels", "shares one filter")),
        (3, ("dense layer is right", "3 is not it")),
    ])
    def test_convolution_wrong(self, conv, hints):
        assert_wrong(exercises.check_dense_and_conv_params((self.DENSE, conv)), *hints)

    @pytest.mark.parametrize(("answer", "words"), [
        (None, "two numbers"), (16_781_312, "two numbers"), ((16_781_312,), "two numbers"),
        ((16_781_312, 2, 0), "two numbers"), (np.array([16_781_312, 2]), "two numbers"),
        (("16781312", "2"), "whole number"), ((True, 2), "whole number"),
        ((16_781_312, None), "whole number"),
    ])
    def test_not_two_numbers(self, answer, words):
        assert_wrong(exercises.check_dense_and_conv_params(answer), words)


# -- every check, whatever comes ----------------------------------------------------

CHECKS = [exercises.check_photo_shape, exercises.check_single_channel,
          exercises.check_param_count, exercises.check_layer,
          exercises.check_dense_and_conv_params]

ODD_ANSWERS = [
    None, 0, -1, 1.5, float("nan"), float("inf"), 1j, True, "", "abc", b"bytes", [], [1, 2],
    (), (1,), (None, None, None), {}, {"n_H": 4}, {4, 5, 3}, object(), np.array([]),
    np.array(528), np.zeros((4, 5, 3)), np.array([4, 5, 3]), np.nan,
    (np.int64(4), np.int64(5), np.int64(3)), ([4], [5], [3]),
    lambda: None, lambda *args: None, lambda *args: args, print, len, Exception,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("answer", ODD_ANSWERS,
                         ids=[f"{k}-{type(a).__name__}" for k, a in enumerate(ODD_ANSWERS)])
def test_checks_never_raise(check, answer):
    feedback = check(answer)
    assert isinstance(feedback, Feedback)
    assert repr(feedback)[0] in "✓✗"


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_feedback_is_one_line(check):
    for answer in (None, "x", 3):
        assert "\n" not in repr(check(answer))


def test_feedback_truthiness_follows_correct():
    assert Feedback(True, "fine")
    assert not Feedback(False, "not yet")
    assert repr(Feedback(True, "fine")).startswith("✓")
    assert repr(Feedback(False, "not yet")).startswith("✗")
    assert "not yet" in repr(Feedback(False, "not yet"))


# photo(max_size=48) is 48×41; three mlpconv layers of 16, 32, 10 channels that keep the
# size, 2×2 max pooling (stride 2, rounding down) between them, then GAP
TINY_NIN_RIGHT = ((48, 41, 16), (24, 20, 32), (12, 10, 10), (10,))


class TestCheckTinyNinShapes:
    def test_the_photo_size_by_hand(self):
        assert data.photo(max_size=48).shape == (48, 41, 3)

    @pytest.mark.parametrize("answer", [list(TINY_NIN_RIGHT), TINY_NIN_RIGHT,
                                        [tuple(np.int64(n) for n in s) for s in TINY_NIN_RIGHT]])
    def test_right(self, answer):
        feedback = exercises.check_tiny_nin_shapes(answer)
        assert_right(feedback)
        assert "(12, 10, 10)" in feedback.message and "halves" in feedback.message

    @pytest.mark.parametrize(("answer", "hints"), [
        (None, ("None", "a.shape for a in tiny_nin")),
        ("shapes", ("list of 4 shape tuples", "str")),
        (list(TINY_NIN_RIGHT[:3]), ("list of 4 shape tuples", "length 3")),
        ([[48, 41, 16], [24, 20, 32], [12, 10, 10], [10]], ("list of 4 shape tuples",)),
        ([(48, 41, 16), (24, 20.5, 32), (12, 10, 10), (10,)], ("whole number", "float")),
        ([(48, 41, 16), (24, 20, 32), (12, 10, 10), (True,)], ("whole number", "bool")),
        # the notebook's own x, photo(max_size=64), 64×55
        ([(64, 55, 16), (32, 27, 32), (16, 13, 10), (10,)], ("shapes for x", "48×41")),
        ([(48, 41, 16), (24, 21, 32), (12, 10, 10), (10,)],
         ("mlpconv 2", "(24, 20, 32)", "rounding down")),
        ([(48, 41, 16), (24, 20, 32), (12, 10, 10), (1, 10)], ("the scores", "(10,)")),
        ([(48, 41, 3), (24, 20, 32), (12, 10, 10), (10,)], ("mlpconv 1", "(48, 41, 16)")),
    ])
    def test_wrong(self, answer, hints):
        assert_wrong(exercises.check_tiny_nin_shapes(answer), *hints)

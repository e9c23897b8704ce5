"""Tests for onebyone.nin, the Network in Network trained in numpy (notebook 09), and for
data.digits, the handwritten digits it trains on.

Gradients are checked against central differences of the loss in float64; parameter
counts against numbers worked out by hand in the comments; the digits split against
scikit-learn's raw data. Training runs on tiny random data, except two short runs on the
real digits.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from onebyone import cost, data, nin, ops

NOTEBOOK_BLOCKS = [[16, 16, 16], [16, 16, 10]]


@pytest.fixture(scope="module")
def digits() -> data.Digits:
    return data.digits()


def tiny_data(m: int = 10, shape: tuple[int, int, int] = (4, 4, 1), n_classes: int = 3,
              seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((m, *shape)), rng.integers(0, n_classes, m)


def tiny_net(seed: int = 0) -> nin.Network:
    return nin.digit_net([[4], [4, 3]], n_classes=3, image_shape=(4, 4, 1), seed=seed)


def parameters(net: nin.Network) -> list[np.ndarray]:
    return [p for layer in net.layers for p in layer.params.values()]


# -- gradients -----------------------------------------------------------------------

def loss_of(net: nin.Network, x: np.ndarray, y: np.ndarray) -> float:
    return ops.softmax_cross_entropy(net.forward(x), y).loss


@pytest.mark.parametrize("kwargs", [
    pytest.param(dict(blocks=[[3, 2], [3, 4]], head="gap"), id="gap-two-blocks"),
    pytest.param(dict(blocks=[[3, 2], [3]], head="dense"), id="dense-head"),
    pytest.param(dict(blocks=[[3, 2], [3, 4]], f_after_first=3), id="3x3-after-first"),
])
def test_backward_matches_central_differences_for_every_parameter(kwargs):
    net = nin.digit_net(**kwargs, n_classes=4, image_shape=(4, 4, 2), seed=3)
    rng = np.random.default_rng(1)
    for p in parameters(net):  # biases start at 0: give them values, so they are tested too
        p += 0.1 * rng.standard_normal(p.shape)
    x, y = rng.standard_normal((3, 4, 4, 2)), np.array([0, 3, 1])
    assert nin.DTYPE is np.float64 and net.forward(x).dtype == np.float64

    net.backward(ops.softmax_cross_entropy(net.forward(x), y).dscores)
    eps, checked = 1e-6, 0
    for layer in net.layers:
        for name, p in layer.params.items():
            numeric = np.zeros_like(p)
            for index in np.ndindex(p.shape):
                saved = p[index]
                p[index] = saved + eps
                up = loss_of(net, x, y)
                p[index] = saved - eps
                down = loss_of(net, x, y)
                p[index] = saved
                numeric[index] = (up - down) / (2 * eps)
            assert layer.grads[name].shape == p.shape
            np.testing.assert_allclose(layer.grads[name], numeric, rtol=1e-5, atol=1e-8,
                                       err_msg=f"{layer!r} {name}")
            checked += p.size
    assert checked == net.n_params  # every parameter, none skipped


# -- the layers and their count ----------------------------------------------------

def layer_kinds(net: nin.Network) -> list[tuple]:
    """Each layer as (kind, weight shape) or (kind,)."""
    return [(type(layer).__name__, layer.params["w"].shape) if layer.params
            else (type(layer).__name__,) for layer in net.layers]


def test_digit_net_layers_gap():
    conv, relu = "Conv", ("ReLU",)
    assert layer_kinds(nin.digit_net(NOTEBOOK_BLOCKS)) == [
        (conv, (3, 3, 1, 16)), relu, (conv, (1, 1, 16, 16)), relu, (conv, (1, 1, 16, 16)), relu,
        ("MaxPool",),
        (conv, (3, 3, 16, 16)), relu, (conv, (1, 1, 16, 16)), relu,
        (conv, (1, 1, 16, 10)),  # the class maps: no ReLU
        ("GlobalAveragePool",)]


def test_digit_net_layers_dense_three_blocks():
    net = nin.digit_net([[4, 5], [6], [7, 8]], head="dense", n_classes=3,
                        image_shape=(8, 8, 2))
    conv, relu = "Conv", ("ReLU",)
    assert layer_kinds(net) == [
        (conv, (3, 3, 2, 4)), relu, (conv, (1, 1, 4, 5)), relu, ("MaxPool",),
        (conv, (3, 3, 5, 6)), relu, ("MaxPool",),
        (conv, (3, 3, 6, 7)), relu, (conv, (1, 1, 7, 8)), relu,  # every conv has its ReLU
        ("Dense", (2 * 2 * 8, 3))]  # 8x8 pooled twice: 2x2x8 flattened


def test_the_control_has_3x3_layers_where_the_nin_has_1x1():
    conv, relu = "Conv", ("ReLU",)
    assert layer_kinds(nin.digit_net(NOTEBOOK_BLOCKS, f_after_first=3)) == [
        (conv, (3, 3, 1, 16)), relu, (conv, (3, 3, 16, 16)), relu, (conv, (3, 3, 16, 16)),
        relu, ("MaxPool",),
        (conv, (3, 3, 16, 16)), relu, (conv, (3, 3, 16, 16)), relu,
        (conv, (3, 3, 16, 10)),  # the class maps: no ReLU
        ("GlobalAveragePool",)]
    # 3×3 1 → 16: 160; 3×3 16 → 16: 9·16·16 + 16 = 2,320, four times; 3×3 16 → 10: 1,450
    assert 160 + 4 * 2_320 + 1_450 == 10_890
    assert nin.count_params(NOTEBOOK_BLOCKS, f_after_first=3) == 10_890
    net = nin.digit_net(NOTEBOOK_BLOCKS, f_after_first=3)
    assert net.n_params == 10_890
    assert net.scores(np.zeros((2, 8, 8, 1))).shape == (2, 10)  # the padding keeps 8×8


def test_the_notebooks_count_by_hand():
    # an f×f convolution from n_C to n_F channels: f·f·n_C·n_F weights + n_F biases
    # block 1 on 8×8×1: 3×3 1 → 16: 9·1·16 + 16 = 160; 1×1 16 → 16: 256 + 16 = 272, twice
    # block 2: 3×3 16 → 16: 9·16·16 + 16 = 2,320; 1×1 16 → 16: 272; 1×1 16 → 10: 170
    # 160 + 272 + 272 + 2,320 + 272 + 170 = 3,466, and GAP has no parameters
    assert 160 + 272 + 272 + 2_320 + 272 + 170 == 3_466
    assert nin.digit_net(NOTEBOOK_BLOCKS).n_params == 3_466
    assert nin.count_params(NOTEBOOK_BLOCKS) == 3_466
    # the classic head instead: a ReLU on the class maps, then dense from 4·4·10 = 160
    # values to 10 scores, 160·10 + 10 = 1,610 more
    assert nin.count_params(NOTEBOOK_BLOCKS, head="dense") == 3_466 + 1_610
    assert nin.digit_net(NOTEBOOK_BLOCKS, head="dense").n_params == 5_076


@pytest.mark.parametrize(("blocks", "head", "n_classes", "image_shape"), [
    (NOTEBOOK_BLOCKS, "gap", 10, (8, 8, 1)),
    (NOTEBOOK_BLOCKS, "dense", 10, (8, 8, 1)),
    ([[16, 16, 16], [16, 16, 16, 10]], "gap", 10, (8, 8, 1)),
    ([[16, 32, 32], [16, 16, 10]], "gap", 10, (8, 8, 1)),
    ([[5]], "gap", 5, (3, 3, 3)),
    ([[5]], "dense", 7, (3, 5, 3)),
    ([[4, 6], [8], [3, 2, 4]], "dense", 4, (9, 13, 2)),  # odd sizes: pooling rounds down
    ([[4, 6], [8], [3, 2, 4]], "gap", 4, (4, 4, 3)),
])
@pytest.mark.parametrize("f_after_first", [1, 3, 5])
def test_n_params_is_count_params(blocks, head, n_classes, image_shape, f_after_first):
    net = nin.digit_net(blocks, head, n_classes, image_shape, f_after_first=f_after_first)
    assert net.n_params == nin.count_params(blocks, head, n_classes, image_shape,
                                            f_after_first)
    assert net.n_params == sum(p.size for p in parameters(net))


def test_count_params_of_the_exercise():
    assert nin.count_params([[16, 16, 16], [16, 16, 16, 10]]) == 3_466 + 272
    # the first block's 1×1 layers widened to 32: 16 → 32 (544) and 32 → 32 (1,056), and
    # the next 3×3 convolution reads 32 channels: 9·32·16 + 16 = 4,624 instead of 2,320
    assert nin.count_params([[16, 32, 32], [16, 16, 10]]) == \
        160 + 544 + 1_056 + 4_624 + 272 + 170 == 6_826
    assert cost.conv_params(3, 32, 16) == 4_624


def test_gap_reads_any_size_dense_only_its_own():
    x16 = np.random.default_rng(0).random((5, 16, 16, 1))
    gap = nin.digit_net(NOTEBOOK_BLOCKS)
    assert gap.scores(x16).shape == (5, 10)
    assert gap.class_maps(x16).shape == (5, 8, 8, 10)
    dense = nin.digit_net(NOTEBOOK_BLOCKS, head="dense")
    assert dense.scores(x16[:, :8, :8]).shape == (5, 10)
    with pytest.raises(ValueError):
        dense.scores(x16)


def test_class_maps_average_to_the_scores():
    x = np.random.default_rng(0).random((6, 8, 8, 1))
    net = nin.digit_net(NOTEBOOK_BLOCKS, seed=2)
    maps = net.class_maps(x)
    assert maps.shape == (6, 4, 4, 10)
    np.testing.assert_allclose(maps.mean(axis=(1, 2)), net.scores(x), rtol=1e-12, atol=1e-12)
    assert (maps < 0).any()  # the class maps keep their negative values: no ReLU


def test_class_maps_need_gap():
    net = nin.digit_net(NOTEBOOK_BLOCKS, head="dense")
    with pytest.raises(ValueError, match="GlobalAveragePool"):
        net.class_maps(np.zeros((1, 8, 8, 1)))


def test_scores_in_batches_equal_one_forward():
    x = np.random.default_rng(0).random((23, 8, 8, 1))
    net = nin.digit_net(NOTEBOOK_BLOCKS, seed=1)
    whole = net.forward(x)
    for batch_size in (1, 7, 23, 500):
        np.testing.assert_allclose(net.scores(x, batch_size=batch_size), whole,
                                   rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(net.predict(x), whole.argmax(axis=1))


def test_accuracy_is_the_share_of_right_predictions():
    x, _ = tiny_data(m=40)
    net = tiny_net()
    predicted = net.predict(x)
    assert nin.accuracy(net, x, predicted) == 1.0
    assert nin.accuracy(net, x, (predicted + 1) % 3) == 0.0
    labels = np.where(np.arange(40) < 30, predicted, (predicted + 1) % 3)  # 30 of 40 right
    assert nin.accuracy(net, x, labels) == 0.75
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 3, 40)
    assert nin.accuracy(net, x, labels) == pytest.approx(np.mean(net.predict(x) == labels))


def test_different_seeds_different_starting_weights():
    a, b, a2 = (nin.digit_net(NOTEBOOK_BLOCKS, seed=s) for s in (0, 1, 0))
    assert not np.array_equal(a.layers[0].params["w"], b.layers[0].params["w"])
    for p, q in zip(parameters(a), parameters(a2), strict=True):
        np.testing.assert_array_equal(p, q)


# -- training ------------------------------------------------------------------------

def test_loss_falls_on_a_few_real_digits(digits):
    net = nin.digit_net(NOTEBOOK_BLOCKS)
    history = nin.train(net, digits.train.images[:300], digits.train.labels[:300],
                        (digits.validation.images[:100], digits.validation.labels[:100]),
                        epochs=3, learning_rate=0.03)
    losses = [e.loss for e in history]
    assert losses[0] < math.log(10) + 0.1  # about chance at the start
    assert losses[2] < losses[1] < losses[0]


def test_the_notebooks_network_learns_the_digits(digits):
    # the notebook trains 30 epochs; 8 already leave chance (10%) far behind
    net = nin.digit_net(NOTEBOOK_BLOCKS)
    history = nin.train(net, *digits.train, digits.validation, epochs=8)
    assert history[-1].loss < 0.5 * history[0].loss
    assert history[-1].validation_accuracy > 0.7
    assert history[-1].validation_accuracy == nin.accuracy(net, *digits.validation)


def train_tiny(seed: int, epochs: int = 2, **kwargs) -> tuple[nin.Network, list[nin.Epoch]]:
    x, y = tiny_data(m=12)
    vx, vy = tiny_data(m=6, seed=1)
    net = tiny_net()
    return net, nin.train(net, x, y, (vx, vy), epochs=epochs, batch_size=4, seed=seed,
                          **kwargs)


def test_same_seed_same_training_other_seed_other():
    net_a, history_a = train_tiny(seed=1)
    net_b, history_b = train_tiny(seed=1)
    net_c, history_c = train_tiny(seed=2)
    assert history_a == history_b
    for p, q in zip(parameters(net_a), parameters(net_b), strict=True):
        np.testing.assert_array_equal(p, q)
    assert [e.loss for e in history_a] != [e.loss for e in history_c]
    assert any(not np.array_equal(p, q)
               for p, q in zip(parameters(net_a), parameters(net_c), strict=True))


def test_train_changes_the_net_in_place_and_returns_one_epoch_each():
    untrained = [p.copy() for p in parameters(tiny_net())]
    net, history = train_tiny(seed=0, epochs=3)
    assert len(history) == 3
    assert [e.epoch for e in history] == [1, 2, 3]
    assert all(isinstance(e, nin.Epoch) and isinstance(e.loss, float) and e.loss > 0
               and 0 <= e.validation_accuracy <= 1 for e in history)
    assert all(not np.array_equal(p, q)
               for p, q in zip(parameters(net), untrained, strict=True))


def test_on_epoch_is_called_once_per_epoch():
    calls = []
    _, history = train_tiny(seed=0, epochs=3, on_epoch=calls.append)
    assert calls == history
    assert all(isinstance(e, nin.Epoch) for e in calls)


def test_the_step_size_follows_half_a_cosine(monkeypatch):
    rates = []
    step = nin.Adam.step

    def recording_step(self, learning_rate):
        rates.append(learning_rate)
        step(self, learning_rate)

    monkeypatch.setattr(nin.Adam, "step", recording_step)
    train_tiny(seed=0, epochs=2, learning_rate=0.02)  # 12 images, batches of 4: 6 steps
    # step k of 6 (from 0): 0.02 · (1 + cos(πk/6)) / 2, from 0.02 down towards 0
    expected = [0.02 * (1 + math.cos(math.pi * k / 6)) / 2 for k in range(6)]
    assert rates == pytest.approx(expected, rel=1e-12)
    assert rates[0] == 0.02 and rates[3] == pytest.approx(0.01)
    assert all(a > b > 0 for a, b in itertools.pairwise(rates))


def test_adams_first_step_is_the_step_size_against_each_gradient():
    layer = nin.Dense(3, 2, np.random.default_rng(0))
    before = {k: p.copy() for k, p in layer.params.items()}
    grads = {"w": np.array([[1.0, -2.0], [0.5, -0.25], [30.0, -4.0]]), "b": np.array([2.0, -0.1])}
    layer.grads = grads
    nin.Adam(nin.Network([layer])).step(0.1)
    # the running means after one step are (1-β1)·g and (1-β2)·g²; corrected for their
    # start at 0 they are g and g², so the step is 0.1 · g / |g|, whatever the scale of g
    for k, g in grads.items():
        np.testing.assert_allclose(layer.params[k] - before[k], -0.1 * np.sign(g), rtol=1e-5)


def test_adams_one_step_size_is_the_textbook_update():
    """The text's form: mean_hat = mean / (1 − β1^t), square_hat = square / (1 − β2^t),
    w ← w − lr · mean_hat / (√square_hat + ε). The code folds both corrections into its
    step size, which puts ε / √(1 − β2^t) (at most 32 ε, at the first step) in place of
    ε: the same steps where √square_hat is far larger, and none where a gradient is
    always 0."""
    rng = np.random.default_rng(4)
    layer = nin.Dense(4, 3, rng)
    adam = nin.Adam(nin.Network([layer]))
    b1, b2, eps = adam.beta1, adam.beta2, adam.eps
    assert (b1, b2, eps) == (0.9, 0.999, 1e-8)
    mean = {k: np.zeros_like(p) for k, p in layer.params.items()}
    square = {k: np.zeros_like(p) for k, p in layer.params.items()}
    for t in range(1, 8):
        # sizes from 0.005 to 200, either sign
        grads = {k: rng.choice([-1, 1], p.shape) * rng.uniform(0.5, 2, p.shape)
                 * 10.0 ** rng.integers(-2, 3, p.shape) for k, p in layer.params.items()}
        grads["b"][0] = 0.0  # a weight whose gradient is always 0 stays where it is
        before = {k: p.copy() for k, p in layer.params.items()}
        layer.grads = grads
        adam.step(0.01)
        for k, g in grads.items():
            mean[k] = b1 * mean[k] + (1 - b1) * g
            square[k] = b2 * square[k] + (1 - b2) * g * g
            mean_hat, square_hat = mean[k] / (1 - b1 ** t), square[k] / (1 - b2 ** t)
            textbook = -0.01 * mean_hat / (np.sqrt(square_hat) + eps)
            # √square_hat ≥ 0.005: 32 ε in place of ε changes a step by under 1e-4
            np.testing.assert_allclose(layer.params[k] - before[k], textbook, rtol=1e-4,
                                       atol=1e-15)
        assert layer.params["b"][0] == before["b"][0]


def test_adam_minimises_a_quadratic():
    # L = ½‖p − target‖², whose gradient is p − target
    layer = nin.Dense(3, 2, np.random.default_rng(0))
    target = {"w": np.arange(6.0).reshape(3, 2), "b": np.array([-1.0, 2.0])}

    def loss():
        return sum(((p - target[k]) ** 2).sum() / 2 for k, p in layer.params.items())

    start = loss()
    adam = nin.Adam(nin.Network([layer]))
    for _ in range(300):
        layer.grads = {k: p - target[k] for k, p in layer.params.items()}
        adam.step(0.05)
    assert start > 10 and loss() < 1e-3 * start


def test_training_uses_one_blas_thread():
    def blas_threads():
        return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]

    if not blas_threads():
        pytest.skip("threadpoolctl finds no BLAS library")
    during = []
    train_tiny(seed=0, epochs=1, on_epoch=lambda epoch: during.extend(blas_threads()))
    assert during and set(during) == {1}


# -- the digits ----------------------------------------------------------------------

def test_digits_sizes_and_types(digits):
    assert isinstance(digits, data.Digits)
    for split, m in zip(digits, (1077, 270, 450), strict=True):
        assert isinstance(split, data.Split)
        assert split.images.shape == (m, 8, 8, 1) and split.images.dtype == np.float32
        assert split.labels.shape == (m,) and split.labels.dtype == np.intp
        assert split.images.min() >= 0 and split.images.max() <= 1
        assert set(split.labels.tolist()) == set(range(10))
    assert min(s.images.min() for s in digits) == 0 and max(s.images.max() for s in digits) == 1


def test_digits_are_every_raw_digit_once_with_its_label(digits):
    from sklearn.datasets import load_digits

    raw = load_digits()
    label_of = {(image / 16).astype(np.float32).tobytes(): int(label)
                for image, label in zip(raw.images, raw.target, strict=True)}
    assert len(label_of) == 1797  # no two raw digits alike: rows tell them apart
    parts = [{image.tobytes() for image in split.images} for split in digits]
    assert [len(p) for p in parts] == [1077, 270, 450]  # no image twice within a part
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert set().union(*parts) == set(label_of)
    for split in digits:
        assert [label_of[image.tobytes()] for image in split.images] == split.labels.tolist()


def test_digits_split_is_stratified(digits):
    every = np.concatenate([split.labels for split in digits])
    for split in digits:
        for digit in range(10):
            proportional = len(split.labels) * np.mean(every == digit)
            assert abs(np.sum(split.labels == digit) - proportional) <= 1, digit


def test_digits_are_the_same_every_time(digits):
    again = data.digits()
    for split, split_again in zip(digits, again, strict=True):
        np.testing.assert_array_equal(split.images, split_again.images)
        np.testing.assert_array_equal(split.labels, split_again.labels)


# -- bad input -----------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "error", "name"), [
    (dict(head="avg"), ValueError, "head"),
    (dict(head=None), ValueError, "head"),
    (dict(head="GAP"), ValueError, "head"),
    (dict(blocks=[[16, 16, 16], [16, 16, 12]]), ValueError, "n_classes"),  # gap: last is 10
    (dict(blocks=[[16, 16, 16], [16, 16, 12]]), ValueError, "blocks"),
    (dict(blocks=[]), TypeError, "blocks"),
    (dict(blocks=[[16], []]), TypeError, r"blocks\[1\]"),
    (dict(blocks="16, 10"), TypeError, "blocks"),
    (dict(blocks=[["16", 10]]), TypeError, r"blocks\[0\]\[0\]"),
    (dict(blocks=["abc"]), TypeError, r"blocks\[0\]"),
    (dict(blocks=[[16, 2.5, 10]]), TypeError, r"blocks\[0\]\[1\]"),
    (dict(blocks=[[16, True, 10]]), TypeError, r"blocks\[0\]\[1\]"),
    (dict(blocks=[[16, 0, 10]]), ValueError, r"blocks\[0\]\[1\]"),
    (dict(blocks=[[16, 10]] * 5), ValueError, "blocks"),  # pools 4 times: 8 → 4 → 2 → 1 → 0
    (dict(blocks=[[4, 10]] * 2, image_shape=(1, 8, 1)), ValueError, "image_shape"),
    (dict(image_shape=[8, 8, 1]), TypeError, "image_shape"),
    (dict(image_shape=(8, 8)), TypeError, "image_shape"),
    (dict(image_shape=(8, 8.0, 1)), TypeError, "image_shape"),
    (dict(n_classes=0), ValueError, "n_classes"),
    (dict(f_after_first=2), ValueError, "f_after_first must be odd"),
    (dict(f_after_first=0), ValueError, "f_after_first"),
    (dict(f_after_first=3.0), TypeError, "f_after_first"),
    (dict(f_after_first=True), TypeError, "f_after_first"),
])
def test_digit_net_and_count_params_refuse_bad_arguments(kwargs, error, name):
    arguments = {"blocks": NOTEBOOK_BLOCKS, **kwargs}
    with pytest.raises(error, match=name) as built:
        nin.digit_net(**arguments)
    with pytest.raises(error, match=name) as counted:
        nin.count_params(**arguments)
    assert str(counted.value) == str(built.value)  # the same checks, the same words


def test_networks_too_big_to_build_are_refused_but_counted():
    # counting is only arithmetic: a network too big to build can still be counted
    with pytest.raises(ValueError, match="blocks"):
        nin.digit_net([[100_000, 100_000, 10]])
    assert nin.count_params([[100_000, 100_000, 10]]) > 10**10 > nin.MAX_PARAMS
    with pytest.raises(ValueError, match="image_shape"):  # a dense head of 2·10^10 weights
        nin.digit_net([[2]], head="dense", image_shape=(100_000, 100_000, 1))
    assert nin.count_params([[2]], head="dense", image_shape=(100_000, 100_000, 1)) > 10**10
    with pytest.raises(ValueError, match="seed"):
        nin.digit_net(NOTEBOOK_BLOCKS, seed=-1)


def bad_train_calls():
    x, y = tiny_data(m=8)
    valid = (x[:4], y[:4])
    nan_x = x.copy()
    nan_x[2, 1, 1, 0] = np.nan
    good = dict(images=x, labels=y, validation=valid, epochs=1)
    return [
        pytest.param({**good, "images": x.tolist()}, TypeError, "images", id="images-list"),
        pytest.param({**good, "labels": y.tolist()}, TypeError, "labels", id="labels-list"),
        pytest.param({**good, "labels": y.astype(float)}, TypeError, "labels",
                     id="float-labels"),
        pytest.param({**good, "labels": y[:7]}, ValueError, "labels", id="lengths"),
        pytest.param({**good, "images": nan_x}, ValueError, "images", id="nan-images"),
        pytest.param({**good, "images": x[..., 0]}, ValueError, "images", id="3-d-images"),
        pytest.param({**good, "images": np.concatenate([x, x], axis=3)}, ValueError, "images",
                     id="two-channels"),
        pytest.param({**good, "labels": y + 3}, ValueError, "labels", id="labels-too-big"),
        pytest.param({**good, "learning_rate": 0}, ValueError, "learning_rate", id="lr-0"),
        pytest.param({**good, "learning_rate": 2}, ValueError, "learning_rate", id="lr-2"),
        pytest.param({**good, "learning_rate": float("nan")}, ValueError, "learning_rate",
                     id="lr-nan"),
        pytest.param({**good, "learning_rate": "0.01"}, TypeError, "learning_rate",
                     id="lr-text"),
        pytest.param({**good, "on_epoch": "print"}, TypeError, "on_epoch", id="on_epoch"),
        pytest.param({**good, "validation": list(valid)}, TypeError, "validation",
                     id="validation-list"),
        pytest.param({**good, "validation": valid[0]}, TypeError, "validation",
                     id="validation-array"),
        pytest.param({**good, "validation": (valid[0], valid[1].astype(float))}, TypeError,
                     "validation labels", id="validation-float-labels"),
        pytest.param({**good, "validation": (valid[0], valid[1][:3])}, ValueError,
                     "validation labels", id="validation-lengths"),
        pytest.param({**good, "epochs": 0}, ValueError, "epochs", id="epochs-0"),
        pytest.param({**good, "epochs": 1.5}, TypeError, "epochs", id="epochs-float"),
        pytest.param({**good, "batch_size": 0}, ValueError, "batch_size", id="batch-0"),
        pytest.param({**good, "seed": -1}, ValueError, "seed", id="seed"),
    ]


@pytest.mark.parametrize(("kwargs", "error", "name"), bad_train_calls())
def test_train_refuses_bad_arguments_before_changing_the_net(kwargs, error, name):
    net = tiny_net()
    before = [p.copy() for p in parameters(net)]
    with pytest.raises(error, match=name):
        nin.train(net, **kwargs)
    for p, q in zip(parameters(net), before, strict=True):
        np.testing.assert_array_equal(p, q)


def test_train_and_accuracy_want_a_network():
    x, y = tiny_data()
    with pytest.raises(TypeError, match="net"):
        nin.train(tiny_net().layers, x, y, (x, y), epochs=1)
    with pytest.raises(TypeError, match="net"):
        nin.accuracy("net", x, y)
    with pytest.raises(ValueError, match="labels"):  # not a silent 0%: there is no class 3
        nin.accuracy(tiny_net(), x, np.full(len(x), 3))

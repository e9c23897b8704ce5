"""A Network in Network you can train, in numpy (notebook 09).

A network is a list of layers. Each layer's ``forward(x)`` computes its output and keeps
what its backward pass needs; its ``backward(grad)`` takes ``∂L/∂(output)``, stores the
gradients of its own parameters in ``grads`` and returns ``∂L/∂x``. Every computation is
one function of :mod:`onebyone.ops`, so what trains here is what the course taught.

Arrays are channels-last, ``(m, n_H, n_W, n_C)``, float64. float32 would be faster, but
CPUs add up matrix products in different orders (their BLAS kernels differ), and training
amplifies differences in the last bits: in float32 the same seed reached test accuracies
from 96.0% to 97.8% on three kinds of CPU. In float64 they agree to about 1e-8, and the
notebook's stored results hold on every CPU.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from threadpoolctl import threadpool_limits

from onebyone import _validate as v
from onebyone import cost, ops

DTYPE = np.float64
HEADS = ("gap", "dense")
MAX_PARAMS = 10_000_000
"""digit_net refuses to build a network with more parameters than this (80 MB of
float64, three times that while Adam trains it; the course's networks have thousands)."""


class Conv:
    """An f x f convolution with biases; ``f = 1`` is :func:`ops.conv1x1`.

    Weights start random with the scale √(2 / fan-in) (He et al., 2015), biases at 0.
    Zero padding of ``f // 2`` keeps the height and width.
    """

    def __init__(self, f: int, n_C: int, n_F: int, rng: np.random.Generator) -> None:
        fan_in = f * f * n_C
        self.params = {"w": (rng.standard_normal((f, f, n_C, n_F))
                             * np.sqrt(2 / fan_in)).astype(DTYPE),
                       "b": np.zeros(n_F, DTYPE)}
        self.grads: dict[str, np.ndarray] = {}
        self.f = f

    def __repr__(self) -> str:
        f, _, n_C, n_F = self.params["w"].shape
        return f"Conv({f}×{f}, {n_C} → {n_F})"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        w, b = self.params["w"], self.params["b"]
        if self.f == 1:
            return ops.conv1x1(x, w, b)
        return ops.conv2d(x, w, b, pad=self.f // 2)

    def backward(self, dz: np.ndarray) -> np.ndarray:
        w = self.params["w"]
        if self.f == 1:
            dx, dw, db = ops.conv1x1_backward(self.x, w, dz)
        else:
            dx, dw, db = ops.conv2d_backward(self.x, w, dz, pad=self.f // 2)
        self.grads = {"w": dw, "b": db}
        return dx


class ReLU:
    """:func:`ops.relu`, no parameters."""

    params: dict[str, np.ndarray] = {}  # noqa: RUF012 (shared, and always empty)

    def __repr__(self) -> str:
        return "ReLU"

    def forward(self, z: np.ndarray) -> np.ndarray:
        self.z = z
        return ops.relu(z)

    def backward(self, da: np.ndarray) -> np.ndarray:
        return ops.relu_backward(self.z, da)


class MaxPool:
    """2 x 2 max pooling with stride 2 (:func:`ops.pool2d`): halves height and width."""

    params: dict[str, np.ndarray] = {}  # noqa: RUF012

    def __repr__(self) -> str:
        return "MaxPool(2×2)"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return ops.pool2d(x, f=2, stride=2, mode="max")

    def backward(self, da: np.ndarray) -> np.ndarray:
        return ops.pool2d_backward(self.x, da, f=2, stride=2, mode="max")


class GlobalAveragePool:
    """:func:`ops.global_average_pool`: each map becomes its mean, no parameters."""

    params: dict[str, np.ndarray] = {}  # noqa: RUF012

    def __repr__(self) -> str:
        return "GlobalAveragePool"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return ops.global_average_pool(x)

    def backward(self, ds: np.ndarray) -> np.ndarray:
        return ops.global_average_pool_backward(self.x, ds)


class Dense:
    """Flatten each image's volume, then a fully connected layer: the classic head."""

    def __init__(self, n_in: int, n_out: int, rng: np.random.Generator) -> None:
        # scale √(1 / fan-in): no ReLU follows, the outputs are the class scores
        self.params = {"w": (rng.standard_normal((n_in, n_out))
                             * np.sqrt(1 / n_in)).astype(DTYPE),
                       "b": np.zeros(n_out, DTYPE)}
        self.grads: dict[str, np.ndarray] = {}

    def __repr__(self) -> str:
        n_in, n_out = self.params["w"].shape
        return f"Dense({n_in} → {n_out})"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.shape = x.shape
        self.flat = x.reshape(len(x), -1)
        return self.flat @ self.params["w"] + self.params["b"]

    def backward(self, ds: np.ndarray) -> np.ndarray:
        self.grads = {"w": self.flat.T @ ds, "b": ds.sum(axis=0)}
        return (ds @ self.params["w"].T).reshape(self.shape)


Layer = Conv | ReLU | MaxPool | GlobalAveragePool | Dense


class Network:
    """Layers applied in turn; the last gives the class scores ``(m, n_classes)``."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        self.layers = list(layers)

    def __repr__(self) -> str:
        return "Network(" + ", ".join(repr(layer) for layer in self.layers) + ")"

    @property
    def n_params(self) -> int:
        """The number of weights and biases, every layer's."""
        return sum(p.size for layer in self.layers for p in layer.params.values())

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dscores: np.ndarray) -> None:
        """Every layer's gradients, from ``∂L/∂scores``, last layer first (the chain rule)."""
        for layer in reversed(self.layers):
            dscores = layer.backward(dscores)

    def class_maps(self, images: np.ndarray) -> np.ndarray:
        """What the layers before global average pooling give: one map per class,
        ``(m, n_H', n_W', n_classes)``; their means are the scores."""
        images = _images(images)
        if not isinstance(self.layers[-1], GlobalAveragePool):
            raise ValueError(f"class maps need a network whose last layer is "
                             f"GlobalAveragePool, this one ends with {self.layers[-1]!r}")
        for layer in self.layers[:-1]:
            images = layer.forward(images)
        return images

    def scores(self, images: np.ndarray, batch_size: int = 500) -> np.ndarray:
        """Class scores ``(m, n_classes)`` of ``images`` ``(m, n_H, n_W, n_C)``, a batch
        at a time (the layers keep their inputs: one huge batch would hold them all)."""
        images = _images(images)
        batch_size = v.integer("batch_size", batch_size)
        return np.concatenate([self.forward(images[k:k + batch_size])
                               for k in range(0, len(images), batch_size)])

    def predict(self, images: np.ndarray) -> np.ndarray:
        """The predicted class of each image: the index of its largest score."""
        return self.scores(images).argmax(axis=1)


def digit_net(blocks: Sequence[Sequence[int]], head: str = "gap", n_classes: int = 10,
              image_shape: tuple[int, int, int] = (8, 8, 1), seed: int = 0,
              f_after_first: int = 1) -> Network:
    """A Network in Network, or one of its ablations, for small images.

    Each block is an mlpconv layer: a 3 x 3 convolution to ``block[0]`` channels, then
    one 1 x 1 convolution to each next width, all with ReLUs. Blocks are separated by
    2 x 2 max pooling. With ``head="gap"`` the last width must be ``n_classes``: those
    are the class maps, kept without a ReLU (a ReLU could switch a class's map off for
    good), and global average pooling gives the scores. With ``head="dense"`` a fully
    connected layer on the flattened last volume gives them (the classic head).

    ``f_after_first=3`` makes the control of the same depth and widths: 3 x 3
    convolutions where the NIN has its 1 x 1 ones.

    Parameters
    ----------
    blocks : list of lists of int, e.g. ``[[16, 16, 16], [16, 16, 10]]``
    head : ``"gap"`` or ``"dense"``
    n_classes : int
    image_shape : ``(n_H, n_W, n_C)`` of the images the network will see (the dense
        head's size depends on it; the GAP head takes any size)
    seed : int, for the random starting weights
    f_after_first : odd int, default 1
        The size f of the f x f convolutions after each block's first (which is 3 x 3);
        zero padding of ``f // 2`` keeps their height and width.

    Returns
    -------
    Network
    """
    widths, (n_H, n_W, n_C), f_after_first = _widths(blocks, head, n_classes, image_shape,
                                                     f_after_first)
    seed = v.integer("seed", seed, minimum=0)
    n_params = _count(widths, (n_H, n_W, n_C), head, n_classes, f_after_first)
    if n_params > MAX_PARAMS:
        raise ValueError(f"blocks {blocks!r} on image_shape {image_shape} make {n_params:,} "
                         f"parameters; at most {MAX_PARAMS:,} are allowed")

    rng = np.random.default_rng(seed)
    layers: list[Layer] = []
    for k, block in enumerate(widths):
        if k:
            layers.append(MaxPool())
            n_H, n_W = n_H // 2, n_W // 2
        for j, n_F in enumerate(block):
            layers.append(Conv(3 if j == 0 else f_after_first, n_C, n_F, rng))
            layers.append(ReLU())
            n_C = n_F
    if head == "gap":
        layers[-1] = GlobalAveragePool()  # the class maps, without the last ReLU
    else:
        layers.append(Dense(n_H * n_W * n_C, n_classes, rng))
    return Network(layers)


def count_params(blocks: Sequence[Sequence[int]], head: str = "gap", n_classes: int = 10,
                 image_shape: tuple[int, int, int] = (8, 8, 1), f_after_first: int = 1) -> int:
    """The parameters of ``digit_net(blocks, head, ...)``, counted with :mod:`cost`
    (never by building the network). The arguments are checked as digit_net checks them."""
    widths, shape, f_after_first = _widths(blocks, head, n_classes, image_shape,
                                           f_after_first)
    return _count(widths, shape, head, int(n_classes), f_after_first)


def _widths(blocks: object, head: object, n_classes: object, image_shape: object,
            f_after_first: object) -> tuple[list[list[int]], tuple[int, int, int], int]:
    """The checked arguments of :func:`digit_net` and :func:`count_params`: each block's
    widths as ints, ``image_shape`` as ``(n_H, n_W, n_C)``, and ``f_after_first``."""
    f_after_first = v.integer("f_after_first", f_after_first)
    if f_after_first % 2 == 0:
        raise ValueError(f"f_after_first must be odd (a padding of f // 2 keeps the height "
                         f"and width only for odd f), got {f_after_first}")
    if not isinstance(head, str) or head not in HEADS:
        raise ValueError(f"head must be 'gap' or 'dense', got {head!r}")
    n_classes = v.integer("n_classes", n_classes)
    if not isinstance(image_shape, tuple) or len(image_shape) != 3:
        raise TypeError(f"image_shape must be a tuple (n_H, n_W, n_C), got {image_shape!r}")
    n_H, n_W, n_C = (v.integer(f"image_shape[{k}]", n) for k, n in enumerate(image_shape))
    if isinstance(blocks, (str, bytes)) or not isinstance(blocks, Sequence) or not blocks:
        raise TypeError(f"blocks must be a non-empty list of lists of widths, got {blocks!r}")
    widths = []
    for k, block in enumerate(blocks):
        if isinstance(block, (str, bytes)) or not isinstance(block, Sequence) or not block:
            raise TypeError(f"blocks[{k}] must be a non-empty list of widths, got {block!r}")
        widths.append([v.integer(f"blocks[{k}][{j}]", n) for j, n in enumerate(block)])
    if head == "gap" and widths[-1][-1] != n_classes:
        raise ValueError(f"with head='gap' the last width of blocks is the number of class "
                         f"maps: it must be n_classes = {n_classes}, got {widths[-1][-1]}")
    if min(n_H, n_W) < 2 ** (len(widths) - 1):
        raise ValueError(f"{len(widths)} blocks pool {len(widths) - 1} times, too often for "
                         f"{n_H}x{n_W} images (image_shape {image_shape})")
    return widths, (n_H, n_W, n_C), f_after_first


def _count(widths: list[list[int]], image_shape: tuple[int, int, int], head: str,
           n_classes: int, f_after_first: int) -> int:
    n_H, n_W, n_C = image_shape
    total = 0
    for k, block in enumerate(widths):
        if k:
            n_H, n_W = n_H // 2, n_W // 2
        for j, n_F in enumerate(block):
            total += cost.conv_params(3 if j == 0 else f_after_first, n_C, n_F)
            n_C = n_F
    if head == "dense":
        total += cost.dense_params(n_H * n_W * n_C, n_classes)
    return total


class Adam:
    """The Adam update (Kingma and Ba, 2015) of every parameter of a network.

    Each parameter moves against a running mean of its gradients, divided by the root
    of a running mean of their squares: a step of about ``learning_rate`` per weight,
    whatever the scale of its gradient. ``eps`` keeps the division finite for a weight
    whose gradient has always been 0.
    """

    def __init__(self, net: Network, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        self.net = net
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.steps = 0
        self.mean = {id(p): np.zeros_like(p) for p in _parameters(net)}
        self.square = {id(p): np.zeros_like(p) for p in _parameters(net)}

    def step(self, learning_rate: float) -> None:
        """Update every parameter in place from the gradients of the last backward pass."""
        self.steps += 1
        b1, b2, t = self.beta1, self.beta2, self.steps
        # both running means start at 0: the mean / (1 - b1**t) and the square / (1 - b2**t)
        # make up for it, and both corrections go into one step size
        step_size = learning_rate * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        for layer in self.net.layers:
            for name, p in layer.params.items():
                g = layer.grads[name]
                mean, square = self.mean[id(p)], self.square[id(p)]
                mean += (1 - b1) * (g - mean)
                square += (1 - b2) * (g * g - square)
                p -= step_size * mean / (np.sqrt(square) + self.eps)


def _parameters(net: Network) -> list[np.ndarray]:
    return [p for layer in net.layers for p in layer.params.values()]


def _images(images: object) -> np.ndarray:
    return v.real_array("images", images, ndim=(4,), layout="(m, n_H, n_W, n_C)")


class Epoch(NamedTuple):
    """What :func:`train` measured after one pass over the training images."""

    epoch: int
    loss: float
    """the mean cross-entropy over the epoch's mini-batches"""
    validation_accuracy: float
    """the share of validation images classified right, after the epoch"""


def train(net: Network, images: np.ndarray, labels: np.ndarray,
          validation: tuple[np.ndarray, np.ndarray], *, epochs: int, batch_size: int = 32,
          learning_rate: float = 0.01, seed: int = 0,
          on_epoch: Callable[[Epoch], None] | None = None) -> list[Epoch]:
    """Train ``net`` with Adam on mini-batches of softmax cross-entropy.

    Each epoch shuffles the training images (with ``seed``), then for each mini-batch:
    forward, loss, backward, one Adam step. After each epoch the validation accuracy is
    measured and ``on_epoch`` (if given) is called with it, e.g. to print progress.

    Parameters
    ----------
    net : Network, trained in place
    images : ndarray ``(m, n_H, n_W, n_C)``; labels : ndarray of int ``(m,)``
    validation : ``(images, labels)`` held out from training, to watch it
    epochs, batch_size : int
    learning_rate : float, Adam's step size
    seed : int, for the order of the mini-batches
    on_epoch : callable taking an :class:`Epoch`, optional

    Returns
    -------
    list of Epoch, one per epoch
    """
    _network(net)
    images, labels = _labelled("images", "labels", images, labels)
    if not isinstance(validation, tuple) or len(validation) != 2:
        raise TypeError(f"validation must be a tuple (images, labels), got "
                        f"{v.describe(validation)}")
    val_images, val_labels = _labelled("validation images", "validation labels", *validation)
    _fits(net, images, labels, "images", "labels")
    _fits(net, val_images, val_labels, "validation images", "validation labels")
    epochs = v.integer("epochs", epochs)
    batch_size = v.integer("batch_size", batch_size)
    learning_rate = v.real_number("learning_rate", learning_rate)
    if not 0 < learning_rate < 1:
        raise ValueError(f"learning_rate must be between 0 and 1, got {learning_rate}")
    rng = np.random.default_rng(v.integer("seed", seed, minimum=0))
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(f"on_epoch must be a function or None, got {v.describe(on_epoch)}")

    # one BLAS thread: on matrices this small, a second thread costs more than it saves
    with threadpool_limits(limits=1, user_api="blas"):
        return _epochs(net, images, labels, (val_images, val_labels), epochs, batch_size,
                       learning_rate, rng, on_epoch)


def _epochs(net: Network, images: np.ndarray, labels: np.ndarray,
            validation: tuple[np.ndarray, np.ndarray], epochs: int, batch_size: int,
            learning_rate: float, rng: np.random.Generator,
            on_epoch: Callable[[Epoch], None] | None) -> list[Epoch]:
    optimizer = Adam(net)
    steps = epochs * -(-len(images) // batch_size)
    history = []
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(images))
        total = 0.0
        for start in range(0, len(images), batch_size):
            batch = order[start:start + batch_size]
            scores = net.forward(images[batch])
            loss, _, dscores = ops.softmax_cross_entropy(scores, labels[batch])
            net.backward(dscores)
            # the step size falls from learning_rate to 0 along half a cosine: big steps
            # first, then small ones that settle instead of jumping around the minimum
            optimizer.step(learning_rate * (1 + np.cos(np.pi * optimizer.steps / steps)) / 2)
            total += loss * len(batch)
        result = Epoch(epoch, total / len(images), accuracy(net, *validation))
        history.append(result)
        if on_epoch is not None:
            on_epoch(result)
    return history


def _labelled(images_name: str, labels_name: str, images: object, labels: object
              ) -> tuple[np.ndarray, np.ndarray]:
    images = v.real_array(images_name, images, ndim=(4,), layout="(m, n_H, n_W, n_C)")
    labels = v.real_array(labels_name, labels, ndim=(1,), layout="(m,)")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{labels_name} must be integers, got dtype {labels.dtype}")
    if len(labels) != len(images):
        raise ValueError(f"{labels_name} has {len(labels)} values but {images_name} has "
                         f"{len(images)} images")
    if not np.isfinite(images).all():
        raise ValueError(f"{images_name} must be finite, got NaN or inf")
    return images.astype(DTYPE, copy=False), labels


def _network(net: object) -> None:
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network (see digit_net), got {v.describe(net)}")


def _fits(net: Network, images: np.ndarray, labels: np.ndarray, images_name: str,
          labels_name: str) -> None:
    """Refuse, before any work, images the network cannot read (one image goes through
    it) and labels that are none of its classes."""
    try:
        n_classes = net.forward(images[:1]).shape[1]
    except ValueError as error:
        raise ValueError(f"{images_name} of shape {v.shape_str(images.shape)} do not fit "
                         f"the network: {error}") from None
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"{labels_name} must be in 0 .. {n_classes - 1} (the network has "
                         f"{n_classes} classes), got values from {labels.min()} to "
                         f"{labels.max()}")


def accuracy(net: Network, images: np.ndarray, labels: np.ndarray) -> float:
    """The share of ``images`` whose predicted class is their label."""
    _network(net)
    images, labels = _labelled("images", "labels", images, labels)
    _fits(net, images, labels, "images", "labels")
    return float((net.predict(images) == labels).mean())

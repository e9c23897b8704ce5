"""Convolutions, channels-last, as in the course.

Shapes
------
x : ``(n_H, n_W, n_C)`` one volume, or ``(m, n_H, n_W, n_C)`` a batch of ``m``.
w : ``(n_C, n_F)`` or ``(1, 1, n_C, n_F)`` for a 1x1 convolution, ``(f, f, n_C, n_F)``
    for an f x f convolution: ``n_F`` filters, each ``f x f x n_C``.
b : ``(n_F,)`` one bias per filter, or None for no bias.

All functions check their arguments and raise TypeError or ValueError naming what was
expected and what came. Inputs are never modified. NaN and inf propagate as they do in
numpy arithmetic (a NaN anywhere in a pixel's fibre makes that pixel's outputs NaN),
without RuntimeWarnings, the same on every CPU (see ``_validate.propagates_nonfinite``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from onebyone import _validate as v

VOLUME = "(n_H, n_W, n_C) or (m, n_H, n_W, n_C)"


def _volume(x: object) -> np.ndarray:
    return v.real_array("x", x, ndim=(3, 4), layout=VOLUME)


def _bias(b: object, n_F: int) -> np.ndarray | None:
    if b is None:
        return None
    b = v.real_array("b", b, ndim=(1,), layout="(n_F,)")
    if b.shape[0] != n_F:
        raise ValueError(f"b has {b.shape[0]} values but w has {n_F} filters")
    return b


def _check_channels(w_channels: int, x: np.ndarray) -> None:
    if w_channels != x.shape[-1]:
        raise ValueError(
            f"w has {w_channels} input channels but x has {x.shape[-1]} channels "
            f"(x has shape {v.shape_str(x.shape)})"
        )


def _filter_matrix(w: object, x: np.ndarray) -> np.ndarray:
    """Check a 1x1 filter bank against ``x`` and return it as an ``(n_C, n_F)`` matrix."""
    w = v.real_array("w", w, ndim=(2, 4), layout="(n_C, n_F) or (1, 1, n_C, n_F)")
    if w.ndim == 4:
        if w.shape[:2] != (1, 1):
            raise ValueError(
                f"w must be a bank of 1x1 filters, shape (1, 1, n_C, n_F), got shape "
                f"{v.shape_str(w.shape)}; use conv2d for {w.shape[0]}x{w.shape[1]} filters"
            )
        w = w[0, 0]
    _check_channels(w.shape[0], x)
    return w


@v.propagates_nonfinite
def conv1x1(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """1x1 convolution: at every pixel, the fibre of ``n_C`` values times each filter.

    Linear only: no activation is applied (see :func:`relu`). Computed as one matrix
    product of the ``(pixels, n_C)`` matrix by the ``(n_C, n_F)`` filter matrix.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``
    w : ndarray, shape ``(n_C, n_F)`` or ``(1, 1, n_C, n_F)``
    b : ndarray, shape ``(n_F,)``, optional

    Returns
    -------
    ndarray, shape ``(n_H, n_W, n_F)`` or ``(m, n_H, n_W, n_F)``
        float32 if every input is float32, float64 if any is float64; integer inputs
        count as float64. NaN and inf propagate as in numpy.
    """
    x = _volume(x)
    w = _filter_matrix(w, x)
    b = _bias(b, w.shape[1])
    dtype = v.float_dtype(x, w, b)
    z = x.reshape(-1, x.shape[-1]).astype(dtype, copy=False) @ w.astype(dtype, copy=False)
    if b is not None:
        z += b.astype(dtype, copy=False)
    return z.reshape(*x.shape[:-1], w.shape[1])


@v.propagates_nonfinite
def conv1x1_loops(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """:func:`conv1x1` written with explicit loops, one pixel and one filter at a time.

    Same arguments, result and dtype rules as :func:`conv1x1`; slow on purpose (it is
    the teaching version and the benchmark baseline).
    """
    x = _volume(x)
    w = _filter_matrix(w, x)
    b = _bias(b, w.shape[1])
    dtype = v.float_dtype(x, w, b)
    # convert first: integer products could overflow in the inputs' own dtype
    batch = (x if x.ndim == 4 else x[np.newaxis]).astype(dtype, copy=False)
    w = w.astype(dtype, copy=False)
    m, n_H, n_W, n_C = batch.shape
    n_F = w.shape[1]
    out = np.zeros((m, n_H, n_W, n_F), dtype=dtype)
    for n in range(m):
        for i in range(n_H):
            for j in range(n_W):
                for k in range(n_F):
                    total = 0.0
                    for c in range(n_C):
                        total += batch[n, i, j, c] * w[c, k]
                    out[n, i, j, k] = total + (b[k] if b is not None else 0.0)
    return out if x.ndim == 4 else out[0]


def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit, ``max(z, 0)`` element-wise, any shape; dtype is kept.

    NaN stays NaN, ``+inf`` stays ``+inf``, ``-inf`` becomes 0.
    """
    z = v.real_array("z", z)
    return np.asarray(np.maximum(z, 0, dtype=z.dtype))  # asarray: 0-d stays an array


def conv_output_size(n: int, f: int, stride: int = 1, pad: int = 0) -> int:
    """Output length along one axis: ``floor((n + 2*pad - f) / stride) + 1``."""
    n = v.integer("n", n)
    f = v.integer("f", f)
    stride = v.integer("stride", stride)
    pad = v.integer("pad", pad, minimum=0)
    if f > n + 2 * pad:
        raise ValueError(
            f"the filter (f={f}) is larger than the padded input "
            f"(n + 2*pad = {n} + 2*{pad} = {n + 2 * pad})"
        )
    return (n + 2 * pad - f) // stride + 1


@v.propagates_nonfinite
def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None,
           stride: int = 1, pad: int = 0) -> np.ndarray:
    """General f x f convolution (cross-correlation, as in deep learning), zero padding.

    Vectorized: one matrix product per filter offset (``f*f`` of them), never a Python
    loop over pixels. With ``f = 1``, ``stride = 1`` and ``pad = 0`` it equals
    :func:`conv1x1`.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``
    w : ndarray, shape ``(f, f, n_C, n_F)``
    b : ndarray, shape ``(n_F,)``, optional
    stride : int, >= 1
    pad : int, >= 0, zeros added on every side of height and width

    Returns
    -------
    ndarray, shape ``(..., n_H_out, n_W_out, n_F)``
        with ``n_H_out = (n_H + 2*pad - f) // stride + 1`` (likewise for width).
        dtype rules, NaN and inf as in :func:`conv1x1`.
    """
    x, w, stride, pad = _conv2d_arguments(x, w, stride, pad)
    b = _bias(b, w.shape[3])
    f, n_C, n_F = w.shape[0], w.shape[2], w.shape[3]
    n_H_out, n_W_out = _conv2d_output_size(x, f, stride, pad)
    dtype = v.float_dtype(x, w, b)

    batch = _padded_batch(x, dtype, pad)
    w = w.astype(dtype, copy=False)
    out = np.zeros((batch.shape[0] * n_H_out * n_W_out, n_F), dtype=dtype)
    for di in range(f):
        for dj in range(f):
            # every output pixel's input at offset (di, dj) of its window, all at once, as
            # one (pixels, n_C) matrix: one large product, not one per row of the image.
            # np.dot, not @: with n_C = 1 (a grey image) numpy's @ skips BLAS, 5x slower
            out += np.dot(batch[_offset(di, dj, n_H_out, n_W_out, stride)].reshape(-1, n_C),
                          w[di, dj])
    if b is not None:
        out += b.astype(dtype, copy=False)
    out = out.reshape(batch.shape[0], n_H_out, n_W_out, n_F)
    return out if x.ndim == 4 else out[0]


def _conv2d_arguments(x: object, w: object, stride: object, pad: object,
                      w_layout: str = "(f, f, n_C, n_F)"
                      ) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Check the arguments :func:`conv2d` and :func:`conv2d_backward` share (and
    :func:`depthwise_conv2d`, whose ``w`` is ``(f, f, n_C)``: ``w_layout`` names the
    axes of ``w``, the first three always ``f, f, n_C``)."""
    x = _volume(x)
    w = v.real_array("w", w, ndim=(w_layout.count(",") + 1,), layout=w_layout)
    if w.shape[0] != w.shape[1]:
        raise ValueError(f"w must have square f x f filters, got shape {v.shape_str(w.shape)}")
    _check_channels(w.shape[2], x)
    stride = v.integer("stride", stride)
    pad = v.integer("pad", pad, minimum=0)
    padded = (x.shape[-3] + 2 * pad, x.shape[-2] + 2 * pad)
    if w.shape[0] > min(padded):
        raise ValueError(f"w has {w.shape[0]}x{w.shape[0]} filters, larger than x padded by "
                         f"pad={pad}: {padded[0]}x{padded[1]}")
    return x, w, stride, pad


def _conv2d_output_size(x: np.ndarray, f: int, stride: int, pad: int) -> tuple[int, int]:
    return (conv_output_size(x.shape[-3], f, stride, pad),
            conv_output_size(x.shape[-2], f, stride, pad))


def _padded_batch(x: np.ndarray, dtype: np.dtype, pad: int) -> np.ndarray:
    """``x`` as a batch ``(m, n_H, n_W, n_C)`` in ``dtype``, with ``pad`` zeros around."""
    batch = (x if x.ndim == 4 else x[np.newaxis]).astype(dtype, copy=False)
    if not pad:
        return batch
    m, n_H, n_W, n_C = batch.shape
    # zeros, then x inside: np.pad gives the same array, with ten times the overhead on
    # the small batches of training (09)
    padded = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), dtype=dtype)
    padded[:, pad:pad + n_H, pad:pad + n_W, :] = batch
    return padded


def _offset(di: int, dj: int, n_H_out: int, n_W_out: int, stride: int) -> tuple[slice, ...]:
    """Index of the input value at offset ``(di, dj)`` of every output pixel's window,
    in a batch ``(m, n_H, n_W, n_C)``: strided slices, so a view, never a copy."""
    rows = stride * (n_H_out - 1) + 1
    cols = stride * (n_W_out - 1) + 1
    return (slice(None), slice(di, di + rows, stride), slice(dj, dj + cols, stride),
            slice(None))


class FiberDot(NamedTuple):
    """One output number of a 1x1 convolution, taken apart (see :func:`fiber_dot`)."""

    values: np.ndarray
    """the ``n_C`` input values at the pixel (the 1 x 1 x n_C fibre)"""
    weights: np.ndarray
    """the filter's ``n_C`` weights"""
    products: np.ndarray
    """``values * weights``, element-wise"""
    total: float
    """``products.sum() + bias``"""
    activation: float
    """``relu(total)``"""


@v.propagates_nonfinite
def fiber_dot(x: np.ndarray, w: np.ndarray, i: int, j: int, bias: float = 0.0) -> FiberDot:
    """The fibre of ``x`` at pixel ``(i, j)`` dotted with one 1x1 filter, then ReLU.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)``
    w : ndarray, shape ``(n_C,)``, one filter
    i, j : int, the pixel's row and column
    bias : float

    Returns
    -------
    FiberDot
        values, weights, products (each ``(n_C,)``), total and activation.
    """
    x = v.real_array("x", x, ndim=(3,), layout="(n_H, n_W, n_C)")
    w = v.real_array("w", w, ndim=(1,), layout="(n_C,), one filter")
    _check_channels(w.shape[0], x)
    for name, index, size in (("i", i, x.shape[0]), ("j", j, x.shape[1])):
        v.integer(name, index, minimum=0)
        if index >= size:
            raise ValueError(f"{name} must be < {size} (x has shape {v.shape_str(x.shape)}), "
                             f"got {index}")
    bias = v.real_number("bias", bias)
    values = x[i, j, :].astype(np.float64)
    weights = w.astype(np.float64)
    products = values * weights
    total = float(products.sum() + bias)
    activation = float(relu(np.array(total)))
    return FiberDot(values, weights, products, total, activation)


# -- 08: global average pooling ------------------------------------------------------

@v.propagates_nonfinite
def global_average_pool(x: np.ndarray) -> np.ndarray:
    """Global average pooling: the mean of each channel over all pixels.

    The head of Network in Network: each of the ``n_C`` feature maps becomes one number
    (with ``n_C`` = number of classes, one score per class). No parameters.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``

    Returns
    -------
    ndarray, shape ``(n_C,)`` or ``(m, n_C)``
        float32 for float32 input, float64 otherwise (integers count as float64).
        A NaN in a channel makes that channel's mean NaN; inf propagates as in numpy.
    """
    x = _volume(x)
    # average in the float dtype: an integer sum could overflow in the input's own dtype
    return x.astype(v.float_dtype(x), copy=False).mean(axis=(-3, -2))


# -- 03: pooling ---------------------------------------------------------------------

POOL_MODES = ("max", "average")


@v.propagates_nonfinite
def pool2d(x: np.ndarray, f: int = 2, stride: int = 2, mode: str = "max") -> np.ndarray:
    """Pooling over f x f windows, each channel on its own: shrinks n_H and n_W, keeps n_C.

    No parameters and no mixing of channels (a 1x1 convolution does the opposite: it
    keeps n_H and n_W and changes n_C). No padding: a window that would run past the
    edge is left out. Vectorized like :func:`conv2d`: one strided slice per window
    offset (``f*f`` of them), never a Python loop over pixels.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``
    f : int, >= 1, the window is f x f
    stride : int, >= 1
    mode : ``"max"`` or ``"average"``

    Returns
    -------
    ndarray, shape ``(..., n_H_out, n_W_out, n_C)``
        with ``n_H_out = (n_H - f) // stride + 1`` (likewise for width). float32 for
        float32 input, float64 otherwise (integers count as float64). A NaN in a window
        makes that output NaN in both modes; inf propagates as in numpy (a window
        holding both +inf and -inf averages to NaN, without a warning).
    """
    x, f, stride, mode, (n_H_out, n_W_out) = _pool_arguments(x, f, stride, mode)
    batch = _padded_batch(x, v.float_dtype(x), 0)
    out = batch[_offset(0, 0, n_H_out, n_W_out, stride)].copy()  # a copy: never a view of x
    combine = np.maximum if mode == "max" else np.add
    for di in range(f):
        for dj in range(f):
            if di or dj:
                combine(out, batch[_offset(di, dj, n_H_out, n_W_out, stride)], out=out)
    if mode == "average":
        out /= f * f
    return out if x.ndim == 4 else out[0]


def _pool_arguments(x: object, f: object, stride: object, mode: object
                    ) -> tuple[np.ndarray, int, int, str, tuple[int, int]]:
    """Check the arguments :func:`pool2d` and :func:`pool2d_backward` share; add the
    output's height and width."""
    x = _volume(x)
    f = v.integer("f", f)
    stride = v.integer("stride", stride)
    if not isinstance(mode, str):
        raise TypeError(f"mode must be 'max' or 'average', got {v.describe(mode)}")
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be 'max' or 'average', got {mode!r}")
    n_H, n_W = x.shape[-3], x.shape[-2]
    if f > min(n_H, n_W):
        raise ValueError(f"f must be at most the height and width of x, got f={f} for x of "
                         f"shape {v.shape_str(x.shape)}")
    return x, f, stride, mode, ((n_H - f) // stride + 1, (n_W - f) // stride + 1)


# -- 06: backward passes (gradients for learning) ------------------------------------

class Conv1x1Gradients(NamedTuple):
    """The gradients of a loss with respect to the inputs of :func:`conv1x1`."""

    dx: np.ndarray
    """∂L/∂x, the shape of ``x``"""
    dw: np.ndarray
    """∂L/∂w, the shape of ``w``"""
    db: np.ndarray
    """∂L/∂b, shape ``(n_F,)``"""


@v.propagates_nonfinite
def conv1x1_backward(x: np.ndarray, w: np.ndarray, dz: np.ndarray) -> Conv1x1Gradients:
    """Backward pass of ``z = conv1x1(x, w, b)``: from ``dz = ∂L/∂z`` to ``(dx, dw, db)``.

    With the pixels as the rows of ``X = x.reshape(-1, n_C)`` and ``D = dz.reshape(-1,
    n_F)``, ``z = X @ w + b`` gives ``dx = D @ w.T``, ``dw = X.T @ D`` (a sum over all
    pixels and images) and ``db = D.sum(axis=0)``. The bias itself is not needed.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``, the layer's input
    w : ndarray, shape ``(n_C, n_F)`` or ``(1, 1, n_C, n_F)``
    dz : ndarray, the shape of ``z``: ``(n_H, n_W, n_F)`` or ``(m, n_H, n_W, n_F)``

    Returns
    -------
    Conv1x1Gradients
        ``(dx, dw, db)`` with the shapes of ``x``, ``w`` and ``(n_F,)``; dtype rules as in
        :func:`conv1x1`. NaN and inf propagate as in numpy matrix products.
    """
    x = _volume(x)
    matrix = _filter_matrix(w, x)
    z_shape = (*x.shape[:-1], matrix.shape[1])
    dz = v.real_array("dz", dz, ndim=(x.ndim,), layout="the shape of z = conv1x1(x, w, b)")
    if dz.shape != z_shape:
        raise ValueError(f"dz must have the shape of z = conv1x1(x, w, b), "
                         f"{v.shape_str(z_shape)}, got shape {v.shape_str(dz.shape)}")
    dtype = v.float_dtype(x, matrix, dz)
    pixels = x.reshape(-1, x.shape[-1]).astype(dtype, copy=False)
    grad = dz.reshape(-1, matrix.shape[1]).astype(dtype, copy=False)
    matrix = matrix.astype(dtype, copy=False)
    return Conv1x1Gradients(dx=(grad @ matrix.T).reshape(x.shape),
                            dw=(pixels.T @ grad).reshape(w.shape),
                            db=grad.sum(axis=0))


def relu_backward(z: np.ndarray, da: np.ndarray) -> np.ndarray:
    """Backward pass of ``a = relu(z)``: from ``da = ∂L/∂a`` to ``∂L/∂z``, any shape.

    The gradient passes where ``z > 0`` and is 0 where ``z <= 0`` (at exactly 0 the
    ReLU has no derivative; 0 is the usual choice, PyTorch's too).

    Parameters
    ----------
    z : ndarray, the ReLU's input
    da : ndarray, the same shape as ``z``

    Returns
    -------
    ndarray, the shape of ``z``
        float32 if both inputs are float32, float64 otherwise (integers count as
        float64). NaN where ``z`` is NaN; a NaN or inf in ``da`` passes only where
        ``z > 0``; ``z = +inf`` passes ``da``, ``z = -inf`` gives 0.
    """
    z = v.real_array("z", z)
    da = v.real_array("da", da)
    if da.shape != z.shape:
        raise ValueError(f"da must have the shape of z, {v.shape_str(z.shape)}, "
                         f"got shape {v.shape_str(da.shape)}")
    dtype = v.float_dtype(z, da)
    dz = np.asarray(np.where(z > 0, da, 0).astype(dtype, copy=False))
    # NaN > 0 is False: without this, a NaN in z would silently give a gradient of 0
    nan = np.isnan(z)
    if nan.any():
        dz[nan] = np.nan
    return dz


# -- 09: backward passes for training a NIN ------------------------------------------

class Conv2dGradients(NamedTuple):
    """The gradients of a loss with respect to the inputs of :func:`conv2d`."""

    dx: np.ndarray
    """∂L/∂x, the shape of ``x``"""
    dw: np.ndarray
    """∂L/∂w, the shape of ``w``, ``(f, f, n_C, n_F)``"""
    db: np.ndarray
    """∂L/∂b, shape ``(n_F,)``"""


def _upstream(name: str, grad: object, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Check a gradient ``∂L/∂(output)``: a real array with the output's shape."""
    # no ndim check of its own: a wrong number of dimensions is a wrong shape, and the
    # message below names the shape expected
    grad = v.real_array(name, grad)
    if grad.shape != shape:
        raise ValueError(f"{name} must have the shape of {what}, {v.shape_str(shape)}, "
                         f"got shape {v.shape_str(grad.shape)}")
    return grad


@v.propagates_nonfinite
def conv2d_backward(x: np.ndarray, w: np.ndarray, dz: np.ndarray,
                    stride: int = 1, pad: int = 0) -> Conv2dGradients:
    """Backward pass of ``z = conv2d(x, w, b, stride, pad)``: from ``dz = ∂L/∂z`` to
    ``(dx, dw, db)``.

    im2col, one filter offset at a time, as :func:`conv2d` computes the forward pass:
    at the offset ``(di, dj)``, the input values that the output pixels read there form
    a ``(pixels, n_C)`` matrix ``X``, and ``z += X @ w[di, dj]``. So ``dw[di, dj] = X.T @
    D`` with ``D = dz.reshape(-1, n_F)`` (a sum over all pixels and images), and ``D @
    w[di, dj].T`` is added back to the input values it came from; what lands on the
    padding is dropped. ``db = D.sum(axis=0)``. The bias itself is not needed.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``, the layer's input
    w : ndarray, shape ``(f, f, n_C, n_F)``
    dz : ndarray, the shape of ``z``: ``(..., n_H_out, n_W_out, n_F)``
    stride, pad : int, as given to :func:`conv2d`

    Returns
    -------
    Conv2dGradients
        ``(dx, dw, db)`` with the shapes of ``x``, ``w`` and ``(n_F,)``; dtype rules as in
        :func:`conv1x1`. NaN and inf propagate as in numpy matrix products.
    """
    x, w, stride, pad = _conv2d_arguments(x, w, stride, pad)
    f, n_C, n_F = w.shape[0], w.shape[2], w.shape[3]
    n_H_out, n_W_out = _conv2d_output_size(x, f, stride, pad)
    dz = _upstream("dz", dz, (*x.shape[:-3], n_H_out, n_W_out, n_F),
                   f"z = conv2d(x, w, b, stride={stride}, pad={pad})")
    dtype = v.float_dtype(x, w, dz)
    batch = _padded_batch(x, dtype, pad)
    grad = _padded_batch(dz, dtype, 0).reshape(-1, n_F)
    w = w.astype(dtype, copy=False)
    d_batch = np.zeros_like(batch)
    dw = np.empty(w.shape, dtype=dtype)
    for di in range(f):
        for dj in range(f):
            at = _offset(di, dj, n_H_out, n_W_out, stride)
            dw[di, dj] = batch[at].reshape(-1, n_C).T @ grad
            d_batch[at] += (grad @ w[di, dj].T).reshape(batch[at].shape)
    dx = d_batch[:, pad:pad + x.shape[-3], pad:pad + x.shape[-2], :]
    return Conv2dGradients(dx=dx if x.ndim == 4 else dx[0], dw=dw, db=grad.sum(axis=0))


@v.propagates_nonfinite
def pool2d_backward(x: np.ndarray, da: np.ndarray, f: int = 2, stride: int = 2,
                    mode: str = "max") -> np.ndarray:
    """Backward pass of ``a = pool2d(x, f, stride, mode)``: from ``da = ∂L/∂a`` to ``∂L/∂x``.

    Max pooling passes each output's gradient to the input value that was the window's
    maximum (to the first one, in row-major order, if several tie, as PyTorch does);
    the other values of the window get 0. Average pooling shares it equally among the
    ``f*f`` values. Where windows overlap (``stride < f``), the shares add up.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``, the layer's input
    da : ndarray, the shape of ``a``: ``(..., n_H_out, n_W_out, n_C)``
    f, stride, mode : as given to :func:`pool2d`

    Returns
    -------
    ndarray, the shape of ``x``
        dtype rules as in :func:`conv1x1`. In max mode, a window whose maximum is NaN
        passes its gradient to its first NaN; NaN and inf in ``da`` pass as numbers.
    """
    x, f, stride, mode, (n_H_out, n_W_out) = _pool_arguments(x, f, stride, mode)
    da = _upstream("da", da, (*x.shape[:-3], n_H_out, n_W_out, x.shape[-1]),
                   f"a = pool2d(x, f={f}, stride={stride}, mode={mode!r})")
    dtype = v.float_dtype(x, da)
    batch = _padded_batch(x, dtype, 0)
    grad = _padded_batch(da, dtype, 0)
    dx = np.zeros_like(batch)
    if mode == "average":
        for di in range(f):
            for dj in range(f):
                dx[_offset(di, dj, n_H_out, n_W_out, stride)] += grad / (f * f)
    else:
        pooled = _padded_batch(pool2d(batch, f, stride, mode), dtype, 0)
        unclaimed = np.ones(pooled.shape, dtype=bool)  # windows whose maximum is not found
        for di in range(f):
            for dj in range(f):
                at = _offset(di, dj, n_H_out, n_W_out, stride)
                is_max = (batch[at] == pooled) | (np.isnan(batch[at]) & np.isnan(pooled))
                found = is_max & unclaimed
                dx[at] += np.where(found, grad, 0)
                unclaimed &= ~found
    return dx if x.ndim == 4 else dx[0]


@v.propagates_nonfinite
def global_average_pool_backward(x: np.ndarray, ds: np.ndarray) -> np.ndarray:
    """Backward pass of ``s = global_average_pool(x)``: from ``ds = ∂L/∂s`` to ``∂L/∂x``.

    Every pixel of channel ``c`` contributed ``1 / (n_H * n_W)`` of ``s[c]``, so each
    gets ``ds[c] / (n_H * n_W)``.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``, the layer's input
    ds : ndarray, the shape of ``s``: ``(n_C,)`` or ``(m, n_C)``

    Returns
    -------
    ndarray, the shape of ``x``
        dtype rules as in :func:`conv1x1`; NaN and inf in ``ds`` spread over their maps.
    """
    x = _volume(x)
    ds = _upstream("ds", ds, (*x.shape[:-3], x.shape[-1]), "s = global_average_pool(x)")
    dtype = v.float_dtype(x, ds)
    share = ds.astype(dtype, copy=False) / dtype.type(x.shape[-3] * x.shape[-2])
    return np.broadcast_to(share[..., np.newaxis, np.newaxis, :], x.shape).copy()


class CrossEntropy(NamedTuple):
    """What :func:`softmax_cross_entropy` returns."""

    loss: float
    """the mean over the batch of ``-log(probability of the right class)``"""
    probabilities: np.ndarray
    """softmax of the scores, ``(m, n_classes)``, each row sums to 1"""
    dscores: np.ndarray
    """∂loss/∂scores, ``(probabilities - one_hot(labels)) / m``"""


def softmax_cross_entropy(scores: np.ndarray, labels: np.ndarray) -> CrossEntropy:
    """Softmax of class scores and the cross-entropy loss against the right labels.

    ``p = exp(s) / sum(exp(s))`` per image (computed after subtracting each row's
    maximum, which changes nothing but keeps ``exp`` from overflowing); the loss is the
    mean of ``-log p[label]``, and its gradient with respect to the scores is ``(p -
    one_hot(label)) / m``.

    Parameters
    ----------
    scores : ndarray, shape ``(m, n_classes)``, finite
    labels : ndarray of integers, shape ``(m,)``, each in ``0 .. n_classes - 1``

    Returns
    -------
    CrossEntropy
        ``(loss, probabilities, dscores)``, float32 for float32 scores, float64
        otherwise.
    """
    scores = v.real_array("scores", scores, ndim=(2,), layout="(m, n_classes)")
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite, got NaN or inf (did training diverge? "
                         "try a smaller learning rate)")
    # before real_array, whose message would offer float dtypes for bool, complex or text
    if isinstance(labels, np.ndarray) and labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    labels = v.real_array("labels", labels, ndim=(1,), layout="(m,), one label per row")
    m, n_classes = scores.shape
    if labels.shape[0] != m:
        raise ValueError(f"labels has {labels.shape[0]} values but scores has {m} rows")
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"labels must be in 0 .. {n_classes - 1} (scores has {n_classes} "
                         f"columns), got values from {labels.min()} to {labels.max()}")
    dtype = v.float_dtype(scores)
    with np.errstate(over="ignore"):  # a gap over 1.8e308 overflows to -inf: p = 0, right
        shifted = scores.astype(dtype, copy=False) - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(m)
    probabilities = np.exp(log_p)
    dscores = probabilities.copy()
    dscores[rows, labels] -= 1
    return CrossEntropy(loss=float(-log_p[rows, labels].mean()),
                        probabilities=probabilities, dscores=dscores / dtype.type(m))


# -- 10: blocks of modern networks ---------------------------------------------------

@v.propagates_nonfinite
def depthwise_conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None,
                     stride: int = 1, pad: int = 0) -> np.ndarray:
    """Depthwise f x f convolution (MobileNet): filter ``c`` sees channel ``c`` only.

    No mixing of channels: ``n_C`` filters of ``f x f x 1``, one per channel, so the
    output keeps ``n_C``. It equals :func:`conv2d` with the ``(f, f, n_C, n_C)`` bank
    ``W[:, :, c, c] = w[:, :, c]`` and zeros elsewhere, at ``1/n_C`` of its multiplies;
    a 1x1 convolution after it (the pointwise step) mixes the channels. Vectorized like
    :func:`conv2d`: one element-wise product per filter offset (``f*f`` of them), never
    a Python loop over pixels. Same sizes and zero padding as :func:`conv2d`.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``
    w : ndarray, shape ``(f, f, n_C)``, filter ``w[:, :, c]`` for channel ``c``
    b : ndarray, shape ``(n_C,)``, optional
    stride, pad : int, as in :func:`conv2d`: stride >= 1, pad >= 0 zeros on every side

    Returns
    -------
    ndarray, shape ``(..., n_H_out, n_W_out, n_C)``
        with ``n_H_out = (n_H + 2*pad - f) // stride + 1`` (likewise for width).
        dtype rules as in :func:`conv1x1`. NaN and inf propagate as in numpy, within
        their channel: a NaN in channel ``c`` makes NaN only the outputs of channel
        ``c`` whose window covers it (an inf times a weight of 0 is NaN too).
    """
    x, w, stride, pad = _conv2d_arguments(x, w, stride, pad, w_layout="(f, f, n_C)")
    b = _bias(b, w.shape[2])
    f = w.shape[0]
    n_H_out, n_W_out = _conv2d_output_size(x, f, stride, pad)
    dtype = v.float_dtype(x, w, b)

    batch = _padded_batch(x, dtype, pad)
    w = w.astype(dtype, copy=False)
    out = np.zeros((batch.shape[0], n_H_out, n_W_out, batch.shape[3]), dtype=dtype)
    for di in range(f):
        for dj in range(f):
            # every output pixel's input at offset (di, dj), all channels at once, each
            # times its own channel's weight (broadcast along the last axis)
            out += batch[_offset(di, dj, n_H_out, n_W_out, stride)] * w[di, dj]
    if b is not None:
        out += b.astype(dtype, copy=False)
    return out if x.ndim == 4 else out[0]


@v.propagates_nonfinite
def grouped_conv1x1(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Grouped 1x1 convolution (ShuffleNet): ``g`` independent 1x1 convolutions side by side.

    The ``n_C`` input channels are cut into ``g`` consecutive groups of ``n_C // g``;
    group ``k`` reads input channels ``k*n_C/g .. (k+1)*n_C/g - 1`` only, and writes
    output channels ``k*n_F/g .. (k+1)*n_F/g - 1`` only. It equals :func:`conv1x1` with
    the block-diagonal ``(n_C, n_F)`` matrix ``block_diag(w[0], ..., w[g-1])``, at
    ``1/g`` of its multiplies and weights. No channel of one group reaches another
    group: :func:`channel_shuffle` between two grouped layers mixes them. One matrix
    product per group, never a Python loop over pixels.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)`` or ``(m, n_H, n_W, n_C)``
    w : ndarray, shape ``(g, n_C // g, n_F // g)``, ``w[k]`` the filter matrix of group
        ``k``; the number of groups is ``g = w.shape[0]``
    b : ndarray, shape ``(n_F,)`` with ``n_F = g * w.shape[2]``, optional

    Returns
    -------
    ndarray, shape ``(n_H, n_W, n_F)`` or ``(m, n_H, n_W, n_F)``
        dtype rules as in :func:`conv1x1`. NaN and inf propagate as in numpy, within
        their group: a NaN in a channel of group ``k`` makes that pixel's outputs of
        group ``k`` NaN.
    """
    x = _volume(x)
    w = v.real_array("w", w, ndim=(3,), layout="(g, n_C // g, n_F // g)")
    g, n_in, n_out = w.shape
    n_C = x.shape[-1]
    if n_C != g * n_in:
        split = (f"x's {n_C} channels make {g} groups of {n_C // g}" if n_C % g == 0 else
                 f"x's {n_C} channels do not split into {g} equal groups")
        raise ValueError(
            f"w has {g} groups of {n_in} input channels ({g * n_in} in all) but x has {n_C} "
            f"channels (x has shape {v.shape_str(x.shape)}): {split}"
        )
    b = _bias(b, g * n_out)
    dtype = v.float_dtype(x, w, b)
    pixels = x.reshape(-1, n_C).astype(dtype, copy=False)
    w = w.astype(dtype, copy=False)
    z = np.empty((pixels.shape[0], g * n_out), dtype=dtype)
    for k in range(g):
        # np.dot, not @: with one channel per group numpy's @ skips BLAS (see conv2d)
        z[:, k * n_out:(k + 1) * n_out] = np.dot(pixels[:, k * n_in:(k + 1) * n_in], w[k])
    if b is not None:
        z += b.astype(dtype, copy=False)
    return z.reshape(*x.shape[:-1], g * n_out)


@v.propagates_nonfinite
def channel_shuffle(x: np.ndarray, groups: int) -> np.ndarray:
    """Channel shuffle (ShuffleNet): deal the channels of ``groups`` groups out in turn.

    With ``n_C = groups * n``, the channels (the last axis) are read as a
    ``(groups, n)`` table, transposed to ``(n, groups)`` and flattened: output channel
    ``j*groups + k`` is input channel ``k*n + j``, the ``j``-th channel of group ``k``.
    So after a :func:`grouped_conv1x1` with ``groups`` groups, each group of the next
    grouped layer, reading ``n`` channels in a row, gets them from ``min(n, groups)``
    groups of this one: from every group when ``n >= groups``. A permutation: shuffling
    again with ``n_C // groups`` groups gives ``x`` back.

    Parameters
    ----------
    x : ndarray, any shape with at least one dimension, channels last (``n_C``)
    groups : int, >= 1, must divide ``n_C``

    Returns
    -------
    ndarray, the shape and dtype of ``x``
        A new array, never a view of ``x``. Values are moved, not computed: NaN and inf
        stay what they are, on their new channel.
    """
    x = v.real_array("x", x)
    if x.ndim == 0:
        raise ValueError("x must have at least 1 dimension, channels last, got a 0-d array")
    groups = v.integer("groups", groups)
    n_C = x.shape[-1]
    if n_C % groups:
        raise ValueError(f"groups must divide the number of channels, got groups={groups} "
                         f"for x with {n_C} channels (x has shape {v.shape_str(x.shape)})")
    order = np.arange(n_C).reshape(groups, n_C // groups).T.ravel()
    return x[..., order]  # fancy indexing: always a copy


@v.propagates_nonfinite
def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))`` element-wise, any shape, between 0 and 1.

    Numerically stable: computed from ``e = exp(-|z|)``, which never overflows, as
    ``1 / (1 + e)`` where ``z >= 0`` and ``e / (1 + e)`` where ``z < 0``.

    Parameters
    ----------
    z : ndarray, any shape

    Returns
    -------
    ndarray, the shape of ``z`` (a 0-d input gives a 0-d array)
        float32 for float32 input, float64 for float64 and integer input (floats keep
        their dtype). ``+inf`` gives exactly 1, ``-inf`` exactly 0, NaN stays NaN; no
        overflow warning, however large ``|z|``.
    """
    z = v.real_array("z", z)
    z = z.astype(v.float_dtype(z), copy=False)
    # e and e / (1 + e) round to subnormals or 0 for large |z|: the right answer
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
        return np.asarray(np.where(z >= 0, 1 / (1 + e), e / (1 + e)))

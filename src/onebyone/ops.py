"""Convolutions, channels-last, as in the course.

Shapes
------
x : ``(n_H, n_W, n_C)`` one volume, or ``(m, n_H, n_W, n_C)`` a batch of ``m``.
w : ``(n_C, n_F)`` or ``(1, 1, n_C, n_F)`` for a 1x1 convolution, ``(f, f, n_C, n_F)``
    for an f x f convolution: ``n_F`` filters, each ``f x f x n_C``.
b : ``(n_F,)`` one bias per filter, or None for no bias.

All functions check their arguments and raise TypeError or ValueError naming what was
expected and what came. Inputs are never modified. NaN and inf propagate as they do in
numpy arithmetic (a NaN anywhere in a pixel's fibre makes that pixel's outputs NaN).
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
    x = _volume(x)
    w = v.real_array("w", w, ndim=(4,), layout="(f, f, n_C, n_F)")
    if w.shape[0] != w.shape[1]:
        raise ValueError(f"w must have square f x f filters, got shape {v.shape_str(w.shape)}")
    _check_channels(w.shape[2], x)
    b = _bias(b, w.shape[3])
    f, n_F = w.shape[0], w.shape[3]
    n_H_out = conv_output_size(x.shape[-3], f, stride, pad)
    n_W_out = conv_output_size(x.shape[-2], f, stride, pad)
    dtype = v.float_dtype(x, w, b)

    batch = (x if x.ndim == 4 else x[np.newaxis]).astype(dtype, copy=False)
    if pad:
        batch = np.pad(batch, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    w = w.astype(dtype, copy=False)
    out = np.zeros((batch.shape[0], n_H_out, n_W_out, n_F), dtype=dtype)
    # extent of the strided slices that pick one window offset for every output pixel
    rows = stride * (n_H_out - 1) + 1
    cols = stride * (n_W_out - 1) + 1
    for di in range(f):
        for dj in range(f):
            # every output pixel's input at offset (di, dj) of its window, all at once
            window = batch[:, di:di + rows:stride, dj:dj + cols:stride, :]
            out += window @ w[di, dj]
    if b is not None:
        out += b.astype(dtype, copy=False)
    return out if x.ndim == 4 else out[0]


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

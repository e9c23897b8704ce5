"""Finite differences, shared by the tests of the backward passes."""

from __future__ import annotations

import numpy as np


def central_difference(loss, array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d loss / d array, one entry at a time: (loss(a + eps) - loss(a - eps)) / 2 eps."""
    grad = np.zeros(array.shape, dtype=np.float64)
    for index in np.ndindex(array.shape):
        up, down = array.astype(np.float64), array.astype(np.float64)
        up[index] += eps
        down[index] -= eps
        grad[index] = (loss(up) - loss(down)) / (2 * eps)
    return grad

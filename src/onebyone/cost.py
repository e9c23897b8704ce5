"""What a convolution layer costs: parameters and multiplications, as exact ints."""

from __future__ import annotations

from onebyone import _validate as v


def conv_params(f: int, n_C: int, n_F: int, bias: bool = True) -> int:
    """Number of learned parameters of ``n_F`` filters of size ``f x f x n_C``.

    ``f*f*n_C*n_F`` weights, plus ``n_F`` biases when ``bias`` is true.
    """
    f, n_C, n_F = (v.integer(name, n) for name, n in (("f", f), ("n_C", n_C), ("n_F", n_F)))
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {v.describe(bias)}")
    return f * f * n_C * n_F + (n_F if bias else 0)


def conv_multiplies(n_H: int, n_W: int, f: int, n_C: int, n_F: int) -> int:
    """Multiplications of a convolution whose *output* is ``n_H x n_W x n_F``.

    Output positions (``n_H*n_W*n_F``) times multiplications per output (``f*f*n_C``).
    """
    sizes = (("n_H", n_H), ("n_W", n_W), ("f", f), ("n_C", n_C), ("n_F", n_F))
    n_H, n_W, f, n_C, n_F = (v.integer(name, n) for name, n in sizes)
    return (n_H * n_W * n_F) * (f * f * n_C)

"""Argument checks shared by the public functions.

Every check raises TypeError (wrong kind of thing) or ValueError (right kind, wrong
value) with a message naming the argument, what was expected and what came.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

import numpy as np

_P = ParamSpec("_P")
_R = TypeVar("_R")


def describe(value: object) -> str:
    """Short description of what came, for error messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a {type(value).__name__}"


def shape_str(shape: Sequence[int]) -> str:
    """A shape as numpy prints it: ``(6, 6, 32)``, ``(5,)``."""
    return str(tuple(int(n) for n in shape))


def real_array(name: str, value: object, ndim: Sequence[int] | None = None,
               layout: str | None = None) -> np.ndarray:
    """Check that ``value`` is a non-empty ndarray of real numbers (integer or float).

    ``ndim`` lists the accepted numbers of dimensions; ``layout`` names them for the
    message, e.g. ``"(n_H, n_W, n_C) or (m, n_H, n_W, n_C)"``.
    """
    if not isinstance(value, np.ndarray):
        hint = " (wrap it with np.asarray)" if isinstance(value, (list, tuple)) else ""
        raise TypeError(f"{name} must be a numpy array, got {describe(value)}{hint}")
    if value.dtype == np.bool_ or value.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers (an integer or float dtype), got dtype {value.dtype}"
        )
    if ndim is not None and value.ndim not in ndim:
        wanted = " or ".join(str(n) for n in ndim)
        layout_note = f" {layout}" if layout else ""
        raise ValueError(
            f"{name} must have {wanted} dimensions{layout_note}, "
            f"got {value.ndim} dimensions with shape {shape_str(value.shape)}"
        )
    if value.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {shape_str(value.shape)}")
    return value


def integer(name: str, value: object, minimum: int = 1) -> int:
    """Check that ``value`` is an integer >= ``minimum`` (bools are refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {describe(value)} ({value!r})")
    if value < minimum:
        kind = "positive" if minimum == 1 else f">= {minimum}"
        raise ValueError(f"{name} must be {kind}, got {value}")
    return int(value)


def real_number(name: str, value: object) -> float:
    """Check that ``value`` is a real scalar (bools are refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    return float(value)


def float_dtype(*arrays: np.ndarray | None) -> np.dtype:
    """The float dtype a result is computed in: floats keep their precision, integers
    count as float64 (so int inputs give float64 and float32 stays float32)."""
    dtypes = [a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)
              for a in arrays if a is not None]
    if all(d == dtypes[0] for d in dtypes):
        return dtypes[0]  # the common case, without result_type's cost on tiny inputs
    return np.result_type(*dtypes)


def propagates_nonfinite(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorator for a function whose docstring says that NaN and inf in its inputs
    propagate to its result: they do, without a RuntimeWarning.

    An operation on NaN or inf may raise the CPU's floating-point "invalid" flag, which
    numpy reports as "RuntimeWarning: invalid value encountered in matmul". For a
    matrix product, whether it does depends on the BLAS kernel the CPU is given
    (OpenBLAS's SkylakeX kernel raises it for small products where its Haswell kernel
    does not), so the warning would tell a learner about their CPU, not their data.
    The result is the same on every CPU and is the function's documented answer.
    """
    @functools.wraps(func)
    def quiet(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with np.errstate(invalid="ignore"):
            return func(*args, **kwargs)
    return quiet

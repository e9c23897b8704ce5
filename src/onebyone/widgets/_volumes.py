"""The explorers' volumes and filters: drawn once at their largest, then sliced, so
that a slider changes only what it names."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from onebyone import _validate as v
from onebyone import data
from onebyone.widgets._explorer import _largest_setting


def _read_only(*arrays: np.ndarray) -> None:
    for array in arrays:
        array.flags.writeable = False


@functools.cache
def _seeded_volume(n_H: int, n_W: int, n_C: int) -> np.ndarray:
    """``data.random_volume(n_H, n_W, n_C, seed=0)``, drawn once (read-only: it is shared)."""
    x = data.random_volume(n_H, n_W, n_C, seed=0)
    _read_only(x)
    return x


@functools.cache
def _seeded_filters(n_C: int, n_F: int) -> np.ndarray:
    """``data.random_filters(n_C, n_F, seed=1)``, drawn once (read-only: it is shared)."""
    w = data.random_filters(n_C, n_F, seed=1)
    _read_only(w)
    return w


def _seeded(n_H: int, n_W: int, n_C: int, n_F: int) -> tuple[np.ndarray, np.ndarray]:
    return _seeded_volume(n_H, n_W, n_C), _seeded_filters(n_C, n_F)


def _given(x: object, w: object) -> tuple[np.ndarray, np.ndarray]:
    """A learner's volume ``x`` and bank ``w`` for an explorer to slice, checked and
    copied (a read-only snapshot: changing ``x`` afterwards leaves the explorer alone)."""
    x = v.real_array("x", x, ndim=(3,), layout="(n_H, n_W, n_C)").copy()
    w = v.real_array("w", w, ndim=(2,), layout="(n_C, n_F), one filter per column").copy()
    if w.shape[0] != x.shape[2]:
        raise ValueError(f"w must have one row per channel of x ({x.shape[2]} rows), "
                         f"got shape {v.shape_str(w.shape)}")
    _read_only(x, w)
    return x, w


def _first(x: np.ndarray, w: np.ndarray, **sizes: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n_H`` rows, ``n_W`` columns and ``n_C`` channels of the volume ``x``,
    and the first ``n_C`` weights of the first ``n_F`` filters (columns) of the bank ``w``;
    a size not given keeps its axis whole.

    The explorers slice one volume and one bank, drawn at their largest, so that a slider
    changes only what it names: more filters leave filter 0 as it was, more channels
    keep the first channels and weights, another pixel leaves the volume and the filters
    alone.
    """
    largest = {"n_H": x.shape[0], "n_W": x.shape[1], "n_C": min(x.shape[2], w.shape[0]),
               "n_F": w.shape[1]}
    n = {name: _largest_setting(name, sizes[name], limit) if name in sizes else limit
         for name, limit in largest.items()}
    return x[:n["n_H"], :n["n_W"], :n["n_C"]], w[:n["n_C"], :n["n_F"]]


def _volume_and_bank(x: object, w: object, default: Callable[[], tuple[np.ndarray, np.ndarray]]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """What an explorer slices: the learner's ``x`` and ``w`` (both, checked), or, when
    neither is given, ``default()``."""
    if x is None and w is None:
        return default()
    if x is None or w is None:
        missing = "x" if x is None else "w"
        raise TypeError(f"{missing} must be given too: pass both the volume x and the bank "
                        f"of filters w, or neither (then the explorer draws its own)")
    return _given(x, w)

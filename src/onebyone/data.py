"""Data for the course: the lecture's matrix and deterministic random volumes."""

from __future__ import annotations

import numpy as np

from onebyone import _validate as v

SEED_MATRIX = np.array(
    [
        [1, 2, 3, 6, 5, 8],
        [3, 5, 5, 1, 3, 4],
        [2, 1, 3, 4, 9, 3],
        [4, 7, 8, 5, 7, 9],
        [1, 5, 3, 7, 4, 8],
        [5, 4, 9, 8, 3, 5],
    ]
)
"""The 6 x 6 single-channel image of the lecture (integers, read-only)."""
SEED_MATRIX.flags.writeable = False

MAX_ELEMENTS = 50_000_000
"""Refuse to build arrays larger than this (about 400 MB of float64)."""


def _check_size(**sizes: int) -> None:
    total = int(np.prod([v.integer(name, n) for name, n in sizes.items()], dtype=object))
    if total > MAX_ELEMENTS:
        dims = " x ".join(f"{name}={n}" for name, n in sizes.items())
        raise ValueError(f"{dims} is {total:,} numbers; at most {MAX_ELEMENTS:,} are allowed")


def _seed(seed: object) -> int:
    return v.integer("seed", seed, minimum=0)


def random_volume(n_H: int, n_W: int, n_C: int, seed: int = 0) -> np.ndarray:
    """A deterministic ``(n_H, n_W, n_C)`` float64 volume of standard normal values.

    The same arguments always give the same volume, on every machine.
    """
    _check_size(n_H=n_H, n_W=n_W, n_C=n_C)
    return np.random.default_rng(_seed(seed)).standard_normal((n_H, n_W, n_C))


def random_filters(n_C: int, n_F: int, seed: int = 1) -> np.ndarray:
    """A deterministic ``(n_C, n_F)`` float64 bank of ``n_F`` 1x1 filters.

    Normal weights scaled by ``1/sqrt(n_C)`` so that outputs stay of order one
    whatever the number of channels.
    """
    _check_size(n_C=n_C, n_F=n_F)
    rng = np.random.default_rng(_seed(seed))
    return rng.standard_normal((n_C, n_F)) / np.sqrt(n_C)


def photo(max_size: int | None = None) -> np.ndarray:
    """A real RGB photo: Grace Hopper, from matplotlib's bundled sample data.

    Parameters
    ----------
    max_size : int, optional
        Shrink the photo (keeping its aspect ratio) so that neither side exceeds this;
        by default it is returned at full size, 600 x 512.

    Returns
    -------
    ndarray, shape ``(n_H, n_W, 3)``, dtype uint8
        Channels-last: red, green, blue. Nothing is downloaded: the file ships with
        matplotlib.
    """
    # imported here: Pillow and matplotlib's sample data are only needed for the photo
    from matplotlib import cbook
    from PIL import Image

    if max_size is not None:
        max_size = v.integer("max_size", max_size)
    with cbook.get_sample_data("grace_hopper.jpg") as file, Image.open(file) as image:
        image = image.convert("RGB")
        if max_size is not None and max(image.size) > max_size:
            scale = max_size / max(image.size)
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            image = image.resize(size, Image.Resampling.LANCZOS)
        return np.asarray(image).copy()

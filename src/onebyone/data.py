"""Data for the course: the lecture's matrix and deterministic random volumes."""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from onebyone import _validate as v
from onebyone import ops

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


# -- 03: a volume of features --------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _square_photo(size: int) -> np.ndarray:
    """The photo's top 512 x 512 square (the face) resized to size x size, in [0, 1]."""
    from PIL import Image  # only needed for the photo, as in photo()

    square = Image.fromarray(photo()[:512])
    pixels = np.asarray(square.resize((size, size), Image.Resampling.LANCZOS)) / 255.0
    pixels.flags.writeable = False  # cached and shared: nobody may change it
    return pixels


def feature_volume(n_C: int, size: int = 28, seed: int = 0) -> np.ndarray:
    """A deterministic ``(size, size, n_C)`` volume that looks like a layer's output.

    The photo (:func:`photo`), cropped to a square around the face and resized to
    ``size x size``, goes through ``n_C`` seeded random 3x3 filters ("same" padding) and
    a ReLU, as an early convolution layer would: each channel is bright on other parts
    of the photo (the face, the hat, the uniform, the background), with a different mix
    of colour and contrast. Nothing is downloaded.

    Parameters
    ----------
    n_C : int, the number of channels
    size : int, the height and width
    seed : int, >= 0, picks the filters

    Returns
    -------
    ndarray, shape ``(size, size, n_C)``, float64
        Values in [0, 1]: each channel is scaled so that its largest value is 1 (a
        channel the ReLU zeroed everywhere stays 0). No NaN or inf.
    """
    n_C, size, seed = v.integer("n_C", n_C), v.integer("size", size), _seed(seed)
    if size * size * n_C > MAX_ELEMENTS:
        raise ValueError(f"size={size} and n_C={n_C} make {size * size * n_C:,} numbers; "
                         f"at most {MAX_ELEMENTS:,} are allowed")
    pixels = _square_photo(size)
    centred = pixels - pixels.mean(axis=(0, 1))  # so that the ReLU cuts inside the picture
    rng = np.random.default_rng(seed)
    # per filter, a random mix of the colours times a mostly positive 3x3 kernel: the
    # channels keep the face's shapes (zero-mean kernels would only show its edges).
    # One row of draws per filter: with the same seed, a volume's channels are the
    # first channels of any larger volume.
    draws = rng.standard_normal((n_C, 3 + 9))
    colour, kernel = draws[:, :3], 0.5 + 0.5 * draws[:, 3:].reshape(n_C, 3, 3)
    filters = kernel[:, :, :, np.newaxis] * colour[:, np.newaxis, np.newaxis, :]
    features = ops.relu(ops.conv2d(centred, filters.transpose(1, 2, 3, 0), pad=1))
    peak = features.max(axis=(0, 1))
    return features / np.where(peak > 0, peak, 1.0)


# -- 05, 06: colours -----------------------------------------------------------------

GRAYSCALE_WEIGHTS = np.array([0.299, 0.587, 0.114])
"""Luma weights of red, green and blue (ITU-R Recommendation BT.601), read-only: the
grey of a pixel is ``0.299 R + 0.587 G + 0.114 B``, the weights of one 1x1 filter."""
GRAYSCALE_WEIGHTS.flags.writeable = False

TWO_COLOURS = np.array([[0.85, 0.25, 0.20],   # a red
                        [0.20, 0.45, 0.90]])  # a blue
"""The two colours (rows, RGB in [0, 1]) that the exercise of notebook 05 separates with
a 3 -> 2 filter bank, read-only. Their greys (BT.601) are almost equal, 0.424 and 0.427:
108 and 109 of 255, less than one grey level apart."""
TWO_COLOURS.flags.writeable = False

XNOR_GAP = 0.1
"""Red and blue values of :func:`xnor_colours` keep this distance from 0.5."""


def xnor_colours(n_H: int, n_W: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """An image of random colours and their XNOR classes, one class per pixel.

    Each pixel's red and blue are independently "low" (uniform in ``[0, 0.5 - XNOR_GAP]``)
    or "high" (uniform in ``[0.5 + XNOR_GAP, 1]``), each with probability 1/2; green is
    uniform in ``[0, 1]`` and plays no part. A pixel is in class 1 when its red and blue
    are both low or both high, in class 0 when one is low and the other high: no plane
    in colour space puts the two classes on its two sides. The same arguments always
    give the same data, on every machine.

    Parameters
    ----------
    n_H, n_W : int, the image's height and width
    seed : int, >= 0

    Returns
    -------
    image : ndarray, shape ``(n_H, n_W, 3)``, float64 in [0, 1], channels red, green, blue
    labels : ndarray, shape ``(n_H, n_W)``, the platform's index integer (``np.intp``:
        int64, or int32 in the browser's 32-bit Python), 0 or 1
    """
    _check_size(n_H=n_H, n_W=n_W)
    rng = np.random.default_rng(_seed(seed))
    high = rng.integers(0, 2, size=(n_H, n_W, 2)).astype(bool)  # is red high, is blue high
    offset = rng.uniform(0.0, 0.5 - XNOR_GAP, size=(n_H, n_W, 2))
    red_blue = np.where(high, 1.0 - offset, offset)
    green = rng.uniform(0.0, 1.0, size=(n_H, n_W))
    image = np.stack([red_blue[..., 0], green, red_blue[..., 1]], axis=-1)
    labels = (high[..., 0] == high[..., 1]).astype(np.intp)
    return image, labels


class Split(NamedTuple):
    """Images ``(m, 8, 8, 1)`` float32 in [0, 1] and their labels ``(m,)``, 0 to 9, the
    platform's index integer (``np.intp``: numpy's ``bincount`` wants it, and in the
    browser's 32-bit Python it is int32)."""

    images: np.ndarray
    labels: np.ndarray


class Digits(NamedTuple):
    """The handwritten digits, split three ways (see :func:`digits`)."""

    train: Split
    validation: Split
    test: Split


DIGITS_TEST_SIZE, DIGITS_VALIDATION_SIZE = 450, 270


def digits() -> Digits:
    """The 1,797 handwritten digits of scikit-learn's ``load_digits`` (8 x 8, grey levels
    0 to 16, from the UCI "Optical Recognition of Handwritten Digits" data), shipped in
    the scikit-learn package: no download.

    Split with scikit-learn's ``train_test_split``, stratified (each digit in the same
    proportion in every part) and seeded, so always the same: 450 test images, kept out
    of every choice made while training; of the other 1,347, 270 for validation (to
    choose the epochs and learning rate) and 1,077 to train on. Grey levels are divided
    by 16.
    """
    from sklearn.datasets import load_digits  # imported here: it takes a moment
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    images = (bunch.images / 16).astype(np.float32)[..., np.newaxis]
    labels = bunch.target.astype(np.intp)
    rest_x, test_x, rest_y, test_y = train_test_split(
        images, labels, test_size=DIGITS_TEST_SIZE, stratify=labels, random_state=0)
    train_x, val_x, train_y, val_y = train_test_split(
        rest_x, rest_y, test_size=DIGITS_VALIDATION_SIZE, stratify=rest_y, random_state=0)
    return Digits(Split(train_x, train_y), Split(val_x, val_y), Split(test_x, test_y))

"""Sections 1 and 2: the convolutions against their limits and against PyTorch."""

from __future__ import annotations

import numpy as np

from bench_common import Row, interleaved_medians, torch_or_none, verdict
from onebyone import ops

# (m, n_H, n_W, n_C) -> n_F, as in the course
SHAPES_1X1 = [((1, 6, 6, 32), 8), ((1, 28, 28, 192), 32), ((32, 28, 28, 192), 32),
              ((8, 56, 56, 256), 64)]
LOOPS_LIMIT = 5_000_000  # the loop version runs only up to this many multiplications
MATMUL_TARGET, LOOPS_TARGET, CONV2D_TARGET = 1.15, 100.0, 3.0


def _data(shape: tuple[int, ...], n_F: int, dtype: type, f: int = 1):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    w = (rng.standard_normal((f, f, shape[-1], n_F)) / np.sqrt(f * f * shape[-1])).astype(dtype)
    return x, w


def _label(shape: tuple[int, ...], n_F: int, dtype: type) -> str:
    m, n_H, n_W, n_C = shape
    return f"{n_H}×{n_W}×{n_C}→{n_F}, m={m}, {np.dtype(dtype).name}"


def _torch_conv(torch, x: np.ndarray, w: np.ndarray, pad: int = 0):
    """torch's conv2d on the same numbers, in its fastest layout on this CPU (NCHW or
    channels-last), so the comparison is fair to it."""
    weight = torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))
    nchw = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    nhwc = nchw.contiguous(memory_format=torch.channels_last)
    weight_nhwc = weight.contiguous(memory_format=torch.channels_last)
    layouts = {"NCHW": lambda: torch.nn.functional.conv2d(nchw, weight, padding=pad),
               "NHWC": lambda: torch.nn.functional.conv2d(nhwc, weight_nhwc, padding=pad)}
    with torch.no_grad():
        fastest = interleaved_medians(layouts, repeat=3)
    layout = min(fastest, key=fastest.get)

    def conv() -> object:
        with torch.no_grad():
            return layouts[layout]()

    return conv


def conv1x1_rows(quick: bool) -> list[Row]:
    torch = torch_or_none()
    rows = []
    shapes = SHAPES_1X1[:2] if quick else SHAPES_1X1
    for shape, n_F in shapes:
        for dtype in (np.float32, np.float64):
            x, w4 = _data(shape, n_F, dtype)
            w = w4[0, 0]
            pixels = x.reshape(-1, shape[-1])
            actions = {"matmul": lambda p=pixels, w=w: p @ w,
                       "conv1x1": lambda x=x, w=w: ops.conv1x1(x, w)}
            if torch is not None:
                actions["torch"] = _torch_conv(torch, x, w4)
            size = x.size * n_F
            number = max(1, int(2e7 // size))  # several calls per timing for tiny shapes
            times = interleaved_medians(actions, repeat=3 if quick else 25, number=number)
            label = _label(shape, n_F, dtype)
            ratio = times["conv1x1"] / times["matmul"]
            rows.append(Row("1 conv1x1", f"conv1x1 / raw matmul, {label}", ratio, "×",
                            f"≤ {MATMUL_TARGET}", verdict(quick, ratio <= MATMUL_TARGET)))
            if torch is not None:
                ratio = times["conv1x1"] / times["torch"]
                rows.append(Row("1 conv1x1", f"conv1x1 / torch conv2d 1×1, {label}", ratio, "×",
                                "< 1", verdict(quick, ratio < 1)))
            if dtype is np.float64 and size <= (LOOPS_LIMIT // 100 if quick else LOOPS_LIMIT):
                loops = interleaved_medians(
                    {"loops": lambda x=x, w=w: ops.conv1x1_loops(x, w)}, repeat=1 if quick else 3)
                ratio = loops["loops"] / times["conv1x1"]
                rows.append(Row("1 conv1x1", f"conv1x1_loops / conv1x1, {label}", ratio, "×",
                                f"≥ {LOOPS_TARGET:.0f}", verdict(quick, ratio >= LOOPS_TARGET)))
    return rows


def inception_rows(quick: bool) -> list[Row]:
    """The 5×5 branch of Inception on 28×28×192: direct, and with a 1×1 bottleneck."""
    torch = torch_or_none()
    x, w5 = _data((1, 28, 28, 192), 32, np.float32, f=5)
    _, w_reduce = _data((1, 28, 28, 192), 16, np.float32)
    _, w5_small = _data((1, 28, 28, 16), 32, np.float32, f=5)
    actions = {
        "direct": lambda: ops.conv2d(x, w5, pad=2),
        "bottleneck": lambda: ops.conv2d(ops.conv1x1(x, w_reduce), w5_small, pad=2),
    }
    if torch is not None:
        actions["torch"] = _torch_conv(torch, x, w5, pad=2)
    times = interleaved_medians(actions, repeat=3 if quick else 25)
    rows = [Row("2 conv2d", "conv2d 5×5, 28×28×192→32, pad 2", 1e3 * times["direct"], "ms"),
            Row("2 conv2d", "bottleneck speedup (direct / 1×1→16 then 5×5)",
                times["direct"] / times["bottleneck"], "×", "≈ 9.7 counted")]
    if torch is not None:
        ratio = times["direct"] / times["torch"]
        rows.append(Row("2 conv2d", "conv2d / torch conv2d, 5×5, 28×28×192→32", ratio, "×",
                        f"≤ {CONV2D_TARGET:.0f}", verdict(quick, ratio <= CONV2D_TARGET)))
    return rows

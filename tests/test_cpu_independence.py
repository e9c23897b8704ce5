"""The same results on every CPU: the unit tests, and every notebook under strict nbval,
run again under other BLAS kernels and without numpy's AVX-512 code.

Which OpenBLAS kernel numpy's matrix products run on depends on the CPU, and kernels
differ in which floating-point flags they raise (OpenBLAS's SkylakeX kernel raises
"invalid" for a small product holding NaN where its Haswell kernel does not; this suite
turns the resulting RuntimeWarning into an error) and in the last bits of a sum (with
or without fused multiply-add, 0.299·255 + 0.587·175 + 0.114·145 is 195.5 or
195.49999999999997, which np.rint rounds differently). A machine tests only the kernel
it is given, so this file forces the others it can run:
``OPENBLAS_CORETYPE`` picks OpenBLAS's kernel and ``NPY_DISABLE_CPU_FEATURES`` switches
off numpy's own AVX-512 loops (numpy's "Runtime dispatch" documentation).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

try:  # numpy >= 2
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
except ImportError:  # numpy 1.x
    from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__

ROOT = Path(__file__).resolve().parent.parent

# everything but the slow and browser tests (which run these again, or run no numerics)
UNIT_TESTS = ["-m", "not slow and not browser", "tests"]
NOTEBOOKS = ["notebooks"]


class Variant(NamedTuple):
    name: str
    env: dict[str, str]
    needs: str
    """the CPU feature (numpy's name) the variant needs, e.g. ``AVX2``"""
    core: str | None = None
    """the OpenBLAS kernel it must report loading, if it forces one"""


def _avx512_dispatch() -> str:
    """numpy's names for its AVX-512 code paths, as NPY_DISABLE_CPU_FEATURES wants them
    (numpy 2.4 groups them as X86_V4, AVX512_ICL, ...; older releases as AVX512F, ...)."""
    return " ".join(name for name in __cpu_dispatch__
                    if name.startswith("AVX512") or name == "X86_V4")


VARIANTS = [
    Variant("openblas-Nehalem", {"OPENBLAS_CORETYPE": "Nehalem"}, "SSE42", "Nehalem"),
    Variant("openblas-Haswell", {"OPENBLAS_CORETYPE": "Haswell"}, "AVX2", "Haswell"),
    Variant("openblas-SkylakeX", {"OPENBLAS_CORETYPE": "SkylakeX"}, "AVX512F", "SkylakeX"),
    Variant("numpy-without-AVX-512", {"NPY_DISABLE_CPU_FEATURES": _avx512_dispatch()},
            "AVX512F"),
]


def _run_pytest(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)


def _assert_variant_applies(variant: Variant, env: dict[str, str]) -> None:
    """The forced kernel or switched-off features are what numpy runs with in ``env``:
    OpenBLAS falls back silently from a kernel name it does not know, and numpy ignores
    (with an ImportWarning) features it does not dispatch on."""
    probe = ("import sys, numpy\n"
             "try:\n    from numpy._core._multiarray_umath import __cpu_features__ as f\n"
             "except ImportError:\n    from numpy.core._multiarray_umath import "
             "__cpu_features__ as f\n"
             "print('still on:', [n for n in sys.argv[1:] if f[n]])")
    disabled = env.get("NPY_DISABLE_CPU_FEATURES", "").split()
    checked = subprocess.run([sys.executable, "-W", "error::ImportWarning", "-c", probe,
                              *disabled], env={**env, "OPENBLAS_VERBOSE": "2"},
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "still on: []" in checked.stdout, checked.stdout
    if variant.core is not None:
        assert f"Core: {variant.core}" in checked.stdout + checked.stderr, checked.stderr
    else:
        assert disabled, "numpy has no AVX-512 code to switch off"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux") or os.uname().machine != "x86_64",
                    reason="the kernels forced here are OpenBLAS's x86_64 kernels")
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
@pytest.mark.parametrize("selection", [UNIT_TESTS, NOTEBOOKS], ids=["unit-tests", "notebooks"])
def test_same_results_under_another_kernel(variant, selection):
    if not __cpu_features__.get(variant.needs):
        pytest.skip(f"this CPU lacks {variant.needs}, which {variant.name} needs")
    env = {**os.environ, **variant.env}
    _assert_variant_applies(variant, env)
    result = _run_pytest(selection, env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert " passed" in output.splitlines()[-1], output[-3000:]

"""The same results on every CPU: the tests whose results can depend on the CPU, and
every notebook under strict nbval, run again under other BLAS kernels and without
numpy's AVX-512 code. The notebooks' run under the first of these that the machine can
run is the Binder run's (tests/test_binder.py), which executes them all anyway.

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

import functools
import os
import re
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

KERNEL_SENSITIVE = {
    # floating-point results of onebyone's functions, compared with references, loops,
    # finite differences and PyTorch; the warnings NaN and inf raise in them; numbers
    # rounded from such results (a grey level, a trained network's accuracy)
    "test_ops", "test_backward", "test_modern_ops", "test_bad_input", "test_nin",
    "test_dense_and_nin", "test_colour_and_learning", "test_shrinking_and_bottlenecks",
    "test_modern_blocks", "test_exercises", "test_training_notebook", "test_cost_data",
    "test_timing_and_photo", "test_ablation",
}
"""The test modules marked ``blas`` (by the root conftest.py), rerun here: those whose
results are floating-point numbers computed by numpy, which can differ in the last bits
with the kernel (and so can a number rounded from them, or a warning for NaN or inf).

The other modules are not rerun, because what they check cannot change with the kernel
or is checked here another way. They check files and text the course is made of
(notebook frames, navigation, links, quizzes, ruff, the site, Binder), the course tool
and the environment; how figures and widgets draw and wire the numbers they are given
(which artists, which text where, a slider changing only what it names, bounds on
pixels and bytes), where the numbers are the ones the modules above verify; and the
numbers the course actually shows, in figures, alt texts and printed lines, are the
notebooks' stored outputs, which the ``notebooks`` run below compares under each
kernel. The tests that run a notebook in-process are left out for the same reason."""

NOT_NUMERIC = {
    "test_notebooks": "its one comparison of numbers reads notebook 01's in-process run; "
                      "01 itself runs again under nbval",
    "test_cpu_independence": "runs the others",
    "test_viz": "draws given numbers; the course's figures are compared in the notebooks",
    "test_viz_training": "the same, for 09's figures",
    "test_volume_figures": "the same, for the volume diagrams",
    "test_widgets": "wires explorers; what they show first is in the notebooks' outputs",
    "test_steppers": "the same, for the steppers",
    "test_explorer_sliders": "a slider changes only what it names: which arrays change, "
                             "not their last bits",
    "test_accessibility": "alt texts of figures drawn from numbers the notebooks show",
    "test_colour_legends": "paints given values and reads back colours and keys",
}
"""Modules that compare numbers yet are not rerun, and why."""

UNIT_TESTS = ["-m", "blas and not slow and not browser and not notebook", "tests"]
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


def assert_variant_applies(variant: Variant, env: dict[str, str],
                           python: str | Path = sys.executable) -> None:
    """The forced kernel or switched-off features are what numpy runs with in ``env``
    (in the environment of ``python``): OpenBLAS falls back silently from a kernel name it
    does not know, and numpy ignores (with an ImportWarning) features it does not dispatch
    on."""
    probe = ("import sys, numpy\n"
             "try:\n    from numpy._core._multiarray_umath import __cpu_features__ as f\n"
             "except ImportError:\n    from numpy.core._multiarray_umath import "
             "__cpu_features__ as f\n"
             "print('still on:', [n for n in sys.argv[1:] if f[n]])")
    disabled = env.get("NPY_DISABLE_CPU_FEATURES", "").split()
    checked = subprocess.run([str(python), "-W", "error::ImportWarning", "-c", probe,
                              *disabled], env={**env, "OPENBLAS_VERBOSE": "2"},
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "still on: []" in checked.stdout, checked.stdout
    if variant.core is not None:
        assert f"Core: {variant.core}" in checked.stdout + checked.stderr, checked.stderr
    else:
        assert disabled, "numpy has no AVX-512 code to switch off"


def _openblas_core(env: dict[str, str]) -> str | None:
    """The OpenBLAS kernel numpy loads in ``env`` (OpenBLAS reports it when verbose)."""
    probe = subprocess.run([sys.executable, "-c", "import numpy"],
                           env={**env, "OPENBLAS_VERBOSE": "2"}, capture_output=True, text=True)
    found = re.search(r"Core: (\w+)", probe.stdout + probe.stderr)
    return found[1] if found else None


def why_not_here(variant: Variant) -> str | None:
    """Why ``variant`` cannot run on this machine, or None if it can."""
    if not sys.platform.startswith("linux") or os.uname().machine != "x86_64":
        return "the kernels forced here are OpenBLAS's x86_64 kernels"
    if not __cpu_features__.get(variant.needs):
        return f"this CPU lacks {variant.needs}, which {variant.name} needs"
    if variant.core is not None and variant.core == _openblas_core(dict(os.environ)):
        return f"{variant.core} is this CPU's own kernel: the main run tested it"
    return None


@functools.cache
def binder_variant() -> Variant | None:
    """The first variant this machine can run: the Binder run (tests/test_binder.py)
    executes every notebook under strict nbval with it, so that one execution of the course
    checks both the Binder environment and another kernel."""
    return next((variant for variant in VARIANTS if why_not_here(variant) is None), None)


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
@pytest.mark.parametrize("selection", [UNIT_TESTS, NOTEBOOKS],
                         ids=["kernel-sensitive-tests", "notebooks"])
def test_same_results_under_another_kernel(variant, selection):
    reason = why_not_here(variant)
    if reason is not None:
        pytest.skip(reason)
    if selection == NOTEBOOKS and variant == binder_variant():
        pytest.skip(f"the Binder run (tests/test_binder.py) runs every notebook under "
                    f"strict nbval with {variant.name}")
    env = {**os.environ, **variant.env}
    assert_variant_applies(variant, env)
    result = _run_pytest(selection, env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert " passed" in output.splitlines()[-1], output[-3000:]


def test_every_test_module_is_classified():
    """A new test module is either kernel-sensitive or one the docstring above covers:
    a module that computes with numpy must be named in KERNEL_SENSITIVE."""
    modules = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
    assert KERNEL_SENSITIVE <= modules, KERNEL_SENSITIVE - modules
    computing = {m for m in modules - KERNEL_SENSITIVE
                 if re.search(r"\bfrom onebyone import .*\b(ops|nin)\b|np\.testing|allclose",
                              (ROOT / "tests" / f"{m}.py").read_text(encoding="utf-8"))}
    assert computing <= NOT_NUMERIC.keys(), (
        f"{sorted(computing - NOT_NUMERIC.keys())} compute with onebyone or compare floats: "
        "add them to KERNEL_SENSITIVE, or to NOT_NUMERIC with the reason")

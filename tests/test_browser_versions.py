"""The unit tests again, under the versions the browser's kernel runs (JupyterLite).

The course's JupyterLite runs Pyodide 0.27.7: numpy 2.0, scipy 1.14, scikit-learn 1.6,
matplotlib 3.8, older than ``lab``'s. ``tools/lite.py fetch`` makes an ordinary virtual
environment with exactly the versions the site serves for the course's package and all it
requires (``lite.kernel_pins``, from Pyodide's lock and the course's wheels), and the unit
tests run there too: a change that breaks those versions fails here, before any browser.
Its Python is this one (3.11), not the browser's 3.12, and matplotlib's browser backend
is left out (``lite.BROWSER_ONLY``).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import lite  # tools/lite.py
from lite_site import require_fetched

ROOT = Path(__file__).resolve().parent.parent
NOT_OF_THE_PACKAGE = {
    "test_binder.py": "Binder's environment, built by repo2docker",
    "test_deploy.py": "the hub's images and configuration",
    "test_kernel_sockets.py": "the hub's servers' kernel manager (jupyter_client)",
    "test_classroom.py": "nbgrader's instructor's edition",
    "test_grading_kernel.py": "the autograder's kernel",
    "test_site.py": "the website's build (Jupyter Book)",
    "test_benchmarks.py": "the benchmarks' runner",
    "test_notebooks.py": "the notebooks' files and their lint (ruff)",
    "test_environment.py": "lab's JupyterLab and its extensions (the browser's branch is "
                           "tested in the main run)",
}
"""Test modules of the repository's tooling, not of the course's package: they need tools
the browser's kernel never has."""


@pytest.mark.slow
def test_the_unit_tests_pass_under_the_browser_kernels_versions():
    require_fetched()
    python = lite.kernel_venv() / "bin" / "python"
    pins = (lite.kernel_venv() / "pins.txt").read_text().split()
    assert {"numpy==2.0.2", "matplotlib==3.8.4", "scikit-learn==1.6.1"} <= set(pins)
    installed = subprocess.run(
        [python, "-c", "import json, importlib.metadata as m; print(json.dumps({d.name.lower()"
         ".replace('_', '-'): d.version for d in m.distributions()}))"],
        capture_output=True, text=True, check=True)
    versions = json.loads(installed.stdout)
    assert [p for p in pins if versions.get(p.split("==")[0]) != p.split("==")[1]] == []
    ignored = [f"--ignore=tests/{name}" for name in NOT_OF_THE_PACKAGE]
    run = subprocess.run(
        [python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2", "tests",
         "-o", "addopts=-ra --strict-markers", *ignored,
         "-m", "not slow and not browser and not notebook"],
        capture_output=True, text=True, cwd=ROOT)
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in summary and "error" not in summary, summary

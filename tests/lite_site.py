"""The course's JupyterLite for the tests: what its build needs, the build offline
(tools/lite.py), and the folded solutions the browser tests add to its contents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import lite  # tools/lite.py
from notebook_run import solutions

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = "solutions"
"""The folder the browser tests add to the site's contents: ``NN_slug.py`` per notebook."""
RUNNER = """# The folded solutions of {notebook}, in order, written by tests/lite_site.py for the
# browser tests (the published site has none). Each runs as a cell of its own, as the
# learner's cell would: its last line's value shown (the check's verdict), an error shown.
_solutions = {codes}
for _solution in _solutions:
    get_ipython().run_cell(_solution)
"""


def require_fetched() -> None:
    if not (lite.NPM_PYODIDE / "pyodide-lock.json").is_file() or not lite.wheels().is_dir() \
            or not lite.kernel_venv().is_dir():
        reason = "JupyterLite's pieces are not fetched (python3 tools/lite.py fetch; needs npm)"
        if os.environ.get("ONEBYONE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and ONEBYONE_REQUIRE_BROWSER=1 requires the Lite")
        pytest.skip(reason)


def solution_file(path: Path) -> str:
    """What ``solutions/NN_slug.py`` holds for the notebook ``path``: its folded solutions
    (``notebook_run.solutions``), in order, and the loop that runs each as a cell. (The
    browser's kernel loads the packages a cell imports before running it, only for the
    typed cell: a solution importing a package nothing loaded yet would fail here, though
    not pasted into a cell of its own. None imports any.)"""
    codes = "[\n" + "".join(f"    {code!r},\n" for _, code in solutions(path)) + "]"
    return RUNNER.format(notebook=path.name, codes=codes)


def write_solutions(folder: Path) -> Path:
    """``folder/solutions/NN_slug.py`` for every notebook that has folded solutions;
    ``folder``, to add to the site's contents."""
    (folder / SOLUTIONS).mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if solutions(path):
            (folder / SOLUTIONS / f"{path.stem}.py").write_text(solution_file(path),
                                                                 encoding="utf-8")
    return folder


def offline_build(out: Path, extra_contents: Path | None = None) -> subprocess.CompletedProcess:
    """``tools/lite.py build OUT [--contents EXTRA]`` with the network cut off (a new
    network namespace, where this machine allows one), as the README says it builds."""
    command = [sys.executable, str(ROOT / "tools" / "lite.py"), "build", str(out)]
    if extra_contents is not None:
        command += ["--contents", str(extra_contents)]
    cut_off = os.geteuid() == 0 and subprocess.run(
        ["unshare", "--net", "true"], capture_output=True).returncode == 0
    if not cut_off and os.environ.get("ONEBYONE_REQUIRE_BROWSER") == "1":
        pytest.fail("the Lite's build must be shown offline: `unshare --net` was refused")
    return subprocess.run(["unshare", "--net", *command] if cut_off else command,
                          capture_output=True, text=True, cwd=ROOT)

"""No notebook reaches the network: nbval's kernels refuse it (the root conftest.py puts
tests/no_network on their PYTHONPATH), in the main run and in the Binder run. Here a
notebook that reaches out fails under nbval as the suite runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # a pytest of its own, and a kernel
def test_a_notebook_that_reaches_the_network_fails_under_nbval(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print('a cell without the network passes')", execution_count=1,
                                  outputs=[nbformat.v4.new_output(
                                      "stream", name="stdout",
                                      text="a cell without the network passes\n")]),
        nbformat.v4.new_code_cell(
            "import urllib.request\nurllib.request.urlopen('http://example.com', timeout=5)",
            execution_count=2)])
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"}}
    path = tmp_path / "reach_out.ipynb"
    nbformat.write(nb, path)
    # the repository's conftest.py as a plugin: the notebook is outside the repository
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-p",
                             "no:cacheprovider", "-p", "no:xdist", "-c", "pyproject.toml",
                             "--rootdir", str(ROOT), str(path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert "1 failed, 1 passed" in output, output[-3000:]
    assert "network access refused by the course's no-network guard" in output, output[-3000:]

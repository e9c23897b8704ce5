"""The course's JupyterLite for the tests: what its build needs, and the build offline
(tools/lite.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import lite  # tools/lite.py

ROOT = Path(__file__).resolve().parent.parent


def require_fetched() -> None:
    if not (lite.NPM_PYODIDE / "pyodide-lock.json").is_file() or not lite.wheels().is_dir() \
            or not lite.kernel_venv().is_dir():
        reason = "JupyterLite's pieces are not fetched (python3 tools/lite.py fetch; needs npm)"
        if os.environ.get("ONEBYONE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and ONEBYONE_REQUIRE_BROWSER=1 requires the Lite")
        pytest.skip(reason)


def offline_build(out: Path) -> subprocess.CompletedProcess:
    """``tools/lite.py build OUT`` with the network cut off (a new network namespace, where
    this machine allows one), as the README says it builds."""
    command = [sys.executable, str(ROOT / "tools" / "lite.py"), "build", str(out)]
    cut_off = os.geteuid() == 0 and subprocess.run(
        ["unshare", "--net", "true"], capture_output=True).returncode == 0
    if not cut_off and os.environ.get("ONEBYONE_REQUIRE_BROWSER") == "1":
        pytest.fail("the Lite's build must be shown offline: `unshare --net` was refused")
    return subprocess.run(["unshare", "--net", *command] if cut_off else command,
                          capture_output=True, text=True, cwd=ROOT)

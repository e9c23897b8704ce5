"""The grading kernel for tests: its kernel spec in a folder of their own, and root.

tools/grading_kernel.py starts each student's notebook as a user id of its own, which only
root may do; without root the tests that grade skip, except where ONEBYONE_REQUIRE_HUB is
set (.ci/run), where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import grading_kernel  # tools/grading_kernel.py


def require_root() -> None:
    if os.geteuid() != 0:
        reason = "the grading kernel starts students' code as a user of its own: it needs root"
        if os.environ.get("ONEBYONE_REQUIRE_HUB"):
            pytest.fail(f"{reason}, and ONEBYONE_REQUIRE_HUB is set")
        pytest.skip(reason)


def jupyter_path(folder: Path) -> str:
    """A JUPYTER_PATH entry under ``folder`` holding the grading kernel's spec."""
    grading_kernel.install(folder / "kernels")
    return str(folder)

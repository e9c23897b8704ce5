#!/usr/bin/env python3
"""Set up the course in a virtual environment inside the repo, then open or test it.

    python3 tools/course.py lab     # set up, then open JupyterLab at notebooks/00_index.ipynb
    python3 tools/course.py test    # set up (with the test tools), then run the whole test suite

Extra arguments are passed on to ``jupyter lab`` or ``pytest``.  Only the standard
library is used here, so this runs on any Python >= 3.10 before anything is installed.
Installs are skipped when the requirement files have not changed since the last one.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
REQUIREMENTS = {"lab": "requirements.txt", "test": "requirements-dev.txt"}
MIN_PYTHON = (3, 10)
START_PAGE = "notebooks/00_index.ipynb"


def _fingerprint(requirements: str) -> str:
    """Hash of everything that decides what gets installed."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml", requirements):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def setup(requirements: str) -> None:
    """Create ``.venv`` if needed and install ``requirements`` into it (once per change)."""
    if sys.version_info < MIN_PYTHON:
        needed = ".".join(map(str, MIN_PYTHON))
        sys.exit(f"Python >= {needed} is needed; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV.name}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp = VENV / f".installed-{Path(requirements).stem}"
    wanted = _fingerprint(requirements)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"Installing {requirements} ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check"]
    subprocess.run([*pip, "--quiet", "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([*pip, "--quiet", "-r", requirements], check=True, cwd=ROOT)
    stamp.write_text(wanted)


def command_line(command: str, extra: list[str]) -> list[str]:
    """What ``lab`` or ``test`` runs inside the virtual environment, from the repo root."""
    if command == "lab":
        args = [str(BIN / "jupyter"), "lab", f"--LabApp.default_url=/lab/tree/{START_PAGE}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")  # containers often run as root; Jupyter refuses it
        return [*args, *extra]
    return [str(PYTHON), "-m", "pytest", *extra]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in REQUIREMENTS:
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    setup(REQUIREMENTS[command])
    return subprocess.run(command_line(command, extra), cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

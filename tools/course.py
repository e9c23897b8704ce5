#!/usr/bin/env python3
"""Set up the course in a virtual environment inside the repo, then open, test or publish it.

    python3 tools/course.py lab     # set up, then open JupyterLab at notebooks/00_index.ipynb
    python3 tools/course.py test    # set up (with the test tools), then run the whole test suite
    python3 tools/course.py test --quick   # the quick tier, for editing: no slow or
                                    # browser tests, and only the notebooks you changed
    python3 tools/course.py site    # set up (with the test tools), then build the static
                                    # website into _build/site (tools/website.py), and
                                    # the course's JupyterLite into _build/site/lite
                                    # (tools/lite.py), offline, when npm is there: each
                                    # lesson's page then links to it ("Run in your browser")
    python3 tools/course.py classroom   # set up (with the instructor's tools, nbgrader),
                                    # then build the instructor's course directory into
                                    # _build/classroom (tools/classroom.py)

Extra arguments are passed on to ``jupyter lab`` or ``pytest``; ``site`` takes an output
folder instead of ``_build/site``, ``classroom`` the options of ``tools/classroom.py``.
Only the standard library is used here, so this runs on any Python >= 3.10 before anything
is installed; ``lab`` needs 3.10, the others 3.11 (for nbgrader, among the test tools and
the instructor's). Installs are skipped when the
requirement files have not changed since the last one; the test tools' install includes
everything ``lab``, ``site`` and ``classroom`` need, so they install nothing after ``test``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
REQUIREMENTS = {"lab": "requirements.txt", "test": "requirements-dev.txt",
                "site": "requirements-dev.txt", "classroom": "requirements-instructor.txt"}
SERVED_BY = {"lab": ("lab", "test", "classroom"), "test": ("test",), "site": ("test",),
             "classroom": ("classroom", "test")}
"""Which commands' installs serve each command: the test tools include lab's needs, the
site's and the instructor's; the instructor's include lab's (an install is recorded per
requirements file, so test's is site's)."""
MIN_PYTHON = {"lab": (3, 10), "test": (3, 11), "site": (3, 11), "classroom": (3, 11)}
"""The learner's course runs on 3.10; nbgrader 0.9, in the test tools and the instructor's,
needs 3.11."""
COURSE_DIR = "notebooks"
"""What JupyterLab's file browser shows a learner: the course, not the repo's tooling."""
START_PAGE = "00_index.ipynb"
"""The page JupyterLab opens, inside ``COURSE_DIR``."""


def _fingerprint() -> str:
    """Hash of everything that decides what gets installed, for either command."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-instructor.txt",
                 "deploy/hub/requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _stamp(requirements: str) -> Path:
    """The file recording that ``requirements`` was installed, and from what."""
    return VENV / f".installed-{Path(requirements).stem}"


def _installed(command: str) -> bool:
    """Whether an install that serves ``command`` is in place and current."""
    wanted = _fingerprint()
    return any(_stamp(REQUIREMENTS[done]).is_file()
               and _stamp(REQUIREMENTS[done]).read_text() == wanted
               for done in SERVED_BY[command])


def setup(command: str) -> None:
    """Create ``.venv`` if needed and install what ``command`` needs (once per change).

    pip shows its own progress: a first install downloads a few hundred MB.
    """
    if sys.version_info < MIN_PYTHON[command]:
        needed = ".".join(map(str, MIN_PYTHON[command]))
        sys.exit(f"`{command}` needs Python >= {needed}; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV.name}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if _installed(command):
        return
    requirements = REQUIREMENTS[command]
    print(f"Installing {requirements} into {VENV.name}/ (the first time, a few hundred MB "
          "are downloaded; see the README) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check"]
    subprocess.run([*pip, "--quiet", "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([*pip, "-r", requirements], check=True, cwd=ROOT)
    _stamp(requirements).write_text(_fingerprint())


HUB = ROOT / "deploy" / "hub"
"""The hub's proxy, configurable-http-proxy, for the class the tests run on this machine."""


def setup_proxy() -> None:
    """Install the hub's proxy with npm into ``deploy/hub/node_modules`` (once per change of
    its lock file); without npm, say so: the hub's tests then skip, except in CI."""
    stamp = HUB / "node_modules" / ".installed-lock"
    wanted = hashlib.sha256((HUB / "package-lock.json").read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text() == wanted:
        return
    npm = shutil.which("npm")
    if npm is None:
        print("npm is missing, so the tests of a class on JupyterHub will be skipped "
              "(Debian: apt-get install npm)", flush=True)
        return
    print("Installing the hub's proxy (deploy/hub/package-lock.json) with npm ...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], check=True, cwd=HUB)
    stamp.write_text(wanted)


def setup_lite() -> None:
    """Fetch JupyterLite's pinned pieces (tools/lite.py: Pyodide's core with npm, the
    wheels with pip), once per change of lite/; without npm, say so: the site is then built
    without its JupyterLite, and the Lite's tests skip, except in CI."""
    if shutil.which("npm") is None:
        print("npm is missing, so the course's JupyterLite is not built and its tests are "
              "skipped (Debian: apt-get install npm)", flush=True)
        return
    subprocess.run([str(PYTHON), str(ROOT / "tools" / "lite.py"), "fetch"], check=True,
                   cwd=ROOT)


def builds_lite() -> bool:
    """Whether ``site`` builds the course's JupyterLite beside the website: with npm, which
    ``setup_lite`` fetched its pieces with."""
    return shutil.which("npm") is not None


def command_line(command: str, extra: list[str], lite: bool = False) -> list[str]:
    """What ``lab``, ``test``, ``site`` or ``classroom`` runs inside the virtual environment,
    from the repo root (``lite``: the website links to the JupyterLite built beside it)."""
    if command == "lab":
        args = [str(BIN / "jupyter"), "lab", f"--ServerApp.root_dir={ROOT / COURSE_DIR}",
                f"--LabApp.default_url=/lab/tree/{START_PAGE}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")  # containers often run as root; Jupyter refuses it
        return [*args, *extra]
    if command == "site":
        return [str(PYTHON), str(ROOT / "tools" / "website.py"), *(["--lite"] if lite else []),
                *extra]
    if command == "classroom":
        return [str(PYTHON), str(ROOT / "tools" / "classroom.py"), *extra]
    return [str(PYTHON), "-m", "pytest", *_spread(extra), *extra]


def _spread(extra: list[str]) -> list[str]:
    """pytest-xdist's options: a worker per core, the tests of one notebook's kernel or
    in-process run on one worker (the root conftest.py); none when the caller chose ``-n``
    or ``-p no:xdist`` (e.g. ``-n 0`` to debug with ``--pdb``)."""
    chosen = any(a == "-n" or a.startswith(("-n", "--numprocesses")) or a == "no:xdist"
                 for a in extra)
    return [] if chosen else ["-n", "auto", "--dist", "loadgroup"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in REQUIREMENTS:
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    setup(command)
    if command == "test":
        setup_proxy()
    if command in ("test", "site"):
        setup_lite()
    # the JupyterLite beside the website, exactly when the website links to it
    lite = command == "site" and builds_lite()
    done = subprocess.run(command_line(command, extra, lite), cwd=ROOT).returncode
    if lite and done == 0:
        site = Path(extra[0]).resolve() if extra else ROOT / "_build" / "site"
        done = subprocess.run([str(PYTHON), str(ROOT / "tools" / "lite.py"), "build",
                               str(site / "lite")], cwd=ROOT).returncode
    return done


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

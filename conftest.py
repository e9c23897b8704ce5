"""How pytest runs this repository's tests and notebooks (read for both, as the root's).

**Groups.** ``python3 tools/course.py test`` spreads the tests over the CPU's cores with
pytest-xdist (``--dist loadgroup``). The cells of one notebook under nbval share one
kernel, and the tests marked ``@pytest.mark.notebook("NN_slug")`` share one in-process run
of that notebook (``tests/notebook_run.py``): each goes to one worker, so every notebook
is executed once per run by nbval and at most once in-process. The website's tests share
one build (the ``site`` fixture of tests/conftest.py). The long tests start first, so that
the workers end together.

**The quick tier** (``--quick``, or ``python3 tools/course.py test --quick``) is for
editing: everything but the slow and browser tests, and of the notebooks (their nbval
cells and their ``notebook``-marked tests) only those that differ from git's HEAD.

**No network.** nbval starts each notebook's kernel with ``tests/no_network`` on its
``PYTHONPATH``: its ``sitecustomize`` refuses every connection that is not to this
machine, so a notebook that reaches the network fails (tests/test_no_network.py).

**Time by tier.** At the end of a run, the test time summed per tier (``SuiteTimes``): the
README's table of the suite's time is this report's.

**Kernel-sensitive tests** (the modules ``tests/test_cpu_independence.py`` names) are
marked ``blas``: that file runs them again under other BLAS kernels.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests"))  # test_cpu_independence, for KERNEL_SENSITIVE
NO_NETWORK = ROOT / "tests" / "no_network"
"""On the ``PYTHONPATH`` of nbval's kernels: its ``sitecustomize`` refuses the network."""


def pytest_addoption(parser) -> None:
    parser.addoption("--quick", action="store_true",
                     help="the quick tier: no slow or browser tests, and only the notebooks "
                          "changed since git's HEAD (nbval and their notebook-marked tests)")


def changed_notebooks() -> set[str]:
    """The names (``NN_slug``) of the notebooks that differ from git's HEAD, new ones
    included."""
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--",
                             "notebooks"], cwd=ROOT, capture_output=True, text=True, check=True)
    return {Path(line[3:].strip().split(" -> ")[-1]).stem for line in status.stdout.splitlines()
            if line.strip().endswith(".ipynb")}


def _notebooks_of(item) -> set[str]:
    """The notebooks a test executes: its own file under nbval, or its notebook marks."""
    if item.path.suffix == ".ipynb":
        return {item.path.stem}
    return {mark.args[0] for mark in item.iter_markers("notebook")}


def _is_long(item) -> bool:
    return any(item.get_closest_marker(name) for name in ("slow", "browser"))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items) -> None:
    from test_cpu_independence import KERNEL_SENSITIVE  # where the reasons are written

    grouped = config.pluginmanager.hasplugin("xdist")  # its marker exists with it only
    for item in items:
        if item.path.stem in KERNEL_SENSITIVE:
            item.add_marker(pytest.mark.blas)
        if not grouped:
            continue
        if "site" in getattr(item, "fixturenames", ()):  # one build of the website
            item.add_marker(pytest.mark.xdist_group("site"))
        names = _notebooks_of(item)
        if names:  # one worker per notebook's kernel (nbval) or in-process run
            kind = "nbval" if item.path.suffix == ".ipynb" else "run"
            item.add_marker(pytest.mark.xdist_group(f"{kind}-{'+'.join(sorted(names))}"))
    # the long tests first, so that the workers end together (a stable sort: the cells
    # of a notebook keep their order)
    items.sort(key=lambda item: not _is_long(item))
    if not config.getoption("quick"):
        return
    changed = changed_notebooks()
    kept, dropped = [], []
    for item in items:
        names = _notebooks_of(item)
        (dropped if _is_long(item) or (names and not names & changed) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """nbval starts a notebook's kernel in its first cell's set-up, with this process's
    environment: there, and only there, the guard is on the ``PYTHONPATH``."""
    if item.path.suffix != ".ipynb":
        return (yield)
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(NO_NETWORK), before) if p)
    try:
        return (yield)
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


class SuiteTimes:
    """The time of a run by tier, summed over the workers: the README's table. A test
    belongs to the first tier whose pattern its node id matches."""

    TIERS = (
        ("browser: every notebook operated in JupyterLab; the class's screens on the hub",
         r"tests/browser/test_(jupyterlab|hub_jupyterlab|hub_grading_screens)\.py"),
        ("lite: the course's JupyterLite, built offline and run in Chromium; the unit "
         "tests under its versions",
         r"tests/(test_lite|browser/test_lite_in_chromium|test_browser_versions)\.py"),
        ("site: the build, its checks and its accessibility audit",
         r"tests/(browser/test_site_a11y|test_site)\.py"),
        ("notebooks: strict nbval", r"notebooks/"),
        ("CPU kernels: the kernel-sensitive tests under other kernels",
         r"tests/test_cpu_independence\.py"),
        ("Binder: the pinned environment, then every notebook under another kernel",
         r"tests/test_binder\.py"),
        ("classroom: nbgrader's validation both ways, classes, and the grading kernel",
         r"tests/test_(classroom|grading_kernel|what_students_hand_in)\.py"),
        ("hub: classes on JupyterHub, 20 at once, and students' privacy",
         r"tests/test_(hub|deploy|exchange_privacy|class_at_once|kernel_sockets)\.py"),
        ("benchmarks: their quick runs", r"tests/test_benchmarks\.py"),
        ("unit, property-based and widget tests", r""),
    )

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.tests: dict[str, set[str]] = {name: set() for name, _ in self.TIERS}

    def tier(self, nodeid: str) -> str:
        return next(name for name, pattern in self.TIERS if re.match(pattern, nodeid))

    def pytest_runtest_logreport(self, report) -> None:
        tier = self.tier(report.nodeid)
        self.seconds[tier] += report.duration
        self.tests[tier].add(report.nodeid)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.seconds:
            return
        terminalreporter.write_sep("-", "test time by tier, summed over the workers")
        for name, _ in self.TIERS:
            if self.tests[name]:
                count = len(self.tests[name])
                terminalreporter.write_line(f"{self.seconds[name]:7.0f} s  {count:5d} "
                                            f"test{'s' if count != 1 else ' '}  {name}")
        terminalreporter.write_line(f"{sum(self.seconds.values()):7.0f} s  in all")


def pytest_configure(config) -> None:
    if not hasattr(config, "workerinput"):  # the workers report to the main process
        config.pluginmanager.register(SuiteTimes(), "suite-times")

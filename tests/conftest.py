"""Shared test set-up: the scripts in tools/ (nav.py, ...) importable by name, the
course's website built once, and a line of its own for each long test. The grouping of
tests for pytest-xdist and the quick tier are in the repository's root conftest.py,
which pytest reads for the notebooks as well.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course's website, built once per test process (tools/website.py; raises,
    listing them, if Sphinx warned), with the course's JupyterLite built beside it in
    ``lite/`` (offline, tools/lite.py) and each notebook's page linking to it, as
    ``course.py site`` builds them: tests/test_site.py reads it, and the browser suite
    audits it. Without the Lite's pieces (no npm), the site alone, without those links
    (in CI, a failure). Its tests go to one worker (the ``site`` group of the root
    conftest.py)."""
    import website  # tools/website.py
    from lite_site import offline_build, require_fetched

    try:
        require_fetched()
        lite = True
    except pytest.skip.Exception:
        lite = False
    built = website.build(tmp_path_factory.mktemp("site") / "site", lite=lite)
    if lite:
        done = offline_build(built / website.LITE)
        assert done.returncode == 0, done.stdout + done.stderr
    return built


class LongTestLines:
    """The browser suite, the Binder simulation and the runs under other CPU kernels
    take seconds to minutes per test; in pytest's default output they would be a line
    of dots without names for minutes. Each gets a line of its own: name, then result
    (pytest then starts a new line, with the file's name, for the next test)."""

    MARKERS = ("slow", "browser")

    def __init__(self) -> None:
        self.reporter = None
        self.long_tests: set[str] = set()

    def pytest_collection_modifyitems(self, config, items) -> None:
        self.reporter = config.pluginmanager.get_plugin("terminalreporter")
        if self.reporter is None or config.get_verbosity() != 0:
            return  # -v names every test already, and -q asks for quiet
        self.long_tests = {item.nodeid for item in items
                           if any(item.get_closest_marker(m) for m in self.MARKERS)}

    def pytest_runtest_logstart(self, nodeid) -> None:
        if nodeid in self.long_tests:
            self.reporter.ensure_newline()  # under its file's name, which pytest wrote
            self.reporter.write(f"  {nodeid.split('::', 1)[-1]} ")


def pytest_configure(config) -> None:
    config.pluginmanager.register(LongTestLines(), "long-test-lines")

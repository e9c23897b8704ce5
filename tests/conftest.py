"""Shared test set-up: the scripts in tools/ (nav.py, ...) importable by name."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))



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

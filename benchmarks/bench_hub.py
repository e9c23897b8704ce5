"""Section 8 (``--hub``): what a student's server on the course's hub uses.

A hub on loopback (tests/hub.py) with one student: their server (jupyterhub-singleuser)
runs every notebook of the course, one kernel after another, as a student working through
it does. Sampled every 0.1 s: the resident memory of the server and its kernels together
(peak), and, at the end, the CPU time they used; beside them, the hub and its proxy.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

from bench_common import Row

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from hub import run_cells, running_hub  # noqa: E402 (tests/hub.py)

SESSION_MINUTES = 60
"""The sizing's assumption: each student works through the whole course in one hour."""


class Peak:
    """The largest resident memory of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.process, self.bytes, self._stop = psutil.Process(pid), 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            total = 0
            try:
                processes = [self.process, *self.process.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue  # a kernel ended while its family was listed: sample again
            for process in processes:
                try:
                    total += process.memory_info().rss
                except psutil.NoSuchProcess:
                    pass  # it ended since: it holds no memory
            self.bytes = max(self.bytes, total)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.bytes / 2**20


def _server_pid(hub, user: str) -> int:
    """The process of ``user``'s server: the hub's child whose command is the single-user
    server and whose environment names the user."""
    for process in psutil.process_iter(["cmdline", "environ"]):
        if any("jupyterhub-singleuser" in part for part in process.info["cmdline"] or []) \
                and (process.info["environ"] or {}).get("JUPYTERHUB_USER") == user:
            return process.pid
    raise LookupError(f"no server process for {user}")


def hub_rows(quick: bool) -> list[Row]:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))[: 2 if quick else None]
    with tempfile.TemporaryDirectory() as tmp, running_hub(Path(tmp) / "hub", ["alice"]) as hub:
        token = hub.start_server("alice")
        course = hub.home("alice") / "onebyone"
        course.mkdir(parents=True)
        for path in paths:
            shutil.copy(path, course / path.name)
        server = psutil.Process(_server_pid(hub, "alice"))
        hub_process = psutil.Process(server.ppid())
        hub_mb = sum(p.memory_info().rss for p in [hub_process, *hub_process.children()]
                     if p.pid != server.pid) / 2**20
        measured = {}
        for shut_down in (True, False):
            cpu_before = sum(server.cpu_times()[:4])
            peak = Peak(server.pid)
            start = time.perf_counter()
            try:
                for path in paths:
                    cells = [c.source for c in nbformat.read(path, as_version=4).cells
                             if c.cell_type == "code"]
                    run_cells(hub.server("alice"), token, f"onebyone/{path.name}", cells,
                              shut_down=shut_down)
            finally:
                peak_mb = peak.stop()
            wall = time.perf_counter() - start
            # user and system time, and the same of the kernels the server has reaped
            measured[shut_down] = peak_mb, sum(server.cpu_times()[:4]) - cpu_before, wall
    (peak_mb, cpu, wall), (kept_mb, _, _) = measured[True], measured[False]
    what = f"{len(paths)} notebooks"
    return [
        Row("8 hub", f"a student's server running {what}, each kernel shut down after its "
                     "notebook: peak memory", peak_mb, "MiB"),
        Row("8 hub", f"... its CPU time, kernels included ({wall:.0f} s of wall time)",
            cpu, "s"),
        Row("8 hub", "the hub and its proxy, with one user", hub_mb, "MiB"),
        Row("8 hub", f"the same {what} with every kernel left running: peak memory",
            kept_mb, "MiB"),
    ]


def sizing(peak_mb: float, cpu_s: float, hub_mb: float, students: int) -> tuple[float, float]:
    """Memory (GiB) and cores for ``students`` working through the course at once, within
    ``SESSION_MINUTES``: every server at its peak at the same time (a limit per user of
    that peak), and the CPU time spread over the session."""
    memory_gb = (hub_mb + students * peak_mb) / 1024
    cores = students * cpu_s / (SESSION_MINUTES * 60)
    return memory_gb, cores

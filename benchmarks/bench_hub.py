"""Section 8 (``--hub``): what a student's server on the course's hub uses, and a class.

A hub on loopback (tests/hub.py) with one student: their server (jupyterhub-singleuser)
runs every notebook of the course, one kernel after another, as a student working through
it does. Sampled every 0.1 s: the resident memory of the server and its kernels together
(peak), and, at the end, the CPU time they used; beside them, the hub and its proxy.

Then a class at once: 20 students (3 in a quick run), each with their server, run 01 at
the same moment, against one student alone; then all submit at the same moment and the
instructor collects, autogrades in the grading kernel and generates feedback.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import nbformat
import psutil

from bench_classroom import grading_kernel_on_path
from bench_common import Row, verdict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import classroom  # noqa: E402 (tools/classroom.py, put on the path by bench_classroom)
from hub import INSTRUCTOR, at_once, run_cells, running_hub, server_pid  # noqa: E402

SESSION_MINUTES = 60
"""The sizing's assumption: each student works through the whole course in one hour."""


class Peak:
    """The largest resident memory of processes and their descendants together, sampled
    in a thread."""

    def __init__(self, *pids: int) -> None:
        self.roots, self.bytes = [psutil.Process(pid) for pid in pids], 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            total = 0
            try:
                processes = [p for root in self.roots
                             for p in [root, *root.children(recursive=True)]]
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


def hub_rows(quick: bool) -> list[Row]:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))[: 2 if quick else None]
    with tempfile.TemporaryDirectory() as tmp, running_hub(Path(tmp) / "hub", ["alice"]) as hub:
        token = hub.start_server("alice")
        course = hub.home("alice") / "onebyone"
        course.mkdir(parents=True)
        for path in paths:
            shutil.copy(path, course / path.name)
        server = psutil.Process(server_pid("alice"))
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


CLASS = 20
"""Students at once in the class measured (3 in a quick run)."""
ASSIGNMENT = "01_single_channel"


def _cpu_seconds(pids: list[int]) -> float:
    """User and system time of processes, with that of the children they have reaped."""
    return sum(sum(psutil.Process(pid).cpu_times()[:4]) for pid in pids)


def _class_run(students: list[str]) -> dict[str, float]:
    """``students`` on a hub at once, each with their server: all run 01 with its solutions
    at the same moment, then all submit at the same moment, and the instructor collects,
    autogrades (in the grading kernel) and generates feedback. What it cost."""
    with tempfile.TemporaryDirectory() as tmp, running_hub(Path(tmp) / "hub", students) as hub:
        course = classroom.build(hub.home(INSTRUCTOR) / "course", [ASSIGNMENT])
        instructor = hub.start_server(INSTRUCTOR)
        formgrader = f"{hub.server(INSTRUCTOR)}/formgrader/api"
        hub.request("POST", f"{formgrader}/assignment/{ASSIGNMENT}/release", instructor, b"")
        tokens = {student: hub.start_server(student) for student in students}
        path = f"onebyone/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        for student in students:  # the student copy, answered, where nbgitpuller puts it
            notebook = hub.home(student) / path
            notebook.parent.mkdir(parents=True)
            shutil.copy(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", notebook)
            classroom.fill_in(notebook, classroom.solutions(ASSIGNMENT))
        cells = [c.source for c in nbformat.read(hub.home(students[0]) / path, 4).cells
                 if c.cell_type == "code"]
        servers = [server_pid(student) for student in students]
        hub_process = psutil.Process(psutil.Process(servers[0]).ppid())
        cpu_before, peak = _cpu_seconds(servers), Peak(*servers)
        start = time.perf_counter()
        try:
            at_once(lambda s: run_cells(hub.server(s), tokens[s], path, cells), students)
        finally:
            peak_mb = peak.stop()
        wall = time.perf_counter() - start
        cpu = _cpu_seconds(servers) - cpu_before
        hub_mb = sum(p.memory_info().rss for p in [hub_process, *hub_process.children()]
                     if p.pid not in servers and p.pid != server_pid(INSTRUCTOR)) / 2**20
        form = urllib.parse.urlencode({"assignment_id": ASSIGNMENT,
                                       "course_id": classroom.COURSE_ID}).encode()
        start = time.perf_counter()
        at_once(lambda s: hub.request("POST", f"{hub.server(s)}/assignments/submit",
                                      tokens[s], form), students)
        hub.request("POST", f"{formgrader}/assignment/{ASSIGNMENT}/collect", instructor, b"")
        with grading_kernel_on_path(Path(tmp) / "grading"):
            outcomes = classroom.grade(course, ASSIGNMENT,
                                       env={"NBGRADER_EXCHANGE": str(hub.exchange)})
        graded = time.perf_counter() - start
    total = sum(t.points for _, t in classroom.tasks(ASSIGNMENT, classroom._read(ASSIGNMENT),
                                                      classroom.load_spec()))
    right = sorted(o.student for o in outcomes if o.score == total) == sorted(students)
    return {"peak": peak_mb / len(students), "cpu": cpu / len(students), "wall": wall,
            "hub": hub_mb, "graded": graded, "right": right}


def class_rows(quick: bool) -> list[Row]:
    """A class at once against one student alone: what changes per student, the hub's
    memory, and the time from all submitting to all graded."""
    size = 3 if quick else CLASS
    alone = _class_run(["solo"])
    together = _class_run([f"student{k:02d}" for k in range(1, size + 1)])
    section = "8 hub, a class at once"
    return [
        Row(section, "running 01, peak memory per student: alone", alone["peak"], "MiB"),
        Row(section, f"... {size} at once", together["peak"], "MiB"),
        Row(section, "running 01, CPU time per student: alone", alone["cpu"], "s"),
        Row(section, f"... {size} at once", together["cpu"], "s"),
        Row(section, "running 01, wall time: alone", alone["wall"], "s"),
        Row(section, f"... {size} at once", together["wall"], "s"),
        Row(section, f"the hub and its proxy with {size} servers", together["hub"], "MiB"),
        Row(section, f"from {size} submitting at once to all graded (collect, autograde in "
                     "the grading kernel, feedback)" if together["right"] else
                     f"from {size} submitting to graded: grades WRONG or LOST",
            together["graded"], "s", "all grades", verdict(quick, together["right"])),
    ]


def sizing(peak_mb: float, cpu_s: float, hub_mb: float, students: int) -> tuple[float, float]:
    """Memory (GiB) and cores for ``students`` working through the course at once, within
    ``SESSION_MINUTES``: every server at its peak at the same time (a limit per user of
    that peak), and the CPU time spread over the session."""
    memory_gb = (hub_mb + students * peak_mb) / 1024
    cores = students * cpu_s / (SESSION_MINUTES * 60)
    return memory_gb, cores

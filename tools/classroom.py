#!/usr/bin/env python3
"""Build the instructor's edition of the course: an nbgrader course directory.

    python3 tools/course.py classroom [DIR] [--branch NAME]

``DIR`` (default ``_build/classroom``) receives

- ``nbgrader_config.py``: the course ``onebyone`` for nbgrader;
- ``source/NN_slug/NN_slug.ipynb``: one assignment per notebook, generated from the
  self-study notebook: each exercise of "On your own" becomes a task, the learner's cell as
  the answer cell with the folded solution as its solution region, then a locked test cell
  with the exercise's instant check and the hidden tests of ``classroom/tasks.toml``;
- ``release/NN_slug/NN_slug.ipynb``: the student copies, made by nbgrader's
  ``generate_assignment``: no solution, no folded solution, no hidden test.

``--branch NAME`` also commits the student copies to the git branch ``NAME`` of this
repository (each build a new commit on top of the last), for nbgitpuller to pull into
students' homes on a hub.

    python3 tools/course.py classroom DIR --grade NN_slug

autogrades the collected submissions of an assignment (in the grading kernel,
``tools/grading_kernel.py``), generates the feedback, and prints a line per student: the
score, and what the instructor should know (a locked cell edited or deleted, lateness and
its penalty, extra files, or why the submission could not be graded, which the student's
feedback then says too).

One assignment per notebook, because a notebook is the course's unit: a class works through
one at a time, and the notebooks link to each other by name. The notebooks stay the only
source; this runs inside the course's environment, where ``classroom`` installed nbgrader.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import nbformat
import tomllib

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TASKS = ROOT / "classroom" / "tasks.toml"
DEFAULT_DIR = ROOT / "_build" / "classroom"
COURSE_ID = "onebyone"
GRADING_KERNEL = "onebyone-grading"
"""The kernel nbgrader grades in: tools/grading_kernel.py, installed as its kernel spec."""
EXCHANGE = "/srv/nbgrader/exchange"
"""nbgrader's default exchange; on one machine or a hub, all users can write it."""

EXERCISES_HEADING = "## On your own"
FOLDED_SOLUTION = re.compile(r"<details>\s*<summary>Solution</summary>(.*?)</details>\s*",
                             re.S)
CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
CHECK_CALL = re.compile(r"^check_\w+\(.*\)$")
NOTEBOOK_LINK = re.compile(r"\]\((\d\d_\w+)\.ipynb(#[^)]*)?\)")

CONFIG = '''\
"""nbgrader's configuration of the course {course!r}, written by tools/classroom.py."""
import os

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = {course!r}
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The student's stub is the learner's own cell, written above the solution region, so the
# region is removed without a stub in its place.
c.ClearSolutions.code_stub = {{"python": ""}}
# Students' answers are untrusted code: nbgrader runs every notebook it grades in this
# kernel. "onebyone-grading" (tools/grading_kernel.py) runs it as a user id of its own, with
# no network, in an empty folder, with limits on memory, processes and CPU time.
c.Execute.kernel_name = {kernel!r}
# A time limit per cell: a cell still running after 15 minutes is interrupted, and the
# student's feedback says so. Notebook 09 trains networks for a minute or more on a busy
# machine.
c.Execute.timeout = 900
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", {exchange!r})
# A submission after the assignment's due date (set in the formgrader) scores 0; "none"
# records the lateness without a penalty.
c.LateSubmissionPlugin.penalty_method = "zero"
# A student's later submission replaces the one collected before, at the next collect
# (nbgrader keeps the first by default): the later one is graded.
c.ExchangeCollect.update = True
# Autograding puts the hidden tests back into each submission; the feedback leaves them out
# (a traceback of a failing hidden test still quotes its failing line).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]
'''


@dataclass(frozen=True)
class Task:
    """One exercise as an nbgrader task: the learner's cell, its solution and its tests."""

    check: str
    """The name of the exercise's check; also the task's id."""
    stub: str
    """The learner's cell without its check call: what the student copy holds."""
    check_call: str
    """The visible test: the check called on the learner's answer."""
    solution: str
    """The folded solution's code, without its check call, with its explanation around it
    as comments (the instructor's notes; the student copy drops the region)."""
    points: int
    hidden: str
    """Tests the student copy leaves out."""

    def answer_source(self) -> str:
        return f"{self.stub}\n### BEGIN SOLUTION\n{self.solution}\n### END SOLUTION"

    def visible_test(self) -> str:
        """The test cell as a student sees it. The check never raises; the assertion turns
        its verdict into a grade, and its message (what was expected, what came) into the
        student's feedback. The cell imports its check, so that it runs whatever the
        student did to the other cells."""
        return (f"from onebyone.exercises import {self.check}\n\n"
                f"feedback = {self.check_call}\nassert feedback, feedback\nprint(feedback)")

    def test_source(self) -> str:
        return (f"{self.visible_test()}\n"
                f"### BEGIN HIDDEN TESTS\n{self.hidden.strip()}\n### END HIDDEN TESTS")


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _without_check_call(code: str, where: str) -> tuple[str, str]:
    """``code`` without its last line, the check call, and that line."""
    *lines, last = code.rstrip().split("\n")
    if not CHECK_CALL.match(last):
        raise ValueError(f"{where} should end with a call of its check, check_...(...); "
                         f"it ends with {last!r}")
    return "\n".join(lines).rstrip(), last


def _comment(prose: str) -> str:
    """Markdown ``prose`` as Python comments, a paragraph at a time."""
    paragraphs = [" ".join(p.split()) for p in prose.strip().split("\n\n") if p.strip()]
    return "\n#\n".join("\n".join("# " + line for line in textwrap.wrap(p, 86))
                         for p in paragraphs)


def tasks(name: str, nb: dict, spec: dict) -> list[tuple[int, Task]]:
    """The exercises of notebook ``name`` as tasks, each with its cell's index in ``nb``.

    An exercise is a code cell after the "On your own" heading that ends with a check call,
    followed by a markdown cell holding its folded solution's code.
    """
    cells = nb["cells"]
    starts = [k for k, cell in enumerate(cells) if cell["cell_type"] == "markdown"
              and EXERCISES_HEADING in _source(cell).split("\n")]
    if len(starts) != 1:
        raise ValueError(f"{name} should have one {EXERCISES_HEADING!r} cell, has {len(starts)}")
    found = []
    for k in range(starts[0] + 1, len(cells) - 1):
        code = _source(cells[k]).rstrip()
        if cells[k]["cell_type"] != "code" or not CHECK_CALL.match(code.split("\n")[-1]):
            continue
        where = f"{name}, cell {k}"
        folded = FOLDED_SOLUTION.search(_source(cells[k + 1]))
        blocks = CODE_BLOCK.findall(folded.group(1)) if folded else []
        if len(blocks) != 1:
            raise ValueError(f"{where}: the next cell should fold one ```python block of the "
                             f"solution; found {len(blocks)}")
        stub, check_call = _without_check_call(code, where)
        solution, solution_call = _without_check_call(blocks[0], f"{where}'s solution")
        block = CODE_BLOCK.search(folded.group(1))
        solution = "\n".join(filter(None, (_comment(folded.group(1)[:block.start()]), solution,
                                             _comment(folded.group(1)[block.end():]))))
        if solution_call != check_call:
            raise ValueError(f"{where}: the solution calls {solution_call!r}, the exercise "
                             f"{check_call!r}")
        check = check_call.split("(")[0]
        if check not in spec:
            raise ValueError(f"{where}: {check} has no task in {TASKS.name}")
        found.append((k, Task(check, stub, check_call, solution, int(spec[check]["points"]),
                              spec[check]["hidden"])))
    if not found:
        raise ValueError(f"{name} has no exercise")
    return found


def _student_text(name: str, text: str, spec: dict) -> str:
    """``text`` with the self-study edition's words about itself replaced for a class."""
    for change in spec.get("student_text", []):
        if change["notebook"] == name and change["self_study"] in text:
            text = text.replace(change["self_study"], change["student"])
    return text


def source_notebook(name: str, nb: dict, spec: dict) -> nbformat.NotebookNode:
    """The nbgrader source of notebook ``name``: its exercises as tasks, no outputs, no
    folded solution, and links to the other notebooks as their assignments' paths."""
    nb = nbformat.reads(json.dumps(nb), as_version=4)
    by_cell = dict(tasks(name, nb, spec))
    cells = []
    for k, cell in enumerate(nb.cells):
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if k in by_cell:
            task = by_cell[k]
            answer = nbformat.v4.new_code_cell(task.answer_source(), metadata={
                "nbgrader": _nbgrader(f"{task.check}-answer", solution=True)})
            test = nbformat.v4.new_code_cell(task.test_source(), metadata={
                "nbgrader": _nbgrader(f"{task.check}-test", points=task.points)})
            cells += [answer, test]
            continue
        if cell.cell_type == "markdown":
            text = FOLDED_SOLUTION.sub("", cell.source)
            text = NOTEBOOK_LINK.sub(lambda m: f"](../{m[1]}/{m[1]}.ipynb{m[2] or ''})", text)
            cell.source = _student_text(name, text, spec).strip()
            if not cell.source:
                continue
        cells.append(cell)
    nb.cells = cells
    return nb


def _nbgrader(grade_id: str, solution: bool = False, points: int | None = None) -> dict:
    """nbgrader's cell metadata: an autograded answer (``solution``) or an autograder test
    worth ``points`` (locked, so students cannot change it)."""
    meta = {"grade_id": grade_id, "schema_version": 3, "solution": solution,
            "grade": points is not None, "locked": points is not None, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def fill_in(path: Path, answers: dict[str, str]) -> None:
    """Write ``answers`` (a task's check → code) into the student copy at ``path``, below
    each task's stub, as a student does."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        check = grade_id.removesuffix("-answer")
        if grade_id.endswith("-answer") and check in answers:
            cell.source = cell.source.rstrip() + "\n" + answers[check]
    nbformat.write(nb, path)


def solutions(name: str) -> dict[str, str]:
    """The solution of each task of notebook ``name``: what a student who gets every
    exercise right writes."""
    return {task.check: task.solution for _, task in tasks(name, _read(name), load_spec())}


def load_spec() -> dict:
    return tomllib.loads(TASKS.read_text(encoding="utf-8"))


def notebook_names() -> list[str]:
    return sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def write_sources(dest: Path, names: list[str] | None = None,
                  kernel: str = GRADING_KERNEL) -> list[str]:
    """Write ``nbgrader_config.py`` (grading in the kernel ``kernel``) and ``source/`` into
    ``dest``, a folder only its owner may enter; return the assignments."""
    spec = load_spec()
    names = names or notebook_names()
    unused = set(k for k in spec if k.startswith("check_")) - {
        t.check for name in names for _, t in tasks(name, _read(name), spec)}
    if unused and names == notebook_names():
        raise ValueError(f"{TASKS.name} has tasks no notebook asks for: {sorted(unused)}")
    dest.mkdir(parents=True, exist_ok=True)
    dest.chmod(0o700)  # the hidden tests, the gradebook, the students' work
    (dest / "nbgrader_config.py").write_text(
        CONFIG.format(course=COURSE_ID, exchange=EXCHANGE, kernel=kernel), encoding="utf-8")
    for name in names:
        folder = dest / "source" / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        nbformat.write(source_notebook(name, _read(name), spec), folder / f"{name}.ipynb")
    return names


def _read(name: str) -> dict:
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))


def nbgrader(dest: Path, *args: str, env: dict | None = None, check: bool = True) -> str:
    """Run ``nbgrader ARGS`` in the course directory ``dest`` as a person would; its output,
    or (with ``check``) an error with it when it fails (nbgrader prints its own errors to
    the log)."""
    _put_tools_on_path()
    env = {**os.environ, **(env or {}), "PATH": os.environ["PATH"]}
    done = subprocess.run([str(Path(sys.executable).with_name("nbgrader")), *args], cwd=dest,
                          env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(['nbgrader', *args])} failed in {dest}:\n"
                           f"{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


@dataclass(frozen=True)
class Outcome:
    """What autograding did with one student's submission of an assignment."""

    student: str
    score: float
    max_score: float
    graded: bool
    notes: tuple[str, ...]
    """What the instructor should know: what the student changed that nbgrader put back or
    counted as lost, lateness and its penalty, files beside the notebooks, or why the
    submission could not be graded."""

    def line(self) -> str:
        told = "; ".join(self.notes) or "graded"
        return (f"{self.student:<20} {self.score:5g} / {self.max_score:g}   "
                f"{'' if self.graded else 'NOT GRADED: '}{told}")


HANDED_IN_BY_NBGRADER = {"timestamp.txt", "submission_secret.txt"}
AUTOGRADE_ERROR = "There was an error processing assignment: "
GRADER_FAILURES = ("Kernel died before replying to kernel_info", "NoSuchKernel")
"""What nbgrader logs when its kernel does not start at all."""


def grade(dest: Path, assignment: str, env: dict | None = None) -> list[Outcome]:
    """Autograde every collected submission of ``assignment`` in the course directory
    ``dest`` and generate the feedback; what happened to each student.

    nbgrader grades what it can and goes on: it puts back locked cells a student edited,
    counts a deleted test cell's points as lost, and skips a submission it cannot run (a
    notebook renamed, a file that is not a notebook, a kernel that died). Each skipped
    student gets a feedback page of their own, under each notebook they handed in, that
    says why, for ``release_feedback`` to hand back with the others, and their submission
    leaves the gradebook: it scores 0 everywhere until it is graded.
    """
    from nbgrader.api import Gradebook, MissingEntry

    log = nbgrader(dest, "autograde", assignment, env=env, check=False)
    for cause in GRADER_FAILURES:
        if cause in log:  # the grader's fault, not the students': nobody is told otherwise
            raise RuntimeError(f"autograde could not start its kernel ({cause}); nbgrader's "
                               f"log:\n{log[-3000:]}")
    # a feedback page that fails is a missing page for one student, not a missing report
    nbgrader(dest, "generate_feedback", assignment, env=env, check=False)
    release = dest / "release" / assignment
    expected = sorted(p.name for p in release.glob("*.ipynb"))
    outcomes = []
    with Gradebook(f"sqlite:///{dest / 'gradebook.db'}") as gradebook:
        rule = _penalty_rule(dest)
        for folder in sorted((dest / "submitted").glob(f"*/{assignment}")):
            student = folder.parent.name
            graded = (dest / "autograded" / student / assignment).is_dir()
            if graded:
                notes = _what_changed(release, folder, expected)
            else:
                notes = [_why_not_graded(folder, expected, log)]
                _explain_in_feedback(dest / "feedback" / student / assignment, folder, notes[0])
            extra = sorted(p.name for p in folder.iterdir()
                           if p.name not in {*expected, *HANDED_IN_BY_NBGRADER})
            if extra:
                notes.append(f"also handed in: {', '.join(extra)}")
            if graded:
                submission = gradebook.find_submission(assignment, student)
                penalty_points = submission.late_submission_penalty or 0
                score, max_score = submission.score - penalty_points, submission.max_score
                if submission.total_seconds_late > 0:
                    notes.append(f"late by {_duration(submission.total_seconds_late)}: "
                                 f"{penalty_points:g} points off "
                                 f"({rule})")
            else:
                # nbgrader records a submission before it runs it, and keeps the record when
                # it fails: for a resubmission, with the scores of the one before, which the
                # export and the formgrader would show. Out of the gradebook, it scores 0
                # everywhere until it is graded, as its feedback page says.
                try:
                    gradebook.remove_submission(assignment, student)
                except MissingEntry:  # nbgrader stopped before it recorded the submission
                    pass
                score, max_score = 0.0, gradebook.find_assignment(assignment).max_score
            outcomes.append(Outcome(student, score, max_score, graded, tuple(notes)))
    return outcomes


def _penalty_rule(dest: Path) -> str:
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(dest)).load_config()
    method = config.LateSubmissionPlugin.get("penalty_method", "none")
    return {"zero": "a late submission scores 0",
            "none": "lateness is recorded, not penalised"}.get(method, method)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    return f"{seconds / 60:.0f} minutes" if seconds < 7200 else f"{seconds / 3600:.1f} hours"


def _grade_cells(path: Path) -> dict[str, nbformat.NotebookNode]:
    cells = nbformat.read(path, as_version=4).cells
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in cells
            if cell.metadata.get("nbgrader", {}).get("grade_id")}


def _what_changed(release: Path, folder: Path, expected: list[str]) -> list[str]:
    """What a graded submission in ``folder`` lacks or changed, notebook by notebook."""
    notes = []
    for name in expected:
        if (folder / name).exists():
            notes += _changes(release / name, folder / name)
        else:  # nbgrader grades the others, this one as zeros
            notes.append(f"handed in no {name} (its points are lost)")
    return notes


def _changes(released: Path, submitted: Path) -> list[str]:
    """What a student did to the cells nbgrader grades, against the student copy."""
    given, handed_in = _grade_cells(released), _grade_cells(submitted)
    changes = []
    for grade_id, cell in given.items():
        theirs = handed_in.get(grade_id)
        locked = cell.metadata["nbgrader"].get("locked")
        if theirs is None:
            changes.append(f"deleted {grade_id}" + (" (its points are lost)" if locked else ""))
        elif theirs.cell_type != cell.cell_type:
            changes.append(f"made {grade_id} a {theirs.cell_type} cell"
                           + (" (nbgrader put it back)" if locked else ""))
        elif locked and theirs.source != cell.source:
            changes.append(f"edited the locked {grade_id} (nbgrader put it back)")
    return changes


def _why_not_graded(folder: Path, expected: list[str], log: str) -> str:
    """Why nbgrader could not grade the submission in ``folder``, in a student's words."""
    handed_in = sorted(p.name for p in folder.glob("*.ipynb"))
    missing = [name for name in expected if name not in handed_in]
    if missing:
        return (f"no notebook named {', '.join(missing)} was handed in (handed in: "
                f"{', '.join(handed_in) or 'no notebook'}); rename it and submit again")
    for name in expected:
        try:
            nbformat.read(folder / name, as_version=4)
        except Exception as error:  # nbformat raises several kinds
            return (f"{name} is not a notebook Jupyter can open ({type(error).__name__}); "
                    f"submit a copy that opens")
    # nbgrader's log: the error, its traceback, then the removal of what it had done
    start = log.find(f"{AUTOGRADE_ERROR}{folder}")
    ends = [at for at in (log.find("Removing failed assignment", start),
                          log.find(AUTOGRADE_ERROR, start + 1)) if at > start]
    end = min(ends, default=len(log))
    traceback = [line.strip() for line in log[start:end].split("\n")[1:]
                 if line.strip() and not line.startswith("[")] if start >= 0 else []
    if any("DeadKernelError" in line for line in traceback):
        return ("the kernel died while running the notebook: an answer ended Python "
                "(os._exit, a crash) or went past the grading kernel's limits")
    return f"nbgrader could not run it ({traceback[-1] if traceback else 'see its log'})"


def _explain_in_feedback(feedback: Path, folder: Path, why: str) -> None:
    """A feedback page that says why the submission was not graded, under each notebook
    the student handed in (the name under which they will fetch it)."""
    feedback.mkdir(parents=True, exist_ok=True)
    for name in HANDED_IN_BY_NBGRADER:
        if (folder / name).exists():
            shutil.copy(folder / name, feedback / name)
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Not graded"
            f"</title></head><body><h1>Your submission could not be graded</h1>"
            f"<p>{html.escape(why)}.</p><p>Your score is 0 until it is.</p></body></html>")
    for notebook in folder.glob("*.ipynb"):
        (feedback / f"{notebook.stem}.html").write_text(page, encoding="utf-8")


def api(dest: Path):
    """nbgrader's Python API on the course directory ``dest`` (built by :func:`build`)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    _put_tools_on_path()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(dest)).load_config()
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def _put_tools_on_path() -> None:
    """nbgrader runs alembic, found on PATH, to set its gradebook up."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])


def build(dest: Path = DEFAULT_DIR, names: list[str] | None = None,
          kernel: str = GRADING_KERNEL) -> Path:
    """The course directory in ``dest``: config, ``source/`` and ``release/``; students'
    notebooks are graded in the kernel ``kernel``."""
    dest = dest.resolve()
    names = write_sources(dest, names, kernel)
    grader = api(dest)
    for name in names:
        result = grader.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not generate {name}:\n{result['log']}"
                               f"{result.get('error', '')}")
    return dest


def publish(release: Path, branch: str, repo: Path = ROOT) -> str:
    """Commit the contents of ``release`` to ``branch`` of ``repo`` (created if missing,
    else a new commit on top of its tip), without touching the work tree; the commit."""
    def git(*args: str, **env: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                              text=True, env={**os.environ, **env}).stdout.strip()

    with tempfile.TemporaryDirectory() as tmp:
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git("--work-tree", str(release), "add", "--all", ".", **index)
        tree = git("write-tree", **index)
    parent = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
                            cwd=repo, capture_output=True, text=True).stdout.strip()
    if parent and git("rev-parse", f"{parent}^{{tree}}") == tree:
        return parent
    source = git("rev-parse", "--short", "HEAD")
    commit = git("commit-tree", tree, *(["-p", parent] if parent else []),
                 "-m", f"Student copies of the course, built from {source}")
    git("update-ref", f"refs/heads/{branch}", commit)
    return commit


PULLED_FOLDER = "onebyone"
"""The folder of a student's home that nbgitpuller pulls the student copies into."""


def nbgitpuller_link(hub: str, repo: str, branch: str, notebook: str = "00_index",
                     app: str = "lab") -> str:
    """The link that pulls the student copies on ``branch`` of ``repo`` into a student's
    ``~/onebyone`` on the hub at ``hub`` (merging updates into what is there), then opens
    ``notebook`` in JupyterLab (``app="lab"``) or Notebook (``app="tree"``)."""
    if not re.fullmatch(r"https?://[^\s?#]+", hub):
        raise ValueError(f"hub should be the hub's address, http(s)://..., got {hub!r}")
    return f"{hub.rstrip('/')}/hub/user-redirect/{_git_pull(repo, branch, notebook, app)}"


def binder_link(environment: str, repo: str, branch: str, notebook: str = "00_index") -> str:
    """The mybinder.org link that starts the course's environment (``environment``, this
    repository on GitHub as ``OWNER/NAME``, whose Binder image has nbgitpuller), then
    pulls the student copies on ``branch`` of ``repo`` into it and opens ``notebook``."""
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", environment):
        raise ValueError(f"environment should be a GitHub repository, OWNER/NAME, got "
                         f"{environment!r}")
    pull = urllib.parse.quote(_git_pull(repo, branch, notebook, "lab"), safe="")
    return f"https://mybinder.org/v2/gh/{environment}/HEAD?urlpath={pull}"


def _git_pull(repo: str, branch: str, notebook: str, app: str) -> str:
    """nbgitpuller's path and query, relative to a user's server."""
    if app not in ("lab", "tree"):
        raise ValueError(f"app should be 'lab' or 'tree', got {app!r}")
    query = urllib.parse.urlencode({
        "repo": repo, "branch": branch, "targetpath": PULLED_FOLDER,
        "urlpath": f"{app}/tree/{PULLED_FOLDER}/{notebook}/{notebook}.ipynb"})
    return f"git-pull?{query}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR,
                        help="the course directory to build (default: _build/classroom)")
    parser.add_argument("--branch", help="also commit the student copies to this branch")
    parser.add_argument("--grading-kernel", default=GRADING_KERNEL, metavar="NAME",
                        help="the kernel autograde runs students' notebooks in (default: "
                        f"{GRADING_KERNEL}, tools/grading_kernel.py; python3 runs them with "
                        "the grader's own rights)")
    parser.add_argument("--link", metavar="HUB", help="print the nbgitpuller link of the "
                        "branch for the hub at this address, with --repo, and build nothing")
    parser.add_argument("--binder", metavar="OWNER/NAME", help="print the mybinder.org link "
                        "that pulls the branch into this repository's Binder environment, "
                        "with --repo, and build nothing")
    parser.add_argument("--grade", metavar="ASSIGNMENT", help="autograde the collected "
                        "submissions of ASSIGNMENT in the course directory, generate the "
                        "feedback, and print what happened to each student; build nothing")
    parser.add_argument("--repo", help="the repository's address as the hub reaches it, e.g. "
                        "https://github.com/OWNER/onebyone")
    args = parser.parse_args(argv)
    if args.link or args.binder:
        if not (args.repo and args.branch):
            parser.error("--link and --binder need --repo and --branch")
        print(nbgitpuller_link(args.link, args.repo, args.branch) if args.link
              else binder_link(args.binder, args.repo, args.branch))
        return 0
    if args.grade:
        for outcome in grade(args.dir.resolve(), args.grade):
            print(outcome.line())
        return 0
    dest = build(args.dir, kernel=args.grading_kernel)
    print(f"The course directory is {dest}: source/ holds the instructor's notebooks, "
          f"release/ the student copies.")
    if args.branch:
        commit = publish(dest / "release", args.branch)
        print(f"The student copies are on the branch {args.branch} ({commit[:10]}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

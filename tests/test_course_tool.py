"""The README's two commands, tools/course.py, and CI agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import course  # tools/course.py, importable through tests/conftest.py

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Two commands.*?```bash\n(.*?)```", readme, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_gives_exactly_two_commands_lab_then_test():
    assert _readme_commands() == ["python3 tools/course.py lab", "python3 tools/course.py test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands()[1] in ci.splitlines()


def test_lab_opens_the_course_home():
    args = course.command_line("lab", ["--no-browser"])
    assert Path(args[0]).name == "jupyter" and args[1] == "lab"
    assert "--LabApp.default_url=/lab/tree/00_index.ipynb" in args
    assert args[-1] == "--no-browser"
    assert (ROOT / course.COURSE_DIR / course.START_PAGE).is_file()


def test_test_runs_pytest_in_the_virtual_environment_on_every_core():
    args = course.command_line("test", ["-x"])
    assert args == [str(course.PYTHON), "-m", "pytest", "-n", "auto", "--dist", "loadgroup",
                    "-x"]
    assert course.PYTHON.parent.parent == ROOT / ".venv"


@pytest.mark.parametrize("chosen", [["-n", "0"], ["-n0"], ["--numprocesses=1"],
                                    ["-p", "no:xdist"]])
def test_test_leaves_the_number_of_workers_to_whoever_chose_it(chosen):
    args = course.command_line("test", [*chosen, "--pdb"])
    assert args == [str(course.PYTHON), "-m", "pytest", *chosen, "--pdb"]


def test_site_builds_the_website_in_the_virtual_environment():
    args = course.command_line("site", ["/tmp/out"])
    assert args == [str(course.PYTHON), str(ROOT / "tools" / "website.py"), "/tmp/out"]
    # with the JupyterLite beside it, the pages link to it
    assert course.command_line("site", ["/tmp/out"], lite=True) == [
        str(course.PYTHON), str(ROOT / "tools" / "website.py"), "--lite", "/tmp/out"]
    assert (ROOT / "tools" / "website.py").is_file()
    assert course.REQUIREMENTS["site"] == "requirements-dev.txt"
    assert "python3 tools/course.py site" in course.__doc__


def test_pytest_collects_the_tests_and_every_notebook_strictly():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'testpaths = ["tests", "notebooks"]' in pyproject
    assert '"--nbval",' in pyproject and "--nbval-lax" not in pyproject


def test_each_requirement_set_installs_the_package():
    assert "-e ." in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt" in dev
    for tool in ("pytest", "nbval", "hypothesis", "ruff"):
        assert any(line.startswith(tool) for line in dev), tool


def test_github_workflow_is_the_twin_of_ci_run():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    job, pages = workflow["jobs"]["course"], workflow["jobs"]["pages"]
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")
    assert job["container"]["image"] == f"python:{runtime}-bookworm"
    assert "--cap-add SYS_ADMIN" in job["container"]["options"]  # the grading kernel
    runs = [step.get("run") for step in job["steps"]]
    assert "bash .ci/run" in runs
    assert any("actions/cache" in step.get("uses", "") for step in job["steps"])
    # the site .ci/run built, with its JupyterLite, published from main only
    ci_run = (ROOT / ".ci" / "run").read_text()
    assert ci_run.index("tools/course.py test\n") < ci_run.index("tools/course.py site _build/site")
    (kept,) = [s for s in job["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert kept["with"]["path"] == "_build/site" and "refs/heads/main" in kept["if"]
    assert pages["needs"] == "course" and "refs/heads/main" in pages["if"]
    assert [s["uses"].split("@")[0] for s in pages["steps"]] == ["actions/deploy-pages"]


def test_lab_shows_the_course_folder_and_opens_its_home_page():
    args = course.command_line("lab", [])
    root = Path(next(a for a in args if a.startswith("--ServerApp.root_dir=")).split("=", 1)[1])
    assert root == ROOT / "notebooks"
    url = next(a for a in args if a.startswith("--LabApp.default_url="))
    assert (root / url.removeprefix("--LabApp.default_url=/lab/tree/")).is_file()


@pytest.fixture
def fake_venv(tmp_path, monkeypatch):
    """tools/course.py pointed at an empty virtual environment whose installs only
    record what they would run."""
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    python.touch()
    monkeypatch.setattr(course, "VENV", tmp_path)
    monkeypatch.setattr(course, "PYTHON", python)
    installs = []

    def run(args, **kwargs):
        if "-r" in args:  # pip install -r <file>: record the file and how it is called
            installs.append((args[args.index("-r") + 1], args))

    monkeypatch.setattr(course.subprocess, "run", run)
    return installs


def installed(installs) -> list[str]:
    return [requirements for requirements, _ in installs]


def test_one_install_serves_both_commands(fake_venv):
    course.setup("test")
    assert installed(fake_venv) == ["requirements-dev.txt"]
    fake_venv.clear()
    course.setup("lab")  # the test tools' install includes lab's requirements
    course.setup("test")
    assert installed(fake_venv) == []


def test_lab_install_does_not_serve_test_and_changes_reinstall(fake_venv, monkeypatch):
    course.setup("lab")
    assert installed(fake_venv) == ["requirements.txt"]
    fake_venv.clear()
    course.setup("lab")
    assert installed(fake_venv) == []
    course.setup("test")  # the test tools are missing
    assert installed(fake_venv) == ["requirements-dev.txt"]
    fake_venv.clear()
    monkeypatch.setattr(course, "_fingerprint", lambda: "requirements edited")
    course.setup("lab")
    assert installed(fake_venv) == ["requirements.txt"]


def test_site_installs_the_test_tools_once_for_both(fake_venv):
    course.setup("site")
    assert installed(fake_venv) == ["requirements-dev.txt"]
    fake_venv.clear()
    course.setup("test")  # the same install: nothing more
    course.setup("lab")
    course.setup("site")
    assert installed(fake_venv) == []


@pytest.fixture
def site_calls(monkeypatch) -> list:
    """What ``main(["site", ...])`` runs and sets up, in order; ``which`` finds npm until
    a test says otherwise."""
    calls = []

    def run(args, cwd):
        calls.append(args)
        return course.subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(course, "setup", lambda command: calls.append(("setup", command)))
    monkeypatch.setattr(course, "setup_lite", lambda: calls.append(("setup_lite",)))
    monkeypatch.setattr(course.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(course.subprocess, "run", run)
    return calls


def test_main_runs_site_after_setting_it_up(site_calls):
    assert course.main(["site", "out"]) == 0
    # the website, linking to the course's JupyterLite, then the Lite beside it
    assert site_calls == [("setup", "site"), ("setup_lite",),
                          course.command_line("site", ["out"], lite=True),
                          [str(course.PYTHON), str(ROOT / "tools" / "lite.py"), "build",
                           str(Path("out").resolve() / "lite")]]
    assert "--lite" in site_calls[2]


def test_site_without_npm_builds_the_website_alone_without_links_to_a_lite(site_calls,
                                                                           monkeypatch):
    monkeypatch.setattr(course.shutil, "which", lambda name: None)
    assert course.main(["site", "out"]) == 0
    assert site_calls == [("setup", "site"), ("setup_lite",),
                          course.command_line("site", ["out"])]
    assert "--lite" not in site_calls[2]


def test_installs_show_pips_progress(fake_venv):
    course.setup("test")
    ((_, args),) = fake_venv
    assert "--quiet" not in args and "-q" not in args


def test_classroom_builds_the_instructors_course_directory_in_the_virtual_environment():
    args = course.command_line("classroom", ["/tmp/class", "--branch", "student"])
    assert args == [str(course.PYTHON), str(ROOT / "tools" / "classroom.py"), "/tmp/class",
                    "--branch", "student"]
    assert "python3 tools/course.py classroom" in course.__doc__


def test_the_instructors_tools_are_installed_on_demand_never_for_a_learner(fake_venv):
    learner = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    instructor = (ROOT / "requirements-instructor.txt").read_text(encoding="utf-8")
    assert "nbgrader" not in learner and "nbgrader" in instructor
    assert "-r requirements.txt" in instructor.splitlines()
    course.setup("lab")
    course.setup("classroom")  # lab's install lacks nbgrader
    assert installed(fake_venv) == ["requirements.txt", "requirements-instructor.txt"]
    fake_venv.clear()
    course.setup("lab")  # the instructor's install includes the learner's
    course.setup("classroom")
    assert installed(fake_venv) == []


def test_the_test_tools_include_the_instructors(fake_venv):
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements-instructor.txt" in dev
    course.setup("test")
    course.setup("classroom")
    assert installed(fake_venv) == ["requirements-dev.txt"]


def test_lab_runs_on_python_3_10_and_the_tools_with_nbgrader_ask_for_3_11(fake_venv,
                                                                         monkeypatch):
    assert course.MIN_PYTHON.keys() == course.REQUIREMENTS.keys()
    monkeypatch.setattr(course.sys, "version_info", (3, 10, 12))
    monkeypatch.setattr(course.sys, "version", "3.10.12 (main)")
    course.setup("lab")
    with pytest.raises(SystemExit, match=r"`classroom` needs Python >= 3.11; this is 3.10.12"):
        course.setup("classroom")
    assert installed(fake_venv) == ["requirements.txt"]


def test_the_tests_install_the_hubs_proxy_with_npm_once_per_lock_file(tmp_path, monkeypatch,
                                                                      capsys):
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3}')
    (tmp_path / "node_modules").mkdir()
    monkeypatch.setattr(course, "HUB", tmp_path)
    calls = []
    monkeypatch.setattr(course.subprocess, "run", lambda args, **kw: calls.append(args))
    monkeypatch.setattr(course.shutil, "which", lambda name: None)
    course.setup_proxy()  # no npm: a message, no install
    assert calls == [] and "npm is missing" in capsys.readouterr().out
    monkeypatch.setattr(course.shutil, "which", lambda name: "/usr/bin/npm")
    course.setup_proxy()
    course.setup_proxy()  # installed for this lock file: nothing to do
    assert calls == [["/usr/bin/npm", "ci", "--no-audit", "--no-fund"]]
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3, "changed": 1}')
    course.setup_proxy()
    assert len(calls) == 2
    assert (course.ROOT / "deploy" / "hub" / "package-lock.json").is_file()


def test_the_lites_pieces_are_fetched_with_npm_there_and_said_missing_without(monkeypatch,
                                                                             capsys):
    calls = []
    monkeypatch.setattr(course.subprocess, "run", lambda args, **kw: calls.append(args))
    monkeypatch.setattr(course.shutil, "which", lambda name: None)
    course.setup_lite()  # no npm: a message, nothing fetched
    assert calls == [] and "JupyterLite is not built" in capsys.readouterr().out
    monkeypatch.setattr(course.shutil, "which", lambda name: "/usr/bin/npm")
    course.setup_lite()
    assert calls == [[str(course.PYTHON), str(ROOT / "tools" / "lite.py"), "fetch"]]

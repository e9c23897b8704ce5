"""Binder: what repo2docker would build, and the course run inside exactly those pins."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from onebyone._environment import widget_mismatch
from test_cpu_independence import assert_variant_applies, binder_variant

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
BIN = Path(sys.executable).parent


def _pins() -> dict[str, str]:
    pins = {}
    for line in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"binder/requirements.txt must pin exactly: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def _top_level_requirements() -> list[Requirement]:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    reqs = [Requirement(line.split("#")[0].strip()) for line in lines
            if line.split("#")[0].strip() and not line.startswith("-")]
    # the installed package's metadata holds pyproject.toml's dependencies
    return reqs + [Requirement(r) for r in metadata.requires("onebyone") or []]


def test_pins_satisfy_the_top_level_requirements():
    pins = _pins()
    for requirement in _top_level_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"binder/requirements.txt does not pin {requirement.name}"
        assert requirement.specifier.contains(pins[name]), (
            f"binder pins {name}=={pins[name]}, outside {requirement}")


def test_widget_front_end_is_pinned_with_its_back_end():
    pins = _pins()
    assert widget_mismatch(pins.get("ipywidgets"), pins.get("jupyterlab-widgets")) is None
    assert "widgetsnbextension" in pins


def test_runtime_and_post_build():
    assert re.fullmatch(r"python-3\.\d+\n?", (BINDER / "runtime.txt").read_text())
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "postBuild must be executable"
    commands = [line for line in post_build.read_text().splitlines()
                if line.strip() and not line.startswith(("#", "set "))]
    assert commands == ["pip install --no-deps -e ."]


def test_repo2docker_installs_the_pins_then_runs_post_build_from_the_repo_root():
    repo2docker = shutil.which("jupyter-repo2docker", path=str(BIN))
    assert repo2docker, "jupyter-repo2docker is in requirements-dev.txt"
    result = subprocess.run([repo2docker, "--no-build", "--user-id", "1000",
                             "--user-name", "jovyan", str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    dockerfile = result.stdout.splitlines()
    runtime = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    # repo2docker picks its base environment by runtime.txt's Python version; the file's
    # name is escaped in the Dockerfile ("-2e" for ".", "-2d" for "-")
    unescaped = [re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), line)
                 for line in dockerfile]
    assert any(f"environment.py-{runtime}-linux" in line for line in unescaped)
    install = next(k for k, line in enumerate(dockerfile)
                   if line.startswith("RUN ") and 'pip install' in line
                   and '-r "binder/requirements.txt"' in line)
    post_build = dockerfile.index("RUN ./binder/postBuild")
    assert install < post_build
    workdirs = [line for line in dockerfile[:post_build] if line.startswith("WORKDIR ")]
    assert workdirs[-1] == "WORKDIR ${REPO_DIR}"
    assert "COPY --chown=1000:1000 src/ ${REPO_DIR}/" in dockerfile[install:post_build]


@pytest.mark.slow
def test_course_runs_in_exactly_the_binder_environment(tmp_path):
    """A fresh venv with the pins, postBuild from the repo root, then strict nbval of every
    notebook, copied to a folder outside the repository, with no network (the root
    conftest.py guards nbval's kernels) and under the first other BLAS kernel this machine
    can run (test_cpu_independence.binder_variant): one execution of the course checks
    the pinned environment, another folder and another kernel."""
    runtime = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == runtime, (
        "run this test with the Python version of binder/runtime.txt")
    env_dir = tmp_path / "binder-env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    env_bin = env_dir / "bin"
    # --no-compile: pip's bytecode for every installed module is work a test run throws away
    env = {**os.environ, "PATH": f"{env_bin}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(env_dir), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PIP_NO_COMPILE": "1"}
    env.pop("PYTHONPATH", None)

    def run(*args: str | Path, env: dict[str, str] = env) -> str:
        result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=1800)
        assert result.returncode == 0, f"{args}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        return result.stdout

    run(env_bin / "pip", "install", "--quiet", "-r", BINDER / "requirements.txt")
    run(BINDER / "postBuild")
    pins = BINDER / "requirements.txt"
    run(env_bin / "pip", "install", "--quiet", "--constraint", pins, "pytest", "nbval")
    freeze = subprocess.run([env_bin / "pip", "freeze", "--exclude-editable"], env=env,
                            capture_output=True, text=True, check=True).stdout
    installed = {canonicalize_name(n): v for n, _, v in
                 (line.partition("==") for line in freeze.splitlines())}
    for name, version in _pins().items():
        assert installed.get(name) == version, f"{name}: pinned {version}"
    variant = binder_variant()
    if variant is not None:
        env = {**env, **variant.env}
        assert_variant_applies(variant, env, python=env_bin / "python")
    # copies in a folder of their own, outside the repository: the same outputs must come
    # from anywhere (the repository's conftest.py, a plugin here, guards their kernels)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, elsewhere)
    sanitize = ROOT / "tests" / "nbval_sanitize.cfg"
    report = run(env_bin / "python", "-m", "pytest", "-c", "pyproject.toml", "--rootdir",
                 ROOT, "-o", "addopts=", "-p", "conftest", "-p", "no:cacheprovider",
                 "--nbval", "--nbval-current-env", f"--nbval-sanitize-with={sanitize}",
                 elsewhere, env=env)
    cells = sum(cell["cell_type"] == "code" for notebook in elsewhere.glob("*.ipynb")
                for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"])
    assert f" {cells} passed" in report, report[-3000:]  # every code cell, compared

"""Tests for onebyone.check_environment and the lazy loading of the package."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata

import pytest

import onebyone
from onebyone import _environment

# what the course needs (requirements.txt), listed here independently of onebyone
COURSE_PACKAGES = ["numpy", "matplotlib", "ipywidgets", "jupyterlab_widgets", "anywidget",
                   "jupyterlab"]


# -- check_environment ----------------------------------------------------------------

def test_prints_python_and_every_package_version(capsys):
    onebyone.check_environment()
    lines = capsys.readouterr().out.splitlines()
    assert f"Python {platform.python_version()}" in lines
    for package in COURSE_PACKAGES:
        assert f"{package} {metadata.version(package)}" in lines


def test_returns_true_in_this_environment(capsys):
    assert onebyone.check_environment() is True
    assert "WARNING" not in capsys.readouterr().out


def test_anywidgets_front_end_is_found_here_and_missing_one_is_reported(capsys, monkeypatch):
    assert _environment.lab_extension_found("anywidget")
    assert not _environment.lab_extension_found("no-such-extension")
    onebyone.check_environment()
    assert "anywidget's front end in JupyterLab: found" in capsys.readouterr().out
    monkeypatch.setattr(_environment, "lab_extension_found", lambda name: False)
    assert onebyone.check_environment() is False
    out = capsys.readouterr().out
    assert "anywidget's front end in JupyterLab: NOT FOUND" in out
    assert "WARNING: anywidget's front end is missing from JupyterLab" in out


def test_missing_package_is_reported(capsys, monkeypatch):
    real = _environment._version
    monkeypatch.setattr(_environment, "_version",
                        lambda name: None if name == "jupyterlab" else real(name))
    assert onebyone.check_environment() is False
    out = capsys.readouterr().out
    assert "jupyterlab NOT INSTALLED" in out.splitlines()
    warnings = [line for line in out.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1
    assert "jupyterlab" in warnings[0]


def test_mismatched_widget_front_end_is_reported(capsys, monkeypatch):
    fake = {"ipywidgets": "8.1.5", "jupyterlab_widgets": "1.1.7"}
    real = _environment._version
    monkeypatch.setattr(_environment, "_version", lambda name: fake.get(name) or real(name))
    assert onebyone.check_environment() is False
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1
    assert "8.1.5" in warnings[0] and "1.1.7" in warnings[0]


def test_missing_ipywidgets_is_reported(capsys, monkeypatch):
    real = _environment._version
    monkeypatch.setattr(_environment, "_version",
                        lambda name: None if name == "ipywidgets" else real(name))
    assert onebyone.check_environment() is False
    out = capsys.readouterr().out
    assert "ipywidgets NOT INSTALLED" in out.splitlines()
    assert any(line.startswith("WARNING") and "ipywidgets" in line for line in out.splitlines())


def test_in_the_browser_it_checks_what_the_kernel_can_see_and_says_where_it_runs(
        capsys, monkeypatch):
    """In JupyterLite (Pyodide), JupyterLab and the widgets' front ends come with the site:
    the kernel has neither jupyterlab nor jupyterlab_widgets, and that is no fault."""
    fake_pyodide = type(sys)("pyodide")
    fake_pyodide.__version__ = "0.27.7"
    monkeypatch.setitem(sys.modules, "pyodide", fake_pyodide)
    monkeypatch.setattr(sys, "platform", "emscripten")
    real = _environment._version
    in_kernel = {"numpy", "matplotlib", "ipywidgets", "anywidget"}
    monkeypatch.setattr(_environment, "_version",
                        lambda name: real(name) if name in in_kernel else None)
    assert _environment.in_browser()
    assert onebyone.check_environment() is True
    out = capsys.readouterr().out
    assert f"Python {platform.python_version()}, in your browser (Pyodide 0.27.7)" in out
    assert "WARNING" not in out and "jupyterlab" not in out
    assert "All set: the widgets' front ends come with this site's JupyterLab." in out
    assert out.splitlines()[-1] == _environment.WHERE_WORK_LIVES  # the last word: where work is
    assert "file browser and choose Download" in _environment.WHERE_WORK_LIVES
    monkeypatch.setattr(_environment, "_version",
                        lambda name: None if name == "anywidget" else real(name))
    assert onebyone.check_environment() is False
    assert "WARNING: missing anywidget" in capsys.readouterr().out


# -- widget_mismatch ----------------------------------------------------------------

@pytest.mark.parametrize(("ipywidgets", "jupyterlab_widgets"), [
    ("8.1.5", "3.0.13"),
    ("7.8.0", "1.1.0"),
    ("8.0.0", "3.0.0"),
    ("7.7.2", "1.1.7"),
])
def test_matching_pairs(ipywidgets, jupyterlab_widgets):
    assert _environment.widget_mismatch(ipywidgets, jupyterlab_widgets) is None


@pytest.mark.parametrize(("ipywidgets", "jupyterlab_widgets"), [
    ("8.1.5", "1.1.7"),
    ("7.8.0", "3.0.13"),
    ("8.1.9", "1.0.0"),
])
def test_mismatched_pairs_name_both_versions(ipywidgets, jupyterlab_widgets):
    warning = _environment.widget_mismatch(ipywidgets, jupyterlab_widgets)
    assert isinstance(warning, str)
    assert ipywidgets in warning
    assert jupyterlab_widgets in warning


def test_this_environment_matches():
    installed = metadata.version("ipywidgets"), metadata.version("jupyterlab_widgets")
    assert _environment.widget_mismatch(*installed) is None


@pytest.mark.parametrize(("ipywidgets", "jupyterlab_widgets", "missing"), [
    (None, "3.0.13", "ipywidgets"),
    ("8.1.5", None, "jupyterlab_widgets"),
    (None, None, "ipywidgets"),
])
def test_missing_versions_give_warnings(ipywidgets, jupyterlab_widgets, missing):
    warning = _environment.widget_mismatch(ipywidgets, jupyterlab_widgets)
    assert isinstance(warning, str)
    assert missing in warning
    assert "not installed" in warning


# -- lazy imports -------------------------------------------------------------------

def test_import_does_not_load_ipywidgets_or_matplotlib():
    code = (
        "import sys, onebyone\n"
        "print('ipywidgets' in sys.modules, 'matplotlib' in sys.modules)\n"
        "onebyone.widgets\n"
        "print('ipywidgets' in sys.modules, 'matplotlib' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.splitlines()
    assert before == "False False"
    assert after == "True True"  # loaded on first use


def test_the_exact_lazy_import_command():
    result = subprocess.run(
        [sys.executable, "-c", "import onebyone, sys; print('ipywidgets' in sys.modules)"],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("name", ["viz", "widgets", "exercises", "ops", "data", "cost"])
def test_submodules_are_reachable_as_attributes(name):
    module = getattr(onebyone, name)
    assert module.__name__ == f"onebyone.{name}"


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="no_such_thing"):
        onebyone.no_such_thing  # noqa: B018

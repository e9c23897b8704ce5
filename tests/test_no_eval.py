"""No eval or exec anywhere in the package or the tools: learners' strings are never run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "tools").glob("*.py"),
                  *(ROOT / "benchmarks").glob("*.py")])
FORBIDDEN = {"eval", "exec", "compile", "__import__"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_eval_or_exec(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [node.func.id for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id in FORBIDDEN]
    assert not calls, f"{path.name} calls {calls}"

"""The layering of DEVELOPERS.md, enforced: import-linter contracts plus a purity check."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import readinglist
from tests.helpers import REPO

PACKAGE = Path(readinglist.__file__).parent


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_only_the_standard_library_and_itself():
    core_files = sorted((PACKAGE / "core").glob("*.py"))
    assert len(core_files) >= 8
    for path in core_files:
        for name in _imported_modules(path):
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or name.startswith("readinglist.core")
            assert allowed, f"{path.name} imports {name}"


def test_the_command_line_does_not_load_qt():
    code = "import sys, readinglist.cli; print(sorted(m for m in sys.modules if 'PySide6' in m))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

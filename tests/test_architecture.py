"""The layering of docs/architecture.md, enforced: import-linter contracts, a purity
check, and the window's controllers kept to their host protocols."""

from __future__ import annotations

import ast
import re
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
    core_files = sorted((PACKAGE / "core").rglob("*.py"))
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


CONTROLLERS = (
    "search_controller.py",
    "import_controller.py",
    "list_actions.py",
    "change_runner.py",
    "window_settings.py",
    "open_paper.py",
    "resolve_controller.py",
)


def _private_uses(path: Path) -> list[str]:
    """``x._name`` where ``x`` is the window or a host (``self.window``, ``host``...)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_"):
            continue
        owner = ast.unparse(node.value)
        if owner.split(".")[-1] in {"window", "host", "main"}:
            found.append(f"{owner}.{node.attr} (line {node.lineno})")
    return found


def test_the_window_controllers_use_only_their_host_protocol():
    """A controller reaches the window through its protocol (SearchHost, ImportHost,
    ListHost, ChangeHost, SettingsHost), never through the window's private state, and
    never imports the window module."""
    for name in CONTROLLERS:
        path = PACKAGE / "ui" / name
        assert _private_uses(path) == [], name
        assert "readinglist.ui.main_window" not in _imported_modules(path), name
        assert re.search(r"class \w+Host\((\w+, )*Protocol\)", path.read_text("utf-8")), name

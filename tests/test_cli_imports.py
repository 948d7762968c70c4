"""What a command imports is what it costs: the commands that never search must not load
the search stack (Whoosh, NumPy), none may load Qt, and ``--version`` not even SQLAlchemy.

Each command runs in a fresh interpreter (``readinglist.cli.main(argv)``), which then
reports the heavy packages found in ``sys.modules``. A regression here (a module level
import put back) costs every command line a tenth of a second or more.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.app_context import open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import ParsedPaper
from tests.helpers import REPO

pytestmark = pytest.mark.slow  # an interpreter start per command

HEAVY = ("PySide6", "shiboken6", "numpy", "whoosh", "sqlalchemy", "alembic")
SEARCH_STACK = {"numpy", "whoosh"}
QT = {"PySide6", "shiboken6"}
# A shared library's database dialect: never loaded for an embedded (SQLite) library.
DIALECTS = ("sqlalchemy.dialects.postgresql",)
# Runs the command, then prints the heavy packages loaded as the last line of stderr.
CODE = f"""
import json, sys
from readinglist.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit_:
    code = exit_.code
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r}))
loaded += [name for name in {DIALECTS!r} if name in sys.modules]
print(json.dumps({{"code": code, "loaded": loaded}}), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def tiny_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five papers, indexed: the commands below meet an index they could load."""
    folder = tmp_path_factory.mktemp("imports") / "library"
    papers = [
        ParsedPaper(f"Sparse Attention Number {n}", f"We study sparse attention {n}.", n)
        for n in range(1, 6)
    ]
    with open_library(folder) as opened:
        opened.library.import_bytes(render_digest(papers).encode(), "tiny.txt")
    return folder


def loaded_by(*argv: str) -> set[str]:
    """The heavy packages a command loaded (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", CODE, *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(done.stderr.splitlines()[-1])
    assert report["code"] in (0, None), done.stdout + done.stderr
    return set(report["loaded"])


def test_version_loads_no_database_and_no_search():
    assert loaded_by("--version") == set()


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "--limit", "2", "--json"),
        ("show", "1"),
        ("status", "1", "read"),
        ("tag", "1", "--add", "x"),
        ("tags",),
        ("note", "2", "--set", "a note"),
    ],
    ids=lambda command: "-".join(command[:2]),
)
def test_commands_that_never_search_load_no_search_stack_and_no_qt(
    tiny_library: Path, command: tuple[str, ...]
):
    loaded = loaded_by("--library", str(tiny_library), *command)
    assert "sqlalchemy" in loaded  # they did open the library
    assert not loaded & (SEARCH_STACK | QT | set(DIALECTS)), loaded


def test_a_search_loads_the_search_stack_but_no_qt(tiny_library: Path):
    loaded = loaded_by("--library", str(tiny_library), "search", "sparse")
    assert loaded >= SEARCH_STACK
    assert not loaded & QT


def test_the_writes_of_a_command_that_never_searches_reach_the_index(tiny_library: Path):
    """They wait in the outbox; the next command that opens the index drains it."""
    assert loaded_by("--library", str(tiny_library), "tag", "3", "--add", "later") == {"sqlalchemy"}
    with open_library(tiny_library) as opened:
        hits = opened.library.search("tag:later").results
    assert [hit.paper.id for hit in hits] == [3]

"""Nothing is lost: backups and restore, two processes on one library, the log file.

The other process is always a real one (a small lock holder, or commands started side
by side: those tests are marked real_process); a single command runs through
``readinglist.cli`` in this process, as tests/test_cli.py runs it. No test sleeps: a
lock holder says when it holds its lock on its standard output.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readinglist import app_logging
from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.timeouts import BUSY_TIMEOUT_ENV
from readinglist.search.index_folders import INDEX_PREFIX
from readinglist.search.schema import SCHEMA_VERSION
from readinglist.storage import backups
from readinglist.storage import engine as engine_module
from readinglist.storage.backups import BackupError, check_backup, daily_backup
from tests.helpers import (
    SHARED_DIGEST_PAPERS,
    database_dump,
    make_first_schema_library,
    shared_digest_path,
)
from tests.test_cli import Cli, Result, ok, user_error

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("reliability") / "library"
    ok(Cli(library.parent, library)("import", str(shared_digest_path())))
    return library


@pytest.fixture
def lib(tmp_path: Path, template: Path) -> Cli:
    library = tmp_path / "library"
    shutil.copytree(template, library, ignore=shutil.ignore_patterns("backups"))
    return Cli(tmp_path, library)


# --- backups and restore ------------------------------------------------------------


def test_backup_then_restore_gives_back_the_library_exactly(lib: Cli, tmp_path: Path):
    assert lib.library is not None
    ok(lib("tag", "1", "2", "--add", "keep/this"))
    ok(lib("note", "3", "--set", "notes that must survive"))
    before = database_dump(lib.library)
    backup = tmp_path / "backup.sqlite3"
    assert "backed up to" in ok(lib("backup", str(backup))).err

    ok(lib("status", "1", "2", "3", "read"))
    ok(lib("delete", "4", "--yes"))
    assert database_dump(lib.library) != before
    restored = ok(lib("restore", str(backup)))
    assert f"restored {SHARED_DIGEST_PAPERS} papers" in restored.err
    assert database_dump(lib.library) == before
    # The library as it was before the restore is kept, not lost.
    kept = sorted((lib.library / "backups").glob("before-restore-*.sqlite3"))
    assert len(kept) == 1
    assert check_backup(kept[0])[1] == SHARED_DIGEST_PAPERS - 1
    # The index was rebuilt from the restored database.
    assert "matches" in ok(lib("doctor")).out
    hits = ok(lib("search", "tag:keep", "--json")).json()["hits"]
    assert sorted(hit["id"] for hit in hits) == [1, 2]


def test_a_backup_never_replaces_a_file(lib: Cli, tmp_path: Path):
    target = tmp_path / "taken.sqlite3"
    target.write_bytes(b"someone's file")
    user_error(lib("backup", str(target)), "already exists")
    assert target.read_bytes() == b"someone's file"


def _sqlite_file(path: Path, sql: str) -> Path:
    connection = sqlite3.connect(path)
    connection.executescript(sql)
    connection.close()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "not a readinglist backup"),
        (lambda p: p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10), "not a readinglist"),
        (lambda p: _sqlite_file(p, "CREATE TABLE notes (x TEXT);"), "not a readinglist library"),
        (
            lambda p: _sqlite_file(
                p,
                "CREATE TABLE papers (id INTEGER); CREATE TABLE alembic_version (version_num TEXT);"
                " INSERT INTO alembic_version VALUES ('9999');",
            ),
            "newer readinglist",
        ),
        (lambda p: None, "no such file"),
    ],
    ids=["empty", "pdf", "other-database", "newer-schema", "missing"],
)
def test_a_bad_backup_is_refused_and_changes_nothing(lib: Cli, tmp_path: Path, make, message):
    assert lib.library is not None
    before = database_dump(lib.library)
    bad = tmp_path / "bad.sqlite3"
    make(bad)
    user_error(lib("restore", str(bad)), message)
    assert database_dump(lib.library) == before
    assert not list((lib.library / "backups").glob("before-restore-*"))


def test_a_damaged_backup_is_refused(lib: Cli, tmp_path: Path):
    assert lib.library is not None
    good = tmp_path / "good.sqlite3"
    ok(lib("backup", str(good)))
    damaged = bytearray(good.read_bytes())
    page = 4096
    damaged[3 * page : 6 * page] = bytes(range(256)) * (3 * page // 256)
    (tmp_path / "damaged.sqlite3").write_bytes(bytes(damaged))
    before = database_dump(lib.library)
    result = lib("restore", str(tmp_path / "damaged.sqlite3"))
    assert result.code == 1, str(result)
    assert "damaged" in result.err or "cannot be read" in result.err, str(result)
    assert database_dump(lib.library) == before


def test_daily_backups_are_taken_once_a_day_and_the_newest_seven_kept(template: Path, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(template, library, ignore=shutil.ignore_patterns("backups"))
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    for day in range(10):
        moment = start + timedelta(days=day)
        assert daily_backup(library, moment) is not None
        assert daily_backup(library, moment + timedelta(hours=5)) is None  # same day
    kept = sorted(path.name for path in (library / "backups").glob("daily-*.sqlite3"))
    assert kept == [f"daily-2026-11-{day:02d}.sqlite3" for day in range(4, 11)]
    assert check_backup(library / "backups" / kept[-1]) == (
        engine_module.HEAD_REVISION,
        SHARED_DIGEST_PAPERS,
    )


def test_opening_a_library_takes_todays_backup(lib: Cli):
    assert lib.library is not None
    ok(lib("list", "--limit", "1"))
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert (lib.library / "backups" / f"daily-{today}.sqlite3").is_file()


def test_an_older_backup_is_restored_and_upgraded(library_dir: Path, tmp_path: Path):
    old = tmp_path / "old" / "library"
    make_first_schema_library(old)
    assert backups.KNOWN_REVISIONS[0] == "0001"
    Cli(tmp_path, library_dir)("import", str(shared_digest_path()))
    ok(Cli(tmp_path, library_dir)("restore", str(engine_module.database_path(old))))
    with open_library(library_dir) as opened:
        papers = opened.library.papers()
        assert [(p.title, p.notes) for p in papers] == [("Old Paper", "my notes")]
        assert opened.library.search("intact").total == 1


def test_check_backup_names_the_problem(tmp_path: Path):
    with pytest.raises(BackupError, match="no such file"):
        check_backup(tmp_path / "nothing.sqlite3")


# --- two processes ------------------------------------------------------------------

HOLD_DATABASE = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE papers SET notes = 'from the other process' WHERE id = 1")
print("holding", flush=True)
sys.stdin.readline()
connection.execute("COMMIT" if sys.argv[2] == "commit" else "ROLLBACK")
print("released", flush=True)
"""

HOLD_INDEX = """
import sys
from whoosh import index
lock = index.open_dir(sys.argv[1]).lock("WRITELOCK")
assert lock.acquire()
print("holding", flush=True)
sys.stdin.readline()
lock.release()
"""


@contextmanager
def holder(script: str, *args: str) -> Iterator[subprocess.Popen[str]]:
    """A process that holds a lock until its standard input gets a line."""
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stdin is not None
        try:
            assert process.stdout.readline().strip() == "holding"
            yield process
        finally:
            if process.poll() is None:
                process.stdin.write("\n")
                process.stdin.flush()
            process.wait(timeout=60)


def release(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("\n")
    process.stdin.flush()
    assert process.stdout.readline().strip() == "released"


def test_a_write_waits_then_fails_with_library_is_busy(lib: Cli):
    assert lib.library is not None
    before = database_dump(lib.library)
    database = str(engine_module.database_path(lib.library))
    with holder(HOLD_DATABASE, database, "rollback") as other:
        result = lib("tag", "1", "--add", "late", env={BUSY_TIMEOUT_ENV: "300"})
        user_error(result, "library is busy")
        release(other)
    assert database_dump(lib.library) == before


@pytest.mark.real_process  # commands side by side: processes
def test_writes_of_two_processes_are_serialised_not_lost(lib: Cli):
    """The other process commits first; the command's write lands after it, whole."""
    assert lib.library is not None
    database = str(engine_module.database_path(lib.library))
    with (
        holder(HOLD_DATABASE, database, "commit") as other,
        ThreadPoolExecutor(1) as pool,
    ):
        waiting = pool.submit(lib, "note", "2", "--set", "from the command line")
        release(other)
        ok(waiting.result())
    notes = dict(
        sqlite3.connect(database).execute("SELECT id, notes FROM papers WHERE id IN (1, 2)")
    )
    assert notes == {1: "from the other process", 2: "from the command line"}


@pytest.mark.real_process  # commands side by side: processes
def test_many_command_lines_at_once_lose_nothing(lib: Cli, tmp_path: Path):
    second = tmp_path / "second.txt"
    second.write_text("Concurrent Papers Arrive\nThey arrive at once. Nothing is lost.\n")
    ids = [str(i) for i in range(1, SHARED_DIGEST_PAPERS + 1)]
    commands = [("tag", *ids, "--add", f"writer/{n}") for n in range(4)]
    commands += [("status", *ids[:100], "read"), ("import", str(second)), ("rate", "7", "5")]
    with ThreadPoolExecutor(len(commands)) as pool:
        results: list[Result] = list(pool.map(lambda args: lib(*args), commands))
    for result in results:
        ok(result)
        assert "lock" not in result.err.lower(), str(result)
    listed = ok(lib("list", "--json")).json()
    assert len(listed) == SHARED_DIGEST_PAPERS + 1
    for paper in listed:
        if paper["id"] <= SHARED_DIGEST_PAPERS:  # the digest's, not the one imported here
            assert {f"writer/{n}" for n in range(4)} <= set(paper["tags"]), paper["id"]
    assert sum(paper["status"] == "read" for paper in listed) == 100
    assert "matches" in ok(lib("doctor")).out
    found = ok(lib("search", "tag:writer/3", "--limit", "1000", "--json")).json()
    assert found["total"] == SHARED_DIGEST_PAPERS


def test_an_index_held_by_another_process_never_fails_a_command(lib: Cli):
    """The change is committed; the index catches up once the other process lets go."""
    assert lib.library is not None
    folder = lib.library / f"{INDEX_PREFIX}{SCHEMA_VERSION}"
    with holder(HOLD_INDEX, str(folder)):
        tagged = ok(lib("tag", "5", "--add", "while-held", env={BUSY_TIMEOUT_ENV: "200"}))
        assert tagged.err == "", str(tagged)
    assert ok(lib("show", "5", "--json")).json()["tags"] == ["while-held"]
    found = ok(lib("search", "tag:while-held", "--json")).json()["hits"]
    assert [hit["id"] for hit in found] == [5]
    assert "matches" in ok(lib("doctor")).out


def test_a_reindex_waits_for_the_index_then_says_busy(lib: Cli):
    assert lib.library is not None
    folder = lib.library / f"{INDEX_PREFIX}{SCHEMA_VERSION}"
    with holder(HOLD_INDEX, str(folder)):
        user_error(lib("reindex", env={BUSY_TIMEOUT_ENV: "200"}), "library is busy")
    assert "matches" in ok(lib("doctor")).out


# --- the log ------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_and_its_details_go_to_the_log(
    opened: OpenLibrary, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    from readinglist import cli

    library_dir = opened.library_dir

    def broken(*_args: object) -> int:
        raise RuntimeError("a bug in a command")

    monkeypatch.setattr(cli, "cmd_list", broken)
    logger = logging.getLogger("readinglist")
    handlers = list(logger.handlers)
    try:
        assert cli.main(["--library", str(library_dir), "list"]) == cli.EXIT_BUG
        path = app_logging.log_path()
    finally:
        for handler in logger.handlers[len(handlers) :]:
            handler.close()
            logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "RuntimeError: a bug in a command" in err and str(path) in err
    assert "Traceback" not in err
    logged = path.read_text(encoding="utf-8")
    assert "Traceback" in logged and "a bug in a command" in logged

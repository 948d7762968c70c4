"""Backups and restore when things are not as they should be (issue 17, items 5, 6, 9).

A restore works when the current database is damaged (exactly when it is needed), keeps
each replaced database under its own name, takes a backup of another page size, gives up
after the busy timeout, and refuses a file that is not exactly one of our libraries
(missing tables) or drops what we never make (triggers, views). A library from a newer
version, or a damaged one, is refused with one line saying what to do, and nothing is
written. The daily backup never copies a damaged database over the good copies.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readinglist.app_context import open_database, open_library
from readinglist.core.errors import ReadingListError
from readinglist.storage import backups
from readinglist.storage.backups import BackupError, check_backup, daily_backup, restore
from readinglist.storage.engine import HEAD_REVISION, DatabaseDamagedError, database_path
from tests.helpers import SHARED_DIGEST_PAPERS, database_dump
from tests.test_cli import Cli, ok, user_error

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def backup(digest_library: Path, tmp_path: Path) -> Path:
    """A good backup of the digest library, taken before the test changes anything."""
    return backups.backup_to(digest_library, tmp_path / "good.sqlite3", NOW)


def scribble_pages(database: Path, first: int, last: int) -> None:
    data = bytearray(database.read_bytes())
    page = 4096
    data[first * page : last * page] = bytes(range(256)) * ((last - first) * page // 256)
    database.write_bytes(bytes(data))


def zero_header(database: Path) -> None:
    data = bytearray(database.read_bytes())
    data[:100] = bytes(100)
    database.write_bytes(bytes(data))


def edit(database: Path, sql: str) -> None:
    connection = sqlite3.connect(database)
    connection.executescript(sql)
    connection.close()


def intact(library: Path) -> None:
    connection = sqlite3.connect(database_path(library))
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


# --- restore ----------------------------------------------------------------------


def test_two_restores_in_one_second_keep_both_previous_databases(
    digest_library: Path, backup: Path
):
    first = restore(digest_library, backup, NOW)
    edit(database_path(digest_library), "UPDATE papers SET notes = 'between' WHERE id = 1")
    second = restore(digest_library, backup, NOW)
    assert first.previous_copy is not None and second.previous_copy is not None
    assert first.previous_copy != second.previous_copy
    assert first.previous_copy.exists() and second.previous_copy.exists()
    kept = sqlite3.connect(second.previous_copy)
    assert kept.execute("SELECT notes FROM papers WHERE id = 1").fetchone() == ("between",)
    kept.close()


@pytest.mark.parametrize("damage", ["pages", "header"])
def test_a_damaged_library_is_restored_and_its_bytes_kept(
    digest_library: Path, backup: Path, tmp_path: Path, damage: str
):
    database = database_path(digest_library)
    if damage == "pages":
        scribble_pages(database, 3, 8)
    else:
        zero_header(database)
    damaged_bytes = database.read_bytes()
    result = user_error(Cli(tmp_path, digest_library)("list"), "database is damaged", "restore")
    assert "readinglist restore" in result.err
    report = restore(digest_library, backup, NOW)
    assert report.papers == SHARED_DIGEST_PAPERS
    assert report.previous_copy is not None
    if damage == "header":  # SQLite cannot read it at all: kept byte for byte
        assert report.previous_copy.read_bytes() == damaged_bytes
    intact(digest_library)
    assert len(ok(Cli(tmp_path, digest_library)("list", "--json")).json()) == SHARED_DIGEST_PAPERS


def test_the_advice_names_the_newest_intact_backup(digest_library: Path, tmp_path: Path):
    daily = daily_backup(digest_library, NOW)
    assert daily is not None
    scribble_pages(database_path(digest_library), 3, 8)
    user_error(Cli(tmp_path, digest_library)("list"), f"readinglist restore '{daily}'")


def test_a_backup_of_another_page_size_is_restored(
    digest_library: Path, backup: Path, tmp_path: Path
):
    other = tmp_path / "64k.sqlite3"
    other.write_bytes(backup.read_bytes())
    connection = sqlite3.connect(other)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute("PRAGMA page_size=65536")
    connection.execute("VACUUM")
    assert connection.execute("PRAGMA page_size").fetchone() == (65536,)
    connection.close()
    with open_database(digest_library):  # the library open: its database in WAL mode
        pass
    edit(database_path(digest_library), "DELETE FROM papers WHERE id > 100")
    assert restore(digest_library, other, NOW).papers == SHARED_DIGEST_PAPERS
    intact(digest_library)


def test_a_restore_gives_up_after_the_busy_timeout(
    digest_library: Path, backup: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("READINGLIST_BUSY_TIMEOUT_MS", "200")
    before = database_dump(digest_library)
    holder = sqlite3.connect(database_path(digest_library), isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE papers SET notes = 'held' WHERE id = 1")
    started = datetime.now(UTC)
    try:
        with pytest.raises(BackupError, match="library is busy"):
            restore(digest_library, backup, NOW)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert datetime.now(UTC) - started < timedelta(seconds=20)
    assert database_dump(digest_library) == before


def test_restore_into_a_file_is_one_line(tmp_path: Path, backup: Path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("mine")
    user_error(Cli(tmp_path, not_a_folder)("restore", str(backup)), "is a file")
    assert not_a_folder.read_text() == "mine"


# --- hostile backups --------------------------------------------------------------


def test_triggers_and_views_are_left_out_of_a_restore(
    digest_library: Path, backup: Path, tmp_path: Path
):
    """The crafted backup wipes paper 2's notes whenever paper 1's status changes."""
    edit(
        backup,
        "UPDATE papers SET notes = 'precious' WHERE id = 2;"
        "CREATE TRIGGER wipe AFTER UPDATE OF status ON papers"
        " BEGIN UPDATE papers SET notes = '' WHERE id = 2; END;"
        "CREATE VIEW shadow AS SELECT id FROM papers;",
    )
    cli = Cli(tmp_path, digest_library)
    restored = ok(cli("restore", str(backup)))
    assert "left out 2 triggers and views" in restored.err
    ok(cli("status", "1", "read"))
    assert ok(cli("show", "2", "--json")).json()["notes"] == "precious"
    connection = sqlite3.connect(database_path(digest_library))
    kinds = connection.execute("SELECT type FROM sqlite_master WHERE type IN ('trigger','view')")
    assert kinds.fetchall() == []
    connection.close()


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DROP TABLE paper_tags;", "lacks the table paper_tags"),
        ("CREATE TABLE extra (x TEXT);", "never makes: extra"),
        (
            "ALTER TABLE papers RENAME TO old_papers;"
            "CREATE TABLE papers AS SELECT * FROM old_papers; DROP TABLE old_papers;",
            "papers",
        ),
        (
            "PRAGMA ignore_check_constraints=ON;UPDATE papers SET status = 'bogus' WHERE id = 3;",
            "values readinglist does not know",
        ),
        (
            "PRAGMA foreign_keys=OFF; INSERT INTO paper_tags VALUES (99999, 99999);",
            "refer to rows that do not exist",
        ),
    ],
    ids=["missing-table", "extra-table", "changed-table", "bad-values", "dangling-rows"],
)
def test_a_backup_that_is_not_exactly_ours_is_refused(
    digest_library: Path, backup: Path, tmp_path: Path, sql: str, message: str
):
    edit(backup, sql)
    before = database_dump(digest_library)
    user_error(Cli(tmp_path, digest_library)("restore", str(backup)), message)
    assert database_dump(digest_library) == before


def test_check_backup_accepts_what_we_make(backup: Path):
    assert check_backup(backup) == (HEAD_REVISION, SHARED_DIGEST_PAPERS)


# --- opening what cannot be opened --------------------------------------------------


def test_a_library_of_a_newer_version_is_refused_and_nothing_written(
    digest_library: Path, tmp_path: Path
):
    edit(database_path(digest_library), "UPDATE alembic_version SET version_num = '9999'")
    before = sorted(p.name for p in digest_library.rglob("*"))
    cli = Cli(tmp_path, digest_library)
    for _ in range(2):
        user_error(cli("list"), "made by a newer readinglist", "nothing was changed")
    assert not (digest_library / "backups").exists()
    assert sorted(p.name for p in digest_library.rglob("*")) == before
    with pytest.raises(ReadingListError, match="newer readinglist"):
        open_library(digest_library)


# --- daily backups ----------------------------------------------------------------


def test_a_damaged_database_is_never_copied_over_the_good_copies(digest_library: Path):
    for day in range(7):
        assert daily_backup(digest_library, NOW + timedelta(days=day)) is not None
    good = sorted(p.name for p in (digest_library / "backups").glob("daily-*.sqlite3"))
    scribble_pages(database_path(digest_library), 3, 8)
    with pytest.raises(DatabaseDamagedError, match="the library's database is damaged"):
        daily_backup(digest_library, NOW + timedelta(days=8))
    assert sorted(p.name for p in (digest_library / "backups").glob("daily-*.sqlite3")) == good
    for name in good:
        assert backups.database_problem(digest_library / "backups" / name) is None


def test_the_daily_copies_are_single_files(digest_library: Path):
    """No -wal/-shm left beside a copy by checking it (it is not in WAL mode)."""
    copy = daily_backup(digest_library, NOW)
    assert copy is not None
    check_backup(copy)
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]

"""Backups of a library's database: daily rotating copies, on demand, and restore.

Every copy is taken with SQLite's online backup API, so it is consistent even while
another process writes. A restore checks the file first (a SQLite database, intact, a
readinglist library of a schema this version knows) and copies the current database
aside before replacing it: restoring never loses what was there.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from readinglist.core.errors import ReadingListError
from readinglist.core.timeouts import busy_timeout_ms
from readinglist.storage.engine import (
    BACKUP_FOLDER,
    HEAD_REVISION,
    back_up_sqlite,
    database_path,
)

DAILY_PREFIX = "daily-"
DAILY_KEEP = 7
# Revisions this version can open (and upgrade); a newer one is refused.
KNOWN_REVISIONS = tuple(f"{number:04d}" for number in range(1, int(HEAD_REVISION) + 1))


class BackupError(ReadingListError):
    """A backup could not be taken, or a file cannot be restored."""


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    revision: str
    papers: int
    previous_copy: Path | None  # where the replaced database was copied


def backup_folder(library_dir: Path) -> Path:
    return library_dir / BACKUP_FOLDER


def daily_backup(library_dir: Path, now: datetime, keep: int = DAILY_KEEP) -> Path | None:
    """Today's copy when there is none yet (the newest ``keep`` are kept); None when
    there was one already or the library is still empty."""
    source = database_path(library_dir)
    folder = backup_folder(library_dir)
    target = folder / f"{DAILY_PREFIX}{now:%Y-%m-%d}.sqlite3"
    # Every open comes here: the cheap check first, the database only once a day.
    if target.exists() or not source.is_file() or _paper_count(source) == 0:
        return None
    back_up_sqlite(source, target)
    for old in sorted(folder.glob(f"{DAILY_PREFIX}*.sqlite3"))[:-keep]:
        old.unlink(missing_ok=True)
    return target


def backup_to(library_dir: Path, target: Path | None, now: datetime) -> Path:
    """A copy of the database at ``target`` (default: the backups folder); an existing
    file is never replaced."""
    source = database_path(library_dir)
    if not source.is_file():
        raise BackupError(f"{library_dir} holds no library to back up")
    if target is None:
        target = backup_folder(library_dir) / f"manual-{now:%Y%m%dT%H%M%S}.sqlite3"
    if target.is_dir():
        target = target / f"readinglist-{now:%Y%m%dT%H%M%S}.sqlite3"
    if target.exists():
        raise BackupError(f"{target} already exists; choose another name")
    try:
        back_up_sqlite(source, target)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"cannot write the backup {target}: {error}") from None
    return target


def check_backup(file: Path) -> tuple[str, int]:
    """(schema revision, paper count) of a backup, or BackupError saying what is wrong."""
    if not file.is_file():
        raise BackupError(f"{file}: no such file")
    with file.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{file} is not a readinglist backup (not an SQLite database)")
    try:
        connection = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                raise BackupError(f"{file} is damaged ({integrity}); nothing was restored")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            if not {"papers", "alembic_version"} <= tables:
                raise BackupError(f"{file} is an SQLite database, but not a readinglist library")
            revision = str(
                connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            )
            papers = int(connection.execute("SELECT count(*) FROM papers").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{file} cannot be read as a library: {error}") from None
    if revision not in KNOWN_REVISIONS:
        raise BackupError(
            f"{file} was made by a newer readinglist (schema {revision}); update readinglist"
        )
    return revision, papers


def restore(library_dir: Path, file: Path, now: datetime) -> RestoreReport:
    """Replace the library's database by a checked backup; the current one is copied
    to the backups folder first. The caller rebuilds the search index afterwards."""
    revision, papers = check_backup(file)
    target = database_path(library_dir)
    previous: Path | None = None
    if target.is_file():
        previous = backup_folder(library_dir) / f"before-restore-{now:%Y%m%dT%H%M%S}.sqlite3"
        back_up_sqlite(target, previous)
    library_dir.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    destination = sqlite3.connect(target, timeout=busy_timeout_ms() / 1000)
    try:
        source.backup(destination)  # one step: the file is replaced as a whole or not
    except sqlite3.OperationalError as error:
        raise BackupError(f"cannot restore now ({error}); nothing was changed") from None
    finally:
        source.close()
        destination.close()
    return RestoreReport(file, revision, papers, previous)


def _paper_count(database: Path) -> int:
    connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM papers").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0
    finally:
        connection.close()

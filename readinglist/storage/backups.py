"""Backups of a library's database: daily rotating copies, on demand, and restore.

Every copy is taken with SQLite's online backup API, so it is consistent even while
another process writes. A daily copy is taken only of a database that passes SQLite's
``quick_check`` (and is checked again once written): a damaged database is never copied,
so the rotation never drops a good copy for a bad one.

A restore checks the file first (a SQLite database, intact, a readinglist library of a
schema this version knows, exactly: see schema_check), restores a cleaned copy of it
(no triggers or views; the current database's page size), and copies the current
database aside before replacing it: restoring never loses what was there, even when the
current database is too damaged to open (its bytes are kept as they are).
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from readinglist.core.errors import ReadingListError
from readinglist.core.timeouts import busy_timeout_ms
from readinglist.stale_files import remove_stale, work_prefix
from readinglist.storage.engine import (
    BACKUP_FOLDER,
    DATABASE_FILE,
    KNOWN_REVISIONS,
    DatabaseDamagedError,
    back_up_sqlite,
    database_path,
    is_busy_error,
)
from readinglist.storage.schema_check import content_problem, drop_foreign_objects, schema_problem
from readinglist.storage.shared_url import read_locator, redacted

DAILY_PREFIX = "daily-"
DAILY_KEEP = 7
SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_BUSY = (
    "library is busy: another readinglist is writing to it; nothing was restored, try again"
)
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_PROBLEM_CHARS = 160

__all__ = [
    "DAILY_KEEP",
    "KNOWN_REVISIONS",
    "BackupError",
    "RestoreReport",
    "backup_to",
    "check_backup",
    "daily_backup",
    "database_problem",
    "restore",
]


class BackupError(ReadingListError):
    """A backup could not be taken, or a file cannot be restored."""


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    revision: str
    papers: int
    previous_copy: Path | None  # where the replaced database was copied
    dropped: int = 0  # triggers and views left out of the restored copy


def backup_folder(library_dir: Path) -> Path:
    return library_dir / BACKUP_FOLDER


def _read_only(file: Path) -> sqlite3.Connection:
    # Waits as long as the library's own connections for a busy database (several
    # commands at once: a writer's checkpoint), not sqlite3's default 5 s.
    uri = f"{file.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms() / 1000)


def database_problem(database: Path, thorough: bool = False, live: bool = False) -> str | None:
    """What SQLite's ``quick_check`` (``integrity_check`` when ``thorough``) finds wrong
    with a database file, in one line, or None when it is intact. ``live``: a library's
    own database (opened as the library opens it, which reads a WAL-mode file without
    leaving files behind; a read-only file is then opened read-only by SQLite)."""
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        connection = (
            sqlite3.connect(database, timeout=busy_timeout_ms() / 1000)
            if live
            else _read_only(database)
        )
        try:
            found = [str(row[0]) for row in connection.execute(f"PRAGMA {pragma}(5)")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    if found == ["ok"]:
        return None
    said = " ".join(" ".join(found).replace("*** in database main ***", "").split())
    return said if len(said) <= _PROBLEM_CHARS else said[: _PROBLEM_CHARS - 1] + "…"


def daily_backup(library_dir: Path, now: datetime, keep: int = DAILY_KEEP) -> Path | None:
    """Today's copy when there is none yet (the newest ``keep`` are kept); None when
    there was one already or the library is still empty. A damaged database is not
    copied: DatabaseDamagedError, naming the backup to restore (the library is not
    used as it is: every write could spread the damage)."""
    source = database_path(library_dir)
    folder = backup_folder(library_dir)
    target = folder / f"{DAILY_PREFIX}{now:%Y-%m-%d}.sqlite3"
    # Every open comes here: the cheap check first, the database only once a day.
    if target.exists() or not source.is_file():
        return None
    problem = database_problem(source, live=True)
    if problem is not None:  # not copied; and the library should not be used as it is
        raise DatabaseDamagedError(
            f"the library's database is damaged ({problem}); {restore_advice(library_dir)}"
        )
    if _paper_count(source) == 0:
        return None
    back_up_sqlite(source, target)
    copied = database_problem(target)
    if copied is not None:  # written badly (a failing disk): keep the older copies
        target.unlink(missing_ok=True)
        raise BackupError(f"today's automatic backup was written damaged ({copied})")
    for old in sorted(folder.glob(f"{DAILY_PREFIX}*.sqlite3"))[:-keep]:
        old.unlink(missing_ok=True)
    return target


def restore_advice(library_dir: Path) -> str:
    """What to do about a damaged database: restore the newest intact backup, named."""
    folder = backup_folder(library_dir)
    try:
        candidates = sorted(folder.glob("*.sqlite3"), key=lambda p: p.stat().st_mtime)
    except OSError:
        candidates = []
    for candidate in reversed(candidates):
        if database_problem(candidate) is None and _paper_count(candidate) > 0:
            return f"restore a backup: readinglist restore '{candidate}'"
    return f"restore a backup with 'readinglist restore FILE' (none intact in {folder})"


# A shared library is backed up where it lives (README: backups of a shared library).
PG_BACKUP_ADVICE = (
    "pg_dump --format=custom --file=library.dump DATABASE, and pg_restore --clean"
    " --dbname=DATABASE library.dump to bring it back"
)


def backup_to(library_dir: Path, target: Path | None, now: datetime) -> Path:
    """A copy of the database at ``target`` (default: the backups folder); an existing
    file is never replaced. A shared library (PostgreSQL) is not copied here: the
    message says to use pg_dump."""
    url = read_locator(library_dir)
    if url is not None:
        raise BackupError(
            f"{redacted(url)} is a shared library on PostgreSQL: back it up on the server"
            f" with {PG_BACKUP_ADVICE}; nothing was written"
        )
    source = database_path(library_dir)
    if not source.is_file():
        raise BackupError(f"{library_dir} holds no library to back up")
    if target is None:
        target = backup_folder(library_dir) / f"manual-{now:%Y%m%dT%H%M%S}.sqlite3"
    if target.is_dir():
        target = target / f"readinglist-{now:%Y%m%dT%H%M%S}.sqlite3"
    if target.exists() or target.is_symlink():
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
        if handle.read(16) != SQLITE_HEADER:
            raise BackupError(f"{file} is not a readinglist backup (not an SQLite database)")
    try:
        connection = _read_only(file)
        try:
            return _checked(file, connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{file} cannot be read as a library: {error}") from None


def _checked(file: Path, connection: sqlite3.Connection) -> tuple[str, int]:
    integrity = connection.execute("PRAGMA integrity_check(5)").fetchone()[0]
    if integrity != "ok":
        raise BackupError(f"{file} is damaged ({integrity}); nothing was restored")
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if not {"papers", "alembic_version"} <= tables:
        raise BackupError(f"{file} is an SQLite database, but not a readinglist library")
    revision = str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    if revision not in KNOWN_REVISIONS:
        raise BackupError(
            f"{file} was made by a newer readinglist (schema {revision}); update readinglist"
        )
    problem = schema_problem(connection, revision) or content_problem(connection)
    if problem is not None:
        raise BackupError(f"{file} is not a readinglist library as made: {problem}")
    papers = int(connection.execute("SELECT count(*) FROM papers").fetchone()[0])
    return revision, papers


def restore(
    library_dir: Path,
    file: Path,
    now: datetime,
    before_replace: Callable[[], None] | None = None,
) -> RestoreReport:
    """Replace the library's database by a checked backup; the current one is copied
    to the backups folder first, then ``before_replace`` runs (the caller discards the
    search index there: an index of the old database must never outlive it, even when
    the restore is killed), then the database is replaced in one step."""
    revision, papers = check_backup(file)
    library_dir.mkdir(parents=True, exist_ok=True)
    target = database_path(library_dir)
    remove_stale(library_dir, DATABASE_FILE)
    staged = library_dir / f"{work_prefix(DATABASE_FILE)}restoring"
    try:
        dropped = _stage(file, staged, _page_size(target))
        previous = _keep_aside(library_dir, target, now) if target.is_file() else None
        if before_replace is not None:
            before_replace()
        _replace(staged, target)
    except (OSError, sqlite3.Error) as error:
        if isinstance(error, sqlite3.Error) and is_busy_error(error):
            raise BackupError(RESTORE_BUSY) from None
        raise BackupError(f"cannot restore now ({error}); nothing was changed") from None
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{staged}{suffix}").unlink(missing_ok=True)
    return RestoreReport(file, revision, papers, previous, dropped)


def _page_size(database: Path) -> int | None:
    """The page size in a database file's header; None without a readable header."""
    try:
        with database.open("rb") as handle:
            header = handle.read(18)
    except OSError:
        return None
    if len(header) < 18 or not header.startswith(SQLITE_HEADER):
        return None
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def _stage(file: Path, staged: Path, page_size: int | None) -> int:
    """A copy of the backup beside the database, without triggers or views, with the
    current database's page size (a database in WAL mode cannot take another one, so
    a backup of another page size could never be restored); returns the objects
    dropped."""
    source = _read_only(file)
    destination = sqlite3.connect(staged)
    try:
        source.backup(destination)
        dropped = drop_foreign_objects(destination)
        current = int(destination.execute("PRAGMA page_size").fetchone()[0])
        if page_size is not None and page_size != current:
            destination.execute("PRAGMA journal_mode=DELETE")
            destination.execute(f"PRAGMA page_size={int(page_size)}")
            destination.execute("VACUUM")
    finally:
        source.close()
        destination.close()
    return dropped


def _unique(folder: Path, stem: str) -> Path:
    """A new, empty file ``stem.sqlite3`` (``stem-2.sqlite3``... when taken): two
    restores in one second must not share (and overwrite) one copy."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in itertools.count(1):
        path = folder / (f"{stem}.sqlite3" if number == 1 else f"{stem}-{number}.sqlite3")
        try:
            path.open("xb").close()
        except FileExistsError:
            continue
        return path
    raise AssertionError("unreachable")


def _keep_aside(library_dir: Path, target: Path, now: datetime) -> Path:
    """The current database copied to the backups folder; a damaged one byte for byte
    (its write-ahead log beside it), since SQLite cannot copy what it cannot read."""
    previous = _unique(backup_folder(library_dir), f"before-restore-{now:%Y%m%dT%H%M%S}")
    try:
        back_up_sqlite(target, previous)
    except sqlite3.DatabaseError:
        shutil.copyfile(target, previous)
        wal = Path(f"{target}-wal")
        if wal.is_file():
            shutil.copyfile(wal, Path(f"{previous}-wal"))
    return previous


def _replace(staged: Path, target: Path) -> None:
    """Put the staged database in the target's place. Through SQLite (one transaction
    that other processes' connections see) when the target can be read; else, a
    damaged target, by renaming the file over it (its stale log removed first: SQLite
    would replay it into the restored database)."""
    if target.is_file() and database_problem(target, live=True) is None:
        _copy_into(staged, target)
        return
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    staged.replace(target)


class _BusyError(Exception):
    pass


def _copy_into(staged: Path, target: Path) -> None:
    """The backup API, giving up after the busy timeout (Python's backup() retries a
    locked destination forever)."""
    deadline = time.monotonic() + busy_timeout_ms() / 1000

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (_SQLITE_BUSY, _SQLITE_LOCKED) and time.monotonic() >= deadline:
            raise _BusyError

    source = sqlite3.connect(staged)
    destination = sqlite3.connect(target, timeout=busy_timeout_ms() / 1000)
    try:
        source.backup(destination, progress=progress, sleep=0.05)
    except _BusyError:
        raise BackupError(RESTORE_BUSY) from None
    finally:
        source.close()
        destination.close()


def _paper_count(database: Path) -> int:
    try:
        connection = _read_only(database)
    except sqlite3.DatabaseError:
        return 0
    try:
        return int(connection.execute("SELECT count(*) FROM papers").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0
    finally:
        connection.close()

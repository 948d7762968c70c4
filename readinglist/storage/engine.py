"""The one module that knows the database dialect: engines, pragmas and migrations.

A library is a folder; by default it holds ``library.sqlite3``. SQLite runs in WAL mode
with foreign keys on and a busy timeout, so a second process waits instead of failing.

Creating or upgrading the schema is one transaction that holds the database's write
lock from its start (BEGIN IMMEDIATE): two processes opening a new library at once
would otherwise both see no tables and both create them (the second failed with "table
digests already exists"); now the second waits, finds the schema made, and goes on.
A database of a schema this version does not know (a newer readinglist's) is refused
before anything is written.

A shared library lives on PostgreSQL (readinglist.storage.shared_url): its local folder
holds the URL instead of a database file, and the engine opened on that folder is a
PostgreSQL one. There, what BEGIN IMMEDIATE does for SQLite (one writer at a time,
waiting up to the busy timeout) is a transaction-scoped advisory lock, and the schema
is upgraded under the same lock.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from readinglist.core.errors import LibraryBusyError, ReadingListError
from readinglist.core.timeouts import busy_timeout_ms
from readinglist.storage.shared_url import driver_url, read_locator, redacted

if TYPE_CHECKING:
    from alembic.config import Config

DATABASE_FILE = "library.sqlite3"
BACKUP_FOLDER = "backups"
BUSY_MESSAGE = (
    "library is busy: another readinglist is writing to it; nothing was changed, try again"
)
MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. Kept here so that opening an up-to-date library does not import
# Alembic (a third of a second on every command); a test checks it against Alembic.
HEAD_REVISION = "0009"
# Revisions this version can open (and upgrade); a newer one is refused.
KNOWN_REVISIONS = tuple(f"{number:04d}" for number in range(1, int(HEAD_REVISION) + 1))


class NewerLibraryError(ReadingListError):
    """The database was made by a newer readinglist: opening it could only damage it."""


def database_path(library_dir: Path) -> Path:
    return library_dir / DATABASE_FILE


def is_busy_error(error: BaseException) -> bool:
    """SQLite's "database is locked" / "busy": another connection holds the write lock;
    PostgreSQL's lock timeout, deadlock or serialization failure: the same, retryable."""
    message = str(getattr(error, "orig", error)).lower()
    return any(
        words in message
        for words in (
            "database is locked",
            "database is busy",
            "lock timeout",
            "deadlock detected",
            "could not serialize access",
        )
    )


def is_damage_error(error: BaseException) -> bool:
    """SQLite says the database file is damaged ("malformed", "not a database")."""
    message = str(getattr(error, "orig", error)).lower()
    return any(
        words in message for words in ("malformed", "file is not a database", "file is encrypted")
    )


class DatabaseDamagedError(ReadingListError):
    """The library's database file is damaged: only a backup can bring it back."""


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    # Switching a new database to WAL needs it alone; SQLite answers "locked" at once
    # (without its busy handler) while another process opens the same new file, so
    # this waits here, as the busy timeout would.
    deadline = time.monotonic() + busy_timeout_ms() / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as error:
            if not is_busy_error(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_read_only(library_dir: Path) -> bool:
    """A library whose database exists but cannot be written (a read-only mount, a
    folder or file without write permission): it is opened read-only."""
    database = database_path(library_dir)
    return database.is_file() and not (
        os.access(database, os.W_OK) and os.access(library_dir, os.W_OK)
    )


def create_library_engine(library_dir: Path) -> Engine:
    """An engine on the library's SQLite file (created if missing); read-only when the
    file cannot be written (see :func:`read_only_engine`). The local folder of a shared
    library gives an engine on its PostgreSQL database."""
    url = read_locator(library_dir)
    if url is not None:
        return postgres_engine(url)
    if is_read_only(library_dir):
        return read_only_engine(library_dir)
    library_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite+pysqlite:///{database_path(library_dir)}")
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def postgres_engine(url: str) -> Engine:
    """An engine on a shared library's PostgreSQL database. The password, if any, comes
    from ~/.pgpass or PGPASSWORD (libpq's own), never from the URL."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise ReadingListError(
            "a postgresql:// library needs psycopg: pip install 'readinglist[postgresql]'"
        ) from None
    engine = create_engine(
        driver_url(url),
        pool_pre_ping=True,
        connect_args={"connect_timeout": 10, "application_name": "readinglist"},
    )
    event.listen(engine, "connect", _postgres_settings)
    return engine


def _postgres_settings(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    """Waiting for another client's write lock is bounded as SQLite's busy timeout."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {int(busy_timeout_ms())}")
        cursor.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.autocommit = autocommit


# Any number: the key of the advisory lock every writer of a shared library takes.
_WRITE_LOCK_KEY = 0x7265_6164  # "read"


def is_postgres(engine_or_connection: Engine | Connection) -> bool:
    return engine_or_connection.dialect.name == "postgresql"


def take_write_lock(connection: Connection) -> None:
    """Make this transaction the library's only writer until it ends: BEGIN IMMEDIATE
    on SQLite, a transaction-scoped advisory lock on PostgreSQL (waiting up to the
    lock timeout, then the busy error)."""
    if is_postgres(connection):
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITE_LOCK_KEY})
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_connection_error(error: BaseException) -> bool:
    """The server could not be reached or refused us (PostgreSQL only)."""
    message = str(getattr(error, "orig", error)).lower()
    return "connection" in message and ("failed" in message or "refused" in message)


def connection_message(library_dir: Path, error: BaseException) -> str:
    """One line: which shared library could not be opened and what the server said
    (libpq never repeats a password; the URL holds none)."""
    said = str(getattr(error, "orig", error)).strip().splitlines()
    reason = said[-1].strip() if said else type(error).__name__
    return f"cannot reach the shared library {describe(library_dir)}: {reason}"


def open_problem(
    engine: Engine, library_dir: Path, error: BaseException
) -> ReadingListError | None:
    """A shared library's server that could not be reached, as a one-line error."""
    if is_postgres(engine) and is_connection_error(error):
        return ReadingListError(connection_message(library_dir, error))
    return None


def shared_library_exists(url: str) -> bool:
    """The shared library's database holds a library (its schema's version table);
    an unreachable server is a one-line ReadingListError."""
    engine = postgres_engine(url)
    try:
        with engine.connect() as connection:
            return _revision(connection) is not None
    except OperationalError as error:
        if is_connection_error(error):
            said = str(error.orig).strip().splitlines()
            reason = said[-1].strip() if said else "no answer"
            raise ReadingListError(
                f"cannot reach the shared library {redacted(url)}: {reason}"
            ) from None
        raise
    finally:
        engine.dispose()


def describe(library_dir: Path) -> str:
    """How a library is named in messages: its folder, or a shared library's URL."""
    url = read_locator(library_dir)
    return str(library_dir) if url is None else redacted(url)


def read_only_engine(library_dir: Path) -> Engine:
    """An engine that never writes. A database in WAL mode needs its shared-memory file
    to be read; in a folder where it cannot be made and is not there, nobody can be
    writing the database either, so it is opened as immutable (no locks, no log)."""
    database = database_path(library_dir)
    shared_memory = Path(f"{database}-shm")
    mode = "mode=ro" if shared_memory.exists() else "immutable=1"
    engine = create_engine(f"sqlite+pysqlite:///{database.resolve().as_uri()}?{mode}&uri=true")
    event.listen(engine, "connect", _read_only_pragmas)
    return engine


def _read_only_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def is_read_only_error(error: BaseException) -> bool:
    """SQLite refused a write: the database is read-only (or opened so)."""
    message = str(getattr(error, "orig", error)).lower()
    return "readonly database" in message or "read-only" in message or "query_only" in message


READ_ONLY_MESSAGE = "the library is read-only here (no write permission); nothing was changed"
DISK_MESSAGE = (
    "the library's disk is full or failing ({said}); nothing was changed: free some space"
    " and try again"
)


def is_disk_error(error: BaseException) -> bool:
    """SQLite could not write its files: the disk is full ("database or disk is full")
    or SQLite could not extend its log or shared memory there ("disk I/O error")."""
    message = str(getattr(error, "orig", error)).lower()
    return "disk is full" in message or "disk i/o error" in message


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest revision according to Alembic's scripts (slow: imports Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if found is None else str(found)


def _refuse_newer(current: str | None, library_dir: Path) -> None:
    if current is not None and current not in KNOWN_REVISIONS:
        raise NewerLibraryError(
            f"{describe(library_dir)} was made by a newer readinglist (schema {current}); update"
            " readinglist to open it (nothing was changed)"
        )


def _refuse_locale_order(connection: Connection, library_dir: Path) -> None:
    """A database that sorts text by a language's rules (a libc or ICU locale) would
    put titles in another order than the search index, which sorts by code point:
    refused before a library is made in it, saying how to make one that fits. Asked of
    the database's behaviour, not its settings' names."""
    code_point_order = connection.execute(
        text("SELECT 'B' < 'a' AND 'Z' < 'a' AND 'z' < 'é' AND 'a b' < 'ab'")
    ).scalar()
    if not code_point_order:
        collation = connection.execute(
            text("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        ).scalar()
        raise ReadingListError(
            f"{describe(library_dir)} sorts text by language rules (collation {collation!r});"
            " a shared library needs code point order: create its database with"
            " 'createdb --locale=C.UTF-8 --encoding=UTF8 --template=template0 NAME'"
            " (nothing was changed)"
        )


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision`` in one transaction holding the write lock throughout."""
    with _locked(engine) as connection:
        _upgrade_on(engine, connection, revision)


def _upgrade_on(engine: Engine, connection: Connection, revision: str) -> None:
    from alembic import command

    config = _alembic_config(engine)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A transaction that took the write lock at its start (waiting for another
    process's up to the busy timeout, then LibraryBusyError)."""
    try:
        with engine.begin() as connection:
            take_write_lock(connection)
            yield connection
    except OperationalError as error:
        if is_busy_error(error):
            raise LibraryBusyError(BUSY_MESSAGE) from error
        raise


def _reading(database: Path) -> sqlite3.Connection:
    """A connection to read a library's database, read-only where it cannot be written
    (as :func:`read_only_engine` opens it)."""
    wait = busy_timeout_ms() / 1000  # as the library's own connections wait, not 5 s
    if is_read_only(database.parent):
        mode = "mode=ro" if Path(f"{database}-shm").exists() else "immutable=1"
        return sqlite3.connect(f"{database.resolve().as_uri()}?{mode}", uri=True, timeout=wait)
    return sqlite3.connect(database, timeout=wait)


def back_up_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    try:
        with closing(_reading(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            # One self-contained file: a copy in WAL mode would need a -shm file beside
            # it to be read (left behind by every read-only look at the backup).
            dst.execute("PRAGMA journal_mode=DELETE")
        shutil.move(partial, target)
    except BaseException:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        raise


def migrate(engine: Engine, library_dir: Path) -> str | None:
    """Bring the schema to head; an existing older library is copied first.

    Returns the path of the copy taken before upgrading, or None.
    """
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return None
    _refuse_newer(current, library_dir)
    if is_read_only(library_dir):
        raise ReadingListError(
            f"{library_dir} must be upgraded (schema {current or 'none'} to {HEAD_REVISION}),"
            " but it is read-only here; open it once where it can be written"
        )
    with _locked(engine) as connection:
        current = _revision(connection)  # another process may have migrated meanwhile
        if current == HEAD_REVISION:
            return None
        _refuse_newer(current, library_dir)
        if current is None and is_postgres(connection):
            _refuse_locale_order(connection, library_dir)
        copy: str | None = None
        if current is not None and not is_postgres(connection):  # pg_dump's job there
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            target = library_dir / BACKUP_FOLDER / f"before-upgrade-{current}-{stamp}.sqlite3"
            back_up_sqlite(database_path(library_dir), target)
            copy = str(target)
        _upgrade_on(engine, connection, "head")
    return copy

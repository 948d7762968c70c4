"""The one module that knows the database dialect: engines, pragmas and migrations.

A library is a folder; by default it holds ``library.sqlite3``. SQLite runs in WAL mode
with foreign keys on and a busy timeout, so a second process waits instead of failing.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.pool import ConnectionPoolEntry

from readinglist.core.timeouts import busy_timeout_ms

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
HEAD_REVISION = "0004"


def database_path(library_dir: Path) -> Path:
    return library_dir / DATABASE_FILE


def is_busy_error(error: BaseException) -> bool:
    """SQLite's "database is locked" / "busy": another connection holds the write lock."""
    message = str(getattr(error, "orig", error)).lower()
    return "database is locked" in message or "database is busy" in message


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_library_engine(library_dir: Path) -> Engine:
    """An engine on the library's SQLite file (created if missing)."""
    library_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite+pysqlite:///{database_path(library_dir)}")
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


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
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    config = _alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def back_up_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    shutil.move(partial, target)


def migrate(engine: Engine, library_dir: Path) -> str | None:
    """Bring the schema to head; an existing older library is copied first.

    Returns the path of the copy taken before upgrading, or None.
    """
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return None
    copy: str | None = None
    if current is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = library_dir / BACKUP_FOLDER / f"before-upgrade-{current}-{stamp}.sqlite3"
        back_up_sqlite(database_path(library_dir), target)
        copy = str(target)
    upgrade(engine)
    return copy

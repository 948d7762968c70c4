"""Composition root: where a library lives and how its layers are wired together.

The command line and the window both open a library through :func:`open_library`, so
they always see the same folder layout and the same upgrade behaviour.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from readinglist.core.errors import ReadingListError
from readinglist.core.library import Library
from readinglist.core.ports import Progress
from readinglist.search.index import WhooshIndex
from readinglist.storage.backups import RestoreReport, daily_backup, restore
from readinglist.storage.store import SqlStore

ENV_HOME = "READINGLIST_HOME"
APP_NAME = "readinglist"
# With ``build_index=False`` a library this small is still indexed at open: ~0.2 s,
# less than starting the child process that would build it (~0.5 s), and a new or
# tiny library is searchable from the first keystroke.
BUILD_AT_OPEN_PAPERS = 100


def default_library_dir() -> Path:
    """``$READINGLIST_HOME``, else the platform's user data folder."""
    home = os.environ.get(ENV_HOME, "").strip()
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class OpenLibrary:
    """An opened library: the use cases plus what is needed to close it cleanly."""

    def __init__(self, library_dir: Path, store: SqlStore, index: WhooshIndex) -> None:
        self.library_dir = library_dir
        self.store = store
        self.index = index
        self.library = Library(store, index=index)

    @property
    def upgrade_copy(self) -> str | None:
        """Where the database was copied before an upgrade, when one ran."""
        return self.store.upgrade_copy

    def close(self) -> None:
        self.index.close()
        self.store.close()

    def __enter__(self) -> OpenLibrary:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_library(
    library_dir: Path | None = None,
    on_message: Callable[[str], None] | None = None,
    progress: Progress | None = None,
    build_index: bool = True,
) -> OpenLibrary:
    """Open a library: upgrade its database, rebuild or catch up its search index.

    ``build_index=False``: a missing, damaged or old-format index is not rebuilt here
    (half a minute at 20k papers) unless the library is tiny: the library opens at once
    with ``library.index_ready`` false, browsing from the database, its changes kept in
    the outbox until the index is built (by readinglist.index_build_process, or the
    next open that builds it).
    """
    folder = (library_dir or default_library_dir()).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise ReadingListError(f"{folder} is a file, not a library folder")
    store = SqlStore.open(folder)
    try:
        opened = OpenLibrary(folder, store, WhooshIndex(folder))
    except BaseException:
        store.close()
        raise
    try:
        daily_backup(folder, datetime.now(UTC))
    except (OSError, sqlite3.Error) as error:  # a backup must never stop the library opening
        if on_message is not None:
            on_message(f"today's automatic backup could not be written: {error}")
    reason = opened.index.rebuild_reason
    if reason is not None and (build_index or _tiny(opened.library)):
        count = opened.library.rebuild_index(progress)
        if on_message is not None and count:
            on_message(f"{reason}: rebuilt it from the library ({count} papers)")
    elif reason is None:
        opened.library.sync_index()  # an outbox left behind by a crash
    return opened


def _tiny(library: Library) -> bool:
    return library.browse("", limit=0).total <= BUILD_AT_OPEN_PAPERS


def restore_library(
    library_dir: Path | None, file: Path, on_message: Callable[[str], None] | None = None
) -> RestoreReport:
    """Replace a library's database by a backup (the current one is copied aside first),
    then open it once: older schemas are upgraded and the search index is rebuilt."""
    folder = (library_dir or default_library_dir()).expanduser().resolve()
    report = restore(folder, file.expanduser(), datetime.now(UTC))
    WhooshIndex.discard(folder)
    with open_library(folder, on_message=on_message):
        pass
    return report

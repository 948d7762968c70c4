"""Composition root: where a library lives and how its layers are wired together.

The command line and the window both open a library through :func:`open_library`, so
they always see the same folder layout and the same upgrade behaviour.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from readinglist.core.library import Library
from readinglist.storage.store import SqlStore

ENV_HOME = "READINGLIST_HOME"
APP_NAME = "readinglist"


def default_library_dir() -> Path:
    """``$READINGLIST_HOME``, else the platform's user data folder."""
    home = os.environ.get(ENV_HOME, "").strip()
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class OpenLibrary:
    """An opened library: the use cases plus what is needed to close it cleanly."""

    def __init__(self, library_dir: Path, store: SqlStore) -> None:
        self.library_dir = library_dir
        self.store = store
        self.library = Library(store)

    @property
    def upgrade_copy(self) -> str | None:
        """Where the database was copied before an upgrade, when one ran."""
        return self.store.upgrade_copy

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> OpenLibrary:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_library(library_dir: Path | None = None) -> OpenLibrary:
    folder = (library_dir or default_library_dir()).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        from readinglist.core.errors import ReadingListError

        raise ReadingListError(f"{folder} is a file, not a library folder")
    return OpenLibrary(folder, SqlStore.open(folder))

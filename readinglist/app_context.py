"""Composition root: where a library lives and how its layers are wired together.

The command line and the window both open a library through :func:`open_library`, so
they always see the same folder layout and the same upgrade behaviour.

A library is a folder, or a ``postgresql://`` URL (a shared library): a URL is opened
through its local folder (readinglist.storage.shared_url), which every function here
takes in its place, so the rest of readinglist only ever sees folders.

Importing this module is cheap: SQLAlchemy, Whoosh and NumPy load inside the functions
that open a library (and Whoosh only when the search index is opened), so a command that
never searches (``readinglist list``, ``status``...) pays for none of the search stack.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from readinglist.core.errors import IndexDamagedError, ReadingListError

T = TypeVar("T")
# Where a library is: a folder, or a postgresql:// URL as the user typed it (text: a
# Path would fold its "//").
LibraryLocation = Path | str

if TYPE_CHECKING:
    from readinglist.core.library import Library
    from readinglist.core.ports import Progress
    from readinglist.search.index import WhooshIndex
    from readinglist.storage.backups import RestoreReport
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
    import platformdirs  # only when no folder was given: ~7 ms a command otherwise

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class OpenDatabase:
    """A library opened without its search index: the database alone.

    Browsing and every edit work; searching raises SearchUnavailableError. Edits wait in
    the search outbox, which the next open with the index drains (:func:`open_library`
    does at once), so the index never misses one. The command line opens its commands
    that never search this way: they do not load Whoosh and NumPy at all.
    """

    def __init__(self, library_dir: Path, store: SqlStore, library: Library) -> None:
        self.library_dir = library_dir
        self.store = store
        self.library = library

    @property
    def upgrade_copy(self) -> str | None:
        """Where the database was copied before an upgrade, when one ran."""
        return self.store.upgrade_copy

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> OpenDatabase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class OpenLibrary(OpenDatabase):
    """An opened library: the use cases plus what is needed to close it cleanly."""

    def __init__(self, library_dir: Path, store: SqlStore, index: WhooshIndex) -> None:
        from readinglist.core.library import Library

        super().__init__(library_dir, store, Library(store, index=index))
        self.index = index

    def close(self) -> None:
        self.index.close()
        self.store.close()

    def __enter__(self) -> OpenLibrary:
        return self


def library_exists(library_dir: LibraryLocation | None) -> bool:
    """The folder holds a library's database (opening any other folder makes one); a
    shared library's database holds a library's tables (asks the server)."""
    from readinglist.storage.engine import database_path, shared_library_exists
    from readinglist.storage.shared_url import read_locator

    url = _url_of(library_dir)
    if url is None and library_dir is not None:
        folder = library_folder(library_dir)
        url = read_locator(folder) if folder.is_dir() else None
    if url is not None:
        return shared_library_exists(url)
    return database_path(library_folder(library_dir)).exists()


def _url_of(location: LibraryLocation | None) -> str | None:
    """The normalised URL of a location given as a URL (LibraryUrlError when it is one
    we cannot use, a password in it say), else None."""
    from readinglist.storage.shared_url import is_library_url, normalised

    if isinstance(location, str) and is_library_url(location):
        return normalised(location)
    return None


def describe_library(location: LibraryLocation | None) -> str:
    """A library as messages name it: its folder, or a shared library's URL (never a
    password: the URL holds none)."""
    url = _url_of(location)
    if url is not None:
        return url
    from readinglist.storage.engine import describe

    return describe(library_folder(location))


def shared_library_folder(url: str) -> Path:
    """The local folder of the shared library at ``url`` (made, with its locator, when
    new): its search index, undo history and window lock, in the user data folder."""
    import platformdirs

    from readinglist.storage.shared_url import local_folder, write_locator

    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder = local_folder(data_dir, url)
    write_locator(folder, url)
    return folder


def library_folder(library_dir: LibraryLocation | None) -> Path:
    url = _url_of(library_dir)
    if url is not None:
        return shared_library_folder(url)
    folder = Path(library_dir or default_library_dir()).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise ReadingListError(f"{folder} is a file, not a library folder")
    return folder


def is_shared(folder: Path) -> bool:
    """The folder is a shared library's local folder (the library is on a server)."""
    from readinglist.storage.shared_url import read_locator

    return read_locator(folder) is not None


def _daily_backup(folder: Path, on_message: Callable[[str], None] | None) -> None:
    import sqlite3
    from datetime import UTC, datetime

    from readinglist.storage.backups import BackupError, daily_backup
    from readinglist.storage.engine import is_read_only

    if is_read_only(folder) or is_shared(folder):
        # Read-only: nothing can change there, and no copy can be written beside it.
        # Shared: the server's pg_dump backs it up (README: backups), not a file copy.
        return
    try:
        daily_backup(folder, datetime.now(UTC))
    except BackupError as error:  # a damaged database: not copied, and said so
        if on_message is not None:
            on_message(str(error))
    except (OSError, sqlite3.Error) as error:  # a backup must never stop the library opening
        if on_message is not None:
            on_message(f"today's automatic backup could not be written: {error}")


def open_library(
    library_dir: LibraryLocation | None = None,
    on_message: Callable[[str], None] | None = None,
    progress: Progress | None = None,
    build_index: bool = True,
) -> OpenLibrary:
    """Open a library: upgrade its database, rebuild or catch up its search index.

    ``build_index=False``: a missing, damaged or old-format index is not rebuilt here
    (half a minute at 20k papers) unless the library is tiny: the library opens at once
    with ``library.indexing.ready`` false, browsing from the database, its changes kept in
    the outbox until the index is built (by readinglist.index_build_process, or the
    next open that builds it).
    """
    from readinglist.search.index import WhooshIndex

    folder = library_folder(library_dir)

    def make(store: SqlStore) -> OpenLibrary:
        _forget_another_members_index(folder, store)
        return OpenLibrary(folder, store, WhooshIndex(folder))

    opened = _opened(folder, make)
    _daily_backup(folder, on_message)
    indexing = opened.library.indexing
    if build_index:  # a shared library's full catch-up says so, in one line
        indexing.catch_up_progress = _catch_up_notice(on_message)
    else:  # the window runs it once shown, with its progress (MainWindow)
        indexing.defer_full_catch_up = True
    reason = opened.index.rebuild_reason
    if reason is None:
        try:
            opened.library.indexing.sync()  # an outbox left behind by a crash
            # Complete and readable is not enough: an index left empty by an interrupted
            # restore would answer "0 matches" for good (it is distrusted here).
            reason = opened.library.indexing.disagreement()
        except IndexDamagedError as damaged:  # the index distrusted itself
            reason = opened.index.rebuild_reason or str(damaged)
    if reason is not None and (build_index or _tiny(opened.library)):
        count = opened.library.indexing.rebuild(progress)
        if on_message is not None and count:
            on_message(f"{reason}: rebuilt it from the library ({count} papers)")
    return opened


def _catch_up_notice(on_message: Callable[[str], None] | None) -> Progress | None:
    """A full catch-up's first step as one message (a command line's stderr line)."""
    if on_message is None:
        return None
    from readinglist.core.indexing import catch_up_text

    def notice(done: int, total: int) -> None:
        if done == 0:
            text = catch_up_text(done, total)
            on_message(text[0].lower() + text[1:])

    return notice


INDEX_MEMBER_FILE = "index-member"


def _forget_another_members_index(folder: Path, store: SqlStore) -> None:
    """A shared library's local search index holds one member's private state (their
    statuses, ratings, notes: storage/member_state.py). When the member name set on this
    machine is not the one the index was built for, the index is discarded (rebuilt by
    this open): it would answer ``status:read`` with another member's papers. An index
    of no known member (made before per-member state) holds the shared values every
    member starts from, and is kept."""
    from readinglist.atomic_write import write_atomically
    from readinglist.search.index import WhooshIndex

    if not store.scope.shared:
        return
    marker = folder / INDEX_MEMBER_FILE
    member = store.scope.member or ""
    try:
        held: str | None = marker.read_text(encoding="utf-8").rstrip("\n")
    except FileNotFoundError:
        held = None
    if held == member:
        return
    if held is not None:
        WhooshIndex.discard(folder)
    write_atomically(marker, member + "\n")


def adopt_member(opened: OpenDatabase, name: str) -> bool:
    """A shared library opened without a member name, the name set since (the window
    asks for it at the first comment): its reading state becomes ``name``'s from the
    next unit of work on, without reopening. The papers this member already has state
    of (set from another machine) go to the change feed, so this client's index (built
    on the shared values) takes their values. False: nothing to do (a local library, or
    a member already set: the state of a member is never switched while open)."""
    from dataclasses import replace

    from readinglist.atomic_write import write_atomically
    from readinglist.storage.member_state import own_state_ids

    store = opened.store
    if not store.scope.shared or store.scope.member is not None:
        return False
    store.scope = replace(store.scope, member=name)
    with store.unit_of_work(write=True) as uow:
        uow.touched.update(own_state_ids(uow.session, store.scope))
    write_atomically(opened.library_dir / INDEX_MEMBER_FILE, name + "\n")
    return True


def open_database(
    library_dir: LibraryLocation | None = None, on_message: Callable[[str], None] | None = None
) -> OpenDatabase:
    """Open a library without its search index (see :class:`OpenDatabase`): upgraded
    and backed up like :func:`open_library`, a third of a second faster to start."""
    from readinglist.core.library import Library

    folder = library_folder(library_dir)
    opened = _opened(folder, lambda store: OpenDatabase(folder, store, Library(store)))
    _daily_backup(folder, on_message)
    return opened


def _opened(folder: Path, make: Callable[[SqlStore], T]) -> T:
    """The database opened (upgraded if older), then what ``make`` builds on it; the
    database is closed again if that fails."""
    from readinglist.storage.store import SqlStore

    store = SqlStore.open(folder)
    try:
        return make(store)
    except BaseException:
        store.close()
        raise


def _tiny(library: Library) -> bool:
    return library.browse("", limit=0).total <= BUILD_AT_OPEN_PAPERS


def restore_library(
    library_dir: LibraryLocation | None,
    file: Path,
    on_message: Callable[[str], None] | None = None,
) -> RestoreReport:
    """Replace a library's database by a backup (the current one is copied aside first),
    then open it once, without its index: older schemas are upgraded now, the discarded
    search index is rebuilt by the next open that needs it (a search, the window).

    Not rebuilt here: the database comes back exactly as it was backed up, search
    outbox included, and restoring 100k papers takes seconds, not a minute of indexing
    that the next search would pay for again after any edit in between.
    """
    from datetime import UTC, datetime

    from readinglist.search.index import WhooshIndex
    from readinglist.storage.backups import restore

    folder = library_folder(library_dir)
    if is_shared(folder):
        from readinglist.storage.backups import PG_BACKUP_ADVICE

        raise ReadingListError(
            f"{describe_library(folder)} is a shared library: restore it on its server"
            f" ({PG_BACKUP_ADVICE}); nothing was changed"
        )
    # The index goes before the database is replaced: an index of the old database
    # left beside the restored one (a restore killed between the two) would be
    # complete, readable and wrong.
    report = restore(
        folder,
        file.expanduser(),
        datetime.now(UTC),
        before_replace=lambda: WhooshIndex.discard(folder),
    )
    if report.dropped and on_message is not None:
        on_message(f"left out {report.dropped} triggers and views that readinglist never makes")
    with open_database(folder, on_message=on_message):
        pass
    return report

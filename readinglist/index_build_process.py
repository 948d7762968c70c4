"""The search index is built in a child process, so a library opens at once.

Building the index of 20k papers takes half a minute of Python (reading the papers,
analysing their text). In the window's process, even on a thread, that work holds the
GIL the window needs for every call from Qt into Python: the window would paint late
throughout (see readinglist/import_process.py, which does the same for imports). So the
window opens the library without building (``open_library(build_index=False)``),
browses it from the database meanwhile (readinglist/core/browse.py), and a spawned
child builds the index while a thread of the window's process only waits on a pipe.

The child opens the same folder and runs ``library.indexing.rebuild``: it reads the
outbox mark and the papers, builds a new index beside the placeholder and swaps it in
(readinglist/search/index_folders.py), clears the outbox up to the mark it read, then
drains the rest: what was changed during the build. Until the swap the placeholder says
it is unfinished, so no process writes into it (``Indexing.sync`` leaves the outbox
alone) and a killed child leaves it unfinished: the next start builds again. The parent
then reopens its index handle (:func:`adopt_built_index`) and drains what was changed
since the child's last drain.

Messages from the child: ``("progress", done, total)``, ``("built", papers)``, or
``("error", one line)``. The parent may ask it to stop (the window closes): the child is
killed, which is safe: the index is only a cache, and the database is only read, but
for the outbox rows it clears in one transaction at the end.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING

from readinglist import import_process
from readinglist.app_logging import configure_logging
from readinglist.child_process import spawned
from readinglist.core.errors import ReadingListError
from readinglist.core.library import Library

if TYPE_CHECKING:
    from readinglist.app_context import OpenLibrary

Progress = Callable[[int, int], None]
Child = Callable[[str, Connection], None]

_POLL_S = 0.1  # how often the waiting thread looks at the stop request
_JOIN_S = 10.0  # a child that said it is done and does not end is killed after this
BUILD_FAILED = "the search index could not be built"

log = logging.getLogger(__name__)


class BuildStoppedError(ReadingListError):
    """The build was stopped before it ended (the window closed): the index stays
    unfinished, and the next start builds it."""


def build_in_child(
    library_dir: Path,
    progress: Progress | None = None,
    stopped: Callable[[], bool] | None = None,
    child: Child | None = None,
) -> int:
    """Build the library's search index in a fresh process (spawned: nothing of this
    one's threads or Qt is copied) and wait for it; returns the papers indexed.

    ``progress(done, total)`` relays the child's reports. When ``stopped()`` turns true
    the child is killed and :class:`BuildStoppedError` raised. A failure there is a
    :class:`ReadingListError` with a one-line message.
    """
    # The child has ended by the time its answer is read, or is killed (this side failed).
    with spawned(
        child or _child_main,
        (str(library_dir),),
        "readinglist-index-build",
        grace_s=0,
        duplex=False,
    ) as (process, receiver):
        return _wait_for(process, receiver, progress, stopped)


def _wait_for(
    process: BaseProcess,
    receiver: Connection,
    progress: Progress | None,
    stopped: Callable[[], bool] | None,
) -> int:
    while True:
        if stopped is not None and stopped():
            process.kill()  # only a cache is left unfinished
            process.join()
            raise BuildStoppedError("the search index build was stopped")
        try:
            message = receiver.recv() if receiver.poll(_POLL_S) else None
        except (EOFError, OSError):  # ended without saying it was done
            process.join(_JOIN_S)
            raise ReadingListError(
                f"{BUILD_FAILED}: the build stopped unexpectedly (exit code {process.exitcode})"
            ) from None
        if message is None:
            continue
        kind, *payload = message
        if kind == "progress":
            if progress is not None:
                progress(int(payload[0]), int(payload[1]))
        elif kind == "built":
            process.join(_JOIN_S)
            return int(payload[0])
        elif kind == "error":
            process.join(_JOIN_S)
            raise ReadingListError(f"{BUILD_FAILED}: {' '.join(str(payload[0]).split())}")


def adopt_built_index(
    opened: OpenLibrary, drain_in_child: Callable[[], object] | None = None
) -> bool:
    """In the parent, after a child built the index: reopen the index handle on the
    new folder, then drain what changed since the child's last drain (a bulk edit
    made meanwhile: by ``drain_in_child`` from import_process.CHILD_INDEX_PAPERS
    papers, as the window's big changes are). Returns whether the library can be
    searched now."""
    opened.index.reload()
    if opened.library.indexing.ready:
        if drain_in_child is not None:
            many = import_process.CHILD_INDEX_PAPERS
            with opened.store.unit_of_work() as uow:
                waiting, _ = uow.outbox(many)
            if len(waiting) >= many:
                drain_in_child()
        opened.library.indexing.sync()  # the rest (or what a child could not do)
    return opened.library.indexing.ready


def _child_main(library_dir: str, results: Connection) -> None:
    """The child: open the library, build its index, say how it went."""
    from readinglist.search.index import WhooshIndex
    from readinglist.storage.store import SqlStore

    configure_logging()
    try:
        folder = Path(library_dir)
        store = SqlStore.open(folder)
        try:
            index = WhooshIndex(folder)
            try:
                library = Library(store, index=index)
                count = _build(library, results)
            finally:
                index.close()
        finally:
            store.close()
        results.send(("built", count))
    except Exception as error:  # one line for the parent; the details to this log
        log.error("the search index build failed:\n%s", traceback.format_exc())
        results.send(("error", str(error) or type(error).__name__))
    finally:
        results.close()
    os._exit(0)  # all is closed: skip tearing down the interpreter's objects


def _build(library: Library, results: Connection) -> int:
    """Rebuild unless another process finished the index meanwhile (then only drain)."""
    if library.indexing.ready:
        library.indexing.sync()
        return library.browse("", limit=0).total
    total = library.browse("", limit=0).total
    results.send(("progress", 0, total))
    return library.indexing.rebuild(lambda done, total: results.send(("progress", done, total)))

"""Big imports run in a child process, so the window's thread keeps the interpreter.

An import is Python from end to end: parsing, SQLAlchemy and the Whoosh writers. On the
worker thread it shares the GIL with the window, which needs it for every call from Qt
into Python (a repaint makes thousands): the window then paints late, 50-110 ms behind
during a 10k import. In a child process the worker thread only waits on a pipe.

The child opens the same library folder and runs the same use case
(:meth:`Library.import_undoable`): one transaction that also writes the search outbox.
It sends the record back as soon as that is committed, then drains the outbox into the
index: a child that dies while indexing leaves only outbox rows, which the parent
drains. The parent's worker waits for it all, so there is still one writer at a time.
SQLite (WAL) and Whoosh (its write lock, generations on disk) are both made for a
second process; the parent's searcher sees the new generation on its next query. The
child never repairs an index it cannot open (the parent uses it): it leaves the outbox.
Small imports stay in-process: starting a child costs about half a second.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import traceback
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from readinglist.child_process import spawned
from readinglist.core.errors import ImportCancelledError, ReadingListError
from readinglist.core.library import Library
from readinglist.core.models import Paper
from readinglist.core.snapshots import ImportRecord
from readinglist.search.index import IndexUnavailableError

# Imports of at least this many bytes (~700 papers) run in a child process.
CHILD_IMPORT_BYTES = 1 << 20
# Papers waiting to be indexed from which a child indexes them (drain_in_child), not
# the window's writer: starting one costs about half a second; indexing 2,000 papers
# in-process, about a second, holding the interpreter from the read lane meanwhile.
CHILD_INDEX_PAPERS = 2000
_POLL_S = 0.1  # how often the waiting worker looks at the cancel button
_JOIN_S = 10.0  # a child that sent its result and does not end is stopped after this
# The papers an import met come back this many at a time: unpickling 10k of them in
# one piece holds the GIL for 80-140 ms (a frozen window), 500 take 3 ms.
_PAPERS_PER_MESSAGE = 500

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Child = Callable[[str, bytes, str, int, Connection], None]


class ChildDiedError(ReadingListError):
    """The import process ended without saying whether its transaction committed."""


def import_undoable(
    library: Library,
    library_dir: Path,
    data: bytes,
    source_name: str,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    child_min_bytes: int | None = None,
) -> ImportRecord:
    """:meth:`Library.import_undoable`, in a child process when ``data`` is big (at
    least ``child_min_bytes``, :data:`CHILD_IMPORT_BYTES` by default)."""
    if len(data) < (CHILD_IMPORT_BYTES if child_min_bytes is None else child_min_bytes):
        return library.import_undoable(data, source_name, progress, cancelled)
    mark = library.change_mark()  # nothing drains the outbox before the child replies
    try:
        return import_in_child(library_dir, data, source_name, progress, cancelled)
    except ChildDiedError as died:
        kept = library.change_mark() != mark  # it died between its commit and its reply
        outcome = "what it stored is kept, without undo" if kept else "the library is unchanged"
        raise ReadingListError(f"{died}; {outcome}") from None
    finally:
        _drain_left_over(library)


def _drain_left_over(library: Library) -> None:
    """Index what a child left in the outbox (it died, or could not open the index)."""
    try:
        library.indexing.sync()
    except Exception as error:  # the outbox keeps it for the next write or start
        log.warning("search index not caught up after an import: %s", error)


def import_in_child(
    library_dir: Path,
    data: bytes,
    source_name: str,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    child: Child | None = None,
    papers_per_message: int = _PAPERS_PER_MESSAGE,
) -> ImportRecord:
    """Run the import in a fresh process (spawned: nothing of this one's threads or Qt is
    copied) and wait for it, relaying its progress and the cancel request."""
    # Results come back through the pipe; "cancel" goes the other way.
    with spawned(
        child or _child_main,
        (str(library_dir), data, source_name, papers_per_message),
        "readinglist-import",
        grace_s=_JOIN_S,
    ) as (process, receiver):
        return _wait_for(process, receiver, source_name, progress, cancelled)


def _wait_for(
    process: BaseProcess,
    receiver: Connection,
    source_name: str,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> ImportRecord:
    """Relay messages until the child has indexed (or given up on the index)."""
    record: ImportRecord | None = None
    before: list[Paper] = []
    cancel_sent = False
    while True:
        if record is None and not cancel_sent and cancelled is not None and cancelled():
            cancel_sent = True
            with contextlib.suppress(OSError):  # it just ended: what it sent is still to read
                receiver.send("cancel")
        try:
            message = receiver.recv() if receiver.poll(_POLL_S) else None
        except (EOFError, OSError):  # ended: closed, reset (an unread cancel), broken pipe
            process.join(_JOIN_S)
            if record is not None:
                log.warning("the import process ended while indexing: the outbox keeps it")
                return record
            raise ChildDiedError(
                f"the import of {source_name} stopped unexpectedly (exit code {process.exitcode})"
            ) from None
        if message is None:
            continue
        kind, *payload = message
        if kind == "progress":
            if progress is not None:
                progress(*payload)
        elif kind == "before":
            before.extend(payload[0])
        elif kind == "done":  # committed: from here on, the import stands
            record = replace(payload[0], before=tuple(before))
        elif record is not None:  # "indexed", or indexing failed there ("error", "bug")
            if kind != "indexed":
                log.warning("the import process did not index the import: %s", payload[0])
            return record
        elif kind == "error":
            raise payload[0]
        elif kind == "bug":
            raise RuntimeError(f"the import process failed:\n{payload[0]}")


def _child_main(
    library_dir: str, data: bytes, source_name: str, per_message: int, results: Connection
) -> None:
    """The child: import (committing the outbox with it), send the record, then index;
    a message from the parent means cancel."""
    from readinglist.search.index import WhooshIndex
    from readinglist.storage.store import SqlStore

    try:
        folder = Path(library_dir)
        store = SqlStore.open(folder)
        try:
            record = Library(store).import_undoable(  # no index: the outbox keeps it
                data,
                source_name,
                progress=lambda done, total: results.send(("progress", done, total)),
                cancelled=results.poll,
            )
            met = record.before
            for start in range(0, len(met), per_message):
                results.send(("before", met[start : start + per_message]))
            results.send(("done", replace(record, before=())))
            index = WhooshIndex(folder, repair=False)
            try:
                Library(store, index=index).indexing.sync()
            finally:
                index.close()
        finally:
            store.close()
        results.send(("indexed",))
    except (ReadingListError, OSError, UnicodeError, IndexUnavailableError) as error:
        results.send(("error", _picklable(error)))
    except BaseException:
        results.send(("bug", traceback.format_exc()))
    finally:
        results.close()
    os._exit(0)  # all is closed: skip tearing down the interpreter's objects


def drain_in_child(library_dir: Path, maintain_s: float | None = None) -> int | None:
    """Index what waits in the outbox in a spawned child process (a bulk edit of
    thousands of papers: Python work that would otherwise share the window's GIL) and
    wait for it; returns the child's exit code. What it leaves, the caller drains.

    ``maintain_s``: then also run the index merges due that fit in that many seconds
    (:meth:`Library.maintain_index`), the window's idle-time maintenance."""
    with spawned(
        _drain_main, (str(library_dir), maintain_s), "readinglist-index", grace_s=None
    ) as (process, _pipe):
        process.join()
        code = process.exitcode
    if code:
        log.warning("the indexing process ended with exit code %s", code)
    return code


def _drain_main(library_dir: str, maintain_s: float | None, _pipe: Connection) -> None:
    """The child: drain the outbox into the index (the merges an edit pays for
    included; with ``maintain_s`` the bigger ones that fit too), then end."""
    from readinglist.search.index import WhooshIndex
    from readinglist.storage.store import SqlStore

    code = 0
    try:
        folder = Path(library_dir)
        store = SqlStore.open(folder)
        try:
            index = WhooshIndex(folder, repair=False)
            try:
                library = Library(store, index=index)
                library.indexing.sync()
                if maintain_s is not None:
                    library.indexing.maintain(budget_s=maintain_s)
            finally:
                index.close()
        finally:
            store.close()
    except BaseException:
        log.warning("indexing in a child process failed:\n%s", traceback.format_exc())
        code = 1
    os._exit(code)  # all is closed: skip tearing down the interpreter's objects


def _picklable(error: BaseException) -> BaseException:
    """The error itself when it survives the pipe, else a plain one with its message."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        if isinstance(error, ImportCancelledError):
            return ImportCancelledError(str(error))
        return ReadingListError(str(error))
    return error

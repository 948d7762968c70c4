"""Big imports run in a child process, so the window's thread keeps the interpreter.

An import is Python from end to end: parsing, SQLAlchemy and the Whoosh writers. On the
worker thread it shares the GIL with the window, which needs it for every call from Qt
into Python (a repaint makes thousands): the window then paints late, 50-110 ms behind
during a 10k import. In a child process the worker thread only waits on a pipe.

The child opens the same library folder and runs the same use case
(:meth:`Library.import_undoable`): one transaction, the outbox drained into the index
after commit, as in-process. The parent's worker waits for it, so there is still one
writer at a time. SQLite (WAL) and Whoosh (its write lock, generations on disk) are both
made for a second process; the parent's searcher sees the new generation on its next
query. Small imports stay in-process: starting a child costs about half a second.
"""

from __future__ import annotations

import multiprocessing
import pickle
import traceback
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

from readinglist.core.errors import ImportCancelledError, ReadingListError
from readinglist.core.library import Library
from readinglist.core.models import Paper
from readinglist.core.snapshots import ImportRecord

# Imports of at least this many bytes (~700 papers) run in a child process.
CHILD_IMPORT_BYTES = 1 << 20
_POLL_S = 0.1  # how often the waiting worker looks at the cancel button
_JOIN_S = 10.0  # a child that sent its result and does not end is stopped after this
# The papers an import met come back this many at a time: unpickling 10k of them in
# one piece holds the GIL for 80-140 ms (a frozen window), 500 take 3 ms.
_PAPERS_PER_MESSAGE = 500

Progress = Callable[[int, int], None]
Child = Callable[[str, bytes, str, Connection, int], None]


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
    try:
        return import_in_child(library_dir, data, source_name, progress, cancelled)
    finally:
        library.sync_index()  # what a child that died after its commit left in the outbox


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
    context = multiprocessing.get_context("spawn")
    receiver, childs_end = context.Pipe()  # results come back; "cancel" goes there
    process = context.Process(
        target=child or _child_main,
        args=(str(library_dir), data, source_name, childs_end, papers_per_message),
        name="readinglist-import",
        daemon=True,
    )
    process.start()
    childs_end.close()  # the child holds the only other end: its exit ends the pipe
    cancel_sent = False
    before: list[Paper] = []
    try:
        while True:
            if not cancel_sent and cancelled is not None and cancelled():
                receiver.send("cancel")
                cancel_sent = True
            if not receiver.poll(_POLL_S):
                continue
            try:
                kind, *payload = receiver.recv()
            except EOFError:
                process.join(_JOIN_S)
                raise ReadingListError(
                    f"the import of {source_name} stopped unexpectedly "
                    f"(exit code {process.exitcode}); the library is unchanged"
                ) from None
            if kind == "progress" and progress is not None:
                progress(*payload)
            elif kind == "before":
                before.extend(payload[0])
            elif kind == "done":
                record: ImportRecord = payload[0]
                return replace(record, before=tuple(before))
            elif kind == "error":
                raise payload[0]
            elif kind == "bug":
                raise RuntimeError(f"the import process failed:\n{payload[0]}")
    finally:
        receiver.close()
        process.join(_JOIN_S)
        if process.is_alive():
            process.kill()
            process.join()
        process.close()


def _child_main(
    library_dir: str, data: bytes, source_name: str, results: Connection, per_message: int
) -> None:
    """The child: open the library, import, send back the record or the error; a
    message from the parent means cancel."""
    from readinglist.app_context import OpenLibrary
    from readinglist.search.index import WhooshIndex
    from readinglist.storage.store import SqlStore

    try:
        folder = Path(library_dir)
        store = SqlStore.open(folder)
        opened = OpenLibrary(folder, store, WhooshIndex(folder))
        try:
            record = opened.library.import_undoable(
                data,
                source_name,
                progress=lambda done, total: results.send(("progress", done, total)),
                cancelled=results.poll,
            )
        finally:
            opened.close()
        met = record.before
        for start in range(0, len(met), per_message):
            results.send(("before", met[start : start + per_message]))
        results.send(("done", replace(record, before=())))
    except (ReadingListError, OSError, UnicodeError) as error:
        results.send(("error", _picklable(error)))
    except BaseException:
        results.send(("bug", traceback.format_exc()))
    finally:
        results.close()


def _picklable(error: BaseException) -> BaseException:
    """The error itself when it survives the pipe, else a plain one with its message."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        if isinstance(error, ImportCancelledError):
            return ImportCancelledError(str(error))
        return ReadingListError(str(error))
    return error

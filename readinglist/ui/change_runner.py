"""Runs the window's undoable changes on the writer, and the index's idle maintenance.

A change (:mod:`readinglist.core.undo`) is recorded and applied on the writer; when it
is done it goes on the undo stack and its :class:`Changes` are announced (the views
reload what they show of it). An undo or redo goes the same way. The papers of a big
change are indexed by a child process, so the window and the read lane keep the
interpreter while thousands of papers are indexed; after a minute without writes the
merges that edits leave for idle time run, also in a child process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QStatusBar

from readinglist import import_process
from readinglist.core.changes import Changes
from readinglist.core.library import Library
from readinglist.core.undo import Change, record_and_apply
from readinglist.ui.change_notifier import ChangeNotifier
from readinglist.ui.undo import ChangeCommand
from readinglist.ui.worker import Worker

log = logging.getLogger(__name__)

# After a minute without work the writer merges what edits leave for idle time (merges
# of 4,000 papers and more: 2-3 s each, up to 15-25 s for the largest, every ~50k
# edits), in a child process: a change made meanwhile waits for it, a search does not.
MAINTAIN_AFTER_IDLE_MS = 60_000
MAINTAIN_BUDGET_S = 30.0


class WriterHost(Protocol):
    """What every controller that changes the library needs of the window: the
    library, its writer, the undo stack, the change notifier, the status bar."""

    library: Library
    worker: Worker
    undo_stack: QUndoStack
    changes: ChangeNotifier

    @property
    def library_dir(self) -> Path: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802


class ChangeHost(WriterHost, Protocol):
    """What running a change needs of the window (a :class:`MainWindow`)."""

    @property
    def idle(self) -> bool:
        """Nothing queued on either lane, no import running, not closing."""

    def change_failed(self, error: Exception) -> None: ...


class ChangeRunner(QObject):
    def __init__(self, host: ChangeHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        # Index merges too big for an edit run when the writer has been idle a while.
        self.maintain_timer = QTimer(self, singleShot=True, interval=MAINTAIN_AFTER_IDLE_MS)
        self.maintain_timer.timeout.connect(self._maintain_index)
        host.worker.idle.connect(self.maintain_timer.start)

    def apply(self, change: Change, message: str) -> None:
        """Record the previous values and apply the change on the writer, then put it on
        the undo stack and announce what it changed."""
        host = self.host

        def done(changes: Changes) -> None:
            host.undo_stack.push(ChangeCommand(change, self.run))
            host.changes.announce(changes)
            if message:
                host.statusBar().showMessage(message, 4000)

        host.worker.submit(
            self._writing(record_and_apply(change), change), done, host.change_failed
        )

    def run(self, fn: Callable[[Library], Changes], change: Change) -> None:
        """An undo or redo: run on the writer, then announce what it changed."""
        host = self.host

        def done(changes: Changes) -> None:
            host.changes.announce(changes)
            # An undo leaves what another client changed since: the window says so,
            # as ``readinglist undo`` does.
            kept = getattr(change, "kept", ())
            if kept and fn == change.restore:
                count = f"{len(kept)} paper" if len(kept) == 1 else f"{len(kept)} papers"
                message = f"Undone: {change.text}; {count} changed since kept as they are"
                host.statusBar().showMessage(message, 8000)

        host.worker.submit(self._writing(fn, change), done, host.change_failed)

    def _writing(self, fn: Callable[[Library], Changes], change: Change) -> Callable[[], Changes]:
        """The writer's job for a change; a big one's papers are indexed by a child."""
        library, folder = self.host.library, self.host.library_dir

        def run() -> Changes:
            if len(change.ids) < import_process.CHILD_INDEX_PAPERS:
                return fn(library)
            with library.indexing.later():
                changes = fn(library)
            import_process.drain_in_child(folder)
            library.indexing.sync()  # what the child left (it died, or could not open it)
            return changes

        return run

    def _maintain_index(self) -> None:
        """Idle time: the index merges that edits leave alone, a bounded slice at a time
        (Library.maintain_index, in a child process); the writer's idle signal brings the
        next slice when more is due."""
        if not self.host.idle:
            self.maintain_timer.start()
            return
        library, folder = self.host.library, self.host.library_dir

        def maintain() -> None:
            if library.indexing.merges_due():  # else no child: the timer waits for a write
                import_process.drain_in_child(folder, maintain_s=MAINTAIN_BUDGET_S)

        self.host.worker.submit(
            maintain, None, lambda error: log.warning("index maintenance failed: %s", error)
        )

    def stop(self) -> None:
        self.maintain_timer.stop()

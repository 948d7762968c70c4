"""The search index built behind an open window: progress in the status bar, search
enabled when it is ready.

The window opens on the database at once (``open_library(build_index=False)``); when
the index is missing, damaged or of an old format, a child process builds it
(readinglist/index_build_process.py). A plain thread waits on the child's pipe, so the
worker stays free for the table's queries and the GIL for painting. Meanwhile the
library is browsed, sorted and filtered from the database, the search box is disabled
and says why, and changes wait in the outbox. When the child is done the worker
reopens the index, drains the outbox, and the current query runs again.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar

from readinglist import import_process, index_build_process
from readinglist.core.errors import ReadingListError
from readinglist.ui.widgets import named

if TYPE_CHECKING:
    from readinglist.ui.main_window import MainWindow

log = logging.getLogger(__name__)

WAITING = "Search is available once the search index is built; browsing and filters work now"
FAILED_HINT = "browsing and filters still work; the next start builds it again"


def progress_text(done: int, total: int) -> str:
    return f"Building the search index: {done:,} of {total:,} papers"


class IndexBuildController(QObject):
    """Builds the window's index in a child process when it is not ready."""

    progressed = Signal(int, int)  # from the waiting thread: papers indexed, papers
    ended = Signal(object)  # from the waiting thread: None (built) or why not (str)
    ready = Signal()  # search works now

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.label = named(QLabel(), "indexBuildStatus")
        self.bar = named(QProgressBar(), "indexBuildProgress")
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        for widget in (self.label, self.bar):
            widget.hide()
            window.statusBar().addPermanentWidget(widget)
        self.progressed.connect(self._show_progress)
        self.ended.connect(self._ended)

    @property
    def running(self) -> bool:
        """The child is building (or its result is being taken in)."""
        return self._thread is not None

    def start(self) -> None:
        """Build the index when the library was opened without one; else nothing."""
        if self._window.library.indexing.ready or self._thread is not None:
            return
        self._window.set_search_available(False, WAITING)
        self.label.setText("Building the search index…")
        self.bar.setRange(0, 0)  # busy until the child has counted the papers
        self.label.show()
        self.bar.show()
        folder = self._window.opened.library_dir
        self._thread = threading.Thread(
            target=self._wait, args=(folder,), name="readinglist-index-build", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """The window closes: kill the child (the index stays unfinished and the next
        start builds it) and wait for the waiting thread. Idempotent."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join()

    def _wait(self, folder: Path) -> None:
        """On the waiting thread: only waits on the pipe, then says how it ended."""
        try:
            index_build_process.build_in_child(
                folder, progress=self.progressed.emit, stopped=self._stop.is_set
            )
        except index_build_process.BuildStoppedError:
            return
        except ReadingListError as error:
            self.ended.emit(str(error))
            return
        except Exception as error:  # a bug here must not end the thread silently
            log.exception("the search index build failed")
            self.ended.emit(f"{index_build_process.BUILD_FAILED} ({error})")
            return
        self.ended.emit(None)

    def _show_progress(self, done: int, total: int) -> None:
        if self._stop.is_set():
            return
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        text = progress_text(done, total)
        self.label.setText(text)
        self.label.setToolTip(text)

    def _ended(self, failure: object) -> None:
        if self._stop.is_set():
            return
        if failure is not None:
            self._failed(str(failure))
            return
        opened = self._window.opened
        folder = opened.library_dir
        self._window.worker.submit(
            lambda: index_build_process.adopt_built_index(
                opened, lambda: import_process.drain_in_child(folder)
            ),
            self._adopted,
            lambda error: self._failed(f"{index_build_process.BUILD_FAILED}: {error}"),
        )

    def _adopted(self, searchable: bool) -> None:
        if not searchable:
            self._failed(f"{index_build_process.BUILD_FAILED}: it is still incomplete")
            return
        self._finish()
        self._window.set_search_available(True, "")
        self._window.statusBar().showMessage("The search index is built: search is ready", 8000)
        self._window.model.refresh()  # the current query, now answered by the index
        self.ready.emit()

    def _failed(self, message: str) -> None:
        log.warning("%s", message)
        self._finish()
        self._window.set_search_available(False, f"{message}; {FAILED_HINT}")
        self._window.statusBar().showMessage(f"{message}; {FAILED_HINT}", 15000)

    def _finish(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()  # it has emitted its last signal: ends at once
        self.label.hide()
        self.bar.hide()

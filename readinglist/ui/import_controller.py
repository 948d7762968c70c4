"""Digests into the window: paste, import files, drop, with progress and cancel.

The :class:`ImportController` runs an :class:`ImportJob` on the writer, shows its
progress in the status bar (with Cancel), reports what it did in the banner (with
Undo), puts it on the undo stack, announces its :class:`Changes`, and asks the window
to show the papers it brought. It knows the window only through :class:`ImportHost`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QProgressBar, QPushButton, QWidget

from readinglist import import_process
from readinglist.core.changes import Changes
from readinglist.core.identifier_import import identifiers_name, identifiers_only
from readinglist.core.library import Library
from readinglist.core.snapshots import ImportRecord
from readinglist.core.undo import Change, import_change
from readinglist.ui.change_runner import WriterHost
from readinglist.ui.import_banner import ImportBanner
from readinglist.ui.import_job import ImportJob, ImportOutcome, Reader
from readinglist.ui.undo import ChangeCommand
from readinglist.ui.widgets import named

DIGEST_FILTER = "Digests (*.txt *.eml *.html *.htm);;All files (*)"


class ImportHost(WriterHost, Protocol):
    """What an import needs of the window (a :class:`MainWindow`)."""

    def dialog_parent(self) -> QWidget: ...

    def show_error(self, error: Exception, prefix: str = "") -> None: ...

    def run_change(self, fn: Callable[[Library], Changes], change: Change) -> None: ...

    def show_imported(self, digest_ids: tuple[int, ...], new_ids: list[int]) -> None: ...


# A paste longer than this is a digest: it is not searched for identifiers.
IDENTIFIERS_TEXT_MAX = 64_000


def identifier_records(ids: list[str]) -> bytes:
    """What the services say about pasted identifiers, as the records an import reads
    (on the writer, like reading a file: a few requests, one every 3 s for arXiv). A
    lookup that fails is a failed import with one line, and nothing changes."""
    import threading

    from readinglist.core.errors import NotFoundError
    from readinglist.core.identifier_import import look_up_identifiers
    from readinglist.core.identity import LookupFailedError
    from readinglist.ui.resolve_thread import remote_lookup

    try:
        with remote_lookup(threading.Event()) as lookup:
            records = look_up_identifiers(lookup, ids)
    except LookupFailedError as error:
        raise NotFoundError(f"could not look the papers up: {error}") from error
    if not records.found:
        raise NotFoundError(f"neither arXiv nor Hugging Face knows {', '.join(ids)}")
    return records.content


def _import_undoable(library: Library, data: bytes, name: str, folder: Path) -> ImportRecord:
    """An import redone from the undo stack: a big one in a child process."""
    return import_process.import_undoable(library, folder, data, name)


class ImportController(QObject):
    """The imports of one window, one at a time."""

    def __init__(self, host: ImportHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        self._job: ImportJob | None = None
        self.banner = ImportBanner()
        self.progress = named(QProgressBar(), "importProgress")
        self.progress.setMaximumWidth(200)
        self.progress.setFormat("%v / %m")
        self.progress.hide()
        self.cancel_button = named(QPushButton("Cancel"), "cancelImportButton")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        self.banner.undoRequested.connect(self._undo_last)
        # Set by the window once its menus exist: off while an import runs.
        self.actions: tuple[QAction, ...] = ()

    @property
    def running(self) -> bool:
        return self._job is not None

    @property
    def job(self) -> ImportJob | None:
        return self._job

    def _say(self, text: str, ms: int = 0) -> None:
        self.host.statusBar().showMessage(text, ms)

    # --- what can be imported ----------------------------------------------------------

    def paste(self) -> None:
        self.import_text(QGuiApplication.clipboard().text(), "clipboard")

    def import_text(self, text: str, name: str) -> None:
        if not text or text.isspace():  # not strip(): no copy of a long paste here
            self._say(f"The {name} holds no text to import", 6000)
            return
        ids = identifiers_only(text) if len(text) < IDENTIFIERS_TEXT_MAX else None
        if ids:  # "2403.13043 https://arxiv.org/abs/..." : looked up, then imported
            self._start([(identifiers_name(ids), partial(identifier_records, ids))])
            return
        self._start([(name, lambda: text.encode("utf-8"))])  # encoded on the worker

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.host.dialog_parent(), "Import digest", "", DIGEST_FILTER
        )
        self.import_files([Path(name) for name in names])

    def import_files(self, paths: list[Path]) -> None:
        """Import digest files; they are read on the worker."""
        self._start([(path.name, path.read_bytes) for path in paths])

    def accepts(self, mime: QMimeData) -> bool:
        """Local files or plain text (a web page's URL is not a digest)."""
        files = [url for url in mime.urls() if url.isLocalFile()]
        wanted = bool(files) if mime.hasUrls() else mime.hasText()
        return wanted and not self.running

    def drop(self, mime: QMimeData) -> bool:
        """Dropped files are imported as digests; dropped text as a pasted digest."""
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        if files:
            self.import_files([path for path in files if path.is_file()])
        elif mime.hasText() and not mime.hasUrls():
            self.import_text(mime.text(), "dropped text")
        else:
            return False
        return True

    # --- running one ----------------------------------------------------------------------

    def _start(self, readers: list[Reader]) -> None:
        if not readers:
            return
        if self._job is not None:
            self._say("An import is running; wait for it or cancel it", 6000)
            return
        job = ImportJob(readers, self)
        job.progressed.connect(self._progressed)  # before the job can report
        self._job = job
        library, folder = self.host.library, self.host.library_dir
        for action in self.actions:
            action.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.banner.hide()
        self._say("Importing…")
        self.host.worker.submit(lambda: job.run(library, folder), self._done, self._failed)

    def cancel(self) -> None:
        """Stop the running import: its transaction is rolled back."""
        if self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self._say("Cancelling the import…")

    def _progressed(self, name: str, done: int, total: int) -> None:
        if self._job is None:
            return
        if done >= total:  # stored: the commit and the search index follow
            self.progress.setRange(0, 0)
            self.cancel_button.setEnabled(False)
            self._say(f"Indexing {name}…")
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        if not self._job.cancel_requested:
            self._say(f"Importing {name}: {done} of {total} papers")

    def _finished(self) -> None:
        if self._job is not None:
            self._job.deleteLater()
        self._job = None
        self.progress.hide()
        self.cancel_button.hide()
        for action in self.actions:
            action.setEnabled(True)

    def _failed(self, error: Exception) -> None:
        self._finished()
        self.host.statusBar().clearMessage()  # not "Importing…" any more
        self.host.show_error(error, "Import failed: ")

    def _done(self, outcome: ImportOutcome) -> None:
        self._finished()
        if outcome.cancelled:
            self._say("Import cancelled: the library is unchanged", 10000)
            return
        lines = [f"{r.summary.source_name}: {r.summary.describe()}" for r in outcome.records]
        self._say("; ".join(lines + outcome.failures), 15000)
        self.banner.show_outcome(outcome)
        if not outcome.records:
            return
        importer = partial(_import_undoable, folder=self.host.library_dir)
        change = import_change(outcome.sources, outcome.records, importer)
        self.host.undo_stack.push(ChangeCommand(change, self.host.run_change))
        self.host.changes.announce(outcome.changes)
        digests = tuple(record.summary.digest_id for record in outcome.records)
        self.host.show_imported(digests, outcome.new_ids)

    def _undo_last(self) -> None:
        """The banner's Undo: the import is on top of the stack right after it ran."""
        self.banner.hide()
        stack = self.host.undo_stack
        command = stack.command(stack.index() - 1)
        if isinstance(command, ChangeCommand) and command.text().startswith("import "):
            stack.undo()

    def shutdown(self) -> None:
        if self._job is not None:
            self._job.cancel()  # closing mid-import: nothing half done is kept

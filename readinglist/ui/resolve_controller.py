"""Looking papers up on arXiv and Hugging Face from the window, in the background.

The Tools menu (and the table's context menu) looks up the selected papers or every
pending one; with "Look up new papers automatically" on (the default, kept in the
settings) an import's new papers are looked up as soon as it is done. The use case is
:func:`readinglist.core.resolve_cases.resolve`, as for ``readinglist resolve``.

**Why a thread of its own, not the writer.** The services are slow on purpose (arXiv
asks for one request every 3 s): a run over a digest takes minutes, and on the single
writer (:mod:`readinglist.ui.worker`) it would hold every edit behind it. ``resolve``
asks the network outside any transaction and writes each chunk of 25 papers in one
short write transaction (SQLite in WAL mode, the write lock taken per transaction), so
it runs beside the writer and the read lane: an edit waits at most for one chunk's
write, a search for nothing. Each chunk's :class:`~readinglist.core.changes.Changes`
come to the GUI thread through a queued signal and are announced by the window's
:class:`~readinglist.ui.change_notifier.ChangeNotifier`, so rows fill in as chunks land.

**Stopping.** Stop (the status bar's button, Esc, or closing the window) sets an event:
``resolve`` checks it between chunks, the lookup before each request
(:class:`~readinglist.ui.resolve_thread.LookupStoppedError`), and the real lookup's
waits for its rate limit and retries wake on it, so a stop takes effect once the
request under way is answered (at worst its timeout, 20 s), not after the chunk (25
title searches: over a minute). What was not looked up is queued for the next run.

**Offline.** ``resolve`` stops at the first unreachable service and queues the rest;
the window says so once, in the status bar, never in a dialog, asks nothing more
until the session ends, and (with automatic lookups on) tries those papers again after
:data:`OFFLINE_RETRY_MS`. "Look up all pending" takes them too.

**Across restarts.** What is queued, and what failed with a retry time, is kept in the
database (the ``resolve_state`` table), not in this object: with automatic lookups on,
a window that starts reads it on the read lane (:meth:`Identity.resumable`) and looks
those papers up again, and comes back when the next failed one is due. Papers never
looked up are not taken (a library from before lookups existed would ask the services
about every paper at each start): "Look up all pending" or ``readinglist resolve`` does.

**Not undoable.** A lookup fills only what is absent and refreshes only what an earlier
lookup said (:func:`readinglist.core.metadata.may_replace`); the user's own and imported
values are never touched, so there is nothing of the user's to give back and the runs
stay off the undo stack. Undoing an import gives the papers it met their facts as they
were before it, lookups' included (:mod:`readinglist.core.fact_restore`).

Progress and summaries go to a label of their own in the status bar (not its temporary
message), so an import's summary or an edit's message is never overwritten by a
lookup that runs for minutes beside it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Final, Protocol

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QProgressBar, QPushButton, QStatusBar, QWidget

from readinglist.core.changes import Changes
from readinglist.core.library import Library
from readinglist.core.resolve_cases import ResolveReport
from readinglist.ui.change_notifier import ChangeNotifier
from readinglist.ui.crash_dialog import is_expected, report_exception
from readinglist.ui.resolve_thread import (
    LookupFactory,
    LookupRequest,
    Requests,
    ResolveThread,
    remote_lookup,
)
from readinglist.ui.widgets import named
from readinglist.ui.window_settings import auto_lookup_enabled, save_auto_lookup
from readinglist.ui.worker import Worker

log = logging.getLogger(__name__)

SUMMARY_MS: Final = 30_000  # how long a run's summary stays in the status bar
# With automatic lookups on, papers queued while offline are asked about again this
# long after (and again after that while still offline: quietly, no message storm).
OFFLINE_RETRY_MS: Final = 10 * 60_000
DAY_MS: Final = 24 * 3600_000  # a failed paper due later than this: asked at the next start


class ResolveHost(Protocol):
    """What looking papers up needs of the window (a :class:`MainWindow`)."""

    library: Library
    changes: ChangeNotifier
    reader: Worker  # the read lane: what is left to resume is read there

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def selected_ids(self) -> list[int]: ...


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def merged(first: ResolveReport, then: ResolveReport) -> ResolveReport:
    """Two runs of one thread as one (its summary is one line)."""
    return ResolveReport(
        first.matched + then.matched,
        first.unmatched + then.unmatched,
        first.queued + then.queued,
        first.failed + then.failed,
        first.kept + then.kept,
        then.message or first.message,
    )


def summary(report: ResolveReport, stopped: bool) -> str:
    """The one line that ends a thread's runs."""
    if stopped:
        return f"Lookup stopped: {replace(report, message=None).describe()}"
    if not (report.matched or report.unmatched or report.failed or report.queued):
        return "Nothing to look up: every paper has been looked up"
    return f"Lookup done: {report.describe()}"


class ResolveController(QObject):
    """The lookups of one window: one thread at a time, its requests in order."""

    def __init__(self, host: ResolveHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        # What opens the services on the lookup's thread; tests give a fake.
        self.lookup_factory: LookupFactory = remote_lookup
        self._thread: ResolveThread | None = None
        self._requests: Requests | None = None
        self._stop = threading.Event()
        self._later: list[LookupRequest] = []  # made while a thread was stopping
        self._offline_ids: set[int] = set()  # queued by this thread's offline runs
        self._report = ResolveReport()  # this thread's runs, merged
        self._failed_run = False  # this thread failed: its message stays
        self._retry_ids: set[int] = set()  # to ask again when the retry timer fires
        self._closed = False
        self.status = named(QLabel(), "lookupStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        self.progress = named(QProgressBar(), "lookupProgress")
        self.progress.setMaximumWidth(120)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.stop_button = named(QPushButton("Stop"), "stopLookupButton")
        self.stop_button.setToolTip("Stop looking papers up (Esc); the rest is queued")
        self.stop_button.hide()
        self.stop_button.clicked.connect(self.stop)
        self.clear_timer = QTimer(self, singleShot=True, interval=SUMMARY_MS)
        self.clear_timer.timeout.connect(self.status.hide)
        self.retry_timer = QTimer(self, singleShot=True, interval=OFFLINE_RETRY_MS)
        self.retry_timer.timeout.connect(self._retry)
        # Resumes what earlier runs (earlier sessions too) left: at once after start-up,
        # then when the next failed paper is due.
        self.resume_timer = QTimer(self, singleShot=True, interval=0)
        self.resume_timer.timeout.connect(self.resume)
        self.resume_timer.start()

        self.selected_action = named(
            QAction("Look &up on arXiv and Hugging Face", parent), "lookUpSelectedAction"
        )
        self.selected_action.setToolTip("Find the selected papers' authors, dates and code")
        self.selected_action.triggered.connect(self.look_up_selected)
        self.pending_action = named(QAction("Look up all &pending", parent), "lookUpPendingAction")
        self.pending_action.triggered.connect(self.look_up_pending)
        self.stop_action = named(QAction("&Stop looking up", parent), "stopLookupAction")
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_action.setEnabled(False)  # a disabled action leaves Esc to the others
        self.stop_action.triggered.connect(self.stop)
        self.automatic_action = named(
            QAction("Look up new papers &automatically", parent), "autoLookupAction"
        )
        self.automatic_action.setCheckable(True)
        self.automatic_action.setChecked(auto_lookup_enabled())
        self.automatic_action.toggled.connect(self._automatic_toggled)

    # --- what the window shows of it ----------------------------------------------

    def status_widgets(self) -> tuple[QWidget, ...]:
        """The status bar's permanent widgets: the label, the progress bar, Stop."""
        return (self.status, self.progress, self.stop_button)

    def add_menu_items(self, menu: QMenu) -> None:
        menu.addAction(self.selected_action)
        menu.addAction(self.pending_action)
        menu.addAction(self.stop_action)
        menu.addSeparator()
        menu.addAction(self.automatic_action)

    def add_context_items(self, menu: QMenu) -> None:
        """The table's context menu: look the selection up."""
        menu.addAction(self.selected_action)

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def automatic(self) -> bool:
        return self.automatic_action.isChecked()

    # --- asking for a lookup -------------------------------------------------------

    def look_up_selected(self) -> None:
        ids = self.host.selected_ids()
        if not ids:
            self._say("Select the papers to look up first")
            return
        self.submit(LookupRequest(tuple(ids)))

    def look_up_pending(self) -> None:
        self.submit(LookupRequest(None))

    def papers_imported(self, new_ids: Sequence[int]) -> None:
        """An import finished: its new papers are looked up, unless the user said not to."""
        if new_ids and self.automatic:
            self.submit(LookupRequest(tuple(new_ids), automatic=True))

    def submit(self, request: LookupRequest) -> None:
        """Look these papers up: now, or after the runs already asked for."""
        if self._closed:
            return
        if self._thread is None:
            self._start(request)
        elif self._stop.is_set() or self._requests is None or not self._requests.offer(request):
            self._later.append(request)  # started when the stopping thread has ended
        elif not request.automatic:
            self._say("These papers are looked up after the lookup under way")

    def stop(self) -> None:
        """Stop the running lookup and forget those asked for after it; what was not
        looked up is queued for the next run."""
        if self._thread is None or self._stop.is_set():
            return
        self._stop.set()
        self._later.clear()
        self.retry_timer.stop()
        self.stop_button.setEnabled(False)
        self.stop_action.setEnabled(False)
        self._show("Stopping the lookup…", keep=True)

    def shutdown(self) -> None:
        """The window closes: stop, and wait for the thread (it queues what it did not
        look up and closes the lookup) before the library is closed. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.retry_timer.stop()
        self.resume_timer.stop()
        self.clear_timer.stop()
        self._later.clear()
        self._stop.set()
        if self._thread is not None:
            self._thread.wait()
            self._thread = None

    # --- the thread ------------------------------------------------------------------

    def _start(self, request: LookupRequest) -> None:
        self._stop = threading.Event()
        self._requests = Requests(request)
        self._offline_ids = set()
        self._report = ResolveReport()
        self._failed_run = False
        thread = ResolveThread(
            self.host.library.identity, self.lookup_factory, self._requests, self._stop, self
        )
        queued = Qt.ConnectionType.QueuedConnection
        thread.begun.connect(self._begun, queued)
        thread.progressed.connect(self._progressed, queued)
        thread.changed.connect(self._changed, queued)
        thread.done.connect(self._done, queued)
        thread.failed.connect(self._failed, queued)
        thread.ended.connect(self._ended, queued)
        self._thread = thread
        self.progress.setRange(0, 0)
        self.progress.show()
        self.stop_button.setEnabled(True)
        self.stop_button.show()
        self.stop_action.setEnabled(True)
        self._show("Looking up…", keep=True)
        thread.start()

    def _begun(self, total: int) -> None:
        if self._closed:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        if not self._stop.is_set():
            self._show(f"Looking up 0 of {total}…", keep=True)

    def _progressed(self, done: int, total: int) -> None:
        if self._closed:
            return
        self.progress.setValue(done)
        if not self._stop.is_set():
            self._show(f"Looking up {done} of {total}…", keep=True)

    def _changed(self, changes: Changes) -> None:
        if not self._closed:
            self.host.changes.announce(changes)

    def _done(self, report: ResolveReport, offline: bool) -> None:
        if self._closed:
            return
        if offline:  # said once, when the thread ends
            self._offline_ids.update(report.queued)
            return
        self._retry_ids.difference_update(report.matched + report.unmatched + report.failed)
        self._report = merged(self._report, report)

    def _failed(self, error: Exception) -> None:
        if self._closed:
            return
        self._failed_run = True
        if is_expected(error):
            log.warning("lookup failed: %s", error)
            self._show(f"Lookup failed: {error}")
        else:  # a bug: the log and the crash dialog
            self._show("Lookup failed")
            report_exception(error)

    def _ended(self, thread: ResolveThread) -> None:
        thread.wait()  # it has emitted its last signal: returns at once
        thread.deleteLater()
        if self._thread is not thread or self._closed:
            return
        self._thread = None
        self._requests = None
        self.progress.hide()
        self.stop_button.hide()
        self.stop_action.setEnabled(False)
        if self._offline_ids:
            self._went_offline(len(self._offline_ids))
        elif not self._failed_run:
            self._show(summary(self._report, self._stop.is_set()))
        later, self._later = self._later, []
        for request in later:
            self.submit(request)

    def _went_offline(self, queued: int) -> None:
        """One quiet message for the whole thread's runs, and a retry later."""
        self._retry_ids.update(self._offline_ids)
        if self.automatic:
            when = "they are looked up when you are back online"
            self.retry_timer.start(OFFLINE_RETRY_MS)
        else:
            when = "Tools ▸ Look up all pending resumes when you are back online"
        # Short in the status bar (at 1024 px it shared the line with the counts and
        # the last message and cut both); the whole sentence is its tooltip.
        self._show(
            f"Offline: {queued} queued", tip=f"Offline: {_plural(queued, 'paper')} queued; {when}"
        )

    def resume(self) -> None:
        """With automatic lookups on, look up again what runs left (queued, failed and
        due), read from the database on the read lane: it outlives the session."""
        if self._closed or not self.automatic:
            return
        self.host.reader.submit(self.host.library.identity.resumable, self._resumable)

    def _resumable(self, found: tuple[list[int], timedelta | None]) -> None:
        ids, wait = found
        if self._closed or not self.automatic:
            return
        if wait is not None and wait.total_seconds() * 1000 < DAY_MS:
            self.resume_timer.start(max(1000, int(wait.total_seconds() * 1000) + 1000))
        if ids:
            self.submit(LookupRequest(tuple(ids), automatic=True))

    def _retry(self) -> None:
        if self._closed or not self._retry_ids or not self.automatic:
            return
        ids, self._retry_ids = sorted(self._retry_ids), set()
        self.submit(LookupRequest(tuple(ids), automatic=True))

    def _automatic_toggled(self, on: bool) -> None:
        save_auto_lookup(on)
        if not on:
            self.retry_timer.stop()

    # --- the status bar --------------------------------------------------------------

    def _show(self, text: str, keep: bool = False, tip: str | None = None) -> None:
        """The lookup's own label; a summary goes away after :data:`SUMMARY_MS`."""
        self.status.setText(text)
        self.status.setToolTip(text if tip is None else tip)
        self.status.show()
        if keep:
            self.clear_timer.stop()
        else:
            self.clear_timer.start()

    def _say(self, text: str) -> None:
        self.host.statusBar().showMessage(text, 4000)

"""Live refresh of a window on a shared library: another member's change shows within 2 s.

A thread of its own waits on the library's :class:`ChangeListener` (``LISTEN`` on the
change channel, or polling where listening fails); when changes wait it tells the GUI
thread, which asks the window to catch up (:meth:`MainWindow.catch_up`): the writer
reads the change feed into this client's index and the window announces
``OUTSIDE_CHANGES`` to every view. Bursts of notifications (an import of 200 papers
commits once per batch) are coalesced into one catch-up per ``COALESCE_MS``.

The listener holds a connection of its own (a notification comes on the connection
that listens), never a pooled one, so the window's reads and writes never wait for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QStatusBar
from sqlalchemy import Engine

from readinglist.core.indexing import Indexing, catch_up_text
from readinglist.storage.change_feed import ChangeListener

log = logging.getLogger(__name__)

WAIT_S = 0.25  # how long the thread waits at a time: how quickly it stops
POLL_S = 1.0  # a client that cannot listen reads the feed this often
COALESCE_MS = 100


class _ListenThread(QThread):
    """Waits for notifications until stopped; emits ``arrived`` when changes wait."""

    arrived = Signal()

    def __init__(self, engine: Engine, poll_s: float) -> None:
        super().__init__()
        self._engine = engine
        self._poll_s = poll_s
        self._stop = threading.Event()
        self.listening: bool | None = None  # known once the thread has connected

    def run(self) -> None:
        listener = ChangeListener(self._engine, poll_s=self._poll_s)
        self.listening = listener.listening
        try:
            while not self._stop.is_set():
                timeout = WAIT_S if listener.listening else min(WAIT_S, self._poll_s)
                if listener.wait(timeout) and not self._stop.is_set():
                    self.arrived.emit()
        except Exception:  # a listener that fails must not take the window with it
            log.exception("live refresh stopped; changes show when the window is activated")
        finally:
            listener.close()

    def stop(self) -> None:
        self._stop.set()


class SharedRefresh(QObject):
    """Started by the window on a shared library; :meth:`stop` before it closes."""

    refreshRequested = Signal()  # noqa: N815  (the window catches up on it)

    def __init__(
        self,
        engine: Engine,
        catch_up: Callable[[], None],
        parent: QObject | None = None,
        poll_s: float = POLL_S,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sharedRefresh")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self.refreshRequested)
        self.refreshRequested.connect(catch_up)
        self._thread = _ListenThread(engine, poll_s)
        self._thread.arrived.connect(self._arrived)  # queued: to the GUI thread
        self._thread.start()

    @property
    def listening(self) -> bool | None:
        """LISTEN works (True), polling (False), not connected yet (None)."""
        return self._thread.listening

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    def _arrived(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        """Stop listening (waits at most ``WAIT_S`` for the thread). Idempotent."""
        self._timer.stop()
        self._thread.stop()
        self._thread.wait()


def start_shared_refresh(
    engine: Engine, shared: bool, catch_up: Callable[[], None], parent: QObject
) -> SharedRefresh | None:
    """A live refresh for a window on a shared library; None for a local (SQLite) one,
    which has no other clients to hear from (a command line's changes are caught up
    when the window is activated)."""
    if not shared:
        return None
    return SharedRefresh(engine, catch_up, parent)


class CatchUpStatus(QObject):
    """A full catch-up's progress in the window's status bar: a client away longer than
    the shared library keeps its changes re-indexes every paper (core/indexing.py),
    about a millisecond a paper, on the writer; this says so while it runs."""

    progressed = Signal(int, int)  # from the writer's thread: papers re-indexed, papers

    def __init__(self, bar: QStatusBar, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("catchUpStatus")
        self._bar = bar
        self.progressed.connect(self._show)  # queued: to the GUI thread

    def _show(self, done: int, total: int) -> None:
        finished = done >= total
        self._bar.showMessage(catch_up_text(done, total), 10000 if finished else 0)


def watch_catch_up(
    indexing: Indexing, bar: QStatusBar, catch_up: Callable[[], None], parent: QObject
) -> CatchUpStatus:
    """Show every full catch-up's progress from now on, and run the one the library's
    open left for the window (``open_library(build_index=False)`` defers it)."""
    status = CatchUpStatus(bar, parent)
    indexing.catch_up_progress = status.progressed.emit
    indexing.defer_full_catch_up = False
    if indexing.full_catch_up_due:
        catch_up()
    return status

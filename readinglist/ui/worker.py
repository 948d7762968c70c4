"""A background thread for database and index work: the window has two of them, the
writer (every change, in order) and the read lane (pages, searches, counts).

Jobs run one at a time, in the order submitted, on a single :class:`QThread`. Their
callbacks run on the GUI thread: the thread emits a signal carrying the job number and
its result, and the :class:`Worker` (a GUI-thread object) hands it to the callback.
After two seconds without a job the thread runs the garbage collector's full
collection, if one is due (:mod:`readinglist.ui.pauses`).
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

from readinglist.ui import pauses
from readinglist.ui.crash_dialog import is_expected, report_exception

T = TypeVar("T")
log = logging.getLogger(__name__)

_STOP = None


@dataclass(frozen=True, slots=True)
class _Job:
    number: int
    fn: Callable[[], Any]


class _Thread(QThread):
    """Runs jobs from the queue until it gets the stop marker."""

    done = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self, jobs: queue.SimpleQueue[_Job | None]) -> None:
        super().__init__()
        self._jobs = jobs

    def run(self) -> None:
        # The lanes run at the window's priority: a nicer worker holding the GIL was
        # preempted by other processes and the GUI thread waited for the GIL meanwhile
        # (benchmarks/gui.py --size 3000 under two busy loops, load ~6: max stall
        # 1383-1986 ms niced, 490 ms at normal priority).
        while (job := self._next_job()) is not _STOP:
            try:
                result = job.fn()
            except Exception as error:  # reported to the GUI thread, never lost
                self.failed.emit(job.number, error)
            else:
                self.done.emit(job.number, result)

    def _next_job(self) -> _Job | None:
        """The next job; a full garbage collection first if none came for a while."""
        try:
            return self._jobs.get(timeout=pauses.IDLE_BEFORE_COLLECTING_S)
        except queue.Empty:
            pauses.collect_if_due()
            return self._jobs.get()


class Worker(QObject):
    """``submit(fn, on_done, on_error)``: fn runs on the worker, callbacks on the GUI thread."""

    idle = Signal()
    error = Signal(str)  # a failed job without its own error callback, the user's to fix

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._callbacks: dict[
            int, tuple[Callable[[Any], None] | None, Callable[[Exception], None] | None]
        ] = {}
        self._next = 0
        self._stopped = False
        self._thread = _Thread(self._jobs)
        # Connected before the thread starts: no result can be emitted unheard.
        self._thread.done.connect(self._on_done)
        self._thread.failed.connect(self._on_failed)
        self._thread.start()

    @property
    def pending(self) -> int:
        """Jobs submitted whose callbacks have not run yet."""
        return len(self._callbacks)

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    def submit(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        if self._stopped:
            raise RuntimeError("the worker was shut down")
        self._next += 1
        self._callbacks[self._next] = (on_done, on_error)
        self._jobs.put(_Job(self._next, fn))

    def call(self, fn: Callable[[], T]) -> T:
        """Run fn on the worker and wait for its result (or exception) here."""
        future: Future[T] = Future()

        def job() -> None:
            try:
                future.set_result(fn())
            except Exception as error:
                future.set_exception(error)

        self.submit(job)
        return future.result()

    def shutdown(self) -> None:
        """Let queued jobs finish, then stop the thread and wait for it. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._jobs.put(_STOP)
        self._thread.wait()
        self._callbacks.clear()

    @Slot(int, object)
    def _on_done(self, number: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(number, (None, None))
        if on_done is not None and not self._stopped:
            on_done(result)
        self._maybe_idle()

    @Slot(int, object)
    def _on_failed(self, number: int, error: Exception) -> None:
        _, on_error = self._callbacks.pop(number, (None, None))
        if self._stopped:
            return
        if on_error is not None:
            on_error(error)
        elif is_expected(error):
            log.warning("background job failed: %s", error)
            self.error.emit(str(error) or type(error).__name__)
        else:  # a bug: the log and the crash dialog (see crash_dialog.py)
            report_exception(error)
        self._maybe_idle()

    def _maybe_idle(self) -> None:
        if not self._callbacks and not self._stopped:
            self.idle.emit()

"""The lookup's own thread: ``resolve`` beside the writer, its answers through signals.

:class:`ResolveThread` runs :func:`readinglist.core.resolve_cases.resolve` for each
:class:`LookupRequest` in turn, with one lookup (so one rate limiter spaces every
request to a service) opened and closed on this thread by a :data:`LookupFactory`: the
real lookup's HTTP client and SQLite cache belong to the thread that opened them. Each
chunk's committed :class:`~readinglist.core.changes.Changes`, the progress and each
run's report go to the GUI thread through queued signals
(:mod:`readinglist.ui.resolve_controller` shows them). Why not the writer, and how a
stop reaches a request under way: see that module.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QObject, QThread, Signal

from readinglist.core.identity import Found, LookupOfflineError, PaperLookup
from readinglist.core.resolve_cases import Identity, ResolveReport, resolve

if TYPE_CHECKING:
    from readinglist.remote import RemoteConfig

STOPPED: Final = "Stopped."

# Opens the services on the lookup's thread (the real one holds an HTTP client and a
# SQLite cache, both of that thread); the event is set when the user stops or the window
# closes: a lookup may wake its waits on it.
LookupFactory = Callable[[threading.Event], AbstractContextManager[PaperLookup]]


class LookupStoppedError(LookupOfflineError):
    """The user stopped the lookup (or closed the window): ``resolve`` treats it as the
    network going away, so it stops at once and queues what is left."""


def remote_lookup(
    stop: threading.Event, config: RemoteConfig | None = None
) -> AbstractContextManager[PaperLookup]:
    """arXiv, Hugging Face and Semantic Scholar (``readinglist.remote``; ``config``: the
    defaults, the endpoints from the environment), whose waits between requests and
    between retries end when ``stop`` is set. Imported here, on the lookup's thread:
    httpx stays out of the window's start-up."""
    from readinglist.locations import lookup_cache_dir
    from readinglist.remote import RemoteConfig, open_lookup

    def sleep(seconds: float) -> None:
        if stop.wait(seconds):
            raise LookupStoppedError(STOPPED)

    base = config if config is not None else RemoteConfig()
    return open_lookup(lookup_cache_dir(), config=replace(base, sleep=sleep))


class _Stoppable:
    """A lookup that refuses to ask once ``stop`` is set (between two requests)."""

    def __init__(self, lookup: PaperLookup, stop: threading.Event) -> None:
        self._lookup = lookup
        self._stop = stop

    def by_arxiv_ids(self, arxiv_ids: Sequence[str]) -> dict[str, list[Found]]:
        self._check()
        return self._lookup.by_arxiv_ids(arxiv_ids)

    def by_title(self, title: str) -> list[Found]:
        self._check()
        return self._lookup.by_title(title)

    def _check(self) -> None:
        if self._stop.is_set():
            raise LookupStoppedError(STOPPED)


@dataclass(frozen=True, slots=True)
class LookupRequest:
    """Papers to look up: ``ids``, or every pending paper (None: read on the thread)."""

    ids: tuple[int, ...] | None
    automatic: bool = False


class Requests:
    """The requests of one thread, handed over under a lock.

    A request made while the thread still takes them joins it: one lookup, so one rate
    limiter spaces every request to a service. Once the thread finds none left it is
    closed, and the next request starts a new thread: none is ever left unheard.
    """

    def __init__(self, first: LookupRequest) -> None:
        self._lock = threading.Lock()
        self._waiting = deque([first])
        self._open = True

    def offer(self, request: LookupRequest) -> bool:
        with self._lock:
            if self._open:
                self._waiting.append(request)
            return self._open

    def take(self) -> LookupRequest | None:
        with self._lock:
            if self._waiting:
                return self._waiting.popleft()
            self._open = False
            return None

    def close(self) -> None:
        with self._lock:
            self._open = False
            self._waiting.clear()


class ResolveThread(QThread):
    """Runs ``resolve`` for each request in turn; reports through queued signals."""

    begun = Signal(int)  # papers in the run that starts
    progressed = Signal(int, int)  # papers done, papers in the run
    changed = Signal(object)  # one chunk's Changes, committed
    done = Signal(object, bool)  # the run's ResolveReport; whether it found us offline
    failed = Signal(object)  # an exception: the runs left are dropped
    ended = Signal(object)  # this thread, done: its last signal

    def __init__(
        self,
        identity: Identity,
        factory: LookupFactory,
        requests: Requests,
        stop: threading.Event,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._identity = identity
        self._factory = factory
        self._requests = requests
        self._stop = stop
        self._offline: str | None = None  # why, once a run found the network away

    def run(self) -> None:
        # Not made nicer than the window's thread, unlike the writer and the read lane:
        # this thread mostly waits for the network (the GIL released), and its short
        # Python work (a chunk's write) holds the GIL. Niced, on a loaded machine, it was
        # preempted while holding it and the window's thread waited for it
        # (benchmarks/gui_lookup.py beside two busy loops, load 5-8: p99 stall 60-158 ms,
        # runs of 25-49 s; at the window's priority p99 23-42 ms, runs of 8-10 s. The
        # longest stall still follows the machine's load: 90-497 ms against 192-343 ms.)
        try:
            with self._factory(self._stop) as opened:
                lookup = _Stoppable(opened, self._stop)
                while (request := self._requests.take()) is not None:
                    self._run(lookup, request)
        except Exception as error:  # reported on the GUI thread, never lost
            self.failed.emit(error)
        finally:
            self._requests.close()
            self.ended.emit(self)

    def _run(self, lookup: PaperLookup, request: LookupRequest) -> None:
        identity = self._identity
        ids = list(request.ids) if request.ids is not None else identity.pending()
        self.begun.emit(len(ids))
        if ids and self._offline is not None:  # asked nothing more once offline
            identity.queue(ids, self._offline)
            self.done.emit(ResolveReport(queued=tuple(ids), message=self._offline), True)
            return
        report = resolve(
            identity,
            lookup,
            ids,
            progress=self.progressed.emit,
            cancelled=self._stop.is_set,
            on_changes=self.changed.emit,
        )
        offline = bool(report.queued) and not self._stop.is_set()
        if offline:
            self._offline = report.message or "offline"
        self.done.emit(report, offline)

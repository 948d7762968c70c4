"""A rebuild's text analysis in a worker process, while this process writes the index.

Building an index is two halves of Python of about the same cost: turning papers into
documents and their text into term ids and postings (:mod:`readinglist.search.gathering`),
and reading the papers, writing the per-document files and the postings (the bulk
writer). One interpreter runs them one after the other, on one core; a second process
runs the first half for batches of papers while this one writes the ones before, so a
two-core machine builds in little more than the time of the slower half.

Why a process and not a thread: both halves hold the GIL. Why the output is the same
bytes as in one process: one worker analyses every batch in order with an analyser
made from the writer's spec, as the writer's own analyser would, and each batch carries
the ids it gave (``AnalysedBatch.vocabulary``; the writer refuses a batch that does not
follow on from the ones before).

The worker is started with the ``spawn`` method, never ``fork``: the caller may be a
process with Qt loaded or threads running, and a forked copy of those can deadlock. A
start costs about a second (the worker imports NumPy and Whoosh), so libraries smaller
than :data:`PARALLEL_FROM` papers, and any process that cannot have children (a daemonic
one, such as the window's index-building child) or cannot start one, analyse in
process. Papers are sent in batches of :data:`BATCH`, at most :data:`AHEAD` batches
beyond the one being written (memory stays bounded while this process writes a
segment). The worker ignores Ctrl-C (this process decides: it stops sending and ends
the worker), and ends itself when this process dies (a killed build).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from multiprocessing.connection import wait
from typing import Any, TypeVar

from readinglist.search.gathering import AnalysedBatch, AnalyserSpec, DocumentAnalyser

log = logging.getLogger(__name__)

T = TypeVar("T")

# Papers from which a rebuild analyses in a worker process: below, the worker's start
# (about a second) would cost more than it saves. Read at each rebuild (tests lower it).
PARALLEL_FROM = 5_000
# Papers per batch: big enough that sending one costs little next to analysing it.
BATCH = 500
# Batches sent ahead of the one being written: the worker keeps analysing while this
# process writes a segment (a few seconds), and at most this many wait in memory.
AHEAD = 40


def analysed_batches(
    items: Iterable[T],
    to_fields: Callable[[T], dict[str, Any]],
    analyser: DocumentAnalyser,
    parallel: bool,
    batch: int = BATCH,
) -> Generator[AnalysedBatch, None, None]:
    """``items`` as documents (``to_fields``, a module-level function: a worker gets
    it by name), analysed in batches of ``batch``, in order: in a worker process when
    ``parallel`` (and possible), else by ``analyser`` here. Close the iterator (or
    exhaust it) to end the worker: ``contextlib.closing``."""
    chunks = _chunks(items, batch)
    executor = _worker(analyser, to_fields) if parallel else None
    if executor is not None:
        try:
            chunks = yield from _in_worker(executor, chunks)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
    for chunk in chunks:  # all of them, or those a worker that never started left
        yield analyser.analyse([to_fields(item) for item in chunk])


def _in_worker(
    executor: ProcessPoolExecutor, chunks: Iterator[list[T]]
) -> Generator[AnalysedBatch, None, Iterator[list[T]]]:
    """Each chunk analysed by the worker, in order; returns what is left to analyse
    here: nothing, or every chunk when the worker could not start (before any result)."""
    pending: deque[tuple[list[T], Future[AnalysedBatch]]] = deque()
    started = False

    def oldest() -> AnalysedBatch:
        nonlocal started
        result = pending[0][1].result()
        pending.popleft()
        started = True
        return result

    unsent: list[list[T]] = []
    try:
        for chunk in chunks:
            unsent.append(chunk)
            pending.append((chunk, executor.submit(_analyse, chunk)))
            unsent.clear()
            if len(pending) > AHEAD:
                yield oldest()
        while pending:
            yield oldest()
    except BrokenProcessPool as error:
        if started:
            raise
        log.warning("indexing in one process: the worker process did not start (%s)", error)
        return chain((chunk for chunk, _future in pending), unsent, chunks)
    return iter(())


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _worker(
    analyser: DocumentAnalyser, to_fields: Callable[[Any], dict[str, Any]]
) -> ProcessPoolExecutor | None:
    """A started worker process, or None when analysis has to stay here."""
    if not analyser.fresh:  # the worker's ids would start again from zero
        return None
    if multiprocessing.current_process().daemon:
        log.info("indexing in one process: a daemonic process cannot start a worker")
        return None
    try:
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(analyser.spec, to_fields),
        )
    except (OSError, ImportError, NotImplementedError) as error:  # e.g. no semaphores
        log.warning("indexing in one process: no worker process (%s)", error)
        return None


# --- in the worker -----------------------------------------------------------------------

_state: dict[str, Any] = {}


def _start(spec: AnalyserSpec, to_fields: Callable[[Any], dict[str, Any]]) -> None:
    """The worker's initializer: its analyser, Ctrl-C left to the parent, and an end
    when the parent ends (a parent killed before it could end the worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _state["analyser"] = DocumentAnalyser(spec)
    _state["to_fields"] = to_fields
    process = multiprocessing.parent_process()
    if process is not None:
        threading.Thread(
            target=_exit_with, args=(process.sentinel,), name="parent-watch", daemon=True
        ).start()


def _exit_with(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)


def _analyse(items: list[Any]) -> AnalysedBatch:
    to_fields = _state["to_fields"]
    analyser: DocumentAnalyser = _state["analyser"]
    return analyser.analyse([to_fields(item) for item in items])

"""The window's process: full garbage collections only when the worker is idle."""

from __future__ import annotations

import gc
import os
import sys
import threading
import weakref
from collections.abc import Iterator

import pytest

from readinglist.ui import pauses
from readinglist.ui.worker import Worker


class Node:
    """A cycle: reference counting alone never frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The window's settings, without freezing the test process's objects."""
    thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
    monkeypatch.setattr(gc, "freeze", lambda: None)
    pauses.settle_after_startup()
    yield
    gc.set_threshold(*thresholds)
    sys.setswitchinterval(interval)


def old_garbage() -> weakref.ref[Node]:
    """A cycle moved to the oldest generation, then dropped."""
    node = Node()
    gc.collect(1)  # survives the young generations: now in the oldest
    ref = weakref.ref(node)
    del node
    return ref


def young_collections(count: int) -> None:
    for _ in range(count):
        gc.collect(1)  # what many allocations would trigger; it counts towards a full one


@pytest.mark.usefixtures("settled")
def test_startup_settles_the_switch_interval_and_hands_full_collections_over() -> None:
    assert sys.getswitchinterval() == pytest.approx(pauses.SWITCH_INTERVAL_S)
    ref = old_garbage()
    young_collections(50)  # automatic full collections would have run by now
    assert ref() is not None
    young_collections(pauses.DUE_AFTER)
    assert pauses.collect_if_due()
    assert ref() is None
    assert not pauses.collect_if_due()  # nothing new since


def test_nothing_is_collected_here_while_automatic_collections_are_on() -> None:
    young_collections(pauses.DUE_AFTER)
    assert not pauses.collect_if_due()


@pytest.mark.usefixtures("settled")
def test_the_idle_worker_runs_the_full_collection(qtbot, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pauses, "IDLE_BEFORE_COLLECTING_S", 0.05)
    collected: list[bool] = []
    real = pauses.collect_if_due

    def counted() -> bool:
        collected.append(real())
        return collected[-1]

    monkeypatch.setattr(pauses, "collect_if_due", counted)
    worker = Worker()
    try:
        ref = old_garbage()
        young_collections(pauses.DUE_AFTER)
        with qtbot.waitSignal(worker.idle):
            worker.submit(lambda: None)
        qtbot.waitUntil(lambda: bool(collected))  # on the worker, after the idle wait
        assert collected == [True]
        assert ref() is None
    finally:
        worker.shutdown()


def niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness: Linux")
def test_the_worker_thread_runs_at_the_window_threads_priority() -> None:
    # A niced worker holding the GIL stalled the window under load (see ui/worker.py).
    mine = niceness()
    worker = Worker()
    try:
        theirs = worker.call(niceness)
    finally:
        worker.shutdown()
    assert theirs == mine
    assert niceness() == mine

"""Reads never wait for writes: the library's reads run beside a write in progress.

The window reads (pages, searches, counts) on a lane of its own; these tests hold a write
open half way, on the index and on the database, and check that reads still answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from readinglist import import_process
from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.models import Paper, PaperQuery, ReadStatus
from readinglist.ui.main_window import MainWindow
from tests import test_ui_window

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded

ANSWER_S = 10.0  # far longer than any read takes; far shorter than "never"


@pytest.fixture
def filled(digest_library: Path) -> Iterator[OpenLibrary]:
    """The shared digest imported as "digest.txt" (a copy of the session's template)."""
    with open_library(digest_library) as opened:
        yield opened


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=1) as executor:
        yield executor


def _held_write(
    opened: OpenLibrary, pool: ThreadPoolExecutor
) -> tuple[threading.Event, threading.Event, Future[None]]:
    """A write to the index that stops half way (its write lock held) until released."""
    inside, release = threading.Event(), threading.Event()

    def load() -> tuple[list[Paper], list[int]]:
        inside.set()
        assert release.wait(ANSWER_S * 3)
        return [], []

    write = pool.submit(opened.index.apply_loaded, load)
    assert inside.wait(ANSWER_S)
    return inside, release, write


def _answers_within(read: Callable[[], object]) -> object:
    with ThreadPoolExecutor(max_workers=1) as reader:
        return reader.submit(read).result(timeout=ANSWER_S)


def test_a_search_answers_while_the_index_is_being_written(
    filled: OpenLibrary, pool: ThreadPoolExecutor
) -> None:
    _inside, release, write = _held_write(filled, pool)
    try:
        results = _answers_within(lambda: filled.library.search("gaussian", with_ids=True))
        assert results.total > 0  # type: ignore[attr-defined]
        similar = _answers_within(lambda: filled.library.similar(1, 3))
        assert similar
    finally:
        release.set()
    write.result(timeout=ANSWER_S)


def test_reads_answer_while_a_database_write_is_open(
    filled: OpenLibrary, pool: ThreadPoolExecutor
) -> None:
    inside, release = threading.Event(), threading.Event()

    def slow_write() -> None:
        with filled.store.unit_of_work(write=True) as uow:
            uow.set_status([1], ReadStatus.READ, filled.library._clock())
            inside.set()
            assert release.wait(ANSWER_S * 3)

    write = pool.submit(slow_write)
    assert inside.wait(ANSWER_S)
    try:
        papers = _answers_within(lambda: filled.library.papers(PaperQuery(status=ReadStatus.READ)))
        assert papers == []  # the write is not committed yet: not seen, not waited for
        assert _answers_within(lambda: filled.library.search("diffusion").total)
    finally:
        release.set()
    write.result(timeout=ANSWER_S)
    assert len(filled.library.papers(PaperQuery(status=ReadStatus.READ))) == 1


@pytest.mark.slow
def test_the_window_searches_while_its_writer_is_busy(loaded: MainWindow, qtbot) -> None:
    release = threading.Event()
    loaded.worker.submit(lambda: release.wait(ANSWER_S * 3))  # a long write, in order
    try:
        with qtbot.waitSignal(loaded.model.queryFinished, timeout=int(ANSWER_S * 1000)):
            loaded.search_box.setText("gaussian")
            loaded.search_box.returnPressed.emit()
        assert loaded.worker.pending == 1  # still writing
        assert 0 < loaded.model.rowCount() < 211
    finally:
        release.set()
    qtbot.waitUntil(lambda: not loaded.busy, timeout=int(ANSWER_S * 1000))


def test_the_idle_writer_runs_the_index_merges_edits_leave(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Path, float | None]] = []

    def drain(folder: Path, maintain_s: float | None = None) -> int:
        calls.append((folder, maintain_s))
        return 0

    monkeypatch.setattr(import_process, "drain_in_child", drain)
    monkeypatch.setattr(loaded.library.indexing, "merges_due", lambda: True)
    loaded.runner.maintain_timer.setInterval(50)
    loaded.set_status(ReadStatus.READ, [1])  # the writer works, then goes idle
    qtbot.waitUntil(lambda: bool(calls), timeout=int(ANSWER_S * 1000))
    folder, budget = calls[0]
    assert folder == loaded.opened.library_dir
    assert budget is not None and budget > 0  # a bounded slice, never everything


def test_an_idle_writer_with_no_merge_due_starts_no_process(
    loaded: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []

    def started(*_args: object, **_kwargs: object) -> None:
        asked.append(True)

    def due() -> bool:
        asked.append(False)
        return False

    monkeypatch.setattr(import_process, "drain_in_child", started)
    monkeypatch.setattr(loaded.library.indexing, "merges_due", due)
    loaded.runner.maintain_timer.setInterval(50)
    loaded.set_status(ReadStatus.READ, [1])
    qtbot.waitUntil(lambda: bool(asked), timeout=int(ANSWER_S * 1000))
    qtbot.waitUntil(lambda: not loaded.busy)
    # Asked (once per time the writer went idle), never started.
    assert asked and True not in asked

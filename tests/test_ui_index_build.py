"""The window opens at once on a library without a search index, browses it from the
database while a child process builds the index, then searches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.search.index import WhooshIndex
from readinglist.search.index_folders import UNFINISHED_MARK
from readinglist.ui.app import build_main_window
from readinglist.ui.index_build import WAITING, progress_text
from readinglist.ui.main_window import MainWindow
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS

settings_dir = test_ui_window.settings_dir

BUILD_TIMEOUT_MS = 60_000


@pytest.fixture
def unindexed(digest_library: Path) -> Path:
    """The shared digest imported as "digest.txt", its search index deleted."""
    WhooshIndex.discard(digest_library)
    return digest_library


@pytest.fixture
def opening(qtbot, unindexed: Path, settings_dir: Path) -> Iterator[MainWindow]:
    window = build_main_window(unindexed)
    qtbot.addWidget(window)
    yield window
    window.close()
    assert not window.worker.running


def idle(window: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: window.worker.pending == 0 and window.reader.pending == 0)


@pytest.mark.slow
def test_the_window_browses_while_the_index_is_built_then_searches(
    opening: MainWindow, qtbot
) -> None:
    window = opening
    # The window exists before the build ends: the child is still building.
    assert window.index_build.running
    assert not window.library.indexing.ready
    assert not window.search_box.isEnabled()
    assert window.search_box.placeholderText() == WAITING
    assert window.search_box.toolTip() == WAITING
    assert window.index_build.label.text().startswith("Building the search index")
    window.show()
    # Browsing from the database: every paper, and never "Your library is empty".
    qtbot.waitUntil(lambda: window.model.rowCount() == SHARED_DIGEST_PAPERS)
    assert not window.search_box.isEnabled()  # the rows came before the index
    qtbot.waitUntil(lambda: window.sidebar_data is not None)
    assert window.sidebar_data is not None
    assert window.sidebar_data.total == SHARED_DIGEST_PAPERS
    assert window.stack.currentWidget() is window.table

    qtbot.waitUntil(window.search_box.isEnabled, timeout=BUILD_TIMEOUT_MS)
    assert window.library.indexing.ready
    assert not window.index_build.running
    assert not window.index_build.bar.isVisible()
    assert window.search_box.placeholderText().startswith("Search")
    assert window.search_box.toolTip() == ""
    window.search_box.setText("gaussian splatting")
    window.search_box.returnPressed.emit()
    qtbot.waitUntil(lambda: 0 < window.model.rowCount() < SHARED_DIGEST_PAPERS)
    assert window.result_count.text().endswith("matches")
    idle(window, qtbot)


def test_the_progress_reads_in_papers(opening: MainWindow) -> None:
    assert progress_text(5000, 20000) == "Building the search index: 5,000 of 20,000 papers"
    opening.index_build._show_progress(50, 211)
    assert opening.index_build.label.text() == "Building the search index: 50 of 211 papers"
    assert (opening.index_build.bar.value(), opening.index_build.bar.maximum()) == (50, 211)


@pytest.mark.slow
def test_closing_mid_build_stops_it_and_the_next_start_builds(
    qtbot, unindexed: Path, settings_dir: Path
) -> None:
    first = build_main_window(unindexed)
    qtbot.addWidget(first)
    assert first.index_build.running
    first.close()  # kills the child: the index stays unfinished
    assert not first.worker.running
    assert list(unindexed.glob(f"index-v*/{UNFINISHED_MARK}"))

    again = build_main_window(unindexed)
    qtbot.addWidget(again)
    try:
        assert again.index_build.running
        qtbot.waitUntil(again.search_box.isEnabled, timeout=BUILD_TIMEOUT_MS)
        assert again.library.search("", limit=0).total == SHARED_DIGEST_PAPERS
        idle(again, qtbot)
    finally:
        again.close()


def test_a_ready_index_builds_nothing(qtbot, library_dir: Path, settings_dir: Path) -> None:
    window = build_main_window(library_dir)
    qtbot.addWidget(window)
    try:
        assert window.library.indexing.ready
        assert not window.index_build.running
        assert window.search_box.isEnabled()
        idle(window, qtbot)
    finally:
        window.close()

"""The detail pane's "Time spent" (saved on the writer, undone with Ctrl+Z) and "Plan my
week" saying its estimates are calibrated (headless)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from readinglist.app_context import open_database
from readinglist.core.models import ParsedPaper, ParseResult, ReadStatus
from readinglist.ui.main_window import MainWindow
from readinglist.ui.plan_dialog import PlanDialog
from readinglist.ui.stats_actions import add_stats_actions
from tests.helpers import copy_library, window_on

# Abstract-length estimates of 20 + 6n minutes (40n words): 26, 32, 38, 44, 50.
PAPERS = tuple(ParsedPaper(f"Paper {n}: topic {n}", "word " * (40 * n), n) for n in range(1, 6))


@pytest.fixture
def window(qtbot, tmp_path: Path, empty_library_template: Path) -> Iterator[MainWindow]:
    folder = copy_library(empty_library_template, tmp_path / "library")
    with open_database(folder) as opened:
        ids = opened.library.import_parsed(ParseResult(PAPERS), "d.txt", b"d").new_ids
        opened.library.set_status(ids[:3], ReadStatus.READ)
        opened.library.set_status(ids[3:], ReadStatus.QUEUED)
    with window_on(qtbot, folder, tmp_path / "s", (1024, 700)) as window:
        qtbot.waitUntil(lambda: window.model.rowCount() == len(PAPERS), timeout=10_000)
        yield window


def shown(qtbot, window: MainWindow, paper_id: int) -> None:
    window.select_ids([paper_id])
    qtbot.waitUntil(
        lambda: window.detail.paper is not None and window.detail.paper.id == paper_id,
        timeout=5000,
    )


def stored(window: MainWindow, paper_id: int) -> dict[int, int]:
    return window.worker.call(lambda: window.library.time_spent.minutes([paper_id]))


def test_time_spent_is_typed_saved_and_undone(qtbot, window: MainWindow):
    paper_id = 2
    shown(qtbot, window, paper_id)
    editor = window.detail.time_editor
    assert editor.isEnabled() and editor.isVisible() and editor.text() == ""
    assert editor.width() >= editor.fontMetrics().horizontalAdvance("1h30m")  # fits at 1024
    assert window.detail.abstract.height() > window.detail.notes_editor.height()
    editor.setFocus()
    qtbot.keyClicks(editor, "1.5h")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored(window, paper_id) == {paper_id: 90}, timeout=10_000)
    qtbot.waitUntil(lambda: window.detail.paper.time_spent is not None, timeout=10_000)  # type: ignore[union-attr]
    assert editor.text() == "1h30m"  # as the command line shows it
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # back to the table, nothing sent again
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: stored(window, paper_id) == {}, timeout=10_000)
    qtbot.waitUntil(lambda: editor.text() == "", timeout=10_000)
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: stored(window, paper_id) == {paper_id: 90}, timeout=10_000)
    qtbot.waitUntil(lambda: editor.text() == "1h30m", timeout=10_000)


def test_an_undo_keeps_a_time_recorded_elsewhere_since_and_says_so(qtbot, window: MainWindow):
    """The undo's write is a compare-and-set: a time the command line (another
    connection) recorded after the window's stays, and the status bar says so."""
    window.edits.set_time_spent(30, [1, 2])
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
    assert stored(window, 2) == {2: 30}
    with open_database(window.library_dir) as other:
        other.library.time_spent.set([1], 45)
    window.undo_stack.undo()
    kept = "1 paper changed since kept as they are"
    qtbot.waitUntil(lambda: kept in window.statusBar().currentMessage(), timeout=10_000)
    assert stored(window, 2) == {}
    assert stored(window, 1) == {1: 45}


def test_a_wrong_duration_is_said_and_saves_nothing(qtbot, window: MainWindow):
    shown(qtbot, window, 1)
    editor = window.detail.time_editor
    editor.setFocus()
    with qtbot.waitSignal(window.detail.timeSpentRejected, timeout=5000) as rejected:
        qtbot.keyClicks(editor, "banana")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert "not a duration" in rejected.args[0]
    assert "not a duration" in window.statusBar().currentMessage()
    assert editor.text() == "banana"  # left to be corrected
    assert stored(window, 1) == {} and window.undo_stack.count() == 0


def test_plan_my_week_says_its_estimates_are_calibrated(qtbot, window: MainWindow):
    window.worker.call(
        lambda: [window.library.time_spent.set([i], 2 * (20 + 6 * i)) for i in (1, 2, 3)]
    )
    menu = QMenu(window)
    _, plan_action = add_stats_actions(window, menu, window)
    plan_action.trigger()
    dialog = window.findChild(PlanDialog, "planDialog")
    assert isinstance(dialog, PlanDialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    plan = dialog.plan
    assert plan is not None and plan.calibrated_on == 3
    assert [item.minutes for item in plan.items] == [88.0, 100.0]
    assert "Estimates scaled ×2.00 by your recorded time on 3 papers." in dialog.summary.text()

"""The statistics dashboard and "Plan my week" in the window (headless)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyqtgraph as pg  # type: ignore[import-untyped]
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMenu

from readinglist.core.models import Priority, ReadStatus
from readinglist.core.stats import StatusEvent, week_start
from readinglist.core.stats_cases import Dashboard, build_dashboard
from readinglist.core.week_plan import PlanCandidate, plan_week
from readinglist.ui.main_window import MainWindow
from readinglist.ui.plan_dialog import PAPER_ID_ROLE, PlanDialog, PlanModel
from readinglist.ui.stats_actions import add_stats_actions
from readinglist.ui.stats_charts import ChartColours, heat_grid
from readinglist.ui.stats_dialog import StatsDialog
from readinglist.ui.theme import Theme, apply_theme
from readinglist.ui.worker import Worker
from tests.helpers import window_on
from tests.test_stats_cli import READ_PAPERS, build_history

TODAY = date(2026, 12, 2)


def board_with(read: int, skimmed: int, dropped: int) -> Dashboard:
    """A dashboard whose week before this one holds these outcomes (ids from 1 up)."""
    day = datetime.combine(week_start(TODAY) - timedelta(days=5), datetime.min.time(), UTC)
    events: list[StatusEvent] = []
    paper = 0
    for status, count in ((ReadStatus.READ, read), (ReadStatus.SKIMMED, skimmed),
                          (ReadStatus.DROPPED, dropped)):  # fmt: skip
        for _ in range(count):
            paper += 1
            events.append(StatusEvent(paper, ReadStatus.UNREAD, day - timedelta(days=30)))
            events.append(StatusEvent(paper, ReadStatus.QUEUED, day - timedelta(days=20)))
            events.append(StatusEvent(paper, status, day + timedelta(hours=paper % 24)))
    return build_dashboard(events, {}, {}, {}, TODAY, UTC)


@pytest.fixture
def worker() -> Iterator[Worker]:
    worker = Worker()
    yield worker
    worker.shutdown()


def shown(qtbot, worker: Worker, board: Dashboard) -> StatsDialog:
    dialog = StatsDialog(worker, lambda: board)
    qtbot.addWidget(dialog)
    dialog.resize(1024, 700)
    with qtbot.waitSignal(dialog.drawn, timeout=10_000):
        dialog.show()
    return dialog


def click_scene(qtbot, dialog: StatsDialog, scene_pos: QPointF) -> None:
    view_pos = dialog.charts.mapFromScene(scene_pos)
    qtbot.mouseClick(dialog.charts.viewport(), Qt.MouseButton.LeftButton, pos=view_pos)


def test_the_dashboard_loads_off_the_gui_thread_and_draws_every_chart(qtbot, worker):
    board = board_with(5, 3, 2)
    threads: list[bool] = []

    def load() -> Dashboard:
        threads.append(QApplication.instance().thread().isCurrentThread())  # type: ignore[union-attr]
        return board

    dialog = StatsDialog(worker, load)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.drawn, timeout=10_000):
        dialog.show()
    assert threads == [False]
    assert dialog.board is board
    assert "Backlog (unread + queued): 0" in dialog.summary.text()
    bars = [item for item in dialog.weeks_plot.items if isinstance(item, pg.BarGraphItem)]
    assert len(bars) == 3  # read, skimmed, dropped stacked
    assert heat_grid(board).sum() == 8  # read and skimmed on their day; drops are no reading
    assert dialog.charts.grab().width() > 0


def test_a_click_on_a_bar_emits_its_papers(qtbot, worker):
    board = board_with(READ_PAPERS, 40, 3)  # more papers than a page of the table
    dialog = shown(qtbot, worker, board)
    week = len(board.weeks) - 2
    for status, expected in (
        (ReadStatus.READ, list(range(1, READ_PAPERS + 1))),
        (ReadStatus.SKIMMED, list(range(READ_PAPERS + 1, READ_PAPERS + 41))),
    ):
        with qtbot.waitSignal(dialog.papersChosen, timeout=5000) as chosen:
            click_scene(qtbot, dialog, dialog.bar_centre(week, status))
        label, ids = chosen.args
        assert sorted(ids) == expected
        assert label == f"{status.value} in the week of {board.weeks[week].start.isoformat()}"
    # Beside the bars (an empty week) and outside the chart: nothing.
    with qtbot.assertNotEmitted(dialog.papersChosen):
        click_scene(qtbot, dialog, dialog.bar_centre(week, ReadStatus.READ) + QPointF(0, -400))
        empty = dialog.weeks_plot.getViewBox().mapViewToScene(QPointF(0, 1))
        click_scene(qtbot, dialog, empty)


def test_a_click_on_a_day_of_the_heatmap_emits_the_papers_read_that_day(qtbot, worker):
    board = board_with(READ_PAPERS, 40, 3)  # more papers than a page of the table
    dialog = shown(qtbot, worker, board)
    day = week_start(TODAY) - timedelta(days=5)
    assert dialog.day_at(dialog.day_centre(day)) == day
    with qtbot.waitSignal(dialog.papersChosen, timeout=5000) as chosen:
        click_scene(qtbot, dialog, dialog.day_centre(day))
    label, ids = chosen.args
    assert label == f"started or finished on {day.isoformat()}"
    assert ids == list(range(1, READ_PAPERS + 41))  # read and skimmed; a drop is no reading
    # A day without reading, a day after today and a point outside the map: nothing.
    after = TODAY + timedelta(days=1)
    assert after.weekday() != 0 and dialog.day_at(dialog.day_centre(after)) is None
    with qtbot.assertNotEmitted(dialog.papersChosen):
        click_scene(qtbot, dialog, dialog.day_centre(day - timedelta(days=1)))
        click_scene(qtbot, dialog, dialog.day_centre(after))
        click_scene(qtbot, dialog, dialog.day_centre(day) + QPointF(0, 400))


def test_dark_and_light_charts_follow_the_palette(qtbot, worker):
    try:
        apply_theme(Theme.DARK)
        dark = ChartColours.current()
        dialog = shown(qtbot, worker, board_with(1, 1, 1))
        assert QColor(dark.background).lightness() < 128
        assert dialog.charts.backgroundBrush().color().name() == dark.background
        # Switched while open: redrawn in the light colours.
        with qtbot.waitSignal(dialog.drawn, timeout=5000):
            apply_theme(Theme.LIGHT)
        light = ChartColours.current()
        assert QColor(light.background).lightness() > 128
        assert dialog.colours == light
        assert dialog.charts.backgroundBrush().color().name() == light.background
        assert light.outcomes[ReadStatus.READ] != dark.outcomes[ReadStatus.READ]
    finally:
        apply_theme(Theme.SYSTEM)


def test_the_plan_model(qtmodeltester):
    queue = [
        PlanCandidate(n, f"paper {n}", Priority.NONE, datetime(2026, 1, n, tzinfo=UTC), 100)
        for n in range(1, 6)
    ]
    model = PlanModel()
    model.set_plan(plan_week(queue, hours=3))
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    first = model.index(0, 0)
    assert model.data(first) == "1. 35 min — paper 1"
    assert model.data(first, PAPER_ID_ROLE) == 1
    assert "abstract length" in model.data(first, Qt.ItemDataRole.ToolTipRole)
    model.set_plan(None)
    qtmodeltester.check(model)
    assert model.rowCount() == 0


# --- in the window ----------------------------------------------------------------------


@pytest.fixture
def window(qtbot, tmp_path: Path, empty_library_template: Path) -> Iterator[MainWindow]:
    folder = tmp_path / "library"
    build_history(folder, empty_library_template)
    with window_on(qtbot, folder, tmp_path / "s") as window:
        yield window


@pytest.mark.slow
def test_a_bar_click_shows_those_papers_in_the_table(qtbot, window: MainWindow):
    menu = QMenu(window)
    stats_action, _ = add_stats_actions(window, menu, window)
    stats_action.trigger()
    dialog = window.findChild(StatsDialog, "statsDialog")
    assert isinstance(dialog, StatsDialog)
    qtbot.waitUntil(lambda: dialog.board is not None, timeout=10_000)
    board = dialog.board
    assert board is not None
    week = next(i for i, w in enumerate(board.weeks) if w.read)
    expected = set(board.weeks[week].read)
    assert len(expected) == READ_PAPERS
    click_scene(qtbot, dialog, dialog.bar_centre(week, ReadStatus.READ))
    qtbot.waitUntil(lambda: window.model.rowCount() == READ_PAPERS, timeout=10_000)
    assert all(window.model.row_of(paper_id) is not None for paper_id in expected)
    stats_action.trigger()  # opened again: the same dialog
    assert window.findChildren(StatsDialog) == [dialog]


@pytest.mark.slow
def test_plan_my_week_saves_the_plan_as_a_list(qtbot, window: MainWindow):
    menu = QMenu(window)
    _, plan_action = add_stats_actions(window, menu, window)
    plan_action.trigger()
    dialog = window.findChild(PlanDialog, "planDialog")
    assert isinstance(dialog, PlanDialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    with qtbot.waitSignal(dialog.planned, timeout=10_000):
        dialog.hours.setValue(20)
    plan = dialog.plan
    assert plan is not None and plan.queued == 10
    assert dialog.model.rowCount() == len(plan.items) > 1
    dialog.name.setText("My week")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: window.sidebar.item("list:My week") is not None, timeout=10_000)
    assert list(window.library.lists.get("My week").paper_ids) == plan.paper_ids
    # Undoable like creating a list: undo deletes it, redo brings it back in order.
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.sidebar.item("list:My week") is None, timeout=10_000)
    assert window.library.lists.all() == []
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: window.sidebar.item("list:My week") is not None, timeout=10_000)
    assert list(window.library.lists.get("My week").paper_ids) == plan.paper_ids
    # A taken name: said in the dialog, nothing saved again.
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "already exists" in dialog.summary.text(), timeout=10_000)
    assert len(window.library.lists.all()) == 1

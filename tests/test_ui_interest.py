"""The triage's interest in the window: the table's Interest column (values, sort,
refresh after a training, shown once there are enough signals) and the detail pane's
"why" line, on a real MainWindow with more than one page (PAGE_SIZE) of rows."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QModelIndex, Qt

from readinglist.core.changes import OUTSIDE_CHANGES
from readinglist.core.models import ReadStatus
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import PAGE_SIZE, SORT_ROLE, Column
from readinglist.ui.triage_controller import TriageController, format_interest
from readinglist.ui.triage_interest import interest_order, rank_by_interest
from readinglist.ui.triage_why import format_why, like
from tests import test_ui_window
from tests.test_triage_ui import PER_TOPIC, digest_bytes
from tests.test_ui_window import idle

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window

ROWS = 2 * PER_TOPIC
assert ROWS > PAGE_SIZE  # the sort and the refresh reach rows of the second page


def rows(window: MainWindow) -> list[int]:
    model = window.model
    return [model.paper_id(row) or 0 for row in range(model.rowCount())]


def cell(window: MainWindow, row: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return window.model.index(row, Column.INTEREST).data(role)


def load_row(window: MainWindow, qtbot, row: int) -> None:
    """Ask for the row's page and wait for it (pages load on the worker)."""
    cell(window, row)
    qtbot.waitUntil(lambda: window.model.paper(row) is not None, timeout=10000)


def train(window: MainWindow, qtbot, read: int) -> tuple[TriageController, dict[str, list[int]]]:
    """Papers of two topics (quant first, then splat); ``read`` splat papers read; the
    window's own triage trained on them and every paper in the table."""
    summary = window.library.import_bytes(digest_bytes(["quant", "splat"], PER_TOPIC), "d.txt")
    ids = list(summary.new_ids)
    by_topic = {"quant": ids[:PER_TOPIC], "splat": ids[PER_TOPIC:]}
    if read:
        window.library.set_status(by_topic["splat"][:read], ReadStatus.READ)
    controller = window.triage.controller
    with qtbot.waitSignal(controller.trained, timeout=30000):
        window.changes.announce(OUTSIDE_CHANGES)
    qtbot.waitUntil(lambda: window.model.rowCount() == ROWS, timeout=10000)
    idle(window, qtbot)
    return controller, by_topic


@pytest.mark.slow
def test_the_interest_column_shows_the_triages_values_and_passes_the_model_tester(
    window: MainWindow, qtbot, qtmodeltester
) -> None:
    controller, _by_topic = train(window, qtbot, read=6)
    assert controller.enough_signals
    load_row(window, qtbot, ROWS - 1)  # the second page too
    for row in (0, PAGE_SIZE - 1, ROWS - 1):
        paper_id = window.model.paper_id(row)
        assert paper_id is not None
        value = controller.interest(paper_id)
        assert value is not None
        assert cell(window, row) == format_interest(value) != ""
        assert cell(window, row, SORT_ROLE) == value
    assert window.model.headerData(Column.INTEREST, Qt.Orientation.Horizontal) == "Interest"
    assert window.model.sortable(Column.INTEREST)
    qtmodeltester.check(window.model)


@pytest.mark.slow
def test_sorting_by_interest_orders_every_row_from_the_triage(window: MainWindow, qtbot) -> None:
    controller, by_topic = train(window, qtbot, read=6)
    before = rows(window)
    with qtbot.waitSignal(window.model.queryFinished, timeout=10000):
        window.model.sort(Column.INTEREST, Qt.SortOrder.AscendingOrder)
    best_first = rows(window)
    assert sorted(best_first) == sorted(before) and best_first != before
    assert best_first == controller.by_interest(before)
    splat = set(by_topic["splat"])
    assert sum(paper_id in splat for paper_id in best_first[:PER_TOPIC]) >= PER_TOPIC - 10
    load_row(window, qtbot, ROWS - 1)
    values = [controller.interest(i) for i in best_first]
    assert values == sorted(values, key=lambda v: -(v or 0.0))
    # The cells follow the rows: the last row (second page) shows the lowest interest.
    assert cell(window, ROWS - 1) == format_interest(values[-1])
    with qtbot.waitSignal(window.model.queryFinished, timeout=10000):
        window.model.sort(Column.INTEREST, Qt.SortOrder.DescendingOrder)
    least_first = rows(window)
    assert [controller.interest(i) for i in least_first] == sorted(v or 0.0 for v in values)
    # Another column's sort still goes to the library.
    with qtbot.waitSignal(window.model.queryFinished, timeout=10000):
        window.model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert window.model.query.sort == "title" and rows(window) not in (best_first, least_first)


class FakeInterest:
    """The controller's interest lookups over fixed values (its ranking, the real one)."""

    def __init__(self, known: dict[int, float]) -> None:
        self.known = known

    def interest(self, paper_id: int) -> float | None:
        return self.known.get(paper_id)

    def by_interest(self, ids: Sequence[int]) -> list[int]:
        return rank_by_interest(self.known, ids)


def test_papers_without_interest_come_last_in_both_directions() -> None:
    source = FakeInterest({1: 0.2, 2: 0.9, 4: 0.5})
    assert interest_order(source, [5, 1, 2, 3, 4], descending=False) == [2, 4, 1, 5, 3]
    assert interest_order(source, [5, 1, 2, 3, 4], descending=True) == [1, 4, 2, 5, 3]


@pytest.mark.slow
def test_a_training_refreshes_the_interest_cells_without_a_reset(window: MainWindow, qtbot) -> None:
    controller, by_topic = train(window, qtbot, read=6)
    load_row(window, qtbot, ROWS - 1)
    resets: list[bool] = []
    changed: list[tuple[int, int, int, int]] = []
    window.model.modelReset.connect(lambda: resets.append(True))

    def record(first: QModelIndex, last: QModelIndex, _roles: object = None) -> None:
        changed.append((first.row(), last.row(), first.column(), last.column()))

    window.model.dataChanged.connect(record)
    quant_row = window.model.row_of(by_topic["quant"][20])
    assert quant_row is not None
    before = cell(window, quant_row)
    # Learned again from more papers, without a change the table itself would show.
    window.library.set_status(by_topic["quant"][:30], ReadStatus.READ)
    with qtbot.waitSignal(controller.trained, timeout=30000):
        controller.retrain()
    assert (0, ROWS - 1, Column.INTEREST, Column.INTEREST) in changed
    assert not resets
    value = controller.interest(by_topic["quant"][20])
    assert cell(window, quant_row) == format_interest(value) != before


@pytest.mark.slow
def test_the_column_shows_once_there_are_enough_signals_and_the_user_decides(
    window: MainWindow, qtbot
) -> None:
    columns = window.table.columns
    assert columns is not None
    controller, by_topic = train(window, qtbot, read=0)
    assert not controller.enough_signals
    assert window.table.isColumnHidden(Column.INTEREST)
    assert cell(window, 0) == ""  # nothing learned: empty, never a guess
    window.library.set_status(by_topic["splat"][:6], ReadStatus.READ)
    with qtbot.waitSignal(controller.trained, timeout=30000):
        controller.retrain()
    assert controller.enough_signals
    assert not window.table.isColumnHidden(Column.INTEREST)
    assert window.table.columnWidth(Column.INTEREST) > 0
    columns.choose(Column.INTEREST, False)  # the user's choice wins over the default
    with qtbot.waitSignal(controller.trained, timeout=30000):
        controller.retrain()
    assert window.table.isColumnHidden(Column.INTEREST)


@pytest.mark.slow
def test_the_detail_pane_says_why_for_the_current_paper(window: MainWindow, qtbot) -> None:
    controller, by_topic = train(window, qtbot, read=6)
    paper_id = by_topic["splat"][100]
    row = window.model.row_of(paper_id)
    assert row is not None and row >= 0
    load_row(window, qtbot, row)
    window.table.setFocus()
    window.table.selectRow(row)
    qtbot.waitUntil(lambda: window.detail.paper is not None, timeout=10000)
    assert window.detail.paper is not None and window.detail.paper.id == paper_id
    label = window.detail.interest
    # Computed on the triage's "why" thread, not the GUI's: the line comes when ready.
    qtbot.waitUntil(label.isVisible, timeout=10000)
    why = controller.why(paper_id)
    assert why is not None
    words, papers = why
    assert words and papers
    assert set(papers) <= set(by_topic["splat"][:6])  # the papers read pushed it up
    text = label.text()
    assert text.startswith(f"Interest {format_interest(controller.interest(paper_id))}")
    assert words[0] in text
    assert like(papers, controller.titles(papers)) in text
    assert "like “" in text  # the nearest wanted paper by its title, not an id
    assert "Like paper" in label.toolTip()
    # Another paper: the line follows it.
    other = by_topic["quant"][0]
    other_row = window.model.row_of(other)
    assert other_row is not None
    load_row(window, qtbot, other_row)
    window.table.selectRow(other_row)
    qtbot.waitUntil(lambda: window.detail.paper is not None and window.detail.paper.id == other)
    expected = f"Interest {format_interest(controller.interest(other))}"
    qtbot.waitUntil(lambda: label.text().startswith(expected), timeout=10000)
    assert label.isVisible()


def test_why_is_computed_off_the_gui_thread(window: MainWindow, qtbot, monkeypatch) -> None:
    import threading

    from readinglist.ui import triage_why, triage_window

    threads: list[threading.Thread] = []
    real = triage_why.why_line

    def recording(controller: TriageController, paper_id: int) -> object:
        threads.append(threading.current_thread())
        return real(controller, paper_id)

    monkeypatch.setattr(triage_window, "why_line", recording)
    window.detail.show_paper(None, None)
    window.triage.show_paper(12345)  # a paper nobody knows: no line, but computed off-thread
    qtbot.waitUntil(lambda: bool(threads), timeout=10000)
    assert threading.main_thread() not in threads
    assert not window.detail.interest.isVisible()


def test_no_interest_no_line() -> None:
    assert format_why(None, ("splatting",), (3,), {}).line == ""
    line = format_why(0.5, (), (), {})
    assert line.line == "Interest 0.50" and line.tooltip
    titled = format_why(0.91, ("gaussian",), (3, 4), {3: "A title"})
    assert titled.line == "Interest 0.91 · gaussian · like “A title” and 1 more"
    untitled = format_why(0.91, (), (4,), {4: "  "})
    assert untitled.line == "Interest 0.91 · like paper 4"
    long_title = "A" * 60
    cut = format_why(0.91, (), (3,), {3: long_title}).line
    assert cut == "Interest 0.91 · like “" + "A" * 39 + "…”"
    assert "Like paper 3: A title" in titled.tooltip and "Like paper 4" in titled.tooltip

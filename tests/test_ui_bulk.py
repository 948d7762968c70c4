"""Bulk actions on selections of more than one page of rows, checked in the database.

The table loads its rows a page (200) at a time; a selection is a selection of papers,
loaded or not. Every action here runs on a 450-paper digest, all selected, so a bulk
action that reached only the loaded rows would change 200 papers, not 450.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from benchmarks.synthetic import synthetic_papers
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import PaperQuery, Priority, ReadStatus
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import PAGE_SIZE, Column
from tests import test_ui_window

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window

PAPERS = 450  # more than two pages


def idle(main: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: not main.busy, timeout=30000)


@pytest.fixture
def big(window: MainWindow, qtbot) -> MainWindow:
    """The window right after importing a 450-paper digest: all of it selected."""
    text = render_digest(synthetic_papers(PAPERS, 11))
    window.imports.import_text(text, "big digest")
    qtbot.waitUntil(lambda: window.model.rowCount() == PAPERS, timeout=60000)
    idle(window, qtbot)
    assert window.table.selected_count() == PAPERS
    assert window.model.loaded_paper(window.model.paper_id(PAPERS - 1) or 0) is None
    return window


def count(main: MainWindow, **query: object) -> int:
    return len(main.worker.call(lambda: main.library.papers(PaperQuery(**query))))  # type: ignore[arg-type]


def undo(main: MainWindow, qtbot) -> None:
    main.undo_action.trigger()
    idle(main, qtbot)


def redo(main: MainWindow, qtbot) -> None:
    main.redo_action.trigger()
    idle(main, qtbot)


@pytest.mark.slow
def test_the_selection_names_every_paper_loaded_or_not(big: MainWindow) -> None:
    ids = big.selected_ids()
    assert len(ids) == PAPERS == len(set(ids))
    everything = big.worker.call(lambda: big.library.papers())
    assert set(ids) == {paper.id for paper in everything}
    assert big.export_context().selection == tuple(ids)


@pytest.mark.slow
def test_a_status_key_marks_the_whole_selection_and_undo_takes_it_all_back(
    big: MainWindow, qtbot
) -> None:
    big.table.setFocus()
    qtbot.keyClick(big.table, Qt.Key.Key_2)
    idle(big, qtbot)
    assert count(big, status=ReadStatus.QUEUED) == PAPERS
    assert f"{PAPERS} papers marked queued" in big.statusBar().currentMessage()
    assert big.undo_stack.count() == 2  # the import, then one step for all 450
    undo(big, qtbot)
    assert count(big, status=ReadStatus.UNREAD) == PAPERS
    redo(big, qtbot)
    assert count(big, status=ReadStatus.QUEUED) == PAPERS


def _delete(main: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    def yes(_parent: QWidget, _title: str, _text: str, *_args: object) -> object:
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    main.confirm_delete()


ACTIONS: dict[str, tuple[Callable[[MainWindow], None], dict[str, object]]] = {
    "rating": (lambda main: main.rate(4), {}),
    "priority": (lambda main: main.set_priority(Priority.HIGH), {}),
    "tag": (lambda main: main.add_tag("bulk/tagged"), {"tag": "bulk/tagged"}),
}


def _rated(main: MainWindow, rating: int) -> int:
    return sum(1 for paper in main.worker.call(main.library.papers) if paper.rating == rating)


def _prioritised(main: MainWindow, priority: Priority) -> int:
    papers = main.worker.call(main.library.papers)
    return sum(1 for paper in papers if paper.priority is priority)


@pytest.mark.slow
def test_rating_reaches_every_selected_paper(big: MainWindow, qtbot) -> None:
    big.rate(4)
    idle(big, qtbot)
    assert _rated(big, 4) == PAPERS
    undo(big, qtbot)
    assert _rated(big, 0) == PAPERS


@pytest.mark.slow
def test_priority_from_the_context_menu_reaches_every_selected_paper(
    big: MainWindow, qtbot
) -> None:
    menu = big.build_context_menu()
    priority_menu = menu.findChild(type(menu), "priorityMenu")
    assert priority_menu is not None
    [high] = [a for a in priority_menu.actions() if a.text().replace("&", "") == "High"]
    high.trigger()
    idle(big, qtbot)
    assert _prioritised(big, Priority.HIGH) == PAPERS
    undo(big, qtbot)
    assert _prioritised(big, Priority.NONE) == PAPERS


@pytest.mark.slow
def test_adding_and_removing_a_tag_reach_every_selected_paper(big: MainWindow, qtbot) -> None:
    big.add_tag("bulk/tagged")
    idle(big, qtbot)
    assert count(big, tag="bulk/tagged") == PAPERS
    big.remove_tag("bulk/tagged")
    idle(big, qtbot)
    assert count(big, tag="bulk/tagged") == 0
    undo(big, qtbot)
    assert count(big, tag="bulk/tagged") == PAPERS
    undo(big, qtbot)
    assert count(big, tag="bulk/tagged") == 0


@pytest.mark.slow
def test_the_remove_tag_menu_offers_tags_of_rows_never_loaded(big: MainWindow, qtbot) -> None:
    last = big.model.paper_id(PAPERS - 1)
    assert last is not None
    big.worker.call(lambda: big.library.tag([last], add=["only-at-the-end"]))
    big.refresh_tag_names()
    idle(big, qtbot)
    assert "only-at-the-end" in big.selection_tags()


@pytest.mark.slow
def test_adding_to_a_list_takes_the_whole_selection(big: MainWindow, qtbot) -> None:
    big.worker.call(lambda: big.library.lists.create("Big"))
    big.lists.add_to_list("Big")
    idle(big, qtbot)
    assert len(big.worker.call(lambda: big.library.lists.get("Big")).paper_ids) == PAPERS
    undo(big, qtbot)
    assert big.worker.call(lambda: big.library.lists.get("Big")).paper_ids == ()


@pytest.mark.slow
def test_deleting_takes_the_whole_selection_and_undo_brings_all_back(
    big: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    _delete(big, monkeypatch)
    idle(big, qtbot)
    assert count(big) == 0
    undo(big, qtbot)
    assert count(big) == PAPERS


@pytest.mark.slow
def test_select_all_of_a_search_result_acts_on_every_match(big: MainWindow, qtbot) -> None:
    big.search_box.setText("status:unread")
    big.search.apply()
    idle(big, qtbot)
    assert big.model.rowCount() == PAPERS
    big.table.setFocus()
    qtbot.keyClick(big.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert big.table.selected_count() == PAPERS
    qtbot.keyClick(big.table, Qt.Key.Key_4)
    idle(big, qtbot)
    assert count(big, status=ReadStatus.READ) == PAPERS


@pytest.mark.slow
def test_the_digest_shows_in_its_trending_order_with_its_place(big: MainWindow, qtbot) -> None:
    model = big.model
    titles = [paper.title for paper in synthetic_papers(PAPERS, 11)]
    first = model.paper(0)
    assert first is not None and first.title == titles[0]
    assert model.data(model.index(0, Column.POSITION)) == "1"
    # A row of a page loaded later shows its own place, too.
    row = PAGE_SIZE + 37
    big.table.scrollTo(model.index(row, 0))
    qtbot.waitUntil(lambda: model.paper(row) is not None, timeout=10000)
    paper = model.paper(row)
    assert paper is not None and paper.title == titles[row]
    assert model.data(model.index(row, Column.POSITION)) == str(row + 1)
    # An edited paper keeps its place.
    big.select_ids([paper.id])
    big.set_status(ReadStatus.READ)
    idle(big, qtbot)
    big.model.refresh()
    idle(big, qtbot)
    assert model.row_of(paper.id) == row


@pytest.mark.slow
def test_the_detail_panes_status_changes_the_paper_shown(big: MainWindow, qtbot) -> None:
    big.select_ids([big.model.paper_id(3) or 0])
    idle(big, qtbot)
    shown = big.detail.paper
    assert shown is not None
    big.detail.status_selector.activated.emit(list(ReadStatus).index(ReadStatus.SKIMMED))
    idle(big, qtbot)
    assert count(big, status=ReadStatus.SKIMMED) == 1
    assert big.worker.call(lambda: big.library.details(shown.id)).paper.status is (
        ReadStatus.SKIMMED
    )


@pytest.mark.slow
def test_the_place_column_shows_only_where_rows_have_a_place(big: MainWindow, qtbot) -> None:
    assert not big.table.isColumnHidden(Column.POSITION)  # the digest just imported
    big.sidebar.select("all")
    qtbot.waitUntil(lambda: big.model.query.scope is None, timeout=10000)
    idle(big, qtbot)
    assert big.table.isColumnHidden(Column.POSITION)


def test_the_detail_pane_says_how_many_are_selected_and_what_acts_on_them(
    big: MainWindow, qtbot
) -> None:
    """Ctrl+A with no current paper: not "No paper selected" but the count and keys."""
    from PySide6.QtCore import QModelIndex
    from PySide6.QtTest import QTest

    from readinglist.ui.detail_pane import SELECTION_HINT

    big.table.selectionModel().clear()
    big.table.setCurrentIndex(QModelIndex())
    qtbot.waitUntil(lambda: "No paper selected" in big.detail.title.text())
    QTest.keyClick(big.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: f"{PAPERS:,} papers selected" in big.detail.title.text())
    assert big.detail.meta.text() == SELECTION_HINT
    assert not big.detail.status_selector.isEnabled()  # nothing to set from the pane
    big.table.go_to_row(3)  # a current paper again: the pane shows it
    qtbot.waitUntil(lambda: big.detail.paper is not None)
    assert "selected" not in big.detail.title.text()

"""Sorting the table from its header: Tags, Code, Authors, Published; three clicks and
the header's menu back to relevance; the selection kept and shown after a sort.

The rows are more than two pages (450 papers), so a selection spans rows never loaded.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from benchmarks.synthetic import synthetic_papers
from readinglist.core.digest_parser import render_digest
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import PAGE_SIZE, Column
from readinglist.ui.table_sorting import select_rows
from tests import test_ui_window

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window

COUNT = 450  # more than two pages of rows


def idle(main: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: not main.busy, timeout=30000)


@pytest.fixture
def big(window: MainWindow, qtbot) -> MainWindow:
    window.imports.import_text(render_digest(synthetic_papers(COUNT, 5)), "digest")
    qtbot.waitUntil(lambda: window.model.rowCount() == COUNT, timeout=60000)
    idle(window, qtbot)
    ids = [i for i in (window.model.paper_id(row) for row in range(COUNT)) if i is not None]
    assert len(ids) == COUNT
    library = window.library
    window.worker.call(lambda: library.tag(ids[::3], add=["b-tag"]))
    window.worker.call(lambda: library.tag(ids[::7], add=["a-tag"]))
    idle(window, qtbot)
    return window


def shown_ids(main: MainWindow) -> list[int | None]:
    return [main.model.paper_id(row) for row in range(main.model.rowCount())]


def click_header(main: MainWindow, qtbot, column: Column) -> None:
    header = main.table.horizontalHeader()
    main.table.setColumnHidden(column, False)
    left = header.sectionViewportPosition(column)
    assert left >= 0
    with qtbot.waitSignal(main.model.queryFinished, timeout=20000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(left + 5, 5))


@pytest.mark.slow
def test_three_clicks_sort_both_ways_then_back_to_relevance(big: MainWindow, qtbot) -> None:
    model, header, library = big.model, big.table.horizontalHeader(), big.library
    relevance = shown_ids(big)
    for column, key in ((Column.TAGS, "tags"), (Column.CODE, "code"), (Column.AUTHORS, "authors")):
        click_header(big, qtbot, column)
        assert (model.query.sort, model.query.descending) == (key, False)
        expected = list(library.search("", key, with_ids=True).ids)  # read-only, any thread
        assert shown_ids(big) == expected
        click_header(big, qtbot, column)
        assert (model.query.sort, model.query.descending) == (key, True)
        click_header(big, qtbot, column)
        assert model.query.sort is None
        # The rows are the last digest's, back in its own order: the arrow is on ``#``.
        assert header.sortIndicatorSection() == Column.POSITION
        assert shown_ids(big) == relevance
    tagged_first = [model.paper_id(row) for row in range(3)]
    click_header(big, qtbot, Column.TAGS)
    assert [model.paper_id(row) for row in range(3)] != tagged_first  # the sort did sort


@pytest.mark.slow
def test_the_selection_is_kept_and_scrolled_to_after_a_sort(big: MainWindow, qtbot) -> None:
    model, table = big.model, big.table
    rows = [*range(10, PAGE_SIZE + 60), COUNT - 5]  # more than a page, and a far row
    select_rows(table, rows, COUNT - 5)
    chosen = set(model.ids_of_rows([(10, PAGE_SIZE + 59), (COUNT - 5, COUNT - 5)]))
    current = model.paper_id(COUNT - 5)
    table.scrollToTop()
    with qtbot.waitSignal(model.queryFinished, timeout=20000):
        table.sortByColumn(Column.TITLE, Qt.SortOrder.DescendingOrder)
    assert model.query.sort == "title"
    assert set(model.ids_of_rows(table.selected_ranges())) == chosen
    current_row = table.currentIndex().row()
    assert model.paper_id(current_row) == current
    assert current_row != COUNT - 5  # it moved, and the view followed it
    rect = table.visualRect(model.index(current_row, Column.TITLE))
    assert table.viewport().rect().intersects(rect)


@pytest.mark.slow
def test_the_header_menu_sorts_and_goes_back_to_relevance(big: MainWindow, qtbot) -> None:
    model, columns = big.model, big.table.columns
    assert columns is not None
    menu = columns.build_menu(Column.PUBLISHED)
    natural = menu.findChild(type(menu.actions()[0]), "sortNaturalAction")
    back = menu.findChild(type(menu.actions()[0]), "sortRelevanceAction")
    assert natural is not None and back is not None
    assert "Published" in natural.text()
    assert not back.isEnabled()  # nothing to go back from
    with qtbot.waitSignal(model.queryFinished, timeout=20000):
        natural.trigger()
    assert model.query.sort == "published"
    menu = columns.build_menu(Column.PUBLISHED)
    back = menu.findChild(type(menu.actions()[0]), "sortRelevanceAction")
    reversed_ = menu.findChild(type(menu.actions()[0]), "sortReversedAction")
    assert back is not None and back.isEnabled()
    assert reversed_ is not None and not reversed_.isChecked()
    with qtbot.waitSignal(model.queryFinished, timeout=20000):
        back.trigger()
    assert model.query.sort is None
    assert big.table.horizontalHeader().sortIndicatorSection() == Column.POSITION  # a digest


def test_every_column_but_the_place_is_sortable_outside_a_scope(window: MainWindow) -> None:
    for column in Column:
        assert window.model.sortable(column) == (column is not Column.POSITION), column


@pytest.mark.slow
def test_a_third_click_in_a_list_goes_back_to_its_own_order(big: MainWindow, qtbot) -> None:
    model, header = big.model, big.table.horizontalHeader()
    chosen = [i for i in (model.paper_id(row) for row in (7, 2, 300)) if i is not None]
    library = big.library
    big.worker.call(lambda: library.lists.create("Order"))
    big.worker.call(lambda: library.lists.add("Order", chosen))
    big.refresh_counts()
    qtbot.waitUntil(lambda: big.sidebar.item("list:Order") is not None, timeout=10000)
    assert big.sidebar.select("list:Order")
    qtbot.waitUntil(lambda: shown_ids(big) == chosen, timeout=10000)
    assert header.sortIndicatorSection() == Column.POSITION
    for _ in range(3):
        click_header(big, qtbot, Column.TITLE)
    assert model.query.sort is None and model.reorderable
    assert shown_ids(big) == chosen
    assert header.sortIndicatorSection() == Column.POSITION

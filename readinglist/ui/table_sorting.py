"""Sorting the paper table by its header: three clicks, a menu, the selection kept.

A click on a column header sorts by it in its natural direction, a second click
reverses it, a third goes back to the rows' own order (relevance for a search, the
list's or digest's order, newest first otherwise): Qt's clearable sort indicator,
which asks the model to ``sort(-1)``. The header's menu says the same in words
(:func:`add_sort_actions`).

A sort is a new query answered on the worker, and the model resets its rows when the
answer comes: the selection would be gone and the paper you were on somewhere out of
sight. :class:`SortKeeper` remembers the selected papers when the sort is asked for,
and selects them again in their new rows, scrolled to the current one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTableView

from readinglist.core.models import SearchResults
from readinglist.ui.paper_model import HEADERS, Column, PaperTableModel, effective_sort

NATURAL = Qt.SortOrder.AscendingOrder  # the model's natural direction (PaperTableModel.sort)


class SortKeeper(QObject):
    """Keeps a table's selected papers selected, and the current one in view, across a
    sort (see the module's docstring)."""

    def __init__(self, table: QTableView, model: PaperTableModel) -> None:
        super().__init__(table)
        self._table = table
        self._model = model
        self._kept: tuple[list[int], int | None] | None = None
        header = table.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.sortIndicatorChanged.connect(self._remember)
        model.queryFinished.connect(self._restore)

    def _remember(self, section: int, _order: Qt.SortOrder) -> None:
        unsorted = replace(self._model.query, sort=None, descending=False)
        if section < 0 and effective_sort(unsorted) == "position":
            # Back to a digest's or list's own order: its arrow is on ``#`` (as
            # search_controller shows it), not on nothing. (The model may sort before
            # or after this slot runs: its query is not looked at for the sort.)
            header = self._table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(Column.POSITION, NATURAL)
            header.blockSignals(False)
        selections = self._table.selectionModel()
        if selections is None:
            return
        selection = selections.selection()
        parts = (selection.at(i) for i in range(selection.count()))
        ranges = [(part.top(), part.bottom()) for part in parts]
        ids = self._model.ids_of_rows(sorted(ranges))
        current = self._model.paper_id(selections.currentIndex().row())
        self._kept = (ids, current) if ids or current is not None else None

    def _restore(self, _results: SearchResults) -> None:
        kept, self._kept = self._kept, None
        if kept is None:
            return
        ids, current = kept
        rows = [row for row in map(self._model.row_of, ids) if row is not None]
        current_row = None if current is None else self._model.row_of(current)
        select_rows(self._table, rows, current_row)
        if current_row is not None or rows:
            shown = current_row if current_row is not None else min(rows)
            self._table.scrollTo(
                self._model.index(shown, 0), QAbstractItemView.ScrollHint.PositionAtCenter
            )


def install_sorting(table: QTableView) -> SortKeeper | None:
    """Three-click sorting and the selection kept, on a table showing papers (None on
    any other model)."""
    model = table.model()
    if not isinstance(model, PaperTableModel):
        return None
    return SortKeeper(table, model)


def sort_by(table: QTableView, section: int, order: Qt.SortOrder = NATURAL) -> None:
    """Sort as a header click does (``section`` -1: back to the rows' own order)."""
    table.horizontalHeader().setSortIndicator(section, order)


def add_sort_actions(menu: QMenu, table: QTableView, section: int) -> None:
    """The header menu's sorting part: by the column clicked, both ways, and back to
    relevance (or the list's own order) when a column sorts the rows."""
    model = table.model()
    if not isinstance(model, PaperTableModel):
        return
    header = table.horizontalHeader()
    if 0 <= section < len(Column) and model.sortable(section):
        name = HEADERS[section] if section != Column.POSITION else "place (#)"
        for text, order, object_name in (
            (f"Sort by {name}", NATURAL, "sortNaturalAction"),
            (f"Sort by {name}, reversed", Qt.SortOrder.DescendingOrder, "sortReversedAction"),
        ):
            action = menu.addAction(text)
            action.setObjectName(object_name)
            action.setCheckable(True)
            action.setChecked(
                header.sortIndicatorSection() == section and header.sortIndicatorOrder() == order
            )
            action.triggered.connect(lambda _=False, o=order: sort_by(table, section, o))
    own = own_order_name(model)
    back = menu.addAction(f"Sort by {own}")
    back.setObjectName("sortRelevanceAction")
    back.setEnabled(model.query.sort is not None)
    back.triggered.connect(lambda: sort_by(table, -1))
    menu.addSeparator()


def own_order_name(model: PaperTableModel) -> str:
    """What the rows are in without a column's sort, in the words of the menu."""
    query = model.query
    scope = query.scope
    if query.text.strip():
        return "relevance"
    if scope is not None and scope.kind == "list":
        return "the list's order"
    if scope is not None and scope.ordered:
        return "the digest's order"
    return "relevance (newest first)"


def runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Rows as (first, last) runs of consecutive rows, in row order."""
    found: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if found and row == found[-1][1] + 1:
            found[-1] = (found[-1][0], row)
        else:
            found.append((row, row))
    return found


def select_rows(table: QTableView, rows: Sequence[int], current: int | None) -> None:
    """Select whole rows (one range per run: 10k rows selected in a few ranges) and make
    ``current`` the current row without changing the selection."""
    model, selections = table.model(), table.selectionModel()
    if model is None or selections is None:
        return
    last = model.columnCount() - 1
    selection = QItemSelection()
    for first, final in runs(rows):
        selection.select(model.index(first, 0), model.index(final, last))
    if current is not None:
        selections.setCurrentIndex(
            model.index(current, 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
    selections.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

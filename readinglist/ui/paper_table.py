"""The table view with keyboard triage.

j/k move, 1-6 set a status, o/p open links, t tags, Enter goes to the notes, Delete
deletes, ? lists the shortcuts (``a`` opens the paper: open_paper.py). The header's
context menu shows and hides columns (table_columns.py).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QItemSelectionRange, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from readinglist.core.models import LinkKind, ReadStatus
from readinglist.ui.paper_model import Column, PaperTableModel
from readinglist.ui.table_columns import ColumnChooser

STATUS_KEYS = {
    Qt.Key.Key_1: ReadStatus.UNREAD,
    Qt.Key.Key_2: ReadStatus.QUEUED,
    Qt.Key.Key_3: ReadStatus.READING,
    Qt.Key.Key_4: ReadStatus.READ,
    Qt.Key.Key_5: ReadStatus.SKIMMED,
    Qt.Key.Key_6: ReadStatus.DROPPED,
}
LINK_KEYS = {Qt.Key.Key_O: LinkKind.CODE, Qt.Key.Key_P: LinkKind.PROJECT}
COLUMN_WIDTHS = {
    Column.POSITION: 44,
    Column.STATUS: 72,
    Column.TAGS: 110,
    Column.CODE: 78,  # the icon and "★ 12k"
    Column.RATING: 78,
    Column.FIRST_SEEN: 88,
    Column.TIMES_SEEN: 82,
    Column.AUTHORS: 130,
    Column.PUBLISHED: 84,
}
# Where the columns added later show: who wrote a paper and when, beside its title.
VISUAL_ORDER = (Column.POSITION, Column.TITLE, Column.AUTHORS, Column.PUBLISHED)


def _ranges(model: QItemSelectionModel) -> list[QItemSelectionRange]:
    selection = model.selection()
    return [selection.at(i) for i in range(selection.count())]


def shift_or_keypad() -> Qt.KeyboardModifier:
    return Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


class PaperTable(QTableView):
    statusKey = Signal(object)  # ReadStatus for the selected papers  # noqa: N815
    linkKey = Signal(object)  # LinkKind of the current paper  # noqa: N815
    searchKey = Signal()  # noqa: N815
    tagKey = Signal()  # noqa: N815
    deleteKey = Signal()  # noqa: N815
    notesKey = Signal()  # noqa: N815
    helpKey = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        self._header_selection: QItemSelectionModel | None = None
        self._indicator = (-1, Qt.SortOrder.AscendingOrder)  # the last sortable one
        self.columns: ColumnChooser | None = None  # made by setup_columns
        super().__init__(parent)
        self.setObjectName("paperTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        rows = self.verticalHeader()
        rows.hide()
        # Fixed row heights: the view never measures 100k rows (nor loads them).
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)

    def setSelectionModel(self, selectionModel: QItemSelectionModel) -> None:  # noqa: N802, N803
        """The column header gets a selection model of its own that stays empty.

        Rows are selected whole, so no column is ever highlighted; but after every
        selection change the header asks whether each column is entirely selected, and
        Qt answers by calling ``flags()`` once per selected row: 70k Python calls and
        about 150 ms on the GUI thread with 10k papers selected.
        """
        super().setSelectionModel(selectionModel)
        header = self.horizontalHeader()
        if self._header_selection is not None:
            self._header_selection.deleteLater()
        self._header_selection = QItemSelectionModel(selectionModel.model(), header)
        header.setSelectionModel(self._header_selection)

    def setup_columns(self) -> None:
        """Widths that never need the rows' contents (called once the model is set)."""
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        for place, column in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(column), place)
        self.columns = ColumnChooser(self, COLUMN_WIDTHS)
        header.sectionPressed.connect(self._remember_indicator)
        header.sortIndicatorChanged.connect(self._keep_sortable_indicator)

    def _remember_indicator(self, _section: int) -> None:
        header = self.horizontalHeader()
        self._indicator = (header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _keep_sortable_indicator(self, section: int, order: Qt.SortOrder) -> None:
        """A click on a column the library cannot sort by leaves the rows as they are:
        the arrow stays where it was instead of promising an order that is not there."""
        model = self.model()
        if section < 0 or not isinstance(model, PaperTableModel) or model.sortable(section):
            self._indicator = (section, order)
            return
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(*self._indicator)
        header.blockSignals(False)

    def selected_rows(self) -> list[int]:
        """The selected rows, from the selection's ranges: ``selectedRows()`` makes an
        index per row and column, far too slow for ten thousand rows."""
        model = self.selectionModel()
        if model is None:
            return []
        rows = {row for part in _ranges(model) for row in range(part.top(), part.bottom() + 1)}
        return sorted(rows)

    def selected_ranges(self) -> list[tuple[int, int]]:
        """The selection as (first row, last row) runs: select-all of 100k rows is one."""
        model = self.selectionModel()
        if model is None:
            return []
        return [(part.top(), part.bottom()) for part in _ranges(model)]

    def selected_count(self) -> int:
        """How many rows are selected (ranges never overlap in a row selection)."""
        model = self.selectionModel()
        return 0 if model is None else sum(part.height() for part in _ranges(model))

    def move_current(self, step: int) -> None:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        current = self.currentIndex().row()
        row = 0 if current < 0 else max(0, min(model.rowCount() - 1, current + step))
        index = model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = Qt.Key(event.key())
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == (
            Qt.KeyboardModifier.NoModifier
        )
        if plain and key in (Qt.Key.Key_J, Qt.Key.Key_K):
            self.move_current(1 if key == Qt.Key.Key_J else -1)
        elif plain and key in STATUS_KEYS:
            self.statusKey.emit(STATUS_KEYS[key])
        elif plain and key in LINK_KEYS:
            self.linkKey.emit(LINK_KEYS[key])
        elif plain and key == Qt.Key.Key_Slash:
            self.searchKey.emit()
        elif plain and key == Qt.Key.Key_T:
            self.tagKey.emit()
        elif plain and key == Qt.Key.Key_Delete:
            self.deleteKey.emit()
        elif plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.notesKey.emit()
        elif key == Qt.Key.Key_Question and not event.modifiers() & ~shift_or_keypad():
            self.helpKey.emit()
        else:
            super().keyPressEvent(event)

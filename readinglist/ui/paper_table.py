"""The table view with keyboard triage.

j/k move (Home/End: the first and last paper), 1-6 set a status, Ctrl+0-5 the rating,
o/p open links, t tags, Enter (or a double-click) opens the paper, n goes to the notes,
Delete deletes, ? lists the shortcuts (``a`` opens the paper too: open_paper.py). The
header's context menu shows and hides columns (table_columns.py).

Titles are shown with their simple TeX as characters (:class:`TexDelegate`), and a
query that found nothing says so in the table itself (:attr:`PaperTable.empty_text`).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QItemSelectionRange,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from readinglist.core.models import LinkKind, ReadStatus
from readinglist.core.tex_display import display_tex
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
RATING_KEYS = {getattr(Qt.Key, f"Key_{rating}"): rating for rating in range(6)}
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


class TexDelegate(QStyledItemDelegate):
    """Shows a cell's text with its simple TeX as characters (``1\\times1``: ``1×1``);
    the model's text, what is sorted and searched, stays as stored."""

    def initStyleOption(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.text = display_tex(option.text)


class PaperTable(QTableView):
    statusKey = Signal(object)  # ReadStatus for the selected papers  # noqa: N815
    linkKey = Signal(object)  # LinkKind of the current paper  # noqa: N815
    searchKey = Signal()  # noqa: N815
    tagKey = Signal()  # noqa: N815
    deleteKey = Signal()  # noqa: N815
    notesKey = Signal()  # noqa: N815
    helpKey = Signal()  # noqa: N815
    ratingKey = Signal(int)  # noqa: N815
    openKey = Signal()  # Enter: the current paper  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        self._header_selection: QItemSelectionModel | None = None
        self._indicator = (-1, Qt.SortOrder.AscendingOrder)  # the last sortable one
        self.columns: ColumnChooser | None = None  # made by setup_columns
        self.empty_text = ""  # shown in the table while it has no rows
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
        self._tex = TexDelegate(self)
        self.setItemDelegateForColumn(Column.TITLE, self._tex)
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

    def select_all_rows(self) -> None:
        """Select every row (rows not loaded yet too), the first one current."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        first = model.index(0, 0)
        self.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.selectAll()
        self.scrollTo(first)
        self.setFocus()

    def select_rows(self, rows: list[int], focus: bool = True) -> None:
        """Select these rows (sorted; loaded or not), one range per run of consecutive
        rows; the first becomes current."""
        model = self.model()
        if model is None or not rows:
            return
        selection = QItemSelection()
        last = model.columnCount() - 1
        start = previous = rows[0]
        for row in [*rows[1:], -1]:
            if row != previous + 1:
                selection.select(model.index(start, 0), model.index(previous, last))
                start = row
            previous = row
        selections = self.selectionModel()
        first = model.index(rows[0], 0)
        selections.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        selections.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(first)
        if focus:
            self.setFocus()

    def set_empty_text(self, text: str) -> None:
        if text != self.empty_text:
            self.empty_text = text
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """The rows; with none, why (``empty_text``) in the middle of the table."""
        super().paintEvent(event)
        model = self.model()
        if not self.empty_text or model is None or model.rowCount() > 0:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(16, 16, -16, -16)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(area, int(flags), self.empty_text)
        painter.end()

    def move_current(self, step: int) -> None:
        """Make the row ``step`` rows on the current one (none current: the first row)
        current and the only one selected."""
        current = self.currentIndex().row()
        self.go_to_row(0 if current < 0 else current + step)

    def go_to_row(self, row: int) -> None:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        row = max(0, min(model.rowCount() - 1, row))
        index = model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)
        index.data()  # its page asked for now (End: a page no view has shown yet)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = Qt.Key(event.key())
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == (
            Qt.KeyboardModifier.NoModifier
        )
        control = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == (
            Qt.KeyboardModifier.ControlModifier
        )
        if plain and key in (Qt.Key.Key_J, Qt.Key.Key_K):
            self.move_current(1 if key == Qt.Key.Key_J else -1)
        elif plain and key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            model = self.model()
            self.go_to_row(0 if key == Qt.Key.Key_Home or model is None else model.rowCount())
        elif control and key in RATING_KEYS:
            self.ratingKey.emit(RATING_KEYS[key])
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
            self.openKey.emit()
        elif plain and key == Qt.Key.Key_N:
            self.notesKey.emit()
        elif key == Qt.Key.Key_Question and not event.modifiers() & ~shift_or_keypad():
            self.helpKey.emit()
        else:
            super().keyPressEvent(event)

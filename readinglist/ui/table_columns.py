"""Which of the table's columns are shown: the user's choice, else what fits.

The header's context menu lists the columns that can be hidden, each with a check
mark; a choice made there is kept (window settings). Columns nobody chose about follow
their default: the title, status and code always, the others (tags, rating, dates,
times seen, then Authors and Published) while the table is wide enough for them *and*
a readable title. At 1024 pixels the title column
already has barely room for a few words, and a library of digests knows no authors or
dates until its papers are looked up, so two mostly empty columns there would only take
the title's place; on a wide screen they cost nothing.

The interest column (the triage's, 0-1) is hidden by default until the triage has
enough signals to rank with its classifier (``TriageController.enough_signals``): before
that it is empty or a cold-start guess from a couple of papers, and a column of blanks
would only take the title's room. The window's triage turns the default on when it
has trained so (:meth:`ColumnChooser.set_default`); the header's menu shows or hides it
at any time, and that choice is kept like the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QMenu, QTableView

from readinglist.ui.paper_model import HEADERS, Column
from readinglist.ui.table_sorting import add_sort_actions, install_sorting
from readinglist.ui.widgets import named

# The columns the header's menu can hide or show (the title always shows; the ``#``
# column shows where rows have a place of their own: search_controller).
OPTIONAL = (
    Column.AUTHORS,
    Column.PUBLISHED,
    Column.STATUS,
    Column.TAGS,
    Column.CODE,
    Column.RATING,
    Column.FIRST_SEEN,
    Column.TIMES_SEEN,
    Column.INTEREST,
)
# Hidden by default until something says they have values worth a column (set_default).
HIDDEN_UNTIL_KNOWN = (Column.INTEREST,)
# Widths of the columns the table (paper_table.COLUMN_WIDTHS) does not size itself.
EXTRA_WIDTHS = {Column.INTEREST: 64}  # "Interest" and "0.87"
# Shown by default only when the table is wide enough (see the module's docstring).
WHEN_WIDE = (Column.AUTHORS, Column.PUBLISHED)
# Nobody's choice: the columns shown while there is room beside a readable title, kept
# in this order (the last ones go first as the table narrows), so that at 1024 pixels
# the title, status and code fit with no horizontal scroll bar.
BY_ROOM = (
    Column.TAGS,
    Column.RATING,
    Column.FIRST_SEEN,
    Column.TIMES_SEEN,
    Column.AUTHORS,
    Column.PUBLISHED,
)
# The title's width that the columns shown when wide must leave it; they come back
# only with some more room than that, so that a scroll bar coming or going (the rows
# fitting once the columns are gone) never makes them blink.
MIN_TITLE_WIDTH = 360
HYSTERESIS = 32


def parse_choices(values: Iterable[object]) -> dict[Column, bool]:
    """``["authors=1", "tags=0"]`` (as kept in the settings) -> the choices; anything
    unknown is skipped."""
    names = {column.name.lower(): column for column in OPTIONAL}
    choices: dict[Column, bool] = {}
    for value in values:
        name, _, shown = str(value).partition("=")
        if name in names and shown in ("0", "1"):
            choices[names[name]] = shown == "1"
    return choices


def format_choices(choices: Mapping[Column, bool]) -> list[str]:
    return [f"{column.name.lower()}={int(shown)}" for column, shown in choices.items()]


class ColumnChooser(QObject):
    """Shows and hides a table's optional columns (see the module's docstring)."""

    def __init__(self, table: QTableView, widths: Mapping[Column, int]) -> None:
        super().__init__(table)
        self._table = table
        self._choices: dict[Column, bool] = {}
        self._hidden_by_default = set(HIDDEN_UNTIL_KNOWN)
        for column, width in EXTRA_WIDTHS.items():
            if column not in widths:
                table.setColumnWidth(column, width)
        self._widths = {**EXTRA_WIDTHS, **widths}  # each column's last width shown
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)
        self._viewport = table.viewport()  # kept: asked while the table is destroyed
        self._viewport.installEventFilter(self)
        # The header's other half: three-click sorting, the selection kept across a sort
        # (table_sorting.py); the menu below offers both.
        self.sorting = install_sorting(table)

    @property
    def choices(self) -> dict[Column, bool]:
        """The columns the user showed (True) or hid (False) from the header's menu."""
        return dict(self._choices)

    def set_choices(self, choices: Mapping[Column, bool]) -> None:
        self._choices = {c: shown for c, shown in choices.items() if c in OPTIONAL}
        self.fit()

    def choose(self, column: Column, shown: bool) -> None:
        self._choices[column] = shown
        self.fit()

    def set_default(self, column: Column, shown: bool) -> None:
        """Whether a column nobody chose about shows by default (the interest column
        once the triage has enough signals); the user's choice still wins."""
        if shown:
            self._hidden_by_default.discard(column)
        else:
            self._hidden_by_default.add(column)
        self.fit()

    def reset(self) -> None:
        """Back to the defaults: every column, Authors and Published when wide."""
        self.set_choices({})

    def _automatic(self) -> list[Column]:
        """The columns nobody chose about whose showing the width decides, in order."""
        return [column for column in BY_ROOM if column not in self._choices]

    def fitting(self) -> set[Column]:
        """The automatic columns there is room for beside a readable title: each in
        :data:`BY_ROOM` order while the room lasts (a hidden one needs a little more)."""
        table = self._table
        automatic = self._automatic()
        others = sum(
            table.columnWidth(column)
            for column in Column
            if column is not Column.TITLE
            and column not in automatic
            and not table.isColumnHidden(column)
        )
        room = table.viewport().width() - others - MIN_TITLE_WIDTH
        shown: set[Column] = set()
        for column in automatic:
            room -= self._width(column)
            if room < (0 if not table.isColumnHidden(column) else HYSTERESIS):
                break
            shown.add(column)
        return shown

    def wide_enough(self) -> bool:
        """Whether the table has room for every automatic column and a readable title."""
        return set(self._automatic()) <= self.fitting()

    def _width(self, column: Column) -> int:
        """The column's width, also while hidden (Qt reports 0 for a hidden column)."""
        if not self._table.isColumnHidden(column):
            self._widths[column] = self._table.columnWidth(column)
        return self._widths.get(column, 0)

    def fit(self) -> None:
        """Show or hide every optional column: the choice, else the default."""
        fitting = self.fitting()
        for column in OPTIONAL:
            default = column in fitting or column not in BY_ROOM
            if column in self._hidden_by_default:
                default = False
            shown = self._choices.get(column, default)
            if self._table.isColumnHidden(column) == shown:
                self._width(column)  # remembered before it hides
                self._table.setColumnHidden(column, not shown)  # Qt gives its width back

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.fit()
        return False

    # --- the header's menu -------------------------------------------------------------

    def build_menu(self, section: int = -1) -> QMenu:
        """The header's menu: sorting by the column clicked (``section``) or back to
        relevance, then the columns to show."""
        menu = named(QMenu(self._table), "columnMenu")
        menu.setToolTipsVisible(True)
        add_sort_actions(menu, self._table, section)
        for column in OPTIONAL:
            action = menu.addAction(HEADERS[column])
            action.setObjectName(f"column{column.name.title().replace('_', '')}Action")
            action.setCheckable(True)
            action.setChecked(not self._table.isColumnHidden(column))
            if column in BY_ROOM and column not in self._choices:
                action.setToolTip("Shown when the window is wide enough, until you choose")
            elif column in HIDDEN_UNTIL_KNOWN and column not in self._choices:
                action.setToolTip("Shown once the triage has learned from enough papers")
            action.toggled.connect(lambda shown, c=column: self.choose(c, shown))
        menu.addSeparator()
        reset = menu.addAction("Reset columns")
        reset.setObjectName("resetColumnsAction")
        reset.triggered.connect(self.reset)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.build_menu(self._table.horizontalHeader().logicalIndexAt(pos))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self._table.horizontalHeader().mapToGlobal(pos))

"""Which of the table's columns are shown: the user's choice, else what fits.

The header's context menu lists the columns that can be hidden, each with a check
mark; a choice made there is kept (window settings). Columns nobody chose about follow
their default: most are shown, while Authors and Published are shown only when the
table is wide enough for them *and* a readable title. At 1024 pixels the title column
already has barely room for a few words, and a library of digests knows no authors or
dates until its papers are looked up, so two mostly empty columns there would only take
the title's place; on a wide screen they cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QMenu, QTableView

from readinglist.ui.paper_model import HEADERS, Column
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
)
# Shown by default only when the table is wide enough (see the module's docstring).
WHEN_WIDE = (Column.AUTHORS, Column.PUBLISHED)
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
        self._widths = dict(widths)  # each column's last width shown (the defaults first)
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)
        self._viewport = table.viewport()  # kept: asked while the table is destroyed
        self._viewport.installEventFilter(self)

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

    def reset(self) -> None:
        """Back to the defaults: every column, Authors and Published when wide."""
        self.set_choices({})

    def _automatic(self) -> list[Column]:
        """The when-wide columns nobody chose about: the width decides."""
        return [column for column in WHEN_WIDE if column not in self._choices]

    def wide_enough(self) -> bool:
        """Whether the table has room for the automatic columns and a readable title."""
        table = self._table
        automatic = self._automatic()
        others = sum(
            table.columnWidth(column)
            for column in Column
            if column is not Column.TITLE
            and column not in automatic
            and not table.isColumnHidden(column)
        )
        wanted = sum(self._width(column) for column in automatic)
        shown = any(not table.isColumnHidden(column) for column in automatic)
        room = table.viewport().width() - others - wanted
        return room >= MIN_TITLE_WIDTH + (0 if shown else HYSTERESIS)

    def _width(self, column: Column) -> int:
        """The column's width, also while hidden (Qt reports 0 for a hidden column)."""
        if not self._table.isColumnHidden(column):
            self._widths[column] = self._table.columnWidth(column)
        return self._widths.get(column, 0)

    def fit(self) -> None:
        """Show or hide every optional column: the choice, else the default."""
        wide = self.wide_enough()
        for column in OPTIONAL:
            shown = self._choices.get(column, wide if column in WHEN_WIDE else True)
            if self._table.isColumnHidden(column) == shown:
                self._width(column)  # remembered before it hides
                self._table.setColumnHidden(column, not shown)  # Qt gives its width back

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.fit()
        return False

    # --- the header's menu -------------------------------------------------------------

    def build_menu(self) -> QMenu:
        menu = named(QMenu(self._table), "columnMenu")
        menu.setToolTipsVisible(True)
        for column in OPTIONAL:
            action = menu.addAction(HEADERS[column])
            action.setObjectName(f"column{column.name.title().replace('_', '')}Action")
            action.setCheckable(True)
            action.setChecked(not self._table.isColumnHidden(column))
            if column in WHEN_WIDE and column not in self._choices:
                action.setToolTip("Shown when the window is wide enough, until you choose")
            action.toggled.connect(lambda shown, c=column: self.choose(c, shown))
        menu.addSeparator()
        reset = menu.addAction("Reset columns")
        reset.setObjectName("resetColumnsAction")
        reset.triggered.connect(self.reset)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.build_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self._table.horizontalHeader().mapToGlobal(pos))

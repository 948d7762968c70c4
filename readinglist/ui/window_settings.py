"""What the window remembers between starts: geometry, the splitter, column widths,
the theme (QSettings, an INI file in the user's config folder)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter

from readinglist.ui.paper_model import Column
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.theme import Theme, parse_theme

ORGANIZATION = "readinglist"
DEFAULT_SIZE = (1400, 900)


def settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, "readinglist"
    )


class SettingsHost(Protocol):
    """The parts of the window whose state is kept (a :class:`MainWindow`)."""

    splitter: QSplitter
    table: PaperTable
    theme: Theme

    def saveGeometry(self) -> QByteArray: ...  # noqa: N802

    def restoreGeometry(self, geometry: QByteArray) -> bool: ...  # noqa: N802

    def resize(self, width: int, height: int) -> None: ...

    def set_theme(self, theme: Theme, save: bool = True) -> None: ...


def restore_settings(window: SettingsHost) -> None:
    stored = settings()
    geometry = stored.value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    else:
        window.resize(*DEFAULT_SIZE)
    state = stored.value("window/splitter")
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.splitter.restoreState(state)
    widths = stored.value("table/columnWidths")
    if isinstance(widths, list) and len(widths) == len(Column):
        for column, width in zip(Column, widths, strict=True):
            if column is not Column.TITLE and str(width).isdigit() and int(width) > 0:
                window.table.setColumnWidth(column, int(width))
    window.set_theme(parse_theme(stored.value("view/theme", Theme.SYSTEM.value)), save=False)


def save_settings(window: SettingsHost) -> None:
    stored = settings()
    stored.setValue("window/geometry", window.saveGeometry())
    stored.setValue("window/splitter", window.splitter.saveState())
    stored.setValue("table/columnWidths", [str(window.table.columnWidth(c)) for c in Column])
    stored.setValue("view/theme", window.theme.value)
    stored.sync()


def save_theme(theme: Theme) -> None:
    stored = settings()
    stored.setValue("view/theme", theme.value)
    stored.sync()

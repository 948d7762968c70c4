"""What the window remembers between starts: geometry, the splitter, column widths,
the columns shown or hidden, the theme, whether new papers are looked up automatically
(QSettings, an INI file in the user's config folder)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter

from readinglist.ui.paper_model import Column
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.table_columns import format_choices, parse_choices
from readinglist.ui.theme import Theme, parse_theme

ORGANIZATION = "readinglist"
DEFAULT_SIZE = (1400, 900)
AUTO_LOOKUP = "lookup/automatic"  # look an import's new papers up (default: yes)


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
    # A list from before columns were added holds the first ones: columns are only ever
    # added at the end (paper_model.Column), so each width keeps its column.
    if isinstance(widths, list) and len(widths) <= len(Column):
        for column, width in zip(Column, widths, strict=False):
            if column is not Column.TITLE and str(width).isdigit() and int(width) > 0:
                window.table.setColumnWidth(column, int(width))
    choices = stored.value("table/columnChoices")
    if isinstance(choices, str):  # QSettings gives a one-item list back as a string
        choices = [choices]
    if isinstance(choices, list) and window.table.columns is not None:
        window.table.columns.set_choices(parse_choices(choices))
    window.set_theme(parse_theme(stored.value("view/theme", Theme.SYSTEM.value)), save=False)


def save_settings(window: SettingsHost) -> None:
    stored = settings()
    stored.setValue("window/geometry", window.saveGeometry())
    stored.setValue("window/splitter", window.splitter.saveState())
    stored.setValue("table/columnWidths", [str(window.table.columnWidth(c)) for c in Column])
    if window.table.columns is not None:
        stored.setValue("table/columnChoices", format_choices(window.table.columns.choices))
    stored.setValue("view/theme", window.theme.value)
    stored.sync()


def save_theme(theme: Theme) -> None:
    stored = settings()
    stored.setValue("view/theme", theme.value)
    stored.sync()


def auto_lookup_enabled() -> bool:
    """Whether an import's new papers are looked up at once (an INI file gives a string)."""
    value = settings().value(AUTO_LOOKUP, True)
    return value if isinstance(value, bool) else str(value).strip().lower() != "false"


def save_auto_lookup(enabled: bool) -> None:
    stored = settings()
    stored.setValue(AUTO_LOOKUP, enabled)
    stored.sync()

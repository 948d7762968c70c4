"""File > Open shared library…: a window on a library kept on a PostgreSQL server.

The dialog asks for the URL (``postgresql://user@host/database``) and checks it as the
command line does (readinglist.storage.shared_url): a URL with a password, or one that
is not a PostgreSQL URL or names no database, is a one-line message under the field and
nothing is opened. The password comes from ``~/.pgpass`` or ``PGPASSWORD``.

An accepted URL opens in a new window beside this one (each window has its own worker
and library, as ``readinglist gui`` makes it); a library that is already open in a
window of this process brings that window to the front instead. A server that cannot
be reached, or a database that is not a library, is a one-line message in the status
bar of the window that asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.errors import ReadingListError
from readinglist.storage.shared_url import normalised
from readinglist.ui.widgets import named

if TYPE_CHECKING:
    from readinglist.ui.main_window import MainWindow

PROMPT = (
    "The library's URL, without a password (it comes from ~/.pgpass or PGPASSWORD):"
    "\npostgresql://user@host/database"
)


class SharedLibraryDialog(QDialog):
    """Asks for a shared library's URL; ``url`` is the checked (normalised) URL."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sharedLibraryDialog")
        self.setWindowTitle("Open shared library")
        self.url: str | None = None
        prompt = QLabel(PROMPT)
        prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.field = named(QLineEdit(), "sharedUrlField")
        self.field.setPlaceholderText("postgresql://alice@labserver/readinglist")
        self.problem = named(QLabel(), "sharedUrlProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # the text is the user's
        self.problem.setWordWrap(True)
        self.field.textEdited.connect(lambda _text: self.problem.clear())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (prompt, self.field, self.problem, buttons):
            layout.addWidget(widget)
        self.resize(560, 0)

    def accept(self) -> None:
        """Close only on a usable URL; otherwise say why in one line and stay."""
        text = self.field.text().strip()
        if not text:
            self.problem.setText("give the library's URL: postgresql://user@host/database")
            return
        try:
            self.url = normalised(text)
        except ReadingListError as problem:  # never repeats a password (shared_url)
            self.problem.setText(str(problem))
            return
        super().accept()


# Windows opened from the menu, by library folder: kept alive here (they have no parent)
# and found again when the same library is asked for twice.
_WINDOWS: dict[str, MainWindow] = {}


class AskingWindow(Protocol):
    """What the menu's window is to this module (a :class:`MainWindow`)."""

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def dialog_parent(self) -> QWidget: ...

    @property
    def library_dir(self) -> Path: ...


def open_shared_window(url: str, asking: AskingWindow) -> MainWindow | None:
    """A window on the shared library at ``url`` (normalised), shown; None (and a
    one-line message in ``asking``'s status bar) when it is not opened."""
    from readinglist.app_context import library_folder
    from readinglist.ui import app

    try:
        folder = library_folder(url)
    except ReadingListError as problem:
        asking.statusBar().showMessage(str(problem), 15000)
        return None
    if asking.library_dir == folder:
        asking.statusBar().showMessage(f"{url} is the library of this window", 15000)
        return None
    for window in _WINDOWS.values():
        if window.library_dir == folder and not window.isHidden():
            app.bring_to_front(window)
            return window
    try:
        window = app.open_window(folder)
    except ReadingListError as problem:  # the server, the database: one line
        asking.statusBar().showMessage(f"{url} could not be opened: {problem}", 15000)
        return None
    key = str(folder)
    _WINDOWS[key] = window
    window.destroyed.connect(lambda *_: _WINDOWS.pop(key, None))
    return window


def ask_for_shared_library(asking: AskingWindow) -> SharedLibraryDialog:
    """File > Open shared library…: the dialog (window-modal); its URL opens on accept."""
    dialog = SharedLibraryDialog(asking.dialog_parent())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: dialog.url and open_shared_window(dialog.url, asking))
    dialog.open()
    return dialog

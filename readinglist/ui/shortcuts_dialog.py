"""The keyboard shortcuts, listed in a dialog (``?`` in the table, Help menu)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.models import ReadStatus
from readinglist.ui.widgets import named

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("j / k", "Next / previous paper"),
    ("Home / End", "First / last paper"),
    (
        "1-6",
        "Set the status ("
        + ", ".join(s.value for s in ReadStatus)
        + ") and go on to the next paper (View menu: on or off)",
    ),
    ("Ctrl+0 - Ctrl+5", "Rate the selected papers (0: not rated)"),
    ("Enter", "Open the paper, as a double-click does (not looked up yet: search arXiv)"),
    ("a", "Open the paper: its arXiv page, else its DOI or Hugging Face page"),
    ("Shift+A", "Open the paper's PDF (arXiv)"),
    ("o", "Open the code link"),
    ("p", "Open the project page"),
    ("t", "Add a tag to the selected papers"),
    ("l", "Add the selected papers to a reading list"),
    ("Shift+L", "Remove the selected papers from the reading list shown"),
    ("Alt+Up / Alt+Down", "Move the selected papers in the reading list shown"),
    ("n", "Edit the notes of the current paper (Esc: back to the table)"),
    ("Alt+Left / Alt+Right", "Back / forward after going to a similar paper"),
    ("Delete", "Delete the selected papers (asks first)"),
    ("/  or  Ctrl+F", "Search (Esc in the search box clears it)"),
    ("Ctrl+Z", "Undo a status, rating, tag, notes change, a delete or an import"),
    ("Ctrl+Shift+Z", "Redo"),
    ("Ctrl+Shift+V", "Paste a digest (or arXiv ids and paper URLs) from the clipboard"),
    ("Esc", "Stop looking papers up on arXiv and Hugging Face (in the table)"),
    ("Ctrl+O", "Import a digest file"),
    ("Ctrl+E", "Export papers"),
    ("?  or  F1", "This list of shortcuts"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.table = named(QTableWidget(len(SHORTCUTS), 2), "shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Key", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, (key, action) in enumerate(SHORTCUTS):
            self.table.setItem(row, 0, QTableWidgetItem(key))
            self.table.setItem(row, 1, QTableWidgetItem(action))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def key_names(self) -> list[str]:
        items = (self.table.item(row, 0) for row in range(self.table.rowCount()))
        return [item.text() for item in items if item is not None]

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
    ("1-6", "Set the status: " + ", ".join(s.value for s in ReadStatus)),
    ("a", "Open the paper: its arXiv page, else its DOI or Hugging Face page"),
    ("Shift+A", "Open the paper's PDF (arXiv)"),
    ("o", "Open the code link"),
    ("p", "Open the project page"),
    ("t", "Add a tag to the selected papers"),
    ("l", "Add the selected papers to a reading list"),
    ("Shift+L", "Remove the selected papers from the reading list shown"),
    ("Alt+Up / Alt+Down", "Move the selected papers in the reading list shown"),
    ("Enter", "Edit the notes of the current paper"),
    ("Delete", "Delete the selected papers (asks first)"),
    ("/  or  Ctrl+F", "Search"),
    ("Ctrl+Z", "Undo a status, rating, tag, notes change, a delete or an import"),
    ("Ctrl+Shift+Z", "Redo"),
    ("Ctrl+Shift+V", "Paste a digest (or arXiv ids and paper URLs) from the clipboard"),
    ("Esc", "Stop looking papers up on arXiv and Hugging Face"),
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

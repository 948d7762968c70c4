"""The ``l`` dialog: choose the reading list to add the selection to.

Qt's editable item dialog made two mistakes easy: Enter on a completion in the popup
also pressed OK, with whatever was typed so far ("rea" instead of "reading group"), and
any text that was not a list silently became a new list. Here:

* Enter (or a click) on a completion only puts it in the box; a second Enter adds;
* a name that is no list asks once more ("press Enter again to create it"), so a new
  list exists only when the user says so;
* completion matches anywhere in a name, whatever the case ("group" finds "Reading
  group").
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

ADD = "Add"
CREATE = "Create list and add"


def spaced(name: str) -> str:
    """A name as lists keep it: spacing collapsed (core.list_cases.normalize_name)."""
    return " ".join(name.split())


class ListPicker(QDialog):
    """Asks for an existing list, or a new name confirmed (see the module's docstring)."""

    def __init__(self, names: Sequence[str], count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("listPicker")
        self.setWindowTitle("Add to list")
        self._names = {name.casefold(): name for name in names}
        self._confirming: str | None = None  # the new name waiting for a second Enter
        self._completed = False  # Enter just chose a completion: it must not add too
        papers = f"{count} paper" if count == 1 else f"{count} papers"
        prompt = QLabel(f"Add {papers} to the list:")
        self.edit = QLineEdit()
        self.edit.setObjectName("listNameEdit")
        self.edit.setPlaceholderText("A list's name, or a new name")
        self.completer = QCompleter(QStringListModel(list(names), self), self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self._completion_chosen)
        self.edit.setCompleter(self.completer)
        prompt.setBuddy(self.edit)
        self.note = QLabel()
        self.note.setObjectName("listPickerNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (prompt, self.edit, self.note, self.buttons):
            layout.addWidget(widget)
        self.edit.textChanged.connect(self._text_changed)
        self._text_changed(self.edit.text())

    @property
    def name(self) -> str:
        """The list chosen: an existing list's own spelling, else the new name."""
        typed = spaced(self.edit.text())
        return self._names.get(typed.casefold(), typed)

    @property
    def is_new(self) -> bool:
        return bool(self.name) and self.name.casefold() not in self._names

    def _completion_chosen(self, text: str) -> None:
        # Qt goes on to deliver the Enter to the box, whose Enter presses OK: remember
        # until that event is over that this Enter was the completion's.
        self._completed = True
        self.edit.setText(text)
        QTimer.singleShot(0, self._completion_done)

    def _completion_done(self) -> None:
        self._completed = False

    def _text_changed(self, _text: str) -> None:
        self._confirming = None
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name))
        ok.setText(CREATE if self.is_new else ADD)
        self.note.setText("")

    def accept(self) -> None:
        if self._completed or not self.name:
            return
        if self.is_new and self._confirming != self.name:
            self._confirming = self.name
            self.note.setText(
                f"There is no list named “{self.name}”. Press Enter again to create it"
                " and add the papers, or choose a list."
            )
            return
        super().accept()


def choose_list(names: Sequence[str], count: int, parent: QWidget | None) -> str | None:
    """Ask (modal); the list's name, or None when cancelled."""
    picker = ListPicker(names, count, parent)
    try:
        return picker.name if picker.exec() == QDialog.DialogCode.Accepted else None
    finally:
        picker.deleteLater()

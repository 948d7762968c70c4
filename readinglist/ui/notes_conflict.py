"""Notes someone else changed while this window was editing them: the user chooses.

The notes save (core/notes_save.py) writes nothing when both sides changed the notes
since the window loaded them; the :class:`EditConflictError` comes here. Neither text
is dropped: a dialog shows theirs and mine and offers to keep mine, take theirs, or
keep both (mine after theirs, under a marker line). The choice is saved from their
text as the new base, so a third change meanwhile is again a conflict, not a loss.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from readinglist.core.models import Paper
from readinglist.core.notes_save import BOTH_MARKER, both
from readinglist.core.paper_edits import EditConflictError
from readinglist.ui.widgets import named

__all__ = ["BOTH_MARKER", "NotesConflictDialog", "both"]


class NotesConflictDialog(QDialog):
    """Theirs and mine side by side; :attr:`chosen` is the text the user chose."""

    def __init__(self, paper_id: int, theirs: str, mine: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("notesConflictDialog")
        self.setWindowTitle("Notes changed elsewhere")
        self.theirs, self.mine, self.chosen = theirs, mine, mine
        layout = QGridLayout(self)
        text = (
            f"The notes of paper {paper_id} were changed elsewhere while you typed."
            " Nothing was overwritten: choose what they become."
        )
        layout.addWidget(QLabel(text, wordWrap=True), 0, 0, 1, 2)
        for column, (title, notes) in enumerate((("Theirs", theirs), ("Mine", mine))):
            layout.addWidget(QLabel(f"<b>{title}</b>"), 1, column)
            view = named(QPlainTextEdit(notes, readOnly=True), f"{title.lower()}Notes")
            layout.addWidget(view, 2, column)
        buttons = QDialogButtonBox()
        choices = (("Keep mine", mine), ("Take theirs", theirs), ("Keep both", both(theirs, mine)))
        self.buttons: dict[str, QPushButton] = {}
        for label, chosen in choices:
            button = buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
            button.clicked.connect(lambda _=False, text=chosen: self._choose(text))
            self.buttons[label] = button
        layout.addWidget(buttons, 3, 0, 1, 2)

    def _choose(self, text: str) -> None:
        self.chosen = text
        self.accept()


class NotesPane(Protocol):
    """What resolving needs of the detail pane."""

    notes_editor: QPlainTextEdit
    notes_base: str

    @property
    def paper(self) -> Paper | None: ...

    def set_notes(self, paper_id: int | None, notes: str) -> None: ...


class NotesHost(Protocol):
    def save_notes(self, paper_id: int, base: str, notes: str) -> None: ...

    def dialog_parent(self) -> QWidget: ...


class NotesConflicts(QObject):
    """Turns a notes conflict into the dialog, and the choice into a save."""

    def __init__(self, host: NotesHost, pane: NotesPane, parent: QObject) -> None:
        super().__init__(parent)
        self.host, self.pane = host, pane
        self.dialog: NotesConflictDialog | None = None

    def resolve(self, error: EditConflictError) -> bool:
        """Ask the user about a notes conflict (True); False for another conflict."""
        notes = [c for c in error.conflicts if c.field == "notes"]
        if not notes:
            return False
        theirs, mine = str(notes[0].theirs), str(notes[0].mine)
        paper_id = error.paper_id
        typed = self.pane.notes_editor.toPlainText()
        # What was typed since the save counts too; a box the refresh reset to their
        # notes (nothing typed since) does not replace ours.
        if self._shows(paper_id) and typed != self.pane.notes_base:
            mine = typed
        dialog = NotesConflictDialog(paper_id, theirs, mine, self.host.dialog_parent())
        self.dialog = dialog

        def chosen(result: int) -> None:
            # Closed without a choice (Esc): both kept, so closing loses neither.
            text = dialog.chosen if result == QDialog.DialogCode.Accepted else both(theirs, mine)
            if self._shows(paper_id):
                self.pane.set_notes(paper_id, text)
            self.host.save_notes(paper_id, theirs, text)
            self.dialog = None
            dialog.deleteLater()

        dialog.finished.connect(chosen)
        dialog.open()
        return True

    def _shows(self, paper_id: int) -> bool:
        paper = self.pane.paper
        return paper is not None and paper.id == paper_id

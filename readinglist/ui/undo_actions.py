"""Edit > Undo and Redo, naming the change they undo, shown literally.

``QUndoStack.createUndoAction`` puts the change's text into the menu as it is, so the
``&`` of a list named "R&D" becomes a shortcut letter ("Undo Add to RD"). These actions
escape the text (:func:`readinglist.ui.widgets.menu_text`) and keep their own ``&U``.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from readinglist.ui.widgets import menu_text, named


def undo_action(stack: QUndoStack, parent: QWidget, redo: bool = False) -> QAction:
    """The Undo (or Redo) action of the stack: enabled and named as the stack says."""
    word, key = ("&Redo", "Ctrl+Shift+Z") if redo else ("&Undo", "Ctrl+Z")
    action = named(QAction(word, parent), "redoAction" if redo else "undoAction")
    action.setShortcut(QKeySequence(key))

    def show(text: str) -> None:
        action.setText(f"{word} {menu_text(text)}" if text else word)

    if redo:
        action.triggered.connect(stack.redo)
        stack.canRedoChanged.connect(action.setEnabled)
        stack.redoTextChanged.connect(show)
        action.setEnabled(stack.canRedo())
        show(stack.redoText())
    else:
        action.triggered.connect(stack.undo)
        stack.canUndoChanged.connect(action.setEnabled)
        stack.undoTextChanged.connect(show)
        action.setEnabled(stack.canUndo())
        show(stack.undoText())
    return action

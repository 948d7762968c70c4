"""The window's undo stack: a :class:`QUndoCommand` around each Qt-free change.

The changes themselves (:mod:`readinglist.core.undo`) know how to record the papers'
previous values, apply themselves and take themselves back, through the
:class:`Library`. Every one of those steps runs on the writer: a :class:`ChangeCommand`
only submits them, in order, so an undo queued behind its change always sees the
change done and its previous values recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from readinglist.core.changes import Changes
from readinglist.core.library import Library
from readinglist.core.undo import Change, ValueChange, record_and_apply

NOTES_COMMAND_ID = 1

Run = Callable[[Callable[[Library], Changes], Change], None]


class ChangeCommand(QUndoCommand):
    """A change already applied when pushed: the first redo does nothing.

    ``run(fn, change)`` submits ``fn(library)`` to the writer, then announces the
    :class:`Changes` it returns.
    """

    def __init__(self, change: Change, run: Run) -> None:
        super().__init__(change.text)
        self.change = change
        self._run = run
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._run(record_and_apply(self.change), self.change)

    def undo(self) -> None:
        self._run(self.change.restore, self.change)

    def id(self) -> int:
        is_notes = isinstance(self.change, ValueChange) and self.change.field == "notes"
        return NOTES_COMMAND_ID if is_notes else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        """Notes typed on one paper in several pauses undo together."""
        if not isinstance(other, ChangeCommand) or other.id() != self.id():
            return False
        mine, theirs = self.change, other.change
        if not isinstance(mine, ValueChange) or not isinstance(theirs, ValueChange):
            return False
        if mine.ids != theirs.ids:
            return False
        mine.value = theirs.value
        return True

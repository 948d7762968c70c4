"""The undoable edits of papers from the window: status, rating, time spent, priority,
tags, notes, delete.

Each acts on the papers given, else on the whole selection (loaded or not), as one
change and one undo step (applied on the writer by the change runner). An edit that
names no paper does nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from readinglist.core.group import others_state_text
from readinglist.core.library import Library
from readinglist.core.models import Priority, ReadStatus
from readinglist.core.notes_save import notes_edit
from readinglist.core.time_spent import duration_text
from readinglist.core.undo import (
    Change,
    delete_change,
    priority_change,
    rating_change,
    status_change,
    tag_change,
    time_spent_change,
)
from readinglist.ui.worker import Worker


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class EditsHost(Protocol):
    """What the edits need of the window (a :class:`MainWindow`)."""

    library: Library
    worker: Worker

    def show_error(self, error: Exception, prefix: str = "") -> None: ...

    def selected_ids(self) -> list[int]: ...

    def apply_change(self, change: Change, message: str) -> None: ...

    def dialog_parent(self) -> QWidget: ...


class PaperEdits(QObject):
    """The edits of one window's papers."""

    def __init__(self, host: EditsHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        # Set as the window closes: the last notes are saved keeping both texts on a
        # conflict, since no dialog can ask any more (core/notes_save.py).
        self.closing = False

    def _apply(self, change: Change, message: str) -> None:
        if change.ids:
            self.host.apply_change(change, message)

    def _ids(self, ids: Collection[int] | None) -> list[int]:
        return self.host.selected_ids() if ids is None else list(ids)

    def set_status(self, status: ReadStatus, ids: Collection[int] | None = None) -> None:
        chosen = self._ids(ids)
        self._apply(
            status_change(chosen, status), f"{plural(len(chosen), 'paper')} marked {status}"
        )

    def rate(self, rating: int, ids: Collection[int] | None = None) -> None:
        chosen = self._ids(ids)
        what = f"rated {rating}" if rating else "not rated"
        self._apply(rating_change(chosen, rating), f"{plural(len(chosen), 'paper')} {what}")

    def set_time_spent(self, minutes: int | None, ids: Collection[int] | None = None) -> None:
        """The reader's time on papers (None: cleared), undoable like a rating."""
        chosen = self._ids(ids)
        what = "time spent cleared" if minutes is None else f"{duration_text(minutes)} spent"
        self._apply(time_spent_change(chosen, minutes), f"{plural(len(chosen), 'paper')}: {what}")

    def set_priority(self, priority: Priority) -> None:
        ids = self._ids(None)
        message = f"{plural(len(ids), 'paper')}: priority {priority}"
        self._apply(priority_change(ids, priority), message)

    def add_tag(self, name: str) -> None:
        ids = self._ids(None)
        self._apply(tag_change(ids, name, add=True), f"Tagged {plural(len(ids), 'paper')} {name}")

    def remove_tag(self, name: str) -> None:
        ids = self._ids(None)
        message = f"Removed tag {name} from {plural(len(ids), 'paper')}"
        self._apply(tag_change(ids, name, add=False), message)

    def save_notes(self, paper_id: int, base: str, notes: str) -> None:
        """Notes typed over ``base`` (as loaded or last saved): never over another's
        (core/notes_save.py; a conflict goes to ui/notes_conflict.py)."""
        self._apply(notes_edit(paper_id, base, notes, keep_both=self.closing), "Notes saved")

    def confirm_delete(self) -> None:
        """Ask, then delete the selected papers (Ctrl+Z brings them back). On a shared
        library the question says which other members have state on them, read on
        the writer first (the delete takes theirs too; its undo brings it back)."""
        ids = self._ids(None)
        if not ids:
            return
        library = self.host.library
        self.host.worker.submit(
            lambda: library.others_with_state(ids),
            lambda others: self._ask_delete(ids, others),
            self.host.show_error,
        )

    def _ask_delete(self, ids: list[int], others: list[str]) -> None:
        noun = "this paper" if len(ids) == 1 else f"these {len(ids)} papers"
        question = (
            f"Delete {noun} with their tags, notes and history? Undo (Ctrl+Z) brings them back."
        )
        warning = others_state_text(others, len(ids))
        if warning:
            question += f"\n\nThe delete is the group's: {warning}."
        answer = QMessageBox.question(
            self.host.dialog_parent(),
            "Delete papers",
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(ids)

    def delete(self, ids: Collection[int]) -> None:
        """Delete papers, undoably."""
        self._apply(delete_change(ids), f"Deleted {plural(len(ids), 'paper')}")

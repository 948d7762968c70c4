"""Keyboard triage beyond the table's own keys, like a read-it-later app's.

- A status key (1-6) on one paper moves on to the next one, so a digest is triaged
  with one key per paper (View > "Next paper after a status key", on by default, kept).
- Ctrl+0-5 rate; Enter or a double-click opens the paper; ``t`` asks for a tag with
  the same completion as the detail pane's tag box.
- Esc in the search box clears the search and goes back to the table (the notes and the
  tag box go back on Esc too: detail_pane.py).
- A triage key pressed while the focus is elsewhere (the sidebar, the similar papers, a
  button) says where it works instead of doing nothing, or jumping to a sidebar entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.models import ReadStatus
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.widgets import named
from readinglist.ui.window_settings import settings

ADVANCE_KEY = "triage/nextAfterStatus"
TRIAGE_LETTERS = {
    Qt.Key.Key_J: "j",
    Qt.Key.Key_K: "k",
    Qt.Key.Key_O: "o",
    Qt.Key.Key_P: "p",
    Qt.Key.Key_A: "a",
    Qt.Key.Key_T: "t",
    Qt.Key.Key_L: "l",
    Qt.Key.Key_N: "n",
    **{getattr(Qt.Key, f"Key_{digit}"): str(digit) for digit in range(1, 7)},
}


def advance_enabled() -> bool:
    """Whether a status key moves on to the next paper (an INI file gives a string)."""
    value = settings().value(ADVANCE_KEY, True)
    return value if isinstance(value, bool) else str(value).strip().lower() != "false"


def save_advance(enabled: bool) -> None:
    stored = settings()
    stored.setValue(ADVANCE_KEY, enabled)
    stored.sync()


class TagPrompt(QDialog):
    """``t``: a tag for the selected papers, completed from the library's tags."""

    def __init__(self, noun: str, names: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagPrompt")
        self.setWindowTitle("Add tag")
        self.edit = named(QLineEdit(), "tagPromptEdit")
        self.edit.setPlaceholderText("a tag, e.g. 3d/gaussian-splatting")
        self.names = QStringListModel(sorted(names), self)
        completer = QCompleter(self.names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.edit.setCompleter(completer)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Tag for the {noun}:"))
        layout.addWidget(self.edit)
        layout.addWidget(buttons)

    def tag(self) -> str:
        return self.edit.text().strip()


def ask_tag(parent: QWidget, noun: str, names: Iterable[str]) -> tuple[str, bool]:
    """Ask for a tag (modal, like ``QInputDialog.getText``): the tag and whether the
    user said OK."""
    dialog = TagPrompt(noun, names, parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    tag = dialog.tag()
    dialog.deleteLater()
    return tag, accepted


class TriageHost(Protocol):
    """What the keys need of the window (a :class:`MainWindow`)."""

    table: PaperTable
    detail: DetailPane
    search_box: QLineEdit

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def selected_ids(self) -> list[int]: ...

    def set_status(self, status: ReadStatus, ids: list[int] | None = None) -> None: ...

    def rate(self, rating: int, ids: list[int] | None = None) -> None: ...

    def add_tag(self, name: str) -> None: ...

    def tag_names(self) -> list[str]: ...

    def dialog_parent(self) -> QWidget: ...


class TriageKeys(QObject):
    """The triage keys of one window (see the module's docstring)."""

    def __init__(
        self,
        host: TriageHost,
        open_current: Callable[[], None],
        elsewhere: Iterable[QWidget],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.advance_action = named(QAction("&Next paper after a status key", self), "advance")
        self.advance_action.setCheckable(True)
        self.advance_action.setChecked(advance_enabled())
        self.advance_action.toggled.connect(save_advance)
        table = host.table
        table.statusKey.connect(self.status_key)
        table.ratingKey.connect(lambda rating: host.rate(rating))
        table.tagKey.connect(self.prompt_tag)
        table.openKey.connect(open_current)
        table.doubleClicked.connect(lambda _index: open_current())
        host.detail.escaped.connect(self.back_to_table)
        host.search_box.installEventFilter(self)
        self._elsewhere = list(elsewhere)
        for widget in self._elsewhere:  # the sidebar, the similar papers, buttons
            widget.installEventFilter(self)

    @property
    def advance(self) -> bool:
        return self.advance_action.isChecked()

    def status_key(self, status: ReadStatus) -> None:
        """Set the status; with one paper selected, move on to the next paper."""
        ids = self.host.selected_ids()
        self.host.set_status(status, ids)
        if self.advance and len(ids) == 1:
            self.host.table.move_current(1)

    def back_to_table(self) -> None:
        self.host.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def prompt_tag(self) -> None:
        ids = self.host.selected_ids()
        if not ids:
            return
        noun = "paper" if len(ids) == 1 else f"{len(ids)} papers"
        name, ok = ask_tag(self.host.dialog_parent(), noun, self.host.tag_names())
        if ok and name:
            self.host.add_tag(name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not isinstance(event, QKeyEvent):
            return False
        if watched is self.host.search_box:
            return self._search_key(event)
        if event.type() != QEvent.Type.KeyPress or event.modifiers() & ~(
            Qt.KeyboardModifier.KeypadModifier
        ):
            return False
        if event.key() == Qt.Key.Key_Escape:
            self.back_to_table()
            return True
        letter = TRIAGE_LETTERS.get(Qt.Key(event.key()))
        if letter is None:
            return False
        self.host.statusBar().showMessage(
            f"“{letter}” works in the paper table: click a paper or press Esc first", 5000
        )
        return True

    def _search_key(self, event: QKeyEvent) -> bool:
        """Esc in the search box: the search cleared, the table has the focus. Taken
        before a window shortcut (Stop looking up) could have it."""
        if event.key() != Qt.Key.Key_Escape:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        if event.type() == QEvent.Type.KeyPress:
            self.host.search_box.clear()
            self.back_to_table()
            return True
        return False

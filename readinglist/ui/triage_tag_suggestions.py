"""Suggested tags beside the detail pane's tag box, accepted with one key.

Up to three of the reader's own tags (readinglist/triage/tag_suggestions.py) are shown
as buttons under the tag box; Tab in the empty tag box takes the first one (a click
takes any). Tab with text typed keeps its usual meaning (completion, next field).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from readinglist.ui.widgets import named

ACCEPT_KEY = Qt.Key.Key_Tab
MAX_SHOWN = 3


class TagSuggestionBar(QWidget):
    accepted = Signal(str)  # the tag taken

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "tagSuggestions")
        self._tags: list[str] = []
        self._editor: QLineEdit | None = None
        self._placeholder = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel("Suggested:")
        layout.addWidget(self.caption)
        self.buttons: list[QPushButton] = []
        for n in range(MAX_SHOWN):
            button = named(QPushButton(flat=True), f"tagSuggestion{n}")
            button.clicked.connect(lambda _checked=False, n=n: self._take(n))
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)
        self.set_tags([])

    @property
    def tags(self) -> list[str]:
        return list(self._tags)

    def attach(self, editor: QLineEdit) -> None:
        """Tab in this (empty) tag box takes the first suggestion."""
        self._editor = editor
        self._placeholder = editor.placeholderText()
        editor.installEventFilter(self)
        self._show_hint()

    def set_tags(self, tags: Sequence[str]) -> None:
        self._tags = list(tags)[:MAX_SHOWN]
        for n, button in enumerate(self.buttons):
            button.setVisible(n < len(self._tags))
            # "&" would make a mnemonic of the next letter: a tag is shown as it is.
            button.setText(self._tags[n].replace("&", "&&") if n < len(self._tags) else "")
            button.setToolTip("Tab in the empty tag box" if n == 0 else "Click to add")
        self.setVisible(bool(self._tags))
        self._show_hint()

    def _show_hint(self) -> None:
        if self._editor is None:
            return
        hint = f"Tab: add “{self._tags[0]}”" if self._tags else self._placeholder
        self._editor.setPlaceholderText(hint)

    def _take(self, n: int) -> None:
        if n < len(self._tags):
            tag = self._tags[n]
            self.set_tags([t for t in self._tags if t != tag])
            self.accepted.emit(tag)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self._editor
            and self._editor is not None
            and isinstance(event, QKeyEvent)
            and event.key() == ACCEPT_KEY
            and not event.modifiers()
            and not self._editor.text()
            and self._tags
        ):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self._take(0)
                return True
        return False

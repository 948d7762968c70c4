"""The detail pane's "Group" tab: who presents the paper, the group's comments on it,
and a box to add one.

A view only: it shows a :class:`~readinglist.core.group.PaperGroup` it is given and
sends what the reader asks for as signals (readinglist.ui.group_controller does the
database work, on the window's worker threads). Comments are plain text: every piece
is escaped before it is put in the rich text that lays them out, and the colours are
the palette's (the time in the muted grey the facts use), so they read the same in the
light and the dark theme. A long thread scrolls inside its box.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.group import Assignment, Comment, PaperGroup
from readinglist.ui.paper_facts import MUTED
from readinglist.ui.widgets import named

DELETE_SCHEME = "delete-comment"  # a link under one's own comment: delete-comment:ID
EDITOR_LINES = 2


def day_text(assignment: Assignment) -> str:
    """``Fri 14 Mar 2025``: the day a reader plans by, with its weekday."""
    return assignment.on_date.strftime("%a %d %b %Y")


def assignment_text(assignment: Assignment | None) -> str:
    if assignment is None:
        return "No presenter yet"
    return f"Presented by {assignment.presenter} on {day_text(assignment)}"


def comments_html(comments: tuple[Comment, ...], member: str | None) -> str:
    """The thread as rich text: author · local time, then the text (escaped, its line
    breaks kept); one's own comments get a "delete" link."""
    if not comments:
        return f'<p style="color:{MUTED}"><i>No comments yet</i></p>'
    parts = []
    for comment in comments:
        when = comment.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        own = (
            f' · <a href="{DELETE_SCHEME}:{comment.id}">delete</a>'
            if member is not None and comment.author == member
            else ""
        )
        parts.append(
            f"<p><b>{html.escape(comment.author)}</b>"
            f' <span style="color:{MUTED}">· {when}</span>{own}<br>'
            f'<span style="white-space:pre-wrap">{html.escape(comment.body)}</span></p>'
        )
    return "".join(parts)


class GroupPane(QWidget):
    """The reading group's view of one paper."""

    commentSubmitted = Signal(int, str)  # paper id, text  # noqa: N815
    deleteRequested = Signal(int)  # comment id  # noqa: N815
    assignRequested = Signal(int)  # paper id: the dialog  # noqa: N815
    clearRequested = Signal(int)  # paper id  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("groupPane")
        self._paper_id: int | None = None
        self._group: PaperGroup | None = None
        self.member: str | None = None  # whose comments get a delete link

        self.assignment_label = named(QLabel(wordWrap=True), "assignmentLabel")
        self.assignment_label.setTextFormat(Qt.TextFormat.PlainText)
        self.assignment_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.assign_button = named(QPushButton("Assign…"), "assignButton")
        self.assign_button.setToolTip("Who presents this paper to the group, and when")
        self.assign_button.clicked.connect(self._assign)
        self.clear_button = named(QPushButton("Clear"), "clearAssignmentButton")
        self.clear_button.setToolTip("Nobody presents this paper any more")
        self.clear_button.clicked.connect(self._clear)

        self.comments_view = named(QTextBrowser(), "commentsView")
        self.comments_view.setOpenLinks(False)
        self.comments_view.setOpenExternalLinks(False)
        self.comments_view.anchorClicked.connect(self._anchor)
        lines = self.comments_view.fontMetrics().lineSpacing()
        self.comments_view.setMinimumHeight(2 * lines + 2 * self.comments_view.frameWidth() + 4)

        self.comment_editor = named(QPlainTextEdit(), "commentEditor")
        self.comment_editor.setPlaceholderText("A comment for the group (Ctrl+Enter adds it)")
        self.comment_editor.setAccessibleName("New comment")
        self.comment_editor.setTabChangesFocus(True)
        height = EDITOR_LINES * lines + 2 * self.comment_editor.frameWidth() + 8
        self.comment_editor.setFixedHeight(height)
        self.comment_editor.installEventFilter(self)
        self.comment_editor.textChanged.connect(self._text_changed)
        self.add_button = named(QPushButton("Add comment"), "addCommentButton")
        self.add_button.clicked.connect(self.submit)

        assignment_row = QHBoxLayout()
        assignment_row.addWidget(self.assignment_label, 1)
        assignment_row.addWidget(self.assign_button)
        assignment_row.addWidget(self.clear_button)
        editor_row = QHBoxLayout()
        editor_row.addWidget(self.comment_editor, 1)
        editor_row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(assignment_row)
        layout.addWidget(self.comments_view, 1)
        layout.addLayout(editor_row)
        self.show_paper(None)

    @property
    def paper_id(self) -> int | None:
        return self._paper_id

    @property
    def group(self) -> PaperGroup | None:
        """What is shown (None: not loaded yet, or no paper)."""
        return self._group

    def show_paper(self, paper_id: int | None) -> None:
        """Another paper: its group state is loading (a typed comment is kept until
        it is added, but only for the paper it was typed on)."""
        if paper_id != self._paper_id:
            self.comment_editor.clear()
        self._paper_id = paper_id
        self._group = None
        enabled = paper_id is not None
        for widget in (self.assign_button, self.comment_editor):
            widget.setEnabled(enabled)
        self.clear_button.setEnabled(False)
        self.add_button.setEnabled(False)
        self.assignment_label.setText("" if enabled else "No paper selected")
        self.comments_view.clear()

    def show_group(self, group: PaperGroup) -> None:
        """The paper's comments and presenter (ignored when another paper is shown)."""
        if group.paper_id != self._paper_id:
            return
        self._group = group
        self.assignment_label.setText(assignment_text(group.assignment))
        self.clear_button.setEnabled(group.assignment is not None)
        bar = self.comments_view.verticalScrollBar()
        at_end = bar.value() >= bar.maximum()
        self.comments_view.setHtml(comments_html(group.comments, self.member))
        if at_end:  # the newest comment stays in view as comments come
            bar.setValue(bar.maximum())
        self._text_changed()

    def comment_added(self) -> None:
        """The comment typed was stored: the box is empty for the next one."""
        self.comment_editor.clear()

    def submit(self) -> None:
        text = self.comment_editor.toPlainText()
        if self._paper_id is not None and text.strip():
            self.commentSubmitted.emit(self._paper_id, text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """A new theme: the thread laid out again in the new palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._group is not None:
            self.comments_view.setHtml(comments_html(self._group.comments, self.member))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Ctrl+Enter in the comment box adds the comment (Enter is a line break)."""
        if (
            watched is self.comment_editor
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submit()
            return True
        return False

    def _text_changed(self) -> None:
        ready = self._paper_id is not None and bool(self.comment_editor.toPlainText().strip())
        self.add_button.setEnabled(ready)

    def _assign(self) -> None:
        if self._paper_id is not None:
            self.assignRequested.emit(self._paper_id)

    def _clear(self) -> None:
        if self._paper_id is not None:
            self.clearRequested.emit(self._paper_id)

    def _anchor(self, url: QUrl) -> None:
        if url.scheme() == DELETE_SCHEME and url.path().isdigit():
            self.deleteRequested.emit(int(url.path()))

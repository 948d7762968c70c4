"""The reading group in the window: the detail pane's "Group" tab wired to the library.

Reads (a paper's comments and presenter) run on the window's read lane, writes on its
writer, never on the GUI thread; each write's :class:`Changes` is announced like any
edit's, so the table, and this tab, show it. On a shared library another member's
comment arrives through the change feed (readinglist.ui.shared_refresh): the window
announces outside changes and the tab loads the shown paper's thread again.

Comments and assignments are not on the undo stack: a comment is taken back with its
"delete" link, an assignment with "Clear", and another member may already have read or
answered it. The member name is asked once (:class:`MemberDialog`) the first time it is
needed (a shared library: as soon as its window shows), and kept for the machine
(readinglist.member).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QStatusBar, QTabWidget, QWidget

from readinglist.app_context import OpenDatabase, adopt_member
from readinglist.core.changes import OUTSIDE_CHANGES, Changes
from readinglist.core.group import PaperGroup
from readinglist.core.library import Library
from readinglist.member import member_name, set_member_name
from readinglist.ui.change_notifier import ChangeNotifier
from readinglist.ui.group_dialogs import AssignDialog, MemberDialog
from readinglist.ui.group_pane import GroupPane, assignment_text
from readinglist.ui.worker import Worker

MESSAGE_MS = 8000


class NotesTabs(Protocol):
    """The detail pane's part the group's tab goes in."""

    notes_tabs: QTabWidget

    def add_notes_tab(self, widget: QWidget, title: str) -> int: ...


class GroupHost(Protocol):
    """What the group's tab needs of the window (a MainWindow has all of it)."""

    library: Library
    worker: Worker
    reader: Worker
    changes: ChangeNotifier

    @property
    def opened(self) -> OpenDatabase: ...

    def dialog_parent(self) -> QWidget: ...

    def show_error(self, error: Exception, prefix: str = "") -> None: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802


def tab_title(group: PaperGroup | None) -> str:
    count = 0 if group is None else len(group.comments)
    return f"Group ({count})" if count else "Group"


class GroupController(QObject):
    """Loads the shown paper's group state into the pane and applies what it asks."""

    def __init__(
        self,
        host: GroupHost,
        pane: GroupPane,
        set_tab: Callable[[str, str], None],
        title_of: Callable[[int], str],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.pane = pane
        self._set_tab = set_tab  # (title, tooltip) of the pane's tab
        self._title_of = title_of
        self._shown: int | None = None
        pane.member = member_name()
        pane.commentSubmitted.connect(self.add_comment)
        pane.deleteRequested.connect(self.confirm_delete)
        pane.assignRequested.connect(self.open_assign)
        pane.clearRequested.connect(self.clear_assignment)
        host.changes.changed.connect(self._changed)

    # --- showing ----------------------------------------------------------------------

    def show_paper(self, paper_id: int | None) -> None:
        """The detail pane shows this paper (its rows reloading leave it as it is)."""
        if paper_id == self._shown:
            return
        self._shown = paper_id
        self.pane.show_paper(paper_id)
        self._set_tab(tab_title(None), "")
        self.reload()

    def reload(self) -> None:
        paper_id = self._shown
        if paper_id is None:
            return
        library = self.host.library
        self.host.reader.submit(
            lambda: library.group.paper_group(paper_id), self._loaded, self.host.show_error
        )

    def _loaded(self, group: PaperGroup) -> None:
        if group.paper_id != self._shown:
            return  # another paper is shown by now
        self.pane.show_group(group)
        self._set_tab(tab_title(group), assignment_text(group.assignment))

    def _changed(self, changes: Changes) -> None:
        shown = self._shown
        if shown is not None and (shown in changes.touched or changes.outside):
            self.reload()

    # --- the member name ----------------------------------------------------------------

    def ask_on_a_shared_library(self) -> None:
        """A shared library opened without a member name: ask for it at once (the
        window's first showing), not at the first comment. Reading state is private
        to each member: until the name is given the window reads the shared values
        and refuses every status, rating or notes change. Closing the dialog leaves
        it to the first comment, as before."""
        scope = self.host.opened.store.scope
        if scope.shared and scope.member is None:
            self.with_member(lambda _name: None)

    def with_member(self, then: Callable[[str], None]) -> None:
        """``then(name)`` with the member name, asked for first when none is set yet."""
        name = member_name()
        if name is not None:
            self.pane.member = name
            then(name)
            return
        dialog = MemberDialog(self.host.dialog_parent())

        def chosen() -> None:
            try:
                kept = set_member_name(dialog.name())
            except (OSError, ValueError) as problem:
                self._say(f"Your name could not be kept: {problem}")
                return
            self.pane.member = kept
            self._say(f"You are {kept} to the group (readinglist member NAME changes it)")
            # A shared library opened without a name: its reading state is kept's from
            # now on (queued first: the writes that follow run after it), and every
            # view reads it again.
            opened = self.host.opened

            def adopted(switched: bool) -> None:
                if switched:
                    self.host.changes.announce(OUTSIDE_CHANGES)

            self.host.worker.submit(lambda: adopt_member(opened, kept), adopted, self._failed)
            then(kept)

        dialog.accepted.connect(chosen)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    # --- writes -------------------------------------------------------------------------

    def add_comment(self, paper_id: int, text: str) -> None:
        def write(member: str) -> None:
            library = self.host.library

            def done(changes: Changes) -> None:
                if (
                    self.pane.paper_id == paper_id
                    and self.pane.comment_editor.toPlainText() == text
                ):
                    self.pane.comment_added()
                self._say("Comment added")
                self.host.changes.announce(changes)

            self.host.worker.submit(
                lambda: library.group.add_comment(paper_id, member, text), done, self._failed
            )

        self.with_member(write)

    def confirm_delete(self, comment_id: int) -> None:
        """Ask, then delete one of one's own comments (the library refuses another's)."""
        member = member_name()
        if member is None:
            return
        answer = QMessageBox.question(
            self.host.dialog_parent(),
            "Delete comment",
            "Delete your comment? The other members will not see it any more.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        library = self.host.library
        self._write(lambda: library.group.delete_comment(comment_id, member), "Comment deleted")

    def open_assign(self, paper_id: int) -> None:
        def ask(member: str) -> None:
            group = self.pane.group
            held = group.assignment if group is not None and group.paper_id == paper_id else None
            dialog = AssignDialog(self.host.dialog_parent(), self._title_of(paper_id), held, member)

            def chosen() -> None:
                self.assign(paper_id, dialog.name(), dialog.day(), member)

            dialog.accepted.connect(chosen)
            dialog.finished.connect(dialog.deleteLater)
            dialog.open()

        self.with_member(ask)

    def assign(self, paper_id: int, presenter: str, day: date, member: str) -> None:
        library = self.host.library
        message = f"{presenter} presents it on {day.isoformat()}"
        self._write(lambda: library.group.assign(paper_id, presenter, day, member), message)

    def clear_assignment(self, paper_id: int) -> None:
        library = self.host.library
        self._write(lambda: library.group.clear_assignment(paper_id), "Presenter cleared")

    def _write(self, fn: Callable[[], Changes], message: str) -> None:
        def done(changes: Changes) -> None:
            self._say(message)
            self.host.changes.announce(changes)

        self.host.worker.submit(fn, done, self._failed)

    def _failed(self, error: Exception) -> None:
        self.reload()  # the tab back to what the library holds
        self.host.show_error(error)

    def _say(self, text: str) -> None:
        self.host.statusBar().showMessage(text, MESSAGE_MS)


def install_group(
    host: GroupHost, detail: NotesTabs, title_of: Callable[[int], str]
) -> GroupController:
    """The "Group" tab beside the detail pane's notes, and its controller."""
    pane = GroupPane()
    index = detail.add_notes_tab(pane, tab_title(None))

    def set_tab(title: str, tooltip: str) -> None:
        detail.notes_tabs.setTabText(index, title)
        detail.notes_tabs.setTabToolTip(index, tooltip)

    return GroupController(host, pane, set_tab, title_of, pane)

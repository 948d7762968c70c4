"""The library's counts as the window shows them: the sidebar (statuses, digests, tags,
lists), the status bar's line (papers, unread, shown, selected), the tag names the
tag boxes complete, and the welcome view while the library is empty.

Counted on the read lane after every change that moves them; the window only shows
the answers.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget

from readinglist.core.changes import Changes
from readinglist.core.library import Library
from readinglist.core.models import ReadStatus, TagCount
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.paper_edits import plural
from readinglist.ui.paper_model import PaperTableModel
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.search_controller import SearchController
from readinglist.ui.sidebar import Sidebar, SidebarData, load_sidebar
from readinglist.ui.widgets import named
from readinglist.ui.window_layout import SidebarFit
from readinglist.ui.worker import Worker


class CountsHost(Protocol):
    """What the counts need of the window (a :class:`MainWindow`)."""

    library: Library
    reader: Worker
    model: PaperTableModel
    table: PaperTable
    sidebar: Sidebar
    sidebar_fit: SidebarFit
    search: SearchController
    detail: DetailPane
    stack: QStackedWidget
    welcome: QLabel


class LibraryCounts(QObject):
    """Keeps the sidebar, the status bar's counts and the tag names current."""

    shown = Signal()  # the sidebar shows the library's current counts

    def __init__(self, host: CountsHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        self.data: SidebarData | None = None
        self.tag_names: list[str] = []
        self.label = named(QLabel(), "statusCounts")
        host.model.modelReset.connect(self.show_line)
        host.table.selectionModel().selectionChanged.connect(self.show_line)

    def changed(self, changes: Changes) -> None:
        """A committed change: recount what it moved."""
        if changes.counts or changes.tags or changes.lists or changes.saved_searches:
            self.refresh()
        if changes.tags:
            self.refresh_tag_names()

    def refresh(self) -> None:
        """Recount the sidebar (statuses, digests, tags) on the read lane."""
        library = self.host.library
        self.host.reader.submit(lambda: load_sidebar(library), self._show)

    def _show(self, data: SidebarData) -> None:
        host = self.host
        self.data = data
        host.sidebar.populate(data)
        host.sidebar_fit.fit()
        host.search.sidebar_shown(data)
        host.stack.setCurrentWidget(host.welcome if data.total == 0 else host.table)
        self.show_line()
        self.shown.emit()

    def show_line(self, *_args: object) -> None:
        """The status bar's counts: the library, unread, shown, selected."""
        parts = []
        if self.data is not None:
            unread = self.data.statuses[list(ReadStatus).index(ReadStatus.UNREAD)]
            parts += [plural(self.data.total, "paper"), f"{unread} unread"]
        parts.append(f"{self.host.model.rowCount()} shown")
        selected = self.host.table.selected_count()
        if selected:
            parts.append(f"{selected} selected")
        self.label.setText(" · ".join(parts))

    def refresh_tag_names(self) -> None:
        self.host.reader.submit(self.host.library.tags, self._show_tag_names)

    def _show_tag_names(self, tags: list[TagCount]) -> None:
        self.tag_names = [tag.name for tag in tags]
        self.host.detail.set_tag_names(self.tag_names)

"""The table's context menu: the actions on the selected papers.

Open (the paper, its PDF), Copy link (every link of the current paper), status,
rating, priority, tags, lists, lookups and delete; each acts on the whole selection,
loaded or not. The menu is built when asked for, from the controllers that own each
feature (opening, links, lists, lookups), through :class:`MenuHost`.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtWidgets import QMenu, QWidget

from readinglist.core.models import Priority, ReadStatus
from readinglist.ui.app_icons import action_icon, status_icon
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.link_actions import LinkController
from readinglist.ui.list_actions import ListController
from readinglist.ui.open_paper import OpenPaperController
from readinglist.ui.paper_model import PaperTableModel, stars
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.resolve_controller import ResolveController
from readinglist.ui.triage_keys import TriageKeys
from readinglist.ui.widgets import menu_text, named


class MenuHost(Protocol):
    """What the context menu needs of the window (a :class:`MainWindow`)."""

    model: PaperTableModel
    table: PaperTable
    detail: DetailPane
    opener: OpenPaperController
    links: LinkController
    lists: ListController
    resolver: ResolveController
    keys: TriageKeys

    def selected_ids(self) -> list[int]: ...

    def tag_names(self) -> list[str]: ...

    def set_status(self, status: ReadStatus, ids: list[int] | None = None) -> None: ...

    def rate(self, rating: int, ids: list[int] | None = None) -> None: ...

    def set_priority(self, priority: Priority) -> None: ...

    def remove_tag(self, name: str) -> None: ...

    def confirm_delete(self) -> None: ...

    def dialog_parent(self) -> QWidget: ...


class PaperMenu(QObject):
    """Builds and shows the table's context menu."""

    def __init__(self, host: MenuHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        host.table.customContextMenuRequested.connect(self.show_at)

    def selection_tags(self) -> list[str]:
        """The tags on the selected papers, sorted; every tag of the library when some
        selected rows were never loaded (removing a tag a paper lacks changes nothing)."""
        model = self.host.model
        papers = [model.loaded_paper(paper_id) for paper_id in self.host.selected_ids()]
        if any(paper is None for paper in papers):
            return sorted(self.host.tag_names())
        return sorted({tag for paper in papers if paper is not None for tag in paper.tags})

    def build(self) -> QMenu:
        """The actions on the selection: open, copy, status, rating, tags, lists, delete."""
        host = self.host
        menu = named(QMenu(host.dialog_parent()), "paperContextMenu")
        host.opener.add_context_items(menu)
        host.links.add_context_items(menu, host.detail.paper)
        menu.addSeparator()
        status_menu = named(menu.addMenu("&Status"), "statusMenu")
        for number, status in enumerate(ReadStatus, start=1):
            action = status_menu.addAction(f"&{number}  {status.value}")
            action.setIcon(status_icon(status))
            action.triggered.connect(lambda _=False, s=status: host.set_status(s))
        rating_menu = named(menu.addMenu("&Rating"), "ratingMenu")
        for rating in range(6):
            action = rating_menu.addAction(f"&{rating}  {stars(rating) or 'not rated'}")
            action.setShortcut(f"Ctrl+{rating}")  # shown only: the table has the keys
            action.triggered.connect(lambda _=False, r=rating: host.rate(r))
        priority_menu = named(menu.addMenu("&Priority"), "priorityMenu")
        for priority in reversed(Priority):
            action = priority_menu.addAction(f"&{priority.value.capitalize()}")
            action.triggered.connect(lambda _=False, p=priority: host.set_priority(p))
        add_tag = menu.addAction("Add &tag…")
        add_tag.setObjectName("addTagAction")
        add_tag.setIcon(action_icon("tag"))
        add_tag.triggered.connect(host.keys.prompt_tag)
        remove_menu = named(menu.addMenu("Remo&ve tag"), "removeTagMenu")
        tags = self.selection_tags()
        for name in tags:
            action = remove_menu.addAction(menu_text(name))  # '&' is not a mnemonic
            action.triggered.connect(lambda _=False, n=name: host.remove_tag(n))
        remove_menu.setEnabled(bool(tags))
        menu.addSeparator()
        host.lists.add_context_items(menu)
        host.resolver.add_context_items(menu)
        menu.addSeparator()
        delete = menu.addAction("&Delete…")
        delete.setObjectName("deleteAction")
        delete.setIcon(action_icon("delete"))
        delete.triggered.connect(host.confirm_delete)
        return menu

    def show_at(self, pos: QPoint) -> None:
        if not self.host.selected_ids():
            return
        menu = self.build()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.host.table.viewport().mapToGlobal(pos))

"""Reading lists and saved searches in the window.

The :class:`ListController` gives the window its list actions: New list…, Save search…,
the sidebar's context menu (rename, delete), "Add to list" and "Remove from this list"
in the table's context menu, the keys (``l`` adds to a list, Shift+L removes from the
list shown, Alt+Up/Down move in it) and drag and drop of rows in a list shown in its
own order. Changes to a list's papers are undoable (:class:`ListChange`); every library
call runs on the writer, and what it changed is announced through the window's
:class:`~readinglist.ui.change_notifier.ChangeNotifier` like every other change.

The controller knows the window only through :class:`ListHost`: what it reads of the
window's state and the few things it asks of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, SignalInstance
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QStatusBar,
    QWidget,
)

from readinglist.core.changes import Changes
from readinglist.core.library import Library
from readinglist.core.list_cases import new_list_change
from readinglist.core.undo import (
    Change,
    ListLifeChange,
    add_change,
    move_change,
    remove_change,
)
from readinglist.ui.change_notifier import ChangeNotifier
from readinglist.ui.export_dialog import ExportContext, ExportDialog
from readinglist.ui.list_picker import choose_list
from readinglist.ui.paper_model import PaperTableModel, Scope
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.sidebar import ENTRY_ROLE, Entry, Sidebar, SidebarData
from readinglist.ui.tag_actions import TagActions
from readinglist.ui.widgets import menu_text, named
from readinglist.ui.worker import Worker

SAVED_SEARCHES_CHANGED = Changes(count=1, saved_searches=True, counts=True)


class ListHost(Protocol):
    """What the list actions need of the window (a :class:`MainWindow`)."""

    library: Library
    worker: Worker
    model: PaperTableModel
    table: PaperTable
    sidebar: Sidebar
    changes: ChangeNotifier

    @property
    def countsShown(self) -> SignalInstance: ...  # noqa: N802

    @property
    def sidebar_data(self) -> SidebarData | None: ...

    @property
    def shown_scope(self) -> Scope | None: ...

    @property
    def search_text(self) -> str: ...

    def dialog_parent(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def selected_ids(self) -> list[int]: ...

    def show_error(self, error: Exception, prefix: str = "") -> None: ...

    def apply_change(self, change: Change, message: str) -> None: ...


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def moved_position(order: Sequence[int], moving: Sequence[int], step: int) -> int | None:
    """Where ``move_in_list`` should put ``moving`` to move it one row up (-1) or down (1);
    None when it is at that end already."""
    wanted = set(moving)
    rows = [row for row, paper_id in enumerate(order) if paper_id in wanted]
    if not rows:
        return None
    rest = [paper_id for paper_id in order if paper_id not in wanted]
    before_first = sum(1 for paper_id in order[: rows[0]] if paper_id not in wanted)
    before_last = sum(1 for paper_id in order[: rows[-1]] if paper_id not in wanted)
    if step < 0:
        return None if before_first == 0 else before_first - 1
    return None if before_last >= len(rest) else before_last + 1


def entry_name(entry: Entry, prefix: str) -> str | None:
    return entry.key.removeprefix(prefix) if entry.key.startswith(prefix) else None


class ListController(QObject):
    """The list and saved-search actions of one :class:`MainWindow`."""

    def __init__(self, window: ListHost, parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self._select_when_shown: str | None = None  # a renamed list, once the sidebar has it
        window.countsShown.connect(self._counts_shown)
        self.new_list_action = named(QAction("&New list…", parent), "newListAction")
        self.new_list_action.triggered.connect(lambda: self.new_list())
        self.save_search_action = named(QAction("&Save search…", parent), "saveSearchAction")
        self.save_search_action.triggered.connect(lambda: self.save_search())
        table = window.table
        table.setDragEnabled(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        table.setDropIndicatorShown(True)
        table.installEventFilter(self)
        window.model.moveRequested.connect(self.move)
        sidebar = window.sidebar
        sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        sidebar.customContextMenuRequested.connect(self._show_sidebar_menu)
        sidebar.papersDropped.connect(self.add_to_list)
        self.tags = TagActions(window)

    # --- what the window shows ----------------------------------------------------

    def names(self) -> list[str]:
        data = self.window.sidebar_data
        return [] if data is None else [name for name, _ in data.reading_lists]

    def saved_names(self) -> list[str]:
        data = self.window.sidebar_data
        return [] if data is None else [name for name, _ in data.saved_searches]

    def shown_list(self) -> str | None:
        scope = self.window.shown_scope
        return scope.label if scope is not None and scope.kind == "list" else None

    @property
    def _parent(self) -> QWidget:
        """Where its dialogs and menus open."""
        return self.window.dialog_parent()

    def _say(self, text: str, ms: int = 5000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _failed(self, error: Exception) -> None:
        self.window.show_error(error)

    def _confirm(self, title: str, question: str) -> bool:
        """Ask Yes or No (No is the default): True for Yes."""
        answer = QMessageBox.question(
            self._parent,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _submit(self, fn: Callable[[], object], changes: Changes, message: str) -> None:
        """A change to saved searches (not undoable), then its announcement."""

        def done(_result: object) -> None:
            self.window.changes.announce(changes)
            self._say(message)

        self.window.worker.submit(fn, done, self._failed)

    def _apply(self, change: Change, message: str) -> None:
        if change.ids:
            self.window.apply_change(change, message)

    # --- keys ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_L and modifiers == Qt.KeyboardModifier.NoModifier:
            self.prompt_add_to_list()
            return True
        if key == Qt.Key.Key_L and modifiers == Qt.KeyboardModifier.ShiftModifier:
            self.remove_from_shown_list()
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and modifiers == Qt.KeyboardModifier.AltModifier:
            self.move_selection(-1 if key == Qt.Key.Key_Up else 1)
            return True
        return False

    # --- lists --------------------------------------------------------------------

    def new_list(self, name: str | None = None) -> None:
        if name is None:
            name, ok = QInputDialog.getText(self._parent, "New list", "Name of the list:")
            if not ok or not name.strip():
                return
        shown = " ".join(name.split())
        change = ListLifeChange(f"create the list {shown}", shown, create=True)
        self.window.apply_change(change, f"Created the list {shown}")

    def rename_list(self, old: str, new: str | None = None) -> None:
        if new is None:
            new, ok = QInputDialog.getText(
                self._parent,
                "Rename list",
                f"New name for {old}:",
                QLineEdit.EchoMode.Normal,
                old,
            )
            if not ok or not new.strip() or new.strip() == old:
                return
        library, window, name = self.window.library, self.window, new.strip()
        was_shown = self.shown_list() == old

        def done(changes: Changes) -> None:
            if was_shown:  # show the list under its new name once the sidebar has it
                self._select_when_shown = name
            window.changes.announce(changes)
            self._say(f"Renamed the list {old} to {name}")

        window.worker.submit(lambda: library.lists.rename(old, name), done, self._failed)

    def _counts_shown(self) -> None:
        name, self._select_when_shown = self._select_when_shown, None
        if name is not None:
            self._select_list(name)

    def _select_list(self, name: str) -> None:
        key = f"list:{name}"
        if not self.window.sidebar.select(key):
            wanted = name.casefold()
            for found in self.names():
                if found.casefold() == wanted:
                    self.window.sidebar.select(f"list:{found}")

    def delete_list(self, name: str, confirm: bool = True) -> None:
        if confirm and not self._confirm(
            "Delete list", f"Delete the list {name}? Its papers stay in the library."
        ):
            return
        change = ListLifeChange(f"delete the list {name}", name, create=False)
        self.window.apply_change(change, f"Deleted the list {name} (Ctrl+Z brings it back)")

    def add_to_list(self, name: str, ids: Sequence[int] | None = None) -> None:
        """Append papers (the selection) to a list, creating the list if it is new."""
        ids = list(self.window.selected_ids() if ids is None else ids)
        if not ids:
            return
        known = {found.casefold(): found for found in self.names()}
        shown = known.get(" ".join(name.split()).casefold())
        added = f"Added {_plural(len(ids), 'paper')} to"
        if shown is None:  # a new name: the list and its papers, one undo step
            change = new_list_change(name, ids)
            self.window.apply_change(change, f"{added} the new list {change.name}")
            return
        self._apply(add_change(shown, ids), f"{added} {shown}")

    def prompt_add_to_list(self) -> None:
        """``l``: choose a list (completion; a new name only once confirmed)."""
        ids = self.window.selected_ids()
        if not ids:
            return
        name = choose_list(self.names(), len(ids), self._parent)
        if name:
            self.add_to_list(name, ids)

    def remove_from_shown_list(self) -> None:
        """Shift+L: take the selection out of the list shown (not out of the library)."""
        name = self.shown_list()
        if name is None:
            self._say("Choose a reading list in the sidebar to remove papers from it")
            return
        ids = self.window.selected_ids()
        if ids:
            message = f"Removed {_plural(len(ids), 'paper')} from {name}"
            self._apply(remove_change(name, ids), message)

    def move(self, ids: Sequence[int], position: int) -> None:
        """Papers of the list shown dropped at ``position`` (among the others)."""
        name = self.shown_list()
        if name is None or not ids:
            return
        message = f"Moved {_plural(len(ids), 'paper')} in {name}"
        self._apply(move_change(name, list(ids), position), message)

    def move_selection(self, step: int) -> None:
        """Alt+Up / Alt+Down: move the selected papers one row in the list shown."""
        model = self.window.model
        if not model.reorderable:
            self._say("Papers move in a reading list shown in its own order, without a search")
            return
        order = model.list_order()
        chosen = set(self.window.selected_ids())
        moving = [paper_id for paper_id in order if paper_id in chosen]
        position = moved_position(order, moving, step)
        if position is not None:
            self.move(moving, position)

    def export_list(self, name: str) -> ExportDialog:
        """The export dialog on this list (not modal), whatever the table shows."""
        data = self.window.sidebar_data
        context = ExportContext(
            list_name=name,
            tags=() if data is None else tuple(node.path for node in data.tags),
            default_dir=str(Path.home()),
        )
        dialog = ExportDialog(self.window.worker, self.window.library, context, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(
            lambda path, papers: self._say(f"Exported {_plural(papers, 'paper')} to {path}")
        )
        dialog.show()
        return dialog

    # --- saved searches -----------------------------------------------------------

    def save_search(self, name: str | None = None, query: str | None = None) -> None:
        """Keep the search box's text under a name (asks before replacing one)."""
        query = self.window.search_text if query is None else query
        if not query.strip():
            self._say("Type a search first, then save it")
            return
        if name is None:
            name, ok = QInputDialog.getText(self._parent, "Save search", f"Name for {query!r}:")
            if not ok or not name.strip():
                return
        name = name.strip()
        replace = name.casefold() in {found.casefold() for found in self.saved_names()}
        if replace and not self._confirm(
            "Replace saved search", f"A saved search named {name} exists. Replace it?"
        ):
            return
        library, text = self.window.library, query
        self._submit(
            lambda: library.searches.save(name, text, replace),
            SAVED_SEARCHES_CHANGED,
            f"Saved the search {name}",
        )

    def delete_saved_search(self, name: str, confirm: bool = True) -> None:
        if confirm and not self._confirm(
            "Delete saved search", f"Delete the saved search {name}? No paper changes."
        ):
            return
        library = self.window.library
        self._submit(
            lambda: library.searches.delete(name),
            SAVED_SEARCHES_CHANGED,
            f"Deleted the saved search {name}",
        )

    # --- menus --------------------------------------------------------------------

    def add_context_items(self, menu: QMenu) -> None:
        """The table's context menu: "Add to list ▸" and "Remove from this list"."""
        add_menu = named(menu.addMenu("Add to &list"), "addToListMenu")
        for name in self.names():
            action = add_menu.addAction(menu_text(name))  # "&" shown, not a mnemonic
            action.triggered.connect(lambda _=False, n=name: self.add_to_list(n))
        if self.names():
            add_menu.addSeparator()
        new = add_menu.addAction("New list…")
        new.setObjectName("addToNewListAction")
        new.triggered.connect(self._add_to_new_list)
        shown = self.shown_list()
        if shown is not None:
            remove = menu.addAction(f"Remove from this list ({menu_text(shown)})")
            remove.setObjectName("removeFromListAction")
            remove.setShortcut("Shift+L")
            remove.triggered.connect(self.remove_from_shown_list)

    def _add_to_new_list(self) -> None:
        name, ok = QInputDialog.getText(self._parent, "New list", "Name of the new list:")
        if ok and name.strip():
            self.add_to_list(name)

    def build_sidebar_menu(self, entry: Entry | None) -> QMenu:
        menu = named(QMenu(self._parent), "sidebarContextMenu")
        list_name = None if entry is None else entry_name(entry, "list:")
        search_name = (
            None if entry is None or entry.search is None else entry_name(entry, "search:")
        )
        if list_name is not None:
            rename = menu.addAction("&Rename list…")
            rename.setObjectName("renameListAction")
            rename.triggered.connect(lambda: self.rename_list(list_name))
            delete = menu.addAction("&Delete list…")
            delete.setObjectName("deleteListAction")
            delete.triggered.connect(lambda: self.delete_list(list_name))
            export = menu.addAction("&Export list…")
            export.setObjectName("exportListAction")
            export.triggered.connect(lambda: self.export_list(list_name))
            menu.addSeparator()
        if entry is not None and entry.tag is not None:
            self.tags.add_items(menu, entry.tag)
        if search_name is not None:
            delete = menu.addAction("&Delete saved search…")
            delete.setObjectName("deleteSavedSearchAction")
            delete.triggered.connect(lambda: self.delete_saved_search(search_name))
            menu.addSeparator()
        menu.addAction(self.new_list_action)
        menu.addAction(self.save_search_action)
        return menu

    def _show_sidebar_menu(self, pos: QPoint) -> None:
        sidebar = self.window.sidebar
        item = sidebar.itemAt(pos)
        entry = None if item is None else item.data(0, ENTRY_ROLE)
        menu = self.build_sidebar_menu(entry if isinstance(entry, Entry) else None)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(sidebar.viewport().mapToGlobal(pos))

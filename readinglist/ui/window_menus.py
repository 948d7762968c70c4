"""The window's menu bar: File, Edit, Paper, Tools, Go, View, Help.

Each feature's controller makes its own actions (opening papers, lists, lookups,
Back/Forward, the triage setting); the menu bar only places them, and makes the few
that belong to the window itself (import, export, undo, find, the theme, help). The
actions tests and icons need are handed back as :class:`WindowActions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import QMenu, QMenuBar, QStatusBar, QWidget

from readinglist.ui.about_dialog import AboutDialog
from readinglist.ui.app_icons import action_icon
from readinglist.ui.import_controller import ImportController
from readinglist.ui.list_actions import ListController
from readinglist.ui.open_paper import OpenPaperController
from readinglist.ui.paper_history import PaperHistory
from readinglist.ui.resolve_controller import ResolveController
from readinglist.ui.search_controller import SearchController
from readinglist.ui.shared_library import ask_for_shared_library
from readinglist.ui.sidebar import Sidebar
from readinglist.ui.theme import Theme
from readinglist.ui.triage_keys import TriageKeys
from readinglist.ui.undo_actions import undo_action
from readinglist.ui.widgets import named

THEMES = ((Theme.SYSTEM, "Follow the &system"), (Theme.LIGHT, "&Light"), (Theme.DARK, "&Dark"))


@dataclass(frozen=True, slots=True)
class WindowActions:
    """The window's own actions, as placed in its menus."""

    import_action: QAction
    export_action: QAction
    paste_action: QAction
    undo_action: QAction
    redo_action: QAction
    find_action: QAction
    theme_actions: dict[Theme, QAction]
    shortcuts_action: QAction
    about_action: QAction

    def apply_icons(self) -> None:
        """Icons in the palette's text colour: set again after every theme change."""
        for action, name in (
            (self.import_action, "import"),
            (self.export_action, "export"),
            (self.paste_action, "paste"),
            (self.undo_action, "undo"),
            (self.redo_action, "redo"),
            (self.find_action, "search"),
            (self.about_action, "about"),
        ):
            action.setIcon(action_icon(name))


class MenusHost(Protocol):
    """What the menu bar needs of the window (a :class:`MainWindow`)."""

    undo_stack: QUndoStack
    sidebar: Sidebar
    imports: ImportController
    lists: ListController
    opener: OpenPaperController
    resolver: ResolveController
    history: PaperHistory
    keys: TriageKeys
    search: SearchController

    def menuBar(self) -> QMenuBar: ...  # noqa: N802

    def dialog_parent(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def open_export_dialog(self) -> object: ...

    def close(self) -> bool: ...

    def set_theme(self, theme: Theme, save: bool = True) -> None: ...

    def show_shortcuts(self) -> None: ...

    @property
    def library_dir(self) -> Path: ...


def _action(
    menu: QMenu, text: str, name: str, key: QKeySequence | QKeySequence.StandardKey | str
) -> QAction:
    action = named(menu.addAction(text), name)
    action.setShortcut(QKeySequence(key))
    return action


def show_about(library_dir: Path, parent: QWidget) -> AboutDialog:
    """Help > About: the version and where the data lives (not modal)."""
    dialog = AboutDialog(library_dir, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def build_menus(host: MenusHost) -> WindowActions:
    """Fill the window's menu bar; its own actions come back."""
    bar, window = host.menuBar(), host.dialog_parent()
    file_menu = bar.addMenu("&File")
    import_action = _action(
        file_menu, "&Import digest…", "importAction", QKeySequence.StandardKey.Open
    )
    import_action.triggered.connect(host.imports.choose_files)
    export_action = _action(file_menu, "&Export…", "exportAction", "Ctrl+E")
    export_action.triggered.connect(host.open_export_dialog)
    shared_action = named(file_menu.addAction("Open &shared library…"), "openSharedAction")
    shared_action.triggered.connect(lambda: ask_for_shared_library(host))
    file_menu.addSeparator()
    quit_action = _action(file_menu, "&Quit", "quitAction", QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(host.close)

    edit_menu = bar.addMenu("&Edit")
    undo, redo = undo_action(host.undo_stack, window), undo_action(host.undo_stack, window, True)
    edit_menu.addAction(undo)
    edit_menu.addAction(redo)
    edit_menu.addSeparator()
    paste_action = _action(edit_menu, "&Paste digest", "pasteDigestAction", "Ctrl+Shift+V")
    paste_action.triggered.connect(host.imports.paste)
    host.imports.actions = (import_action, paste_action)
    find_action = _action(edit_menu, "&Find", "findAction", QKeySequence.StandardKey.Find)
    find_action.triggered.connect(host.search.focus)
    edit_menu.addSeparator()
    edit_menu.addAction(host.lists.new_list_action)
    edit_menu.addAction(host.lists.save_search_action)
    slash = QShortcut(QKeySequence("/"), host.sidebar)
    slash.setContext(Qt.ShortcutContext.WidgetShortcut)
    slash.activated.connect(host.search.focus)

    host.opener.add_menu(bar)
    host.resolver.add_menu_items(named(bar.addMenu("&Tools"), "toolsMenu"))
    go_menu = named(bar.addMenu("&Go"), "goMenu")
    go_menu.addAction(host.history.back_action)
    go_menu.addAction(host.history.forward_action)

    view_menu = named(bar.addMenu("&View"), "viewMenu")
    view_menu.addAction(host.keys.advance_action)
    theme_menu = named(view_menu.addMenu("&Appearance"), "themeMenu")
    group = QActionGroup(window)
    theme_actions = {}
    for theme, label in THEMES:
        action = named(theme_menu.addAction(label), f"theme{theme.value.capitalize()}Action")
        action.setCheckable(True)
        action.setActionGroup(group)
        action.triggered.connect(lambda _=False, t=theme: host.set_theme(t))
        theme_actions[theme] = action
    theme_actions[Theme.SYSTEM].setChecked(True)

    help_menu = bar.addMenu("&Help")
    shortcuts_action = _action(help_menu, "&Keyboard shortcuts", "shortcutsAction", "F1")
    shortcuts_action.triggered.connect(host.show_shortcuts)
    help_menu.addSeparator()
    about_action = named(help_menu.addAction("&About readinglist"), "aboutAction")
    about_action.setMenuRole(QAction.MenuRole.AboutRole)
    about_action.triggered.connect(lambda: show_about(host.library_dir, window))
    return WindowActions(
        import_action,
        export_action,
        paste_action,
        undo,
        redo,
        find_action,
        theme_actions,
        shortcuts_action,
        about_action,
    )

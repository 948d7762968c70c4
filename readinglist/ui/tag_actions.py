"""Tags by hand from the sidebar: rename, merge, recolour, delete, each undoable.

Right-click a tag in the sidebar: Rename tag… (its sub-tags follow; a name that is
already a tag merges into it, and the dialog says so), Merge into ▸ (the other tags),
Colour… and No colour, Delete tag… (asks, then takes it off every paper; Ctrl+Z puts
it back on exactly those papers, with its colour). The changes are the core's
(core/tag_cases.py), applied on the writer through the window's undo stack.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QLineEdit, QMenu, QMessageBox, QWidget

from readinglist.core.errors import ReadingListError
from readinglist.core.tag_cases import colour_change, delete_change, rename_change
from readinglist.core.tags import normalize_tag
from readinglist.core.undo import Change
from readinglist.ui.sidebar import SidebarData
from readinglist.ui.widgets import named


class TagHost(Protocol):
    """What the tag actions need of the window."""

    @property
    def sidebar_data(self) -> SidebarData | None: ...

    def dialog_parent(self) -> QWidget: ...

    def apply_change(self, change: Change, message: str) -> None: ...

    def show_error(self, error: Exception, prefix: str = "") -> None: ...


def menu_text(text: str) -> str:
    """A name shown in a menu as written: ``&`` is not an accelerator."""
    return text.replace("&", "&&")


class TagActions:
    """The sidebar's tag items (see the module's docstring)."""

    def __init__(self, window: TagHost) -> None:
        self.window = window

    def names(self) -> list[str]:
        data = self.window.sidebar_data
        return [] if data is None else [node.path for node in data.tags]

    def colour_of(self, name: str) -> str | None:
        data = self.window.sidebar_data
        nodes = () if data is None else data.tags
        return next((node.colour for node in nodes if node.path == name), None)

    def add_items(self, menu: QMenu, name: str) -> None:
        rename = named(menu.addAction("Re&name tag…"), "renameTagAction")
        rename.triggered.connect(lambda: self.rename(name))
        others = [other for other in self.names() if other != name]
        merge = named(menu.addMenu("&Merge into"), "mergeTagMenu")
        merge.setEnabled(bool(others))
        for other in others:
            action = merge.addAction(menu_text(other))
            action.triggered.connect(lambda _=False, o=other: self.merge(name, o))
        colour = named(menu.addAction("&Colour…"), "colourTagAction")
        colour.triggered.connect(lambda: self.recolour(name))
        if self.colour_of(name):
            clear = named(menu.addAction("No colour"), "clearTagColourAction")
            clear.triggered.connect(lambda: self.recolour(name, "none"))
        delete = named(menu.addAction("&Delete tag…"), "deleteTagAction")
        delete.triggered.connect(lambda: self.delete(name))
        menu.addSeparator()

    def rename(self, name: str, new: str | None = None) -> None:
        if new is None:
            new, ok = QInputDialog.getText(
                self.window.dialog_parent(),
                "Rename tag",
                f"New name for {name} (a tag's name merges into it):",
                QLineEdit.EchoMode.Normal,
                name,
            )
            if not ok or not new.strip():
                return
        try:
            target = normalize_tag(new)
        except ReadingListError as error:
            self.window.show_error(error)
            return
        if target == name:
            return
        merge = target in self.names()
        change = rename_change(name, target, merge=merge)
        verb = "Merged" if merge else "Renamed"
        self.window.apply_change(
            change, f"{verb} the tag {name} {'into' if merge else 'to'} {target}"
        )

    def merge(self, name: str, target: str) -> None:
        self.window.apply_change(
            rename_change(name, target, merge=True), f"Merged the tag {name} into {target}"
        )

    def recolour(self, name: str, colour: str | None = None) -> None:
        if colour is None:
            chosen = QColorDialog.getColor(
                QColor(self.colour_of(name) or "#808080"),
                self.window.dialog_parent(),
                f"Colour of {name}",
            )
            if not chosen.isValid():
                return
            colour = chosen.name()
        self.window.apply_change(colour_change(name, colour), f"Changed the colour of {name}")

    def delete(self, name: str, confirm: bool = True) -> None:
        if confirm:
            answer = QMessageBox.question(
                self.window.dialog_parent(),
                "Delete tag",
                f"Take the tag {name} (and its sub-tags) off every paper? The papers stay;"
                " Ctrl+Z puts the tag back.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.window.apply_change(
            delete_change(name), f"Deleted the tag {name} (Ctrl+Z brings it back)"
        )

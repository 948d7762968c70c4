"""Opening a paper's links, copying them, and saying what happened when nothing opened.

A machine without a web browser (a fresh desktop, a remote session) makes
``QDesktopServices.openUrl`` fail: a small window (not modal, reused) says so with the
URL and offers "Copy link" (a status bar message would be cut off at 1024 pixels,
beside the counts). Every link of a paper can also be copied at any time: the table's
context menu and the detail pane have "Copy link", listing the paper's page and each
link found in its abstract.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QMenu, QMessageBox, QStatusBar, QWidget

from readinglist.core.links import is_openable_url
from readinglist.core.models import LinkKind, Paper
from readinglist.ui.copy_links import fill_copy_menu
from readinglist.ui.detail_pane import DetailPane, open_url
from readinglist.ui.widgets import named

FAILED_MS = 10000


class LinkHost(Protocol):
    """What opening links needs of the window (a :class:`MainWindow`)."""

    detail: DetailPane

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def dialog_parent(self) -> QWidget: ...


class LinkController(QObject):
    """Opens and copies the links of one window; says when no browser opened one."""

    def __init__(self, host: LinkHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        self.failed_url: str | None = None
        self.box: QMessageBox | None = None  # the "could not open" window, once shown
        self.copy_button: QAbstractButton | None = None  # its Copy link
        host.detail.url_opener = self.open
        host.detail.copy_link = self.copy

    def open(self, url: str) -> bool:
        """Open an http(s) URL in the browser; say so when nothing could open it."""
        if not is_openable_url(url):
            self.host.statusBar().showMessage(f"Only http and https links are opened: {url}", 8000)
            return False
        if open_url(url):
            return True
        self.failed_url = url
        self._failure_box().setText(
            f"Could not open {url}: no web browser answered.\n\nCopy the link to open it elsewhere."
        )
        self.host.statusBar().showMessage(f"Could not open {url}", FAILED_MS)
        if self.box is not None:
            self.box.show()
            self.box.raise_()
        return False

    def _failure_box(self) -> QMessageBox:
        if self.box is None:
            box = named(QMessageBox(self.host.dialog_parent()), "linkNotOpened")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("Link not opened")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setWindowModality(Qt.WindowModality.NonModal)
            self.copy_button = box.addButton("Copy link", QMessageBox.ButtonRole.ActionRole)
            self.copy_button.setObjectName("copyFailedLink")
            box.addButton(QMessageBox.StandardButton.Close)
            box.buttonClicked.connect(self._box_clicked)
            self.box = box
        return self.box

    def _box_clicked(self, button: QAbstractButton) -> None:
        if button is self.copy_button and self.failed_url is not None:
            self.copy(self.failed_url)
        if self.box is not None:
            self.box.hide()

    def copy(self, url: str) -> None:
        QGuiApplication.clipboard().setText(url)
        self.host.statusBar().showMessage(f"Copied {url}", 4000)

    def open_link(self, kind: LinkKind) -> None:
        """``o`` and ``p``: the shown paper's first code link or project page."""
        paper = self.host.detail.paper
        link = None if paper is None else paper.first_link(kind)
        if link is None:
            what = "code link" if kind is LinkKind.CODE else "project page"
            self.host.statusBar().showMessage(f"This paper has no {what} to open", 4000)
        elif self.open(link.url):
            self.host.statusBar().showMessage(f"Opened {link.url}", 4000)

    def add_context_items(self, menu: QMenu, paper: Paper | None) -> QMenu:
        """The context menu's "Copy link" submenu, for the current paper."""
        copy_menu = named(menu.addMenu("Cop&y link"), "copyLinkMenu")
        fill_copy_menu(copy_menu, paper, self.copy)
        return copy_menu

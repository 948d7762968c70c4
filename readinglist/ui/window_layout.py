"""The window's size and its parts' sizes on small and large screens.

- The window opens inside its screen: a remembered or default size larger than the
  screen (1400x900 on a 1600x1000 screen at ``QT_SCALE_FACTOR=2``, which is 800x500) is
  cut to it, and it is moved back onto the screen.
- The sidebar is as wide as its longest entry and count ("New in the last digest
  (211)"), so neither is cut off; the table gives up the room.
- The detail pane's parts (abstract, state, notes, similar papers) keep the sizes the
  user gave them, like the main splitter (window_settings.py keeps that one).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QByteArray, QObject, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QListView, QSplitter, QVBoxLayout, QWidget

from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.sidebar import Sidebar
from readinglist.ui.widgets import named
from readinglist.ui.window_settings import settings

DETAIL_STATE = "window/detailSplitter"
MAIN_STATE = "window/splitter"  # window_settings.py's
# What the window's frame (title bar, borders) takes beyond its contents; not known
# before the window is first shown.
FRAME_ALLOWANCE = (16, 48)
SIDEBAR_PADDING = 12  # beyond the entries' text: the tree's frame and the scroll bar's room
SIDEBAR_MAX_SHARE = 0.3  # never more than this share of the window


class LayoutHost(Protocol):
    splitter: QSplitter
    sidebar: Sidebar
    detail: DetailPane


def fitted(window: QRect, area: QRect) -> QRect:
    """The window's geometry cut to the screen's free area and moved onto it."""
    width = min(window.width(), area.width() - FRAME_ALLOWANCE[0])
    height = min(window.height(), area.height() - FRAME_ALLOWANCE[1])
    x = max(area.left(), min(window.x(), area.right() + 1 - width - FRAME_ALLOWANCE[0]))
    y = max(area.top(), min(window.y(), area.bottom() + 1 - height - FRAME_ALLOWANCE[1]))
    return QRect(x, y, width, height)


def fit_to_screen(window: QWidget) -> None:
    """Keep the window inside the screen it opens on."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    geometry = fitted(window.geometry(), screen.availableGeometry())
    if geometry != window.geometry():
        window.resize(geometry.size())
        window.move(geometry.topLeft())


class SidebarFit(QObject):
    """Widens the sidebar to its longest entry while nobody chose its width: not after
    a restart that restored the splitter, nor once the user moved it."""

    def __init__(self, host: LayoutHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        self.automatic = not settings().contains(MAIN_STATE)
        host.splitter.splitterMoved.connect(self._moved)

    def _moved(self, _pos: int, _index: int) -> None:
        self.automatic = False

    def fit(self) -> None:
        """Never narrower: the table gives the room (up to a share of the window)."""
        if not self.automatic:
            return
        sidebar = self.host.sidebar
        # The entries' own width (the column itself stretches to the viewport).
        wanted = sidebar.sizeHintForColumn(0) + 2 * sidebar.frameWidth() + SIDEBAR_PADDING
        sizes = self.host.splitter.sizes()
        total = sum(sizes)
        if len(sizes) != 3 or total <= 0:
            return
        wanted = min(wanted, int(total * SIDEBAR_MAX_SHARE))
        if sizes[0] < wanted:
            sizes[1] -= wanted - sizes[0]
            sizes[0] = wanted
            self.host.splitter.setSizes(sizes)


def restore_layout(host: LayoutHost) -> None:
    state = settings().value(DETAIL_STATE)
    if isinstance(state, QByteArray) and not state.isEmpty():
        host.detail.parts.restoreState(state)


def save_layout(host: LayoutHost) -> None:
    stored = settings()
    stored.setValue(DETAIL_STATE, host.detail.parts.saveState())
    stored.sync()


def topics_box(groups: QListView) -> QWidget:
    """The triage's topic groups of the last digest under the sidebar, titled; hidden
    until there are groups (an empty white box explained nothing). Long labels are
    elided, not scrolled sideways: the sidebar is narrow."""
    box = named(QWidget(), "topicsBox")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 0, 0)
    layout.setSpacing(2)
    title = named(QLabel("<b>Topics in the last digest</b>"), "topicsTitle")
    title.setToolTip("Groups of the last digest's papers by their words; right-click a group")
    layout.addWidget(title)
    groups.setTextElideMode(Qt.TextElideMode.ElideRight)
    groups.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    layout.addWidget(groups, 1)
    box.setVisible(False)
    return box

"""Open paper: the selected papers' arXiv pages in the browser, or with Shift their PDFs.

A paper without an arXiv id opens its DOI page, else its Hugging Face page (the rule is
:func:`readinglist.core.paper_urls.paper_url`, the command line's ``open --paper`` too).
A paper that has none of them cannot be opened: the action is disabled, and says why.

The action acts on the selection like the bulk actions do: on every selected paper,
loaded or not (rows load a page at a time, so the papers of the rows never shown are
read on the read lane first). Opening many tabs is asked about first, and never more
than :data:`MAX_TABS` open at once. The keys are ``a`` and ``Shift+A`` in the table (as
``o`` and ``p`` open the code and the project page); the detail pane's button opens the
paper it shows (Shift+click: the PDF).

Enter and a double-click open the current paper the same way; a paper not looked up
yet (no arXiv id, DOI or Hugging Face page) opens a search for its title on arXiv
instead, and says so. When no browser opens a page, the window says so and offers to
copy the link (link_actions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import QMenu, QMenuBar, QMessageBox, QStatusBar, QWidget

from readinglist.core.library import Library
from readinglist.core.models import Paper, PaperQuery
from readinglist.core.paper_urls import paper_url
from readinglist.ui.icons import paper_icon
from readinglist.ui.paper_facts import LOOK_UP, NO_TARGET, paper_tooltip
from readinglist.ui.paper_model import PAGE_SIZE, PaperTableModel
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.widgets import named, plain_tooltip, shift_held
from readinglist.ui.worker import Worker

ASK_ABOVE = 10  # more tabs than this are asked about first
MAX_TABS = 50  # ... and never more than this many open at once
OPEN_KEY = "A"
PDF_KEY = "Shift+A"


@dataclass(frozen=True, slots=True)
class Targets:
    """What opening a selection opens, found on the read lane."""

    urls: tuple[str, ...]  # in row order, at most MAX_TABS
    missing: int  # papers looked at that have nowhere to open
    more: bool  # more papers could be opened than MAX_TABS


def find_targets(
    ids: Sequence[int],
    pdf: bool,
    loaded: Mapping[int, Paper],
    read: Callable[[Sequence[int]], list[Paper]],
) -> Targets:
    """The URLs of the selected papers in their order, a page at a time, stopping once
    there are more than MAX_TABS (a select-all of 100k papers reads a page or two)."""
    urls: list[str] = []
    missing = 0
    for start in range(0, len(ids), PAGE_SIZE):
        chunk = ids[start : start + PAGE_SIZE]
        unread = [paper_id for paper_id in chunk if paper_id not in loaded]
        found = {paper.id: paper for paper in read(unread)} if unread else {}
        for paper_id in chunk:
            paper = loaded.get(paper_id) or found.get(paper_id)
            if paper is None:
                continue  # deleted meanwhile
            url = paper_url(paper, pdf=pdf)
            if url is None:
                missing += 1
            elif len(urls) == MAX_TABS:
                return Targets(tuple(urls), missing, more=True)
            else:
                urls.append(url)
    return Targets(tuple(urls), missing, more=False)


def title_search_url(title: str) -> str:
    """arXiv's search for a title: where a paper not looked up yet is likely found."""
    query = urlencode({"query": " ".join(title.split()), "searchtype": "title"})
    return f"https://arxiv.org/search/?{query}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class OpenPaperHost(Protocol):
    """What opening papers needs of the window (a :class:`MainWindow`)."""

    library: Library
    reader: Worker
    model: PaperTableModel
    table: PaperTable

    def dialog_parent(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def selected_ids(self) -> list[int]: ...

    def show_error(self, error: Exception, prefix: str = "") -> None: ...

    def open_url(self, url: str) -> bool: ...


class OpenPaperController(QObject):
    """The Open paper and Open PDF actions of one window, and their keys."""

    def __init__(self, window: OpenPaperHost, parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        table = window.table
        self.open_action = self._action("&Open paper", "openPaperAction", OPEN_KEY, False)
        self.pdf_action = self._action("Open PD&F", "openPdfAction", PDF_KEY, True)
        table.installEventFilter(self)
        selections = table.selectionModel()
        selections.selectionChanged.connect(self.update_actions)
        selections.currentRowChanged.connect(self.update_actions)
        window.model.modelReset.connect(self.update_actions)
        window.model.dataChanged.connect(self.update_actions)
        self.update_actions()

    def _action(self, text: str, name: str, key: str, pdf: bool) -> QAction:
        """An action whose key works while the table has the focus (like ``o``), so that
        typing ``a`` in the search box or the notes types an ``a``."""
        action = named(QAction(text, self.window.table), name)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda: self.open_selected(pdf or shift_held()))
        self.window.table.addAction(action)
        return action

    # --- where the actions show -----------------------------------------------------

    def add_menu(self, bar: QMenuBar) -> QMenu:
        """The menu bar's Paper menu."""
        menu = named(bar.addMenu("&Paper"), "paperMenu")
        menu.setToolTipsVisible(True)  # a disabled action says why
        menu.addAction(self.open_action)
        menu.addAction(self.pdf_action)
        return menu

    def add_context_items(self, menu: QMenu) -> None:
        menu.setToolTipsVisible(True)
        menu.addAction(self.open_action)
        menu.addAction(self.pdf_action)

    def apply_icons(self) -> None:
        """The paper icon in the palette's text colour (again after a theme change)."""
        colour = QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()
        self.open_action.setIcon(paper_icon(colour))

    # --- state --------------------------------------------------------------------------

    def update_actions(self, *_args: object) -> None:
        """Enabled when some selected paper may have somewhere to open: one paper that
        has none disables them, with the reason as the tooltip."""
        table, model = self.window.table, self.window.model
        count = table.selected_count()
        if count > 1:
            self._enable(True, f"Open the {count} selected papers (Shift: their PDFs)")
            return
        ids = self.window.selected_ids()
        if not ids:
            self._enable(False, "No paper selected")
            return
        paper = model.loaded_paper(ids[0])
        if paper is None:  # its row is loading: it is looked at when opened
            self._enable(True, "Open the paper (Shift: the PDF)")
            return
        self._enable(paper_url(paper) is not None, paper_tooltip(paper))

    def _enable(self, enabled: bool, tooltip: str) -> None:
        for action in (self.open_action, self.pdf_action):
            action.setEnabled(enabled)
            action.setToolTip(plain_tooltip(tooltip))  # a URL is shown as it is
            action.setStatusTip(tooltip)

    # --- keys ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """``a`` reaches the table only when the actions are disabled (an enabled
        action's key is a shortcut): say why instead of jumping to a row starting with
        "a", as the table's type-ahead search would."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain_or_shift = modifiers in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        )
        if event.key() == Qt.Key.Key_A and plain_or_shift:
            self._say(self.open_action.statusTip())
            return True
        return False

    # --- opening ------------------------------------------------------------------------

    def _say(self, text: str, ms: int = 6000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def open_current(self) -> None:
        """Enter or a double-click: the current paper's page, else a search for its
        title on arXiv (it has not been looked up yet)."""
        table = self.window.table
        paper = self.window.model.paper(table.currentIndex().row())
        if paper is None:
            return
        url = paper_url(paper)
        if url is not None:
            if self.window.open_url(url):
                self._say(f"Opened {url}")
        elif self.window.open_url(title_search_url(paper.title)):
            self._say(f"Searched arXiv for the title: the paper is not looked up yet ({LOOK_UP})")

    def open_selected(self, pdf: bool = False) -> None:
        """Open every selected paper (the current one when none is selected)."""
        ids = self.window.selected_ids()
        if not ids:
            return
        paper = self.window.model.loaded_paper(ids[0]) if len(ids) == 1 else None
        if paper is not None:  # the usual case, the paper the pane shows: at once
            self._open(find_targets(ids, pdf, {paper.id: paper}, lambda _: []), pdf, 1)
            return
        # Several papers: read on the read lane, all of them (a row loaded earlier may
        # hold a paper a lookup has changed since; the reads are a page at a time).
        library = self.window.library

        def read(chunk: Sequence[int]) -> list[Paper]:
            return library.papers(PaperQuery(ids=tuple(chunk)))

        self.window.reader.submit(
            lambda: find_targets(ids, pdf, {}, read),
            lambda targets: self._open(targets, pdf, len(ids)),
            self.window.show_error,
        )

    def _open(self, targets: Targets, pdf: bool, selected: int) -> None:
        urls = targets.urls
        if not urls:
            if selected == 1:
                self._say(NO_TARGET)
            else:
                self._say(
                    f"None of the {selected} selected papers has an arXiv id, DOI or"
                    f" Hugging Face page yet: look them up ({LOOK_UP})"
                )
            return
        if len(urls) > ASK_ABOVE and not self._confirm(targets, pdf):
            return
        opened = sum(1 for url in urls if self.window.open_url(url))
        if selected == 1:
            if opened:  # else the window has said why, with Copy link
                self._say(f"Opened {urls[0]}")
            return
        parts = [f"Opened {_plural(opened, 'paper')}{' (PDFs)' if pdf else ''}"]
        if targets.more:
            parts.append(f"only the first {MAX_TABS}")
        if opened < len(urls):
            parts.append(f"{len(urls) - opened} could not be opened")
        if targets.missing:
            parts.append(
                f"{targets.missing} without an arXiv id, DOI or Hugging Face page yet"
                f" (look them up: {LOOK_UP})"
            )
        self._say("; ".join(parts))

    def _confirm(self, targets: Targets, pdf: bool) -> bool:
        count = len(targets.urls)
        what = "PDFs" if pdf else "pages"
        first = f"the first {count} of the selected papers" if targets.more else f"{count} papers"
        answer = QMessageBox.question(
            self.window.dialog_parent(),
            "Open papers",
            f"Open the {what} of {first}? Each opens in a browser tab of its own.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

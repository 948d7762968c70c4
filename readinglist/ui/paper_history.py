"""The papers most like the one shown, and Back/Forward after jumping to one.

The detail pane lists the papers most like the current one (read on the read lane, a
moment after the paper is shown, so j held down does not ask for each). Choosing one
goes to it: in the table when it is shown there, else the table shows it with its
neighbours. Each jump remembers where the reader was (the sidebar entry, the search
and the paper), so Back (Alt+Left) and Forward (Alt+Right) go between them like a
browser's.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QStatusBar

from readinglist.core.library import Library
from readinglist.core.models import SimilarPaper
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.paper_model import PaperTableModel, Scope
from readinglist.ui.search_controller import SearchController
from readinglist.ui.sidebar import Entry
from readinglist.ui.widgets import named
from readinglist.ui.worker import Worker

SIMILAR_DELAY_MS = 250
SIMILAR_COUNT = 8
MAX_PLACES = 100


@dataclass(frozen=True, slots=True)
class Place:
    """Where the reader was: what the table showed and the paper in the pane."""

    entry: Entry
    text: str
    paper_id: int | None


class HistoryHost(Protocol):
    """What similar papers and Back/Forward need of the window (a :class:`MainWindow`)."""

    library: Library
    reader: Worker
    model: PaperTableModel
    detail: DetailPane
    search: SearchController
    search_box: QLineEdit

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def select_ids(self, ids: Collection[int], focus: bool = True) -> None: ...


class PaperHistory(QObject):
    """Similar papers of the paper shown, and the places jumped from."""

    def __init__(self, host: HistoryHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        self.back_places: list[Place] = []
        self.forward_places: list[Place] = []
        self.timer = QTimer(self, singleShot=True, interval=SIMILAR_DELAY_MS)
        self.timer.timeout.connect(self._load_similar)
        self.back_action = self._action("&Back", "backAction", "Alt+Left", self.back)
        self.forward_action = self._action("&Forward", "forwardAction", "Alt+Right", self.forward)
        host.detail.similarChosen.connect(self.show_similar_paper)
        self._update_actions()

    def _action(self, text: str, name: str, key: str, slot: object) -> QAction:
        action = named(QAction(text, self), name)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        return action

    # --- similar papers -------------------------------------------------------------

    def paper_shown(self) -> None:
        """Another paper in the pane: its similar papers in a moment."""
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _load_similar(self) -> None:
        paper = self.host.detail.paper
        if paper is None:
            return
        library, paper_id = self.host.library, paper.id

        def done(similar: list[SimilarPaper]) -> None:
            self.host.detail.set_similar(paper_id, similar)

        self.host.reader.submit(
            lambda: library.similar(paper_id, SIMILAR_COUNT), done, lambda _: None
        )

    def show_similar_paper(self, paper_id: int, similar_ids: list[int]) -> None:
        """Go to a similar paper: in the table if shown, else the table shows the
        paper with its neighbours. Back comes back here."""
        self._remember(self.back_places)
        self.forward_places.clear()
        self._update_actions()
        if self.host.model.row_of(paper_id) is not None:
            self.host.select_ids([paper_id])
            return
        source = self.host.detail.paper
        ids = tuple(dict.fromkeys([*([source.id] if source else []), *similar_ids]))
        label = f"similar to #{source.id}" if source else "similar papers"
        entry = Entry("similar", scope=Scope("ids", ids=ids, label=label))
        self.host.search.show_entry(entry, on_loaded=lambda: self.host.select_ids([paper_id]))

    # --- back and forward -------------------------------------------------------------

    def here(self) -> Place:
        paper = self.host.detail.paper
        paper_id = None if paper is None else paper.id
        return Place(self.host.search.entry, self.host.search_box.text(), paper_id)

    def _remember(self, places: list[Place]) -> None:
        places.append(self.here())
        del places[:-MAX_PLACES]

    def back(self) -> None:
        self._step(self.back_places, self.forward_places, "back")

    def forward(self) -> None:
        self._step(self.forward_places, self.back_places, "forward")

    def _step(self, source: list[Place], other: list[Place], way: str) -> None:
        if not source:
            self.host.statusBar().showMessage(f"Nothing to go {way} to", 3000)
            return
        place = source.pop()
        self._remember(other)
        self._update_actions()
        self.go(place)

    def go(self, place: Place) -> None:
        """Show the place: the same table when it still shows it, else its entry and
        search again; then its paper, when it is still there."""
        search = self.host.search
        chosen = [] if place.paper_id is None else [place.paper_id]
        if search.entry == place.entry and self.host.search_box.text() == place.text:
            self.host.select_ids(chosen)
            return
        search.show_place(place.entry, place.text, on_loaded=lambda: self.host.select_ids(chosen))

    def _update_actions(self) -> None:
        self.back_action.setEnabled(bool(self.back_places))
        self.forward_action.setEnabled(bool(self.forward_places))

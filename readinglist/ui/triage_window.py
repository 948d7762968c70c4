"""The triage's parts put together on a window: what the lead wires into main_window.

:func:`install_triage` builds the controller (trained in the background, retrained
after each announced change), the topic groups list (its actions applied through the
window's undoable changes) and the suggested tags under the detail pane's tag box (Tab
in the empty box takes the first), the table's interest column (its values and its
sort from the controller; its cells refreshed when a training ends; shown by default
once the triage has enough signals, see table_columns.py) and the detail pane's
interest line with why (triage_why.py). Where the groups list sits (the sidebar, under
the digest) is left to the window; see :class:`TriageParts` for the calls it makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QLineEdit, QWidget

from readinglist.core.library import Library
from readinglist.core.undo import Change
from readinglist.ui.change_notifier import ChangeNotifier
from readinglist.ui.paper_model import Column, PaperTableModel
from readinglist.ui.table_columns import ColumnChooser
from readinglist.ui.triage_controller import RETRAIN_DELAY_MS, TriageController
from readinglist.ui.triage_groups import TopicGroupsView
from readinglist.ui.triage_tag_suggestions import TagSuggestionBar
from readinglist.ui.triage_why import why_line
from readinglist.ui.worker import Worker


class TagBox(Protocol):
    """The detail pane's part the triage fills: suggested tags, the interest line."""

    tag_editor: QLineEdit

    def set_interest(self, paper_id: int, line: str, tooltip: Sequence[str] = ()) -> None: ...


class Columns(Protocol):
    columns: ColumnChooser | None


class TriageHost(Protocol):
    """What the triage needs of the window (a MainWindow has all of it)."""

    library: Library
    changes: ChangeNotifier
    model: PaperTableModel

    @property
    def detail(self) -> TagBox: ...

    @property
    def table(self) -> Columns: ...

    def apply_change(self, change: Change, message: str) -> None: ...

    def add_tag(self, name: str) -> None: ...


@dataclass
class TriageParts:
    controller: TriageController
    groups: TopicGroupsView
    suggestions: TagSuggestionBar
    detail: TagBox
    # "Why" costs 25-40 ms on a 20k library (benchmarks/triage.py): on a thread of its
    # own, not the GUI's, nor the controller's (a training there takes seconds).
    why_worker: Worker
    shown_paper: int | None = None

    def show_paper(self, paper_id: int | None) -> None:
        """The detail pane shows this paper: its suggested tags under the tag box, its
        interest and why under the title (from the last trained model, immutable; the
        pane ignores a line that comes back once another paper is shown)."""
        self.shown_paper = paper_id
        tags = [] if paper_id is None else self.controller.suggested_tags(paper_id)
        self.suggestions.set_tags(tags)
        if paper_id is not None:
            controller, detail = self.controller, self.detail
            try:
                self.why_worker.submit(
                    lambda: why_line(controller, paper_id),
                    lambda why: detail.set_interest(paper_id, why.line, why.tooltip),
                )
            except RuntimeError:  # stopped: the window is closing
                return

    def stop(self) -> None:
        self.why_worker.shutdown()
        self.controller.stop()


def install_triage(
    host: TriageHost,
    parent: QWidget,
    start: bool = True,
    retrain_delay_ms: int = RETRAIN_DELAY_MS,
) -> TriageParts:
    controller = TriageController(host.library, host.changes, parent, retrain_delay_ms)
    groups = TopicGroupsView(host, parent)
    suggestions = TagSuggestionBar(parent)
    suggestions.attach(host.detail.tag_editor)
    suggestions.accepted.connect(host.add_tag)
    parts = TriageParts(controller, groups, suggestions, host.detail, Worker(parent))
    attach_interest_column(host, controller)
    controller.groupsReady.connect(lambda _ids, found: groups.set_groups(found))
    # After a change the suggestions are refreshed by the retrain it causes, not before:
    # the model before it would offer again the tag just taken.
    controller.trained.connect(lambda: parts.show_paper(parts.shown_paper))
    if start:
        controller.start()
        controller.request_latest_groups()
    return parts


def attach_interest_column(host: TriageHost, controller: TriageController) -> None:
    """The table's interest column reads this controller; its cells follow each
    training (dataChanged on the column, no reset) and it shows by default once the
    classifier is trained (enough signals), hidden again if they are taken back."""
    model = host.model
    model.interest = controller

    def trained() -> None:
        if model.interest is not controller:
            return  # another triage was attached since (a test's own)
        model.refresh_interest()
        columns = host.table.columns
        if columns is not None:
            columns.set_default(Column.INTEREST, controller.enough_signals)

    controller.trained.connect(trained)

"""The triage's parts put together on a window: what the lead wires into main_window.

:func:`install_triage` builds the controller (trained in the background, retrained
after each announced change), the topic groups list (its actions applied through the
window's undoable changes) and the suggested tags under the detail pane's tag box (Tab
in the empty box takes the first). Where the groups list sits (the sidebar, under the
digest) and the interest column are left to the window's own modules; see
:class:`TriageParts` for the calls they make.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QLineEdit, QWidget

from readinglist.core.library import Library
from readinglist.core.undo import Change
from readinglist.ui.change_notifier import ChangeNotifier
from readinglist.ui.triage_controller import RETRAIN_DELAY_MS, TriageController
from readinglist.ui.triage_groups import TopicGroupsView
from readinglist.ui.triage_tag_suggestions import TagSuggestionBar


class TagBox(Protocol):
    tag_editor: QLineEdit


class TriageHost(Protocol):
    """What the triage needs of the window (a MainWindow has all of it)."""

    library: Library
    changes: ChangeNotifier

    @property
    def detail(self) -> TagBox: ...

    def apply_change(self, change: Change, message: str) -> None: ...

    def add_tag(self, name: str) -> None: ...


@dataclass
class TriageParts:
    controller: TriageController
    groups: TopicGroupsView
    suggestions: TagSuggestionBar
    shown_paper: int | None = None

    def show_paper(self, paper_id: int | None) -> None:
        """The detail pane shows this paper: its suggested tags under the tag box."""
        self.shown_paper = paper_id
        tags = [] if paper_id is None else self.controller.suggested_tags(paper_id)
        self.suggestions.set_tags(tags)

    def stop(self) -> None:
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
    parts = TriageParts(controller, groups, suggestions)
    controller.groupsReady.connect(lambda _ids, found: groups.set_groups(found))
    # After a change the suggestions are refreshed by the retrain it causes, not before:
    # the model before it would offer again the tag just taken.
    controller.trained.connect(lambda: parts.show_paper(parts.shown_paper))
    if start:
        controller.start()
        controller.request_latest_groups()
    return parts

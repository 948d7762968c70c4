"""View > Statistics… and View > Plan my week…, added to the window's View menu by one
call (:func:`add_stats_actions`), so the main window needs no more than that line.

The dialogs' modules (and pyqtgraph with them) are imported when an action is first
used, never at start-up. A click on a dashboard bar shows those papers in the table,
as "similar papers" are shown: an ``ids`` scope with a label.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMenu, QWidget

from readinglist.core.changes import Changes
from readinglist.core.library import Library, utc_now
from readinglist.core.undo import Change
from readinglist.ui.widgets import named

if TYPE_CHECKING:
    from readinglist.app_context import OpenLibrary
    from readinglist.core.stats_cases import ReadingTracker
    from readinglist.ui.change_notifier import ChangeNotifier
    from readinglist.ui.plan_dialog import PlanDialog
    from readinglist.ui.search_controller import SearchController
    from readinglist.ui.stats_dialog import StatsDialog
    from readinglist.ui.worker import Worker

LIST_SAVED = Changes(count=1, lists=True, counts=True)


class StatsHost(Protocol):
    """What the actions use of the window (a MainWindow)."""

    opened: OpenLibrary
    library: Library
    worker: Worker
    reader: Worker
    changes: ChangeNotifier
    search: SearchController
    undo_stack: QUndoStack

    def run_change(self, fn: Callable[[Library], Changes], change: Change) -> None: ...


def tracker(host: StatsHost) -> ReadingTracker:
    """The reading tracker on the window's library, in the local time zone."""
    from readinglist.storage.stats_queries import reading_tracker

    return reading_tracker(host.opened.store, utc_now, datetime.now().astimezone().tzinfo)


def show_chosen_papers(host: StatsHost, label: str, ids: list[int]) -> None:
    """The table shows these papers (a bar of the dashboard), labelled."""
    from readinglist.ui.paper_model import Scope
    from readinglist.ui.sidebar import Entry

    host.search.show_entry(Entry(f"stats:{label}", scope=Scope("ids", ids=tuple(ids), label=label)))


def open_stats_dialog(host: StatsHost, parent: QWidget) -> StatsDialog:
    from readinglist.ui.stats_dialog import StatsDialog

    dialog = parent.findChild(StatsDialog, "statsDialog")
    if isinstance(dialog, StatsDialog):  # one dashboard a window: shown again, reloaded
        dialog.refresh()
        dialog.show()
        dialog.raise_()
        return dialog
    dialog = StatsDialog(host.reader, tracker(host).dashboard, parent)
    dialog.papersChosen.connect(lambda label, ids: show_chosen_papers(host, label, ids))
    dialog.show()
    return dialog


def open_plan_dialog(host: StatsHost, parent: QWidget) -> PlanDialog:
    from readinglist.core.models import ReadingList
    from readinglist.core.stats_cases import SavePlanChange
    from readinglist.ui.plan_dialog import PlanDialog
    from readinglist.ui.undo import ChangeCommand

    found = parent.findChild(PlanDialog, "planDialog")
    if isinstance(found, PlanDialog):
        found.replan()
        found.show()
        found.raise_()
        return found
    library = host.library
    done: list[SavePlanChange] = []  # written on the writer, taken on the GUI thread

    def save(name: str, ids: list[int]) -> ReadingList:  # on the writer
        change = SavePlanChange(name, tuple(ids))
        change.apply(library)
        done.append(change)
        return library.lists.get(change.name)

    def saved(_name: str) -> None:  # undoable like creating a list: Edit > Undo deletes it
        change = done.pop()
        host.undo_stack.push(ChangeCommand(change, host.run_change))
        host.changes.announce(LIST_SAVED)

    dialog = PlanDialog(host.reader, host.worker, tracker(host).plan, save, parent)
    dialog.saved.connect(saved)
    dialog.show()
    return dialog


def add_stats_actions(host: StatsHost, menu: QMenu, parent: QWidget) -> tuple[QAction, QAction]:
    """Adds "Statistics…" and "Plan my week…" to ``menu`` (the View menu)."""
    menu.addSeparator()
    stats = named(menu.addAction("&Statistics…"), "statsAction")
    stats.triggered.connect(lambda: open_stats_dialog(host, parent))
    plan = named(menu.addAction("&Plan my week…"), "planAction")
    plan.triggered.connect(lambda: open_plan_dialog(host, parent))
    return stats, plan

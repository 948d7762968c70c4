"""The main window: sidebar, search box, paper table and detail pane.

Every library call runs on a worker thread (a writer for changes, a reader for pages,
searches and counts); the window only reacts to answers. Its features are controllers
of their own, each knowing the window through a narrow protocol: the search
(:mod:`~readinglist.ui.search_controller`), imports
(:mod:`~readinglist.ui.import_controller`), lists (:mod:`~readinglist.ui.list_actions`),
undoable changes (:mod:`~readinglist.ui.change_runner`), opening papers and links
(:mod:`~readinglist.ui.open_paper`, :mod:`~readinglist.ui.link_actions`), triage keys
(:mod:`~readinglist.ui.triage_keys`), similar papers with Back/Forward
(:mod:`~readinglist.ui.paper_history`) and the context menu
(:mod:`~readinglist.ui.paper_menu`). Every committed change is
announced once by :attr:`MainWindow.changes`, which the views subscribe to.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readinglist.app_context import OpenLibrary
from readinglist.core.changes import OUTSIDE_CHANGES, Changes
from readinglist.core.library import Library
from readinglist.core.models import Priority, ReadStatus
from readinglist.core.paper_edits import EditConflictError
from readinglist.core.undo import Change
from readinglist.ui.app_icons import action_icon
from readinglist.ui.change_notifier import ChangeNotifier
from readinglist.ui.change_runner import ChangeRunner
from readinglist.ui.crash_dialog import is_expected, report_exception
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.export_dialog import ExportContext, ExportDialog
from readinglist.ui.group_controller import install_group
from readinglist.ui.import_controller import ImportController
from readinglist.ui.index_build import IndexBuildController
from readinglist.ui.library_counts import LibraryCounts
from readinglist.ui.link_actions import LinkController
from readinglist.ui.list_actions import ListController
from readinglist.ui.notes_conflict import NotesConflicts
from readinglist.ui.open_paper import OpenPaperController
from readinglist.ui.paper_edits import PaperEdits, plural
from readinglist.ui.paper_history import PaperHistory
from readinglist.ui.paper_menu import PaperMenu
from readinglist.ui.paper_model import PaperTableModel, Scope, TableQuery
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.resolve_controller import ResolveController
from readinglist.ui.search_controller import SearchController
from readinglist.ui.shared_refresh import start_shared_refresh, watch_catch_up
from readinglist.ui.shortcuts_dialog import ShortcutsDialog
from readinglist.ui.sidebar import ALL, Entry, Sidebar, SidebarData, new_entry
from readinglist.ui.stats_actions import add_stats_actions, show_chosen_papers
from readinglist.ui.theme import Theme, apply_theme
from readinglist.ui.triage_keys import TriageKeys
from readinglist.ui.triage_window import install_triage
from readinglist.ui.welcome import WELCOME
from readinglist.ui.widgets import named
from readinglist.ui.window_layout import (
    SidebarFit,
    fit_to_screen,
    restore_layout,
    save_layout,
    topics_box,
)
from readinglist.ui.window_menus import build_menus
from readinglist.ui.window_settings import restore_settings, save_settings, save_theme
from readinglist.ui.worker import Worker


class MainWindow(QMainWindow):
    countsShown = Signal()  # the sidebar shows the library's current counts  # noqa: N815

    def __init__(self, worker: Worker, opened: OpenLibrary) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"readinglist — {opened.library_dir}")
        self.setAcceptDrops(True)
        self.worker = worker  # the one writer: every change, in order
        # The read lane: pages, searches, counts and similar papers on a thread of their
        # own, so a search typed during an import or a bulk edit answers at once (SQLite
        # in WAL mode lets readers run beside the writer; the index hands each reader a
        # searcher it keeps until done). A read submitted after a write's answer sees it.
        self.reader = named(Worker(self), "readerWorker")
        self.opened = opened
        self.library = opened.library
        self._closed = False
        self.first_run_message: str | None = None  # set by show_first_run
        self.theme = Theme.SYSTEM
        self.model = PaperTableModel(self.reader, self.library, self)
        # Every committed change is announced here once; the views subscribe (_connect).
        self.changes = named(ChangeNotifier(self), "changeNotifier")
        self.undo_stack = named(QUndoStack(self), "undoStack")
        self._build()
        self.lists = ListController(self, self)
        self.opener = OpenPaperController(self, self)
        self.links = LinkController(self, self)
        self.history = PaperHistory(self, self)
        elsewhere = (self.sidebar, self.detail.similar_list, *self.detail.findChildren(QPushButton))
        self.keys = TriageKeys(self, self.opener.open_current, elsewhere, self)
        self.menu = PaperMenu(self, self)
        self.window_actions = actions = build_menus(self)
        self.import_action, self.export_action = actions.import_action, actions.export_action
        self.paste_action, self.find_action = actions.paste_action, actions.find_action
        self.undo_action, self.redo_action = actions.undo_action, actions.redo_action
        self.theme_actions = actions.theme_actions
        self.shortcuts_action, self.about_action = actions.shortcuts_action, actions.about_action
        view_menu = self.menuBar().findChild(QMenu, "viewMenu")
        assert isinstance(view_menu, QMenu)
        add_stats_actions(self, view_menu, self)  # View > Statistics…, Plan my week…
        self._connect()
        restore_settings(self)
        restore_layout(self)
        self._fitted = False  # to the screen, once shown (showEvent)
        self.model.set_query(TableQuery())
        self.counts.refresh()
        self.counts.refresh_tag_names()
        # A missing search index is built by a child process meanwhile (index_build.py).
        self.index_build = IndexBuildController(self)
        self.index_build.start()
        # A shared library: another member's change shows within 2 s (LISTEN/NOTIFY).
        shared = opened.store.feed is not None
        self.live = start_shared_refresh(opened.store.engine, shared, self.catch_up, self)
        self.catch_up_status = watch_catch_up(
            self.library.indexing, self.statusBar(), self.catch_up, self
        )
        if opened.index.notice:  # another Whoosh than the one its fast paths know
            self.statusBar().showMessage(opened.index.notice, 30000)

    # --- what the controllers see of the window (their host protocols) --------------

    @property
    def library_dir(self) -> Path:
        return self.opened.library_dir

    @property
    def sidebar_data(self) -> SidebarData | None:
        """What the sidebar shows: counts, lists, saved searches (None before the first)."""
        return self.counts.data

    @property
    def shown_scope(self) -> Scope | None:
        """The digest, list or papers the table is limited to (None: the library)."""
        return self.search.entry.scope

    @property
    def search_text(self) -> str:
        return self.search_box.text()

    def dialog_parent(self) -> QWidget:
        return self

    def tag_names(self) -> list[str]:
        """Every tag of the library (as last counted), for completion."""
        return list(self.counts.tag_names)

    def open_url(self, url: str) -> bool:
        """Open a URL in the browser; when none opens it, say so and offer to copy it."""
        return self.links.open(url)

    @property
    def busy(self) -> bool:
        """Work submitted to either lane whose answer has not been handled yet."""
        return bool(self.worker.pending or self.reader.pending)

    @property
    def idle(self) -> bool:
        return not (self.busy or self.imports.running or self._closed)

    @property
    def importing(self) -> bool:
        return self.imports.running

    def apply_change(self, change: Change, message: str) -> None:
        """Apply an undoable change on the writer (also one that names no paper)."""
        self.runner.apply(change, message)

    def run_change(self, fn: Callable[[Library], Changes], change: Change) -> None:
        self.runner.run(fn, change)

    def set_search_available(self, available: bool, message: str = "") -> None:
        """While the search index is built the library is browsed from the database."""
        self.search.set_available(available, message)

    def show_imported(self, digest_ids: tuple[int, ...], new_ids: list[int]) -> None:
        """The table shows what an import brought ("New in the last digest"), all
        selected; the new papers are looked up in the background (unless turned off)."""
        self.resolver.papers_imported(new_ids)
        if not new_ids:
            entry = ALL
        elif len(digest_ids) == 1:
            entry = new_entry(digest_ids[0])
        else:
            label = f"new in this import of {len(digest_ids)} digests"
            entry = Entry("import", scope=Scope("new", digest_ids=digest_ids, label=label))
        self.search.show_entry(entry, on_loaded=self._select_imported if new_ids else None)

    def _select_imported(self) -> None:
        """The new papers selected; the banner's "they are selected" lasts until the
        selection changes."""
        self.table.select_all_rows()
        self.import_banner.watch_selection(self.table.selectionModel())

    # --- building -----------------------------------------------------------------

    def _build(self) -> None:
        self.sidebar = Sidebar()
        self.table = PaperTable()
        self.table.setModel(self.model)
        self.table.setup_columns()
        # No indicator yet: the first order is the library's (relevance, else newest).
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.welcome = named(QLabel(WELCOME, wordWrap=True), "welcomeView")
        self.welcome.setTextFormat(Qt.TextFormat.RichText)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.welcome.setContentsMargins(24, 24, 24, 24)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.welcome)
        # The features, each a controller of its own that knows the window through a
        # narrow protocol: search (the box, the sidebar entry), imports, lists, changes.
        self.search = SearchController(self, self)
        self.search_box = self.search.box
        self.search_icon = self.search.icon
        self.result_count = self.search.result_count
        self.did_you_mean = self.search.did_you_mean
        self.imports = ImportController(self, self)
        self.import_banner = self.imports.banner
        self.progress = self.imports.progress
        self.cancel_button = self.imports.cancel_button
        self.runner = ChangeRunner(self, self)
        self.edits = PaperEdits(self, self)
        # Lookups on arXiv and Hugging Face, on a thread of their own (slow: minutes).
        self.resolver = ResolveController(self, self)

        search_row = self.search.row()
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addLayout(search_row)
        centre_layout.addWidget(self.import_banner)
        centre_layout.addWidget(self.stack, 1)

        self.detail = DetailPane()
        self.notes_conflicts = NotesConflicts(self, self.detail, self)
        # Triage (readinglist.triage): trained in the background; its topic groups of
        # the last digest under the sidebar, its tag suggestions under the tag box.
        self.triage = install_triage(self, self)
        self.triage.groups.groupChosen.connect(
            lambda label, ids: show_chosen_papers(self, label, list(ids))
        )
        self.detail.add_below_tags(self.triage.suggestions)
        # The reading group: comments and presenter in a tab beside the notes.
        self.group = install_group(self, self.detail, self._paper_title)
        self.model.scope_order = self._scope_order
        self.left = named(QSplitter(Qt.Orientation.Vertical), "sidebarSplitter")
        self.left.addWidget(self.sidebar)
        self.topics = topics_box(self.triage.groups)
        self.triage.controller.groupsReady.connect(
            lambda _ids, found: self.topics.setVisible(bool(found))
        )
        self.left.addWidget(self.topics)
        self.left.setStretchFactor(0, 3)
        self.left.setStretchFactor(1, 1)
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal), "mainSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([230, 800, 370])
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)

        self.sidebar_fit = SidebarFit(self, self)  # before a restored splitter
        self.counts = LibraryCounts(self, self)
        self.counts.shown.connect(self.countsShown)
        self.statusBar().addPermanentWidget(self.counts.label)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        for widget in self.resolver.status_widgets():
            self.statusBar().addPermanentWidget(widget)

    def _connect(self) -> None:
        self.model.dataChanged.connect(self._rows_changed)
        self.changes.changed.connect(self.model.show_changes)
        self.changes.changed.connect(self.counts.changed)
        self.model.changesShown.connect(self._select_changed)
        self.model.modelReset.connect(self._show_current)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        # Ctrl+A changes the selection, not the current row: the pane says how many.
        self.table.selectionModel().selectionChanged.connect(self._selection_shown)
        self.table.linkKey.connect(self.links.open_link)
        self.table.searchKey.connect(self.search.focus)
        self.table.deleteKey.connect(self.confirm_delete)
        self.table.notesKey.connect(self.detail.focus_notes)
        self.table.helpKey.connect(self.show_shortcuts)
        # The detail pane's fields are the paper it shows, not the table's selection.
        self.detail.statusChosen.connect(lambda status: self.set_status(status, self._shown()))
        self.detail.ratingChosen.connect(lambda rating: self.rate(rating, self._shown()))
        self.detail.timeSpentChosen.connect(
            lambda paper_id, minutes: self.edits.set_time_spent(minutes, [paper_id])
        )
        self.detail.timeSpentRejected.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.detail.tagAdded.connect(self.add_tag)
        self.detail.notesEdited.connect(self.save_notes)
        for lane in (self.worker, self.reader):
            lane.error.connect(lambda text: self.statusBar().showMessage(text, 8000))

    # --- look -----------------------------------------------------------------------

    def set_theme(self, theme: Theme, save: bool = True) -> None:
        """Light, dark, or the system's; remembered for the next start."""
        self.theme = theme
        self.theme_actions[theme].setChecked(True)
        apply_theme(theme)
        self.apply_icons()
        if save:
            save_theme(theme)

    def apply_icons(self) -> None:
        """Icons in the palette's text colour: set again after every theme change."""
        self.window_actions.apply_icons()
        self.search_icon.setIcon(action_icon("search"))
        self.opener.apply_icons()
        self.detail.apply_icons(self.opener.open_action.icon())
        self.sidebar.apply_icons()

    # --- the counts (library_counts.py) ---------------------------------------------

    @property
    def counts_label(self) -> QLabel:
        return self.counts.label

    def refresh_counts(self) -> None:
        self.counts.refresh()

    def refresh_tag_names(self) -> None:
        self.counts.refresh_tag_names()

    # --- current paper ------------------------------------------------------------

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def selected_ids(self) -> list[int]:
        """Every selected paper, in row order, whether its row was loaded or not (the
        current one when nothing is selected)."""
        ranges = self.table.selected_ranges()
        if not ranges:
            row = self.current_row()
            ranges = [(row, row)] if row >= 0 else []
        return self.model.ids_of_rows(sorted(ranges))

    def _scope_order(self, scope: Scope, ids: list[int]) -> list[int]:
        """New in the last digest: best first for this reader, once the triage has
        enough signals (else the digest's trending order)."""
        return self.triage.controller.digest_order(ids) if scope.kind == "new" else ids

    def _selection_shown(self, *_args: object) -> None:
        if self.detail.paper is None:
            self._show_current()

    def _show_current(self, *_args: object) -> None:
        paper = self.model.paper(self.current_row())
        shown = self.detail.paper
        fragments = None if paper is None else self.model.fragments(paper.id)
        self.detail.show_paper(paper, fragments, self.table.selected_count())
        self.triage.show_paper(None if paper is None else paper.id)
        self.group.show_paper(None if paper is None else paper.id)
        if paper is not None and (shown is None or shown.id != paper.id):
            self.history.paper_shown()

    def _paper_title(self, paper_id: int) -> str:
        """The title of the paper in the detail pane, for a dialog about it."""
        paper = self.detail.paper
        return paper.title if paper is not None and paper.id == paper_id else f"Paper {paper_id}"

    def _shown(self) -> list[int]:
        """The paper in the detail pane (none: an empty list)."""
        paper = self.detail.paper
        return [] if paper is None else [paper.id]

    def _rows_changed(self, top: QModelIndex, bottom: QModelIndex, *_roles: object) -> None:
        if top.row() <= self.current_row() <= bottom.row():
            self._show_current()

    # --- changes (the edits: paper_edits.py) ------------------------------------

    def set_status(self, status: ReadStatus, ids: Collection[int] | None = None) -> None:
        self.edits.set_status(status, ids)

    def rate(self, rating: int, ids: Collection[int] | None = None) -> None:
        self.edits.rate(rating, ids)

    def set_priority(self, priority: Priority) -> None:
        self.edits.set_priority(priority)

    def add_tag(self, name: str) -> None:
        self.edits.add_tag(name)

    def remove_tag(self, name: str) -> None:
        self.edits.remove_tag(name)

    def save_notes(self, paper_id: int, base: str, notes: str) -> None:
        self.edits.save_notes(paper_id, base, notes)

    def confirm_delete(self) -> None:
        self.edits.confirm_delete()

    def delete(self, ids: Collection[int]) -> None:
        self.edits.delete(ids)

    def _select_changed(self, changes: Changes) -> None:
        """After papers came back or went, the ones still here stay selected."""
        self.select_ids(sorted(changes.added | changes.touched), focus=False)

    def change_failed(self, error: Exception) -> None:
        if isinstance(error, EditConflictError) and self.notes_conflicts.resolve(error):
            return  # the user chooses between both notes (ui/notes_conflict.py)
        self._show_current()  # the detail pane's fields back to what the paper holds
        self.show_error(error)

    def show_error(self, error: Exception, prefix: str = "") -> None:
        """A failed worker job: a message when the user can act on it, else a bug (the
        log and the crash dialog)."""
        if is_expected(error):
            self.statusBar().showMessage(f"{prefix}{error}", 8000)
        else:
            report_exception(error)

    def show_first_run(self) -> None:
        """This start created the library folder: say where (status bar and welcome view)."""
        self.first_run_message = f"Created your library in {self.opened.library_dir}"
        self.statusBar().showMessage(self.first_run_message, 30000)
        note = f"<p>{html.escape(self.first_run_message)}.</p>"
        self.welcome.setText(WELCOME.replace("</h2>", f"</h2>\n{note}", 1))

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # --- the context menu (paper_menu.py) -------------------------------------------

    def selection_tags(self) -> list[str]:
        return self.menu.selection_tags()

    def build_context_menu(self) -> QMenu:
        return self.menu.build()

    # --- export -------------------------------------------------------------------

    def export_context(self) -> ExportContext:
        """What the export dialog offers as scopes: the list, search, selection shown."""
        scope = self.search.entry.scope
        chosen = self.sidebar.current_entry()
        saved = None
        if chosen is not None and chosen.search is not None:
            saved = chosen.key.removeprefix("search:")
        data = self.counts.data
        return ExportContext(
            list_name=scope.label if scope is not None and scope.kind == "list" else None,
            saved_search=saved,
            query=self.model.query.search_text() if self.model.query.text.strip() else "",
            selection=tuple(self.selected_ids()) if self.table.selected_count() else (),
            tags=tuple(node.path for node in data.tags) if data is not None else (),
            default_dir=str(Path.home()),
        )

    def open_export_dialog(self) -> ExportDialog:
        """File > Export…: the dialog, not modal; a message here when it has written."""
        dialog = ExportDialog(self.worker, self.library, self.export_context(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(self._exported)
        dialog.open()
        return dialog

    def _exported(self, path: str, papers: int) -> None:
        self.statusBar().showMessage(f"Exported {plural(papers, 'paper')} to {path}", 10000)

    # --- selection ----------------------------------------------------------------

    def select_ids(self, ids: Collection[int], focus: bool = True) -> None:
        """Select the rows holding these papers (loaded or not); the first becomes current."""
        found = (self.model.row_of(paper_id) for paper_id in ids)
        self.table.select_rows(sorted(row for row in found if row is not None), focus)

    # --- drag and drop ------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self.imports.accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Dropped files are imported as digests; dropped text as a pasted digest."""
        if self.imports.drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    # --- changes made by other processes -----------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Back to the window: what a command line changed meanwhile waits in the search
        outbox (commands that never search do not index); index it and show it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.catch_up()

    def catch_up(self) -> None:
        if self._closed or self.imports.running:
            return

        def done(indexed: int) -> None:
            if indexed:
                self.changes.announce(OUTSIDE_CHANGES)

        self.worker.submit(self.library.indexing.sync, done, self.show_error)

    # --- showing and closing -------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The first time: the window inside its screen, whatever size it remembered;
        on a shared library without a member name, the name asked for."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            fit_to_screen(self)
            self.group.ask_on_a_shared_library()  # no member name yet: asked now

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Save what is pending, close the library on the worker and stop it. Idempotent."""
        if self._closed:
            return
        self.edits.closing = True
        self.detail.flush_notes()
        self._closed = True
        self.search.timer.stop()
        self.history.stop()
        self.runner.stop()
        self.index_build.stop()  # a build cut short: the next start builds the index
        if self.live is not None:
            self.live.stop()  # before the library's engine is disposed
        self.imports.shutdown()  # closing mid-import: nothing half done is kept
        self.resolver.shutdown()  # stopped, the rest queued, before the library closes
        self.triage.stop()  # its own thread, reading the library: before it closes
        save_settings(self)
        save_layout(self)
        self.reader.shutdown()  # reads end before the library closes under them
        self.worker.submit(self.opened.close)
        self.worker.shutdown()

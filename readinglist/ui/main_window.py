"""The main window: sidebar, search box, paper table and detail pane.

Every library call runs on a worker thread (a writer for changes, a reader for pages,
searches and counts); the window only reacts to answers. Its features are controllers
of their own, each knowing the window through a narrow protocol: the search
(:mod:`~readinglist.ui.search_controller`), imports
(:mod:`~readinglist.ui.import_controller`), lists (:mod:`~readinglist.ui.list_actions`)
and undoable changes (:mod:`~readinglist.ui.change_runner`). Every committed change is
announced once by :attr:`MainWindow.changes`, which the views subscribe to.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readinglist.app_context import OpenLibrary
from readinglist.core.changes import OUTSIDE_CHANGES, Changes
from readinglist.core.library import Library
from readinglist.core.models import LinkKind, Priority, ReadStatus, SimilarPaper, TagCount
from readinglist.core.undo import (
    Change,
    delete_change,
    notes_change,
    priority_change,
    rating_change,
    status_change,
    tag_change,
)
from readinglist.ui.about_dialog import AboutDialog
from readinglist.ui.app_icons import action_icon, status_icon
from readinglist.ui.change_notifier import ChangeNotifier
from readinglist.ui.change_runner import ChangeRunner
from readinglist.ui.crash_dialog import is_expected, report_exception
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.export_dialog import ExportContext, ExportDialog
from readinglist.ui.import_controller import ImportController
from readinglist.ui.index_build import IndexBuildController
from readinglist.ui.list_actions import ListController
from readinglist.ui.open_paper import OpenPaperController
from readinglist.ui.paper_model import PaperTableModel, Scope, TableQuery, stars
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.resolve_controller import ResolveController
from readinglist.ui.search_controller import SearchController
from readinglist.ui.shortcuts_dialog import ShortcutsDialog
from readinglist.ui.sidebar import ALL, Entry, Sidebar, SidebarData, load_sidebar, new_entry
from readinglist.ui.theme import Theme, apply_theme
from readinglist.ui.widgets import menu_text, named
from readinglist.ui.window_settings import restore_settings, save_settings, save_theme
from readinglist.ui.worker import Worker

SIMILAR_DELAY_MS = 250
SIMILAR_COUNT = 8
WELCOME = """
<h2>Welcome to readinglist</h2>
<p>Your library is empty. Bring in a trending-papers digest:</p>
<ul>
<li><b>Paste your first digest:</b> copy it from the web page or the e-mail, then choose
<b>Edit &gt; Paste digest</b> (Ctrl+Shift+V).</li>
<li><b>Import a file:</b> <b>File &gt; Import digest…</b> takes a saved
<code>.txt</code>, <code>.eml</code> or <code>.html</code> file.</li>
<li><b>Drop it:</b> drag digest files, or the digest's text, onto this window.</li>
</ul>
<p>Then triage with the keyboard: <b>j</b>/<b>k</b> move, <b>1</b>-<b>6</b> set the status
(unread, queued, reading, read, skimmed, dropped), <b>a</b> opens the paper,
<b>o</b> the code, <b>p</b> the project page, <b>/</b> searches, <b>?</b> lists every
shortcut.</p>
"""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


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
        self._sidebar_data: SidebarData | None = None
        self._tag_names: list[str] = []
        self.first_run_message: str | None = None  # set by show_first_run
        self.theme = Theme.SYSTEM
        self.model = PaperTableModel(self.reader, self.library, self)
        # Every committed change is announced here once; the views subscribe (_connect).
        self.changes = named(ChangeNotifier(self), "changeNotifier")
        self.undo_stack = named(QUndoStack(self), "undoStack")
        self._build()
        self.lists = ListController(self, self)
        self.opener = OpenPaperController(self, self)
        self._build_menus()
        self._connect()
        restore_settings(self)
        self.model.set_query(TableQuery())
        self.refresh_counts()
        self.refresh_tag_names()
        # A missing search index is built by a child process meanwhile (index_build.py).
        self.index_build = IndexBuildController(self)
        self.index_build.start()
        if opened.index.notice:  # another Whoosh than the one its fast paths know
            self.statusBar().showMessage(opened.index.notice, 30000)

    # --- what the controllers see of the window (their host protocols) --------------

    @property
    def library_dir(self) -> Path:
        return self.opened.library_dir

    @property
    def sidebar_data(self) -> SidebarData | None:
        """What the sidebar shows: counts, lists, saved searches (None before the first)."""
        return self._sidebar_data

    @property
    def shown_scope(self) -> Scope | None:
        """The digest, list or papers the table is limited to (None: the library)."""
        return self.search.entry.scope

    @property
    def search_text(self) -> str:
        return self.search_box.text()

    def dialog_parent(self) -> QWidget:
        return self

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
        self.search.show_entry(entry, on_loaded=self._select_all if new_ids else None)

    # --- building -----------------------------------------------------------------

    def _build(self) -> None:
        self.sidebar = Sidebar()

        self._similar_timer = QTimer(self, singleShot=True, interval=SIMILAR_DELAY_MS)

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
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal), "mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([230, 800, 370])
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)

        self.counts_label = named(QLabel(), "statusCounts")
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        for widget in self.resolver.status_widgets():
            self.statusBar().addPermanentWidget(widget)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = file_menu.addAction("&Import digest…")
        self.import_action.setObjectName("importAction")
        self.import_action.setShortcut(QKeySequence.StandardKey.Open)
        self.import_action.triggered.connect(self.imports.choose_files)
        self.export_action = file_menu.addAction("&Export…")
        self.export_action.setObjectName("exportAction")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.open_export_dialog)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = named(self.undo_stack.createUndoAction(self, "&Undo"), "undoAction")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = named(self.undo_stack.createRedoAction(self, "&Redo"), "redoAction")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.paste_action = edit_menu.addAction("&Paste digest")
        self.paste_action.setObjectName("pasteDigestAction")
        self.paste_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        self.paste_action.triggered.connect(self.imports.paste)
        self.imports.actions = (self.import_action, self.paste_action)
        find = edit_menu.addAction("&Find")
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.search.focus)
        self.find_action = find
        edit_menu.addSeparator()
        edit_menu.addAction(self.lists.new_list_action)
        edit_menu.addAction(self.lists.save_search_action)
        self._slash = QShortcut(QKeySequence("/"), self.sidebar)
        self._slash.setContext(Qt.ShortcutContext.WidgetShortcut)
        self._slash.activated.connect(self.search.focus)
        self.opener.add_menu(self.menuBar())
        self.resolver.add_menu_items(named(self.menuBar().addMenu("&Tools"), "toolsMenu"))
        view_menu = self.menuBar().addMenu("&View")
        theme_menu = named(view_menu.addMenu("&Appearance"), "themeMenu")
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for theme, label in (
            (Theme.SYSTEM, "Follow the &system"),
            (Theme.LIGHT, "&Light"),
            (Theme.DARK, "&Dark"),
        ):
            action = theme_menu.addAction(label)
            action.setObjectName(f"theme{theme.value.capitalize()}Action")
            action.setCheckable(True)
            action.setActionGroup(self.theme_group)
            action.triggered.connect(lambda _=False, t=theme: self.set_theme(t))
            self.theme_actions[theme] = action
        self.theme_actions[Theme.SYSTEM].setChecked(True)
        help_menu = self.menuBar().addMenu("&Help")
        self.shortcuts_action = help_menu.addAction("&Keyboard shortcuts")
        self.shortcuts_action.setObjectName("shortcutsAction")
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addSeparator()
        self.about_action = help_menu.addAction("&About readinglist")
        self.about_action.setObjectName("aboutAction")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)

    def _connect(self) -> None:
        self._similar_timer.timeout.connect(self._load_similar)
        self.model.dataChanged.connect(self._rows_changed)
        self.changes.changed.connect(self.model.show_changes)
        self.changes.changed.connect(self._show_changes)
        self.model.changesShown.connect(self._select_changed)
        self.model.modelReset.connect(self._show_current)
        self.model.modelReset.connect(self._show_counts_line)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.table.selectionModel().selectionChanged.connect(self._show_counts_line)
        self.table.statusKey.connect(self.set_status)
        self.table.linkKey.connect(self.open_link)
        self.table.searchKey.connect(self.search.focus)
        self.table.tagKey.connect(self.prompt_add_tag)
        self.table.deleteKey.connect(self.confirm_delete)
        self.table.notesKey.connect(self.focus_notes)
        self.table.helpKey.connect(self.show_shortcuts)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        # The detail pane's fields are the paper it shows, not the table's selection.
        self.detail.statusChosen.connect(lambda status: self.set_status(status, self._shown()))
        self.detail.ratingChosen.connect(lambda rating: self.rate(rating, self._shown()))
        self.detail.tagAdded.connect(self.add_tag)
        self.detail.notesEdited.connect(self.save_notes)
        self.detail.similarChosen.connect(self.show_similar_paper)
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
        targets: list[tuple[QAction | QPushButton, str]] = [
            (self.import_action, "import"),
            (self.paste_action, "paste"),
            (self.undo_action, "undo"),
            (self.redo_action, "redo"),
            (self.find_action, "search"),
            (self.about_action, "about"),
            (self.search_icon, "search"),
            (self.detail.code_button, "open-code"),
            (self.detail.project_button, "project-page"),
        ]
        export = getattr(self, "export_action", None)
        if isinstance(export, QAction):
            targets.append((export, "export"))
        for target, name in targets:
            target.setIcon(action_icon(name))
        self.opener.apply_icons()
        self.detail.paper_button.setIcon(self.opener.open_action.icon())
        self.sidebar.apply_icons()

    # --- the sidebar's counts -------------------------------------------------------

    def refresh_counts(self) -> None:
        """Recount the sidebar (statuses, digests, tags) on the worker."""
        library = self.library
        self.reader.submit(lambda: load_sidebar(library), self._show_counts)

    def _show_counts(self, data: SidebarData) -> None:
        self._sidebar_data = data
        self.sidebar.populate(data)
        self.search.sidebar_shown(data)
        self.stack.setCurrentWidget(self.welcome if data.total == 0 else self.table)
        self._show_counts_line()
        self.countsShown.emit()

    def _show_counts_line(self, *_args: object) -> None:
        """The status bar's counts: the library, unread, shown, selected."""
        data = self._sidebar_data
        parts = []
        if data is not None:
            unread = data.statuses[list(ReadStatus).index(ReadStatus.UNREAD)]
            parts += [_plural(data.total, "paper"), f"{unread} unread"]
        parts.append(f"{self.model.rowCount()} shown")
        selected = self.table.selected_count()
        if selected:
            parts.append(f"{selected} selected")
        self.counts_label.setText(" · ".join(parts))

    def refresh_tag_names(self) -> None:
        self.reader.submit(self.library.tags, self._show_tag_names)

    def _show_tag_names(self, tags: list[TagCount]) -> None:
        self._tag_names = [tag.name for tag in tags]
        self.detail.set_tag_names(self._tag_names)

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

    def _show_current(self, *_args: object) -> None:
        paper = self.model.paper(self.current_row())
        shown = self.detail.paper
        fragments = None if paper is None else self.model.fragments(paper.id)
        self.detail.show_paper(paper, fragments)
        if paper is not None and (shown is None or shown.id != paper.id):
            self._similar_timer.start()

    def _load_similar(self) -> None:
        paper = self.detail.paper
        if paper is None:
            return
        library, paper_id = self.library, paper.id

        def done(similar: list[SimilarPaper]) -> None:
            self.detail.set_similar(paper_id, similar)

        self.reader.submit(lambda: library.similar(paper_id, SIMILAR_COUNT), done, lambda _: None)

    def show_similar_paper(self, paper_id: int, similar_ids: list[int]) -> None:
        """Go to a similar paper: in the table if shown, else the table shows the
        paper with its neighbours."""
        if self.model.row_of(paper_id) is not None:
            self.select_ids([paper_id])
            return
        source = self.detail.paper
        ids = tuple(dict.fromkeys([*([source.id] if source else []), *similar_ids]))
        label = f"similar to #{source.id}" if source else "similar papers"
        entry = Entry("similar", scope=Scope("ids", ids=ids, label=label))
        self.search.show_entry(entry, on_loaded=lambda: self.select_ids([paper_id]))

    def _rows_changed(self, top: QModelIndex, bottom: QModelIndex, *_roles: object) -> None:
        if top.row() <= self.current_row() <= bottom.row():
            self._show_current()

    def open_link(self, kind: LinkKind) -> None:
        if not self.detail.open_link(kind):
            what = "code link" if kind is LinkKind.CODE else "project page"
            self.statusBar().showMessage(f"This paper has no {what} to open", 4000)

    # --- changes ------------------------------------------------------------------

    def _apply(self, change: Change, message: str) -> None:
        """Record the previous values and apply the change on the worker, then push it."""
        if change.ids:
            self.runner.apply(change, message)

    def _show_changes(self, changes: Changes) -> None:
        """What the window itself shows of a change: the sidebar's counts, the tags."""
        if changes.counts or changes.tags or changes.lists or changes.saved_searches:
            self.refresh_counts()
        if changes.tags:
            self.refresh_tag_names()

    def _select_changed(self, changes: Changes) -> None:
        """After papers came back or went, the ones still here stay selected."""
        self.select_ids(sorted(changes.added | changes.touched), focus=False)

    def change_failed(self, error: Exception) -> None:
        self._show_current()  # the detail pane's fields back to what the paper holds
        self.show_error(error)

    def show_error(self, error: Exception, prefix: str = "") -> None:
        """A failed worker job: a message when the user can act on it, else a bug (the
        log and the crash dialog)."""
        if is_expected(error):
            self.statusBar().showMessage(f"{prefix}{error}", 8000)
        else:
            report_exception(error)

    def _shown(self) -> list[int]:
        """The paper in the detail pane (none: an empty list)."""
        paper = self.detail.paper
        return [] if paper is None else [paper.id]

    def set_status(self, status: ReadStatus, ids: list[int] | None = None) -> None:
        ids = self.selected_ids() if ids is None else ids
        self._apply(status_change(ids, status), f"{_plural(len(ids), 'paper')} marked {status}")

    def rate(self, rating: int, ids: list[int] | None = None) -> None:
        ids = self.selected_ids() if ids is None else ids
        what = f"rated {rating}" if rating else "not rated"
        self._apply(rating_change(ids, rating), f"{_plural(len(ids), 'paper')} {what}")

    def set_priority(self, priority: Priority) -> None:
        ids = self.selected_ids()
        message = f"{_plural(len(ids), 'paper')}: priority {priority}"
        self._apply(priority_change(ids, priority), message)

    def add_tag(self, name: str) -> None:
        ids = self.selected_ids()
        self._apply(tag_change(ids, name, add=True), f"Tagged {_plural(len(ids), 'paper')} {name}")

    def remove_tag(self, name: str) -> None:
        ids = self.selected_ids()
        message = f"Removed tag {name} from {_plural(len(ids), 'paper')}"
        self._apply(tag_change(ids, name, add=False), message)

    def save_notes(self, paper_id: int, notes: str) -> None:
        self._apply(notes_change(paper_id, notes), "Notes saved")

    def prompt_add_tag(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        noun = "paper" if len(ids) == 1 else f"{len(ids)} papers"
        name, ok = QInputDialog.getText(self, "Add tag", f"Tag for the {noun}:")
        if ok and name.strip():
            self.add_tag(name.strip())

    def confirm_delete(self) -> None:
        """Ask, then delete the selected papers (Ctrl+Z brings them back)."""
        ids = self.selected_ids()
        if not ids:
            return
        noun = "this paper" if len(ids) == 1 else f"these {len(ids)} papers"
        answer = QMessageBox.question(
            self,
            "Delete papers",
            f"Delete {noun} with their tags, notes and history? Undo (Ctrl+Z) brings them back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(ids)

    def delete(self, ids: Collection[int]) -> None:
        """Delete papers, undoably."""
        self._apply(delete_change(ids), f"Deleted {_plural(len(ids), 'paper')}")

    def focus_notes(self) -> None:
        if self.detail.paper is None:
            return
        self.detail.notes_editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.detail.notes_editor.moveCursor(QTextCursor.MoveOperation.End)

    def show_about(self) -> AboutDialog:
        """Help > About: the version and where the data lives (not modal)."""
        dialog = AboutDialog(self.opened.library_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

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

    # --- the context menu ---------------------------------------------------------

    def selection_tags(self) -> list[str]:
        """The tags on the selected papers, sorted; every tag of the library when some
        selected rows were never loaded (removing a tag a paper lacks changes nothing)."""
        papers = [self.model.loaded_paper(paper_id) for paper_id in self.selected_ids()]
        if any(paper is None for paper in papers):
            return sorted(self._tag_names)
        return sorted({tag for paper in papers if paper is not None for tag in paper.tags})

    def build_context_menu(self) -> QMenu:
        """The actions on the selection: open, status, rating, tags, lists, delete."""
        menu = named(QMenu(self), "paperContextMenu")
        self.opener.add_context_items(menu)
        menu.addSeparator()
        status_menu = named(menu.addMenu("&Status"), "statusMenu")
        for number, status in enumerate(ReadStatus, start=1):
            action = status_menu.addAction(f"&{number}  {status.value}")
            action.setIcon(status_icon(status))
            action.triggered.connect(lambda _=False, s=status: self.set_status(s))
        rating_menu = named(menu.addMenu("&Rating"), "ratingMenu")
        for rating in range(6):
            action = rating_menu.addAction(f"&{rating}  {stars(rating) or 'not rated'}")
            action.triggered.connect(lambda _=False, r=rating: self.rate(r))
        priority_menu = named(menu.addMenu("&Priority"), "priorityMenu")
        for priority in reversed(Priority):
            action = priority_menu.addAction(f"&{priority.value.capitalize()}")
            action.triggered.connect(lambda _=False, p=priority: self.set_priority(p))
        add_tag = menu.addAction("Add &tag…")
        add_tag.setObjectName("addTagAction")
        add_tag.setIcon(action_icon("tag"))
        add_tag.triggered.connect(self.prompt_add_tag)
        remove_menu = named(menu.addMenu("Remo&ve tag"), "removeTagMenu")
        tags = self.selection_tags()
        for name in tags:
            action = remove_menu.addAction(menu_text(name))  # '&' is not a mnemonic
            action.triggered.connect(lambda _=False, n=name: self.remove_tag(n))
        remove_menu.setEnabled(bool(tags))
        menu.addSeparator()
        self.lists.add_context_items(menu)
        self.resolver.add_context_items(menu)
        menu.addSeparator()
        delete = menu.addAction("&Delete…")
        delete.setObjectName("deleteAction")
        delete.setIcon(action_icon("delete"))
        delete.triggered.connect(self.confirm_delete)
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        if not self.selected_ids():
            return
        menu = self.build_context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- export -------------------------------------------------------------------

    def export_context(self) -> ExportContext:
        """What the export dialog offers as scopes: the list, search, selection shown."""
        scope = self.search.entry.scope
        chosen = self.sidebar.current_entry()
        saved = None
        if chosen is not None and chosen.search is not None:
            saved = chosen.key.removeprefix("search:")
        data = self._sidebar_data
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
        self.statusBar().showMessage(f"Exported {_plural(papers, 'paper')} to {path}", 10000)

    # --- selection ----------------------------------------------------------------

    def _select_all(self) -> None:
        """Select every row (rows not loaded yet too), the first one current."""
        if self.model.rowCount() == 0:
            return
        first = self.model.index(0, 0)
        self.table.selectionModel().setCurrentIndex(
            first, QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self.table.selectAll()
        self.table.scrollTo(first)
        self.table.setFocus()

    def select_ids(self, ids: Collection[int], focus: bool = True) -> None:
        """Select the rows holding these papers (loaded or not); the first becomes current."""
        found = (self.model.row_of(paper_id) for paper_id in ids)
        rows = sorted(row for row in found if row is not None)
        if not rows:
            return
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        start = previous = rows[0]
        for row in [*rows[1:], -1]:  # one range per run of consecutive rows
            if row != previous + 1:
                selection.select(self.model.index(start, 0), self.model.index(previous, last))
                start = row
            previous = row
        selections = self.table.selectionModel()
        selections.setCurrentIndex(
            self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
        selections.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.scrollTo(self.model.index(rows[0], 0))
        if focus:
            self.table.setFocus()

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

    # --- closing ------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Save what is pending, close the library on the worker and stop it. Idempotent."""
        if self._closed:
            return
        self.detail.flush_notes()
        self._closed = True
        self.search.timer.stop()
        self._similar_timer.stop()
        self.runner.stop()
        self.index_build.stop()  # a build cut short: the next start builds the index
        self.imports.shutdown()  # closing mid-import: nothing half done is kept
        self.resolver.shutdown()  # stopped, the rest queued, before the library closes
        save_settings(self)
        self.reader.shutdown()  # reads end before the library closes under them
        self.worker.submit(self.opened.close)
        self.worker.shutdown()

"""The main window: sidebar, search box, paper table and detail pane.

Every library call runs on the :class:`Worker`; the window only reacts to answers.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readinglist import import_process
from readinglist.app_context import OpenLibrary
from readinglist.core.library import Library
from readinglist.core.models import (
    LinkKind,
    Priority,
    ReadStatus,
    SearchResults,
    SimilarPaper,
    TagCount,
)
from readinglist.ui.about_dialog import AboutDialog
from readinglist.ui.app_icons import action_icon, status_icon
from readinglist.ui.crash_dialog import is_expected, report_exception
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.export_dialog import ExportContext, ExportDialog
from readinglist.ui.import_banner import ImportBanner
from readinglist.ui.import_job import ImportJob, ImportOutcome, Reader
from readinglist.ui.index_build import IndexBuildController
from readinglist.ui.list_actions import ListController
from readinglist.ui.paper_model import (
    Column,
    PaperTableModel,
    Scope,
    TableQuery,
    effective_sort,
    stars,
)
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.shortcuts_dialog import ShortcutsDialog
from readinglist.ui.sidebar import (
    ALL,
    ALL_KEY,
    Entry,
    Sidebar,
    SidebarData,
    load_sidebar,
    new_entry,
)
from readinglist.ui.theme import Theme, apply_theme, parse_theme
from readinglist.ui.undo import (
    Change,
    ChangeCommand,
    delete_change,
    import_change,
    notes_change,
    priority_change,
    rating_change,
    record_and_apply,
    status_change,
    tag_change,
)
from readinglist.ui.widgets import menu_text, named, plain_tooltip
from readinglist.ui.worker import Worker

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 200
# A change of at least this many papers is indexed in a child process (starting one
# costs about half a second; indexing 2,000 papers in-process, about a second).
CHILD_INDEX_PAPERS = 2000
# After a minute without work the writer merges what edits leave for idle time (merges
# of 4,000 papers and more: 2-3 s each, up to 15-25 s for the largest, every ~50k
# edits), in a child process: a change made meanwhile waits for it, a search does not.
MAINTAIN_AFTER_IDLE_MS = 60_000
MAINTAIN_BUDGET_S = 30.0
SIMILAR_DELAY_MS = 250
SIMILAR_COUNT = 8
ORGANIZATION = "readinglist"
DIGEST_FILTER = "Digests (*.txt *.eml *.html *.htm);;All files (*)"
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
(unread, queued, reading, read, skimmed, dropped), <b>o</b> opens the code,
<b>p</b> the project page, <b>/</b> searches, <b>?</b> lists every shortcut.</p>
"""


def settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, "readinglist"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _same_scope(before: Scope | None, after: Scope) -> bool:
    """The same digest(s) or list (a list's papers may have changed meanwhile)."""
    if before is None or before.kind != after.kind:
        return False
    if after.kind == "list":
        return before.label == after.label
    return before.digest_ids == after.digest_ids


class MainWindow(QMainWindow):
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
        self._entry: Entry = ALL
        self._import_job: ImportJob | None = None
        self._sidebar_data: SidebarData | None = None
        self._tag_names: list[str] = []
        self.first_run_message: str | None = None  # set by show_first_run
        self.theme = Theme.SYSTEM
        self.model = PaperTableModel(self.reader, self.library, self)
        self.undo_stack = named(QUndoStack(self), "undoStack")
        self._build()
        self.lists = ListController(self)
        self._build_menus()
        self._connect()
        self._restore_settings()
        self.model.set_query(TableQuery())
        self.refresh_counts()
        self.refresh_tag_names()
        # A missing search index is built by a child process meanwhile (index_build.py).
        self.index_build = IndexBuildController(self)
        self.index_build.start()

    @property
    def busy(self) -> bool:
        """Work submitted to either lane whose answer has not been handled yet."""
        return bool(self.worker.pending or self.reader.pending)

    # --- building -----------------------------------------------------------------

    def _build(self) -> None:
        self.sidebar = Sidebar()

        self.search_box = named(QLineEdit(clearButtonEnabled=True), "searchBox")
        self.search_box.setPlaceholderText("Search  (Ctrl+F or /)   e.g. gaussian has:code")
        self.search_icon = named(
            self.search_box.addAction(
                action_icon("search"), QLineEdit.ActionPosition.LeadingPosition
            ),
            "searchIcon",
        )
        self.result_count = named(QLabel(), "resultCount")
        self.did_you_mean = named(QLabel(), "didYouMean")
        self.did_you_mean.setTextFormat(Qt.TextFormat.RichText)
        self.did_you_mean.hide()
        self._suggestion: str | None = None
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._similar_timer = QTimer(self, singleShot=True, interval=SIMILAR_DELAY_MS)
        # Index merges too big for an edit run when the writer has been idle a while.
        self._maintain_timer = QTimer(self, singleShot=True, interval=MAINTAIN_AFTER_IDLE_MS)

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
        self.import_banner = ImportBanner()

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.did_you_mean)
        search_row.addWidget(self.result_count)
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
        self.progress = named(QProgressBar(), "importProgress")
        self.progress.setMaximumWidth(200)
        self.progress.setFormat("%v / %m")
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.cancel_button = named(QPushButton("Cancel"), "cancelImportButton")
        self.cancel_button.hide()
        self.statusBar().addPermanentWidget(self.cancel_button)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = file_menu.addAction("&Import digest…")
        self.import_action.setObjectName("importAction")
        self.import_action.setShortcut(QKeySequence.StandardKey.Open)
        self.import_action.triggered.connect(self.import_files_dialog)
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
        self.paste_action.triggered.connect(self.paste_digest)
        find = edit_menu.addAction("&Find")
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        self.find_action = find
        edit_menu.addSeparator()
        edit_menu.addAction(self.lists.new_list_action)
        edit_menu.addAction(self.lists.save_search_action)
        self._slash = QShortcut(QKeySequence("/"), self.sidebar)
        self._slash.setContext(Qt.ShortcutContext.WidgetShortcut)
        self._slash.activated.connect(self.focus_search)
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
        self.search_box.textChanged.connect(lambda _: self._search_timer.start())
        self.search_box.returnPressed.connect(self._search_now)
        self._search_timer.timeout.connect(self._apply_search)
        self._similar_timer.timeout.connect(self._load_similar)
        self.worker.idle.connect(self._maintain_timer.start)
        self._maintain_timer.timeout.connect(self._maintain_index)
        self.did_you_mean.linkActivated.connect(self._accept_suggestion)
        self.sidebar.entryChosen.connect(self._entry_chosen)
        self.model.queryFinished.connect(self._query_finished)
        self.model.dataChanged.connect(self._rows_changed)
        self.model.modelReset.connect(self._show_current)
        self.model.modelReset.connect(self._show_counts_line)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.table.selectionModel().selectionChanged.connect(self._show_counts_line)
        self.table.statusKey.connect(self.set_status)
        self.table.linkKey.connect(self.open_link)
        self.table.searchKey.connect(self.focus_search)
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
        self.import_banner.undoRequested.connect(self._undo_import)
        self.cancel_button.clicked.connect(self.cancel_import)
        for lane in (self.worker, self.reader):
            lane.error.connect(lambda text: self.statusBar().showMessage(text, 8000))

    # --- settings -----------------------------------------------------------------

    def _restore_settings(self) -> None:
        stored = settings()
        geometry = stored.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = stored.value("window/splitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.splitter.restoreState(state)
        widths = stored.value("table/columnWidths")
        if isinstance(widths, list) and len(widths) == len(Column):
            for column, width in zip(Column, widths, strict=True):
                if column is not Column.TITLE and str(width).isdigit() and int(width) > 0:
                    self.table.setColumnWidth(column, int(width))
        self.set_theme(parse_theme(stored.value("view/theme", Theme.SYSTEM.value)), save=False)

    def save_settings(self) -> None:
        stored = settings()
        stored.setValue("window/geometry", self.saveGeometry())
        stored.setValue("window/splitter", self.splitter.saveState())
        widths = [str(self.table.columnWidth(column)) for column in Column]
        stored.setValue("table/columnWidths", widths)
        stored.setValue("view/theme", self.theme.value)
        stored.sync()

    def set_theme(self, theme: Theme, save: bool = True) -> None:
        """Light, dark, or the system's; remembered for the next start."""
        self.theme = theme
        self.theme_actions[theme].setChecked(True)
        apply_theme(theme)
        self.apply_icons()
        if save:
            stored = settings()
            stored.setValue("view/theme", theme.value)
            stored.sync()

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
        self.sidebar.apply_icons()

    # --- search availability (the index may be built after the window opens) ------

    def set_search_available(self, available: bool, message: str = "") -> None:
        """While the search index is built the library is browsed from the database:
        the search box is disabled and says why (``message``), then enabled again."""
        box = self.search_box
        if box.isEnabled() and not available:
            self._search_hint = box.placeholderText()  # given back when search is ready
        box.setEnabled(available)
        hint = getattr(self, "_search_hint", box.placeholderText())
        box.setPlaceholderText(hint if available else message)
        box.setToolTip("" if available else message)

    # --- search and the sidebar ---------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _search_now(self) -> None:
        self._apply_search()
        self.table.setFocus()

    def _entry_chosen(self, entry: Entry) -> None:
        if entry.search is not None:  # a saved search fills the box, over the library
            self._entry = ALL
            self.search_box.setText(entry.search)
        else:
            self._entry = entry
        self._apply_search()

    def _apply_search(self, keep_selection: bool = False) -> None:
        self._search_timer.stop()
        entry = self._entry
        query = replace(
            self.model.query,
            text=self.search_box.text(),
            status=entry.status,
            tag=entry.tag,
            scope=entry.scope,
        )
        before, after = self.model.query.scope, query.scope
        if after is not None and after.ordered and not _same_scope(before, after):
            # A digest or a list opens in its own order (the # column), whatever the
            # column sorted the view before.
            query = replace(query, sort=None, descending=False)
        if query.sort is None:  # the header shows the order the library will use
            self._show_sort_indicator(query)
        if query != self.model.query:
            kept = self.selected_ids() if keep_selection else []
            self.model.set_query(
                query, on_loaded=(lambda: self.select_ids(kept, focus=False)) if kept else None
            )

    def _show_sort_indicator(self, query: TableQuery) -> None:
        """``#`` when the rows are in the digest's or list's own order, none for
        relevance (the column's own indicator stays when a column sorts them)."""
        own = effective_sort(query) == "position"
        header = self.table.horizontalHeader()
        header.blockSignals(True)  # only shown: the view would sort by it otherwise
        header.setSortIndicator(Column.POSITION if own else -1, Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def _query_finished(self, results: SearchResults) -> None:
        query = self.model.query
        # "#" only where the rows have a place of their own (a digest, a list).
        ordered = query.scope is not None and query.scope.ordered
        self.table.setColumnHidden(Column.POSITION, not ordered)
        noun = "match" if query.text.strip() else "paper"
        plural = "es" if noun == "match" else "s"
        text = f"{results.total} {noun}{plural if results.total != 1 else ''}"
        if query.scope is not None and query.scope.label and self.sidebar.current_entry() is None:
            text += f" · {query.scope.label}"
        self.result_count.setText(text)
        self.result_count.setToolTip(plain_tooltip(results.message or ""))
        if results.message:
            self.statusBar().showMessage(results.message, 8000)
        suggestion = results.suggestion
        filters = query.filter_text()
        suffix = f" {filters}" if filters else ""
        if suggestion and suffix and suggestion.endswith(suffix):
            suggestion = suggestion.removesuffix(suffix).removeprefix("(").removesuffix(")")
        self._suggestion = suggestion if suggestion and suggestion != query.text else None
        if self._suggestion:
            self.did_you_mean.setText(
                f'Did you mean <a href="#suggestion">{html.escape(self._suggestion)}</a>?'
            )
        self.did_you_mean.setVisible(bool(self._suggestion))

    def _accept_suggestion(self, _link: str = "") -> None:
        if self._suggestion:
            self.search_box.setText(self._suggestion)
            self._apply_search()

    def refresh_counts(self) -> None:
        """Recount the sidebar (statuses, digests, tags) on the worker."""
        library = self.library
        self.reader.submit(lambda: load_sidebar(library), self._show_counts)

    def _show_counts(self, data: SidebarData) -> None:
        self._sidebar_data = data
        self.sidebar.populate(data)
        entry, current = self._entry, self.sidebar.current_entry()
        if current is None and self.sidebar.item(entry.key) is not None:
            self.sidebar.select_quietly(entry.key)  # an entry that was not there before
            current = self.sidebar.current_entry()
        if current is not None and current.key == entry.key and current != entry:
            self._entry = current  # "New in the last digest" after another import or an undo
            self._apply_search(keep_selection=True)  # or a list's papers after a change
        elif current is None and entry.scope is not None and entry.scope.kind != "ids":
            known = {digest for day in data.days for digest in day.digest_ids}
            if not set(entry.scope.digest_ids) <= known:  # the digests were taken back
                self.sidebar.select(ALL_KEY)
        self.stack.setCurrentWidget(self.welcome if data.total == 0 else self.table)
        self._show_counts_line()

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
        self._entry = Entry("similar", scope=Scope("ids", ids=ids, label=label))
        self.sidebar.select_quietly(None)
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        query = replace(TableQuery(), scope=self._entry.scope)
        self.model.set_query(query, on_loaded=lambda: self.select_ids([paper_id]))

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
            self.apply_change(change, message)

    def apply_change(self, change: Change, message: str) -> None:
        """:meth:`_apply`, also for a change that names no paper (a list of its own)."""

        def done(_result: object) -> None:
            self.undo_stack.push(ChangeCommand(change, self._run_change))
            self._changed(change, message)

        self.worker.submit(
            self._writing(record_and_apply(change), change), done, self._change_failed
        )

    def _run_change(self, fn: Callable[[Library], None], change: Change) -> None:
        """An undo or redo: run on the worker, then show the papers as they are now."""
        self.worker.submit(
            self._writing(fn, change), lambda _: self._changed(change, ""), self._change_failed
        )

    def _writing(self, fn: Callable[[Library], None], change: Change) -> Callable[[], None]:
        """The writer's job for a change; the papers of a big one are indexed by a child
        process (the writer thread only waits), so the window and the read lane keep the
        interpreter while thousands of papers are indexed."""
        library, folder = self.library, self.opened.library_dir

        def run() -> None:
            if len(change.ids) < CHILD_INDEX_PAPERS:
                fn(library)
                return
            with library.index_later():
                fn(library)
            import_process.drain_in_child(folder)
            library.sync_index()  # what the child left (it died, or could not open it)

        return run

    def _changed(self, change: Change, message: str) -> None:
        if change.rows_changed:
            ids = change.ids
            self.model.refresh(on_loaded=lambda: self.select_ids(ids, focus=False))
        else:
            self.model.reload_papers(change.ids)
        self.refresh_counts()
        if change.tags_changed:
            self.refresh_tag_names()
        if message:
            self.statusBar().showMessage(message, 4000)

    def _maintain_index(self) -> None:
        """Idle time: the index merges that edits leave alone, a bounded slice at a time
        (Library.maintain_index, in a child process); the writer's idle signal brings the
        next slice when more is due."""
        if self.busy or self.importing or self._closed:
            self._maintain_timer.start()
            return
        library, folder = self.library, self.opened.library_dir

        def maintain() -> None:
            if library.index_merges_due():  # else no child: the timer waits for a write
                import_process.drain_in_child(folder, maintain_s=MAINTAIN_BUDGET_S)

        self.worker.submit(
            maintain, None, lambda error: log.warning("index maintenance failed: %s", error)
        )

    def _change_failed(self, error: Exception) -> None:
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
        """The bulk actions on the selection: status, rating, tags, delete."""
        menu = named(QMenu(self), "paperContextMenu")
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
        scope = self._entry.scope
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

    # --- import -------------------------------------------------------------------

    def paste_digest(self) -> None:
        self.import_text(QGuiApplication.clipboard().text(), "clipboard")

    def import_text(self, text: str, name: str) -> None:
        if not text or text.isspace():  # not strip(): no copy of a long paste here
            self.statusBar().showMessage(f"The {name} holds no text to import", 6000)
            return
        self._import([(name, lambda: text.encode("utf-8"))])  # encoded on the worker

    def import_files_dialog(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import digest", "", DIGEST_FILTER)
        self.import_files([Path(name) for name in names])

    def import_files(self, paths: list[Path]) -> None:
        """Import digest files; they are read on the worker."""
        self._import([(path.name, path.read_bytes) for path in paths])

    @property
    def importing(self) -> bool:
        return self._import_job is not None

    def _import(self, readers: list[Reader]) -> None:
        if not readers:
            return
        if self._import_job is not None:
            self.statusBar().showMessage("An import is running; wait for it or cancel it", 6000)
            return
        job = ImportJob(readers, self)
        job.progressed.connect(self._import_progressed)  # before the job can report
        self._import_job = job
        library, folder = self.library, self.opened.library_dir
        for action in (self.import_action, self.paste_action):
            action.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.import_banner.hide()
        self.statusBar().showMessage("Importing…")
        self.worker.submit(lambda: job.run(library, folder), self._imported, self._import_failed)

    def cancel_import(self) -> None:
        """Stop the running import: its transaction is rolled back."""
        if self._import_job is not None:
            self._import_job.cancel()
            self.cancel_button.setEnabled(False)
            self.statusBar().showMessage("Cancelling the import…")

    def _import_progressed(self, name: str, done: int, total: int) -> None:
        if self._import_job is None:
            return
        if done >= total:  # stored: the commit and the search index follow
            self.progress.setRange(0, 0)
            self.cancel_button.setEnabled(False)
            self.statusBar().showMessage(f"Indexing {name}…")
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        if not self._import_job.cancel_requested:
            self.statusBar().showMessage(f"Importing {name}: {done} of {total} papers")

    def _import_finished(self) -> None:
        if self._import_job is not None:
            self._import_job.deleteLater()
        self._import_job = None
        self.progress.hide()
        self.cancel_button.hide()
        for action in (self.import_action, self.paste_action):
            action.setEnabled(True)

    def _import_failed(self, error: Exception) -> None:
        self._import_finished()
        self.statusBar().clearMessage()  # not "Importing…" any more
        self.show_error(error, "Import failed: ")

    def _imported(self, outcome: ImportOutcome) -> None:
        self._import_finished()
        if outcome.cancelled:
            self.statusBar().showMessage("Import cancelled: the library is unchanged", 10000)
            return
        lines = [f"{r.summary.source_name}: {r.summary.describe()}" for r in outcome.records]
        self.statusBar().showMessage("; ".join(lines + outcome.failures), 15000)
        self.import_banner.show_outcome(outcome)
        if not outcome.records:
            return
        self.undo_stack.push(
            ChangeCommand(
                import_change(outcome.sources, outcome.records, self.opened.library_dir),
                self._run_change,
            )
        )
        new_ids = outcome.new_ids
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        # The table shows what the import brought ("New in the last digest"), all selected.
        digests = tuple(record.summary.digest_id for record in outcome.records)
        if not new_ids:
            self._entry = ALL
        elif len(digests) == 1:
            self._entry = new_entry(digests[0])
        else:
            label = f"new in this import of {len(digests)} digests"
            self._entry = Entry("import", scope=Scope("new", digest_ids=digests, label=label))
        self.sidebar.select_quietly(self._entry.key)
        self.refresh_counts()
        self.refresh_tag_names()
        query = replace(TableQuery(), scope=self._entry.scope)
        self._show_sort_indicator(query)
        self.model.set_query(
            query,
            on_loaded=self._select_all if new_ids else None,
        )

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

    def _undo_import(self) -> None:
        """The banner's Undo: the import is on top of the stack right after it ran."""
        self.import_banner.hide()
        command = self.undo_stack.command(self.undo_stack.index() - 1)
        if isinstance(command, ChangeCommand) and command.text().startswith("import "):
            self.undo_stack.undo()

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
        mime = event.mimeData()
        # Links (a web page's URL) are not digests: only local files, or plain text.
        files = [url for url in mime.urls() if url.isLocalFile()]
        wanted = bool(files) if mime.hasUrls() else mime.hasText()
        if wanted and not self.importing:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Dropped files are imported as digests; dropped text as a pasted digest."""
        mime = event.mimeData()
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        if files:
            self.import_files([path for path in files if path.is_file()])
        elif mime.hasText() and not mime.hasUrls():
            self.import_text(mime.text(), "dropped text")
        else:
            event.ignore()
            return
        event.acceptProposedAction()

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
        self._search_timer.stop()
        self._similar_timer.stop()
        self._maintain_timer.stop()
        self.index_build.stop()  # a build cut short: the next start builds the index
        if self._import_job is not None:
            self._import_job.cancel()  # closing mid-import: nothing half done is kept
        self.save_settings()
        self.reader.shutdown()  # reads end before the library closes under them
        self.worker.submit(self.opened.close)
        self.worker.shutdown()

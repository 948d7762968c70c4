"""The main window: status sidebar, search box, paper table and detail pane.

Every library call runs on the :class:`Worker`; the window only reacts to answers.
"""

from __future__ import annotations

import html
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
    QCloseEvent,
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
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readinglist.app_context import OpenLibrary
from readinglist.core.library import Library
from readinglist.core.models import ImportSummary, LinkKind, ReadStatus, SearchResults
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.paper_model import PaperTableModel, TableQuery, stars
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.shortcuts_dialog import ShortcutsDialog
from readinglist.ui.undo import (
    Change,
    ChangeCommand,
    notes_change,
    rating_change,
    status_change,
    tag_change,
)
from readinglist.ui.widgets import named
from readinglist.ui.worker import Worker

SEARCH_DELAY_MS = 200
ORGANIZATION = "readinglist"
DIGEST_FILTER = "Digests (*.txt *.eml *.html *.htm);;All files (*)"
WELCOME = """
<h2>Welcome to readinglist</h2>
<p>Your library is empty. Bring in a trending-papers digest:</p>
<ul>
<li><b>Paste it:</b> copy the digest from the web page or the e-mail, then choose
<b>Edit &gt; Paste digest</b> (Ctrl+Shift+V).</li>
<li><b>Import a file:</b> <b>File &gt; Import digest…</b> takes a saved
<code>.txt</code>, <code>.eml</code> or <code>.html</code> file.</li>
</ul>
<p>Then triage with the keyboard: <b>j</b>/<b>k</b> move, <b>1</b>-<b>6</b> set the status
(unread, queued, reading, read, skimmed, dropped), <b>o</b> opens the code,
<b>p</b> the project page, <b>/</b> searches, <b>?</b> lists every shortcut.</p>
"""


def settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, "readinglist"
    )


class MainWindow(QMainWindow):
    def __init__(self, worker: Worker, opened: OpenLibrary) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"readinglist — {opened.library_dir}")
        self.worker = worker
        self.opened = opened
        self.library = opened.library
        self._closed = False
        self.model = PaperTableModel(worker, self.library, self)
        self.undo_stack = named(QUndoStack(self), "undoStack")
        self._build()
        self._build_menus()
        self._connect()
        self._restore_settings()
        self.model.set_query(TableQuery())
        self.refresh_counts()
        self.refresh_tag_names()

    # --- building -----------------------------------------------------------------

    def _build(self) -> None:
        self.sidebar = named(QListWidget(), "sidebar")
        self.sidebar.addItem(self._sidebar_item("All", None))
        for status in ReadStatus:
            self.sidebar.addItem(self._sidebar_item(status.value.capitalize(), status))
        self.sidebar.setCurrentRow(0)

        self.search_box = named(QLineEdit(clearButtonEnabled=True), "searchBox")
        self.search_box.setPlaceholderText("Search  (Ctrl+F or /)   e.g. gaussian has:code")
        self.result_count = named(QLabel(), "resultCount")
        self.did_you_mean = named(QLabel(), "didYouMean")
        self.did_you_mean.setTextFormat(Qt.TextFormat.RichText)
        self.did_you_mean.hide()
        self._suggestion: str | None = None
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)

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

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.did_you_mean)
        search_row.addWidget(self.result_count)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addLayout(search_row)
        centre_layout.addWidget(self.stack, 1)

        self.detail = DetailPane()
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal), "mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([150, 880, 370])
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)

        self.progress = named(QProgressBar(), "importProgress")
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)

    @staticmethod
    def _sidebar_item(label: str, status: ReadStatus | None) -> QListWidgetItem:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, None if status is None else status.value)
        item.setData(Qt.ItemDataRole.UserRole + 1, label)
        return item

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = file_menu.addAction("&Import digest…")
        self.import_action.setObjectName("importAction")
        self.import_action.setShortcut(QKeySequence.StandardKey.Open)
        self.import_action.triggered.connect(self.import_files_dialog)
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
        self._slash = QShortcut(QKeySequence("/"), self.sidebar)
        self._slash.setContext(Qt.ShortcutContext.WidgetShortcut)
        self._slash.activated.connect(self.focus_search)
        help_menu = self.menuBar().addMenu("&Help")
        self.shortcuts_action = help_menu.addAction("&Keyboard shortcuts")
        self.shortcuts_action.setObjectName("shortcutsAction")
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)

    def _connect(self) -> None:
        self.search_box.textChanged.connect(lambda _: self._search_timer.start())
        self.search_box.returnPressed.connect(self._search_now)
        self._search_timer.timeout.connect(self._apply_search)
        self.did_you_mean.linkActivated.connect(self._accept_suggestion)
        self.sidebar.currentRowChanged.connect(self._apply_search)
        self.model.queryFinished.connect(self._query_finished)
        self.model.dataChanged.connect(self._rows_changed)
        self.model.modelReset.connect(self._show_current)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.table.statusKey.connect(self.set_status)
        self.table.linkKey.connect(self.open_link)
        self.table.searchKey.connect(self.focus_search)
        self.table.tagKey.connect(self.prompt_add_tag)
        self.table.deleteKey.connect(self.confirm_delete)
        self.table.notesKey.connect(self.focus_notes)
        self.table.helpKey.connect(self.show_shortcuts)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.detail.statusChosen.connect(self.set_status)
        self.detail.ratingChosen.connect(self.rate)
        self.detail.tagAdded.connect(self.add_tag)
        self.detail.notesEdited.connect(self.save_notes)
        self.worker.error.connect(lambda text: self.statusBar().showMessage(text, 8000))

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

    def save_settings(self) -> None:
        stored = settings()
        stored.setValue("window/geometry", self.saveGeometry())
        stored.setValue("window/splitter", self.splitter.saveState())
        stored.sync()

    # --- search -------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _search_now(self) -> None:
        self._apply_search()
        self.table.setFocus()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        item = self.sidebar.currentItem()
        value = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        status = ReadStatus(value) if value else None
        query = replace(self.model.query, text=self.search_box.text(), status=status)
        if query != self.model.query:
            self.model.set_query(query)

    def _query_finished(self, results: SearchResults) -> None:
        query = self.model.query
        noun = "match" if query.text.strip() else "paper"
        plural = "es" if noun == "match" else "s"
        text = f"{results.total} {noun}{plural if results.total != 1 else ''}"
        self.result_count.setText(text)
        self.result_count.setToolTip(results.message or "")
        if results.message:
            self.statusBar().showMessage(results.message, 8000)
        suggestion = results.suggestion
        suffix = f" status:{query.status.value}" if query.status else ""
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
        library = self.library

        def count() -> list[int]:
            queries = ["", *(f"status:{s.value}" for s in ReadStatus)]
            return [library.search(q, limit=0).total for q in queries]

        self.worker.submit(count, self._show_counts)

    def _show_counts(self, counts: list[int]) -> None:
        for row, number in enumerate(counts):
            item = self.sidebar.item(row)
            item.setText(f"{item.data(Qt.ItemDataRole.UserRole + 1)}  ({number})")
        empty = counts[0] == 0
        self.stack.setCurrentWidget(self.welcome if empty else self.table)

    def refresh_tag_names(self) -> None:
        self.worker.submit(
            self.library.tags, lambda tags: self.detail.set_tag_names([t.name for t in tags])
        )

    # --- current paper ------------------------------------------------------------

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def selected_ids(self) -> list[int]:
        rows = self.table.selected_rows() or [self.current_row()]
        ids = (self.model.paper_id(row) for row in rows if row >= 0)
        return [paper_id for paper_id in ids if paper_id is not None]

    def _show_current(self, *_args: object) -> None:
        paper = self.model.paper(self.current_row())
        fragments = None if paper is None else self.model.fragments(paper.id)
        self.detail.show_paper(paper, fragments)

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
        if not change.ids:
            return
        library = self.library

        def run() -> None:
            change.record(library)
            change.apply(library)

        def done(_result: object) -> None:
            self.undo_stack.push(ChangeCommand(change, self._run_change))
            self._changed(change, message)

        self.worker.submit(run, done, self._change_failed)

    def _run_change(self, fn: Callable[[Library], None], change: Change) -> None:
        """An undo or redo: run on the worker, then show the papers as they are now."""
        library = self.library
        self.worker.submit(
            lambda: fn(library), lambda _: self._changed(change, ""), self._change_failed
        )

    def _changed(self, change: Change, message: str) -> None:
        self.model.reload_papers(change.ids)
        self.refresh_counts()
        if change.tags_changed:
            self.refresh_tag_names()
        if message:
            self.statusBar().showMessage(message, 4000)

    def _change_failed(self, error: Exception) -> None:
        self.statusBar().showMessage(str(error), 8000)

    def set_status(self, status: ReadStatus) -> None:
        ids = self.selected_ids()
        noun = "paper" if len(ids) == 1 else "papers"
        self._apply(status_change(ids, status), f"{len(ids)} {noun} marked {status.value}")

    def rate(self, rating: int) -> None:
        self._apply(rating_change(self.selected_ids(), rating), f"Rated {rating}")

    def add_tag(self, name: str) -> None:
        self._apply(tag_change(self.selected_ids(), name, add=True), f"Tagged {name}")

    def remove_tag(self, name: str) -> None:
        self._apply(tag_change(self.selected_ids(), name, add=False), f"Removed tag {name}")

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
        """Ask, then delete the selected papers (this cannot be undone)."""
        ids = self.selected_ids()
        if not ids:
            return
        noun = "this paper" if len(ids) == 1 else f"these {len(ids)} papers"
        answer = QMessageBox.question(
            self,
            "Delete papers",
            f"Delete {noun} with their tags, notes and history? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        library = self.library

        def done(count: int) -> None:
            self.model.refresh()
            self.refresh_counts()
            self.refresh_tag_names()
            self.statusBar().showMessage(f"Deleted {count} paper{'s' if count != 1 else ''}", 6000)

        self.worker.submit(lambda: library.delete(ids), done, self._change_failed)

    def focus_notes(self) -> None:
        if self.detail.paper is None:
            return
        self.detail.notes_editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.detail.notes_editor.moveCursor(QTextCursor.MoveOperation.End)

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # --- the context menu ---------------------------------------------------------

    def selection_tags(self) -> list[str]:
        """The tags on the selected papers loaded in the table, sorted."""
        rows = self.table.selected_rows() or [self.current_row()]
        papers = (self.model.paper(row) for row in rows if row >= 0)
        return sorted({tag for paper in papers if paper is not None for tag in paper.tags})

    def build_context_menu(self) -> QMenu:
        """The bulk actions on the selection: status, rating, tags, delete."""
        menu = named(QMenu(self), "paperContextMenu")
        status_menu = named(menu.addMenu("&Status"), "statusMenu")
        for number, status in enumerate(ReadStatus, start=1):
            action = status_menu.addAction(f"&{number}  {status.value}")
            action.triggered.connect(lambda _=False, s=status: self.set_status(s))
        rating_menu = named(menu.addMenu("&Rating"), "ratingMenu")
        for rating in range(6):
            action = rating_menu.addAction(f"&{rating}  {stars(rating) or 'not rated'}")
            action.triggered.connect(lambda _=False, r=rating: self.rate(r))
        add_tag = menu.addAction("Add &tag…")
        add_tag.setObjectName("addTagAction")
        add_tag.triggered.connect(self.prompt_add_tag)
        remove_menu = named(menu.addMenu("Remo&ve tag"), "removeTagMenu")
        tags = self.selection_tags()
        for name in tags:
            action = remove_menu.addAction(name)
            action.triggered.connect(lambda _=False, n=name: self.remove_tag(n))
        remove_menu.setEnabled(bool(tags))
        menu.addSeparator()
        delete = menu.addAction("&Delete…")
        delete.setObjectName("deleteAction")
        delete.triggered.connect(self.confirm_delete)
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        if not self.selected_ids():
            return
        menu = self.build_context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- import -------------------------------------------------------------------

    def paste_digest(self) -> None:
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.statusBar().showMessage("The clipboard holds no text to import", 6000)
            return
        data = text.encode("utf-8")
        self._import([("clipboard", lambda: data)])

    def import_files_dialog(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import digest", "", DIGEST_FILTER)
        self.import_files([Path(name) for name in names])

    def import_files(self, paths: list[Path]) -> None:
        self._import([(path.name, path.read_bytes) for path in paths])

    def _import(self, sources: list[tuple[str, Callable[[], bytes]]]) -> None:
        if not sources:
            return
        library = self.library

        def run() -> list[ImportSummary]:
            return [library.import_bytes(read(), name) for name, read in sources]

        self.progress.show()
        self.statusBar().showMessage("Importing…")
        self.worker.submit(run, self._imported, self._import_failed)

    def _import_failed(self, error: Exception) -> None:
        self.progress.hide()
        self.statusBar().showMessage(f"Import failed: {error}", 10000)

    def _imported(self, summaries: list[ImportSummary]) -> None:
        self.progress.hide()
        self.statusBar().showMessage(
            "; ".join(f"{s.source_name}: {s.describe()}" for s in summaries), 15000
        )
        new_ids = {i for s in summaries for i in s.new_ids}
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(0)
        self.sidebar.blockSignals(False)
        self.refresh_counts()
        self.refresh_tag_names()
        self.model.set_query(
            TableQuery(), on_loaded=lambda: self.select_ids(new_ids), min_rows=len(new_ids)
        )

    def select_ids(self, ids: Collection[int]) -> None:
        """Select the loaded rows holding these papers; the first becomes current."""
        wanted = set(ids)
        rows = [r for r in range(self.model.rowCount()) if self.model.paper_id(r) in wanted]
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
        self.table.setFocus()

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
        self.save_settings()
        self.worker.submit(self.opened.close)
        self.worker.shutdown()

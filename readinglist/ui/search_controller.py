"""What the table shows: the search box, the sidebar entry chosen, and their answer.

The :class:`SearchController` owns the search row (the box, "Did you mean", the result
count) and the entry the table is limited to (a status, tag, digest, list or a set of
similar papers). It turns both into the model's query, keeps the sidebar and the
header's sort indicator in step with it, and shows what the query answered. It knows
the window only through :class:`SearchHost`.

What the search says is honest: a query the library could not read says so beside the
count until the next query (never "211 matches" for ``title:(``, which shows every
paper), a query that found nothing says so in the table, and the box's clear button
shows only while there is something to clear.

Search runs as the user types, so the last word of the box is searched as a prefix
(:func:`readinglist.core.query.typing_query`: "gaussian spl" finds "splatting"): a
partial word is not taken for a misspelt one.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QStatusBar

from readinglist.core.models import SearchResults
from readinglist.core.query import typing_query
from readinglist.ui.app_icons import action_icon
from readinglist.ui.paper_model import Column, PaperTableModel, Scope, TableQuery, effective_sort
from readinglist.ui.paper_table import PaperTable
from readinglist.ui.sidebar import ALL, ALL_KEY, Entry, Sidebar, SidebarData
from readinglist.ui.widgets import named, plain_tooltip

SEARCH_DELAY_MS = 200
PLACEHOLDER = "Search  (Ctrl+F or /)   e.g. gaussian has:code"
NOTE_WIDTH = 220  # the query's note beside the count, at most (all of it: its tooltip)
NOT_READ = "nothing to search for"  # the library's words for a query it could not read


class SearchHost(Protocol):
    """What the search needs of the window (a :class:`MainWindow`)."""

    model: PaperTableModel
    table: PaperTable
    sidebar: Sidebar

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def selected_ids(self) -> list[int]: ...

    def select_ids(self, ids: Collection[int], focus: bool = True) -> None: ...


def as_typed(text: str) -> str:
    """The box's text of a query the window made: without the star that
    :func:`typing_query` gave the word being typed."""
    if text.endswith("*") and typing_query(text[:-1]) == text:
        return text[:-1]
    return text


def same_scope(before: Scope | None, after: Scope) -> bool:
    """The same digest(s) or list (a list's papers may have changed meanwhile)."""
    if before is None or before.kind != after.kind:
        return False
    if after.kind == "list":
        return before.label == after.label
    return before.digest_ids == after.digest_ids


class SearchController(QObject):
    """The search row and the sidebar entry of one window, made into its table's query."""

    def __init__(self, host: SearchHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        self.entry: Entry = ALL
        self._suggestion: str | None = None
        self._hint = PLACEHOLDER  # the box's placeholder, given back when search is ready
        self._said = ""  # the last query's message in the status bar
        self.box = named(QLineEdit(clearButtonEnabled=True), "searchBox")
        self.box.setPlaceholderText(PLACEHOLDER)
        self.icon = named(
            self.box.addAction(action_icon("search"), QLineEdit.ActionPosition.LeadingPosition),
            "searchIcon",
        )
        self.result_count = named(QLabel(), "resultCount")
        self.did_you_mean = named(QLabel(), "didYouMean")
        self.did_you_mean.setTextFormat(Qt.TextFormat.RichText)
        self.did_you_mean.hide()
        self.note = named(QLabel(), "queryNote")  # what the library said of the query
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.hide()
        self.timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.box.textChanged.connect(self._typed)
        self._show_clear_button()
        self.box.returnPressed.connect(self.search_now)
        self.timer.timeout.connect(self.apply)
        self.did_you_mean.linkActivated.connect(self.accept_suggestion)
        host.sidebar.entryChosen.connect(self.choose)
        host.model.queryFinished.connect(self.show_answer)

    def row(self) -> QHBoxLayout:
        """The search row, for the window's layout."""
        layout = QHBoxLayout()
        layout.addWidget(self.box, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.did_you_mean)
        layout.addWidget(self.result_count)
        return layout

    @property
    def suggestion(self) -> str | None:
        return self._suggestion

    # --- typing and choosing ---------------------------------------------------------

    def _typed(self, _text: str) -> None:
        self._show_clear_button()
        self.timer.start()

    def _show_clear_button(self) -> None:
        """Qt's clear button only fades out on an empty box (and stays clickable in
        some styles): hidden outright while there is nothing to clear."""
        for action in self.box.findChildren(QAction):
            if action.objectName() == "_q_qlineeditclearaction":
                action.setVisible(bool(self.box.text()))

    def focus(self) -> None:
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def search_now(self) -> None:
        """Enter in the box: the search now, then the table with its first hit current
        and selected, so that ``j`` goes on to the second one."""
        table = self.host.table

        def first_hit() -> None:
            table.go_to_row(0)
            table.setFocus()

        self.apply(on_loaded=first_hit, again=True)
        table.setFocus()

    def choose(self, entry: Entry) -> None:
        """A sidebar entry chosen: a saved search fills the box, over the library."""
        if entry.search is not None:
            self.entry = ALL
            self.box.setText(entry.search)
        else:
            self.entry = entry
        self.apply()

    def set_available(self, available: bool, message: str = "") -> None:
        """While the search index is built the library is browsed from the database:
        the box is disabled and says why (``message``), then enabled again."""
        if self.box.isEnabled() and not available:
            self._hint = self.box.placeholderText()
        self.box.setEnabled(available)
        self.box.setPlaceholderText(self._hint if available else message)
        self.box.setToolTip("" if available else message)

    def apply(
        self,
        keep_selection: bool = False,
        on_loaded: Callable[[], None] | None = None,
        again: bool = False,
    ) -> None:
        """The box's text and the entry, as the model's query (run when it changed, or
        ``again``: its answer may still be on its way)."""
        self.timer.stop()
        model, entry = self.host.model, self.entry
        query = replace(
            model.query,
            text=typing_query(self.box.text()),
            status=entry.status,
            tag=entry.tag,
            scope=entry.scope,
        )
        before, after = model.query.scope, query.scope
        if after is not None and after.ordered and not same_scope(before, after):
            # A digest or a list opens in its own order (the # column), whatever the
            # column sorted the view before.
            query = replace(query, sort=None, descending=False)
        if query.sort is None:  # the header shows the order the library will use
            self.show_sort_indicator(query)
        if query != model.query or again:
            kept = self.host.selected_ids() if keep_selection else []
            select = self.host.select_ids
            if kept:
                on_loaded = lambda: select(kept, focus=False)  # noqa: E731
            model.set_query(query, on_loaded=on_loaded)

    def show_entry(self, entry: Entry, on_loaded: Callable[[], None] | None = None) -> None:
        """Show an entry the sidebar may not hold (new papers of an import, similar
        papers), with an empty search box and the entry's own order."""
        self.show_place(entry, "", on_loaded)

    def show_place(
        self, entry: Entry, text: str, on_loaded: Callable[[], None] | None = None
    ) -> None:
        """Show an entry with this text in the box (Back and Forward come back to one)."""
        self.timer.stop()
        self.entry = entry
        self.host.sidebar.select_quietly(entry.key)  # none, for a key it does not hold
        self.box.blockSignals(True)
        self.box.setText(text)
        self.box.blockSignals(False)
        self._show_clear_button()
        query = replace(
            TableQuery(),
            text=typing_query(text) if text.strip() else "",
            status=entry.status,
            tag=entry.tag,
            scope=entry.scope,
        )
        self.show_sort_indicator(query)
        self.host.model.set_query(query, on_loaded=on_loaded)

    def show_sort_indicator(self, query: TableQuery) -> None:
        """``#`` when the rows are in the digest's or list's own order, none for
        relevance (the column's own indicator stays when a column sorts them)."""
        own = effective_sort(query) == "position"
        header = self.host.table.horizontalHeader()
        header.blockSignals(True)  # only shown: the view would sort by it otherwise
        header.setSortIndicator(Column.POSITION if own else -1, Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    # --- answers -----------------------------------------------------------------------

    def show_answer(self, results: SearchResults) -> None:
        """The count, the ``#`` column where rows have a place, a suggestion."""
        query = self.host.model.query
        ordered = query.scope is not None and query.scope.ordered
        self.host.table.setColumnHidden(Column.POSITION, not ordered)
        message = results.message or ""
        searched = bool(query.text.strip()) and NOT_READ not in message
        noun = "match" if searched else "paper"
        plural = "es" if noun == "match" else "s"
        text = f"{results.total} {noun}{plural if results.total != 1 else ''}"
        scope = query.scope
        if scope is not None and scope.label and self.host.sidebar.current_entry() is None:
            text += f" · {scope.label}"
        self.result_count.setText(text)
        self.result_count.setToolTip(plain_tooltip(message))
        # Beside the count until the next answer: a status bar message would outlive
        # the query it was about.
        metrics = self.note.fontMetrics()
        self.note.setText(metrics.elidedText(message, Qt.TextElideMode.ElideRight, NOTE_WIDTH))
        self.note.setToolTip(plain_tooltip(message))
        self.note.setVisible(bool(message))
        bar = self.host.statusBar()
        if message:
            bar.showMessage(message, 8000)
        elif self._said and bar.currentMessage() == self._said:
            bar.clearMessage()  # about the query before: gone with it
        self._said = message
        self.host.table.set_empty_text(self._empty_text(query) if results.total == 0 else "")
        suggestion = results.suggestion
        filters = query.filter_text()
        suffix = f" {filters}" if filters else ""
        if suggestion and suffix and suggestion.endswith(suffix):
            suggestion = suggestion.removesuffix(suffix).removeprefix("(").removesuffix(")")
        typed = as_typed(query.text)
        if suggestion and typed != query.text:
            suggestion = suggestion.removesuffix("*")  # the star the window added
        self._suggestion = suggestion if suggestion and suggestion != typed else None
        if self._suggestion:
            self.did_you_mean.setText(
                f'Did you mean <a href="#suggestion">{html.escape(self._suggestion)}</a>?'
            )
        self.did_you_mean.setVisible(bool(self._suggestion))

    def _empty_text(self, query: TableQuery) -> str:
        typed = as_typed(query.text).strip()
        where = self.entry.scope.label if self.entry.scope is not None else ""
        within = f" in {where}" if where else ""
        if typed:
            return f"No paper matches “{typed}”{within}. Esc clears the search."
        return f"No papers here{within}."

    def accept_suggestion(self, _link: str = "") -> None:
        if self._suggestion:
            self.box.setText(self._suggestion)
            self.apply()

    def sidebar_shown(self, data: SidebarData) -> None:
        """The sidebar was filled again: keep the entry shown in step with it."""
        sidebar, entry = self.host.sidebar, self.entry
        current = sidebar.current_entry()
        if current is None and sidebar.item(entry.key) is not None:
            sidebar.select_quietly(entry.key)  # an entry that was not there before
            current = sidebar.current_entry()
        if current is not None and current.key == entry.key and current != entry:
            self.entry = current  # "New in the last digest" after another import or an undo
            self.apply(keep_selection=True)  # or a list's papers after a change
        elif current is None and entry.scope is not None and entry.scope.kind != "ids":
            known = {digest for day in data.days for digest in day.digest_ids}
            if not set(entry.scope.digest_ids) <= known:  # the digests were taken back
                sidebar.select(ALL_KEY)

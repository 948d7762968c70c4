"""The paper table: ids per row, a cache of loaded papers, pages loaded on demand.

The model never sorts or filters by itself: a query (search text, status filter, sort)
goes to :meth:`Library.search` on the worker, which answers with the total and one page.
Other pages are loaded when a view asks for one of their rows.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from readinglist.core.changes import Changes
from readinglist.core.library import Library
from readinglist.core.models import (
    Fragment,
    Paper,
    ReadStatus,
    SearchResult,
    SearchResults,
)
from readinglist.ui.icons import code_icon
from readinglist.ui.paper_facts import (
    authors_tooltip,
    code_tooltip,
    published_tooltip,
    short_authors,
    stars_text,
)
from readinglist.ui.triage_controller import format_interest
from readinglist.ui.triage_interest import InterestSource, search_by_interest
from readinglist.ui.worker import Worker

PAGE_SIZE = 200
INTEREST = "interest"  # the table's own sort key (see PaperTableModel.interest)
PAPER_IDS_MIME = "application/x-readinglist-paper-ids"
MAX_FIRST_ROWS = 5000
LOADING = "…"
SORT_ROLE = Qt.ItemDataRole.UserRole
STATUS_ORDER = {status: number for number, status in enumerate(ReadStatus)}

ModelIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    POSITION = 0
    TITLE = 1
    STATUS = 2
    TAGS = 3
    CODE = 4
    RATING = 5
    FIRST_SEEN = 6
    TIMES_SEEN = 7
    # Added after the others so that saved column widths keep their places; the table
    # shows them after the title (paper_table.VISUAL_ORDER).
    AUTHORS = 8
    PUBLISHED = 9
    INTEREST = 10  # the triage's, from an InterestSource (hidden until it knows enough)


HEADERS = (
    "#",
    "Title",
    "Status",
    "Tags",
    "Code",
    "Rating",
    "First seen",
    "Times seen",
    "Authors",
    "Published",
    "Interest",
)
HEADER_TIPS = {
    Column.POSITION: "Place in the digest (its trending order) or in the reading list shown",
    Column.TITLE: "Right-click the column headers to show or hide columns (Authors, Published…)",
    Column.CODE: "A code repository, with its GitHub stars when known",
    Column.AUTHORS: "The first author, when a source named the authors",
    Column.PUBLISHED: "The publication date as precise as a source gave it",
    Column.INTEREST: "How much this paper is like the ones you read, learned from your "
    "statuses and ratings (0-1; empty until the triage has learned something)",
}
# The library's sort key per column; None: the column cannot be sorted.
SORT_KEYS: dict[Column, str | None] = {
    Column.POSITION: "position",
    Column.TITLE: "title",
    Column.STATUS: "status",
    Column.TAGS: "tags",
    Column.CODE: "code",
    Column.RATING: "rating",
    Column.FIRST_SEEN: "added",
    Column.TIMES_SEEN: "seen",
    Column.AUTHORS: "authors",
    Column.PUBLISHED: "published",
    # Not a library sort: the model orders the matches by the triage's interest.
    Column.INTEREST: INTEREST,
}


def tag_term(name: str) -> str:
    """``tag:"name"`` in the query language, whatever the name holds."""
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'tag:"{quoted}"'


@dataclass(frozen=True, slots=True)
class Scope:
    """Papers the table is limited to, looked up on the worker each time a query runs.

    ``digests``: the papers of these digests; ``new``: the papers these digests brought
    in; ``ids``: these papers (similar papers); ``list``: a reading list's papers (``label``
    names it), shown in the list's order unless a column sorts them.
    """

    kind: Literal["digests", "new", "ids", "list"]
    digest_ids: tuple[int, ...] = ()
    ids: tuple[int, ...] = ()
    label: str = ""

    def paper_ids(self, library: Library) -> list[int]:
        """The scope's papers in its own order: a list's, or the digests' trending order."""
        if self.kind in ("ids", "list"):
            return list(self.ids)
        return library.digest_paper_ids(self.digest_ids, new_only=self.kind == "new")

    @property
    def ordered(self) -> bool:
        """Has an order of its own (the ``#`` column): a digest's or a list's."""
        return self.kind != "ids"

    def positions(self, library: Library, order: list[int]) -> dict[int, int]:
        """The ``#`` of each paper: its place in the digest (the newest of them that
        lists it), or in the list."""
        if self.kind == "list":
            return {paper_id: number for number, paper_id in enumerate(order, start=1)}
        if self.kind == "ids":
            return {}
        return library.digest_positions(self.digest_ids)


@dataclass(frozen=True, slots=True)
class TableQuery:
    """What the table shows: search text, sidebar filters and the library's sort."""

    text: str = ""
    status: ReadStatus | None = None
    tag: str | None = None
    scope: Scope | None = None
    sort: str | None = None  # None: by relevance, newest first without search words
    descending: bool = False

    def filter_text(self) -> str:
        """The sidebar's filters in the query language ("" without any)."""
        terms = [] if self.status is None else [f"status:{self.status.value}"]
        if self.tag is not None:
            terms.append(tag_term(self.tag))
        return " ".join(terms)

    def search_text(self) -> str:
        text, filters = self.text.strip(), self.filter_text()
        if not filters:
            return text
        return f"({text}) {filters}" if text else filters


def in_list_order(query: TableQuery) -> bool:
    """A reading list shown in its own order (no column's sort, or the ``#`` column's)."""
    own = query.sort is None or (query.sort == "position" and not query.descending)
    return query.scope is not None and query.scope.kind == "list" and own


def effective_sort(query: TableQuery) -> str | None:
    """The library's sort for a query: a column's, else the scope's own order (a list
    always; a digest unless words rank the papers), else relevance (newest first
    without words)."""
    if query.sort is not None:
        return query.sort
    scope = query.scope
    if scope is None or not scope.ordered:
        return None
    if scope.kind == "list" or not query.text.strip():
        return "position"
    return None


@dataclass(frozen=True, slots=True)
class Answer:
    """A query's answer from the worker: its first page and every paper's ``#``."""

    results: SearchResults
    positions: dict[int, int]


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def raw_value(paper: Paper, column: Column) -> object:
    """The value a column sorts by (the model's SORT_ROLE); the position is the model's."""
    match column:
        case Column.POSITION:
            return None
        case Column.TITLE:
            return paper.title
        case Column.STATUS:
            return STATUS_ORDER[paper.status]
        case Column.TAGS:
            return ", ".join(paper.tags)
        case Column.CODE:
            return paper.has_code
        case Column.RATING:
            return paper.rating
        case Column.FIRST_SEEN:
            return (paper.first_seen or paper.added_at).timestamp()
        case Column.TIMES_SEEN:
            return paper.times_seen
        case Column.AUTHORS:
            return short_authors(paper)
        case Column.PUBLISHED:
            return paper.published or ""
        case Column.INTEREST:
            return None  # the model's: the triage's, not the paper's


def display_text(paper: Paper, column: Column) -> str:
    match column:
        case Column.POSITION:
            return ""  # the model's: a place in the scope shown
        case Column.TITLE:
            return paper.title
        case Column.STATUS:
            return paper.status.value
        case Column.TAGS:
            return ", ".join(paper.tags)
        case Column.CODE:
            return stars_text(paper)  # beside the icon (DecorationRole)
        case Column.RATING:
            return stars(paper.rating)
        case Column.FIRST_SEEN:
            return (paper.first_seen or paper.added_at).astimezone().strftime("%Y-%m-%d")
        case Column.TIMES_SEEN:
            return str(paper.times_seen)
        case Column.AUTHORS:
            return short_authors(paper)
        case Column.PUBLISHED:
            return paper.published or ""  # unknown: empty, never a guessed year
        case Column.INTEREST:
            return ""  # the model's: the triage's interest


_COLUMNS = len(Column)
_ROW = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
_ROW_DRAG = _ROW | Qt.ItemFlag.ItemIsDragEnabled
_ROOT = Qt.ItemFlag.NoItemFlags
_ROOT_DROP = Qt.ItemFlag.ItemIsDropEnabled


class PaperTableModel(QAbstractTableModel):
    """Rows of papers for the query set with :meth:`set_query`."""

    queryFinished = Signal(object)  # SearchResults of the first page  # noqa: N815
    moveRequested = Signal(list, int)  # paper ids dropped, position in the list  # noqa: N815
    pageLoaded = Signal(int)  # noqa: N815
    changesShown = Signal(object)  # Changes whose papers came or went, rows now current  # noqa: N815

    def __init__(self, worker: Worker, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._library = library
        self._query = TableQuery()
        self._reorderable = False  # kept with the query: flags() is called per cell
        # Reorders a scope's papers on the worker (the triage's interest for "New in the
        # last digest"); applied when a query is set, never under the user's rows.
        self.scope_order: Callable[[Scope, list[int]], list[int]] | None = None
        # The interest column's values and its sort (set by the triage, see
        # triage_window.install_triage); None: the column stays empty and unsortable.
        self.interest: InterestSource | None = None
        self._generation = 0
        # Every row's paper id, from the query's answer: a selection of rows never
        # loaded is still a selection of papers (a bulk action acts on all of them).
        self._ids: list[int] = []
        self._rows: dict[int, int] | None = None  # paper id -> row, made when first asked
        self._positions: dict[int, int] = {}
        self._papers: dict[int, Paper] = {}
        self._fragments: dict[int, tuple[Fragment, Fragment]] = {}
        self._loading: set[int] = set()
        self._loaded: set[int] = set()  # pages asked for and answered (no asking again)
        self._bold = QFont()
        self._bold.setBold(True)

    # --- queries ------------------------------------------------------------------

    @property
    def query(self) -> TableQuery:
        return self._query

    def set_query(
        self,
        query: TableQuery,
        on_loaded: Callable[[], None] | None = None,
        min_rows: int = 0,
    ) -> None:
        """Run a query on the worker; the rows are replaced when it answers.

        The answer holds every paper id; the first ``max(PAGE_SIZE, min_rows)`` rows are
        loaded with it, the others a page at a time when a view shows them.
        """
        self._query = query
        self._reorderable = self.reorderable
        self._generation += 1
        generation = self._generation
        limit = max(PAGE_SIZE, min(min_rows, MAX_FIRST_ROWS))
        library = self._library
        interest = self.interest  # taken now: the query is answered with this source

        def run() -> Answer | None:
            if generation != self._generation:
                # Superseded before it started (typing on, or a change announced just
                # before the window set a query of its own): its answer would be dropped.
                return None
            order = None if query.scope is None else query.scope.paper_ids(library)
            if order is not None and query.scope is not None and self.scope_order is not None:
                order = self.scope_order(query.scope, order)
            sort = effective_sort(query)
            if sort == INTEREST:
                results = search_by_interest(
                    library, query.search_text(), query.descending, interest, order, limit
                )
            else:
                results = library.search(
                    query.search_text(),
                    sort,
                    query.descending,
                    0,
                    limit,
                    whole_abstracts=True,
                    within=order,
                    with_ids=True,
                )
            positions = {} if query.scope is None else query.scope.positions(library, order or [])
            return Answer(results, positions)

        def done(answer: Answer | None) -> None:
            if answer is None or generation != self._generation:
                return
            results = answer.results
            self.beginResetModel()
            self._ids = list(results.ids)
            self._rows = None
            self._positions = answer.positions
            self._papers.clear()
            self._fragments.clear()
            self._loading.clear()
            loaded = len(results.results)
            whole = loaded >= len(self._ids)  # every page came with the answer
            self._loaded = set(range(-(-loaded // PAGE_SIZE) if whole else loaded // PAGE_SIZE))
            self._store(results.results)
            self.endResetModel()
            self.queryFinished.emit(results)
            if on_loaded is not None:
                on_loaded()

        self._worker.submit(run, done)

    def refresh(self, on_loaded: Callable[[], None] | None = None) -> None:
        self.set_query(self._query, on_loaded)

    def sortable(self, column: int) -> bool:
        """A column the library can sort the current rows by (``#`` only in a scope that
        has an order of its own)."""
        key = SORT_KEYS.get(Column(column)) if 0 <= column < len(Column) else None
        if key == INTEREST:
            return self.interest is not None
        if key == "position":
            scope = self._query.scope
            return scope is not None and scope.ordered
        return key is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (ascending: its natural direction, core.orders); column -1
        (a third click on the header): back to the rows' own order, relevance."""
        if column < 0:
            if self._query.sort is not None:
                self.set_query(replace(self._query, sort=None, descending=False))
            return
        if not self.sortable(column):
            return
        key = SORT_KEYS[Column(column)]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=key, descending=descending))

    # --- rows ---------------------------------------------------------------------

    def paper_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def ids_of_rows(self, ranges: Iterable[tuple[int, int]]) -> list[int]:
        """The paper ids of rows ``(first, last)`` (inclusive), loaded or not."""
        found: list[int] = []
        for first, last in ranges:
            found.extend(self._ids[max(first, 0) : last + 1])
        return list(dict.fromkeys(found))

    def paper(self, row: int) -> Paper | None:
        paper_id = self.paper_id(row)
        return None if paper_id is None else self._papers.get(paper_id)

    def loaded_paper(self, paper_id: int) -> Paper | None:
        """The paper if its row was loaded."""
        return self._papers.get(paper_id)

    def position(self, paper_id: int) -> int | None:
        """The paper's ``#`` in the digest or list shown (None elsewhere)."""
        return self._positions.get(paper_id)

    def fragments(self, paper_id: int) -> tuple[Fragment, Fragment] | None:
        return self._fragments.get(paper_id)

    def row_of(self, paper_id: int) -> int | None:
        if self._rows is None:
            self._rows = {paper_id: row for row, paper_id in enumerate(self._ids)}
        return self._rows.get(paper_id)

    def show_changes(self, changes: Changes) -> None:
        """The library changed (:class:`ChangeNotifier`): papers came or went, so the
        query runs again (then :attr:`changesShown`); else the changed rows are read
        again where they are. A list's new papers come with the sidebar's new scope."""
        if changes.rows_changed:
            self.refresh(on_loaded=lambda: self.changesShown.emit(changes))
        elif changes.touched:
            self.reload_papers(changes.touched)

    def refresh_interest(self) -> None:
        """The triage retrained: the interest cells show the new values (dataChanged on
        that column alone; the rows stay where they are, even sorted by interest, so a
        retrain never moves the row under the user's cursor)."""
        if self._ids:
            last = len(self._ids) - 1
            self.dataChanged.emit(
                self.index(0, Column.INTEREST),
                self.index(last, Column.INTEREST),
                [Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.ToolTipRole],
            )

    def reload_papers(self, ids: Iterable[int]) -> None:
        """Re-read changed papers into the cache, keeping their rows where they are."""
        wanted = tuple(i for i in ids if i in self._papers)
        if not wanted:
            return
        generation = self._generation
        library, text = self._library, self._query.search_text()

        def done(results: list[SearchResult]) -> None:
            if generation != self._generation:
                return
            self._store(results)
            rows = sorted(row for r in results if (row := self.row_of(r.paper.id)) is not None)
            for first, last in _runs(rows):
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))

        self._worker.submit(lambda: library.rows(wanted, text, whole_abstracts=True), done)

    # --- reordering a reading list ------------------------------------------------

    @property
    def reorderable(self) -> bool:
        """Rows can be dragged: a whole list, in its own order."""
        query = self._query
        return in_list_order(query) and not query.search_text()

    def list_order(self) -> tuple[int, ...]:
        scope = self._query.scope
        return scope.ids if scope is not None and scope.kind == "list" else ()

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        # Called for every visible cell at each repaint and by Qt's selection checks
        # (isRowSelected, isSelected): constant values, no computing.
        if not index.isValid():
            return _ROOT_DROP if self._reorderable else _ROOT
        return _ROW_DRAG  # onto a sidebar list anywhere; within the table in a list

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        # Move: reordering the list shown; copy: onto a sidebar list (sidebar.py), so
        # the view never tries to take the dragged rows out of the model.
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [PAPER_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        rows = sorted({index.row() for index in indexes if index.isValid()})
        ids = [i for i in (self.paper_id(row) for row in rows) if i is not None]
        mime = QMimeData()
        mime.setData(PAPER_IDS_MIME, QByteArray(json.dumps(ids).encode("ascii")))
        return mime

    def canDropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        return self.reorderable and data.hasFormat(PAPER_IDS_MIME)

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        """Rows dropped between rows: ``moveRequested`` says where (the window saves it)."""
        if action == Qt.DropAction.IgnoreAction:
            return True
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        try:
            raw = json.loads(bytes(data.data(PAPER_IDS_MIME).data()).decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            return False
        order = self.list_order()
        moving = [i for i in raw if isinstance(i, int) and i in order]
        if not moving:
            return False
        if row < 0:  # dropped on a row: before it; on the empty space: at the end
            row = parent.row() if parent.isValid() else len(order)
        position = sum(1 for i in order[:row] if i not in moving)
        self.moveRequested.emit(moving, position)
        return False  # the rows move when the library has saved the new order

    def _store(self, results: Sequence[SearchResult]) -> None:
        for result in results:
            self._papers[result.paper.id] = result.paper
            self._fragments[result.paper.id] = (result.title, result.abstract)

    def _request_page(self, page: int) -> None:
        if page in self._loading or page in self._loaded:
            return
        self._loading.add(page)
        generation = self._generation
        first = page * PAGE_SIZE
        ids = tuple(self._ids[first : first + PAGE_SIZE])
        library, text = self._library, self._query.search_text()

        def done(results: list[SearchResult]) -> None:
            if generation != self._generation:
                return
            self._loading.discard(page)
            self._loaded.add(page)  # a paper deleted meanwhile stays unloaded: no loop
            self._store(results)
            last = min(first + PAGE_SIZE, len(self._ids)) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
            self.pageLoaded.emit(page)

        self._worker.submit(lambda: library.rows(ids, text, whole_abstracts=True), done)

    # --- QAbstractTableModel ------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else _COLUMNS

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                column = Column(section)
                tips = [HEADER_TIPS[column]] if column in HEADER_TIPS else []
                if SORT_KEYS[column] is None:
                    tips.append("This column cannot be sorted")
                return "\n".join(tips) or None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        column = Column(index.column())
        paper = self.paper(index.row())
        if paper is None:
            self._request_page(index.row() // PAGE_SIZE)
            if role == Qt.ItemDataRole.DisplayRole and column is Column.TITLE:
                return LOADING
            return None
        if column is Column.POSITION:
            return self._position_data(paper.id, role)
        if column is Column.INTEREST:
            return self._interest_data(paper.id, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(paper, column)
        if role == SORT_ROLE:
            return raw_value(paper, column)
        if role == Qt.ItemDataRole.FontRole and column is Column.TITLE:
            return self._bold if paper.status is ReadStatus.UNREAD else None
        if role == Qt.ItemDataRole.DecorationRole and column is Column.CODE and paper.has_code:
            return code_icon()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(paper, column)
        return None

    def _position_data(self, paper_id: int, role: int) -> Any:
        position = self._positions.get(paper_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if position is None else str(position)
        if role == SORT_ROLE:
            return position
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _interest_data(self, paper_id: int, role: int) -> Any:
        value = None if self.interest is None else self.interest.interest(paper_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return format_interest(value)
        if role == SORT_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _tooltip(self, paper: Paper, column: Column) -> str | None:
        # Escaped inside a tag: Qt shows tooltips that look like markup as rich text.
        if column is Column.TITLE:
            return f"<span>{html.escape(paper.title)}</span>"
        if column is Column.CODE:
            return code_tooltip(paper)
        if column is Column.AUTHORS:
            return authors_tooltip(paper)
        if column is Column.PUBLISHED:
            return published_tooltip(paper)
        return None


def _runs(rows: Sequence[int]) -> Iterable[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows."""
    start = previous = None
    for row in rows:
        if previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None and previous is not None:
            yield start, previous
        start = previous = row
    if start is not None and previous is not None:
        yield start, previous

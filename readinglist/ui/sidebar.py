"""The sidebar: Library (all, each status), Digests, Tags, Reading lists, Saved searches.

Every entry is an :class:`Entry`: what the table should show when it is chosen. The
counts are computed on the worker by :func:`load_sidebar` and arrive as one plain
:class:`SidebarData`; rebuilding keeps the chosen entry chosen (by its key).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from readinglist.core.digests import DigestDay, DigestInfo, days_of
from readinglist.core.library import Library
from readinglist.core.models import ReadStatus, TagCount
from readinglist.ui.app_icons import action_icon, status_icon
from readinglist.ui.icons import colour_dot
from readinglist.ui.paper_model import PAPER_IDS_MIME, Scope, tag_term
from readinglist.ui.widgets import plain_tooltip

ENTRY_ROLE = Qt.ItemDataRole.UserRole
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1
SECTIONS = ("Library", "Digests", "Tags", "Reading lists", "Saved searches")
SECTION_ICONS = {  # section: action icon name
    "Library": "library",
    "Digests": "digest",
    "Tags": "tag",
    "Reading lists": "reading-list",
    "Saved searches": "saved-search",
}
ALL_KEY = "all"
NEW_KEY = "new"


@dataclass(frozen=True, slots=True)
class Entry:
    """One sidebar entry: a status, a tag, a set of papers or a saved query."""

    key: str
    status: ReadStatus | None = None
    tag: str | None = None
    scope: Scope | None = None
    search: str | None = None  # a saved search: the query it puts in the search box


ALL = Entry(ALL_KEY)


def status_entry(status: ReadStatus) -> Entry:
    return Entry(f"status:{status.value}", status=status)


def tag_entry(name: str) -> Entry:
    return Entry(f"tag:{name}", tag=name)


def day_entry(day: DigestDay) -> Entry:
    return Entry(
        f"day:{day.day.isoformat()}",
        scope=Scope("digests", digest_ids=day.digest_ids, label=day.day.isoformat()),
    )


def new_entry(digest_id: int) -> Entry:
    scope = Scope("new", digest_ids=(digest_id,), label="new in the last digest")
    return Entry(NEW_KEY, scope=scope)


@dataclass(frozen=True, slots=True)
class TagNode:
    """A tag or a folder of tags (``3d`` above ``3d/nerf``); count covers sub-tags."""

    path: str
    count: int
    colour: str | None
    depth: int


@dataclass(frozen=True, slots=True)
class SidebarData:
    total: int
    statuses: tuple[int, ...]  # papers per status, in ReadStatus order
    last_digest: DigestInfo | None = None
    new_in_last: int = 0
    days: tuple[DigestDay, ...] = ()
    tags: tuple[TagNode, ...] = ()
    reading_lists: tuple[tuple[str, tuple[int, ...]], ...] = ()
    saved_searches: tuple[tuple[str, str], ...] = ()


def tag_tree(tags: Sequence[TagCount], count_subtree: Callable[[str], int]) -> list[TagNode]:
    """Tags as a tree in display order; folders count their papers with ``count_subtree``."""
    by_name = {tag.name: tag for tag in tags if tag.count}  # a tag left on no paper: hidden
    paths: set[str] = set()
    for name in by_name:
        parts = name.split("/")
        paths.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    nodes: list[TagNode] = []
    for path in sorted(paths, key=lambda p: p.split("/")):
        has_children = any(other.startswith(path + "/") for other in paths)
        tag = by_name.get(path)
        count = count_subtree(path) if has_children or tag is None else tag.count
        nodes.append(TagNode(path, count, tag.colour if tag else None, path.count("/")))
    return nodes


def load_sidebar(library: Library) -> SidebarData:
    """On the worker: every count the sidebar shows."""

    def total(query: str) -> int:
        # Filters only: counted by the database, whether or not the search index is
        # built yet (a library being indexed is never shown as empty).
        return library.browse(query, limit=0).total

    digests = library.digests()
    last = digests[-1] if digests else None
    days = tuple(
        DigestDay(day, tuple(ids), len(library.digest_paper_ids(ids)))
        for day, ids in days_of(digests).items()
    )
    return SidebarData(
        total=total(""),
        statuses=tuple(total(f"status:{status.value}") for status in ReadStatus),
        last_digest=last,
        new_in_last=0 if last is None else len(library.digest_paper_ids([last.id], True)),
        days=days,
        tags=tuple(tag_tree(library.tags(), lambda path: total(tag_term(path)))),
        reading_lists=tuple((found.name, found.paper_ids) for found in library.lists.all()),
        saved_searches=tuple((saved.name, saved.query) for saved in library.searches.all()),
    )


def dropped_ids(data: QMimeData) -> list[int]:
    """The paper ids a drag from the table carries (PaperTableModel.mimeData); [] for
    anything else, never an error."""
    if not data.hasFormat(PAPER_IDS_MIME):
        return []
    try:
        raw = json.loads(bytes(data.data(PAPER_IDS_MIME).data()).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(raw, list):
        return []
    return [i for i in raw if isinstance(i, int) and not isinstance(i, bool)]


def _take(event: QDropEvent) -> None:
    """Accept papers as a copy where the drag allows it. The table drags in
    InternalMove mode (reordering a list), which offers only a move: that is accepted
    too, and Qt takes rows out of the table only on a move onto the table itself."""
    if event.possibleActions() & Qt.DropAction.CopyAction:
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
    else:
        event.acceptProposedAction()


def day_label(day: date, today: date | None = None) -> str:
    today = today or date.today()
    if day == today:
        return "Today"
    if (today - day).days == 1:
        return "Yesterday"
    return day.strftime("%a %d %b %Y")


class Sidebar(QTreeWidget):
    """The entries; ``entryChosen`` says which one the user picked. Papers dragged
    from the table onto a reading list: ``papersDropped`` (the list's name, the ids)."""

    entryChosen = Signal(object)  # Entry  # noqa: N815
    papersDropped = Signal(str, list)  # list name, paper ids  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setRootIsDecorated(True)
        self.setIndentation(12)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)
        bold = QFont(self.font())
        bold.setBold(True)
        self.sections: dict[str, QTreeWidgetItem] = {}
        for name in SECTIONS:
            section = QTreeWidgetItem([name])
            section.setFont(0, bold)
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(section)
            section.setExpanded(True)
            self.sections[name] = section
        self._add(self.sections["Library"], "All", ALL)
        for status in ReadStatus:
            self._add(self.sections["Library"], status.value.capitalize(), status_entry(status))
        self._placeholders()
        self.apply_icons()
        self.select(ALL_KEY)
        self.currentItemChanged.connect(self._current_changed)

    def apply_icons(self) -> None:
        """Section and status icons; again after a theme change (they follow its text)."""
        for name, section in self.sections.items():
            section.setIcon(0, action_icon(SECTION_ICONS[name]))
        for status in ReadStatus:
            item = self.item(status_entry(status).key)
            if item is not None:
                item.setIcon(0, status_icon(status))

    # --- entries ------------------------------------------------------------------

    def _add(
        self, parent: QTreeWidgetItem, label: str, entry: Entry, count: int | None = None
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem([label if count is None else f"{label}  ({count})"])
        item.setData(0, ENTRY_ROLE, entry)
        item.setData(0, LABEL_ROLE, label)
        item.setToolTip(0, plain_tooltip(label))  # names may look like markup
        parent.addChild(item)
        return item

    @staticmethod
    def _note(parent: QTreeWidgetItem, text: str) -> None:
        """A greyed line in an empty section."""
        item = QTreeWidgetItem([text])
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        parent.addChild(item)

    def _placeholders(self) -> None:
        for name, text in (
            ("Digests", "None imported yet"),
            ("Tags", "No tags yet"),
            ("Reading lists", "No lists yet"),
            ("Saved searches", "No saved searches yet"),
        ):
            if self.sections[name].childCount() == 0:
                self._note(self.sections[name], text)

    def entries(self) -> list[QTreeWidgetItem]:
        """Every item that is an entry, top to bottom."""
        found: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            for row in range(item.childCount()):
                child = item.child(row)
                if child is None:
                    continue
                if isinstance(child.data(0, ENTRY_ROLE), Entry):
                    found.append(child)
                walk(child)

        for section in self.sections.values():
            walk(section)
        return found

    def item(self, key: str) -> QTreeWidgetItem | None:
        return next((i for i in self.entries() if i.data(0, ENTRY_ROLE).key == key), None)

    def current_entry(self) -> Entry | None:
        item = self.currentItem()
        entry = None if item is None else item.data(0, ENTRY_ROLE)
        return entry if isinstance(entry, Entry) else None

    def select(self, key: str) -> bool:
        """Choose an entry by key (emitting ``entryChosen`` if it changes)."""
        item = self.item(key)
        if item is not None:
            self.setCurrentItem(item)
        return item is not None

    def select_quietly(self, key: str | None) -> None:
        """Choose an entry (or none) without telling anyone."""
        self.blockSignals(True)
        try:
            item = None if key is None else self.item(key)
            if item is None:
                self.clearSelection()
                self.setCurrentIndex(QModelIndex())
            else:
                self.setCurrentItem(item)
        finally:
            self.blockSignals(False)

    def _current_changed(self, current: QTreeWidgetItem | None, *_args: object) -> None:
        entry = None if current is None else current.data(0, ENTRY_ROLE)
        if isinstance(entry, Entry):
            self.entryChosen.emit(entry)

    # --- papers dropped on a list -------------------------------------------------

    def list_at(self, pos: QPoint) -> str | None:
        """The reading list under a point of the viewport (None elsewhere)."""
        item = self.itemAt(pos)
        entry = None if item is None else item.data(0, ENTRY_ROLE)
        if isinstance(entry, Entry) and entry.scope is not None and entry.scope.kind == "list":
            return entry.scope.label
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(PAPER_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        """Only a list takes papers."""
        if event.mimeData().hasFormat(PAPER_IDS_MIME) and self.list_at(event.position().toPoint()):
            _take(event)
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        name = self.list_at(event.position().toPoint())
        ids = dropped_ids(event.mimeData())
        if name is None or not ids:
            event.ignore()
            return
        _take(event)
        self.papersDropped.emit(name, ids)

    # --- filling ------------------------------------------------------------------

    def populate(self, data: SidebarData) -> None:
        """Show new counts; the chosen entry stays chosen, or All when it is gone."""
        chosen = self.current_entry()
        self.blockSignals(True)
        try:
            self._fill_library(data)
            self._fill_digests(data)
            self._fill_tags(data.tags)
            self.set_reading_lists(data.reading_lists)
            self.set_saved_searches(data.saved_searches)
        finally:
            self.blockSignals(False)
        if chosen is None:
            return
        if self.item(chosen.key) is None:
            self.select(ALL_KEY)
        else:
            self.select_quietly(chosen.key)

    def _clear(self, section: str) -> QTreeWidgetItem:
        item = self.sections[section]
        item.takeChildren()  # returned to Python, which deletes them
        return item

    def _fill_library(self, data: SidebarData) -> None:
        counts = {ALL_KEY: data.total}
        for status, count in zip(ReadStatus, data.statuses, strict=True):
            counts[status_entry(status).key] = count
        for item in self.entries():
            entry = item.data(0, ENTRY_ROLE)
            if entry.key in counts:
                item.setText(0, f"{item.data(0, LABEL_ROLE)}  ({counts[entry.key]})")

    def _fill_digests(self, data: SidebarData) -> None:
        section = self._clear("Digests")
        if data.last_digest is not None:
            item = self._add(
                section, "New in the last digest", new_entry(data.last_digest.id), data.new_in_last
            )
            item.setToolTip(0, plain_tooltip(f"New in {data.last_digest.source_name}"))
        for day in data.days:
            item = self._add(section, day_label(day.day), day_entry(day), day.paper_count)
            item.setToolTip(0, f"{len(day.digest_ids)} digest(s) imported on {day.day}")
        self._placeholders()

    def _fill_tags(self, tags: Sequence[TagNode]) -> None:
        section = self._clear("Tags")
        parents: dict[str, QTreeWidgetItem] = {}
        for node in tags:
            parent_path, _, name = node.path.rpartition("/")
            parent = parents.get(parent_path, section)
            item = self._add(parent, name, tag_entry(node.path), node.count)
            item.setToolTip(0, plain_tooltip(node.path))
            if node.colour:
                item.setIcon(0, colour_dot(node.colour))
            parents[node.path] = item
            item.setExpanded(True)
        self._placeholders()

    def set_reading_lists(self, lists: Sequence[tuple[str, tuple[int, ...]]]) -> None:
        """(name, paper ids) per list; choosing one shows its papers."""
        section = self._clear("Reading lists")
        for name, ids in lists:
            scope = Scope("list", ids=ids, label=name)
            self._add(section, name, Entry(f"list:{name}", scope=scope), len(ids))
        self._placeholders()

    def set_saved_searches(self, searches: Sequence[tuple[str, str]]) -> None:
        """(name, query) per saved search; choosing one runs its query."""
        section = self._clear("Saved searches")
        for name, query in searches:
            item = self._add(section, name, Entry(f"search:{name}", search=query))
            item.setToolTip(0, plain_tooltip(query))
        self._placeholders()

"""Reading lists and saved searches: ``library.lists`` and ``library.searches``.

A list is named and ordered; a paper can be in several. A saved search keeps the
query text the user typed, checked by the one query parser, and is evaluated on the
search index whenever it is shown, so it is always current.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readinglist.core.changes import Changes
from readinglist.core.errors import InvalidValueError, NotFoundError
from readinglist.core.guards import require_papers
from readinglist.core.models import ReadingList, SavedSearch
from readinglist.core.parts import LibraryContext
from readinglist.core.ports import ListStore, SavedSearchStore
from readinglist.core.query import parse_query
from readinglist.core.snapshots import ListSnapshot

if TYPE_CHECKING:
    from readinglist.core.library import Library
    from readinglist.core.undo import ListChange

MAX_NAME_CHARS = 200


def normalize_name(name: str, what: str = "list") -> tuple[str, str]:
    """(name as shown, key compared): spacing collapsed; the key is casefolded."""
    shown = " ".join(name.split())
    if not shown:
        raise InvalidValueError(f"a {what} needs a name")
    if len(shown) > MAX_NAME_CHARS:
        raise InvalidValueError(f"a {what} name is at most {MAX_NAME_CHARS} characters")
    return shown, shown.casefold()


class ReadingLists:
    """``library.lists``: named, ordered lists of papers."""

    def __init__(self, context: LibraryContext) -> None:
        self._context = context

    def all(self) -> list[ReadingList]:
        """Every list with its papers in order, by name."""
        with self._context.store.unit_of_work() as uow:
            return uow.reading_lists()

    def get(self, name: str) -> ReadingList:
        with self._context.store.unit_of_work() as uow:
            return get_list(uow, name)

    def create(self, name: str) -> ReadingList:
        shown, key = normalize_name(name)
        now = self._context.clock()
        with self._context.write() as uow:
            if uow.reading_list(key) is not None:
                raise InvalidValueError(f"a list named {shown!r} already exists")
            list_id = uow.create_list(shown, key, now)
        return ReadingList(list_id, shown, now, ())

    def rename(self, old: str, new: str) -> Changes:
        shown, key = normalize_name(new)
        with self._context.write() as uow:
            current = get_list(uow, old)
            other = uow.reading_list(key)
            if other is not None and other.id != current.id:
                raise InvalidValueError(f"a list named {shown!r} already exists")
            uow.rename_list(current.id, shown, key)
        return Changes(count=1, lists=True, counts=True)

    def delete(self, name: str) -> Changes:
        """Deletes the list, never its papers."""
        with self._context.write() as uow:
            uow.delete_list(get_list(uow, name).id)
        return Changes(count=1, lists=True, counts=True)

    def snapshot(self, name: str) -> ListSnapshot:
        """The list as it is now, for :meth:`restore_list` (the window's undo)."""
        with self._context.store.unit_of_work() as uow:
            current = get_list(uow, name)
            times = uow.list_item_times(current.id)
        return ListSnapshot(current, tuple(times[i] for i in current.paper_ids))

    def restore(self, snapshot: ListSnapshot) -> ReadingList:
        """A deleted list back as it was: name, creation time, id when still free, and
        the papers still in the library, in order, each with the time it was added."""
        old = snapshot.reading_list
        shown, key = normalize_name(old.name)
        with self._context.write() as uow:
            if uow.reading_list(key) is not None:
                raise InvalidValueError(f"a list named {shown!r} already exists")
            found = uow.existing_ids(old.paper_ids)
            items = [
                (paper_id, added)
                for paper_id, added in zip(old.paper_ids, snapshot.added, strict=True)
                if paper_id in found
            ]
            free = old.id not in {other.id for other in uow.reading_lists()}
            list_id = uow.restore_list(
                shown, key, old.created_at, items, list_id=old.id if free else None
            )
        return ReadingList(list_id, shown, old.created_at, tuple(i for i, _ in items))

    def create_with(self, name: str, ids: Sequence[int]) -> Changes:
        """A new list holding these papers, in one transaction: a list is never left
        behind empty when the papers cannot be added (``l`` on a new name)."""
        shown, key = normalize_name(name)
        now = self._context.clock()
        papers = list(dict.fromkeys(ids))
        with self._context.write() as uow:
            if uow.reading_list(key) is not None:
                raise InvalidValueError(f"a list named {shown!r} already exists")
            require_papers(uow, papers)
            list_id = uow.create_list(shown, key, now)
            if papers:
                uow.set_list_items(list_id, papers, now)
        return _list_changed(len(papers), papers) | Changes(count=1, lists=True, counts=True)

    def add(self, name: str, ids: Sequence[int]) -> Changes:
        """Appends the papers not yet in the list (in the order given); ``count``: how many."""
        with self._context.write() as uow:
            current = get_list(uow, name)
            require_papers(uow, ids)
            have = set(current.paper_ids)
            fresh = [i for i in dict.fromkeys(ids) if i not in have]
            if fresh:
                uow.set_list_items(current.id, [*current.paper_ids, *fresh], self._context.clock())
        return _list_changed(len(fresh), fresh)

    def remove(self, name: str, ids: Collection[int]) -> Changes:
        """Removes papers from the list (not from the library); ``count``: how many."""
        if not ids:
            raise InvalidValueError("name at least one paper id")
        with self._context.write() as uow:
            current = get_list(uow, name)
            gone = set(ids)
            kept = [i for i in current.paper_ids if i not in gone]
            if len(kept) != len(current.paper_ids):
                uow.set_list_items(current.id, kept, self._context.clock())
        return _list_changed(len(current.paper_ids) - len(kept), gone)

    def move(self, name: str, ids: Sequence[int], position: int) -> Changes:
        """Moves papers of the list (kept in the order given) to ``position`` (drag and drop).

        ``position`` counts among the papers that are not moved: 0 puts them first, the
        number of the others (or more) puts them last.
        """
        with self._context.write() as uow:
            current = get_list(uow, name)
            moving = list(dict.fromkeys(ids))
            missing = set(moving) - set(current.paper_ids)
            if missing:
                listed = ", ".join(str(i) for i in sorted(missing))
                raise NotFoundError(f"not in the list {current.name!r}: {listed}")
            rest = [i for i in current.paper_ids if i not in set(moving)]
            at = min(max(position, 0), len(rest))
            order = [*rest[:at], *moving, *rest[at:]]
            uow.set_list_items(current.id, order, self._context.clock())
        return _list_changed(len(moving), moving)

    def set_papers(self, name: str, ids: Sequence[int]) -> Changes:
        """The list holds exactly these papers, in this order (undo puts a list back so).

        Papers that no longer exist are left out; papers kept keep their added time.
        """
        with self._context.write() as uow:
            current = get_list(uow, name)
            wanted = list(dict.fromkeys(ids))
            found = uow.existing_ids(wanted)
            order = [i for i in wanted if i in found]
            uow.set_list_items(current.id, order, self._context.clock())
        return _list_changed(len(order), {*current.paper_ids, *order})


class SavedSearches:
    """``library.searches``: queries kept by name, evaluated whenever they are shown."""

    def __init__(self, context: LibraryContext) -> None:
        self._context = context

    def all(self) -> list[SavedSearch]:
        with self._context.store.unit_of_work() as uow:
            return uow.saved_searches()

    def get(self, name: str) -> SavedSearch:
        with self._context.store.unit_of_work() as uow:
            return _get_saved(uow, name)

    def save(self, name: str, query: str, replace: bool = False) -> SavedSearch:
        """Keeps ``query`` as typed; refuses one the query language cannot read."""
        shown, key = normalize_name(name, "saved search")
        check_query(query)
        now = self._context.clock()
        with self._context.write() as uow:
            existing = uow.saved_search(key)
            if existing is not None and not replace:
                raise InvalidValueError(
                    f"a saved search named {shown!r} already exists (replace it to change it)"
                )
            if existing is not None:
                uow.update_saved_search(existing.id, shown, key, query)
                return SavedSearch(existing.id, shown, query, existing.created_at)
            search_id = uow.save_search(shown, key, query, now)
        return SavedSearch(search_id, shown, query, now)

    def delete(self, name: str) -> Changes:
        with self._context.write() as uow:
            uow.delete_saved_search(_get_saved(uow, name).id)
        return Changes(count=1, saved_searches=True, counts=True)

    def ids(self, name: str) -> list[int]:
        """Every paper the saved search finds now, by id."""
        return self._context.query_ids(self.get(name).query)


def _list_changed(count: int, ids: Iterable[int]) -> Changes:
    return Changes(count=count, touched=frozenset(ids), lists=True, counts=count > 0)


def check_query(query: str) -> None:
    """A query worth saving: not empty, and read by the parser without falling back."""
    parsed = parse_query(query)
    if not query.strip():
        raise InvalidValueError("a saved search needs a query")
    if parsed.fallback:
        raise InvalidValueError(f"the query cannot be saved: {parsed.message}")


def get_list(uow: ListStore, name: str) -> ReadingList:
    shown, key = normalize_name(name)
    found = uow.reading_list(key)
    if found is None:
        raise NotFoundError(f"no list named {shown!r}")
    return found


def _get_saved(uow: SavedSearchStore, name: str) -> SavedSearch:
    shown, key = normalize_name(name, "saved search")
    found = uow.saved_search(key)
    if found is None:
        raise NotFoundError(f"no saved search named {shown!r}")
    return found


@dataclass
class NewListChange:
    """Papers added to a list made for them (``l`` with a new name): one undo step,
    whose undo deletes the list again (it held only these papers) and whose redo makes
    it again with them."""

    text: str
    name: str
    ids: tuple[int, ...]
    # Set by record() when a list of that name was made meanwhile (by the command line,
    # another window): the papers are added to it, and undo takes only them out again.
    existing: ListChange | None = None

    def record(self, library: Library) -> None:
        """Whether the list exists after all (the window's names may be a moment old)."""
        try:
            library.lists.get(self.name)
        except NotFoundError:
            self.existing = None
            return
        from readinglist.core.undo import add_change  # undo knows the library: no cycle

        self.existing = add_change(self.name, self.ids)
        self.existing.record(library)

    def apply(self, library: Library) -> Changes:
        if self.existing is not None:
            return self.existing.apply(library)
        return library.lists.create_with(self.name, self.ids)

    def restore(self, library: Library) -> Changes:
        if self.existing is not None:
            return self.existing.restore(library)
        return library.lists.delete(self.name)


def new_list_change(name: str, ids: Sequence[int]) -> NewListChange:
    shown = " ".join(name.split())
    count = len(ids)
    noun = f"{count} paper" if count == 1 else f"{count} papers"
    return NewListChange(f"add {noun} to the new list {shown}", shown, tuple(ids))

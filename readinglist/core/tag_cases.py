"""Tags edited by hand, with undo: ``library.tag_edits`` and the window's tag changes.

Renaming (``library.rename_tag``) can merge a tag into another, deleting drops a tag
from every paper, and neither can be taken back from what is left afterwards: which
papers had the merged tag, and the deleted tag's colour, are gone. So each change
records the **state** of every tag it can touch (its colour and its papers, or that it
did not exist) before it runs, and its undo puts exactly that state back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from readinglist.core.changes import Changes, papers_changed
from readinglist.core.errors import InvalidValueError, NotFoundError
from readinglist.core.parts import LibraryContext
from readinglist.core.ports import UnitOfWork
from readinglist.core.tags import normalize_colour, normalize_tag, tag_matches

if TYPE_CHECKING:
    from readinglist.core.library import Library


@dataclass(frozen=True, slots=True)
class TagState:
    """A tag as it was: its colour and its papers (by id, ascending)."""

    colour: str | None
    ids: tuple[int, ...]


# Each tag name a change may touch -> its state, or None: no such tag.
TagSnapshot = dict[str, TagState | None]


@runtime_checkable
class TagWrites(Protocol):
    """What the store's unit of work offers for tags (storage/tag_queries.py)."""

    def tag_names(self) -> set[str]: ...

    def tag_states(self, names: Collection[str]) -> TagSnapshot: ...

    def delete_tags(self, names: Collection[str], now: datetime) -> set[int]: ...

    def restore_tags(self, states: Mapping[str, TagState | None], now: datetime) -> set[int]: ...

    def untag_where_carried(self, ids: Collection[int], name: str, now: datetime) -> set[int]: ...

    def retag_where_missing(self, ids: Collection[int], name: str, now: datetime) -> set[int]: ...

    def existing_ids(self, ids: Collection[int]) -> set[int]: ...


def _tags(uow: UnitOfWork) -> TagWrites:
    if not isinstance(uow, TagWrites):
        raise TypeError("this store cannot edit tags")
    return uow


def family(names: Collection[str], name: str) -> list[str]:
    """The tag and its sub-tags, sorted (``3d``: ``3d``, ``3d/nerf``...)."""
    return sorted(found for found in names if tag_matches(found, name))


class TagEdits:
    """``library.tag_edits``: snapshots, delete and restore of tags."""

    def __init__(self, context: LibraryContext) -> None:
        self._context = context

    def snapshot(self, names: Collection[str]) -> TagSnapshot:
        with self._context.store.unit_of_work() as uow:
            return _tags(uow).tag_states(sorted(set(names)))

    def rename_snapshot(self, old: str, new: str) -> TagSnapshot:
        """The state of every tag renaming ``old`` to ``new`` touches: the tag, its
        sub-tags, and the names they get (which may exist: a merge)."""
        old_name, new_name = normalize_tag(old), normalize_tag(new)
        with self._context.store.unit_of_work() as uow:
            tags = _tags(uow)
            moved = family(tags.tag_names(), old_name)
            targets = [new_name + name[len(old_name) :] for name in moved]
            return tags.tag_states(sorted({*moved, *targets}))

    def delete_snapshot(self, name: str) -> TagSnapshot:
        tag = normalize_tag(name)
        with self._context.store.unit_of_work() as uow:
            tags = _tags(uow)
            return tags.tag_states(family(tags.tag_names(), tag))

    def delete(self, name: str) -> Changes:
        """Takes the tag and its sub-tags off every paper and forgets them (colour
        too); the papers stay. ``count``: the papers that lost a tag."""
        tag = normalize_tag(name)
        with self._context.write() as uow:
            tags = _tags(uow)
            names = family(tags.tag_names(), tag)
            if not names:
                raise NotFoundError(f"no tag named {tag!r}")
            changed = tags.delete_tags(names, self._context.clock())
        return papers_changed(len(changed), changed, tags=True)

    def restore(self, states: Mapping[str, TagState | None]) -> Changes:
        """Every tag of ``states`` exactly as recorded (a None: the tag goes)."""
        with self._context.write() as uow:
            changed = _tags(uow).restore_tags(states, self._context.clock())
        return papers_changed(len(changed), changed, tags=True) | Changes(count=0, tags=True)

    def take_back(
        self, added: Mapping[str, Collection[int]], removed: Mapping[str, Collection[int]]
    ) -> tuple[Changes, tuple[int, ...]]:
        """An undo of tags added to (``added``: tag -> papers) and taken off papers, in
        one transaction, each write its own check (compare-and-set): a tag comes off
        only the papers that carry it at the write, goes back only on those that lack
        it then. Returns what changed and the papers left alone because another writer
        changed that tag on them since (papers deleted since are neither)."""
        now = self._context.clock()
        changed: set[int] = set()
        kept: set[int] = set()
        with self._context.write() as uow:
            tags = _tags(uow)
            for name, ids in sorted(added.items()):
                done = tags.untag_where_carried(ids, name, now)
                kept |= tags.existing_ids(ids) - done
                changed |= done
            for name, ids in sorted(removed.items()):
                done = tags.retag_where_missing(ids, name, now)
                kept |= tags.existing_ids(ids) - done
                changed |= done
        return papers_changed(len(changed), changed, tags=True), tuple(sorted(kept - changed))

    def check_merge(self, source: str, target: str) -> None:
        """What a merge needs and a rename does not check: the target exists (a rename
        would make it) and is another tag; else a one-line error."""
        target_name = normalize_tag(target)
        with self._context.store.unit_of_work() as uow:
            if target_name not in _tags(uow).tag_names():
                raise NotFoundError(f"no tag named {target_name!r} to merge into")
        if normalize_tag(source) == target_name:
            raise InvalidValueError("a tag cannot be merged into itself")

    def merge(self, source: str, target: str, library: Library) -> list[tuple[str, str]]:
        """Rename ``source`` into a tag that must exist (``rename`` would make it)."""
        self.check_merge(source, target)
        return library.rename_tag(source, target)


def _holders(snapshot: TagSnapshot) -> tuple[int, ...]:
    return tuple(sorted({i for state in snapshot.values() if state for i in state.ids}))


@dataclass
class TagRenameChange:
    """Rename (or merge) a tag and its sub-tags; undo gives back every tag touched."""

    text: str
    old: str
    new: str
    snapshot: TagSnapshot | None = None

    @property
    def ids(self) -> tuple[int, ...]:
        return () if self.snapshot is None else _holders(self.snapshot)

    def record(self, library: Library) -> None:
        self.snapshot = library.tag_edits.rename_snapshot(self.old, self.new)

    def apply(self, library: Library) -> Changes:
        renames = library.rename_tag(self.old, self.new)
        ids = self.ids
        return papers_changed(len(ids), ids, tags=True) | Changes(count=len(renames), tags=True)

    def restore(self, library: Library) -> Changes:
        return library.tag_edits.restore(self.snapshot or {})


@dataclass
class TagDeleteChange:
    """Delete a tag and its sub-tags from every paper; undo brings them back."""

    text: str
    name: str
    snapshot: TagSnapshot | None = None

    @property
    def ids(self) -> tuple[int, ...]:
        return () if self.snapshot is None else _holders(self.snapshot)

    def record(self, library: Library) -> None:
        self.snapshot = library.tag_edits.delete_snapshot(self.name)

    def apply(self, library: Library) -> Changes:
        return library.tag_edits.delete(self.name)

    def restore(self, library: Library) -> Changes:
        return library.tag_edits.restore(self.snapshot or {})


@dataclass
class TagColourChange:
    """Set or clear a tag's colour; undo gives the previous colour back."""

    text: str
    name: str
    colour: str
    previous: str | None = None

    @property
    def ids(self) -> tuple[int, ...]:
        return ()

    def record(self, library: Library) -> None:
        normalize_colour(self.colour)  # a bad colour: a one-line error before anything
        state = library.tag_edits.snapshot([normalize_tag(self.name)]).get(normalize_tag(self.name))
        if state is None:
            raise NotFoundError(f"no tag named {normalize_tag(self.name)!r}")
        self.previous = state.colour

    def apply(self, library: Library) -> Changes:
        return library.set_tag_colour(self.name, self.colour)

    def restore(self, library: Library) -> Changes:
        return library.set_tag_colour(self.name, self.previous or "none")


def rename_change(old: str, new: str, merge: bool = False) -> TagRenameChange:
    verb = "merge" if merge else "rename"
    joiner = "into" if merge else "to"
    return TagRenameChange(f"{verb} the tag {old} {joiner} {new}", old, new)


def delete_change(name: str) -> TagDeleteChange:
    return TagDeleteChange(f"delete the tag {name}", name)


def colour_change(name: str, colour: str) -> TagColourChange:
    what = "clear the colour of" if normalize_colour(colour) is None else "recolour"
    return TagColourChange(f"{what} the tag {name}", name, colour)

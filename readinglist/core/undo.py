"""Undoable changes, whatever the front end: the window's undo stack and ``readinglist undo``.

A :class:`Change` records what the papers hold before it, applies itself and takes
itself back, each step through the :class:`Library` and each returning the
:class:`Changes` it made, so the front end shows them without knowing the action.

Every record is plain data (no callables), so the command line can keep its last
changes between runs (:mod:`readinglist.core.undo_journal`).

An undo never overwrites what was changed after the change it takes back: a field is
given its old value only where it still holds the value this change set, a tag is
taken back only from papers that still carry it because of this change.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Protocol

from readinglist.core.changes import NO_CHANGES, Changes, merged
from readinglist.core.library import Library
from readinglist.core.models import PaperField, Priority, ReadStatus, TimeSpent
from readinglist.core.snapshots import ImportRecord, ListSnapshot, PaperSnapshot
from readinglist.core.tags import check_tag_change
from readinglist.core.time_spent import duration_text


class Change(Protocol):
    """One change to a library; each method runs where the library may be written."""

    text: str

    @property
    def ids(self) -> tuple[int, ...]:
        """The papers touched (after an undo of a delete: their ids now)."""

    def record(self, library: Library) -> None:
        """Read what the papers hold now, for :meth:`restore`."""

    def apply(self, library: Library) -> Changes: ...

    def restore(self, library: Library) -> Changes: ...


def _noun(count: int) -> str:
    return f"{count} paper" if count == 1 else f"{count} papers"


def _write_field(library: Library, field: PaperField, ids: list[int], value: object) -> Changes:
    if field == "status":
        return library.set_status(ids, ReadStatus(str(value)))
    if field == "priority":
        return library.set_priority(ids, Priority(str(value)))
    if field == "rating":
        return library.rate(ids, int(str(value)))
    return merged(library.set_notes(paper_id, str(value)) for paper_id in ids)


@dataclass
class ValueChange:
    """Set one user field (status, rating, priority, notes) on papers; undo gives each
    its own value back, in one transaction however many papers the selection held."""

    text: str
    ids: tuple[int, ...]
    value: object
    field: PaperField
    previous: dict[int, object] = dataclass_field(default_factory=dict)
    kept: tuple[int, ...] = ()  # at the last undo: papers changed since, left alone

    def record(self, library: Library) -> None:
        # One column of the papers, not the papers: a selection can be 100k of them.
        self.previous = library.bulk.field_values(self.ids, self.field)

    def apply(self, library: Library) -> Changes:
        alive = [paper_id for paper_id in self.ids if paper_id in self.previous]
        return _write_field(library, self.field, alive, self.value) if alive else NO_CHANGES

    def restore(self, library: Library) -> Changes:
        # Compared by the write itself, not read first: a change made meanwhile stays.
        changes, self.kept = library.bulk.restore_field_if(self.previous, self.field, self.value)
        return changes


def status_change(ids: Collection[int], status: ReadStatus) -> ValueChange:
    return ValueChange(f"mark {_noun(len(ids))} {status.value}", tuple(ids), status, "status")


def rating_change(ids: Collection[int], rating: int) -> ValueChange:
    return ValueChange(f"rate {_noun(len(ids))} {rating}", tuple(ids), rating, "rating")


def priority_change(ids: Collection[int], priority: Priority) -> ValueChange:
    text = f"set priority {priority.value} on {_noun(len(ids))}"
    return ValueChange(text, tuple(ids), priority, "priority")


def notes_change(paper_id: int, notes: str) -> ValueChange:
    return ValueChange("edit notes", (paper_id,), notes, "notes")


@dataclass
class TimeSpentChange:
    """Record (or clear: None) the time spent on papers; undo gives each paper its own
    time back, with when it was recorded, where it still holds this change's time."""

    text: str
    ids: tuple[int, ...]
    minutes: int | None
    previous: dict[int, TimeSpent | None] = dataclass_field(default_factory=dict)
    kept: tuple[int, ...] = ()  # at the last undo: papers given another time since

    def record(self, library: Library) -> None:
        self.previous = library.time_spent.snapshot(self.ids)

    def apply(self, library: Library) -> Changes:
        alive = [paper_id for paper_id in self.ids if paper_id in self.previous]
        return library.time_spent.set(alive, self.minutes) if alive else NO_CHANGES

    def restore(self, library: Library) -> Changes:
        # Compared by the write itself, not read first: a time recorded meanwhile stays.
        changes, self.kept = library.time_spent.restore_if(self.previous, self.minutes)
        return changes


def time_spent_change(ids: Collection[int], minutes: int | None) -> TimeSpentChange:
    what = "clear the time spent on" if minutes is None else f"record {duration_text(minutes)} on"
    return TimeSpentChange(f"{what} {_noun(len(ids))}", tuple(ids), minutes)


@dataclass
class TagChange:
    """Add and remove tags on papers; undo touches only the papers it changed."""

    text: str
    ids: tuple[int, ...]
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    had: dict[str, set[int]] = dataclass_field(default_factory=dict)  # tag -> papers before
    present: set[int] = dataclass_field(default_factory=set)  # papers that existed before
    kept: tuple[int, ...] = ()  # at the last undo: papers whose tag was changed since

    def record(self, library: Library) -> None:
        self.add, self.remove = check_tag_change(self.add, self.remove)
        self.present = library.bulk.existing_ids(self.ids)
        self.had = {
            name: library.bulk.papers_with_tag(self.present, name)
            for name in (*self.add, *self.remove)
        }

    def apply(self, library: Library) -> Changes:
        ids = sorted(self.present)
        return library.tag(ids, add=self.add, remove=self.remove) if ids else NO_CHANGES

    def restore(self, library: Library) -> Changes:
        # Compared by the writes themselves, not read first: a paper whose tag another
        # member changed meanwhile (took it off, put it back) keeps it as it is.
        added = {name: self.present - self.had[name] for name in self.add}
        removed = {name: self.had[name] for name in self.remove}
        changes, self.kept = library.tag_edits.take_back(added, removed)
        return changes


def tag_change(ids: Collection[int], name: str, *, add: bool) -> TagChange:
    verb = "tag" if add else "untag"
    text = f"{verb} {_noun(len(ids))} {name}"
    return TagChange(text, tuple(ids), add=(name,) if add else (), remove=() if add else (name,))


def tags_change(ids: Collection[int], add: Sequence[str], remove: Sequence[str]) -> TagChange:
    """Several tags at once (``readinglist tag 3 --add a --remove b``)."""
    added, removed = check_tag_change(add, remove)
    parts = [f"+{name}" for name in added] + [f"-{name}" for name in removed]
    return TagChange(f"tag {_noun(len(ids))} {' '.join(parts)}", tuple(ids), added, removed)


@dataclass
class DeleteChange:
    """Delete papers; undo brings them back from a snapshot, with everything they had."""

    text: str
    ids: tuple[int, ...]
    snapshots: list[PaperSnapshot] = dataclass_field(default_factory=list)
    skipped: tuple[int, ...] = ()  # not restored: a paper of that title came back since

    def record(self, library: Library) -> None:
        self.snapshots = library.snapshot(self.ids)

    def apply(self, library: Library) -> Changes:
        alive = [snapshot.paper.id for snapshot in self.snapshots]
        return library.delete(alive) if alive else NO_CHANGES

    def restore(self, library: Library) -> Changes:
        report = library.restore(self.snapshots)
        self.ids = tuple(report.ids.get(paper_id, paper_id) for paper_id in self.ids)
        self.skipped = report.skipped
        return report.changes


def delete_change(ids: Collection[int]) -> DeleteChange:
    return DeleteChange(f"delete {_noun(len(ids))}", tuple(ids))


Source = tuple[str, bytes]  # (name shown in messages, the digest's bytes)
# Imports one source undoably (the window and the command line hand big digests to a
# child process: readinglist.import_process.import_undoable).
Importer = Callable[[Library, bytes, str], ImportRecord]


def import_here(library: Library, data: bytes, name: str) -> ImportRecord:
    return library.import_undoable(data, name)


@dataclass
class ImportChange:
    """Digests imported (already, when it is recorded); undo takes every one back, newest
    first, and gives the papers each met their facts back (what the import and the
    lookups since wrote on them: :mod:`readinglist.core.fact_restore`); redo imports the
    same bytes again."""

    text: str
    sources: list[Source]
    records: list[ImportRecord]
    importer: Importer = import_here
    kept: tuple[int, ...] = ()  # at the last undo: papers with a value typed since, kept

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(i for record in self.records for i in record.summary.new_ids)

    def record(self, library: Library) -> None:
        """Nothing to read: each import keeps its own record."""

    def apply(self, library: Library) -> Changes:
        self.records = [self.importer(library, data, name) for name, data in self.sources]
        return merged(record.summary.changes for record in self.records)

    def restore(self, library: Library) -> Changes:
        done = NO_CHANGES
        kept: set[int] = set()
        for record in reversed(self.records):
            # The facts first: should the second transaction fail, the undo can be asked
            # again, and giving facts back that are already back changes nothing.
            changes, typed = library.identity.restore(record.before)
            kept.update(typed)
            done = done | changes | library.undo_import(record)
        self.kept = tuple(sorted(kept))
        return done


def import_change(
    sources: list[Source], records: list[ImportRecord], importer: Importer = import_here
) -> ImportChange:
    new = sum(record.summary.new for record in records)
    names = ", ".join(name for name, _ in sources)
    return ImportChange(f"import {names} ({new} new)", sources, records, importer)


@dataclass
class ListChange:
    """Add papers to a list, remove them or move them; undo gives the list its order back."""

    text: str
    name: str
    ids: tuple[int, ...]
    action: str  # "add", "remove" or "move"
    position: int = 0  # where "move" puts them
    previous: tuple[int, ...] = ()

    def record(self, library: Library) -> None:
        self.previous = library.lists.get(self.name).paper_ids

    def apply(self, library: Library) -> Changes:
        if self.action == "add":
            return library.lists.add(self.name, self.ids)
        if self.action == "remove":
            return library.lists.remove(self.name, self.ids)
        return library.lists.move(self.name, self.ids, self.position)

    def restore(self, library: Library) -> Changes:
        return library.lists.set_papers(self.name, self.previous)


def add_change(name: str, ids: Sequence[int]) -> ListChange:
    return ListChange(f"add {_noun(len(ids))} to {name}", name, tuple(ids), "add")


def remove_change(name: str, ids: Sequence[int]) -> ListChange:
    return ListChange(f"remove {_noun(len(ids))} from {name}", name, tuple(ids), "remove")


def move_change(name: str, ids: Sequence[int], position: int) -> ListChange:
    return ListChange(f"move {_noun(len(ids))} in {name}", name, tuple(ids), "move", position)


LIST_CHANGED = Changes(count=1, lists=True, counts=True)


@dataclass
class ListLifeChange:
    """Create or delete a whole list; undo deletes it again or brings it back as it was
    (order, creation and added times: ``library.lists.restore``)."""

    text: str
    name: str
    create: bool
    snapshot: ListSnapshot | None = None  # the list as it was before it went

    @property
    def ids(self) -> tuple[int, ...]:
        return () if self.snapshot is None else self.snapshot.reading_list.paper_ids

    def record(self, library: Library) -> None:
        if not self.create:
            self.snapshot = library.lists.snapshot(self.name)

    def apply(self, library: Library) -> Changes:
        if not self.create:
            return library.lists.delete(self.name)
        if self.snapshot is not None:
            library.lists.restore(self.snapshot)  # redo: as it was when undone
        else:
            self.name = library.lists.create(self.name).name
        return LIST_CHANGED

    def restore(self, library: Library) -> Changes:
        if self.create:
            self.snapshot = library.lists.snapshot(self.name)
            return library.lists.delete(self.name)
        if self.snapshot is not None:
            library.lists.restore(self.snapshot)
        return LIST_CHANGED


def record_and_apply(change: Change) -> Callable[[Library], Changes]:
    def run(library: Library) -> Changes:
        change.record(library)
        return change.apply(library)

    return run

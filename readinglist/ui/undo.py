"""Undoable changes to papers, for the window's :class:`QUndoStack`.

A :class:`Change` knows how to record the papers' previous values, apply itself and
restore those values, all through the :class:`Library`. Every one of those steps runs on
the worker: a :class:`ChangeCommand` only submits them, in order, so an undo queued
behind its change always sees the change done and its previous values recorded.

Deletes keep a snapshot of the papers (history, tags, notes, appearances) and restore
it; an import keeps what it met and takes itself back; redo imports the same bytes again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from PySide6.QtGui import QUndoCommand

from readinglist import import_process
from readinglist.core.library import Library
from readinglist.core.models import PaperField, Priority, ReadStatus
from readinglist.core.snapshots import ImportRecord, PaperSnapshot
from readinglist.core.tags import normalize_tag

V = TypeVar("V")
NOTES_COMMAND_ID = 1


class Change(Protocol):
    """One change to some papers; each method runs on the worker."""

    text: str
    tags_changed: bool
    rows_changed: bool  # papers come or go: the table is queried again

    @property
    def ids(self) -> tuple[int, ...]:
        """The papers touched (after an undo of a delete: their ids now)."""

    def record(self, library: Library) -> None:
        """Read what the papers hold now, for :meth:`restore`."""

    def apply(self, library: Library) -> None: ...

    def restore(self, library: Library) -> None: ...


@dataclass
class ValueChange(Generic[V]):
    """Set one user field (status, rating, notes) on papers; undo gives each its own
    value back, in one transaction however many papers the selection held."""

    text: str
    ids: tuple[int, ...]
    value: V
    field: PaperField
    write: Callable[[Library, list[int], V], object]
    previous: dict[int, object] = dataclass_field(default_factory=dict)
    tags_changed: bool = False
    rows_changed: bool = False

    def record(self, library: Library) -> None:
        # One column of the papers, not the papers: a selection can be 100k of them.
        self.previous = library.field_values(self.ids, self.field)

    def apply(self, library: Library) -> None:
        alive = [paper_id for paper_id in self.ids if paper_id in self.previous]
        if alive:
            self.write(library, alive, self.value)

    def restore(self, library: Library) -> None:
        library.restore_field(self.previous, self.field)


def status_change(ids: Collection[int], status: ReadStatus) -> ValueChange[ReadStatus]:
    noun = "paper" if len(ids) == 1 else "papers"
    return ValueChange(
        f"mark {len(ids)} {noun} {status.value}",
        tuple(ids),
        status,
        "status",
        lambda library, ids, status: library.set_status(ids, status),
    )


def rating_change(ids: Collection[int], rating: int) -> ValueChange[int]:
    noun = "paper" if len(ids) == 1 else "papers"
    return ValueChange(
        f"rate {len(ids)} {noun} {rating}",
        tuple(ids),
        rating,
        "rating",
        lambda library, ids, rating: library.rate(ids, rating),
    )


def priority_change(ids: Collection[int], priority: Priority) -> ValueChange[Priority]:
    noun = "paper" if len(ids) == 1 else "papers"
    return ValueChange(
        f"set priority {priority.value} on {len(ids)} {noun}",
        tuple(ids),
        priority,
        "priority",
        lambda library, ids, priority: library.set_priority(ids, priority),
    )


def _set_notes(library: Library, ids: list[int], notes: str) -> None:
    for paper_id in ids:
        library.set_notes(paper_id, notes)


def notes_change(paper_id: int, notes: str) -> ValueChange[str]:
    return ValueChange("edit notes", (paper_id,), notes, "notes", _set_notes)


@dataclass
class TagChange:
    """Add or remove one tag on papers; undo touches only the papers it changed."""

    text: str
    ids: tuple[int, ...]
    name: str
    add: bool
    had: set[int] = dataclass_field(default_factory=set)  # papers that held the tag before
    present: set[int] = dataclass_field(default_factory=set)  # papers that existed before
    tags_changed: bool = True
    rows_changed: bool = False

    def record(self, library: Library) -> None:
        self.name = normalize_tag(self.name)
        self.present = library.existing_ids(self.ids)
        self.had = library.papers_with_tag(self.present, self.name)

    def apply(self, library: Library) -> None:
        ids = sorted(self.present)
        if ids:
            library.tag(ids, add=[self.name]) if self.add else library.tag(ids, remove=[self.name])

    def restore(self, library: Library) -> None:
        alive = library.existing_ids(self.present)
        if self.add:
            added = sorted(alive - self.had)
            if added:
                library.tag(added, remove=[self.name])
        else:
            removed = sorted(alive & self.had)
            if removed:
                library.tag(removed, add=[self.name])


def tag_change(ids: Collection[int], name: str, *, add: bool) -> TagChange:
    noun = "paper" if len(ids) == 1 else "papers"
    text = f"tag {len(ids)} {noun} {name}" if add else f"untag {len(ids)} {noun} {name}"
    return TagChange(text, tuple(ids), name, add)


@dataclass
class DeleteChange:
    """Delete papers; undo brings them back from a snapshot, with everything they had."""

    text: str
    ids: tuple[int, ...]
    snapshots: list[PaperSnapshot] = dataclass_field(default_factory=list)
    skipped: tuple[int, ...] = ()  # not restored: a paper of that title came back since
    tags_changed: bool = True
    rows_changed: bool = True

    def record(self, library: Library) -> None:
        self.snapshots = library.snapshot(self.ids)

    def apply(self, library: Library) -> None:
        alive = [snapshot.paper.id for snapshot in self.snapshots]
        if alive:
            library.delete(alive)

    def restore(self, library: Library) -> None:
        report = library.restore(self.snapshots)
        self.ids = tuple(report.ids.get(paper_id, paper_id) for paper_id in self.ids)
        self.skipped = report.skipped


def delete_change(ids: Collection[int]) -> DeleteChange:
    noun = "paper" if len(ids) == 1 else "papers"
    return DeleteChange(f"delete {len(ids)} {noun}", tuple(ids))


Source = tuple[str, bytes]  # (name shown in messages, the digest's bytes)


@dataclass
class ImportChange:
    """Digests imported (already, when it is pushed); undo takes every one back, newest
    first; redo imports the same bytes again."""

    text: str
    sources: list[Source]
    records: list[ImportRecord]
    library_dir: Path  # a big digest is imported again by a child process
    tags_changed: bool = False
    rows_changed: bool = True

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(i for record in self.records for i in record.summary.new_ids)

    def record(self, library: Library) -> None:
        """Nothing to read: each import keeps its own record."""

    def apply(self, library: Library) -> None:
        self.records = [
            import_process.import_undoable(library, self.library_dir, data, name)
            for name, data in self.sources
        ]

    def restore(self, library: Library) -> None:
        for record in reversed(self.records):
            library.undo_import(record)


def import_change(
    sources: list[Source], records: list[ImportRecord], library_dir: Path
) -> ImportChange:
    new = sum(record.summary.new for record in records)
    names = ", ".join(name for name, _ in sources)
    return ImportChange(f"import {names} ({new} new)", sources, records, library_dir)


def record_and_apply(change: Change) -> Callable[[Library], None]:
    def run(library: Library) -> None:
        change.record(library)
        change.apply(library)

    return run


Run = Callable[[Callable[[Library], None], Change], None]


class ChangeCommand(QUndoCommand):
    """A change already applied when pushed: the first redo does nothing.

    ``run(fn, change)`` submits ``fn(library)`` to the worker, then refreshes what
    ``change`` touched.
    """

    def __init__(self, change: Change, run: Run) -> None:
        super().__init__(change.text)
        self.change = change
        self._run = run
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._run(record_and_apply(self.change), self.change)

    def undo(self) -> None:
        self._run(self.change.restore, self.change)

    def id(self) -> int:
        is_notes = isinstance(self.change, ValueChange) and self.change.write is _set_notes
        return NOTES_COMMAND_ID if is_notes else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        """Notes typed on one paper in several pauses undo together."""
        if not isinstance(other, ChangeCommand) or other.id() != self.id():
            return False
        mine, theirs = self.change, other.change
        if not isinstance(mine, ValueChange) or not isinstance(theirs, ValueChange):
            return False
        if mine.ids != theirs.ids:
            return False
        mine.value = theirs.value
        return True

"""Edits that never lose another's: a paper changed from what a client read.

On a shared library two members can edit one paper at once: one opens its notes in an
editor, the other rates it meanwhile. An edit is therefore made from a *base*: the
paper's version and fields as read before the user started. When it is saved:

- the paper is still at that version: the edit is written;
- someone changed it since, but other fields: the edit is merged field by field
  (their fields kept, ours written);
- someone changed the same field to another value: nothing is written, and the
  conflict (the field, their value and ours) goes back to the user to choose.

Never silently dropped: the answer says which of the three happened. The version is
kept by the storage (one more at every UPDATE of the paper), so every writer counts,
not only the ones that use this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from readinglist.core.errors import LibraryBusyError, NotFoundError, ReadingListError

# The per-paper fields an edit can change, as the storage stores them (status and
# priority as their text values).
EDITABLE = ("status", "priority", "rating", "notes")
_SHOWN_CHARS = 40


@dataclass(frozen=True)
class PaperState:
    """A paper as read: its version and the editable fields."""

    version: int
    fields: dict[str, object]


@dataclass(frozen=True)
class FieldConflict:
    """One field both sides changed, to different values."""

    field: str
    theirs: object
    mine: object


@dataclass(frozen=True)
class EditOutcome:
    """What saving an edit did: ``written`` (the fields written), ``kept`` (fields
    another changed meanwhile, kept: the edit was merged) and ``conflicts`` (then
    nothing was written)."""

    written: dict[str, object] = field(default_factory=dict)
    kept: tuple[str, ...] = ()
    conflicts: tuple[FieldConflict, ...] = ()

    @property
    def merged(self) -> bool:
        return bool(self.kept) and bool(self.written)


def _shown(value: object) -> str:
    """A value in a one-line message: its repr (quoted, newlines escaped), shortened."""
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


class EditConflictError(ReadingListError):
    """The same field was changed by someone else: nothing was overwritten."""

    def __init__(
        self, paper_id: int, conflicts: tuple[FieldConflict, ...], kept_in: str | None = None
    ) -> None:
        self.paper_id = paper_id
        self.conflicts = conflicts
        parts = "; ".join(
            f"{c.field}: theirs {_shown(c.theirs)}, yours {_shown(c.mine)}" for c in conflicts
        )
        where = f"; yours are kept in {kept_in}" if kept_in else ""
        super().__init__(
            f"paper {paper_id} was changed by someone else meanwhile ({parts});"
            f" nothing was overwritten{where}: choose and set it again"
        )


def merge(
    base: Mapping[str, object], mine: Mapping[str, object], theirs: Mapping[str, object]
) -> tuple[dict[str, object], tuple[str, ...], tuple[FieldConflict, ...]]:
    """Field by field: (what to write, the fields of theirs kept, the conflicts).

    ``mine`` holds only the fields this edit changed. A field only we changed is
    written; one they changed too, to the same value, needs nothing; one they changed
    to another value is a conflict. Fields only they changed are theirs, untouched.
    """
    write: dict[str, object] = {}
    conflicts: list[FieldConflict] = []
    for name, value in mine.items():
        if theirs[name] == value:
            continue
        if theirs[name] == base[name]:
            write[name] = value
        else:
            conflicts.append(FieldConflict(name, theirs[name], value))
    kept = tuple(name for name in EDITABLE if theirs[name] != base[name] and name not in mine)
    return write, kept, tuple(conflicts)


class VersionedWork(Protocol):
    def paper_state(self, paper_id: int) -> PaperState | None: ...

    def write_if_version(
        self, paper_id: int, version: int, values: Mapping[str, object], now: datetime
    ) -> bool: ...


class VersionedStore(Protocol):
    def unit_of_work(self, write: bool = False) -> AbstractContextManager[VersionedWork]: ...


def read_base(store: VersionedStore, paper_id: int) -> PaperState:
    """The paper as an edit starts from it."""
    with store.unit_of_work() as uow:
        state = uow.paper_state(paper_id)
    if state is None:
        raise NotFoundError(f"no paper with id {paper_id}")
    return state


def save_edit(
    store: VersionedStore,
    paper_id: int,
    base: PaperState,
    mine: Mapping[str, object],
    now: datetime,
    attempts: int = 3,
) -> EditOutcome:
    """Save the fields ``mine`` changed from ``base`` (see the module's docstring).

    Read and written in one writing transaction (the library's write lock held), the
    write conditional on the version read there: a writer that bypassed the lock makes
    it read again, up to ``attempts`` times (then the library is busy).
    """
    unknown = set(mine) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not an editable field: {sorted(unknown)}")
    changed = {name: value for name, value in mine.items() if base.fields[name] != value}
    for _ in range(attempts):
        with store.unit_of_work(write=True) as uow:
            current = uow.paper_state(paper_id)
            if current is None:
                raise NotFoundError(f"no paper with id {paper_id}")
            write: dict[str, object] = dict(changed)
            kept: tuple[str, ...] = ()
            conflicts: tuple[FieldConflict, ...] = ()
            if current.version != base.version:
                write, kept, conflicts = merge(base.fields, changed, current.fields)
            if conflicts:
                return EditOutcome(kept=kept, conflicts=conflicts)
            if not write or uow.write_if_version(paper_id, current.version, write, now):
                return EditOutcome(written=write, kept=kept)
    raise LibraryBusyError("the paper kept changing while saving; nothing was changed, try again")

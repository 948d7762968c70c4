"""Everything needed to bring deleted papers back, and to take an import back.

Undo in the window is built on these: a delete keeps :class:`PaperSnapshot` values of
the papers it removed, an import keeps an :class:`ImportRecord`. They are plain
values, so the GUI thread may hold them between the worker's jobs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from readinglist.core.changes import Changes
from readinglist.core.group import GroupRecords
from readinglist.core.models import ImportSummary, Paper, ReadingList, StatusChange, TimeSpent


@dataclass(frozen=True, slots=True)
class MemberState:
    """One member's own row of a paper's reading state on a shared library, as stored:
    a field None is one the member left to the paper's shared value."""

    member: str
    status: str | None
    priority: str | None
    rating: int | None
    notes: str | None
    minutes: int | None
    time_recorded_at: datetime | None
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MemberHistory:
    """A status change of a shared library's paper and whose it is (None: the shared
    past, before members kept their own)."""

    member: str | None
    change: StatusChange


@dataclass(frozen=True, slots=True)
class SharedState:
    """A shared library's paper's reading state of every member, exactly as stored: its
    own (shared) columns, each member's row and the whole status history. A delete by
    one member removes all of it; its undo puts all of it back."""

    status: str
    priority: str
    rating: int
    notes: str
    time_spent: TimeSpent | None
    members: tuple[MemberState, ...] = ()
    history: tuple[MemberHistory, ...] = ()


@dataclass(frozen=True, slots=True)
class PaperSnapshot:
    """A paper with all that hangs on it: history, tag colours, digest appearances and
    its places in reading lists."""

    paper: Paper
    title_key: str
    status_history: tuple[StatusChange, ...]
    appearances: tuple[tuple[int, int], ...]  # (digest id, position in the digest)
    tag_colours: tuple[tuple[str, str | None], ...]  # each tag of the paper, its colour
    list_items: tuple[tuple[int, int, datetime], ...] = ()  # (list id, position, added)
    # The group's comments on it and its presenter: an undone delete loses neither.
    group: GroupRecords = field(default_factory=GroupRecords)
    # On a shared library: every member's state as stored (``paper`` and
    # ``status_history`` are the deleting member's view of it). None on an embedded
    # library, and in an undo history written before it was kept.
    shared: SharedState | None = None


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What a restore did: the papers' ids now (``old id -> id``) and those skipped,
    because a paper with the same title came into the library since."""

    ids: dict[int, int]
    skipped: tuple[int, ...] = ()

    @property
    def changes(self) -> Changes:
        """The papers back in the library (with their tags and list places)."""
        back = frozenset(self.ids.values())
        return Changes(count=len(back), added=back, tags=True, lists=True, counts=True)


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """An import and the papers it met as they were before it (to take it back)."""

    summary: ImportSummary
    before: tuple[Paper, ...]


@dataclass(frozen=True, slots=True)
class ListSnapshot:
    """A reading list as it was, for undoing its delete: its papers in order, and when
    each was added."""

    reading_list: ReadingList
    added: tuple[datetime, ...]  # one per paper of the list, in its order

"""Whose reading state a unit of work reads and writes: the one place that knows.

A paper's reading state (status and its history, priority, rating, notes, time spent)
is private to the person reading it. An embedded (SQLite) library has one reader: the
state is the paper's own columns (and ``reading_times``), read and written as they
always were, with no join, so the default path costs what it did. A shared library
(PostgreSQL) has members: each member's state is their row of ``member_states``, joined
to ``papers`` on its primary key (paper id, member). A field the member never set is
NULL there and reads as the paper's own column: the library's shared value (the
defaults, or what the group had before migration 0009), so nothing of an upgraded
library is dropped and a paper a member never touched needs no row.

The scope is decided once, when the library is opened (:meth:`SqlStore.open`): no
member on SQLite, the machine's member name on PostgreSQL. A shared library opened
without a member name reads the shared values and refuses to write private state, with
the one-line message the group commands give (readinglist/member.py).

Every query that filters, sorts, counts or reads these fields takes its columns from
:meth:`StateScope.column` after :meth:`StateScope.join`; every write of them goes
through :func:`write_state` (an UPDATE of ``papers`` for the single reader, an upsert
of ``member_states`` for a member) and :meth:`StateScope.change` (the history row).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, null, or_, select, true, update
from sqlalchemy.orm import Session

from readinglist.core.errors import ReadingListError
from readinglist.core.models import Paper, Priority, ReadStatus, TimeSpent
from readinglist.storage.batching import chunks
from readinglist.storage.orm import MemberStateRow, PaperRow, StatusChangeRow

# The private fields as ``papers`` and ``member_states`` both name them.
STATE_FIELDS = ("status", "priority", "rating", "notes")
# Rows of one upsert statement: a few parameters each, far below either database's limit.
_UPSERT_ROWS = 100
# What ``member_states.minutes`` holds for a time the member cleared.
CLEARED_MINUTES = 0


@dataclass(frozen=True)
class StateScope:
    """Whose state: ``member`` None is the library's single reader (SQLite) or, with
    ``shared``, a machine without a member name (reads the shared values, writes none)."""

    member: str | None = None
    shared: bool = False
    # Why a write is refused on a shared library without a member name.
    no_member_message: str = "reading state is private to each member: set a member name"

    @property
    def private(self) -> bool:
        """Whether this scope reads and writes a member's own rows."""
        return self.member is not None

    def column(self, field: str) -> ColumnElement[Any]:
        """A state field as this scope sees it (needs :meth:`join` in the statement)."""
        own: ColumnElement[Any] = getattr(PaperRow, field)
        if self.member is None:
            return own
        return func.coalesce(getattr(MemberStateRow, field), own)

    def join(self, statement: Select[Any]) -> Select[Any]:
        """``statement`` with the member's rows outer-joined (by their primary key), or
        as it is for the single reader. The statement must select from ``papers``."""
        if self.member is None:
            return statement
        return statement.outerjoin(
            MemberStateRow,
            and_(MemberStateRow.paper_id == PaperRow.id, MemberStateRow.member == self.member),
        )

    def time_columns(self) -> tuple[Any, Any]:
        """The member's own minutes and their time (NULLs for the single reader): see
        :func:`time_spent`. Needs :meth:`join` too."""
        if self.member is None:
            return null(), null()
        return MemberStateRow.minutes, MemberStateRow.time_recorded_at

    def version_column(self) -> Any:
        """What an edit of the state checks: the paper's version for the single
        reader; the member's row's for a member (0: no row yet), so another member's
        edits never conflict with this one's. Needs :meth:`join`."""
        if self.member is None:
            return PaperRow.version
        return func.coalesce(MemberStateRow.version, 0)

    def history(self) -> ColumnElement[bool]:
        """Which ``status_changes`` rows are this scope's history: all of them on an
        embedded library; on a shared one the rows of no member (the shared past)
        and the member's own."""
        if not self.shared:
            return true()
        shared_rows = StatusChangeRow.member.is_(None)
        if self.member is None:
            return shared_rows
        return or_(shared_rows, StatusChangeRow.member == self.member)

    def change(self, paper_id: int, status: str, now: datetime) -> StatusChangeRow:
        """A history row of a status this scope set."""
        return StatusChangeRow(paper_id=paper_id, status=status, changed_at=now, member=self.member)

    def check_writer(self) -> None:
        """Refuse a private write nobody could own (a shared library, no member name)."""
        if self.shared and self.member is None:
            raise ReadingListError(self.no_member_message)


def store_scope(dialect: str) -> StateScope:
    """The scope a library opened on this database has: the single reader on SQLite;
    on PostgreSQL, the member name set on this machine (readinglist/member.py)."""
    if dialect != "postgresql":
        return StateScope()
    from readinglist.member import HOW_TO_SET, member_name

    return StateScope(
        member_name(),
        shared=True,
        no_member_message=f"reading state is private to each member: {HOW_TO_SET}",
    )


def time_spent(
    shared: TimeSpent | None, minutes: int | None, recorded_at: datetime | None
) -> TimeSpent | None:
    """The time a scope sees: the member's own (cleared: none), else the shared one."""
    if minutes is None:
        return shared
    if minutes == CLEARED_MINUTES or recorded_at is None:
        return None
    return TimeSpent(minutes, recorded_at)


def write_state(
    session: Session,
    scope: StateScope,
    ids: Sequence[int],
    values: Mapping[str, object],
    now: datetime,
) -> None:
    """Give these papers these state values (``STATE_FIELDS`` names, or the member's
    ``minutes``/``time_recorded_at``); the caller adds the history row of a status.

    The single reader's UPDATE of ``papers`` bumps the paper's version and
    ``updated_at`` as before. A member's upsert leaves ``papers`` alone: another
    member's edit of the paper is not made stale by a private change, and the shared
    "updated" time tells nobody what a member did.
    """
    scope.check_writer()
    if scope.member is None:
        for chunk in chunks(sorted(set(ids))):
            session.execute(
                update(PaperRow).where(PaperRow.id.in_(chunk)).values({**values, "updated_at": now})
            )
        return
    for chunk in chunks(sorted(set(ids)), _UPSERT_ROWS):
        session.execute(_upsert(session, scope.member, chunk, values, now))


def conflict_insert(session: Session, table: Any) -> Any:
    """An INSERT that can say ``ON CONFLICT``: both dialects spell it the same way
    through their own ``insert``."""
    # Imported here: the PostgreSQL dialect costs every command on an embedded library
    # tens of milliseconds of imports for nothing.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def _upsert(
    session: Session,
    member: str,
    ids: Sequence[int],
    values: Mapping[str, object],
    now: datetime,
) -> Any:
    """INSERT ... ON CONFLICT (paper_id, member) DO UPDATE of the given fields only."""
    statement = conflict_insert(session, MemberStateRow).values(
        [
            {"paper_id": paper_id, "member": member, **values, "version": 1, "updated_at": now}
            for paper_id in ids
        ]
    )
    return statement.on_conflict_do_update(
        index_elements=[MemberStateRow.paper_id, MemberStateRow.member],
        set_={
            **{name: statement.excluded[name] for name in values},
            "version": MemberStateRow.version + 1,
            "updated_at": now,
        },
    )


def write_where(
    session: Session,
    scope: StateScope,
    ids: Sequence[int],
    field: str,
    expected: object,
    value: object,
    now: datetime,
) -> set[int]:
    """Give ``field`` the ``value`` on those of these papers where it still holds
    ``expected``, in the UPDATE's own WHERE (a compare-and-set: an undo then never
    overwrites a change another writer made after its read; PostgreSQL re-checks the
    condition on the row a concurrent writer committed). Returns the papers written.

    A member's state is compared in their own row only: no row, or a field their row
    leaves to the shared value, was not set by the member, so nothing is written."""
    scope.check_writer()
    written: set[int] = set()
    for chunk in chunks(sorted(set(ids))):
        if scope.member is None:
            statement = (
                update(PaperRow)
                .where(PaperRow.id.in_(chunk), getattr(PaperRow, field) == expected)
                .values({field: value, "updated_at": now})
                .returning(PaperRow.id)
            )
        else:
            statement = (
                update(MemberStateRow)
                .where(
                    MemberStateRow.paper_id.in_(chunk),
                    MemberStateRow.member == scope.member,
                    getattr(MemberStateRow, field) == expected,
                )
                .values({field: value, "version": MemberStateRow.version + 1, "updated_at": now})
                .returning(MemberStateRow.paper_id)
            )
        written.update(session.execute(statement).scalars())
    return written


def write_if_version(
    session: Session,
    scope: StateScope,
    paper_id: int,
    version: int,
    values: Mapping[str, object],
    now: datetime,
) -> bool:
    """Write ``values`` if the state is still at ``version`` (see
    :meth:`StateScope.version_column`): True when written, False when it moved on."""
    scope.check_writer()
    if scope.member is None:
        return (
            session.execute(
                update(PaperRow)
                .where(PaperRow.id == paper_id, PaperRow.version == version)
                .values({**values, "updated_at": now})
                .returning(PaperRow.id)
            ).first()
            is not None
        )
    if version == 0:  # no row when read: only an insert that meets none may write
        statement = (
            conflict_insert(session, MemberStateRow)
            .values(paper_id=paper_id, member=scope.member, **values, version=1, updated_at=now)
            .on_conflict_do_nothing(index_elements=[MemberStateRow.paper_id, MemberStateRow.member])
            .returning(MemberStateRow.paper_id)
        )
        return session.execute(statement).first() is not None
    written = session.execute(
        update(MemberStateRow)
        .where(
            MemberStateRow.paper_id == paper_id,
            MemberStateRow.member == scope.member,
            MemberStateRow.version == version,
        )
        .values({**values, "version": version + 1, "updated_at": now})
        .returning(MemberStateRow.paper_id)
    ).first()
    return written is not None


def state_values(
    session: Session, scope: StateScope, ids: Sequence[int], field: str
) -> dict[int, object]:
    """Each existing paper's value of one state field as the scope sees it."""
    column = scope.column(field)
    found: dict[int, object] = {}
    for chunk in chunks(sorted(set(ids))):
        rows = session.execute(
            scope.join(select(PaperRow.id, column).select_from(PaperRow)).where(
                PaperRow.id.in_(chunk)
            )
        )
        found.update((paper_id, value) for paper_id, value in rows)
    return found


def set_state_field(
    session: Session,
    scope: StateScope,
    ids: Sequence[int],
    field: str,
    value: object,
    now: datetime,
) -> list[int]:
    """Give papers one value of a field; returns the ids whose value changed (a status
    change is kept in the history too). The single reader's statement is the one it
    always was: one UPDATE ... RETURNING a chunk."""
    scope.check_writer()
    changed: list[int] = []
    if scope.member is None and field != "status":
        attribute = getattr(PaperRow, field)
        for chunk in chunks(sorted(set(ids))):
            changed.extend(
                session.scalars(
                    update(PaperRow)
                    .where(PaperRow.id.in_(chunk), attribute != value)
                    .values({field: value, "updated_at": now})
                    .returning(PaperRow.id)
                )
            )
        return changed
    column = scope.column(field)
    for chunk in chunks(sorted(set(ids))):
        changed.extend(
            session.scalars(
                scope.join(select(PaperRow.id).select_from(PaperRow)).where(
                    PaperRow.id.in_(chunk), column != value
                )
            )
        )
    write_state(session, scope, changed, {field: value}, now)
    if field == "status":
        session.add_all(scope.change(paper_id, str(value), now) for paper_id in changed)
    return changed


def member_values(paper: Paper) -> dict[str, object]:
    """A paper's reading state as a member's row holds it (all fields set)."""
    spent = paper.time_spent
    return {
        "status": paper.status.value,
        "priority": paper.priority.value,
        "rating": paper.rating,
        "notes": paper.notes,
        "minutes": CLEARED_MINUTES if spent is None else spent.minutes,
        "time_recorded_at": None if spent is None else spent.recorded_at,
    }


def unshare(row: PaperRow, scope: StateScope) -> None:
    """A paper row about to be put back by a member (an undone delete) keeps none of
    the member's state in its shared columns: those get the defaults, the history the
    member's name; :func:`member_values` then go to the member's row."""
    row.status = ReadStatus.UNREAD.value
    row.priority = Priority.NONE.value
    row.rating = 0
    row.notes = ""
    row.time_spent = None
    for change in row.history:
        change.member = scope.member


def add_paper_row(session: Session, scope: StateScope, row: PaperRow, paper: Paper) -> None:
    """Add (and flush) a paper's row built from a whole paper (a backup's, an undone
    delete's): a member's state in it goes to the member's row, never to the paper's
    shared columns, where every member would see it."""
    private = scope.private
    if private:
        unshare(row, scope)
    session.add(row)
    session.flush()
    if private:
        write_state(session, scope, [row.id], member_values(paper), paper.updated_at)


def own_state_ids(session: Session, scope: StateScope) -> list[int]:
    """The papers the scope's member has state of (none for the single reader)."""
    if scope.member is None:
        return []
    return list(
        session.scalars(
            select(MemberStateRow.paper_id).where(MemberStateRow.member == scope.member)
        )
    )

"""Every member's reading state of papers about to be deleted, and its exact return.

Deleting a paper is the group's act: its row goes, and with it (``ON DELETE CASCADE``)
every member's row of ``member_states``, every status change of its history and its
shared time spent. The undo of that delete puts all of it back as it was stored, not
just the deleting member's view: :func:`shared_states` reads it before the delete,
:func:`add_shared_paper_row` writes it back (the shared columns, each member's row with
its version, the history with whose each change is), and :func:`others_with_state`
names the members a delete would take state from, so the front ends can say so first.

Only a shared library has members: on an embedded one the reader's state is the
paper's own, which a snapshot's paper already holds (storage/restore.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from readinglist.core.models import ReadStatus, StatusChange, TimeSpent
from readinglist.core.snapshots import MemberHistory, MemberState, SharedState
from readinglist.storage.batching import chunks
from readinglist.storage.member_state import StateScope
from readinglist.storage.orm import MemberStateRow, PaperRow, StatusChangeRow, TimeSpentRow

# A member's row as a snapshot keeps it, besides its paper and member: all of it.
_KEPT = (
    "status",
    "priority",
    "rating",
    "notes",
    "minutes",
    "time_recorded_at",
    "version",
    "updated_at",
)


def shared_states(session: Session, ids: Collection[int]) -> dict[int, SharedState]:
    """Each existing paper's state of every member as stored (chunked: any number)."""
    members: dict[int, list[MemberState]] = defaultdict(list)
    history: dict[int, list[MemberHistory]] = defaultdict(list)
    found: dict[int, SharedState] = {}
    for chunk in chunks(sorted(set(ids))):
        for row in session.scalars(
            select(MemberStateRow)
            .where(MemberStateRow.paper_id.in_(chunk))
            .order_by(MemberStateRow.paper_id, MemberStateRow.member)
        ):
            members[row.paper_id].append(
                MemberState(member=row.member, **{name: getattr(row, name) for name in _KEPT})
            )
        for change in session.scalars(
            select(StatusChangeRow)
            .where(StatusChangeRow.paper_id.in_(chunk))
            .order_by(StatusChangeRow.id)
        ):
            history[change.paper_id].append(
                MemberHistory(
                    change.member, StatusChange(ReadStatus(change.status), change.changed_at)
                )
            )
        rows = session.execute(
            select(
                PaperRow.id,
                PaperRow.status,
                PaperRow.priority,
                PaperRow.rating,
                PaperRow.notes,
                TimeSpentRow.minutes,
                TimeSpentRow.recorded_at,
            )
            .outerjoin(TimeSpentRow, TimeSpentRow.paper_id == PaperRow.id)
            .where(PaperRow.id.in_(chunk))
        )
        for paper_id, status, priority, rating, notes, minutes, recorded_at in rows:
            found[paper_id] = SharedState(
                status=status,
                priority=priority,
                rating=rating,
                notes=notes,
                time_spent=None if minutes is None else TimeSpent(minutes, recorded_at),
                members=tuple(members[paper_id]),
                history=tuple(history[paper_id]),
            )
    return found


def add_shared_paper_row(session: Session, row: PaperRow, state: SharedState) -> None:
    """Add (and flush) a paper's row with every member's state exactly as
    :func:`shared_states` read it; the row's own state columns are replaced."""
    row.status = state.status
    row.priority = state.priority
    row.rating = state.rating
    row.notes = state.notes
    spent = state.time_spent
    row.time_spent = None
    if spent is not None:
        row.time_spent = TimeSpentRow(minutes=spent.minutes, recorded_at=spent.recorded_at)
    row.history = [
        StatusChangeRow(
            status=entry.change.status.value,
            changed_at=entry.change.changed_at,
            member=entry.member,
        )
        for entry in state.history
    ]
    session.add(row)
    session.flush()
    session.add_all(
        MemberStateRow(
            paper_id=row.id,
            member=member.member,
            **{name: getattr(member, name) for name in _KEPT},
        )
        for member in state.members
    )


def others_with_state(session: Session, scope: StateScope, ids: Collection[int]) -> list[str]:
    """The members other than the scope's own who have reading state (a row of their
    own, or a status change) on any of these papers, by name; none on an embedded
    library. A delete of the papers would take it from them."""
    if not scope.shared:
        return []
    names: set[str] = set()
    for chunk in chunks(sorted(set(ids))):
        own = select(MemberStateRow.member).where(MemberStateRow.paper_id.in_(chunk))
        changes = select(StatusChangeRow.member).where(
            StatusChangeRow.paper_id.in_(chunk), StatusChangeRow.member.is_not(None)
        )
        names.update(name for name in session.scalars(union(own, changes)) if name is not None)
    names.discard(scope.member or "")
    return sorted(names)

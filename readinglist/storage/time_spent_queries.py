"""The reader's recorded time per paper (``reading_times``): the unit of work's part of
:class:`readinglist.core.ports.TimeSpentStore`, and the rows' domain value.

Mixed into the unit of work (``storage.store.SqlUnitOfWork``) so store.py stays small.
Dialect-neutral: the single reader's changed time is an UPDATE of its row or an
INSERT, a cleared one a DELETE; a member's time is part of their ``member_states`` row,
written through storage/member_state.py like the rest of their state.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, literal, select, update
from sqlalchemy.orm import Session

from readinglist.core.models import TimeSpent
from readinglist.storage.batching import chunks
from readinglist.storage.member_state import (
    CLEARED_MINUTES,
    StateScope,
    conflict_insert,
    time_spent,
    write_state,
)
from readinglist.storage.orm import MemberStateRow, PaperRow, TimeSpentRow
from readinglist.storage.types import UTCDateTime


def to_time_spent(row: TimeSpentRow | None) -> TimeSpent | None:
    return None if row is None else TimeSpent(row.minutes, row.recorded_at)


class TimeSpentQueries:
    """Reads and writes of ``reading_times`` on the unit of work's session; a member's
    own times are in their ``member_states`` rows (storage/member_state.py)."""

    session: Session
    scope: StateScope
    touched: set[int]

    def times_spent(self, ids: Collection[int]) -> dict[int, TimeSpent]:
        shared = self._shared_times(ids)
        if not self.scope.private:
            return shared
        found: dict[int, TimeSpent] = {}
        for chunk in chunks(sorted(set(ids))):
            rows = self.session.execute(
                select(MemberStateRow.paper_id, *self.scope.time_columns()).where(
                    MemberStateRow.paper_id.in_(chunk), MemberStateRow.member == self.scope.member
                )
            )
            own = {paper_id: (minutes, at) for paper_id, minutes, at in rows}
            for paper_id in chunk:
                minutes, at = own.get(paper_id, (None, None))
                seen = time_spent(shared.get(paper_id), minutes, at)
                if seen is not None:
                    found[paper_id] = seen
        return found

    def _shared_times(self, ids: Collection[int]) -> dict[int, TimeSpent]:
        found: dict[int, TimeSpent] = {}
        for chunk in chunks(sorted(set(ids))):
            rows = self.session.scalars(
                select(TimeSpentRow).where(TimeSpentRow.paper_id.in_(chunk))
            )
            for row in rows:
                found[row.paper_id] = TimeSpent(row.minutes, row.recorded_at)
        return found

    def put_times_spent(self, values: Mapping[int, TimeSpent | None]) -> int:
        """Writes only what differs; the papers whose time changed go to the outbox
        (nothing the index holds changed, but a shared library's other windows hear of
        it through the change feed)."""
        held = self.times_spent(values)
        if self.scope.private:
            return self._put_own_times(values, held)
        self.scope.check_writer()
        changed: list[int] = []
        for paper_id, value in sorted(values.items()):
            old = held.get(paper_id)
            if old == value:
                continue
            if value is None:
                self.session.execute(delete(TimeSpentRow).where(TimeSpentRow.paper_id == paper_id))
            elif old is None:
                self.session.add(
                    TimeSpentRow(
                        paper_id=paper_id, minutes=value.minutes, recorded_at=value.recorded_at
                    )
                )
            else:
                self.session.execute(
                    update(TimeSpentRow)
                    .where(TimeSpentRow.paper_id == paper_id)
                    .values(minutes=value.minutes, recorded_at=value.recorded_at)
                )
            changed.append(paper_id)
        self.session.flush()
        self.touched.update(changed)
        return len(changed)

    def _put_own_times(
        self, values: Mapping[int, TimeSpent | None], held: Mapping[int, TimeSpent]
    ) -> int:
        """A member's times: their own rows' minutes (a cleared one as 0, so the
        library's shared time does not show through again)."""
        now = datetime.now(UTC)  # the row's bookkeeping time only
        changed: list[int] = []
        for paper_id, value in sorted(values.items()):
            if held.get(paper_id) == value:
                continue
            own: dict[str, object] = (
                {"minutes": CLEARED_MINUTES, "time_recorded_at": None}
                if value is None
                else {"minutes": value.minutes, "time_recorded_at": value.recorded_at}
            )
            write_state(self.session, self.scope, [paper_id], own, now)
            changed.append(paper_id)
        self.touched.update(changed)
        return len(changed)

    def put_times_spent_if(
        self, values: Mapping[int, TimeSpent | None], expected: int | None
    ) -> set[int]:
        """Each paper its time back (an undo) where its minutes are still ``expected``
        (None: no time) at the write itself: an UPDATE or DELETE whose WHERE holds the
        minutes, or an INSERT that meets no row; not a read and then a write, so a time
        another client recorded meanwhile stays. Returns the papers written."""
        self.scope.check_writer()
        by_value: dict[TimeSpent | None, list[int]] = {}
        for paper_id, value in values.items():
            if (None if value is None else value.minutes) != expected:
                by_value.setdefault(value, []).append(paper_id)
        written: set[int] = set()
        for value, group in by_value.items():
            for chunk in chunks(sorted(group)):
                written.update(self.session.scalars(self._time_where(chunk, expected, value)))
        self.touched.update(written)
        return written

    def _time_where(self, ids: Sequence[int], expected: int | None, value: TimeSpent | None) -> Any:
        """The statement of :meth:`put_times_spent_if` for papers of one value."""
        if self.scope.private:  # the member's own row: a cleared time is 0 minutes there
            own = MemberStateRow.minutes == (CLEARED_MINUTES if expected is None else expected)
            return (
                update(MemberStateRow)
                .where(
                    MemberStateRow.paper_id.in_(ids),
                    MemberStateRow.member == self.scope.member,
                    own,
                )
                .values(
                    minutes=CLEARED_MINUTES if value is None else value.minutes,
                    time_recorded_at=None if value is None else value.recorded_at,
                    version=MemberStateRow.version + 1,
                    updated_at=datetime.now(UTC),
                )
                .returning(MemberStateRow.paper_id)
            )
        held = TimeSpentRow.minutes == expected
        if value is None:
            return (
                delete(TimeSpentRow)
                .where(TimeSpentRow.paper_id.in_(ids), held)
                .returning(TimeSpentRow.paper_id)
            )
        if expected is not None:
            return (
                update(TimeSpentRow)
                .where(TimeSpentRow.paper_id.in_(ids), held)
                .values(minutes=value.minutes, recorded_at=value.recorded_at)
                .returning(TimeSpentRow.paper_id)
            )
        papers = select(
            PaperRow.id, literal(value.minutes), literal(value.recorded_at, UTCDateTime())
        ).where(PaperRow.id.in_(ids))
        return (
            conflict_insert(self.session, TimeSpentRow)
            .from_select(["paper_id", "minutes", "recorded_at"], papers)
            .on_conflict_do_nothing(index_elements=[TimeSpentRow.paper_id])
            .returning(TimeSpentRow.paper_id)
        )

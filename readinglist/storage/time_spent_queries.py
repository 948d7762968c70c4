"""The reader's recorded time per paper (``reading_times``): the unit of work's part of
:class:`readinglist.core.ports.TimeSpentStore`, and the rows' domain value.

Mixed into the unit of work (``storage.store.SqlUnitOfWork``) so store.py stays small.
Dialect-neutral: a changed time is an UPDATE of its row or an INSERT, a cleared one a
DELETE; no upsert syntax of one database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from readinglist.core.models import TimeSpent
from readinglist.storage.batching import chunks
from readinglist.storage.orm import TimeSpentRow


def to_time_spent(row: TimeSpentRow | None) -> TimeSpent | None:
    return None if row is None else TimeSpent(row.minutes, row.recorded_at)


class TimeSpentQueries:
    """Reads and writes of ``reading_times`` on the unit of work's session."""

    session: Session
    touched: set[int]

    def times_spent(self, ids: Collection[int]) -> dict[int, TimeSpent]:
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

"""What the reading tracker reads (``readinglist.core.stats_cases.StatsReads``).

Dialect-neutral SQLAlchemy: counts per status, the last time a paper became queued and
the first digest a paper appeared in are aggregated by the database (GROUP BY, MAX,
MIN); only the status history itself comes back row by row, since the backlog at each
week's end replays it in order (20k rows: tens of milliseconds).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from readinglist.core.metadata import Field
from readinglist.core.models import Priority, ReadStatus
from readinglist.core.stats import StatusEvent
from readinglist.core.stats_cases import ReadingTracker
from readinglist.core.week_plan import PlanCandidate
from readinglist.storage.batching import chunks
from readinglist.storage.member_state import CLEARED_MINUTES, StateScope
from readinglist.storage.orm import (
    AppearanceRow,
    DigestRow,
    FactRow,
    MemberStateRow,
    PaperRow,
    PaperTagRow,
    StatusChangeRow,
    TagRow,
    TimeSpentRow,
)
from readinglist.storage.store import SqlStore


class StatsQueries:
    """The tracker's reads on one session (one transaction), of the reading state of
    ``scope`` (a member's own on a shared library: storage/member_state.py)."""

    def __init__(self, session: Session, scope: StateScope | None = None) -> None:
        self.session = session
        self.scope = scope or StateScope()

    def status_events(self) -> list[StatusEvent]:
        rows = self.session.execute(
            select(StatusChangeRow.paper_id, StatusChangeRow.status, StatusChangeRow.changed_at)
            .where(self.scope.history())
            .order_by(StatusChangeRow.changed_at, StatusChangeRow.id)
        )
        statuses = {status.value: status for status in ReadStatus}
        return [StatusEvent(paper_id, statuses[status], at) for paper_id, status, at in rows]

    def status_counts(self) -> dict[ReadStatus, int]:
        status = self.scope.column("status")
        rows = self.session.execute(
            self.scope.join(select(status, func.count(PaperRow.id)).select_from(PaperRow)).group_by(
                status
            )
        )
        return {ReadStatus(status): count for status, count in rows}

    def paper_tags(self, ids: Collection[int]) -> dict[int, list[str]]:
        tags: dict[int, list[str]] = {}
        for chunk in chunks(sorted(ids)):
            rows = self.session.execute(
                select(PaperTagRow.paper_id, TagRow.name)
                .join(TagRow, TagRow.id == PaperTagRow.tag_id)
                .where(PaperTagRow.paper_id.in_(chunk))
                .order_by(PaperTagRow.paper_id, TagRow.name)
            )
            for paper_id, name in rows:
                tags.setdefault(paper_id, []).append(name)
        return tags

    def first_digest_times(self, ids: Collection[int]) -> dict[int, datetime]:
        firsts: dict[int, datetime] = {}
        first = func.min(DigestRow.imported_at)
        for chunk in chunks(sorted(ids)):
            rows = self.session.execute(
                select(AppearanceRow.paper_id, first)
                .join(DigestRow, DigestRow.id == AppearanceRow.digest_id)
                .where(AppearanceRow.paper_id.in_(chunk))
                .group_by(AppearanceRow.paper_id)
            )
            for paper_id, moment in rows:
                # MIN() over a decorated column comes back raw on SQLite: a string or a
                # naive datetime; both are UTC.
                firsts[paper_id] = _utc(moment)
        return firsts

    def queue(self) -> list[PlanCandidate]:
        return self._candidates(self.scope.column("status") == ReadStatus.QUEUED.value)

    def recorded_minutes(self) -> dict[int, int]:
        rows = self.session.execute(select(TimeSpentRow.paper_id, TimeSpentRow.minutes))
        found = {int(paper_id): int(minutes) for paper_id, minutes in rows}
        if self.scope.private:  # the member's own times over the shared ones
            own = self.session.execute(
                select(MemberStateRow.paper_id, MemberStateRow.minutes).where(
                    MemberStateRow.member == self.scope.member,
                    MemberStateRow.minutes.is_not(None),
                )
            )
            for paper_id, minutes in own:
                if minutes is None or minutes == CLEARED_MINUTES:
                    found.pop(paper_id, None)
                else:
                    found[int(paper_id)] = int(minutes)
        return found

    def candidates(self, ids: Collection[int]) -> list[PlanCandidate]:
        found: list[PlanCandidate] = []
        for chunk in chunks(sorted(set(ids))):
            found += self._candidates(PaperRow.id.in_(chunk))
        return sorted(found, key=lambda candidate: candidate.paper_id)

    def _candidates(self, where: ColumnElement[bool]) -> list[PlanCandidate]:
        """The papers ``where`` selects as the planner sees them, each waiting since it
        last became queued (never queued: since it was added)."""
        queued_at = (
            select(StatusChangeRow.paper_id, func.max(StatusChangeRow.changed_at).label("at"))
            .where(StatusChangeRow.status == ReadStatus.QUEUED.value, self.scope.history())
            .group_by(StatusChangeRow.paper_id)
            .subquery()
        )
        statement = self.scope.join(
            select(
                PaperRow.id,
                PaperRow.title,
                PaperRow.abstract,
                self.scope.column("priority"),
                PaperRow.added_at,
                queued_at.c.at,
                FactRow.value,
            ).select_from(PaperRow)
        )
        rows = self.session.execute(
            statement.outerjoin(queued_at, queued_at.c.paper_id == PaperRow.id)
            .outerjoin(
                FactRow, and_(FactRow.paper_id == PaperRow.id, FactRow.name == Field.PAGES.value)
            )
            .where(where)
            .order_by(PaperRow.id)
        )
        return [
            PlanCandidate(
                paper_id,
                title,
                Priority(priority),
                _utc(since) if since is not None else added,
                len(abstract.split()),
                pages,
            )
            for paper_id, title, abstract, priority, added, since, pages in rows
        ]


def _utc(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def reading_tracker(
    store: SqlStore, clock: Callable[[], datetime], zone: tzinfo | None = None
) -> ReadingTracker:
    """The tracker on a library's database."""

    @contextmanager
    def reads() -> Iterator[StatsQueries]:
        with store.unit_of_work() as uow:
            yield StatsQueries(uow.session, uow.scope)

    return ReadingTracker(reads, clock, zone)

"""What the reading group's use cases need from storage (implemented by
``storage.group_queries``); a role of the unit of work like the others in core.ports."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Protocol

from readinglist.core.group import Assignment, Comment, GroupRecords, ScheduledPaper


class GroupStore(Protocol):
    """Comments on papers and reading-group assignments (tables of their own)."""

    def paper_comments(self, paper_id: int) -> list[Comment]:
        """The paper's comments, oldest first."""
        ...

    def comment(self, comment_id: int) -> Comment | None: ...

    def add_comment(self, paper_id: int, author: str, body: str, at: datetime) -> int:
        """Returns the new comment's id; the paper goes to the outbox (change feed)."""
        ...

    def delete_comment(self, comment_id: int) -> bool:
        """False when there was no such comment."""
        ...

    def assignment(self, paper_id: int) -> Assignment | None: ...

    def put_assignment(self, paper_id: int, assignment: Assignment | None) -> bool:
        """The paper's assignment exactly so (None: none); whether anything changed."""
        ...

    def scheduled(self, since: date | None) -> list[ScheduledPaper]:
        """Assignments on ``since`` or later (None: all), by day, then presenter."""
        ...

    def group_records(self, ids: Collection[int] | None) -> GroupRecords:
        """Every comment and assignment of these papers (None: of the library)."""
        ...

    def restore_group_records(
        self, records: GroupRecords, id_map: Mapping[int, int]
    ) -> tuple[int, int]:
        """Add the records to the papers ``id_map`` maps them to (records of other
        papers are left out), each comment unless the paper holds the same one (author,
        text and time) and the assignment unless the paper has one: nothing is ever
        overwritten. Returns (comments added, assignments added)."""
        ...

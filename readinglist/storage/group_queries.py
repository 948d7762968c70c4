"""The reading group's tables (``paper_comments``, ``paper_assignments``): the unit of
work's part of :class:`readinglist.core.group_ports.GroupStore`.

Mixed into the unit of work (``storage.store.SqlUnitOfWork``) so store.py stays small.
Dialect-neutral (no upsert syntax of one database). Every write adds its paper to
``touched``: the outbox row written with the commit is what tells another client on a
shared library (its change feed) that the paper's comments or presenter changed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from readinglist.core.group import Assignment, Comment, GroupRecords, ScheduledPaper
from readinglist.storage.batching import chunks
from readinglist.storage.orm import AssignmentRow, CommentRow, PaperRow


def to_comment(row: CommentRow) -> Comment:
    return Comment(row.id, row.paper_id, row.author, row.body, row.created_at)


def to_assignment(row: AssignmentRow) -> Assignment:
    return Assignment(row.paper_id, row.presenter, row.on_date, row.assigned_by, row.assigned_at)


class GroupQueries:
    """Reads and writes of the group's tables on the unit of work's session."""

    session: Session
    touched: set[int]

    # --- comments -------------------------------------------------------------------

    def paper_comments(self, paper_id: int) -> list[Comment]:
        rows = self.session.scalars(
            select(CommentRow)
            .where(CommentRow.paper_id == paper_id)
            .order_by(CommentRow.created_at, CommentRow.id)
        )
        return [to_comment(row) for row in rows]

    def comment(self, comment_id: int) -> Comment | None:
        row = self.session.get(CommentRow, comment_id)
        return None if row is None else to_comment(row)

    def add_comment(self, paper_id: int, author: str, body: str, at: datetime) -> int:
        row = CommentRow(paper_id=paper_id, author=author, body=body, created_at=at)
        self.session.add(row)
        self.session.flush()
        self.touched.add(paper_id)
        return row.id

    def delete_comment(self, comment_id: int) -> bool:
        paper_id = self.session.scalar(
            delete(CommentRow).where(CommentRow.id == comment_id).returning(CommentRow.paper_id)
        )
        if paper_id is None:
            return False
        self.touched.add(paper_id)
        return True

    # --- assignments ----------------------------------------------------------------

    def assignment(self, paper_id: int) -> Assignment | None:
        row = self.session.get(AssignmentRow, paper_id)
        return None if row is None else to_assignment(row)

    def put_assignment(self, paper_id: int, assignment: Assignment | None) -> bool:
        row = self.session.get(AssignmentRow, paper_id)
        if assignment is None:
            if row is None:
                return False
            self.session.delete(row)
        elif row is None:
            self.session.add(_assignment_row(paper_id, assignment))
        elif to_assignment(row) == assignment:
            return False
        else:
            row.presenter = assignment.presenter
            row.on_date = assignment.on_date
            row.assigned_by = assignment.assigned_by
            row.assigned_at = assignment.assigned_at
        self.session.flush()
        self.touched.add(paper_id)
        return True

    def scheduled(self, since: date | None) -> list[ScheduledPaper]:
        statement = (
            select(AssignmentRow, PaperRow.title)
            .join(PaperRow, PaperRow.id == AssignmentRow.paper_id)
            .order_by(AssignmentRow.on_date, AssignmentRow.presenter, AssignmentRow.paper_id)
        )
        if since is not None:
            statement = statement.where(AssignmentRow.on_date >= since)
        return [
            ScheduledPaper(to_assignment(row), title)
            for row, title in self.session.execute(statement)
        ]

    # --- backup, restore and undo ---------------------------------------------------

    def group_records(self, ids: Collection[int] | None) -> GroupRecords:
        comments = select(CommentRow).order_by(
            CommentRow.paper_id, CommentRow.created_at, CommentRow.id
        )
        assignments = select(AssignmentRow).order_by(AssignmentRow.paper_id)
        if ids is None:
            return GroupRecords(
                tuple(to_comment(row) for row in self.session.scalars(comments)),
                tuple(to_assignment(row) for row in self.session.scalars(assignments)),
            )
        found_comments: list[Comment] = []
        found_assignments: list[Assignment] = []
        for chunk in chunks(sorted(set(ids))):
            found_comments += (
                to_comment(row)
                for row in self.session.scalars(comments.where(CommentRow.paper_id.in_(chunk)))
            )
            found_assignments += (
                to_assignment(row)
                for row in self.session.scalars(
                    assignments.where(AssignmentRow.paper_id.in_(chunk))
                )
            )
        return GroupRecords(tuple(found_comments), tuple(found_assignments))

    def restore_group_records(
        self, records: GroupRecords, id_map: Mapping[int, int]
    ) -> tuple[int, int]:
        targets = sorted({id_map[c.paper_id] for c in records.comments if c.paper_id in id_map})
        held: set[tuple[int, str, str, datetime]] = set()
        for chunk in chunks(targets):
            held.update(
                (row.paper_id, row.author, row.body, row.created_at)
                for row in self.session.scalars(
                    select(CommentRow).where(CommentRow.paper_id.in_(chunk))
                )
            )
        comments = 0
        for comment in records.comments:
            paper_id = id_map.get(comment.paper_id)
            if paper_id is None:
                continue
            key = (paper_id, comment.author, comment.body, comment.created_at)
            if key in held:
                continue
            held.add(key)
            self.session.add(
                CommentRow(
                    paper_id=paper_id,
                    author=comment.author,
                    body=comment.body,
                    created_at=comment.created_at,
                )
            )
            self.touched.add(paper_id)
            comments += 1
        assignments = 0
        for assignment in records.assignments:
            paper_id = id_map.get(assignment.paper_id)
            if paper_id is None or self.session.get(AssignmentRow, paper_id) is not None:
                continue
            self.session.add(_assignment_row(paper_id, assignment))
            self.session.flush()
            self.touched.add(paper_id)
            assignments += 1
        self.session.flush()
        return comments, assignments


def _assignment_row(paper_id: int, assignment: Assignment) -> AssignmentRow:
    return AssignmentRow(
        paper_id=paper_id,
        presenter=assignment.presenter,
        on_date=assignment.on_date,
        assigned_by=assignment.assigned_by,
        assigned_at=assignment.assigned_at,
    )

"""The reading group's use cases: ``library.group`` (comments and assignments).

A part of the library like ``library.lists``: writes go through the library's write
transaction, so the paper touched is queued in the outbox in the same transaction. On
a shared library the outbox is the change feed: another member's window hears of a new
comment or a new presenter within two seconds, as it hears of a status change.

Who writes is given by the front end (the member name set once per machine,
readinglist.member): the library never guesses it. Every write returns the
:class:`~readinglist.core.changes.Changes` of the paper it touched; bad input (an
unknown paper, an empty comment, a name with a control character) raises a one-line
error before anything is written.
"""

from __future__ import annotations

from datetime import date

from readinglist.core.changes import Changes
from readinglist.core.errors import NotFoundError, ReadingListError
from readinglist.core.group import (
    Assignment,
    Comment,
    PaperGroup,
    ScheduledPaper,
    check_comment,
    check_name,
)
from readinglist.core.guards import require_papers
from readinglist.core.parts import LibraryContext


def touched(paper_id: int) -> Changes:
    """One paper's group state changed: views showing it load it again (no count of
    the sidebar changes)."""
    return Changes(count=1, touched=frozenset({paper_id}))


class GroupEdits:
    """``library.group``: comment on papers, assign presenters, read the schedule."""

    def __init__(self, context: LibraryContext) -> None:
        self._context = context

    # --- comments -------------------------------------------------------------------

    def add_comment(self, paper_id: int, author: str, body: str) -> Changes:
        """A comment by ``author`` (a member name) on a paper, stamped now."""
        name, text = check_name(author), check_comment(body)
        with self._context.write() as uow:
            require_papers(uow, [paper_id])
            uow.add_comment(paper_id, name, text, self._context.clock())
        return touched(paper_id)

    def delete_comment(self, comment_id: int, member: str) -> Changes:
        """Delete a comment ``member`` wrote; another member's is refused (one line)."""
        name = check_name(member)
        with self._context.write() as uow:
            found = uow.comment(comment_id)
            if found is None:
                raise NotFoundError(f"no comment with id {comment_id}")
            if found.author != name:
                raise ReadingListError(
                    f"comment {comment_id} is {found.author}'s: only its author can delete it"
                )
            uow.delete_comment(comment_id)
        return touched(found.paper_id)

    def comments(self, paper_id: int) -> list[Comment]:
        """The paper's comments, oldest first (NotFoundError for an unknown paper)."""
        with self._context.store.unit_of_work() as uow:
            require_papers(uow, [paper_id])
            return uow.paper_comments(paper_id)

    # --- assignments ----------------------------------------------------------------

    def assign(self, paper_id: int, presenter: str, on_date: date, assigned_by: str) -> Changes:
        """``presenter`` presents the paper on ``on_date`` (replacing who did before)."""
        name = check_name(presenter, "a presenter's name")
        member = check_name(assigned_by)
        with self._context.write() as uow:
            require_papers(uow, [paper_id])
            held = uow.assignment(paper_id)
            if held is not None and (held.presenter, held.on_date) == (name, on_date):
                return Changes()  # already so: who decided it and when stay
            wanted = Assignment(paper_id, name, on_date, member, self._context.clock())
            uow.put_assignment(paper_id, wanted)
        return touched(paper_id)

    def clear_assignment(self, paper_id: int) -> Changes:
        """Nobody presents the paper any more (nothing to do when nobody did)."""
        with self._context.write() as uow:
            require_papers(uow, [paper_id])
            changed = uow.put_assignment(paper_id, None)
        return touched(paper_id) if changed else Changes()

    def assignment(self, paper_id: int) -> Assignment | None:
        with self._context.store.unit_of_work() as uow:
            require_papers(uow, [paper_id])
            return uow.assignment(paper_id)

    def schedule(self, since: date | None) -> list[ScheduledPaper]:
        """The assignments on ``since`` or later (None: every one), soonest first."""
        with self._context.store.unit_of_work() as uow:
            return uow.scheduled(since)

    # --- what the detail pane shows ---------------------------------------------------

    def paper_group(self, paper_id: int) -> PaperGroup:
        """A paper's comments and assignment, read together (an empty one for a paper
        deleted meanwhile: the pane shows nothing rather than an error)."""
        with self._context.store.unit_of_work() as uow:
            if not uow.existing_ids([paper_id]):
                return PaperGroup(paper_id)
            return PaperGroup(
                paper_id, tuple(uow.paper_comments(paper_id)), uow.assignment(paper_id)
            )

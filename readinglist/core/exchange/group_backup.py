"""The reading group's comments and assignments in the JSON backup (its ``comments`` and
``assignments`` sections), and their strict reader.

Kept out of every bibliography format: they are the group's conversation, not facts
about a paper. The backup carries them so that a backup and its restore lose nothing;
a file without the sections (written before they existed) reads as having none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from readinglist.core.errors import InvalidValueError
from readinglist.core.group import (
    Assignment,
    Comment,
    GroupRecords,
    check_comment,
    check_name,
    parse_day,
)

if TYPE_CHECKING:
    from readinglist.core.exchange.backup import _Reader


def group_sections(records: GroupRecords) -> dict[str, list[dict[str, Any]]]:
    """The two sections of a backup, in the backup's order (by paper, then time)."""
    return {
        "comments": [
            {
                "id": comment.id,
                "paper_id": comment.paper_id,
                "author": comment.author,
                "body": comment.body,
                "created_at": comment.created_at.isoformat(),
            }
            for comment in records.comments
        ],
        "assignments": [
            {
                "paper_id": assignment.paper_id,
                "presenter": assignment.presenter,
                "on_date": assignment.on_date.isoformat(),
                "assigned_by": assignment.assigned_by,
                "assigned_at": assignment.assigned_at.isoformat(),
            }
            for assignment in records.assignments
        ],
    }


def _checked(r: _Reader, at: str, check: Callable[[str], Any], text: str) -> Any:
    """A value the database would refuse is named with its place, as the reader does."""
    try:
        return check(text)
    except InvalidValueError as problem:
        raise r.fail(at, str(problem)) from None


def read_group(
    r: _Reader, value: dict[str, Any], paper_ref: Callable[[dict[str, Any], str], int]
) -> GroupRecords:
    """The sections of a parsed backup, checked as the library checks what it stores."""
    comments: list[Comment] = []
    if value.get("comments") is not None:
        for at, obj in r.objects(value, "comments", ""):
            comments.append(
                Comment(
                    id=r.optional(obj, "id", int, at) or 0,
                    paper_id=paper_ref(obj, at),
                    author=_checked(r, f"{at}.author", check_name, r.field(obj, "author", str, at)),
                    body=_checked(r, f"{at}.body", check_comment, r.field(obj, "body", str, at)),
                    created_at=r.time(obj, "created_at", at),
                )
            )
    assignments: dict[int, Assignment] = {}
    if value.get("assignments") is not None:
        for at, obj in r.objects(value, "assignments", ""):
            paper_id = paper_ref(obj, at)
            if paper_id in assignments:
                raise r.fail(f"{at}.paper_id", f"paper {paper_id} is assigned twice")
            presenter = r.field(obj, "presenter", str, at)
            by = r.field(obj, "assigned_by", str, at)
            assignments[paper_id] = Assignment(
                paper_id=paper_id,
                presenter=_checked(r, f"{at}.presenter", check_name, presenter),
                on_date=_checked(r, f"{at}.on_date", parse_day, r.field(obj, "on_date", str, at)),
                assigned_by=_checked(r, f"{at}.assigned_by", check_name, by),
                assigned_at=r.time(obj, "assigned_at", at),
            )
    return GroupRecords(tuple(comments), tuple(assignments.values()))

"""A reading group's shared state: comments on papers, and who presents which paper when.

On a shared library (PostgreSQL) every member sees what the others wrote; on a local
one the same tables hold the reader's own. Both are the group's, never part of what a
paper is: a bibliography export (BibTeX, RIS, CSL-JSON, CSV, Markdown, HTML) never
carries them, the library's own backup always does.

A member is a name set once per machine (readinglist.member keeps it), never guessed
from a login: the checks here are the ones every front end applies to it, to a
presenter's name and to a comment's text, so that the command line and the window
refuse the same things with the same one-line message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from readinglist.core.errors import InvalidValueError

MAX_NAME = 80
MAX_COMMENT = 10_000
# A character's general category that has no place in a name: controls, format
# characters (the bidirectional overrides that would show "ecilA" for "Alice"),
# surrogates, private use, and line or paragraph separators.
_NOT_IN_NAMES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
# A comment keeps its line breaks and tabs; every other control is refused (PostgreSQL
# cannot store NUL, and an escape sequence would act on a terminal showing it).
_KEPT_IN_COMMENTS: Final = frozenset({"\n", "\t"})
_DAY: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Comment:
    """One member's comment on a paper, with when it was written (UTC)."""

    id: int
    paper_id: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who presents a paper to the group, on which day, and who decided it when."""

    paper_id: int
    presenter: str
    on_date: date
    assigned_by: str
    assigned_at: datetime


@dataclass(frozen=True, slots=True)
class ScheduledPaper:
    """A line of the group's schedule: an assignment and its paper's title."""

    assignment: Assignment
    title: str


@dataclass(frozen=True, slots=True)
class PaperGroup:
    """What the group has on one paper: its comments (oldest first) and its presenter."""

    paper_id: int
    comments: tuple[Comment, ...] = ()
    assignment: Assignment | None = None


@dataclass(frozen=True, slots=True)
class GroupRecords:
    """Every comment and assignment of some papers: what a backup and an undone delete
    carry so that nothing the group wrote is lost."""

    comments: tuple[Comment, ...] = ()
    assignments: tuple[Assignment, ...] = ()


def check_name(text: str, what: str = "a member name") -> str:
    """A member's or presenter's name as stored: trimmed, 1 to 80 characters, no
    control characters; else a one-line InvalidValueError saying what is wrong."""
    name = text.strip()
    if not name:
        raise InvalidValueError(f"{what} cannot be empty")
    if len(name) > MAX_NAME:
        raise InvalidValueError(f"{what} is at most {MAX_NAME} characters, not {len(name)}")
    bad = next((c for c in name if unicodedata.category(c) in _NOT_IN_NAMES), None)
    if bad is not None:
        raise InvalidValueError(f"{what} cannot hold the control character U+{ord(bad):04X}")
    return name


def check_comment(text: str) -> str:
    """A comment's text as stored: trimmed, line breaks as ``\\n``, not empty, at most
    10,000 characters, no control characters but line breaks and tabs."""
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise InvalidValueError("a comment cannot be empty")
    if len(body) > MAX_COMMENT:
        raise InvalidValueError(f"a comment is at most {MAX_COMMENT:,} characters")
    bad = next(
        (c for c in body if c not in _KEPT_IN_COMMENTS and unicodedata.category(c) in {"Cc", "Cs"}),
        None,
    )
    if bad is not None:
        raise InvalidValueError(f"a comment cannot hold the control character U+{ord(bad):04X}")
    return body


def parse_day(text: str) -> date:
    """A day typed as ``YYYY-MM-DD`` (and only so: ``2024-W01`` or ``20240105`` are
    not what a reader means), or a one-line InvalidValueError."""
    typed = text.strip()
    if _DAY.match(typed):
        try:
            return date.fromisoformat(typed)
        except ValueError:
            pass
    raise InvalidValueError(f"{typed[:40]!r} is not a date: use YYYY-MM-DD, e.g. 2025-03-14")


def by_paper(records: GroupRecords) -> dict[int, GroupRecords]:
    """``records`` split by paper (only the papers that have some)."""
    comments: dict[int, list[Comment]] = {}
    assignments: dict[int, list[Assignment]] = {}
    for comment in records.comments:
        comments.setdefault(comment.paper_id, []).append(comment)
    for assignment in records.assignments:
        assignments.setdefault(assignment.paper_id, []).append(assignment)
    return {
        paper_id: GroupRecords(
            tuple(comments.get(paper_id, ())), tuple(assignments.get(paper_id, ()))
        )
        for paper_id in comments.keys() | assignments.keys()
    }


def joined(parts: Iterable[GroupRecords]) -> GroupRecords:
    """Several papers' records as one."""
    comments: list[Comment] = []
    assignments: list[Assignment] = []
    for part in parts:
        comments += part.comments
        assignments += part.assignments
    return GroupRecords(tuple(comments), tuple(assignments))


def others_state_text(names: Sequence[str], count: int) -> str:
    """What a delete of ``count`` papers would take from other members, in one line
    (empty when nobody else has state on them): the window's confirmation and the
    command line's warning say the same."""
    if not names:
        return ""
    named = f" ({', '.join(names)})" if len(names) <= 3 else ""
    if len(names) == 1:
        who = f"1 other member{named} has"
    else:
        who = f"{len(names)} other members{named} have"
    what = "this paper" if count == 1 else "these papers"
    return f"{who} notes or a status on {what} (undo brings theirs back too)"

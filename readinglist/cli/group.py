"""The reading group's commands: ``member``, ``comment``, ``comments``, ``assign``,
``schedule``.

A member is a name set once per machine (``readinglist member NAME``, kept by
readinglist.member); comments and assignments are signed with it, so writing one
without it set says how to set it rather than guessing a name. Comments and
assignments are the group's: shared on a shared library, carried by the backup, never
in a bibliography export.

These are not in the command line's undo history: a comment is taken back with
``comment --delete``, an assignment with ``assign --clear``, and on a shared library
another member may have answered or planned around it meanwhile.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from readinglist.cli.args import MAX_SQL_INT, Parents, UsageError, paper_id
from readinglist.cli.output import error, print_json, say, terminal_text
from readinglist.core.errors import ReadingListError

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase
    from readinglist.core.group import Comment, ScheduledPaper

# A bad member name is a usage error (exit 2), said in one line.
EXIT_USAGE = 2


def comment_id(text: str) -> int:
    if text.isdigit() and 1 <= int(text) <= MAX_SQL_INT:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not a comment id")


def local_time(moment: datetime) -> str:
    """A stored (UTC) time as the reader's clock shows it."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


# --- member ---------------------------------------------------------------------------


def cmd_member(args: argparse.Namespace) -> int:
    from readinglist.core.errors import InvalidValueError
    from readinglist.member import member_name, set_member_name

    if args.name is None:
        name = member_name()
        if name is None:
            error("no member name set on this machine yet: readinglist member NAME sets it")
            return 1
        print(terminal_text(name, one_line=True))
        return 0
    try:
        name = set_member_name(args.name)
    except InvalidValueError as problem:
        error(problem)
        return EXIT_USAGE
    say(f"member name set: {name} (comments and assignments from this machine are signed so)")
    return 0


def member_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help="your name in the reading group (1-80 characters); without it: show it",
    )


# --- comments -------------------------------------------------------------------------


def _comment_text(text: str) -> str:
    """The comment from argv, or from standard input for ``-`` (UTF-8)."""
    if text != "-":
        return text
    try:
        return sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ReadingListError("standard input is not UTF-8 text; no comment added") from None


def cmd_comment(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.member import require_member_name

    if args.delete is not None:
        if args.id is not None:
            raise UsageError("comment --delete COMMENT_ID takes no paper id or text")
        opened.library.group.delete_comment(args.delete, require_member_name())
        say(f"comment {args.delete} deleted")
        return 0
    if args.id is None or args.text is None:
        raise UsageError('give a paper id and the comment: comment ID "text" (- reads stdin)')
    member = require_member_name()
    opened.library.group.add_comment(args.id, member, _comment_text(args.text))
    say(f"comment added to paper {args.id} as {member}")
    return 0


def comment_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("id", type=paper_id, nargs="?", metavar="ID")
    sub.add_argument("text", nargs="?", metavar="TEXT", help="the comment (- reads stdin)")
    sub.add_argument(
        "--delete",
        type=comment_id,
        metavar="COMMENT_ID",
        help="delete a comment of yours (ids: readinglist comments ID)",
    )


def comment_dict(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "paper_id": comment.paper_id,
        "author": comment.author,
        "body": comment.body,
        "created_at": comment.created_at.isoformat(),
    }


def cmd_comments(args: argparse.Namespace, opened: OpenDatabase) -> int:
    found = opened.library.group.comments(args.id)
    if args.json:
        print_json([comment_dict(comment) for comment in found])
        return 0
    if not found:
        say(f'paper {args.id} has no comments yet: readinglist comment {args.id} "text" adds one')
        return 0
    for comment in found:
        author = terminal_text(comment.author, one_line=True)
        print(f"#{comment.id}  {local_time(comment.created_at)}  {author}")
        for line in comment.body.splitlines():
            print(f"    {line}")
    return 0


def comments_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("id", type=paper_id, metavar="ID")


# --- assignments ----------------------------------------------------------------------


def cmd_assign(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.core.group import parse_day
    from readinglist.member import require_member_name

    group = opened.library.group
    if args.clear:
        if args.presenter is not None or args.date is not None:
            raise UsageError("assign ID --clear takes no presenter or date")
        changed = group.clear_assignment(args.id)
        say(f"paper {args.id}: no presenter" + ("" if changed.count else " (it had none)"))
        return 0
    if args.presenter is None or args.date is None:
        raise UsageError("give a presenter and a date: assign ID PRESENTER YYYY-MM-DD (or --clear)")
    day = parse_day(args.date)
    group.assign(args.id, args.presenter, day, require_member_name())
    shown = group.assignment(args.id)
    assert shown is not None
    presenter = terminal_text(shown.presenter, one_line=True)
    say(f"paper {args.id}: presented by {presenter} on {shown.on_date.isoformat()}")
    return 0


def assign_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("id", type=paper_id, metavar="ID")
    sub.add_argument("presenter", nargs="?", metavar="PRESENTER")
    sub.add_argument("date", nargs="?", metavar="YYYY-MM-DD")
    sub.add_argument("--clear", action="store_true", help="nobody presents the paper any more")


def schedule_dict(item: ScheduledPaper) -> dict[str, Any]:
    assignment = item.assignment
    return {
        "date": assignment.on_date.isoformat(),
        "presenter": assignment.presenter,
        "paper_id": assignment.paper_id,
        "title": item.title,
        "assigned_by": assignment.assigned_by,
        "assigned_at": assignment.assigned_at.isoformat(),
    }


def cmd_schedule(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.cli.output import short

    items = opened.library.group.schedule(None if args.all else date.today())
    if args.json:
        print_json([schedule_dict(item) for item in items])
        return 0
    if not items:
        which = "presentations" if args.all else "upcoming presentations (--all: past ones too)"
        say(f"no {which}: readinglist assign ID PRESENTER YYYY-MM-DD schedules one")
        return 0
    names = [terminal_text(item.assignment.presenter, one_line=True) for item in items]
    width = max(len(name) for name in names)
    ids = max(len(str(item.assignment.paper_id)) for item in items)
    for item, name in zip(items, names, strict=True):
        title = short(terminal_text(item.title, one_line=True), 120)
        day = item.assignment.on_date.isoformat()
        print(f"{day}  {name:<{width}}  {item.assignment.paper_id:>{ids}}  {title}")
    return 0


def schedule_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("--all", action="store_true", help="past presentations too")

"""Commands on papers one at a time or a few: list, show, status, priority, rate, spent,
open, delete (notes have their own module, readinglist.cli.notes).

None of them searches, so the command line opens their library without the search
index (readinglist.app_context.open_database): no Whoosh, no NumPy. Module level
imports stay light for the same reason: the parser imports this module for every
command, the library's use cases load only once a handler runs.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents, UsageError, digest_arg, limit, paper_id
from readinglist.cli.output import PROG, plural, print_json, print_papers, say
from readinglist.core.errors import NotFoundError, ReadingListError
from readinglist.core.models import SORT_KEYS, ReadStatus

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase
    from readinglist.core.library import Library


def cmd_list(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.core.library import parse_status
    from readinglist.core.models import PaperQuery
    from readinglist.core.serialize import paper_to_dict

    library = opened.library
    sort, ids, positions = args.sort, None, None
    if args.digest is not None:  # its papers, in its ranking unless sorted otherwise
        digest = digest_id(library, args.digest)
        ids = tuple(library.digest_paper_ids([digest]))
        positions = library.digest_positions([digest])
        sort = sort or "position"
    elif sort == "position":
        raise UsageError("--sort position needs --digest (the papers' places in a digest)")
    else:
        sort = sort or "added"
    query = PaperQuery(
        status=parse_status(args.status) if args.status else None,
        tag=args.tag,
        has_code=args.has_code,
        sort=sort,
        descending=args.reverse,
        limit=args.limit,
        ids=ids,
    )
    papers = library.papers(query)
    if args.json:
        rows = [paper_to_dict(p) for p in papers]
        if positions is not None:
            for row, paper in zip(rows, papers, strict=True):
                row["position"] = positions.get(paper.id)
        print_json(rows)
    elif papers:
        print_papers(papers, positions)
    else:
        say("no papers match" if _filtered(args) else empty_hint())
    return 0


def _filtered(args: argparse.Namespace) -> bool:
    return bool(args.status or args.tag or args.has_code or args.digest)


def digest_id(library: Library, wanted: str) -> int:
    """The id of the digest ``--digest`` names: ``latest`` (the last imported) or an id."""
    digests = library.digests()  # oldest first
    if wanted == "latest":
        if not digests:
            raise NotFoundError("no digest has been imported yet")
        return digests[-1].id
    if int(wanted) not in {digest.id for digest in digests}:
        raise NotFoundError(f"no digest with id {wanted}")
    return int(wanted)


def empty_hint() -> str:
    return f"the library is empty: import a digest with '{PROG} import FILE' (or '-' for a paste)"


def cmd_show(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.cli.output import print_details
    from readinglist.core.serialize import details_to_dict

    details = opened.library.details(args.id)
    group = opened.library.group.paper_group(args.id)
    assignment = group.assignment
    if args.json:
        data = details_to_dict(details)
        data["comment_count"] = len(group.comments)
        data["presenter"] = None if assignment is None else assignment.presenter
        data["presented_on"] = None if assignment is None else assignment.on_date.isoformat()
        print_json(data)
        return 0
    print_details(details)
    # The reading group's part, in a line each (the thread: readinglist comments ID).
    if assignment is not None:
        print(f"Presented by {assignment.presenter} on {assignment.on_date.isoformat()}")
    if group.comments:
        print(f"{plural(len(group.comments), 'comment')}: {PROG} comments {args.id}")
    return 0


def cmd_status(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.cli.undo import run_undoable
    from readinglist.core.library import parse_status
    from readinglist.core.undo import status_change

    status = parse_status(args.state)
    changed = run_undoable(opened, status_change(args.ids, status), args.ids).count
    print(f"{plural(changed, 'paper')} now {status.value}")
    return 0


def cmd_priority(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.cli.undo import run_undoable
    from readinglist.core.library import parse_priority
    from readinglist.core.undo import priority_change

    priority = parse_priority(args.level)
    changed = run_undoable(opened, priority_change(args.ids, priority), args.ids).count
    print(f"{plural(changed, 'paper')} changed")
    return 0


def cmd_rate(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.cli.undo import run_undoable
    from readinglist.core.undo import rating_change

    run_undoable(opened, rating_change([args.id], args.rating), [args.id])
    return 0


def cmd_spent(args: argparse.Namespace, opened: OpenDatabase) -> int:
    """Record (or clear) how long papers took: ``readinglist plan`` calibrates by it."""
    from readinglist.cli.undo import run_undoable
    from readinglist.core.time_spent import duration_text
    from readinglist.core.undo import time_spent_change

    minutes: int | None = args.duration
    changed = run_undoable(opened, time_spent_change(args.ids, minutes), args.ids).count
    if minutes is None:
        print(f"time spent cleared on {plural(changed, 'paper')}")
    else:
        print(f"time spent {duration_text(minutes)} recorded on {plural(changed, 'paper')}")
    return 0


def cmd_open(args: argparse.Namespace, opened: OpenDatabase) -> int:
    import webbrowser

    from readinglist.core.errors import InvalidValueError
    from readinglist.core.links import is_openable_url
    from readinglist.core.models import LinkKind
    from readinglist.core.paper_urls import paper_url

    paper = opened.library.details(args.id).paper
    if args.paper or args.pdf:
        url = paper_url(paper, pdf=args.pdf)
        if url is None:
            raise NotFoundError(
                f"paper {paper.id} has no arXiv id, DOI or Hugging Face page yet;"
                f" run '{PROG} resolve {paper.id}' to look it up"
            )
    else:
        kind = LinkKind.PROJECT if args.project else LinkKind.CODE
        link = paper.first_link(kind)
        if link is None:
            what = "project page" if args.project else "code repository"
            raise NotFoundError(f"paper {paper.id} has no {what} link")
        url = link.url
    if not is_openable_url(url):
        raise InvalidValueError(f"refusing to open {url!r}: only http and https URLs open")
    if args.print:
        print(url)
        return 0
    if not webbrowser.open(url):
        raise ReadingListError(f"no web browser could be started; the URL is {url}")
    return 0


def cmd_delete(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.core.group import others_state_text

    # On a shared library the papers go for every member, with their private state.
    others = others_state_text(opened.library.others_with_state(args.ids), len(args.ids))
    if not args.yes:
        also = f"; {others}" if others else ""
        raise ReadingListError(
            f"deleting papers removes their notes, tags and history too{also}; add --yes to confirm"
        )
    from readinglist.cli.undo import run_undoable
    from readinglist.core.undo import delete_change

    if others:
        say(f"{PROG}: warning: {others}")
    deleted = run_undoable(opened, delete_change(args.ids), args.ids).count
    print(f"deleted {plural(deleted, 'paper')}")
    return 0


# --- arguments (readinglist.cli.parser adds them when the command runs) -------------


def list_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument(
        "--status", metavar="S", help="one of: " + ", ".join(s.value for s in ReadStatus)
    )
    sub.add_argument("--tag", metavar="T", help="a tag; also matches its sub-tags (T/…)")
    sub.add_argument("--has-code", action="store_true", help="only papers with a code link")
    sub.add_argument(
        "--digest",
        type=digest_arg,
        metavar="D",
        help="only the papers of a digest (latest, or its id), by their place in it (#)",
    )
    sub.add_argument(
        "--sort",
        choices=SORT_KEYS,
        default=None,
        help="default: added, newest first (with --digest: position)",
    )
    sub.add_argument("--reverse", action="store_true", help="reverse the order")
    sub.add_argument("--limit", type=limit, metavar="N", help="show at most N papers")


def show_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("id", type=paper_id, metavar="ID")


def status_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("ids", nargs="+", type=paper_id, metavar="ID")
    sub.add_argument("state", metavar="STATE", help=", ".join(s.value for s in ReadStatus))


def priority_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("ids", nargs="+", type=paper_id, metavar="ID")
    sub.add_argument("level", metavar="LEVEL", help="none, low, medium or high")


def rate_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("id", type=paper_id, metavar="ID")
    sub.add_argument("rating", type=int, metavar="N")


def duration_arg(text: str) -> int | None:
    """A typed duration in minutes (None: clear it); a bad one is a usage error."""
    from readinglist.core.time_spent import parse_duration

    try:
        return parse_duration(text)
    except ReadingListError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


def spent_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("ids", nargs="+", type=paper_id, metavar="ID")
    sub.add_argument(
        "duration",
        type=duration_arg,
        metavar="DURATION",
        help="45, 45m, 1h, 1h30, 1h30m or 1.5h (up to a week); none or clear to clear it",
    )


def open_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("id", type=paper_id, metavar="ID")
    which = sub.add_mutually_exclusive_group()
    which.add_argument("--project", action="store_true", help="open the project page instead")
    which.add_argument(
        "--paper", action="store_true", help="open the paper itself (its arXiv abstract page)"
    )
    which.add_argument("--pdf", action="store_true", help="open the paper's PDF")
    sub.add_argument("--print", action="store_true", help="print the URL instead of opening it")


def delete_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("ids", nargs="+", type=paper_id, metavar="ID")
    sub.add_argument("--yes", action="store_true", help="confirm")

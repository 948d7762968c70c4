"""The ``readinglist`` command line. Qt-free: ``readinglist gui`` loads the window lazily.

Exit codes: 0 ok, 1 an error the user can act on (one line on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import webbrowser
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readinglist import __version__
from readinglist.app_logging import configure_logging
from readinglist.atomic_write import write_atomically
from readinglist.core.digest_sources import MAX_DIGEST_BYTES
from readinglist.core.errors import InvalidValueError, NotFoundError, ReadingListError
from readinglist.core.exchange import FORMATS, ExportOptions, ExportScope
from readinglist.core.library import Library, parse_priority, parse_status
from readinglist.core.links import is_openable_url
from readinglist.core.models import (
    SEARCH_SORTS,
    SORT_KEYS,
    Fragment,
    ImportSummary,
    LinkKind,
    Paper,
    PaperDetails,
    PaperQuery,
    ReadStatus,
)
from readinglist.core.serialize import (
    details_to_dict,
    paper_to_dict,
    summary_to_dict,
    tag_to_dict,
)

if TYPE_CHECKING:
    from readinglist.app_context import OpenLibrary

PROG = "readinglist"
# Exit status of an unexpected error (a bug): EX_SOFTWARE from sysexits.h.
EXIT_BUG = 70
log = logging.getLogger(__name__)
# The same name as readinglist.app_context.ENV_HOME. The storage layer is imported only
# when a command opens a library, so --help, --version and usage errors answer at once.
ENV_HOME = "READINGLIST_HOME"
MAX_WARNINGS_SHOWN = 20
# SQLite integers are signed 64-bit: a larger id or limit would overflow in the driver.
MAX_SQL_INT = 2**63 - 1
Handler = Callable[[argparse.Namespace, "OpenLibrary"], int]


class UsageError(Exception):
    """Wrong arguments that argparse cannot see (exit code 2)."""


# --- output -------------------------------------------------------------------


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _error(error: object) -> None:
    """An error as exactly one line on stderr, whatever the message holds (file names...)."""
    _say(f"{PROG}: {' '.join(str(error).split())}")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _format_row(paper: Paper, title_width: int) -> str:
    code = "code" if paper.has_code else ""
    tags = f"  [{', '.join(paper.tags)}]" if paper.tags else ""
    title = _short(paper.title, title_width)
    return f"{paper.id:>5}  {paper.status.value:<8} {code:<4}  {title}{tags}"


def _print_papers(papers: Sequence[Paper], positions: dict[int, int] | None = None) -> None:
    """One row a paper; ``positions``: a ``#`` column first (places in a digest)."""
    width = shutil.get_terminal_size((120, 24)).columns
    title_width = max(width - 23 - (6 if positions is not None else 0), 30)
    for paper in papers:
        row = _format_row(paper, title_width)
        if positions is not None:
            row = f"#{positions.get(paper.id, 0):<4} {row}"
        print(row)


def _print_details(details: PaperDetails) -> None:
    paper = details.paper
    print(f"[{paper.id}] {paper.title}")
    stars = "★" * paper.rating + "☆" * (5 - paper.rating)
    print(f"status: {paper.status.value}   priority: {paper.priority.value}   rating: {stars}")
    print(f"tags: {', '.join(paper.tags) if paper.tags else '-'}")
    seen = "never in a digest"
    if paper.first_seen and paper.last_seen:
        seen = (
            f"{paper.times_seen} time{'s' if paper.times_seen != 1 else ''}, first"
            f" {paper.first_seen:%Y-%m-%d %H:%M}, last {paper.last_seen:%Y-%m-%d %H:%M} UTC"
        )
    print(f"seen: {seen}")
    for link in paper.links:
        print(f"{link.kind.value + ':':<13}{link.url}")
    print()
    print(paper.abstract or "(no abstract)")
    if paper.notes:
        print("\nnotes:")
        print(paper.notes)
    history = ", ".join(
        f"{change.status.value} {change.changed_at:%Y-%m-%d %H:%M}"
        for change in details.status_history
    )
    print(f"\nstatus history: {history}")


def _print_summary(summary: ImportSummary) -> None:
    print(f"{summary.source_name}: {summary.describe()}")
    for warning in summary.warnings[:MAX_WARNINGS_SHOWN]:
        _say(f"{summary.source_name}: warning: {warning}")
    hidden = len(summary.warnings) - MAX_WARNINGS_SHOWN
    if hidden > 0:
        _say(f"{summary.source_name}: … and {hidden} more warnings")
    for paper_id in summary.abstracts_changed:
        _say(f"{summary.source_name}: paper {paper_id}: the abstract changed; kept the new one")


# --- commands -----------------------------------------------------------------


def _read_source(name: str) -> tuple[bytes, str]:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_DIGEST_BYTES + 1)
        return data, "pasted digest"
    path = Path(name)
    try:
        if path.is_dir():
            raise ReadingListError(f"{name} is a folder, not a digest file")
        if path.stat().st_size > MAX_DIGEST_BYTES:
            raise ReadingListError(
                f"{name} is larger than {MAX_DIGEST_BYTES // (1024 * 1024)} MB; not a digest"
            )
        return path.read_bytes(), path.name
    except FileNotFoundError:
        raise ReadingListError(f"{name}: no such file") from None
    except PermissionError:
        raise ReadingListError(f"{name}: permission denied") from None


def cmd_import(args: argparse.Namespace, opened: OpenLibrary) -> int:
    summaries: list[ImportSummary] = []
    failed = 0
    for name in args.files:
        try:
            data, source = _read_source(name)
            summary = opened.library.import_bytes(data, source)
        except ReadingListError as error:
            _error(error)
            failed += 1
            continue
        summaries.append(summary)
        if not args.json:
            _print_summary(summary)
    if args.json:
        _print_json([summary_to_dict(s) for s in summaries])
    return 1 if failed else 0


def cmd_list(args: argparse.Namespace, opened: OpenLibrary) -> int:
    library = opened.library
    sort, ids, positions = args.sort, None, None
    if args.digest is not None:  # its papers, in its ranking unless sorted otherwise
        digest = _digest_id(library, args.digest)
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
        _print_json(rows)
    elif papers:
        _print_papers(papers, positions)
    else:
        _say("no papers match" if _filtered(args) else _empty_hint())
    return 0


def _filtered(args: argparse.Namespace) -> bool:
    return bool(args.status or args.tag or args.has_code or args.digest)


def _digest_id(library: Library, wanted: str) -> int:
    """The id of the digest ``--digest`` names: ``latest`` (the last imported) or an id."""
    digests = library.digests()  # oldest first
    if wanted == "latest":
        if not digests:
            raise NotFoundError("no digest has been imported yet")
        return digests[-1].id
    if int(wanted) not in {digest.id for digest in digests}:
        raise NotFoundError(f"no digest with id {wanted}")
    return int(wanted)


def _empty_hint() -> str:
    return f"the library is empty: import a digest with '{PROG} import FILE' (or '-' for a paste)"


def cmd_show(args: argparse.Namespace, opened: OpenLibrary) -> int:
    details = opened.library.details(args.id)
    if args.json:
        _print_json(details_to_dict(details))
    else:
        _print_details(details)
    return 0


def cmd_tag(args: argparse.Namespace, opened: OpenLibrary) -> int:
    changed = opened.library.tag(args.ids, add=args.add or (), remove=args.remove or ())
    print(f"{changed} paper{'s' if changed != 1 else ''} changed")
    return 0


def cmd_tags(args: argparse.Namespace, opened: OpenLibrary) -> int:
    action = args.tags_action
    if action == "rename":
        renames = opened.library.rename_tag(args.old, args.new)
        for old, new in renames:
            print(f"{old} -> {new}")
        return 0
    if action == "colour":
        opened.library.set_tag_colour(args.name, args.colour)
        return 0
    tags = opened.library.tags()
    if args.json:
        _print_json([tag_to_dict(t) for t in tags])
    elif not tags:
        _say(f"no tags yet: add one with '{PROG} tag ID --add NAME'")
    else:
        width = max(len(t.name) for t in tags)
        for tag in tags:
            colour = f"  {tag.colour}" if tag.colour else ""
            print(f"{tag.name:<{width}}  {tag.count:>5}{colour}")
    return 0


def cmd_status(args: argparse.Namespace, opened: OpenLibrary) -> int:
    status = parse_status(args.state)
    changed = opened.library.set_status(args.ids, status)
    print(f"{changed} paper{'s' if changed != 1 else ''} now {status.value}")
    return 0


def cmd_priority(args: argparse.Namespace, opened: OpenLibrary) -> int:
    priority = parse_priority(args.level)
    changed = opened.library.set_priority(args.ids, priority)
    print(f"{changed} paper{'s' if changed != 1 else ''} changed")
    return 0


def cmd_rate(args: argparse.Namespace, opened: OpenLibrary) -> int:
    opened.library.rate([args.id], args.rating)
    return 0


def _utf8_text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReadingListError(f"{what} is not UTF-8 text; notes unchanged") from None


def _edit_in_editor(text: str) -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise ReadingListError("set $EDITOR (or $VISUAL) to edit notes, or use --set TEXT")
    try:
        command = shlex.split(editor)
    except ValueError as error:
        raise ReadingListError(f"cannot read the editor command {editor!r}: {error}") from None
    if not command:
        raise ReadingListError("set $EDITOR (or $VISUAL) to edit notes, or use --set TEXT")
    with tempfile.TemporaryDirectory(prefix="readinglist-note-") as folder:
        path = Path(folder) / "notes.md"
        path.write_text(text, encoding="utf-8")
        try:
            result = subprocess.run([*command, str(path)], check=False)
        except OSError as error:
            raise ReadingListError(f"cannot start the editor {editor!r}: {error}") from None
        if result.returncode != 0:
            raise ReadingListError(
                f"the editor exited with status {result.returncode}; notes unchanged"
            )
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ReadingListError(f"cannot read the edited notes: {error}") from None
        return _utf8_text(data, "the edited file")


def cmd_note(args: argparse.Namespace, opened: OpenLibrary) -> int:
    current = opened.library.details(args.id).paper.notes
    if args.set is None and not args.edit:
        if current:
            # Notes from an editor usually end with a newline: do not add a blank line.
            sys.stdout.write(current if current.endswith("\n") else current + "\n")
        else:
            _say(f"paper {args.id} has no notes")
        return 0
    if args.edit:
        text = _edit_in_editor(current)
    elif args.set == "-":
        text = _utf8_text(sys.stdin.buffer.read(), "standard input")
    else:
        text = args.set
        # Bytes that are not UTF-8 in argv arrive as lone surrogates (surrogateescape).
        _utf8_text(text.encode("utf-8", errors="surrogateescape"), "the --set text")
    if text == current:
        _say("notes unchanged")
        return 0
    opened.library.set_notes(args.id, text)
    return 0


def cmd_open(args: argparse.Namespace, opened: OpenLibrary) -> int:
    paper = opened.library.details(args.id).paper
    kind = LinkKind.PROJECT if args.project else LinkKind.CODE
    link = paper.first_link(kind)
    if link is None:
        what = "project page" if args.project else "code repository"
        raise NotFoundError(f"paper {paper.id} has no {what} link")
    if not is_openable_url(link.url):
        raise InvalidValueError(f"refusing to open {link.url!r}: only http and https URLs open")
    if args.print:
        print(link.url)
        return 0
    if not webbrowser.open(link.url):
        raise ReadingListError(f"no web browser could be started; the URL is {link.url}")
    return 0


def _fragment_text(fragment: Fragment, colour: bool) -> str:
    if not colour:
        return "".join(f"[{text}]" if hit else text for text, hit in fragment)
    return "".join(f"\033[1;33m{text}\033[0m" if hit else text for text, hit in fragment)


def cmd_search(args: argparse.Namespace, opened: OpenLibrary) -> int:
    results = opened.library.search(
        args.query, sort=args.sort, descending=args.reverse, limit=args.limit
    )
    if results.message:
        _say(f"{PROG}: {results.message}")
    if args.json:
        _print_json(
            {
                "query": results.query,
                "total": results.total,
                "suggestion": results.suggestion,
                "message": results.message,
                "hits": [
                    {
                        "id": hit.paper.id,
                        "title": hit.paper.title,
                        "score": round(hit.score, 4),
                        "highlights": {
                            "title": _fragment_text(hit.title, colour=False),
                            "abstract": _fragment_text(hit.abstract, colour=False),
                        },
                    }
                    for hit in results.results
                ],
            }
        )
        return 0
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for hit in results.results:
        print(f"{hit.paper.id:>5}  {_fragment_text(hit.title, colour)}")
        print(f"       {_fragment_text(hit.abstract, colour)}")
    shown = len(results.results)
    _say(
        f"{results.total} match{'es' if results.total != 1 else ''}"
        + (f" (showing {shown})" if shown < results.total else "")
    )
    if results.suggestion:
        _say(f"did you mean: {results.suggestion}")
    return 0


def cmd_similar(args: argparse.Namespace, opened: OpenLibrary) -> int:
    similar = opened.library.similar(args.id, k=args.limit)
    if args.json:
        _print_json(
            [
                {
                    "id": item.paper.id,
                    "title": item.paper.title,
                    "score": round(item.score, 4),
                    "terms": list(item.terms),
                }
                for item in similar
            ]
        )
    elif not similar:
        _say(f"no paper in the library is like paper {args.id}")
    else:
        for item in similar:
            print(f"{item.paper.id:>5}  {item.paper.title}  ({', '.join(item.terms)})")
    return 0


def cmd_reindex(args: argparse.Namespace, opened: OpenLibrary) -> int:
    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rindexed {done}/{total}", end="", file=sys.stderr, flush=True)

    count = opened.library.rebuild_index(progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"rebuilt the search index: {count} paper{'s' if count != 1 else ''}")
    return 0


def cmd_backup(args: argparse.Namespace, opened: OpenLibrary) -> int:
    from readinglist.storage.backups import backup_to

    target = backup_to(opened.library_dir, args.file, datetime.now(UTC))
    _say(f"backed up to {target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Runs without opening the library first: its database is about to be replaced."""
    from readinglist.app_context import restore_library

    report = restore_library(args.library, args.file, on_message=lambda t: _say(f"{PROG}: {t}"))
    _say(f"restored {report.papers} papers from {report.restored_from}")
    if report.previous_copy is not None:
        _say(f"the library as it was is kept in {report.previous_copy}")
    return 0


def cmd_doctor(args: argparse.Namespace, opened: OpenLibrary) -> int:
    report = opened.library.check_index(repair=not args.check)
    drift = {"missing": report.missing, "stale": report.stale, "extra": report.extra}
    if args.json:
        _print_json({**{k: list(v) for k, v in drift.items()}, "repaired": not args.check})
    elif report.clean:
        print("the search index matches the library")
    else:
        for name, found in drift.items():
            if found:
                listed = ", ".join(str(i) for i in found[:20])
                more = f" and {len(found) - 20} more" if len(found) > 20 else ""
                print(f"{name} in the index: {len(found)} ({listed}{more})")
        print("checked only; run without --check to repair" if args.check else "repaired")
    return 1 if args.check and not report.clean else 0


def cmd_delete(args: argparse.Namespace, opened: OpenLibrary) -> int:
    if not args.yes:
        raise ReadingListError(
            "deleting papers removes their notes, tags and history too; add --yes to confirm"
        )
    deleted = opened.library.delete(args.ids)
    print(f"deleted {deleted} paper{'s' if deleted != 1 else ''}")
    return 0


def cmd_lists(args: argparse.Namespace, opened: OpenLibrary) -> int:
    library = opened.library
    action = args.lists_action
    if action == "create":
        created = library.create_list(args.name)
        print(f"created the list {created.name!r}")
    elif action == "add":
        added = library.add_to_list(args.name, args.ids)
        print(f"{added} paper{'s' if added != 1 else ''} added to {args.name!r}")
    elif action == "remove":
        removed = library.remove_from_list(args.name, args.ids)
        print(f"{removed} paper{'s' if removed != 1 else ''} removed from {args.name!r}")
    elif action == "move":
        library.move_in_list(args.name, args.ids, args.to - 1)
    elif action == "rename":
        library.rename_list(args.old, args.new)
    elif action == "delete":
        library.delete_list(args.name)
    elif action == "show":
        found = library.reading_list(args.name)
        by_id = {p.id: p for p in library.papers(PaperQuery(ids=found.paper_ids))}
        papers = [by_id[i] for i in found.paper_ids if i in by_id]
        if args.json:
            _print_json([paper_to_dict(p) for p in papers])
        elif papers:
            _print_papers(papers)
        else:
            _say(f"the list {found.name!r} is empty: add papers with '{PROG} lists add NAME ID...'")
    elif action == "save-search":
        saved = library.save_search(args.name, args.query, replace=args.replace)
        count = len(library.query_ids(saved.query))
        print(f"saved the search {saved.name!r}: {count} paper{'s' if count != 1 else ''} now")
    elif action == "delete-search":
        library.delete_saved_search(args.name)
    else:
        _print_lists(args, opened)
    return 0


def _print_lists(args: argparse.Namespace, opened: OpenLibrary) -> None:
    library = opened.library
    lists = library.lists()
    searches = [(saved, len(library.query_ids(saved.query))) for saved in library.saved_searches()]
    if args.json:
        _print_json(
            {
                "lists": [
                    {"name": rl.name, "count": len(rl.paper_ids), "paper_ids": list(rl.paper_ids)}
                    for rl in lists
                ],
                "saved_searches": [
                    {"name": saved.name, "query": saved.query, "count": count}
                    for saved, count in searches
                ],
            }
        )
        return
    if not lists and not searches:
        _say(f"no lists yet: create one with '{PROG} lists create NAME'")
        return
    width = max(len(name) for name in [rl.name for rl in lists] + [s.name for s, _ in searches])
    for rl in lists:
        print(f"list    {rl.name:<{width}}  {len(rl.paper_ids):>5}")
    for saved, count in searches:
        print(f"search  {saved.name:<{width}}  {count:>5}  {saved.query}")


def _export_scope(args: argparse.Namespace) -> ExportScope:
    if args.list is not None:
        return ExportScope("list", args.list)
    if args.search is not None:
        return ExportScope("search", args.search)
    if args.tag is not None:
        return ExportScope("tag", args.tag)
    if args.status is not None:
        return ExportScope("status", args.status)
    return ExportScope()


def cmd_export(args: argparse.Namespace, opened: OpenLibrary) -> int:
    scope = _export_scope(args)
    target: Path | None = args.output
    if target is not None and target.exists() and not args.force:
        raise ReadingListError(f"{target} already exists; add --force to replace it")
    text = opened.library.export(args.format, scope, ExportOptions(group_by=args.group_by))
    if target is None:
        sys.stdout.write(text)
        return 0
    _write_file(target, text)
    _say(f"exported {scope.describe()} as {args.format} to {target}")
    return 0


def _write_file(target: Path, text: str) -> None:
    """An interrupted export leaves no half file (see atomic_write)."""
    try:
        write_atomically(target, text)
    except OSError as error:
        raise ReadingListError(f"cannot write {target}: {error.strerror or error}") from None


def cmd_gui(args: argparse.Namespace) -> int:
    from readinglist.app_context import default_library_dir

    try:
        app = importlib.import_module("readinglist.ui.app")
    except ImportError as error:  # Qt's system libraries missing, most often
        raise ReadingListError(
            f"the desktop window cannot start ({error}); 'scripts/dev app' installs what"
            " Qt needs, and the command line works without it"
        ) from None
    library_dir = args.library or default_library_dir()
    return int(app.run(Path(library_dir)))


# --- parser -------------------------------------------------------------------


def _paper_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a paper id") from None
    if not 1 <= value <= MAX_SQL_INT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a paper id")
    return value


def _digest_arg(text: str) -> str:
    if text == "latest" or (text.isdigit() and 1 <= int(text) <= MAX_SQL_INT):
        return text
    raise argparse.ArgumentTypeError(f"{text!r} is not a digest: use latest or a digest id")


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_SQL_INT:
        raise argparse.ArgumentTypeError(f"the limit is a number of papers from 1, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help=f"the library folder (default: ${ENV_HOME}, else the user data folder)",
    )
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print JSON")

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A reading-list manager for machine-learning papers.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, handler: object, help_text: str, *, json_out: bool = False) -> Any:
        parents = [common, json_flag] if json_out else [common]
        sub = commands.add_parser(name, parents=parents, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    sub = command(
        "import", cmd_import, "import digests (text, .eml, .html) or - for stdin", json_out=True
    )
    sub.add_argument("files", nargs="+", metavar="FILE")

    sub = command("list", cmd_list, "list papers", json_out=True)
    sub.add_argument(
        "--status", metavar="S", help="one of: " + ", ".join(s.value for s in ReadStatus)
    )
    sub.add_argument("--tag", metavar="T", help="a tag; also matches its sub-tags (T/…)")
    sub.add_argument("--has-code", action="store_true", help="only papers with a code link")
    sub.add_argument(
        "--digest",
        type=_digest_arg,
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
    sub.add_argument("--limit", type=_limit, metavar="N", help="show at most N papers")

    sub = command("show", cmd_show, "show one paper", json_out=True)
    sub.add_argument("id", type=_paper_id, metavar="ID")

    sub = command("tag", cmd_tag, "add and remove tags on papers")
    sub.add_argument("ids", nargs="+", type=_paper_id, metavar="ID")
    sub.add_argument("--add", nargs="+", metavar="T")
    sub.add_argument("--remove", nargs="+", metavar="T")

    sub = command("tags", cmd_tags, "list tags with counts; rename or colour them", json_out=True)
    tag_actions = sub.add_subparsers(dest="tags_action", metavar="ACTION")
    rename = tag_actions.add_parser(
        "rename", parents=[common], help="rename (merge into NEW if it exists)"
    )
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    colour = tag_actions.add_parser(
        "colour", aliases=["color"], parents=[common], help="set a tag's colour"
    )
    colour.add_argument("name", metavar="TAG")
    colour.add_argument("colour", metavar="COLOUR", help="#rgb, #rrggbb or none")
    colour.set_defaults(tags_action="colour")

    sub = command("status", cmd_status, "set the read status of papers")
    sub.add_argument("ids", nargs="+", type=_paper_id, metavar="ID")
    sub.add_argument("state", metavar="STATE", help=", ".join(s.value for s in ReadStatus))

    sub = command("priority", cmd_priority, "set the priority of papers")
    sub.add_argument("ids", nargs="+", type=_paper_id, metavar="ID")
    sub.add_argument("level", metavar="LEVEL", help="none, low, medium or high")

    sub = command("rate", cmd_rate, "rate a paper from 0 to 5")
    sub.add_argument("id", type=_paper_id, metavar="ID")
    sub.add_argument("rating", type=int, metavar="N")

    sub = command("note", cmd_note, "print, set or edit a paper's Markdown notes")
    sub.add_argument("id", type=_paper_id, metavar="ID")
    how = sub.add_mutually_exclusive_group()
    how.add_argument("--set", metavar="TEXT", help="replace the notes (- reads standard input)")
    how.add_argument("--edit", action="store_true", help="edit the notes in $EDITOR")

    sub = command("open", cmd_open, "open a paper's code repository in the browser")
    sub.add_argument("id", type=_paper_id, metavar="ID")
    sub.add_argument("--project", action="store_true", help="open the project page instead")
    sub.add_argument("--print", action="store_true", help="print the URL instead of opening it")

    sub = command(
        "search", cmd_search, "search the library (see the query language)", json_out=True
    )
    sub.add_argument("query", metavar="QUERY")
    sub.add_argument("--limit", type=_limit, default=20, metavar="N")
    # "position" orders given papers (a digest's): a search of the library has none.
    sub.add_argument("--sort", choices=[s for s in SEARCH_SORTS if s != "position"])
    sub.add_argument("--reverse", action="store_true", help="reverse the sort order")

    sub = command("similar", cmd_similar, "papers like this one, and why", json_out=True)
    sub.add_argument("id", type=_paper_id, metavar="ID")
    sub.add_argument("--limit", type=_limit, default=10, metavar="N")

    command("reindex", cmd_reindex, "rebuild the search index from the library")

    sub = command("backup", cmd_backup, "copy the library's database (consistent while in use)")
    sub.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="where (default: the backups folder)"
    )

    sub = command(
        "restore", cmd_restore, "replace the library by a backup (the current one is kept aside)"
    )
    sub.add_argument("file", type=Path, metavar="FILE")

    sub = command(
        "doctor",
        cmd_doctor,
        "check the search index against the library and repair it",
        json_out=True,
    )
    sub.add_argument("--check", action="store_true", help="only report (exit 1 on drift)")

    sub = command("delete", cmd_delete, "delete papers (with their notes, tags and history)")
    sub.add_argument("ids", nargs="+", type=_paper_id, metavar="ID")
    sub.add_argument("--yes", action="store_true", help="confirm")

    sub = command(
        "lists", cmd_lists, "reading lists and saved searches, with counts", json_out=True
    )
    list_actions = sub.add_subparsers(dest="lists_action", metavar="ACTION")
    action = list_actions.add_parser("create", parents=[common], help="create a list")
    action.add_argument("name", metavar="NAME")
    for name, help_text in (("add", "add papers to a list"), ("remove", "remove papers")):
        action = list_actions.add_parser(name, parents=[common], help=help_text)
        action.add_argument("name", metavar="NAME")
        action.add_argument("ids", nargs="+", type=_paper_id, metavar="ID")
    action = list_actions.add_parser(
        "move", parents=[common], help="move papers of a list to a position (1 is first)"
    )
    action.add_argument("name", metavar="NAME")
    action.add_argument("ids", nargs="+", type=_paper_id, metavar="ID")
    action.add_argument("--to", type=_limit, required=True, metavar="POSITION")
    action = list_actions.add_parser("show", parents=[common, json_flag], help="a list's papers")
    action.add_argument("name", metavar="NAME")
    action = list_actions.add_parser("rename", parents=[common], help="rename a list")
    action.add_argument("old", metavar="OLD")
    action.add_argument("new", metavar="NEW")
    action = list_actions.add_parser(
        "delete", parents=[common], help="delete a list (its papers stay)"
    )
    action.add_argument("name", metavar="NAME")
    action = list_actions.add_parser(
        "save-search", parents=[common], help="save a query as a smart list"
    )
    action.add_argument("name", metavar="NAME")
    action.add_argument("query", metavar="QUERY")
    action.add_argument("--replace", action="store_true", help="replace a saved search")
    action = list_actions.add_parser(
        "delete-search", parents=[common], help="delete a saved search"
    )
    action.add_argument("name", metavar="NAME")

    sub = command("export", cmd_export, "export papers (md, csv, bibtex, ris, csljson, json, html)")
    sub.add_argument("--format", required=True, choices=list(FORMATS), metavar="FORMAT",
                     help=", ".join(FORMATS) + " (json is a complete backup)")  # fmt: skip
    scope = sub.add_mutually_exclusive_group()
    scope.add_argument("--list", metavar="L", help="the papers of a list, in its order")
    scope.add_argument("--search", metavar="Q", help="a saved search's name, or a query")
    scope.add_argument("--tag", metavar="T", help="a tag and its sub-tags")
    scope.add_argument("--status", metavar="S", help="one read status")
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="write FILE, not stdout")
    sub.add_argument("--force", action="store_true", help="replace FILE if it exists")
    sub.add_argument(
        "--group-by", choices=("status", "tag"), default="status", help="Markdown sections"
    )

    command("gui", cmd_gui, "open the desktop window")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _run(argv)
        finally:
            # Flush now rather than at interpreter exit, where a closed pipe would print
            # "Exception ignored ... BrokenPipeError" and exit with status 120.
            sys.stdout.flush()
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    log_file = configure_logging()
    args.library = getattr(args, "library", None)
    args.json = getattr(args, "json", False)
    try:
        _check_usage(args)
        if args.command == "gui":
            return cmd_gui(args)
        if args.command == "restore":
            return cmd_restore(args)
        with _open(args.library, build_index=_needs_index(args)) as opened:
            if opened.upgrade_copy:
                _say(
                    f"{PROG}: library upgraded; the previous database was copied to"
                    f" {opened.upgrade_copy}"
                )
            handler: Handler = args.handler
            return handler(args, opened)
    except UsageError as error:
        parser.error(str(error))  # exits with status 2
    except ReadingListError as error:
        _error(error)
        return 1
    except BrokenPipeError:
        raise  # output closed early (| head): main() handles it quietly
    except Exception as error:  # a bug: the details go to the log, one line to the user
        log.exception("unexpected error in %r", args.command)
        where = f"; details are in {log_file}" if log_file else ""
        _error(f"unexpected error ({type(error).__name__}: {error}){where}")
        return EXIT_BUG


def _check_usage(args: argparse.Namespace) -> None:
    """Usage errors argparse cannot see, caught before any library is opened or created."""
    if args.command == "import" and args.files.count("-") > 1:
        raise UsageError("standard input (-) can be read only once")


# Commands that never read the search index: a library whose index is missing or being
# built opens for them at once (its changes wait in the outbox for the index).
_INDEX_FREE = frozenset(
    {"list", "show", "tag", "tags", "status", "priority", "rate", "note", "open", "backup",
     "delete", "import", "reindex"}
)  # fmt: skip
BUILD_PROGRESS_EVERY_S = 1.0


def _needs_index(args: argparse.Namespace) -> bool:
    if args.command == "export":
        return getattr(args, "search", None) is not None
    return args.command not in _INDEX_FREE


class _BuildProgress:
    """The index build's progress on stderr: a line a second at most, none at all for
    a build that ends sooner (the line saying it was rebuilt comes last)."""

    def __init__(self) -> None:
        self._last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last >= BUILD_PROGRESS_EVERY_S:
            self._last = now
            _say(f"{PROG}: building the search index: {done}/{total} papers…")


def _open(library_dir: Path | None, build_index: bool = True) -> OpenLibrary:
    from readinglist.app_context import open_library  # SQLAlchemy loads only from here

    try:
        return open_library(
            library_dir,
            on_message=lambda text: _say(f"{PROG}: {text}"),
            progress=_BuildProgress(),
            build_index=build_index,
        )
    except OSError as error:  # e.g. the folder cannot be created
        where = f"{error.filename}: " if error.filename else ""
        raise ReadingListError(
            f"cannot open the library: {where}{error.strerror or error}"
        ) from None

"""What goes in and out of the library as files: import, export, backup and restore.

The export formats load only when ``export`` is parsed (its ``--format`` lists them);
``restore`` runs before any library is opened, since it replaces the database.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents
from readinglist.cli.output import PROG, error, print_json, print_summary, say
from readinglist.core.errors import ReadingListError

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase
    from readinglist.core.exchange.bundle import ExportScope
    from readinglist.core.models import ImportSummary


def _read_source(name: str) -> tuple[bytes, str]:
    from readinglist.core.digest_sources import MAX_DIGEST_BYTES

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


def _import_undoable(opened: OpenDatabase, data: bytes, source: str) -> ImportSummary:
    """Import one digest (a big one in a child process) and keep it for ``undo``."""
    from readinglist import import_process
    from readinglist.cli.undo import keep_for_undo
    from readinglist.core.undo import import_change

    record = import_process.import_undoable(opened.library, opened.library_dir, data, source)
    keep_for_undo(opened, import_change([(source, b"")], [record]))
    return record.summary


def cmd_import(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.cli.identifiers import import_identifiers, is_identifier
    from readinglist.core.serialize import summary_to_dict

    summaries: list[ImportSummary] = []
    failed = 0
    identifiers = [name for name in args.files if is_identifier(name)]
    if identifiers:  # paper ids and URLs: looked up and imported as one
        try:
            summaries.append(import_identifiers(opened, identifiers, _import_undoable))
            if not args.json:
                print_summary(summaries[-1])
        except ReadingListError as problem:
            error(problem)
            failed += 1
    for name in args.files:
        if name in identifiers:
            continue
        try:
            data, source = _read_source(name)
            summary = _import_undoable(opened, data, source)
        except ReadingListError as problem:
            error(problem)
            failed += 1
            continue
        summaries.append(summary)
        if not args.json:
            print_summary(summary)
    if args.json:
        print_json([summary_to_dict(s) for s in summaries])
    return 1 if failed else 0


def _export_scope(args: argparse.Namespace) -> ExportScope:
    from readinglist.core.exchange.bundle import ExportScope

    if args.list is not None:
        return ExportScope("list", args.list)
    if args.search is not None:
        return ExportScope("search", args.search)
    if args.tag is not None:
        return ExportScope("tag", args.tag)
    if args.status is not None:
        return ExportScope("status", args.status)
    return ExportScope()


def cmd_export(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.core.exchange.bundle import ExportOptions

    scope = _export_scope(args)
    target: Path | None = args.output
    if target is not None and target.exists() and not args.force:
        raise ReadingListError(f"{target} already exists; add --force to replace it")
    options = ExportOptions(group_by=args.group_by, bom=args.bom, private=args.include_private)
    text = opened.library.exchange.export(args.format, scope, options)
    if target is None:
        sys.stdout.write(text)
        return 0
    _write_file(target, text)
    say(f"exported {scope.describe()} as {args.format} to {target}")
    return 0


def _write_file(target: Path, text: str) -> None:
    """An interrupted export leaves no half file (see atomic_write)."""
    from readinglist.atomic_write import write_atomically

    try:
        write_atomically(target, text)
    except OSError as problem:
        raise ReadingListError(f"cannot write {target}: {problem.strerror or problem}") from None


def cmd_backup(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from datetime import UTC, datetime

    from readinglist.storage.backups import backup_to

    target = backup_to(opened.library_dir, args.file, datetime.now(UTC))
    say(f"backed up to {target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Runs without opening the library first: its database is about to be replaced."""
    from readinglist.app_context import restore_library

    report = restore_library(args.library, args.file, on_message=lambda t: say(f"{PROG}: {t}"))
    say(f"restored {report.papers} papers from {report.restored_from}")
    if report.previous_copy is not None:
        say(f"the library as it was is kept in {report.previous_copy}")
    return 0


# --- arguments (readinglist.cli.parser adds them when the command runs) -------------


def import_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="digest files, - for stdin, or arXiv ids and arXiv / Hugging Face paper URLs",
    )


def backup_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="where (default: the backups folder)"
    )


def restore_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("file", type=Path, metavar="FILE")


def export_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    from readinglist.core.exchange import FORMATS

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
        "--group-by",
        choices=("status", "tag", "none"),
        default=None,
        help="Markdown sections (default: by status; a --list keeps its own order)",
    )
    sub.add_argument(
        "--bom", action="store_true", help="CSV: start with a UTF-8 byte order mark (for Excel)"
    )
    sub.add_argument(
        "--include-private",
        action="store_true",
        help="BibTeX: also your notes, tags and reading state (annote and JabRef's groups,"
        " readstatus, ranking, priority), to move to JabRef; left out by default, as a .bib"
        " file is usually shared",
    )

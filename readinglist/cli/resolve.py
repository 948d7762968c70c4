"""``readinglist resolve``: find papers on arXiv and Hugging Face and keep what they say.

Without arguments it looks up what is pending: papers never looked up, papers queued
while the network was away, and failed lookups whose retry time has come. A paper no
service knows is not asked about again unless ``--retry-unmatched`` says so. The
services are asked politely (one arXiv request every 3 s, see ``readinglist.remote``)
and their answers are cached, so a second run is quick and costs them nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents, digest_arg, paper_id
from readinglist.cli.output import error, plural, print_json, say

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase
    from readinglist.core.library import Library
    from readinglist.core.resolve_cases import ResolveReport


def _wanted(args: argparse.Namespace, library: Library) -> list[int]:
    if args.ids:
        library.require_papers(args.ids)
        return list(args.ids)
    if args.digest:
        from readinglist.cli.papers import digest_id

        return library.digest_paper_ids([digest_id(library, args.digest)])
    if args.all:
        return _all(library)
    return library.identity.pending(retry_unmatched=args.retry_unmatched)


def _all(library: Library) -> list[int]:
    return [paper.id for paper in library.papers()]


class _Progress:
    """``resolving 25/211`` on stderr, rewritten in place on a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.quiet:
            end = "\n" if done == total else ""
            print(f"\rresolving {done}/{total}", end=end, file=sys.stderr, flush=True)


def report_to_dict(report: ResolveReport) -> dict[str, object]:
    return {
        "matched": list(report.matched),
        "unmatched": list(report.unmatched),
        "queued": list(report.queued),
        "failed": list(report.failed),
        "kept": report.kept,
        "message": report.message,
    }


def cmd_resolve(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.core.resolve_cases import resolve
    from readinglist.locations import lookup_cache_dir
    from readinglist.remote import open_lookup

    library = opened.library
    ids = _wanted(args, library)
    if not ids:
        say("nothing to look up: every paper has been looked up (use --all to refresh)")
        if args.json:
            print_json(report_to_dict(_empty()))
        return 0
    with open_lookup(lookup_cache_dir()) as lookup:
        report = resolve(library.identity, lookup, ids, progress=_Progress(args.json))
    if args.json:
        print_json(report_to_dict(report))
    else:
        print(f"{plural(len(ids), 'paper')} looked up: {report.describe()}")
    if report.queued:  # offline: one line, and a status a script can test
        error(report.message or f"{plural(len(report.queued), 'paper')} queued")
        return 1
    return 0


def _empty() -> ResolveReport:
    from readinglist.core.resolve_cases import ResolveReport

    return ResolveReport()


def resolve_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    which = sub.add_mutually_exclusive_group()
    sub.add_argument("ids", nargs="*", type=paper_id, metavar="ID", help="papers to look up")
    which.add_argument("--all", action="store_true", help="every paper (refreshes upvotes, stars)")
    which.add_argument(
        "--digest", type=digest_arg, metavar="DIGEST", help="a digest's papers (latest, or its id)"
    )
    sub.add_argument(
        "--retry-unmatched",
        action="store_true",
        help="ask again about papers no service knew",
    )

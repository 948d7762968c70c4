"""Commands that read the search index: search, similar and reindex (which rebuilds it).

Only these (with lists, export --search and doctor) open the library with its index,
so only they load Whoosh and NumPy.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents, limit, paper_id
from readinglist.cli.output import PROG, print_json, say
from readinglist.core.models import SEARCH_SORTS

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase
    from readinglist.core.models import Fragment


def _fragment_text(fragment: Fragment, colour: bool) -> str:
    if not colour:
        return "".join(f"[{text}]" if hit else text for text, hit in fragment)
    return "".join(f"\033[1;33m{text}\033[0m" if hit else text for text, hit in fragment)


def cmd_search(args: argparse.Namespace, opened: OpenDatabase) -> int:
    results = opened.library.search(
        args.query, sort=args.sort, descending=args.reverse, limit=args.limit
    )
    if results.message:
        say(f"{PROG}: {results.message}")
    if args.json:
        print_json(
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
    say(
        f"{results.total} match{'es' if results.total != 1 else ''}"
        + (f" (showing {shown})" if shown < results.total else "")
    )
    if results.suggestion:
        say(f"did you mean: {results.suggestion}")
    return 0


def cmd_similar(args: argparse.Namespace, opened: OpenDatabase) -> int:
    similar = opened.library.similar(args.id, k=args.limit)
    if args.json:
        print_json(
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
        say(f"no paper in the library is like paper {args.id}")
    else:
        for item in similar:
            print(f"{item.paper.id:>5}  {item.paper.title}  ({', '.join(item.terms)})")
    return 0


def cmd_reindex(args: argparse.Namespace, opened: OpenDatabase) -> int:
    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rindexed {done}/{total}", end="", file=sys.stderr, flush=True)

    count = opened.library.indexing.rebuild(progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"rebuilt the search index: {count} paper{'s' if count != 1 else ''}")
    return 0


def search_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("query", metavar="QUERY")
    sub.add_argument("--limit", type=limit, default=20, metavar="N")
    # "position" orders given papers (a digest's): a search of the library has none.
    sub.add_argument("--sort", choices=[s for s in SEARCH_SORTS if s != "position"])
    sub.add_argument("--reverse", action="store_true", help="reverse the sort order")


def similar_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("id", type=paper_id, metavar="ID")
    sub.add_argument("--limit", type=limit, default=10, metavar="N")

"""``readinglist triage``, ``groups`` and ``suggest-tags``: the learning triage (issue 19).

scikit-learn (about a second to import) loads inside the handlers only: the parser
imports this module for ``--help`` and usage errors, which must stay instant. The
models are trained from the library on each run (readinglist/triage/); none of these
commands changes the library.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from readinglist.cli.args import Parents, digest_arg, paper_id
from readinglist.cli.output import PROG, print_json, say, short
from readinglist.cli.papers import digest_id

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase

TITLE_WIDTH = 70
NO_SIGNAL = (
    "nothing learned yet: mark papers queued, reading or read (or rate them 4+) and"
    " the digest is ranked for you; shown in its own order"
)


def cmd_triage(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.core.models import PaperQuery
    from readinglist.triage.service import Triage

    library = opened.library
    digest = digest_id(library, args.digest)
    ids = library.digest_paper_ids([digest])
    positions = library.digest_positions([digest])
    triage = Triage.from_library(library)
    ranked = triage.rank(ids)
    titles = {p.id: p.title for p in library.papers(PaperQuery(ids=tuple(ids)))}
    if ranked is None:
        rows: list[dict[str, Any]] = [
            {"id": i, "title": titles[i], "position": positions.get(i), "interest": None,
             "why": None}
            for i in ids
        ]  # fmt: skip
        say(f"{PROG}: {NO_SIGNAL}")
    else:
        rows = [
            {
                "id": r.paper_id,
                "title": titles[r.paper_id],
                "position": positions.get(r.paper_id),
                "interest": r.interest,
                "why": {"words": list(r.why.words), "papers": list(r.why.papers)},
            }
            for r in ranked
        ]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        interest = "   -" if row["interest"] is None else f"{row['interest']:.2f}"
        print(f"{row['id']:>6}  {interest}  {short(row['title'], TITLE_WIDTH)}")
        why = row["why"]
        if why and (why["words"] or why["papers"]):
            like = ", ".join(f"#{i}" for i in why["papers"])
            print(f"{'':14}{', '.join(why['words'])}" + (f"; like {like}" if like else ""))
    return 0


def cmd_groups(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.triage.service import digest_groups

    library = opened.library
    ids = library.digest_paper_ids([digest_id(library, args.digest)])
    groups = digest_groups(library, ids)
    if args.json:
        print_json(
            [
                {"label": g.label, "words": list(g.words), "paper_ids": list(g.paper_ids)}
                for g in groups
            ]
        )
        return 0
    for group in groups:
        print(f"{group.label} ({len(group.paper_ids)})")
        print(f"  {', '.join(group.words)}")
        print(f"  {' '.join(str(i) for i in group.paper_ids)}")
    return 0


def cmd_suggest_tags(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.triage.service import Triage

    library = opened.library
    library.require_papers([args.id])
    if not library.tags():
        if args.json:
            print_json([])
        say(f"{PROG}: no tags yet: suggestions come from the tags you use")
        return 0
    suggestions = Triage.from_library(library).suggest_tags(args.id)
    if args.json:
        print_json([{"tag": s.tag, "score": s.score} for s in suggestions])
    elif suggestions:
        for suggestion in suggestions:
            print(f"{suggestion.tag}  {suggestion.score:.2f}")
    else:
        say(f"{PROG}: no tag of yours fits paper {args.id} well enough")
    return 0


def _digest_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--digest",
        type=digest_arg,
        default="latest",
        help="the digest (latest, the default, or its id)",
    )


def triage_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    _digest_arguments(sub)


def groups_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    _digest_arguments(sub)


def suggest_tags_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("id", type=paper_id, metavar="ID")


# The command is called "suggest-tags": the parser and readinglist.cli look its handler
# and arguments up by that name.
globals()["cmd_suggest-tags"] = cmd_suggest_tags
globals()["suggest-tags_arguments"] = suggest_tags_arguments

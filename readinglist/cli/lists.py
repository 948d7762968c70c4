"""``readinglist lists``: reading lists and saved searches, with counts, and the actions
on them (create, add, remove, move, show, rename, delete, save-search, delete-search).

A saved search is counted by running it, so this command opens the search index.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents, limit, paper_id
from readinglist.cli.output import PROG, plural, print_json, print_papers, say

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase


def cmd_lists(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.cli.undo import run_undoable
    from readinglist.core import undo

    library = opened.library
    action = args.lists_action
    if action == "create":
        created = undo.ListLifeChange(f"create the list {args.name}", args.name, create=True)
        run_undoable(opened, created)
        print(f"created the list {created.name!r}")
    elif action == "add":
        library.lists.get(args.name)  # a missing list: its one-line message, nothing kept
        added = run_undoable(opened, undo.add_change(args.name, args.ids), args.ids).count
        print(f"{plural(added, 'paper')} added to {args.name!r}")
    elif action == "remove":
        removed = run_undoable(opened, undo.remove_change(args.name, args.ids)).count
        print(f"{plural(removed, 'paper')} removed from {args.name!r}")
    elif action == "move":
        run_undoable(opened, undo.move_change(args.name, args.ids, args.to - 1))
    elif action == "rename":
        library.lists.rename(args.old, args.new)
    elif action == "delete":
        run_undoable(opened, undo.ListLifeChange(f"delete the list {args.name}", args.name, False))
    elif action == "show":
        _show_list(args, opened)
    elif action == "save-search":
        saved = library.searches.save(args.name, args.query, replace=args.replace)
        count = len(library.query_ids(saved.query))
        print(f"saved the search {saved.name!r}: {plural(count, 'paper')} now")
    elif action == "delete-search":
        library.searches.delete(args.name)
    else:
        _print_lists(args, opened)
    return 0


def _show_list(args: argparse.Namespace, opened: OpenDatabase) -> None:
    from readinglist.core.models import PaperQuery
    from readinglist.core.serialize import paper_to_dict

    library = opened.library
    found = library.lists.get(args.name)
    by_id = {p.id: p for p in library.papers(PaperQuery(ids=found.paper_ids))}
    papers = [by_id[i] for i in found.paper_ids if i in by_id]
    if args.json:
        print_json([paper_to_dict(p) for p in papers])
    elif papers:
        print_papers(papers)
    else:
        say(f"the list {found.name!r} is empty: add papers with '{PROG} lists add NAME ID...'")


def _print_lists(args: argparse.Namespace, opened: OpenDatabase) -> None:
    library = opened.library
    lists = library.lists.all()
    searches = [(saved, len(library.query_ids(saved.query))) for saved in library.searches.all()]
    if args.json:
        print_json(
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
        say(f"no lists yet: create one with '{PROG} lists create NAME'")
        return
    width = max(len(name) for name in [rl.name for rl in lists] + [s.name for s, _ in searches])
    for rl in lists:
        print(f"list    {rl.name:<{width}}  {len(rl.paper_ids):>5}")
    for saved, count in searches:
        print(f"search  {saved.name:<{width}}  {count:>5}  {saved.query}")


def lists_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    common, json_flag = parents
    actions = sub.add_subparsers(dest="lists_action", metavar="ACTION")
    action = actions.add_parser("create", parents=[common], help="create a list")
    action.add_argument("name", metavar="NAME")
    for name, help_text in (("add", "add papers to a list"), ("remove", "remove papers")):
        action = actions.add_parser(name, parents=[common], help=help_text)
        action.add_argument("name", metavar="NAME")
        action.add_argument("ids", nargs="+", type=paper_id, metavar="ID")
    action = actions.add_parser(
        "move", parents=[common], help="move papers of a list to a position (1 is first)"
    )
    action.add_argument("name", metavar="NAME")
    action.add_argument("ids", nargs="+", type=paper_id, metavar="ID")
    action.add_argument("--to", type=limit, required=True, metavar="POSITION")
    action = actions.add_parser("show", parents=[common, json_flag], help="a list's papers")
    action.add_argument("name", metavar="NAME")
    action = actions.add_parser("rename", parents=[common], help="rename a list")
    action.add_argument("old", metavar="OLD")
    action.add_argument("new", metavar="NEW")
    action = actions.add_parser("delete", parents=[common], help="delete a list (its papers stay)")
    action.add_argument("name", metavar="NAME")
    action = actions.add_parser(
        "save-search", parents=[common], help="save a query as a smart list"
    )
    action.add_argument("name", metavar="NAME")
    action.add_argument("query", metavar="QUERY")
    action.add_argument("--replace", action="store_true", help="replace a saved search")
    action = actions.add_parser("delete-search", parents=[common], help="delete a saved search")
    action.add_argument("name", metavar="NAME")

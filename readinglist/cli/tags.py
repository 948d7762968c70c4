"""``readinglist tag`` (tags on papers) and ``readinglist tags`` (the tags themselves:
counts, rename, colour, merge, delete). Neither searches: their library opens without the index."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents, paper_id
from readinglist.cli.output import PROG, plural, print_json, say

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase


def cmd_tag(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.cli.undo import run_undoable
    from readinglist.core.undo import tags_change

    ids = list(dict.fromkeys(args.ids))  # "tag 5 5": paper 5, once
    change = tags_change(ids, args.add or (), args.remove or ())
    changed = run_undoable(opened, change, ids).count
    print(f"{plural(changed, 'paper')} changed")
    return 0


def cmd_tags(args: argparse.Namespace, opened: OpenDatabase) -> int:
    action = args.tags_action
    if action in ("rename", "colour", "merge", "delete"):
        return _edit_tags(args, opened)
    tags = opened.library.tags()
    if args.json:
        from readinglist.core.serialize import tag_to_dict

        print_json([tag_to_dict(t) for t in tags])
    elif not tags:
        say(f"no tags yet: add one with '{PROG} tag ID --add NAME'")
    else:
        width = max(len(t.name) for t in tags)
        for tag in tags:
            colour = f"  {tag.colour}" if tag.colour else ""
            print(f"{tag.name:<{width}}  {tag.count:>5}{colour}")
    return 0


def _edit_tags(args: argparse.Namespace, opened: OpenDatabase) -> int:
    """Rename, merge, recolour or delete a tag, kept for ``readinglist undo`` (the
    change records every touched tag's colour and papers first, so undo is exact)."""
    from readinglist.cli.undo import run_undoable
    from readinglist.core import tag_cases
    from readinglist.core.tags import normalize_tag

    action = args.tags_action
    if action == "colour":
        run_undoable(opened, tag_cases.colour_change(args.name, args.colour))
        return 0
    if action == "delete":
        changed = run_undoable(opened, tag_cases.delete_change(args.name)).count
        print(f"{plural(changed, 'paper')} lost the tag")
        return 0
    old, new = (args.old, args.new) if action == "rename" else (args.source, args.target)
    if action == "merge":  # merge checks first what rename would silently make
        opened.library.tag_edits.check_merge(old, new)
    change = tag_cases.rename_change(old, new, merge=action == "merge")
    run_undoable(opened, change)
    old_name, new_name = normalize_tag(old), normalize_tag(new)
    existed = [name for name, state in (change.snapshot or {}).items() if state is not None]
    for name in tag_cases.family(existed, old_name):
        print(f"{name} -> {new_name + name[len(old_name) :]}")
    return 0


def tag_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("ids", nargs="+", type=paper_id, metavar="ID")
    # extend: "--add a --add b" adds both (with nargs="+" alone the last one won).
    sub.add_argument("--add", nargs="+", action="extend", metavar="T")
    sub.add_argument("--remove", nargs="+", action="extend", metavar="T")


def tags_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    actions = sub.add_subparsers(dest="tags_action", metavar="ACTION")
    rename = actions.add_parser(
        "rename", parents=[parents.common], help="rename (merge into NEW if it exists)"
    )
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    colour = actions.add_parser(
        "colour", aliases=["color"], parents=[parents.common], help="set a tag's colour"
    )
    colour.add_argument("name", metavar="TAG")
    colour.add_argument("colour", metavar="COLOUR", help="#rgb, #rrggbb or none")
    colour.set_defaults(tags_action="colour")
    merge = actions.add_parser(
        "merge", parents=[parents.common], help="merge a tag (and sub-tags) into an existing one"
    )
    merge.add_argument("source", metavar="TAG")
    merge.add_argument("target", metavar="INTO")
    delete = actions.add_parser(
        "delete", parents=[parents.common], help="take a tag (and sub-tags) off every paper"
    )
    delete.add_argument("name", metavar="TAG")

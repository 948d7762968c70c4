"""``readinglist undo``: take back the command line's last change.

Each command is a process of its own, so the changes it can take back are kept in the
library folder (``undo-history.json``, the last 20), written after each change by
:func:`run_undoable` with the records of :mod:`readinglist.core.undo` (the same the
window's Ctrl+Z uses) and read back by ``undo``. The window keeps its own history in
memory; ``readinglist undo`` takes back what the command line did.

An undo never overwrites what changed since: a paper whose status (tag, rating…) was
changed again after the change being undone keeps its newer value, and the command
says how many were left so.
"""

from __future__ import annotations

import argparse
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents
from readinglist.cli.output import plural, print_json
from readinglist.core.errors import ReadingListError

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase
    from readinglist.core.changes import Changes
    from readinglist.core.undo import Change

HISTORY_FILE = "undo-history.json"


def history_path(opened: OpenDatabase) -> Path:
    return opened.library_dir / HISTORY_FILE


def load_history(path: Path) -> list[Change]:
    from readinglist.core.undo_journal import loads

    if not path.exists():
        return []
    return loads(path.read_text(encoding="utf-8"))


def save_history(path: Path, history: list[Change]) -> None:
    """Replace the file whole (a crash leaves the old one or the new one, never half)."""
    from readinglist.core.undo_journal import dumps

    part = path.with_name(path.name + ".part")
    part.write_text(dumps(history), encoding="utf-8")
    part.replace(path)


def run_undoable(
    opened: OpenDatabase, change: Change, require: Collection[int] | None = None
) -> Changes:
    """Apply a change and keep it for ``readinglist undo``. ``require``: the papers
    that must exist (a missing one is a one-line error, and nothing changes)."""
    from readinglist.core.undo import record_and_apply

    if require is not None:
        opened.library.require_papers(require)
    changes = record_and_apply(change)(opened.library)
    keep_for_undo(opened, change)
    return changes


def keep_for_undo(opened: OpenDatabase, change: Change) -> None:
    """Keep a change already made (an import) for ``readinglist undo``."""
    from readinglist.core.errors import InvalidValueError
    from readinglist.core.undo import ImportChange

    path = history_path(opened)
    try:
        history = load_history(path)
    except InvalidValueError:
        history = []  # unreadable (another version): this change starts a new one
    if isinstance(change, ImportChange):
        change = replace(change, sources=[])  # undo needs the records, not the bytes
    save_history(path, [*history, change])


def cmd_undo(args: argparse.Namespace, opened: OpenDatabase) -> int:
    path = history_path(opened)
    history = load_history(path)
    if args.list:
        newest_first = list(reversed(history))
        if args.json:
            print_json([change.text for change in newest_first])
        elif not history:
            print("nothing to undo")
        for number, change in enumerate(newest_first if not args.json else [], start=1):
            print(f"{number:>3}  {change.text}")
        return 0
    if not history:
        raise ReadingListError("nothing to undo: no change made from the command line is kept")
    change = history[-1]
    changes = change.restore(opened.library)
    save_history(path, history[:-1])
    kept = tuple(getattr(change, "kept", ()))
    skipped = tuple(getattr(change, "skipped", ()))
    if args.json:
        print_json(
            {"undone": change.text, "changed": changes.count, "kept": kept, "skipped": skipped}
        )
        return 0
    print(f"undone: {change.text}")
    if kept:
        print(f"{plural(len(kept), 'paper')} changed since kept as they are: {_ids(kept)}")
    if skipped:
        print(
            f"{plural(len(skipped), 'paper')} not brought back (the title is back): {_ids(skipped)}"
        )
    return 0


def _ids(ids: tuple[int, ...], shown: int = 10) -> str:
    listed = ", ".join(str(i) for i in ids[:shown])
    return listed + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def undo_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument(
        "--list", action="store_true", help="list the changes that can be undone, newest first"
    )

"""``readinglist undo``: take back the command line's last change.

Each command is a process of its own, so the changes it can take back are kept in the
library folder (``undo-history/``, a file per change, the last 20), written after each
change by :func:`run_undoable` with the records of :mod:`readinglist.core.undo` (the
same the window's Ctrl+Z uses) and read back by ``undo``. The window keeps its own history in
memory; ``readinglist undo`` takes back what the command line did.

An undo never overwrites what changed since: a paper whose status (tag, rating…) was
changed again after the change being undone keeps its newer value, and the command
says how many were left so.
"""

from __future__ import annotations

import argparse
import os
import threading
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

HISTORY_DIR = "undo-history"  # one file per change; the newest has the highest number


def _entries(opened: OpenDatabase) -> list[Path]:
    """The kept changes' files, oldest first."""
    folder = opened.library_dir / HISTORY_DIR
    if not folder.is_dir():
        return []
    return sorted(
        (path for path in folder.glob("*.json") if path.stem.isdigit()),
        key=lambda path: int(path.stem),
    )


def _read(path: Path) -> Change:
    from readinglist.core.undo_journal import loads

    (change,) = loads(path.read_text(encoding="utf-8"))
    return change


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
    """Keep a change already made (an import) for ``readinglist undo``: a file of its
    own, so a command never reads or rewrites the others (a delete's snapshot or an
    import's record can be megabytes); the oldest beyond the last KEEP go."""
    from readinglist.core.undo import ImportChange
    from readinglist.core.undo_journal import KEEP, dumps

    if isinstance(change, ImportChange):
        change = replace(change, sources=[])  # undo needs the records, not the bytes
    folder = opened.library_dir / HISTORY_DIR
    folder.mkdir(exist_ok=True)
    part = folder / f".{os.getpid()}-{threading.get_ident()}.json.part"  # this command's own
    part.write_text(dumps([change]), encoding="utf-8")
    try:
        # The next number, claimed atomically: a hard link fails when another command
        # running at the same time took that number first; then the one after it.
        # A crash leaves the entry whole or absent.
        while True:
            entries = _entries(opened)
            number = int(entries[-1].stem) + 1 if entries else 1
            try:
                os.link(part, folder / f"{number}.json")
                break
            except FileExistsError:
                continue
    finally:
        part.unlink(missing_ok=True)
    entries = _entries(opened)
    for old in entries[: max(0, len(entries) - KEEP)]:
        old.unlink(missing_ok=True)


def cmd_undo(args: argparse.Namespace, opened: OpenDatabase) -> int:
    entries = _entries(opened)
    if args.list:
        texts = [_read(path).text for path in reversed(entries)]
        if args.json:
            print_json(texts)
        elif not texts:
            print("nothing to undo")
        else:
            for number, text in enumerate(texts, start=1):
                print(f"{number:>3}  {text}")
        return 0
    if not entries:
        raise ReadingListError("nothing to undo: no change made from the command line is kept")
    change = _read(entries[-1])  # damaged: a one-line error, nothing undone
    changes = change.restore(opened.library)
    entries[-1].unlink()
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

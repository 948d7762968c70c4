"""``readinglist note``: print, set or edit a paper's Markdown notes.

Apart from the other paper commands because editing runs ``$VISUAL``/``$EDITOR`` on a
temporary file, and text from argv, stdin or an editor must be UTF-8 before it replaces
anything: the notes are left as they were on every failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents, paper_id
from readinglist.cli.output import say
from readinglist.core.errors import ReadingListError

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase
    from readinglist.core.paper_edits import PaperState


def _utf8_text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReadingListError(f"{what} is not UTF-8 text; notes unchanged") from None


def _edit_in_editor(text: str) -> str:
    import shlex
    import subprocess
    import tempfile

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


def cmd_note(args: argparse.Namespace, opened: OpenDatabase) -> int:
    current = opened.library.details(args.id).paper.notes
    if args.set is None and not args.edit:
        if current:
            # Notes from an editor usually end with a newline: do not add a blank line.
            sys.stdout.write(current if current.endswith("\n") else current + "\n")
        else:
            say(f"paper {args.id} has no notes")
        return 0
    if args.edit:
        from readinglist.core.paper_edits import read_base

        base = read_base(opened.store, args.id)  # what the editor starts from
        text = _edit_in_editor(str(base.fields["notes"]))
        if text != base.fields["notes"]:
            _save_edited(opened, args.id, base, text)
        else:
            say("notes unchanged")
        return 0
    if args.set == "-":
        text = _utf8_text(sys.stdin.buffer.read(), "standard input")
    else:
        text = args.set
        # Bytes that are not UTF-8 in argv arrive as lone surrogates (surrogateescape).
        _utf8_text(text.encode("utf-8", errors="surrogateescape"), "the --set text")
    if text == current:
        say("notes unchanged")
        return 0
    from readinglist.cli.undo import run_undoable
    from readinglist.core.undo import notes_change

    run_undoable(opened, notes_change(args.id, text), [args.id])
    return 0


def _save_edited(opened: OpenDatabase, paper: int, base: PaperState, text: str) -> None:
    """Notes edited from ``base``: saved unless someone changed them meanwhile (a
    shared library); then nothing is overwritten and the edited text is kept in a file
    the one-line message names (readinglist.core.paper_edits)."""
    from datetime import UTC, datetime

    from readinglist.cli.undo import keep_for_undo
    from readinglist.core.paper_edits import EditConflictError, save_edit
    from readinglist.core.undo import notes_change

    change = notes_change(paper, text)
    change.record(opened.library)
    outcome = save_edit(opened.store, paper, base, {"notes": text}, datetime.now(UTC))
    if outcome.conflicts:
        kept = opened.library_dir / f"notes-{paper}-yours.md"
        kept.write_text(text, encoding="utf-8")
        raise EditConflictError(paper, outcome.conflicts, kept_in=str(kept))
    opened.library.indexing.after_write()
    keep_for_undo(opened, change)


def note_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("id", type=paper_id, metavar="ID")
    how = sub.add_mutually_exclusive_group()
    how.add_argument("--set", metavar="TEXT", help="replace the notes (- reads standard input)")
    how.add_argument("--edit", action="store_true", help="edit the notes in $EDITOR")

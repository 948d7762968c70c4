"""The window's notes, saved from the text it loaded: never over someone else's.

The notes box autosaves as the user types. Another window (the same member on their
other machine) or ``readinglist note 12 --set`` may have saved other notes since this
window loaded them; a plain write would silently drop theirs. So the save carries its
*base*, the text the window loaded (or last saved), and goes through the versioned
edit (core/paper_edits.py): the version is read on the writer together with the
notes, and the write is conditional on that version, so a writer slipping in between
the read and the write makes it read again rather than be overwritten.

When the stored notes are no longer the base, the base is taken as from an older
version: only their side changed (ours equals the base: nothing is saved) or only
ours (theirs equal the base: ours are written) merges; both changed is an
:class:`EditConflictError` that goes back to the user with both texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from readinglist.core.changes import NO_CHANGES, Changes, papers_changed
from readinglist.core.paper_edits import (
    EditConflictError,
    PaperState,
    VersionedStore,
    read_base,
    save_edit,
)
from readinglist.core.undo import ValueChange

if TYPE_CHECKING:
    from readinglist.core.library import Library

STALE_VERSION = -1  # never a stored version: save_edit merges from the base given
BOTH_MARKER = "----- their notes above, mine below -----"
# A close that keeps meeting new notes of someone else's gives up after this many
# rounds (each keeps both, so nothing is lost by stopping: the last round's error says so).
_KEEP_BOTH_ROUNDS = 3


def both(theirs: str, mine: str) -> str:
    """Both texts, theirs first, apart under a marker line."""
    return f"{theirs.rstrip()}\n\n{BOTH_MARKER}\n\n{mine.lstrip()}"


def save_notes_from(
    store: VersionedStore, paper_id: int, base_notes: str, notes: str, now: datetime
) -> bool:
    """Save ``notes`` typed over ``base_notes``: True when written, False when there
    was nothing to write; EditConflictError (nothing written) when someone else changed
    them to something else meanwhile."""
    state = read_base(store, paper_id)
    stale = state.fields["notes"] != base_notes
    base = PaperState(
        STALE_VERSION if stale else state.version, {**state.fields, "notes": base_notes}
    )
    outcome = save_edit(store, paper_id, base, {"notes": notes}, now)
    if outcome.conflicts:
        raise EditConflictError(paper_id, outcome.conflicts)
    return bool(outcome.written)


def save_notes_keeping_both(
    store: VersionedStore, paper_id: int, base_notes: str, notes: str, now: datetime
) -> bool:
    """As :func:`save_notes_from`, for a window that is closing: nobody is left to ask,
    so a conflict keeps both texts (theirs first, as the dialog's "Keep both") instead
    of dropping the notes just typed."""
    for _round in range(_KEEP_BOTH_ROUNDS):
        try:
            return save_notes_from(store, paper_id, base_notes, notes, now)
        except EditConflictError as conflict:
            theirs = str(conflict.conflicts[0].theirs)
            base_notes, notes = theirs, both(theirs, notes)
    return save_notes_from(store, paper_id, base_notes, notes, now)


@dataclass
class NotesEdit(ValueChange):
    """A notes change saved from its base (see the module); undone like any notes
    change (back to the previous notes where they still hold these)."""

    base: str = ""
    keep_both: bool = False  # a closing window's: no dialog can be shown any more

    def apply(self, library: Library) -> Changes:
        (paper_id,) = self.ids
        if paper_id not in self.previous:
            return NO_CHANGES
        written = library.save_notes_from(
            paper_id, self.base, str(self.value), keep_both=self.keep_both
        )
        return papers_changed(1, [paper_id]) if written else NO_CHANGES


def notes_edit(paper_id: int, base: str, notes: str, keep_both: bool = False) -> NotesEdit:
    return NotesEdit("edit notes", (paper_id,), notes, "notes", base=base, keep_both=keep_both)

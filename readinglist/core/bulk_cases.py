"""What an undoable bulk edit needs from the library: ``library.bulk``.

A window's selection can be every paper of a 100k-paper search. Recording what a bulk
edit will overwrite must then cost one column, not 100k whole papers; and its undo
must give every paper its own previous value back in one transaction, so that an undo
is one step, all or nothing, like the edit it takes back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from readinglist.core.changes import NO_CHANGES, Changes, papers_changed
from readinglist.core.models import PaperField
from readinglist.core.parts import LibraryContext
from readinglist.core.tags import normalize_tag


class BulkEdits:
    """Read one field of many papers, and give each its own value back."""

    def __init__(self, context: LibraryContext) -> None:
        self._context = context

    def field_values(self, ids: Collection[int], field: PaperField) -> dict[int, object]:
        """Each existing paper's stored value of a user field (a status or priority as
        its name); ids of papers that do not exist are left out."""
        with self._context.store.unit_of_work() as uow:
            return uow.field_values(ids, field)

    def existing_ids(self, ids: Collection[int]) -> set[int]:
        """Which of these papers exist (an undo skips those deleted since)."""
        with self._context.store.unit_of_work() as uow:
            return uow.existing_ids(ids)

    def papers_with_tag(self, ids: Collection[int], tag: str) -> set[int]:
        """Which of these papers carry this tag (exactly, not a sub-tag)."""
        with self._context.store.unit_of_work() as uow:
            return uow.papers_with_tag(ids, normalize_tag(tag))

    def restore_field(self, values: Mapping[int, object], field: PaperField) -> Changes:
        """Give each paper its own value of a field back (one transaction); papers
        deleted since are skipped. ``count``: how many papers changed."""
        if not values:
            return NO_CHANGES
        with self._context.write() as uow:
            changed = uow.set_field_values(values, field, self._context.clock())
        return papers_changed(changed, values)

    def restore_field_if(
        self, values: Mapping[int, object], field: PaperField, expected: object
    ) -> tuple[Changes, tuple[int, ...]]:
        """An undo: each paper its own value back where it still holds ``expected``,
        checked by the write itself (one transaction), so a change another writer makes
        between an undo's read and its write survives. Returns what changed and the
        papers left alone because they were changed since (deleted ones are neither)."""
        if not values:
            return NO_CHANGES, ()
        with self._context.write() as uow:
            written = uow.set_field_values_if(values, field, expected, self._context.clock())
            alive = uow.existing_ids(values)
        same = {i for i, value in values.items() if value == expected}
        kept = tuple(sorted(alive - written - same))
        return papers_changed(len(written), written), kept

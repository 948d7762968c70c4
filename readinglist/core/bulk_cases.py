"""What an undoable bulk edit needs from the library, mixed into :class:`Library`.

A window's selection can be every paper of a 100k-paper search. Recording what a bulk
edit will overwrite must then cost one column, not 100k whole papers; and its undo
must give every paper its own previous value back in one transaction, so that an undo
is one step, all or nothing, like the edit it takes back.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING

from readinglist.core.models import PaperField
from readinglist.core.ports import Store, UnitOfWork
from readinglist.core.tags import normalize_tag


class BulkCases:
    """Needs what :class:`Library` has: a store, a clock and ``_write``."""

    _store: Store
    _clock: Callable[[], datetime]

    if TYPE_CHECKING:

        def _write(self) -> AbstractContextManager[UnitOfWork]: ...

    def field_values(self, ids: Collection[int], field: PaperField) -> dict[int, object]:
        """Each existing paper's stored value of a user field (a status or priority as
        its name); ids of papers that do not exist are left out."""
        with self._store.unit_of_work() as uow:
            return uow.field_values(ids, field)

    def existing_ids(self, ids: Collection[int]) -> set[int]:
        """Which of these papers exist (an undo skips those deleted since)."""
        with self._store.unit_of_work() as uow:
            return uow.existing_ids(ids)

    def papers_with_tag(self, ids: Collection[int], tag: str) -> set[int]:
        """Which of these papers carry this tag (exactly, not a sub-tag)."""
        with self._store.unit_of_work() as uow:
            return uow.papers_with_tag(ids, normalize_tag(tag))

    def restore_field(self, values: Mapping[int, object], field: PaperField) -> int:
        """Give each paper its own value of a field back (one transaction); papers
        deleted since are skipped. Returns how many papers changed."""
        if not values:
            return 0
        with self._write() as uow:
            return uow.set_field_values(values, field, self._clock())

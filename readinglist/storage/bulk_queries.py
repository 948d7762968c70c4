"""Reads and writes over many papers at once (part of :class:`SqlUnitOfWork`).

A selection can be a whole 100k-paper library: every statement here takes its ids in
parameter-sized chunks, so one bulk action stays one transaction on any dialect.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from readinglist.core.models import PaperField
from readinglist.storage.batching import chunks
from readinglist.storage.member_state import StateScope, state_values, write_state, write_where
from readinglist.storage.orm import PaperTagRow, TagRow


class BulkQueries:
    """Mixed into the unit of work: it provides ``session``, ``scope`` and ``touched``."""

    session: Session
    scope: StateScope
    touched: set[int]

    def field_values(self, ids: Collection[int], field: PaperField) -> dict[int, object]:
        """Each existing paper's raw stored value of one user field (deleted ids absent),
        as this unit's scope sees it (a member's own)."""
        return state_values(self.session, self.scope, sorted(set(ids)), field)

    def papers_with_tag(self, ids: Collection[int], tag: str) -> set[int]:
        """Which of these papers carry exactly this tag."""
        found: set[int] = set()
        tag_id = self.session.scalar(select(TagRow.id).where(TagRow.name == tag))
        if tag_id is None:
            return found
        for chunk in chunks(sorted(set(ids))):
            found.update(
                self.session.scalars(
                    select(PaperTagRow.paper_id).where(
                        PaperTagRow.tag_id == tag_id, PaperTagRow.paper_id.in_(chunk)
                    )
                )
            )
        return found

    def set_field_values(
        self, values: Mapping[int, object], field: PaperField, now: datetime
    ) -> int:
        """Give each paper its own value of a field (an undo of a bulk edit), in this
        transaction; a status change is kept in the history as any other. Returns how
        many papers changed."""
        current = self.field_values(values.keys(), field)
        by_value: dict[object, list[int]] = {}
        for paper_id, value in values.items():
            if paper_id in current and current[paper_id] != value:
                by_value.setdefault(value, []).append(paper_id)
        for value, group in by_value.items():
            write_state(self.session, self.scope, group, {field: value}, now)
            if field == "status":
                self.session.add_all(
                    self.scope.change(paper_id, str(value), now) for paper_id in group
                )
            self.touched.update(group)
        return sum(len(group) for group in by_value.values())

    def set_field_values_if(
        self, values: Mapping[int, object], field: PaperField, expected: object, now: datetime
    ) -> set[int]:
        """Each paper its own value of a field back, where the field still holds
        ``expected`` (the undone change's value) at the write itself: a conditional
        UPDATE, not a read and then a write. Returns the papers written."""
        raw = expected.value if isinstance(expected, Enum) else expected
        by_value: dict[object, list[int]] = {}
        for paper_id, value in values.items():
            if value != raw:
                by_value.setdefault(value, []).append(paper_id)
        written: set[int] = set()
        for value, group in by_value.items():
            done = write_where(self.session, self.scope, group, field, raw, value, now)
            if field == "status":
                self.session.add_all(self.scope.change(i, str(value), now) for i in sorted(done))
            written |= done
        self.touched.update(written)
        return written

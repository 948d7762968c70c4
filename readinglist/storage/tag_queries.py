"""Tags as whole states (part of :class:`SqlUnitOfWork`; see core/tag_cases.py).

A tag's state is its colour and the papers holding it. Deleting a tag and restoring a
recorded state are what the window's undo of a tag rename, merge or delete needs; every
paper that gains or loses a tag is marked changed, so the search index follows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, literal, select
from sqlalchemy.orm import Session

from readinglist.core.tag_cases import TagSnapshot, TagState
from readinglist.storage.batching import chunks
from readinglist.storage.member_state import conflict_insert
from readinglist.storage.orm import PaperRow, PaperTagRow, TagRow


class TagQueries:
    """Mixed into the unit of work: it provides ``session`` and ``_bump``."""

    session: Session

    if TYPE_CHECKING:

        def _bump(self, ids: Collection[int], now: datetime) -> None: ...

    def _holders(self, tag_id: int) -> list[int]:
        return list(
            self.session.scalars(
                select(PaperTagRow.paper_id)
                .where(PaperTagRow.tag_id == tag_id)
                .order_by(PaperTagRow.paper_id)
            )
        )

    def tag_states(self, names: Collection[str]) -> TagSnapshot:
        found: TagSnapshot = dict.fromkeys(names)
        for chunk in chunks(sorted(set(names))):
            for row in self.session.scalars(select(TagRow).where(TagRow.name.in_(chunk))):
                found[row.name] = TagState(row.colour, tuple(self._holders(row.id)))
        return found

    def delete_tags(self, names: Collection[str], now: datetime) -> set[int]:
        """The tags off every paper and gone; the papers that lost one."""
        changed: set[int] = set()
        for chunk in chunks(sorted(set(names))):
            rows = list(self.session.scalars(select(TagRow).where(TagRow.name.in_(chunk))))
            for row in rows:
                changed.update(self._holders(row.id))
                self.session.execute(delete(PaperTagRow).where(PaperTagRow.tag_id == row.id))
                self.session.delete(row)
        self.session.flush()
        if changed:
            self._bump(changed, now)
        return changed

    def restore_tags(self, states: Mapping[str, TagState | None], now: datetime) -> set[int]:
        """Each tag exactly as recorded: made again with its colour, on exactly its
        papers (those deleted since are skipped); None: the tag goes."""
        changed: set[int] = set()
        gone = [name for name, state in states.items() if state is None]
        changed |= self.delete_tags(gone, now) if gone else set()
        for name, state in sorted(states.items()):
            if state is None:
                continue
            row = self.session.scalars(select(TagRow).where(TagRow.name == name)).one_or_none()
            if row is None:
                row = TagRow(name=name, colour=state.colour)
                self.session.add(row)
                self.session.flush()
            row.colour = state.colour
            have = set(self._holders(row.id))
            wanted = set(state.ids)
            extra = sorted(have - wanted)
            for chunk in chunks(extra):
                self.session.execute(
                    delete(PaperTagRow).where(
                        PaperTagRow.tag_id == row.id, PaperTagRow.paper_id.in_(chunk)
                    )
                )
            missing = sorted(wanted - have)
            existing: set[int] = set()
            for chunk in chunks(missing):
                existing.update(
                    self.session.scalars(select(PaperRow.id).where(PaperRow.id.in_(chunk)))
                )
            self.session.add_all(
                PaperTagRow(paper_id=paper_id, tag_id=row.id)
                for paper_id in missing
                if paper_id in existing
            )
            changed.update(extra)
            changed.update(existing)
        self.session.flush()
        if changed:
            self._bump(changed, now)
        return changed

    def untag_where_carried(self, ids: Collection[int], name: str, now: datetime) -> set[int]:
        """Take the tag off those of these papers that carry it at the write itself (a
        DELETE ... RETURNING, not a read then a write: a compare-and-set for an undo);
        returns the papers it was taken from."""
        tag_id = self.session.scalar(select(TagRow.id).where(TagRow.name == name))
        taken: set[int] = set()
        if tag_id is None:
            return taken
        for chunk in chunks(sorted(set(ids))):
            taken.update(
                self.session.scalars(
                    delete(PaperTagRow)
                    .where(PaperTagRow.tag_id == tag_id, PaperTagRow.paper_id.in_(chunk))
                    .returning(PaperTagRow.paper_id)
                )
            )
        if taken:
            self._bump(taken, now)
        return taken

    def retag_where_missing(self, ids: Collection[int], name: str, now: datetime) -> set[int]:
        """Put the tag back on those of these papers that still exist and lack it at
        the write itself (INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING: one
        given it meanwhile by another writer is left alone, a deleted one skipped);
        the tag is made again if it went. Returns the papers given it."""
        tag_id = self.session.scalar(select(TagRow.id).where(TagRow.name == name))
        if tag_id is None:
            row = TagRow(name=name, colour=None)
            self.session.add(row)
            self.session.flush()
            tag_id = row.id
        given: set[int] = set()
        for chunk in chunks(sorted(set(ids))):
            statement = conflict_insert(self.session, PaperTagRow).from_select(
                ["paper_id", "tag_id"],
                select(PaperRow.id, literal(tag_id)).where(PaperRow.id.in_(chunk)),
            )
            given.update(
                self.session.scalars(
                    statement.on_conflict_do_nothing(
                        index_elements=[PaperTagRow.paper_id, PaperTagRow.tag_id]
                    ).returning(PaperTagRow.paper_id)
                )
            )
        if given:
            self._bump(given, now)
        return given

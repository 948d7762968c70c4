"""Snapshots of papers and their restore, for undoing a delete (part of the unit of work)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from readinglist.core.group import GroupRecords, by_paper, joined
from readinglist.core.models import Paper, PaperQuery, ReadStatus, StatusChange
from readinglist.core.snapshots import PaperSnapshot, RestoreReport
from readinglist.storage.batching import chunks, paper_row
from readinglist.storage.member_snapshots import (
    add_shared_paper_row,
    others_with_state,
    shared_states,
)
from readinglist.storage.member_state import StateScope, add_paper_row
from readinglist.storage.orm import (
    AppearanceRow,
    DigestRow,
    ListItemRow,
    PaperRow,
    PaperTagRow,
    ReadingListRow,
    StatusChangeRow,
    TagRow,
)


class RestoreWork:
    """Mixed into the unit of work: it provides ``session``, ``scope``, ``touched`` and
    ``papers``. On a shared library a snapshot holds every member's state as stored
    (storage/member_snapshots.py) and puts all of it back exactly: a delete by one
    member takes nobody's notes, rating or history for good."""

    session: Session
    scope: StateScope
    touched: set[int]

    if TYPE_CHECKING:

        def papers(self, query: PaperQuery) -> list[Paper]: ...

        def group_records(self, ids: Collection[int] | None) -> GroupRecords: ...

        def restore_group_records(
            self, records: GroupRecords, id_map: Mapping[int, int]
        ) -> tuple[int, int]: ...

    def snapshots(self, ids: Collection[int]) -> list[PaperSnapshot]:
        """Everything about these papers a delete would lose (missing ids are skipped)."""
        wanted = sorted(set(ids))
        papers = self.papers(PaperQuery(ids=tuple(wanted))) if wanted else []
        history: dict[int, list[StatusChange]] = defaultdict(list)
        appearances: dict[int, list[tuple[int, int]]] = defaultdict(list)
        places: dict[int, list[tuple[int, int, datetime]]] = defaultdict(list)
        keys: dict[int, str] = {}
        for chunk in chunks(wanted):
            for change in self.session.scalars(
                select(StatusChangeRow)
                .where(StatusChangeRow.paper_id.in_(chunk), self.scope.history())
                .order_by(StatusChangeRow.id)
            ):
                history[change.paper_id].append(
                    StatusChange(ReadStatus(change.status), change.changed_at)
                )
            for paper_id, digest_id, position in self.session.execute(
                select(AppearanceRow.paper_id, AppearanceRow.digest_id, AppearanceRow.position)
                .where(AppearanceRow.paper_id.in_(chunk))
                .order_by(AppearanceRow.digest_id)
            ):
                appearances[paper_id].append((digest_id, position))
            for paper_id, list_id, position, added in self.session.execute(
                select(
                    ListItemRow.paper_id,
                    ListItemRow.list_id,
                    ListItemRow.position,
                    ListItemRow.added_at,
                )
                .where(ListItemRow.paper_id.in_(chunk))
                .order_by(ListItemRow.list_id)
            ):
                places[paper_id].append((list_id, position, added))
            keys.update(
                (paper_id, key)
                for paper_id, key in self.session.execute(
                    select(PaperRow.id, PaperRow.title_key).where(PaperRow.id.in_(chunk))
                )
            )
        group = by_paper(self.group_records(wanted)) if wanted else {}
        shared = shared_states(self.session, wanted) if self.scope.shared else {}
        names = sorted({tag for paper in papers for tag in paper.tags})
        colours: dict[str, str | None] = {}
        for name_chunk in chunks(names):
            colours.update(
                (name, colour)
                for name, colour in self.session.execute(
                    select(TagRow.name, TagRow.colour).where(TagRow.name.in_(name_chunk))
                )
            )
        return [
            PaperSnapshot(
                paper=paper,
                title_key=keys[paper.id],
                status_history=tuple(history[paper.id]),
                appearances=tuple(appearances[paper.id]),
                tag_colours=tuple((tag, colours.get(tag)) for tag in paper.tags),
                list_items=tuple(places[paper.id]),
                group=group.get(paper.id, GroupRecords()),
                shared=shared.get(paper.id),
            )
            for paper in papers
        ]

    def others_with_state(self, ids: Collection[int]) -> list[str]:
        """The other members a delete of these papers would take reading state from."""
        return others_with_state(self.session, self.scope, ids)

    def restore_papers(self, snapshots: Sequence[PaperSnapshot]) -> RestoreReport:
        """Put deleted papers back as they were, under their old ids when still free.

        A paper whose title came back into the library since (imported again) is skipped:
        restoring it would make two papers of one.
        """
        keys = [snapshot.title_key for snapshot in snapshots]
        old_ids = [snapshot.paper.id for snapshot in snapshots]
        taken_keys: set[str] = set()
        taken_ids: set[int] = set()
        for chunk in chunks(keys):
            taken_keys.update(
                self.session.scalars(
                    select(PaperRow.title_key).where(PaperRow.title_key.in_(chunk))
                )
            )
        for id_chunk in chunks(old_ids):
            taken_ids.update(
                self.session.scalars(select(PaperRow.id).where(PaperRow.id.in_(id_chunk)))
            )
        digest_ids = sorted({d for s in snapshots for d, _ in s.appearances})
        digests: set[int] = set()
        for id_chunk in chunks(digest_ids):
            digests.update(
                self.session.scalars(select(DigestRow.id).where(DigestRow.id.in_(id_chunk)))
            )
        tag_ids = self._restored_tags(snapshots)
        restored: dict[int, int] = {}
        skipped: list[int] = []
        for snapshot in snapshots:
            if snapshot.title_key in taken_keys:
                skipped.append(snapshot.paper.id)
                continue
            taken_keys.add(snapshot.title_key)
            row = self._paper_row(snapshot, keep_id=snapshot.paper.id not in taken_ids)
            if snapshot.shared is not None:
                add_shared_paper_row(self.session, row, snapshot.shared)
            else:  # an embedded library's, or kept before every member's state was
                add_paper_row(self.session, self.scope, row, snapshot.paper)
            self.session.add_all(
                PaperTagRow(paper_id=row.id, tag_id=tag_ids[tag]) for tag in snapshot.paper.tags
            )
            self.session.add_all(
                AppearanceRow(digest_id=digest_id, paper_id=row.id, position=position)
                for digest_id, position in snapshot.appearances
                if digest_id in digests
            )
            restored[snapshot.paper.id] = row.id
            self.touched.add(row.id)
        self.session.flush()
        self._restore_list_places(snapshots, restored)
        self.restore_group_records(joined(s.group for s in snapshots), restored)
        return RestoreReport(restored, tuple(skipped))

    def _restore_list_places(
        self, snapshots: Sequence[PaperSnapshot], restored: dict[int, int]
    ) -> None:
        """Put restored papers back in the lists that still exist, each before the
        papers that came after it; every list touched is renumbered 0, 1, 2, ..."""
        back: dict[int, list[tuple[int, int, datetime]]] = defaultdict(list)
        for snapshot in snapshots:
            paper_id = restored.get(snapshot.paper.id)
            if paper_id is not None:
                for list_id, position, added in snapshot.list_items:
                    back[list_id].append((position, paper_id, added))
        for list_id, returning in sorted(back.items()):
            staying = self.session.execute(
                select(ListItemRow.position, ListItemRow.paper_id, ListItemRow.added_at)
                .where(ListItemRow.list_id == list_id)
                .order_by(ListItemRow.position)
            ).all()
            if not staying and self.session.get(ReadingListRow, list_id) is None:
                continue  # the list was deleted since
            # Ties go to the restored paper: it held that place before the delete.
            merged = sorted(
                [(position, 0, paper_id, added) for position, paper_id, added in returning]
                + [(position, 1, paper_id, added) for position, paper_id, added in staying]
            )
            self.session.execute(delete(ListItemRow).where(ListItemRow.list_id == list_id))
            self.session.add_all(
                ListItemRow(list_id=list_id, paper_id=paper_id, position=place, added_at=added)
                for place, (_, _, paper_id, added) in enumerate(merged)
            )
        self.session.flush()

    @staticmethod
    def _paper_row(snapshot: PaperSnapshot, keep_id: bool) -> PaperRow:
        return paper_row(snapshot.paper, snapshot.title_key, snapshot.status_history, keep_id)

    def _restored_tags(self, snapshots: Sequence[PaperSnapshot]) -> dict[str, int]:
        """The ids of the snapshots' tags; tags deleted since come back with their colour."""
        colours = {tag: colour for s in snapshots for tag, colour in s.tag_colours}
        names = sorted(colours)
        found: dict[str, int] = {}
        for chunk in chunks(names):
            found.update(
                (name, tag_id)
                for name, tag_id in self.session.execute(
                    select(TagRow.name, TagRow.id).where(TagRow.name.in_(chunk))
                )
            )
        for name in names:
            if name not in found:
                row = TagRow(name=name, colour=colours[name])
                self.session.add(row)
                self.session.flush()
                found[name] = row.id
        return found

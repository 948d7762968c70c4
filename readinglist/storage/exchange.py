"""Reading lists, saved searches, paper metadata, and what export and restore need.

Mixed into the unit of work (``storage.store.SqlUnitOfWork``) so store.py stays small.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from readinglist.core.models import (
    DigestRecord,
    Paper,
    ReaderState,
    ReadingList,
    ReadStatus,
    SavedSearch,
    StatusChange,
)
from readinglist.core.normalize import title_key
from readinglist.storage.batching import chunks, paper_row
from readinglist.storage.member_state import StateScope, add_paper_row, set_state_field
from readinglist.storage.orm import (
    AppearanceRow,
    AuthorRow,
    DigestRow,
    ListItemRow,
    PaperRow,
    PaperTagRow,
    ReadingListRow,
    SavedSearchRow,
    StatusChangeRow,
    TagRow,
)


def _to_list(row: ReadingListRow, paper_ids: Sequence[int]) -> ReadingList:
    return ReadingList(row.id, row.name, row.created_at, tuple(paper_ids))


def _to_saved(row: SavedSearchRow) -> SavedSearch:
    return SavedSearch(row.id, row.name, row.query, row.created_at)


class ExchangeWork:
    """Metadata, reading lists, saved searches, and what export and restore need."""

    session: Session
    scope: StateScope
    touched: set[int]
    _key_owners: dict[str, int] | None

    # --- metadata from richer sources ---------------------------------------------

    def papers_by_arxiv(self, arxiv_ids: Collection[str]) -> dict[str, int]:
        """arXiv id -> paper id (the oldest paper when several share one)."""
        found: dict[str, int] = {}
        for chunk in chunks(sorted(set(arxiv_ids))):
            rows = self.session.execute(
                select(PaperRow.arxiv_id, PaperRow.id)
                .where(PaperRow.arxiv_id.in_(chunk))
                .order_by(PaperRow.id)
            )
            for arxiv_id, paper_id in rows:
                if arxiv_id is not None:
                    found.setdefault(arxiv_id, paper_id)
        return found

    def set_metadata(
        self,
        paper_id: int,
        authors: Sequence[str] | None,
        arxiv_id: str | None,
        upvotes: int | None,
        now: datetime,
    ) -> None:
        """Sets what is given (None leaves a field as it is)."""
        row = self.session.get(PaperRow, paper_id)
        if row is None:
            return
        if authors is not None:
            row.authors = [AuthorRow(position=i, name=name) for i, name in enumerate(authors)]
        if arxiv_id is not None:
            row.arxiv_id = arxiv_id
        if upvotes is not None:
            row.upvotes = upvotes
        row.updated_at = now
        self.session.flush()
        self.touched.add(paper_id)

    def set_reader_state(self, paper_id: int, state: ReaderState, now: datetime) -> None:
        """A new paper's state as the file it came from gives it (status with its history
        entry, rating, priority, notes, tags), written on the paper's row directly."""
        row = self.session.get(PaperRow, paper_id)
        if row is None:
            return
        if self.scope.private:  # a member's: their own row (storage/member_state.py)
            self._set_own_state(paper_id, state, now)
        elif state.status is not None and state.status.value != row.status:
            row.status = state.status.value
            row.history.append(StatusChangeRow(status=state.status.value, changed_at=now))
        if not self.scope.private:
            if state.rating is not None:
                row.rating = state.rating
            if state.priority is not None:
                row.priority = state.priority.value
            if state.notes:
                row.notes = state.notes
        have = {tag.name for tag in row.tags}
        wanted = [tag for tag in dict.fromkeys(state.tags) if tag not in have]
        if wanted:
            tag_ids = self._ensure_tag_ids(wanted)
            self.session.add_all(
                PaperTagRow(paper_id=paper_id, tag_id=tag_ids[name]) for name in wanted
            )
        row.updated_at = now
        self.touched.add(paper_id)

    def _set_own_state(self, paper_id: int, state: ReaderState, now: datetime) -> None:
        values: dict[str, object] = {}
        if state.status is not None:
            values["status"] = state.status.value
        if state.rating is not None:
            values["rating"] = state.rating
        if state.priority is not None:
            values["priority"] = state.priority.value
        if state.notes:
            values["notes"] = state.notes
        for field, value in values.items():
            set_state_field(self.session, self.scope, [paper_id], field, value, now)

    # --- reading lists --------------------------------------------------------------

    def _list_items(self, list_ids: Collection[int]) -> dict[int, list[int]]:
        items: dict[int, list[int]] = {list_id: [] for list_id in list_ids}
        rows = self.session.execute(
            select(ListItemRow.list_id, ListItemRow.paper_id)
            .where(ListItemRow.list_id.in_(list(list_ids)))
            .order_by(ListItemRow.list_id, ListItemRow.position)
        )
        for list_id, paper_id in rows:
            items[list_id].append(paper_id)
        return items

    def reading_lists(self) -> list[ReadingList]:
        rows = list(self.session.scalars(select(ReadingListRow).order_by(ReadingListRow.name_key)))
        items = self._list_items([row.id for row in rows])
        return [_to_list(row, items[row.id]) for row in rows]

    def reading_list(self, name_key: str) -> ReadingList | None:
        row = self.session.scalars(
            select(ReadingListRow).where(ReadingListRow.name_key == name_key)
        ).one_or_none()
        if row is None:
            return None
        return _to_list(row, self._list_items([row.id])[row.id])

    def create_list(self, name: str, name_key: str, now: datetime) -> int:
        row = ReadingListRow(name=name, name_key=name_key, created_at=now)
        self.session.add(row)
        self.session.flush()
        return row.id

    def rename_list(self, list_id: int, name: str, name_key: str) -> None:
        self.session.execute(
            update(ReadingListRow)
            .where(ReadingListRow.id == list_id)
            .values(name=name, name_key=name_key)
        )

    def delete_list(self, list_id: int) -> None:
        self.session.execute(delete(ReadingListRow).where(ReadingListRow.id == list_id))

    def set_list_items(self, list_id: int, paper_ids: Sequence[int], now: datetime) -> None:
        """The list's papers in this order; papers already in it keep their added time."""
        added = dict(
            self.session.execute(
                select(ListItemRow.paper_id, ListItemRow.added_at).where(
                    ListItemRow.list_id == list_id
                )
            ).all()
        )
        self.session.execute(delete(ListItemRow).where(ListItemRow.list_id == list_id))
        self.session.add_all(
            ListItemRow(
                list_id=list_id,
                paper_id=paper_id,
                position=position,
                added_at=added.get(paper_id, now),
            )
            for position, paper_id in enumerate(paper_ids)
        )
        self.session.flush()

    def list_item_times(self, list_id: int) -> dict[int, datetime]:
        return dict(
            self.session.execute(
                select(ListItemRow.paper_id, ListItemRow.added_at).where(
                    ListItemRow.list_id == list_id
                )
            ).all()
        )

    # --- saved searches -------------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        rows = self.session.scalars(select(SavedSearchRow).order_by(SavedSearchRow.name_key))
        return [_to_saved(row) for row in rows]

    def saved_search(self, name_key: str) -> SavedSearch | None:
        row = self.session.scalars(
            select(SavedSearchRow).where(SavedSearchRow.name_key == name_key)
        ).one_or_none()
        return None if row is None else _to_saved(row)

    def save_search(self, name: str, name_key: str, query: str, now: datetime) -> int:
        row = SavedSearchRow(name=name, name_key=name_key, query=query, created_at=now)
        self.session.add(row)
        self.session.flush()
        return row.id

    def update_saved_search(self, search_id: int, name: str, name_key: str, query: str) -> None:
        self.session.execute(
            update(SavedSearchRow)
            .where(SavedSearchRow.id == search_id)
            .values(name=name, name_key=name_key, query=query)
        )

    def delete_saved_search(self, search_id: int) -> None:
        self.session.execute(delete(SavedSearchRow).where(SavedSearchRow.id == search_id))

    # --- export and restore -----------------------------------------------------------

    def status_histories(self, ids: Collection[int]) -> dict[int, tuple[StatusChange, ...]]:
        found: dict[int, list[StatusChange]] = {paper_id: [] for paper_id in ids}
        for chunk in chunks(sorted(set(ids))):
            rows = self.session.execute(
                select(StatusChangeRow.paper_id, StatusChangeRow.status, StatusChangeRow.changed_at)
                .where(StatusChangeRow.paper_id.in_(chunk), self.scope.history())
                .order_by(StatusChangeRow.id)
            )
            for paper_id, status, changed_at in rows:
                found[paper_id].append(StatusChange(ReadStatus(status), changed_at))
        return {paper_id: tuple(changes) for paper_id, changes in found.items()}

    def digest_records(self, ids: Collection[int] | None) -> list[DigestRecord]:
        """Every digest with its appearances; with ``ids``, only digests those papers are in."""
        wanted = None if ids is None else set(ids)
        positions: dict[int, list[tuple[int, int]]] = {}
        rows = self.session.execute(
            select(
                AppearanceRow.digest_id, AppearanceRow.paper_id, AppearanceRow.position
            ).order_by(AppearanceRow.digest_id, AppearanceRow.position, AppearanceRow.paper_id)
        )
        for digest_id, paper_id, position in rows:
            if wanted is None or paper_id in wanted:
                positions.setdefault(digest_id, []).append((paper_id, position))
        digests = self.session.scalars(select(DigestRow).order_by(DigestRow.id))
        return [
            DigestRecord(
                row.id,
                row.source_name,
                row.imported_at,
                row.sha256,
                row.paper_count,
                row.new_count,
                row.warning_count,
                tuple(positions.get(row.id, ())),
            )
            for row in digests
            if wanted is None or row.id in positions
        ]

    def is_empty(self) -> bool:
        """No paper, digest, tag, list or saved search: a backup may keep its ids."""
        return all(
            self.session.scalar(select(model_id).limit(1)) is None
            for model_id in (
                PaperRow.id,
                DigestRow.id,
                TagRow.id,
                ReadingListRow.id,
                SavedSearchRow.id,
            )
        )

    def insert_paper_record(
        self, paper: Paper, history: Sequence[StatusChange], keep_id: bool
    ) -> int:
        """Insert a paper exactly as a backup describes it (its id too with ``keep_id``)."""
        row = paper_row(paper, title_key(paper.title), history, keep_id)
        add_paper_row(self.session, self.scope, row, paper)
        self._key_owners = None  # it may hold a cite key (see FactWork.cite_key_owner)
        if paper.tags:
            tag_ids = self._ensure_tag_ids(paper.tags)
            self.session.add_all(
                PaperTagRow(paper_id=row.id, tag_id=tag_ids[name]) for name in set(paper.tags)
            )
            self.session.flush()
        self.touched.add(row.id)
        return row.id

    def _ensure_tag_ids(self, names: Collection[str]) -> dict[str, int]:
        rows = self.session.execute(select(TagRow.name, TagRow.id).where(TagRow.name.in_(names)))
        found: dict[str, int] = dict(rows.all())
        for name in sorted(set(names) - found.keys()):
            row = TagRow(name=name, colour=None)
            self.session.add(row)
            self.session.flush()
            found[name] = row.id
        return found

    def ensure_tags(self, names: Collection[str]) -> None:
        self._ensure_tag_ids(names)

    def find_digest(self, source_name: str, sha256: str, imported_at: datetime) -> int | None:
        return self.session.scalar(
            select(DigestRow.id).where(
                DigestRow.source_name == source_name,
                DigestRow.sha256 == sha256,
                DigestRow.imported_at == imported_at,
            )
        )

    def restore_digest(self, digest: DigestRecord, keep_id: bool) -> int:
        """Insert a digest with its counts; appearances are added with add_appearances."""
        row = DigestRow(
            source_name=digest.source_name,
            imported_at=digest.imported_at,
            sha256=digest.sha256,
            paper_count=digest.paper_count,
            new_count=digest.new_count,
            warning_count=digest.warning_count,
        )
        if keep_id:
            row.id = digest.id
        self.session.add(row)
        self.session.flush()
        return row.id

    def restore_list(
        self,
        name: str,
        name_key: str,
        created_at: datetime,
        items: Sequence[tuple[int, datetime]],
        list_id: int | None = None,
    ) -> int:
        """A list as a backup has it; ``list_id`` keeps its id (into an empty library)."""
        row = ReadingListRow(name=name, name_key=name_key, created_at=created_at)
        if list_id:
            row.id = list_id
        self.session.add(row)
        self.session.flush()
        self.session.add_all(
            ListItemRow(list_id=row.id, paper_id=paper_id, position=position, added_at=added)
            for position, (paper_id, added) in enumerate(items)
        )
        self.session.flush()
        return row.id

    def restore_saved_search(
        self,
        name: str,
        name_key: str,
        query: str,
        created_at: datetime,
        search_id: int | None = None,
    ) -> int:
        row = SavedSearchRow(name=name, name_key=name_key, query=query, created_at=created_at)
        if search_id:
            row.id = search_id
        self.session.add(row)
        self.session.flush()
        return row.id

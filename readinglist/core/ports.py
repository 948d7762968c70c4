"""What the use cases need from storage, as Protocols (implemented by ``storage``).

One :class:`UnitOfWork` is one transaction: everything done through it is committed
together when the ``with`` block ends normally and rolled back when it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from readinglist.core.digests import DigestInfo
from readinglist.core.group_ports import GroupStore
from readinglist.core.metadata import (
    Field,
    MetaField,
    PersonName,
    ResolveState,
    ResolveStatus,
)
from readinglist.core.models import (
    DigestRecord,
    Fragment,
    Link,
    Paper,
    PaperDetails,
    PaperField,
    PaperQuery,
    Priority,
    ReaderState,
    ReadingList,
    ReadStatus,
    SavedSearch,
    SearchPage,
    StatusChange,
    TagCount,
    TimeSpent,
)
from readinglist.core.paper_edits import VersionedWork
from readinglist.core.query import ParsedQuery
from readinglist.core.snapshots import PaperSnapshot, RestoreReport

if TYPE_CHECKING:
    from readinglist.core.browse import BrowsePage
    from readinglist.core.query import Node

Progress = Callable[[int, int], None]


class PaperReads(Protocol):
    """Reading papers and their tags (every part of the library reads)."""

    def papers(self, query: PaperQuery) -> list[Paper]: ...

    def browse(
        self,
        root: Node | None,
        order: PaperQuery,
        offset: int,
        limit: int,
        within: Sequence[int] | None,
        with_ids: bool,
    ) -> BrowsePage:
        """Papers matching a query without words (filters only), in ``order``'s sort
        (see core/browse.py: the library browsed while its index is being built)."""
        ...

    def details(self, paper_id: int) -> PaperDetails | None: ...

    def existing_ids(self, ids: Collection[int]) -> set[int]: ...

    def all_ids(self) -> list[int]: ...

    def papers_by_key(self, keys: Collection[str]) -> dict[str, Paper]: ...

    def papers_by_arxiv(self, arxiv_ids: Collection[str]) -> dict[str, int]: ...

    def field_values(self, ids: Collection[int], field: PaperField) -> dict[int, object]:
        """Each existing paper's stored value of one user field (chunked: any size)."""
        ...

    def papers_with_tag(self, ids: Collection[int], tag: str) -> set[int]: ...

    def tag_counts(self) -> list[TagCount]: ...

    def tag_names(self) -> set[str]: ...

    def is_empty(self) -> bool: ...


class PaperEdits(Protocol):
    """What a user changes on papers: status, priority, rating, notes, tags, deletes."""

    def set_status(self, ids: Collection[int], status: ReadStatus, now: datetime) -> int: ...

    def set_priority(self, ids: Collection[int], priority: Priority, now: datetime) -> int: ...

    def set_rating(self, ids: Collection[int], rating: int, now: datetime) -> int: ...

    def set_notes(self, paper_id: int, notes: str, now: datetime) -> None: ...

    def set_field_values(
        self, values: Mapping[int, object], field: PaperField, now: datetime
    ) -> int:
        """Each paper its own value of a field (an undo of a bulk edit)."""
        ...

    def set_field_values_if(
        self, values: Mapping[int, object], field: PaperField, expected: object, now: datetime
    ) -> set[int]:
        """Each paper its own value back where the field still holds ``expected``, as a
        compare-and-set on the write; returns the papers written."""
        ...

    def change_tags(
        self, ids: Collection[int], add: Collection[str], remove: Collection[str], now: datetime
    ) -> int: ...

    def rename_tags(self, renames: Sequence[tuple[str, str]], now: datetime) -> None:
        """Renames each (old, new); merges into new when it exists."""
        ...

    def set_tag_colour(self, name: str, colour: str | None) -> None: ...

    def delete_papers(self, ids: Collection[int]) -> int: ...


class ImportWrites(Protocol):
    """What an import writes: papers, their abstracts, links and metadata."""

    def add_paper(
        self, title: str, abstract: str, key: str, links: Sequence[Link], now: datetime
    ) -> int: ...

    def set_abstract(self, paper_id: int, abstract: str, now: datetime) -> None: ...

    def add_links(self, paper_id: int, links: Sequence[Link], now: datetime) -> int:
        """Adds the links the paper lacks; returns how many were new."""
        ...

    def remove_links(self, paper_id: int, urls: Sequence[str], now: datetime) -> int: ...

    def set_metadata(
        self,
        paper_id: int,
        authors: Sequence[str] | None,
        arxiv_id: str | None,
        upvotes: int | None,
        now: datetime,
    ) -> None: ...

    def set_reader_state(self, paper_id: int, state: ReaderState, now: datetime) -> None:
        """A new paper's status, rating, priority, notes and (normalised) tags as the
        imported file gives them (what is None or empty is left as it is)."""
        ...


class FactStore(Protocol):
    """Bibliographic facts with their sources, author structure, cite keys, lookup states."""

    def put_facts(self, paper_id: int, facts: Sequence[MetaField], now: datetime) -> None: ...

    def drop_facts(self, paper_id: int, names: Collection[Field], now: datetime) -> None: ...

    def set_author_names(
        self, paper_id: int, names: Sequence[PersonName], now: datetime
    ) -> None: ...

    def set_arxiv_id(self, paper_id: int, arxiv_id: str, now: datetime) -> None: ...

    def set_upvotes(self, paper_id: int, upvotes: int, now: datetime) -> None: ...

    def restore_identity(
        self,
        paper_id: int,
        facts: Sequence[MetaField],
        names: Sequence[PersonName],
        ids: tuple[str | None, int | None],
        stamp: datetime,
    ) -> None:
        """Puts back exactly these facts, authors, (arXiv id, upvotes): an undo."""
        ...

    def cite_keys(self, ids: Collection[int] | None = None) -> dict[int, str]: ...

    def store_cite_keys(self, keys: Mapping[int, str]) -> None: ...

    def cite_key_owner(self, key: str) -> int | None:
        """The paper whose stored key is ``key`` in any case (BibTeX's comparison)."""
        ...

    def resolve_states(self, ids: Collection[int]) -> dict[int, ResolveState]: ...

    def set_resolve_states(self, states: Sequence[ResolveState]) -> None: ...

    def papers_to_resolve(self, now: datetime, retry_unmatched: bool = False) -> list[int]: ...

    def papers_to_resume(self, now: datetime) -> tuple[list[int], datetime | None]:
        """Queued or failed and due; and when the first failed one not yet due is."""
        ...

    def resolve_counts(self) -> dict[ResolveStatus, int]: ...


class DigestStore(Protocol):
    """Digests and where each paper stood in them (the sidebar's days, the # column)."""

    def add_digest(
        self,
        source_name: str,
        sha256: str,
        now: datetime,
        counts: tuple[int, int, int],
    ) -> int:
        """counts: (papers, new papers, warnings)."""
        ...

    def add_appearances(
        self, digest_id: int, paper_positions: Sequence[tuple[int, int]]
    ) -> None: ...

    def digests(self) -> list[DigestInfo]: ...

    def digest_paper_ids(self, digest_ids: Collection[int], new_only: bool) -> list[int]:
        """The papers of these digests in digest order (see Library.digest_paper_ids)."""
        ...

    def digest_positions(self, digest_ids: Collection[int]) -> dict[int, int]:
        """Paper id -> position in the newest of these digests that holds it."""
        ...

    def delete_digest(self, digest_id: int) -> None: ...

    def digest_records(self, ids: Collection[int] | None) -> list[DigestRecord]: ...

    def find_digest(self, source_name: str, sha256: str, imported_at: datetime) -> int | None: ...

    def restore_digest(self, digest: DigestRecord, keep_id: bool) -> int: ...


class SearchOutbox(Protocol):
    """The papers waiting for the search index, written in the same transaction as they change."""

    def outbox(self, limit: int) -> tuple[list[int], int]:
        """Up to ``limit`` paper ids waiting for the index, and the last outbox row read."""
        ...

    def last_outbox_row(self) -> int: ...

    def feed_pruned_past(self) -> bool:
        """The change feed lost rows this client had not read: catch up fully."""
        ...

    def clear_outbox(self, upto: int | None = None) -> None: ...

    def all_stamps(self) -> dict[int, str]: ...


class ListStore(Protocol):
    """Reading lists and their ordered papers."""

    def reading_lists(self) -> list[ReadingList]: ...

    def reading_list(self, name_key: str) -> ReadingList | None: ...

    def create_list(self, name: str, name_key: str, now: datetime) -> int: ...

    def rename_list(self, list_id: int, name: str, name_key: str) -> None: ...

    def delete_list(self, list_id: int) -> None: ...

    def set_list_items(self, list_id: int, paper_ids: Sequence[int], now: datetime) -> None:
        """The list's papers, in order; papers already in it keep their added time."""
        ...

    def list_item_times(self, list_id: int) -> dict[int, datetime]: ...

    def restore_list(
        self,
        name: str,
        name_key: str,
        created_at: datetime,
        items: Sequence[tuple[int, datetime]],
        list_id: int | None = None,
    ) -> int: ...


class SavedSearchStore(Protocol):
    """Saved searches: a name and the query as typed."""

    def saved_searches(self) -> list[SavedSearch]: ...

    def saved_search(self, name_key: str) -> SavedSearch | None: ...

    def save_search(self, name: str, name_key: str, query: str, now: datetime) -> int: ...

    def update_saved_search(self, search_id: int, name: str, name_key: str, query: str) -> None: ...

    def delete_saved_search(self, search_id: int) -> None: ...

    def restore_saved_search(
        self,
        name: str,
        name_key: str,
        query: str,
        created_at: datetime,
        search_id: int | None = None,
    ) -> int: ...


class HistoryStore(Protocol):
    """What undo and backup restore need: snapshots, status histories, records as they were."""

    def snapshots(self, ids: Collection[int]) -> list[PaperSnapshot]: ...

    def others_with_state(self, ids: Collection[int]) -> list[str]:
        """The members other than this one with reading state of their own on any of
        these papers (a shared library's; none on an embedded one), by name."""
        ...

    def restore_papers(self, snapshots: Sequence[PaperSnapshot]) -> RestoreReport: ...

    def status_histories(self, ids: Collection[int]) -> dict[int, tuple[StatusChange, ...]]: ...

    def insert_paper_record(
        self, paper: Paper, history: Sequence[StatusChange], keep_id: bool
    ) -> int: ...

    def ensure_tags(self, names: Collection[str]) -> None: ...


class TimeSpentStore(Protocol):
    """The reader's recorded time per paper (its own table: private reading state)."""

    def times_spent(self, ids: Collection[int]) -> dict[int, TimeSpent]:
        """The papers of ``ids`` that have a time, with it (chunked: any size)."""
        ...

    def put_times_spent(self, values: Mapping[int, TimeSpent | None]) -> int:
        """Each paper exactly this time (None: none recorded); returns how many
        papers' time changed."""
        ...

    def put_times_spent_if(
        self, values: Mapping[int, TimeSpent | None], expected: int | None
    ) -> set[int]:
        """Each paper its time back where its minutes are still ``expected`` (None: no
        time), as a compare-and-set on the write; returns the papers written."""
        ...


class UnitOfWork(
    PaperReads,
    PaperEdits,
    TimeSpentStore,
    GroupStore,
    ImportWrites,
    FactStore,
    DigestStore,
    SearchOutbox,
    ListStore,
    SavedSearchStore,
    HistoryStore,
    VersionedWork,
    Protocol,
):
    """One transaction, with every role; a function that needs only one role takes
    that role (``get_list(uow: ListStore)``), so what it may touch is in its type."""


class Store(Protocol):
    def unit_of_work(self, write: bool = False) -> AbstractContextManager[UnitOfWork]:
        """One transaction; ``write`` takes the write lock first (waits, then
        LibraryBusyError)."""
        ...


class IndexMerge(Protocol):
    """Index segments to rewrite as one; ``papers`` is what that re-indexes (its cost)."""

    @property
    def segment_ids(self) -> tuple[str, ...]: ...

    @property
    def papers(self) -> int: ...


class SearchIndex(Protocol):
    """The full-text index: a cache of the database that can always be rebuilt."""

    rebuild_reason: str | None

    @property
    def needs_rebuild(self) -> bool: ...

    def apply(self, upserts: Sequence[Paper], deletes: Collection[int]) -> None: ...

    def apply_loaded(self, load: Callable[[], tuple[Sequence[Paper], Collection[int]]]) -> None:
        """apply() of what ``load`` reads while the index's write lock is held."""
        ...

    def planned_merges(self) -> Sequence[IndexMerge]:
        """The segment merges due now, cheapest first (the index's merge policy: each
        write adds a segment; merging them keeps searches fast)."""
        ...

    def merge(
        self, segment_ids: Collection[str], load: Callable[[Sequence[int]], Sequence[Paper]]
    ) -> int:
        """Rewrite these segments' papers as one segment, reading them with ``load(ids)``
        while the index's write lock is held; returns the papers written (0 when the
        plan is stale: a segment is gone)."""
        ...

    def rebuild(
        self, papers: Iterable[Paper], total: int, progress: Progress | None = None
    ) -> None: ...

    def stamps(self) -> dict[int, str]: ...

    def doc_count(self) -> int:
        """The papers in the index (as the index's table of contents counts them)."""
        ...

    def damage(self) -> str | None:
        """What is wrong with the index's files (every byte read), in one line, or None."""
        ...

    def distrust(self, reason: str) -> None:
        """The index does not hold the library (``reason``): searches must wait for a
        rebuild, in this process and in any other that opens the library."""
        ...

    def search(
        self,
        parsed: ParsedQuery,
        sort: str | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int = 50,
        within: Collection[int] | None = None,
        with_ids: bool = False,
    ) -> SearchPage:
        """A page of hits in an order of readinglist.core.orders; ``within``: only among
        these papers (total counts them only), and their order for ``sort="position"``;
        ``with_ids``: every hit's paper id too, in the same order."""

    def term_in_index(self, word: str) -> bool: ...

    def completes(self, prefix: str) -> bool:
        """Whether some indexed word starts with ``prefix`` (a word being typed)."""
        ...

    def per_generation(self, key: tuple[str, ...], compute: Callable[[], str | None]) -> str | None:
        """``compute()``, remembered under ``key`` until the index changes: for answers
        drawn from the index and the papers it holds ("did you mean")."""
        ...

    def corrections(self, word: str, limit: int = 3) -> list[str]: ...

    def stem(self, word: str) -> str: ...

    def papers_with_term(self, term: str, limit: int = 5) -> list[int]: ...

    def similar(self, paper_id: int, text: str, k: int) -> list[tuple[int, float]]: ...

    def key_terms(self, text: str, count: int = 12) -> list[tuple[str, float]]: ...

    def highlight(
        self, text: str, terms: Sequence[str], prefixes: Sequence[str], whole: bool
    ) -> Fragment: ...

    def close(self) -> None: ...

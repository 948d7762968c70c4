"""What the use cases need from storage, as Protocols (implemented by ``storage``).

One :class:`UnitOfWork` is one transaction: everything done through it is committed
together when the ``with`` block ends normally and rolled back when it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from readinglist.core.models import (
    Fragment,
    Link,
    Paper,
    PaperDetails,
    PaperQuery,
    Priority,
    ReadStatus,
    SearchPage,
    TagCount,
)
from readinglist.core.query import ParsedQuery

Progress = Callable[[int, int], None]


class UnitOfWork(Protocol):
    def papers_by_key(self, keys: Collection[str]) -> dict[str, Paper]: ...

    def add_paper(
        self, title: str, abstract: str, key: str, links: Sequence[Link], now: datetime
    ) -> int: ...

    def set_abstract(self, paper_id: int, abstract: str, now: datetime) -> None: ...

    def add_links(self, paper_id: int, links: Sequence[Link], now: datetime) -> int:
        """Adds the links the paper lacks; returns how many were new."""
        ...

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

    def existing_ids(self, ids: Collection[int]) -> set[int]: ...

    def all_ids(self) -> list[int]: ...

    def outbox(self, limit: int) -> tuple[list[int], int]:
        """Up to ``limit`` paper ids waiting for the index, and the last outbox row read."""
        ...

    def last_outbox_row(self) -> int: ...

    def clear_outbox(self, upto: int | None = None) -> None: ...

    def all_stamps(self) -> dict[int, str]: ...

    def papers(self, query: PaperQuery) -> list[Paper]: ...

    def details(self, paper_id: int) -> PaperDetails | None: ...

    def set_status(self, ids: Collection[int], status: ReadStatus, now: datetime) -> int: ...

    def set_priority(self, ids: Collection[int], priority: Priority, now: datetime) -> int: ...

    def set_rating(self, ids: Collection[int], rating: int, now: datetime) -> int: ...

    def set_notes(self, paper_id: int, notes: str, now: datetime) -> None: ...

    def delete_papers(self, ids: Collection[int]) -> int: ...

    def change_tags(
        self, ids: Collection[int], add: Collection[str], remove: Collection[str], now: datetime
    ) -> int: ...

    def tag_counts(self) -> list[TagCount]: ...

    def tag_names(self) -> set[str]: ...

    def rename_tags(self, renames: Sequence[tuple[str, str]], now: datetime) -> None:
        """Renames each (old, new); merges into new when it exists."""
        ...

    def set_tag_colour(self, name: str, colour: str | None) -> None: ...


class Store(Protocol):
    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]: ...


class SearchIndex(Protocol):
    """The full-text index: a cache of the database that can always be rebuilt."""

    rebuild_reason: str | None

    @property
    def needs_rebuild(self) -> bool: ...

    def apply(self, upserts: Sequence[Paper], deletes: Collection[int]) -> None: ...

    def rebuild(
        self, papers: Iterable[Paper], total: int, progress: Progress | None = None
    ) -> None: ...

    def stamps(self) -> dict[int, str]: ...

    def search(
        self,
        parsed: ParsedQuery,
        sort: str | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> SearchPage: ...

    def term_in_index(self, word: str) -> bool: ...

    def corrections(self, word: str, limit: int = 3) -> list[str]: ...

    def stem(self, word: str) -> str: ...

    def papers_with_term(self, term: str, limit: int = 5) -> list[int]: ...

    def similar(self, paper_id: int, text: str, k: int) -> list[tuple[int, float]]: ...

    def key_terms(self, text: str, count: int = 12) -> list[tuple[str, float]]: ...

    def highlight(
        self, text: str, terms: Sequence[str], prefixes: Sequence[str], whole: bool
    ) -> Fragment: ...

    def close(self) -> None: ...

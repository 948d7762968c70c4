"""What the use cases need from storage, as Protocols (implemented by ``storage``).

One :class:`UnitOfWork` is one transaction: everything done through it is committed
together when the ``with`` block ends normally and rolled back when it raises.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from readinglist.core.models import (
    Link,
    Paper,
    PaperDetails,
    PaperQuery,
    Priority,
    ReadStatus,
    TagCount,
)


class UnitOfWork(Protocol):
    def papers_by_key(self, keys: Collection[str]) -> dict[str, Paper]: ...

    def add_paper(
        self, title: str, abstract: str, key: str, links: Sequence[Link], now: datetime
    ) -> int: ...

    def set_abstract(self, paper_id: int, abstract: str, now: datetime) -> None: ...

    def add_links(self, paper_id: int, links: Sequence[Link]) -> int:
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

    def papers(self, query: PaperQuery) -> list[Paper]: ...

    def details(self, paper_id: int) -> PaperDetails | None: ...

    def set_status(self, ids: Collection[int], status: ReadStatus, now: datetime) -> int: ...

    def set_priority(self, ids: Collection[int], priority: Priority, now: datetime) -> int: ...

    def set_rating(self, ids: Collection[int], rating: int, now: datetime) -> int: ...

    def set_notes(self, paper_id: int, notes: str, now: datetime) -> None: ...

    def change_tags(
        self, ids: Collection[int], add: Collection[str], remove: Collection[str], now: datetime
    ) -> int: ...

    def tag_counts(self) -> list[TagCount]: ...

    def tag_names(self) -> set[str]: ...

    def rename_tags(self, renames: Sequence[tuple[str, str]]) -> None:
        """Renames each (old, new); merges into new when it exists."""
        ...

    def set_tag_colour(self, name: str, colour: str | None) -> None: ...


class Store(Protocol):
    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]: ...

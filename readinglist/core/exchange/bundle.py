"""What an export holds and which papers it covers: plain values every format reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeAlias

from readinglist.core.group import GroupRecords
from readinglist.core.models import (
    DigestRecord,
    Paper,
    ReadingList,
    SavedSearch,
    StatusChange,
    TagCount,
)

ScopeKind: TypeAlias = Literal["all", "list", "search", "tag", "status", "query", "ids"]
# Markdown sections: by status, by tag, or none (one checklist in the export's order).
GroupBy: TypeAlias = Literal["status", "tag", "none"]


@dataclass(frozen=True, slots=True)
class ExportScope:
    """Which papers: the library, a list, a saved search, a tag, a status, a query, or ids.

    ``value`` names the list, saved search, tag or status, or holds the query text;
    ``ids`` is the window's selection (in its order) for ``kind == "ids"``.
    """

    kind: ScopeKind = "all"
    value: str = ""
    ids: tuple[int, ...] = ()

    def describe(self) -> str:
        if self.kind == "all":
            return "the whole library"
        if self.kind == "ids":
            return f"{len(self.ids)} selected papers"
        names = {"list": "list", "search": "saved search", "tag": "tag", "status": "status"}
        return f"{names.get(self.kind, 'query')} {self.value!r}"


@dataclass(frozen=True, slots=True)
class ExportOptions:
    # Markdown sections; None: by status, except for papers in an order of their own
    # (a list, a selection), which keep it.
    group_by: GroupBy | None = None
    bom: bool = False  # CSV: a UTF-8 byte order mark, so Excel reads the file as UTF-8
    # BibTeX: the reader's own state too (notes, tags, status, rating, priority, in the
    # fields JabRef reads and no style prints), to move a library to JabRef. Off unless
    # asked for: a .bib file is what coauthors and a paper's repository get.
    private: bool = False


@dataclass(frozen=True, slots=True)
class LibraryExport:
    """Papers in export order with everything that hangs on them.

    For the whole library it is a complete backup; for a scope, the tags, digests and
    lists are cut down to the papers it holds (and holds no saved searches).
    """

    papers: tuple[Paper, ...]
    exported_at: datetime
    scope: str = "the whole library"
    status_history: dict[int, tuple[StatusChange, ...]] = field(default_factory=dict)
    tags: tuple[TagCount, ...] = ()
    digests: tuple[DigestRecord, ...] = ()
    lists: tuple[ReadingList, ...] = ()
    list_item_times: dict[str, dict[int, datetime]] = field(default_factory=dict)
    saved_searches: tuple[SavedSearch, ...] = ()
    # The group's comments and assignments on the papers: the backup (json) writes
    # them, no bibliography format ever reads them.
    group: GroupRecords = field(default_factory=GroupRecords)
    # The papers are in an order of their own (a list's, a selection's) that an export
    # grouping them would lose.
    ordered: bool = False

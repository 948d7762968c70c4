"""Frozen dataclasses and enums shared by every layer.

They are plain values so the window and the command line never hold ORM objects or
database sessions, and so a worker thread can hand them to the GUI thread safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from readinglist.core.changes import Changes
from readinglist.core.metadata import Field, MetaField, PersonName


class ReadStatus(StrEnum):
    """Where a reader stands with a paper. The order is the triage order (keys 1-6)."""

    UNREAD = "unread"
    QUEUED = "queued"
    READING = "reading"
    READ = "read"
    SKIMMED = "skimmed"
    DROPPED = "dropped"


class Priority(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# The user's own fields a bulk edit sets and its undo gives back paper by paper.
PaperField = Literal["status", "rating", "priority", "notes"]


class LinkKind(StrEnum):
    CODE = "code"
    PROJECT = "project"
    HUGGINGFACE = "huggingface"
    ARXIV = "arxiv"
    DOI = "doi"
    OTHER = "other"


MIN_RATING = 0
MAX_RATING = 5
# The time a reader says a paper took, in whole minutes: a week at most (a larger
# number is a typo, not a reading session).
MIN_MINUTES_SPENT = 1
MAX_MINUTES_SPENT = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class TimeSpent:
    """How long the reader recorded a paper took, and when they recorded it: private
    reading state (backups carry it, bibliography exports never do)."""

    minutes: int
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Link:
    """A URL found in an abstract. ``owner``/``repo`` are set for code links."""

    url: str
    kind: LinkKind
    host: str
    owner: str | None = None
    repo: str | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: ReadStatus
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class Appearance:
    """One appearance of a paper in an imported digest."""

    digest_id: int
    source_name: str
    imported_at: datetime
    position: int


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper as every layer above storage sees it."""

    id: int
    title: str
    abstract: str
    status: ReadStatus
    priority: Priority
    rating: int
    tags: tuple[str, ...]
    links: tuple[Link, ...]
    notes: str
    added_at: datetime
    updated_at: datetime
    first_seen: datetime | None
    last_seen: datetime | None
    times_seen: int
    # From richer sources (Hugging Face daily papers, BibTeX); digests carry none.
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None
    upvotes: int | None = None
    # The authors with their structure where a source gave one (same order as authors).
    author_names: tuple[PersonName, ...] = ()
    # Facts from BibTeX or a lookup, each with its source (readinglist.core.metadata).
    meta: tuple[MetaField, ...] = ()
    # The citation key, stored once assigned so it never changes under the user.
    cite_key: str | None = None
    # The reader's own time on the paper, when recorded ("Plan my week" calibrates by it).
    time_spent: TimeSpent | None = None

    def first_link(self, kind: LinkKind) -> Link | None:
        return next((link for link in self.links if link.kind is kind), None)

    def fact(self, name: Field) -> str | None:
        """The value some source gave for ``name``; None when nobody said."""
        return next((item.value for item in self.meta if item.name is name), None)

    @property
    def published(self) -> str | None:
        """The publication date as precise as known (``2017``, ``2017-06-08``), or None."""
        return self.fact(Field.PUBLISHED)

    @property
    def year(self) -> str | None:
        published = self.published
        return published[:4] if published else None

    @property
    def people(self) -> tuple[PersonName, ...]:
        """The authors as names, structured where known."""
        if len(self.author_names) == len(self.authors):
            return self.author_names
        return tuple(PersonName(name) for name in self.authors)

    @property
    def has_code(self) -> bool:
        return self.first_link(LinkKind.CODE) is not None


@dataclass(frozen=True, slots=True)
class PaperDetails:
    """A paper with its history, for the detail view and ``readinglist show``."""

    paper: Paper
    status_history: tuple[StatusChange, ...]
    appearances: tuple[Appearance, ...]


@dataclass(frozen=True, slots=True)
class TagCount:
    name: str
    count: int
    colour: str | None


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something odd in a digest; ``line`` is 1-based in the decoded text (0: whole file)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True, slots=True)
class ReaderState:
    """A reader's own state of a paper as a file says it (JabRef's read status, ranking,
    priority and groups; BibTeX's ``annote``). An import gives all of it to a paper new
    to the library; of a paper already there it fills only empty notes, never
    overwriting what the user set."""

    status: ReadStatus | None = None
    rating: int | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ParsedPaper:
    """A paper read from a source; the fields after ``line`` come from richer sources.

    ``urls`` are links the source names outside the abstract (a repository, a project
    page); ``project_urls`` are declared project pages whatever their host.
    """

    title: str
    abstract: str
    line: int
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None
    upvotes: int | None = None
    urls: tuple[str, ...] = ()
    project_urls: tuple[str, ...] = ()
    # Structured authors (same order as ``authors``) when the source gave structure.
    author_names: tuple[PersonName, ...] = ()
    # Bibliographic facts the source states (a BibTeX year, venue, DOI...).
    facts: tuple[tuple[Field, str], ...] = ()
    cite_key: str | None = None
    # The reader's own state, from formats that carry it (BibTeX written by JabRef or us).
    reader: ReaderState | None = None


@dataclass(frozen=True, slots=True)
class ParseResult:
    papers: tuple[ParsedPaper, ...]
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What one import did, as the command line and the window report it."""

    source_name: str
    digest_id: int
    new_ids: tuple[int, ...]
    existing_ids: tuple[int, ...]
    warnings: tuple[ParseWarning, ...]
    code_links: int
    project_pages: int
    abstracts_added: tuple[int, ...] = ()
    abstracts_changed: tuple[int, ...] = ()
    links_added: int = 0
    enriched: tuple[int, ...] = ()  # papers that gained authors, an arXiv id or upvotes
    extra: tuple[str, ...] = ()  # more to report, e.g. "2 lists restored" from a backup

    @property
    def new(self) -> int:
        return len(self.new_ids)

    @property
    def already_present(self) -> int:
        return len(self.existing_ids)

    @property
    def changes(self) -> Changes:
        """What the import changed, for the views that show it."""
        return Changes(
            count=self.new,
            added=frozenset(self.new_ids),
            touched=frozenset(self.existing_ids),
            tags=True,  # a backup brings tags; a digest's papers may carry some
            lists=bool(self.extra),
            digests=True,
            counts=True,
        )

    def describe(self) -> str:
        """One human line: '211 new, 0 already in the library, ...'."""
        parts = [
            f"{self.new} new",
            f"{self.already_present} already in the library",
            f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}",
            f"{self.code_links} code link{'s' if self.code_links != 1 else ''}",
            f"{self.project_pages} project page{'s' if self.project_pages != 1 else ''}",
        ]
        if self.abstracts_added:
            parts.append(f"{len(self.abstracts_added)} abstracts filled in")
        if self.abstracts_changed:
            parts.append(f"{len(self.abstracts_changed)} abstracts updated")
        if self.enriched:
            parts.append(f"{len(self.enriched)} enriched with authors, arXiv ids or upvotes")
        parts.extend(self.extra)
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class PaperQuery:
    """Filters and order for listing papers (the search issue adds full text).

    ``sort``: one of :data:`SORT_KEYS` (defined in :mod:`readinglist.core.orders`);
    ``"position"`` is the order of ``ids``. None: by id, oldest first, the library's
    own order (what internal reads and the command line's plain ``list`` show).
    """

    status: ReadStatus | None = None
    tag: str | None = None
    has_code: bool = False
    sort: str | None = None
    descending: bool = False
    limit: int | None = None
    ids: tuple[int, ...] | None = field(default=None)


@dataclass(frozen=True, slots=True)
class ReadingList:
    """A named, ordered collection of papers; a paper can be in several."""

    id: int
    name: str
    created_at: datetime
    paper_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A smart list: a query kept as the user typed it, evaluated when shown."""

    id: int
    name: str
    query: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DigestRecord:
    """One import as the library keeps it, with (paper id, position) per appearance."""

    id: int
    source_name: str
    imported_at: datetime
    sha256: str
    paper_count: int
    new_count: int
    warning_count: int
    positions: tuple[tuple[int, int], ...]


# The orders of papers (see readinglist.core.orders for what each one means): "position"
# is the order of given ids (a digest's ranking, a list's order).
SORT_KEYS = (
    "added",
    "title",
    "status",
    "seen",
    "rating",
    "priority",
    "authors",
    "published",
    "tags",
    "code",
    "position",
)
# Orders a search can be sorted by: the same, and relevance (BM25, then the tie-break).
SEARCH_SORTS = ("relevance", *SORT_KEYS)


def index_stamp(updated_at: datetime, times_seen: int) -> str:
    """What the search index keeps per paper to tell a stale document from a current one."""
    return f"{updated_at.isoformat()}|{times_seen}"


# --- search -----------------------------------------------------------------------

# Highlighted text: (text, matched) runs; the window shows them escaped, never as markup.
Fragment = tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    paper_id: int
    score: float


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of hits; ``ids``: when asked for, every hit's paper id in the same order
    (the page is ``ids[offset:offset + limit]``), so a window can place any row."""

    hits: tuple[SearchHit, ...]
    total: int
    ids: tuple[int, ...] = ()
    # What the index adds about how it answered ("also searched: mixture of experts").
    message: str | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    paper: Paper
    score: float
    title: Fragment
    abstract: Fragment


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of results with what the user should be told about the query."""

    query: str
    results: tuple[SearchResult, ...]
    total: int
    offset: int
    suggestion: str | None = None
    message: str | None = None
    # Every matching paper's id in display order (``results`` is the page
    # ``ids[offset:offset + limit]``); filled only when asked for (``with_ids``).
    ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class SimilarPaper:
    paper: Paper
    score: float
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Differences between the database and the search index."""

    missing: tuple[int, ...]
    stale: tuple[int, ...]
    extra: tuple[int, ...]

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)

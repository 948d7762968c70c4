"""The library's sort orders, defined once for the store, the search index and tests.

The database (``ORDER BY``) and the search index (NumPy over its columns) both list
papers; a paper must land in the same place whichever of them answers, or the window's
rows jump when a search box is cleared. So each order is defined here, as data:

* its **keys**: paper fields, most significant first, each with its **natural
  direction**, the one a user expects on a first click:

  ========  ======================================  ==================================
  sort      keys                                    natural direction
  ========  ======================================  ==================================
  added     added time (to the microsecond)         newest first
  title     :func:`~readinglist.core.normalize.     A to Z (by code point of the
            title_key` (casefolded, punctuation     normalised key: "(GG) MoE" sorts
            folded to spaces)                       as "gg moe")
  status    triage order of :class:`ReadStatus`     unread, queued, reading, read,
                                                    skimmed, dropped
  seen      times seen, then last seen              most seen first; among equals
                                                    the most recently seen
  rating    stars                                   best first
  priority  :class:`Priority`                       high, medium, low, none
  authors   the first author's family name (the     A to Z (ASCII letters folded to
            name as written when no source split    lower case, as SQL's ``lower``);
            it)                                     papers without authors last
  published the publication date as a source gave   newest first (``2017`` before
            it (ISO 8601 text, as precise as        ``2017-06-08``); papers without a
            known)                                  date last
  tags      the paper's first tag by name           A to Z; untagged papers last
  code      whether the paper has a code link       with code first
  ========  ======================================  ==================================

* a **missing** value (no author, no date, no tag) is never guessed: a fixed key
  (``fixed=True``, never flipped) puts those papers after the others in both
  directions;

* ``descending=True`` flips the direction of every key (not of the tie-break);
* the **tie-break**: the paper id, lowest first, in both directions. An import gives
  its new papers ids in the digest's order and one added time, so "newest first" lists
  the last digest in its own trending order, not upside down. An id never changes, so
  an edit (a status change, an undeleted paper) never moves a paper among its equals.
  (The index's own document numbers change on every re-index and never decide
  anything.)

Two orders are not paper fields: ``relevance`` (BM25 score, best first, then the same
tie-break; with nothing to score, the natural ``added`` order) and ``position`` (the
order of a given sequence of ids: a digest's ranking, a reading list's order).

:func:`sort_key` is the pure-Python reference of these definitions; the store and the
index are tested against it. Their values come from :func:`key_value`, so the index
holds exactly what the reference compares (times in microseconds, as the database keeps
them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import total_ordering

from readinglist.core.models import Paper, Priority, ReadStatus
from readinglist.core.normalize import title_key

RELEVANCE = "relevance"
POSITION = "position"
# What a search without scores (no words, only filters) is sorted by, naturally.
UNRANKED = "added"


@dataclass(frozen=True, slots=True)
class SortKey:
    """One key of an order: a paper field (see :func:`key_value`) and its natural
    direction (``descending``: largest first). A ``fixed`` key keeps its direction when
    the order is reversed (papers missing a value stay last)."""

    field: str
    descending: bool
    fixed: bool = False


ORDERS: dict[str, tuple[SortKey, ...]] = {
    "added": (SortKey("added", True),),
    "title": (SortKey("title", False),),
    "status": (SortKey("status", False),),
    "seen": (SortKey("times_seen", True), SortKey("last_seen", True)),
    "rating": (SortKey("rating", True),),
    "priority": (SortKey("priority", True),),
    "authors": (SortKey("no_author", False, fixed=True), SortKey("author", False)),
    "published": (SortKey("no_published", False, fixed=True), SortKey("published", True)),
    "tags": (SortKey("no_tag", False, fixed=True), SortKey("first_tag", False)),
    "code": (SortKey("code", True),),
}
# Orders whose keys the search index keeps no column of (search/ordering.py): a search
# sorted by one of them takes its hits from the index and their order from the
# database (readinglist.core.database_sorts).
DATABASE_ORDERS = frozenset({"authors", "published", "tags", "code"})
# After the keys of every order, whatever ``descending`` says: the lowest id first (one
# import's papers in their digest's order).
TIE_BREAK = SortKey("id", False)

STATUS_RANK = {status: rank for rank, status in enumerate(ReadStatus)}
PRIORITY_RANK = {priority: rank for rank, priority in enumerate(Priority)}  # none=0 ... high=3
# A paper never seen in a digest sorts as if last seen before every time (SQLite
# sorts NULL below every value, so the store agrees).
NEVER = -(2**63)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def epoch_microseconds(moment: datetime) -> int:
    """Microseconds since 1970, exactly: the precision the database keeps times in, so
    papers added in the same second are told apart as the store tells them apart."""
    return (moment - _EPOCH) // _MICROSECOND


def key_value(paper: Paper, field: str) -> int | str:
    """A paper's value for one key field: an int, or a str (the title key) compared by
    code point, which is how SQLite compares its UTF-8 text and the index its bytes."""
    match field:
        case "added":
            return epoch_microseconds(paper.added_at)
        case "title":
            return title_key(paper.title)
        case "status":
            return STATUS_RANK[paper.status]
        case "times_seen":
            return paper.times_seen
        case "last_seen":
            return NEVER if paper.last_seen is None else epoch_microseconds(paper.last_seen)
        case "rating":
            return paper.rating
        case "priority":
            return PRIORITY_RANK[paper.priority]
        case "id":
            return paper.id
        case "no_author":
            return 0 if paper.authors else 1
        case "author":
            return first_author_key(paper)
        case "no_published":
            return 0 if paper.published else 1
        case "published":
            return paper.published or ""
        case "no_tag":
            return 0 if paper.tags else 1
        case "first_tag":
            return min(paper.tags, default="")
        case "code":
            return 1 if paper.has_code else 0
    raise ValueError(f"unknown sort key {field!r}")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Only A-Z folded, as SQL's ``lower()`` does in SQLite: the store and the reference
    compare the same text (a Unicode casefold would not be what the database does)."""
    return text.translate(_ASCII_LOWER)


def first_author_key(paper: Paper) -> str:
    """The first author as the table shows them (family name when a source split the
    name, else the name as written), ASCII-lowered; "" when no source named any."""
    people = paper.people
    if not people:
        return ""
    return ascii_lower(people[0].family or people[0].name)


def keys_of(sort: str, descending: bool = False) -> tuple[SortKey, ...]:
    """The keys of an order in the direction asked for, tie-break included."""
    if sort not in ORDERS:
        raise ValueError(f"unknown sort {sort!r}; use one of: {', '.join(ORDERS)}")
    flipped = tuple(
        key if key.fixed else SortKey(key.field, key.descending != descending)
        for key in ORDERS[sort]
    )
    return (*flipped, TIE_BREAK)


@total_ordering
class _Reversed:
    """A string that sorts backwards (ints are negated instead)."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: _Reversed) -> bool:
        return self.value > other.value


def sort_key(paper: Paper, sort: str, descending: bool = False) -> tuple[object, ...]:
    """The reference: ``sorted(papers, key=lambda p: sort_key(p, sort, descending))``
    is the order the store and the index must give."""
    parts: list[object] = []
    for key in keys_of(sort, descending):
        value = key_value(paper, key.field)
        if key.descending:
            parts.append(_Reversed(value) if isinstance(value, str) else -value)
        else:
            parts.append(value)
    return tuple(parts)


def sorted_papers(papers: Iterable[Paper], sort: str, descending: bool = False) -> list[Paper]:
    return sorted(papers, key=lambda paper: sort_key(paper, sort, descending))

"""Browsing without the search index: the query language's filters, answered by the database.

The index is a cache that takes half a minute to build at 20k papers (a missing,
damaged or old-format index; see readinglist.index_build_process). Meanwhile the
library must still open, list, sort and filter: everything of the query language but
words (``status:``, ``tag:``, ``has:``, ``rating:``, ``seen:``, ``added:``, ``arxiv:``,
combined with AND, OR and NOT) is a question about columns the database holds. Words
need the index; a query with words raises :class:`SearchNotReadyError`, which says
why, instead of answering "no match".

Results mean what a search means: the same filters, the same sorts (the store's ORDER
BY, from core/orders.py), relevance without words is the unranked order, and the rows
carry unmarked fragments (there is nothing to highlight).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readinglist.core.errors import InvalidValueError, ReadingListError
from readinglist.core.models import (
    SEARCH_SORTS,
    Fragment,
    Paper,
    PaperQuery,
    SearchResult,
    SearchResults,
)
from readinglist.core.orders import POSITION, RELEVANCE, UNRANKED
from readinglist.core.query import And, Node, Not, Or, ParsedQuery, Term, describe, parse_query

if TYPE_CHECKING:
    from datetime import datetime

    from readinglist.core.ports import Store

# As the index's highlighter: an abstract not shown whole is cut near this many characters.
SNIPPET_CHARS = 240
NOT_READY = (
    "Search is available once the search index is built; until then the library can be"
    " browsed, sorted and filtered (status:, tag:, has:, rating:, seen:, added:)"
)


class SearchNotReadyError(ReadingListError):
    """A query with words while the search index is missing or being built."""


@dataclass(frozen=True, slots=True)
class BrowsePage:
    """What the store answers: one page of papers, how many match, and (when asked)
    every matching id in order."""

    papers: list[Paper]
    total: int
    ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class BrowseOrder:
    """The sort and the page wanted; ``sort`` None is relevance, as in a search."""

    sort: str | None = None
    descending: bool = False
    offset: int = 0
    limit: int = 50

    def paper_query(self, within: Sequence[int] | None) -> PaperQuery:
        """The store's order (core/orders.py): relevance without words is the natural
        unranked order, as in a search; ``position`` is the order of ``within``."""
        sort = self.sort or RELEVANCE
        if sort not in SEARCH_SORTS:
            raise InvalidValueError(
                f"cannot sort by {sort!r}; use one of: {', '.join(SEARCH_SORTS)}"
            )
        if sort == RELEVANCE:
            return PaperQuery(sort=UNRANKED)
        if sort == POSITION and within is None:
            raise InvalidValueError("the position order needs the papers in their order")
        return PaperQuery(sort=sort, descending=self.descending)


def has_words(node: Node | None) -> bool:
    """Whether the query holds a word anywhere (negated ones too): only the index
    knows which papers hold a word."""
    if node is None:
        return False
    if isinstance(node, Term):
        return True
    if isinstance(node, And | Or):
        return any(has_words(item) for item in node.items)
    if isinstance(node, Not):
        return has_words(node.item)
    return False


def plain_fragment(text: str, whole: bool, width: int = SNIPPET_CHARS) -> Fragment:
    """``text`` unmarked, cut after ``width`` characters at a space unless ``whole``
    (what the index's highlighter gives for a text without matches)."""
    if not text:
        return ()
    if whole or len(text) <= width:
        return ((text, False),)
    end = width
    while end < len(text) and not text[end].isspace():
        end += 1
    if end >= len(text):
        return ((text, False),)
    return ((text[:end], False), ("…", False))


def browse_database(
    store: Store,
    query: str | ParsedQuery,
    order: BrowseOrder,
    *,
    within: Collection[int] | None = None,
    with_ids: bool = False,
    whole_abstracts: bool = False,
    now: datetime | None = None,
) -> SearchResults:
    """One page of the papers a query without words matches, from the database.

    ``within``: only these papers; ``with_ids``: also every matching id, in order.
    """
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query, now=now)
    text = query if isinstance(query, str) else describe(parsed.root)
    if has_words(parsed.root):
        raise SearchNotReadyError(NOT_READY)
    wanted: Sequence[int] | None = None if within is None else tuple(within)
    sorting = order.paper_query(wanted)
    offset, limit = max(order.offset, 0), max(order.limit, 0)
    with store.unit_of_work() as uow:
        page = uow.browse(parsed.root, sorting, offset, limit, wanted, with_ids)
    results = tuple(
        SearchResult(
            paper=paper,
            score=0.0,
            title=plain_fragment(paper.title, True),
            abstract=plain_fragment(paper.abstract, whole_abstracts),
        )
        for paper in page.papers
    )
    return SearchResults(
        query=text,
        results=results,
        total=page.total,
        offset=offset,
        message=parsed.message,
        ids=page.ids or (),
    )

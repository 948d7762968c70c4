"""Searches sorted by an order the search index keeps no column of.

The index sorts with NumPy over key columns it holds (search/ordering.py). The orders
of :data:`~readinglist.core.orders.DATABASE_ORDERS` (authors, published, tags, code)
read other tables (paper_authors, paper_facts, paper_tags, links): adding them to the
index would mean a new index format and a rebuild of every library. So the index says
*which* papers match, and the database, which holds those keys, says in what order
(the store's ORDER BY of core/orders.py, one statement over every hit).
"""

from __future__ import annotations

from collections.abc import Collection

from readinglist.core.models import PaperQuery, SearchHit, SearchPage
from readinglist.core.orders import DATABASE_ORDERS
from readinglist.core.ports import SearchIndex, Store
from readinglist.core.query import ParsedQuery

# Up to this many hits the database sorts just them (``id IN`` the hits); above, it
# sorts the whole library and the hits are picked out of that order: at 20k papers an
# IN of 20k ids costs more (290 ms) than the whole order and a set lookup (165 ms).
FEW_HITS = 2000


def sorted_by_database(sort: str | None) -> bool:
    """Whether a search in this order needs the database's ORDER BY."""
    return sort in DATABASE_ORDERS


def search_sorted_by_database(
    store: Store,
    index: SearchIndex,
    parsed: ParsedQuery,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
    within: Collection[int] | None,
    with_ids: bool,
) -> SearchPage:
    """One page of the index's hits for ``parsed``, in the database's ``sort`` order
    (scores are 0: the order is not relevance)."""
    if sort not in DATABASE_ORDERS:
        raise ValueError(f"{sort!r} is sorted by the index, not the database")
    matched = index.search(parsed, None, False, 0, 0, within, with_ids=True)
    offset, limit = max(offset, 0), max(limit, 0)
    order = PaperQuery(sort=sort, descending=descending)
    with store.unit_of_work() as uow:
        if len(matched.ids) <= FEW_HITS:
            every = uow.browse(None, order, 0, 0, matched.ids, True).ids or ()
        else:  # the whole library's order, kept to the hits: cheaper than SQL's IN
            wanted = set(matched.ids)
            ordered = uow.browse(None, order, 0, 0, None, True).ids or ()
            every = tuple(paper_id for paper_id in ordered if paper_id in wanted)
    hits = tuple(SearchHit(paper_id, 0.0) for paper_id in every[offset : offset + limit])
    return SearchPage(hits, len(every), every if with_ids else (), message=matched.message)

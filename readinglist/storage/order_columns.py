"""The store's columns of the order keys the search index does not hold.

The orders of :data:`readinglist.core.orders.DATABASE_ORDERS` (authors, published,
tags, code) are sorted by the database only (core/database_sorts.py). Each key is a
correlated lookup on a primary key (paper_authors, paper_facts) or an index
(paper_tags, links), valued exactly as ``core.orders.key_value``: the first author as
the table shows them (family name, else the name as written), ASCII-lowered as SQL's
``lower`` does; the publication date's text; the first tag by name; a code link. A
missing value is NULL, turned into a fixed "missing" key so it sorts last both ways.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select

from readinglist.core.metadata import Field
from readinglist.core.models import LinkKind
from readinglist.core.orders import PRIORITY_RANK, STATUS_RANK
from readinglist.storage.member_state import StateScope
from readinglist.storage.orm import AuthorRow, FactRow, LinkRow, PaperRow, PaperTagRow, TagRow

_FIRST_AUTHOR = (
    select(func.coalesce(func.nullif(AuthorRow.family, ""), AuthorRow.name))
    .where(AuthorRow.paper_id == PaperRow.id)
    .order_by(AuthorRow.position)
    .limit(1)
    .scalar_subquery()
)
_PUBLISHED = (
    select(func.nullif(FactRow.value, ""))
    .where(FactRow.paper_id == PaperRow.id, FactRow.name == Field.PUBLISHED.value)
    .scalar_subquery()
)
_FIRST_TAG = (
    select(func.min(TagRow.name))
    .join(PaperTagRow, PaperTagRow.tag_id == TagRow.id)
    .where(PaperTagRow.paper_id == PaperRow.id)
    .scalar_subquery()
)
_CODED = select(LinkRow.paper_id).where(LinkRow.kind == LinkKind.CODE.value)

DATABASE_KEY_COLUMNS: dict[str, Any] = {
    "no_author": case((_FIRST_AUTHOR.is_(None), 1), else_=0),
    "author": func.lower(func.coalesce(_FIRST_AUTHOR, "")),
    "no_published": case((_PUBLISHED.is_(None), 1), else_=0),
    "published": func.coalesce(_PUBLISHED, ""),
    "no_tag": case((_FIRST_TAG.is_(None), 1), else_=0),
    "first_tag": func.coalesce(_FIRST_TAG, ""),
    "code": case((PaperRow.id.in_(_CODED), 1), else_=0),
}


def state_key_columns(scope: StateScope) -> dict[str, Any]:
    """The keys of the reading state (status, rating, priority) as the scope sees it:
    the paper's columns for the single reader, the member's (storage/member_state.py)."""
    status = scope.column("status")
    priority = scope.column("priority")
    return {
        "status": case({s.value: rank for s, rank in STATUS_RANK.items()}, value=status),
        "rating": scope.column("rating"),
        "priority": case({p.value: rank for p, rank in PRIORITY_RANK.items()}, value=priority),
    }

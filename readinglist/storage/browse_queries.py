"""Browsing in SQL: the query language's filters as a WHERE clause (part of
:class:`SqlUnitOfWork`; see readinglist/core/browse.py for why).

Each filter means what the search index makes of it (readinglist/search/engine.py):
a tag matches its sub-tags, ``added:`` compares whole minutes as the index stores them,
``has:notes`` means notes that are not only white space, and NOT keeps papers without
a value (no arXiv id is "not this arXiv id").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, assert_never

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    and_,
    bindparam,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from readinglist.core.browse import BrowsePage
from readinglist.core.models import Paper, PaperQuery
from readinglist.core.orders import POSITION
from readinglist.core.query import (
    And,
    ArxivFilter,
    DateFilter,
    HasFilter,
    Node,
    Not,
    NumberFilter,
    Or,
    StatusFilter,
    TagFilter,
    Term,
)
from readinglist.storage.member_state import StateScope
from readinglist.storage.orm import AppearanceRow, LinkRow, PaperRow, PaperTagRow, TagRow

# What Python's str.strip() removes from notes (SQLite's trim() takes only spaces).
_WHITE_SPACE = " \t\n\r\x0b\x0c"


class BrowseQueries:
    """Mixed into the unit of work: it provides ``session``, ``papers`` and ``_order``."""

    session: Session
    scope: StateScope

    if TYPE_CHECKING:

        def papers(self, query: PaperQuery) -> list[Paper]: ...

        def _order(self, query: PaperQuery) -> list[ColumnElement[Any]]: ...

    def browse(
        self,
        root: Node | None,
        order: PaperQuery,
        offset: int,
        limit: int,
        within: Sequence[int] | None,
        with_ids: bool,
    ) -> BrowsePage:
        """One page of the papers matching a query of filters (no words), sorted by
        ``order`` (the store's ORDER BY), with their count and, ``with_ids``, every id."""
        where: list[ColumnElement[bool]] = [] if root is None else [condition(root, self.scope)]
        if within is not None:
            where.append(PaperRow.id.in_(_id_set(within, self.session.get_bind().dialect.name)))
        if order.sort == POSITION:
            return self._browse_in_position(where, within or (), order, offset, limit, with_ids)
        # The member's state joined once (a no-op for the single reader): the filters
        # and the order read its columns.
        counted = self.scope.join(select(func.count(PaperRow.id)).select_from(PaperRow))
        total = int(self.session.scalar(counted.where(*where)) or 0)
        ordered = self.scope.join(select(PaperRow.id).select_from(PaperRow))
        ordered = ordered.where(*where).order_by(*self._order(order))
        ids: tuple[int, ...] | None = None
        if with_ids:
            ids = tuple(self.session.scalars(ordered))
            page = list(ids[offset : offset + limit])
        elif limit and offset < total:
            page = list(self.session.scalars(ordered.offset(offset).limit(limit)))
        else:
            page = []
        return BrowsePage(self._papers_in_order(page), total, ids)

    def _browse_in_position(
        self,
        where: list[ColumnElement[bool]],
        within: Sequence[int],
        order: PaperQuery,
        offset: int,
        limit: int,
        with_ids: bool,
    ) -> BrowsePage:
        """The ``position`` order: the order of ``within`` (the first occurrence of a
        repeated id counts), reversed by ``descending``."""
        place: dict[int, int] = {}
        for number, paper_id in enumerate(within):
            place.setdefault(paper_id, number)
        found = sorted(
            self.session.scalars(
                self.scope.join(select(PaperRow.id).select_from(PaperRow)).where(*where)
            ),
            key=place.__getitem__,
            reverse=order.descending,
        )
        page = found[offset : offset + limit]
        return BrowsePage(
            self._papers_in_order(page), len(found), tuple(found) if with_ids else None
        )

    def _papers_in_order(self, ids: Sequence[int]) -> list[Paper]:
        if not ids:
            return []
        by_id = {paper.id: paper for paper in self.papers(PaperQuery(ids=tuple(ids)))}
        return [by_id[paper_id] for paper_id in ids if paper_id in by_id]


def _id_set(ids: Sequence[int], dialect: str) -> Any:
    """The ids as one parameter: a digest or a list of any size, where an IN list would
    meet SQLite's limit on parameters. SQLite reads a JSON array (``json_each``),
    PostgreSQL an integer array (``unnest``)."""
    if dialect == "postgresql":
        array = bindparam("ids", [int(i) for i in ids], type_=ARRAY(BigInteger))
        return select(func.unnest(array).column_valued("value"))
    values = func.json_each(json.dumps([int(i) for i in ids])).table_valued("value")
    return select(values.c.value)


def _times_seen() -> Any:
    return (
        select(func.count())
        .select_from(AppearanceRow)
        .where(AppearanceRow.paper_id == PaperRow.id)
        .scalar_subquery()
    )


def _minute(moment: datetime) -> datetime:
    """The start of the moment's minute: the index stores times in whole minutes."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _between(column: Any, low: Any, high: Any, high_open: bool) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if low is not None:
        parts.append(column >= low)
    if high is not None:
        parts.append(column < high if high_open else column <= high)
    return and_(true(), *parts)


def condition(node: Node, scope: StateScope) -> ColumnElement[bool]:
    """The WHERE clause of a query's tree; words are refused (only the index has them).
    The reading state is the scope's (the statement joins it)."""
    if isinstance(node, TagFilter):
        prefix = node.name + "/"
        tagged = (
            select(PaperTagRow.paper_id)
            .join(TagRow, TagRow.id == PaperTagRow.tag_id)
            # Not LIKE: it ignores case and reads % and _ as wildcards.
            .where(
                or_(TagRow.name == node.name, func.substr(TagRow.name, 1, len(prefix)) == prefix)
            )
        )
        return PaperRow.id.in_(tagged)
    if isinstance(node, ArxivFilter):
        return func.coalesce(PaperRow.arxiv_id, "") == node.arxiv_id
    if isinstance(node, StatusFilter):
        return scope.column("status") == node.status.value
    if isinstance(node, HasFilter):
        if node.what == "notes":
            return func.trim(scope.column("notes"), _WHITE_SPACE) != ""
        return PaperRow.id.in_(select(LinkRow.paper_id).where(LinkRow.kind == node.what))
    if isinstance(node, NumberFilter):
        column = scope.column("rating") if node.field == "rating" else _times_seen()
        return _between(column, node.low, node.high, high_open=False)
    if isinstance(node, DateFilter):
        start = None if node.start is None else _minute(node.start)
        end = None if node.end is None else _minute(node.end)
        return _between(PaperRow.added_at, start, end, high_open=True)
    if isinstance(node, And):
        return and_(*(condition(item, scope) for item in node.items))
    if isinstance(node, Or):
        return or_(*(condition(item, scope) for item in node.items))
    if isinstance(node, Not):
        return not_(condition(node.item, scope))
    if isinstance(node, Term):
        raise ValueError("words need the search index: the database cannot browse them")
    assert_never(node)

"""Helpers every storage module shares: parameter-sized chunks and rows built from the
domain's dataclasses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from readinglist.core.metadata import MetaField, PersonName
from readinglist.core.models import Link, Paper, StatusChange
from readinglist.storage.orm import (
    AuthorRow,
    FactRow,
    LinkRow,
    PaperRow,
    StatusChangeRow,
    TimeSpentRow,
)

_T = TypeVar("_T")

# SQLite allows 32766 bound parameters; stay far below for every dialect.
CHUNK = 500


def chunks(items: Sequence[_T], size: int | None = None) -> Iterator[Sequence[_T]]:
    """``items`` in slices small enough for one ``IN (...)`` each (or of ``size``)."""
    step = size or CHUNK  # read at each call: tests make CHUNK small
    for start in range(0, len(items), step):
        yield items[start : start + step]


def link_row(link: Link) -> LinkRow:
    return LinkRow(
        url=link.url, kind=link.kind.value, host=link.host, owner=link.owner, repo=link.repo
    )


def paper_row(
    paper: Paper, title_key: str, history: Iterable[StatusChange], keep_id: bool
) -> PaperRow:
    """A paper's row with its links, status history, authors, facts and time spent,
    as a backup or an undo snapshot describes it (its id too with ``keep_id``); tags
    are added apart."""
    row = PaperRow(
        title=paper.title,
        abstract=paper.abstract,
        title_key=title_key,
        status=paper.status.value,
        priority=paper.priority.value,
        rating=paper.rating,
        notes=paper.notes,
        added_at=paper.added_at,
        updated_at=paper.updated_at,
        arxiv_id=paper.arxiv_id,
        upvotes=paper.upvotes,
        cite_key=paper.cite_key,
    )
    if keep_id:
        row.id = paper.id
    row.links = [link_row(link) for link in paper.links]
    row.history = [
        StatusChangeRow(status=change.status.value, changed_at=change.changed_at)
        for change in history
    ]
    row.authors = author_rows(paper.people)
    row.facts = [fact_row(fact) for fact in paper.meta]
    if paper.time_spent is not None:  # private, but a restore must not lose it
        spent = paper.time_spent
        row.time_spent = TimeSpentRow(minutes=spent.minutes, recorded_at=spent.recorded_at)
    return row


def author_rows(names: Sequence[PersonName]) -> list[AuthorRow]:
    return [
        AuthorRow(position=position, name=n.name, family=n.family, given=n.given, suffix=n.suffix)
        for position, n in enumerate(names)
    ]


def fact_row(fact: MetaField) -> FactRow:
    return FactRow(
        name=fact.name.value,
        value=fact.value,
        source=fact.source.value,
        recorded_at=fact.recorded_at,
    )

"""Helpers every storage module shares: parameter-sized chunks and link rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from readinglist.core.models import Link
from readinglist.storage.orm import LinkRow

_T = TypeVar("_T")

# SQLite allows 32766 bound parameters; stay far below for every dialect.
CHUNK = 500


def chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    """``items`` in slices small enough for one ``IN (...)`` each."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def link_row(link: Link) -> LinkRow:
    return LinkRow(
        url=link.url, kind=link.kind.value, host=link.host, owner=link.owner, repo=link.repo
    )

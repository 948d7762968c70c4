"""Checks the use cases make before they change anything."""

from __future__ import annotations

from collections.abc import Collection

from readinglist.core.errors import InvalidValueError, NotFoundError
from readinglist.core.ports import PaperReads


def require_papers(uow: PaperReads, ids: Collection[int]) -> None:
    """Every id names a paper (and there is at least one), or a one-line error."""
    if not ids:
        raise InvalidValueError("name at least one paper id")
    missing = set(ids) - uow.existing_ids(ids)
    if missing:
        listed = ", ".join(str(i) for i in sorted(missing))
        raise NotFoundError(f"no paper with id {listed}")

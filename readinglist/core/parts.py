"""What the parts of a :class:`~readinglist.core.library.Library` share.

The library is a composition: ``library.lists`` (reading lists), ``library.searches``
(saved searches) and ``library.exchange`` (export and backup restore) are objects of
their own, each given this one context instead of reaching into the library's private
state. A part writes through :attr:`LibraryContext.write`, so its changes are queued
for the search index in the same transaction and drained after commit, like the
library's own.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from readinglist.core.ports import Store, UnitOfWork


@dataclass(frozen=True, slots=True)
class LibraryContext:
    store: Store
    clock: Callable[[], datetime]
    # One write transaction; the papers it changes are indexed after commit.
    write: Callable[[], AbstractContextManager[UnitOfWork]]
    # Every paper matching a query, by id (needs the search index).
    query_ids: Callable[[str], list[int]]

"""What a write changed: one value every library write returns.

A front end reacts to changes, not to the action that made them: the window's table
reloads the papers in :attr:`Changes.touched`, queries again when papers came or went,
the sidebar recounts when :attr:`Changes.counts` is set, the tag menus reload on
:attr:`Changes.tags`. The action that changed the library does not have to know who
shows what (Anki's ``OpChanges`` works the same way). The command line reads
:attr:`Changes.count` for its messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Changes:
    """The papers and the kinds of things one write (or several, ``a | b``) changed.

    ``count`` is what a message reports (papers changed, added to a list, …); the id sets
    say which papers a view must load again (``touched``), which are new (``added``) and
    which are gone (``removed``).
    """

    count: int = 0
    touched: frozenset[int] = field(default_factory=frozenset)
    added: frozenset[int] = field(default_factory=frozenset)
    removed: frozenset[int] = field(default_factory=frozenset)
    tags: bool = False  # tag names or colours (the tag menus, the sidebar's tag tree)
    lists: bool = False  # reading lists: their names or papers
    saved_searches: bool = False
    digests: bool = False
    counts: bool = False  # the sidebar's counts (status, tags, lists, digests)
    # Made by another process (a command line, a second window): anything may differ.
    outside: bool = False

    @property
    def rows_changed(self) -> bool:
        """Papers came or went (or anything may have, from outside): a view of the library
        queries again rather than reloading rows where they are."""
        return bool(self.added or self.removed or self.digests or self.outside)

    @property
    def empty(self) -> bool:
        return self == NO_CHANGES

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            count=self.count + other.count,
            touched=self.touched | other.touched,
            added=self.added | other.added,
            removed=self.removed | other.removed,
            tags=self.tags or other.tags,
            lists=self.lists or other.lists,
            saved_searches=self.saved_searches or other.saved_searches,
            digests=self.digests or other.digests,
            counts=self.counts or other.counts,
            outside=self.outside or other.outside,
        )


NO_CHANGES = Changes()
# What the window assumes when another process changed the library meanwhile.
OUTSIDE_CHANGES = Changes(tags=True, lists=True, saved_searches=True, counts=True, outside=True)


def papers_changed(count: int, ids: Iterable[int], *, tags: bool = False) -> Changes:
    """A field of existing papers changed (status, rating, priority, notes, tags)."""
    return Changes(count=count, touched=frozenset(ids), tags=tags, counts=count > 0)


def papers_removed(count: int, ids: Iterable[int]) -> Changes:
    return Changes(count=count, removed=frozenset(ids), tags=True, lists=True, counts=True)


def merged(changes: Iterable[Changes]) -> Changes:
    total = NO_CHANGES
    for change in changes:
        total = total | change
    return total

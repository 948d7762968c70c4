"""Giving papers their facts back when the import that met them is undone.

An import (BibTeX, CSL-JSON, RIS, Hugging Face records, arXiv identifiers) writes on
papers already in the library what they lacked: authors, an arXiv id, upvotes, a date,
a DOI, a venue; the lookups that follow it (an identifier import records what arXiv and
Hugging Face said; "Look up" on those papers) add more. Undoing the import must leave
those papers as they were, or an undone import of the wrong ``.bib`` would still say
who wrote them and when. The import keeps each paper it met as it was
(:class:`~readinglist.core.snapshots.ImportRecord` ``before``); :func:`restore_facts`
gives each its facts back exactly: the same values with their sources and times, the
same authors with their structure, the same arXiv id and upvotes, absent where it had
none.

Kept as they are, because they are the user's and cannot be told from the import's:

- a fact the user typed since (``Source.USER``, which outranks every import);
- the notes (an import fills only empty notes, and a note typed into them since looks
  the same): :meth:`Library.undo_import` leaves them too;
- the cite key (a stored key never changes: an export made meanwhile cites it).

The lookup states stay, except one the undo makes untrue: a paper "matched" that is
given back no fact from a lookup (the facts that made it matched were the import's
lookups) goes back to "queued", as a paper never looked up stands; the window's lookup
column and ``resolve`` then say so instead of "matched" over facts that are gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from readinglist.core.changes import Changes
from readinglist.core.metadata import (
    LOOKUP_SOURCES,
    Field,
    MetaField,
    PersonName,
    ResolveState,
    ResolveStatus,
    Source,
    field_map,
)
from readinglist.core.models import Paper, PaperQuery
from readinglist.core.parts import LibraryContext
from readinglist.core.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Restoration:
    """What one paper is given back (all of it written, absent values included)."""

    paper_id: int
    facts: tuple[MetaField, ...]
    names: tuple[PersonName, ...]
    arxiv_id: str | None
    upvotes: int | None
    stamp: datetime  # the paper's time of change before the import


def _typed_since(current: MetaField | None, old: MetaField | None) -> bool:
    return current is not None and current.source is Source.USER and current != old


def restoration(current: Paper, old: Paper) -> tuple[Restoration | None, bool]:
    """What to write on ``current`` to give it ``old``'s facts (None: it has them
    already), and whether a value the user typed since was kept (pure: tested alone)."""
    now_facts, old_facts = field_map(current.meta), field_map(old.meta)
    facts: dict[Field, MetaField] = {}
    kept = False
    for name in {*now_facts, *old_facts}:
        if _typed_since(now_facts.get(name), old_facts.get(name)):
            facts[name] = now_facts[name]
            kept = True
        elif name in old_facts:
            facts[name] = old_facts[name]
    user_authors = facts.get(Field.AUTHORS)
    names = (
        current.author_names
        if user_authors is not None and user_authors.source is Source.USER
        else old.author_names
    )
    same = (
        facts == now_facts
        and names == current.author_names
        and (old.arxiv_id, old.upvotes) == (current.arxiv_id, current.upvotes)
    )
    if same:
        return None, kept
    ordered = tuple(facts[name] for name in sorted(facts, key=lambda name: name.value))
    return Restoration(current.id, ordered, names, old.arxiv_id, old.upvotes, old.updated_at), kept


def _looked_up(facts: Sequence[MetaField]) -> bool:
    """Whether any fact came from a lookup (what a "matched" state stands on)."""
    return any(fact.source in LOOKUP_SOURCES for fact in facts)


def _unmatch(uow: UnitOfWork, plans: Sequence[Restoration]) -> None:
    """Papers given back no looked-up fact: "matched" becomes "queued" (never looked
    up); a failed or unmatched state is still true and stays."""
    states = uow.resolve_states([plan.paper_id for plan in plans])
    uow.set_resolve_states(
        [
            ResolveState(paper_id, ResolveStatus.QUEUED)
            for paper_id, state in states.items()
            if state.status is ResolveStatus.MATCHED
        ]
    )


def restore_facts(
    context: LibraryContext, before: Sequence[Paper]
) -> tuple[Changes, tuple[int, ...]]:
    """Gives each paper of ``before`` (still in the library) its facts back, in one
    transaction; returns the changes and the papers where a value typed since was kept."""
    if not before:
        return Changes(), ()
    old = {paper.id: paper for paper in before}
    changed: list[int] = []
    kept: list[int] = []
    plans: list[Restoration] = []
    with context.write() as uow:
        for current in uow.papers(PaperQuery(ids=tuple(old))):
            plan, typed = restoration(current, old[current.id])
            if typed:
                kept.append(current.id)
            if plan is None:
                continue
            plans.append(plan)
            uow.restore_identity(
                plan.paper_id, plan.facts, plan.names, (plan.arxiv_id, plan.upvotes), plan.stamp
            )
            changed.append(current.id)
        _unmatch(uow, [plan for plan in plans if not _looked_up(plan.facts)])
    # Facts, authors, ids: rows change, no count the sidebar shows does.
    return Changes(count=len(changed), touched=frozenset(changed)), tuple(sorted(kept))

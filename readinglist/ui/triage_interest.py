"""The table's sort by the triage's interest, done by the model, not by the library.

The library sorts by paper fields (core/orders.py); the interest is the triage's, held
in the controller's last trained model (immutable, swapped whole after each training),
so the model asks the library for every match's id, orders them with
``controller.by_interest`` (a dictionary lookup per id), then reads the first page in
that order (``sort="position"`` within the ordered ids). Papers the triage has no
interest for come last in both directions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from readinglist.core.library import Library
from readinglist.core.models import SearchResults


class InterestSource(Protocol):
    """The triage's interest as the table reads it (a TriageController): a lookup in
    an immutable model, so cheap on the GUI thread and safe on the worker."""

    def interest(self, paper_id: int) -> float | None: ...

    def by_interest(self, ids: Sequence[int]) -> list[int]: ...


def rank_by_interest(known: Mapping[int, float], ids: Sequence[int]) -> list[int]:
    """``ids`` best first by ``known`` interest; the others keep their order, last."""
    order = {paper_id: n for n, paper_id in enumerate(ids)}
    return sorted(ids, key=lambda i: (i not in known, -known.get(i, 0.0), order[i]))


def interest_order(source: InterestSource, ids: Sequence[int], descending: bool) -> list[int]:
    """``ids`` by interest, best first (its natural direction) or, ``descending``,
    least first; papers without interest last either way, in their own order."""
    ranked = source.by_interest(ids)
    if not descending:
        return ranked
    known = [i for i in ranked if source.interest(i) is not None]
    return known[::-1] + ranked[len(known) :]


def search_by_interest(
    library: Library,
    text: str,
    descending: bool,
    source: InterestSource | None,
    within: list[int] | None,
    limit: int,
) -> SearchResults:
    """The query's matches ordered by the triage's interest (on the worker): every
    match's id first (no rows read), ordered from the triage's immutable model, then
    the first page in that order. Without a triage: by relevance."""
    if source is None:
        return library.search(
            text, None, False, 0, limit, whole_abstracts=True, within=within, with_ids=True
        )
    found = library.search(text, None, False, 0, 0, within=within, with_ids=True)
    ranked = interest_order(source, found.ids, descending)
    page = library.search(
        text, "position", False, 0, limit, whole_abstracts=True, within=ranked, with_ids=True
    )
    # The first search's notes (a misspelling's suggestion) are the query's.
    return replace(page, suggestion=found.suggestion, message=found.message)

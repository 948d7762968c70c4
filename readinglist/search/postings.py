"""Decoded postings: each term's documents and frequencies as NumPy arrays.

Whoosh decodes postings one at a time in Python; here they are decoded once, block by
block, into NumPy arrays, and kept: per segment across searchers (a segment never
changes) and per searcher as global doc numbers. The searcher's other per-generation
answers live here too: prefix and fuzzy expansions, "did you mean" (``memo``) and the
library's acronyms. Whoosh's internals (block decoding, segment ids) are reached
through :mod:`readinglist.search.whoosh_private`, which falls back on its public API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.searching import Searcher

from readinglist.search.acronym_table import ACRONYM_FIELD, AcronymTable
from readinglist.search.whoosh_private import INTERNALS, WhooshAccess
from readinglist.search.whoosh_private.terms import TermRun

Mask = npt.NDArray[np.bool_]
Scores = npt.NDArray[np.float32]
Ids = npt.NDArray[np.int64]
# Sort keys, ascending: each document's place in an order (see search/ordering.py).
Order = npt.NDArray[np.int64]

CACHE_POSTINGS = 30_000_000  # postings kept decoded per searcher (about 240 MB at most)


class SegmentPostings:
    """Decoded postings per segment, kept across searchers.

    A Whoosh segment never changes once written (deletions are kept beside it), so its
    decoded postings stay valid until a merge removes the segment. After a write only
    the new small segment is decoded: the next query does not pay for the whole library.
    (With Whoosh's public API only, segments have no ids: nothing outlives a searcher.)
    """

    def __init__(self, limit: int = CACHE_POSTINGS, whoosh: WhooshAccess = INTERNALS) -> None:
        self.limit = limit
        self.whoosh = whoosh
        self._entries: dict[tuple[str, str, bytes], tuple[Ids, Scores]] = {}
        self._size = 0
        # Each segment's acronym definitions and how many papers make each.
        self._acronyms: dict[str, list[tuple[str, int]]] = {}

    def keep_only(self, segments: set[str]) -> None:
        """Forget the postings of segments that no longer exist (merged away)."""
        gone = [key for key in self._entries if key[0] not in segments]
        for key in gone:
            self._size -= len(self._entries.pop(key)[0])
        for segment in [segment for segment in self._acronyms if segment not in segments]:
            del self._acronyms[segment]

    def acronyms(self, leaf: Any, segment: str) -> list[tuple[str, int]]:
        """The acronym field's terms in one segment, with their document counts."""
        found = self._acronyms.get(segment)
        if found is None:
            # The field's terms read in one piece (Whoosh's walk of its term infos
            # took 0.1 s a segment at 100k papers).
            run = self.whoosh.prefix_terms(leaf, ACRONYM_FIELD, b"")
            found = self._acronyms[segment] = list(
                zip(run.texts(), run.doc_frequencies.tolist(), strict=True)
            )
        return found

    def get(self, leaf: Any, segment: str, field: str, btext: bytes) -> tuple[Ids, Scores]:
        key = (segment, field, btext)
        found = self._entries.get(key)
        if found is not None:
            return found
        # Whole blocks at a time (tests/test_search.py compares the results with Whoosh's).
        found = self.whoosh.term_postings(leaf, field, btext)
        if self._size + len(found[0]) > self.limit:
            self._entries.clear()
            self._size = 0
        self._entries[key] = found
        self._size += len(found[0])
        return found


class PostingArrays:
    """The postings of one searcher, as global doc numbers (segments' own kept apart)."""

    def __init__(self, searcher: Searcher, segments: SegmentPostings | None = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves: list[tuple[Any, int]] = list(self.reader.leaf_readers())
        self.segments = segments or SegmentPostings()
        self.whoosh = whoosh = self.segments.whoosh
        self.segment_ids = [whoosh.segment_key(leaf) for leaf, _ in self.leaves]
        self.segments.keep_only(set(self.segment_ids))
        self.size = self.reader.doc_count_all()
        self.live = np.ones(self.size, dtype=np.bool_)
        for leaf, offset in self.leaves:
            self.live[whoosh.deleted(leaf) + offset] = False
        self.live_count = int(self.live.sum())
        self._cache: dict[tuple[str, bytes], tuple[Ids, Scores]] = {}
        # Per searcher, like the postings: each document's paper id and sort places.
        self.paper_ids: Ids | None = None
        self.orders: dict[tuple[str, bool], Order] = {}
        # Prefix and fuzzy expansions, by (kind, field, text, edits): typing repeats them.
        self.expansions: dict[tuple[str, str, str, int], list[str]] = {}
        # Answers that hold while the searcher does ("did you mean"): by question.
        self.memo: dict[tuple[str, ...], Any] = {}
        self._acronyms: AcronymTable | None = None

    @property
    def acronyms_read(self) -> AcronymTable | None:
        """The library's acronyms if a search has read them (None: not yet)."""
        return self._acronyms

    @property
    def acronyms(self) -> AcronymTable:
        """The library's acronyms (read from the segments not read before)."""
        if self._acronyms is None:
            self._acronyms = AcronymTable(
                entry
                for (leaf, _offset), segment in zip(self.leaves, self.segment_ids, strict=True)
                for entry in self.segments.acronyms(leaf, segment)
            )
        return self._acronyms

    def term_runs(self, field: str, prefix: str) -> list[TermRun]:
        """Each segment's terms of ``field`` starting with ``prefix``, with their
        document frequencies (deleted documents counted, as Whoosh counts them)."""
        start = prefix.encode("utf-8")
        return [self.whoosh.prefix_terms(leaf, field, start) for leaf, _offset in self.leaves]

    def postings(self, field: str, term: str | bytes) -> tuple[Ids, Scores]:
        """Doc numbers (global) and term frequencies of a term; empty when absent."""
        btext = term.encode("utf-8") if isinstance(term, str) else term
        found = self._cache.get((field, btext))
        if found is not None:
            return found
        parts = [
            (ids + offset, freqs)
            for (leaf, offset), segment in zip(self.leaves, self.segment_ids, strict=True)
            for ids, freqs in [self.segments.get(leaf, segment, field, btext)]
            if len(ids)
        ]
        found = (
            (np.concatenate([ids for ids, _ in parts]), np.concatenate([f for _, f in parts]))
            if parts
            else (np.empty(0, np.int64), np.empty(0, np.float32))
        )
        self._cache[(field, btext)] = found
        return found

    def mask_of(self, field: str, terms: Iterable[str | bytes]) -> Mask:
        mask = np.zeros(self.size, dtype=np.bool_)
        for term in terms:
            ids, _ = self.postings(field, term)
            mask[ids] = True
        return mask

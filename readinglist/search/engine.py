"""Query evaluation over posting arrays: Whoosh stores the index, NumPy does the sums.

Whoosh scores a query posting by posting in Python (about 5 µs each): a common word
in a 100k library costs half a second. Here each term's postings are decoded once per
searcher, block by block, into NumPy arrays (doc numbers and term frequencies) and
kept while the searcher lives; a query is then a few vector operations over the whole
library: masks for matching, BM25 sums for ranking, a partial sort for the page. Phrases
need no positions: the pairs field holds every pair of adjacent words. Whoosh's
internals (block decoding, segment ids, range terms) are reached through
:mod:`readinglist.search.whoosh_private`, which falls back on its public API.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.searching import Searcher

from readinglist.core.query import (
    TEXT_FIELDS,
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
from readinglist.search.analysis import analyze_positions
from readinglist.search.schema import FIELD_BOOSTS, PAIR_FIELD, epoch_minutes
from readinglist.search.whoosh_private import INTERNALS, WhooshAccess

Mask = npt.NDArray[np.bool_]
Scores = npt.NDArray[np.float32]
# Sort keys, ascending: each document's place in an order (see search/ordering.py).
Order = npt.NDArray[np.int64]
Ids = npt.NDArray[np.int64]

K1 = 1.2
MAX_EXPANSIONS = 32  # prefix and fuzzy terms kept (the most frequent)
PREFIX_SCAN = 2000
MIN_CUT_WORD = 8  # words this long may be typos of a longer word's stem
CACHE_POSTINGS = 30_000_000  # postings kept decoded per searcher (about 240 MB at most)


@dataclass(frozen=True, slots=True)
class Match:
    mask: Mask
    scores: Scores


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

    def keep_only(self, segments: set[str]) -> None:
        """Forget the postings of segments that no longer exist (merged away)."""
        gone = [key for key in self._entries if key[0] not in segments]
        for key in gone:
            self._size -= len(self._entries.pop(key)[0])

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


class Evaluator:
    """Turns the query language's tree into a match mask and BM25 scores."""

    def __init__(self, arrays: PostingArrays) -> None:
        self.arrays = arrays
        self.reader = arrays.reader
        self.size = arrays.size
        self._docs = max(arrays.live_count, 1)

    def evaluate(self, node: Node | None) -> Match:
        if node is None:
            return Match(self.arrays.live.copy(), np.zeros(self.size, np.float32))
        found = self._node(node)
        if found is None:  # only stop words: like no words
            return Match(self.arrays.live.copy(), np.zeros(self.size, np.float32))
        return Match(found.mask & self.arrays.live, found.scores)

    # --- nodes --------------------------------------------------------------------

    def _node(self, node: Node) -> Match | None:
        handlers: dict[type, Callable[[Any], Match | None]] = {
            Term: self._term,
            TagFilter: lambda n: self._filter("tags", [n.name]),
            ArxivFilter: lambda n: self._filter("arxiv", [n.arxiv_id]),
            StatusFilter: lambda n: self._filter("status", [n.status.value]),
            HasFilter: lambda n: self._filter("has", [n.what]),
            NumberFilter: lambda n: self._numbers(n.field, n.low, n.high),
            DateFilter: self._dates,
            And: self._and,
            Or: self._or,
            Not: self._not,
        }
        return handlers[type(node)](node)

    def _and(self, node: And) -> Match | None:
        return _combine([self._node(item) for item in node.items], every=True)

    def _or(self, node: Or) -> Match | None:
        return _combine([self._node(item) for item in node.items], every=False)

    def _not(self, node: Not) -> Match | None:
        inner = self._node(node.item)
        if inner is None:
            return None
        return Match(~inner.mask, np.zeros(self.size, np.float32))

    def _filter(self, field: str, terms: Iterable[str | bytes]) -> Match:
        return Match(self.arrays.mask_of(field, terms), np.zeros(self.size, np.float32))

    def _numbers(self, field: str, low: int | None, high: int | None) -> Match:
        if low is not None and high is not None and low > high:
            return Match(np.zeros(self.size, np.bool_), np.zeros(self.size, np.float32))
        hits = self.arrays.whoosh.numeric_range(self.arrays.searcher, field, low, high)
        if hits.every:
            return Match(self.arrays.live.copy(), np.zeros(self.size, np.float32))
        if hits.docs is not None:  # Whoosh's public API: its own query's documents
            mask = np.zeros(self.size, np.bool_)
            mask[hits.docs] = True
            return Match(mask, np.zeros(self.size, np.float32))
        return self._filter(field, hits.terms)

    def _dates(self, node: DateFilter) -> Match:
        start = None if node.start is None else epoch_minutes(node.start)
        end = None if node.end is None else epoch_minutes(node.end) - 1  # half-open
        return self._numbers("added", start, end)

    # --- text ---------------------------------------------------------------------

    def _term(self, term: Term) -> Match | None:
        fields = (term.field,) if term.field else TEXT_FIELDS
        if term.kind in ("prefix", "fuzzy"):
            return self._expanded(fields, lambda f: self._expansion(f, term))
        tokens = analyze_positions(term.text)
        if not tokens:
            return None
        words = [word for word, _ in tokens]
        combined = _combine([self._word(fields, word) for word in words], every=True)
        assert combined is not None
        mask, scores = combined.mask, combined.scores
        if term.kind == "phrase" and len(words) > 1:
            for pair in pairwise(words):
                ids, _ = self.arrays.postings(PAIR_FIELD, " ".join(pair))
                has_pair = np.zeros(self.size, np.bool_)
                has_pair[ids] = True
                mask &= has_pair
        return Match(mask, scores)

    def _bm25(
        self, field: str, term: str | bytes, scores: Scores, mask: Mask, weight: float = 1.0
    ) -> None:
        ids, freqs = self.arrays.postings(field, term)
        if not len(ids):
            return
        idf = math.log(1.0 + (self._docs - len(ids) + 0.5) / (len(ids) + 0.5))
        boost = FIELD_BOOSTS.get(field, 1.0) * weight
        scores[ids] += np.float32(boost * idf) * freqs * (K1 + 1) / (freqs + K1)
        mask[ids] = True

    def weighted_terms(self, field: str, terms: Iterable[tuple[str, float]]) -> Match:
        """Documents holding any of the terms, scored by BM25 times each term's weight."""
        mask = np.zeros(self.size, np.bool_)
        scores = np.zeros(self.size, np.float32)
        for term, weight in terms:
            self._bm25(field, term, scores, mask, weight)
        return Match(mask & self.arrays.live, scores)

    def _word(self, fields: tuple[str, ...], word: str) -> Match:
        mask = np.zeros(self.size, np.bool_)
        scores = np.zeros(self.size, np.float32)
        for field in fields:
            self._bm25(field, word, scores, mask)
        return Match(mask, scores)

    def _expanded(self, fields: tuple[str, ...], expand: Callable[[str], list[str]]) -> Match:
        mask = np.zeros(self.size, np.bool_)
        scores = np.zeros(self.size, np.float32)
        for field in fields:
            for term in expand(field):
                self._bm25(field, term, scores, mask)
        return Match(mask, scores)

    def _most_frequent(self, field: str, terms: Iterable[str]) -> list[str]:
        unique = set(terms)
        if len(unique) <= MAX_EXPANSIONS:
            return sorted(unique)
        frequency = self.reader.doc_frequency
        return sorted(unique, key=lambda t: -frequency(field, t))[:MAX_EXPANSIONS]

    def _expansion(self, field: str, term: Term) -> list[str]:
        key = (term.kind, field, term.text, term.max_edits)
        found = self.arrays.expansions.get(key)
        if found is None:
            found = (
                self._prefix_terms(field, term.text)
                if term.kind == "prefix"
                else self._fuzzy_terms(field, term)
            )
            self.arrays.expansions[key] = found
        return found

    def _prefix_terms(self, field: str, prefix: str) -> list[str]:
        starts = {prefix.lower()}
        stems = analyze_positions(prefix)
        if stems:
            starts.add(stems[0][0])
        found: list[str] = []
        for start in starts:
            for index, raw in enumerate(self.reader.expand_prefix(field, start)):
                if index >= PREFIX_SCAN:
                    break
                found.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        return self._most_frequent(field, found)

    def _fuzzy_terms(self, field: str, term: Term) -> list[str]:
        return self._most_frequent(field, near_terms(self.reader, field, term.text, term.max_edits))


def near_terms(reader: Any, field: str, word: str, max_edits: int) -> set[str]:
    """Index terms (stems) within ``max_edits`` of a possibly misspelt word.

    The index holds stems, and a typo is seldom stemmed like the word it misses
    ("segmentaton" keeps its ending, the index has "segment"): the typo's stem and its
    first letters, cut where a stem of the right word would end, are compared too.
    """
    typed = word.lower()
    stems = analyze_positions(typed)
    probes = {typed, stems[0][0] if stems else typed}
    if len(typed) >= MIN_CUT_WORD:
        probes.update(typed[:cut] for cut in range(len(typed) - 4, len(typed)) if cut >= 5)
    found: set[str] = set()
    for probe in probes:
        found.update(reader.terms_within(field, probe, max_edits, prefix=1))
    return found


def _combine(parts: list[Match | None], every: bool) -> Match | None:
    """AND (``every``) or OR of matches, scores added; stop-word-only parts are ignored."""
    found = [part for part in parts if part is not None]
    if not found:
        return None
    mask = found[0].mask.copy()
    scores = found[0].scores.copy()
    for part in found[1:]:
        if every:
            mask &= part.mask
        else:
            mask |= part.mask
        scores += part.scores
    return Match(mask, scores)


def _keys(
    match: Match, hits: Ids, order: Order | None, tie_break: Order | None
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """The hits' primary keys (``order``, else the score negated: best first) and their
    tie-break keys (``tie_break``, else the doc number, newer first)."""
    primary = -match.scores[hits] if order is None else order[hits]
    secondary = -hits if tie_break is None else tie_break[hits]
    return primary, secondary


def top(
    match: Match,
    offset: int,
    limit: int,
    order: Order | None = None,
    tie_break: Order | None = None,
) -> Ids:
    """Doc numbers of one page: by ascending ``order`` keys, else best scores first;
    equal keys by ascending ``tie_break`` keys (the order's tie-break, so a paper keeps
    its place among its equals whatever happens to their documents)."""
    hits = np.nonzero(match.mask)[0]
    wanted = min(offset + max(limit, 0), len(hits))
    if wanted <= offset:
        return hits[:0]
    primary, secondary = _keys(match, hits, order, tie_break)
    if wanted < len(hits):
        # Only the first ``wanted`` are sorted. The cut may fall among equal keys: which
        # of them make it is decided by the tie-break, so pages never overlap or skip.
        cut = np.partition(primary, wanted - 1)[wanted - 1]
        better = np.flatnonzero(primary < cut)
        tied = np.flatnonzero(primary == cut)
        tied = tied[np.argsort(secondary[tied], kind="stable")[: wanted - len(better)]]
        part = np.concatenate((better, tied))
        part = part[np.lexsort((secondary[part], primary[part]))]
    else:
        part = np.lexsort((secondary, primary))
    return hits[part[offset:wanted]]


def ordered(match: Match, order: Order | None = None, tie_break: Order | None = None) -> Ids:
    """Every hit's doc number in the order of :func:`top` (one lexsort of the hits)."""
    hits = np.nonzero(match.mask)[0]
    primary, secondary = _keys(match, hits, order, tie_break)
    return hits[np.lexsort((secondary, primary))]

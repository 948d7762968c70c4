"""Query evaluation over posting arrays: Whoosh stores the index, NumPy does the sums.

Whoosh scores a query posting by posting in Python (about 5 µs each): a common word
in a 100k library costs half a second. Here each term's postings are decoded once per
searcher, block by block, into NumPy arrays (doc numbers and term frequencies) and
kept while the searcher lives; a query is then a few vector operations over the whole
library: masks for matching, BM25 sums for ranking, a partial sort for the page. Phrases
need no positions: the pairs field holds every pair of adjacent words. The postings
themselves are kept by :mod:`readinglist.search.postings`.

A query's word is matched as the index analysed the papers' words
(readinglist.search.tokens): whole, or as its pieces side by side ("gpt-4" in
"GPT-4V"), which score less; and an acronym the library defines is searched with what
it stands for, both ways ("moe", "mixture of experts"), the user told of it.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

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
    beyond_index,
)
from readinglist.search.acronym_table import AcronymTable, Expansion
from readinglist.search.analysis import (
    TokenTerms,
    prefix_starts,
    query_tokens,
)
from readinglist.search.near import near_terms
from readinglist.search.postings import Ids as Ids
from readinglist.search.postings import Mask, Scores
from readinglist.search.postings import Order as Order
from readinglist.search.postings import PostingArrays as PostingArrays
from readinglist.search.postings import SegmentPostings as SegmentPostings
from readinglist.search.schema import FIELD_BOOSTS, PAIR_FIELD, epoch_minutes

K1 = 1.2
MAX_EXPANSIONS = 32  # prefix and fuzzy terms kept (the most frequent)
# A word found by its pieces ("yolov9" in "Scaled-YOLOv9") scores this much of what the
# pieces score: a paper naming the word whole ranks first.
PIECES_WEIGHT = 0.5
# An acronym's expansion ("moe" -> "mixture of experts"), or the other way round, scores
# this much of what it would as typed: the typed form first.
ACRONYM_WEIGHT = 0.8


@dataclass(frozen=True, slots=True)
class Match:
    mask: Mask
    scores: Scores


class Evaluator:
    """Turns the query language's tree into a match mask and BM25 scores."""

    def __init__(self, arrays: PostingArrays, acronyms: bool = True) -> None:
        self.arrays = arrays
        self.reader = arrays.reader
        self.size = arrays.size
        self._docs = max(arrays.live_count, 1)
        self._use_acronyms = acronyms
        self._negated = 0
        # What an acronym added to the query ("mixture of experts", "MoE"), for the user.
        self.also_searched: dict[str, None] = {}

    @property
    def _acronyms(self) -> AcronymTable | None:
        return self.arrays.acronyms if self._use_acronyms else None

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
        items = node.items
        runs = self._acronym_runs(items)
        parts: list[Match | None] = []
        index = 0
        while index < len(items):
            run = runs.get(index)
            if run is None:
                parts.append(self._node(items[index]))
                index += 1
            else:
                index, found = run
                parts.append(found)
        return _combine(parts, every=True)

    def _or(self, node: Or) -> Match | None:
        return _combine([self._node(item) for item in node.items], every=False)

    def _not(self, node: Not) -> Match | None:
        self._negated += 1
        try:
            inner = self._node(node.item)
        finally:
            self._negated -= 1
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
        if term.kind != "phrase" and beyond_index(term.text):
            # Not in the index, so in no paper (the query's notes say why); never
            # expanded: a fuzzy 130,000-letter word compared with every term took minutes.
            return Match(np.zeros(self.size, np.bool_), np.zeros(self.size, np.float32))
        if term.kind in ("prefix", "fuzzy"):
            return self._expanded(fields, lambda f: self._expansion(f, term))
        tokens = query_tokens(term.text)
        if not tokens:
            return None
        combined = _combine([self._token(fields, token) for token in tokens], every=True)
        assert combined is not None
        sequence = tuple(piece for token in tokens for piece in token.sequence)
        if term.kind == "phrase" and len(sequence) > 1:
            combined = Match(combined.mask & self._pairs(sequence), combined.scores)
        table = self._acronyms
        if table is None or not set(fields) <= set(TEXT_FIELDS):
            return combined
        others = _acronyms_of(table.acronyms(sequence))
        if len(tokens) == 1 and len(sequence) == 1:
            others += [(found.terms, found.words) for found in table.expansions(sequence[0])]
        return self._or_acronyms(combined, fields, others) if others else combined

    def _token(self, fields: tuple[str, ...], token: TokenTerms) -> Match:
        """A query's word: its whole form, or all its pieces side by side ("gpt-4" in
        "GPT-4V", "yolov4" in "Scaled-YOLOv4"), which score less."""
        whole = self._word(fields, token.terms[0])
        if len(token.sequence) < 2:
            return whole
        pieces = self._sequence(fields, token.sequence)
        return Match(
            whole.mask | pieces.mask,
            whole.scores + np.float32(PIECES_WEIGHT) * pieces.scores,
        )

    def _sequence(self, fields: tuple[str, ...], sequence: tuple[str, ...]) -> Match:
        """Papers holding the terms side by side (each adjacent pair); their BM25 sum."""
        combined = _combine([self._word(fields, piece) for piece in sequence], every=True)
        assert combined is not None
        mask = combined.mask & self._pairs(sequence)
        return Match(mask, np.where(mask, combined.scores, np.float32(0)))

    def _pairs(self, sequence: tuple[str, ...]) -> Mask:
        mask = np.ones(self.size, np.bool_)
        for pair in pairwise(sequence):
            mask &= self.arrays.mask_of(PAIR_FIELD, [" ".join(pair)])
        return mask

    # --- acronyms -----------------------------------------------------------------

    def _acronym_runs(self, items: tuple[Node, ...]) -> dict[int, tuple[int, Match | None]]:
        """Runs of plain words that spell out an acronym ("large language models"),
        by first item: (the item after the run, the run's papers and the acronym's)."""
        table = self._acronyms
        if table is None or not table.longest:
            return {}
        runs: dict[int, tuple[int, Match | None]] = {}
        index = 0
        while index < len(items):
            end = min(len(items), index + table.longest)
            while end > index + 1:
                words = items[index:end]
                fields = _plain_words(words)
                sequence = tuple(
                    piece
                    for word in words
                    if isinstance(word, Term)
                    for token in query_tokens(word.text)
                    for piece in token.sequence
                )
                others = _acronyms_of(table.acronyms(sequence)) if fields else []
                if fields and others:
                    typed = _combine([self._node(word) for word in words], every=True)
                    runs[index] = (end, self._or_acronyms(typed, fields, others))
                    break
                end -= 1
            index = end if index in runs else index + 1
        return runs

    def _or_acronyms(
        self,
        typed: Match | None,
        fields: tuple[str, ...],
        others: list[tuple[tuple[str, ...], str]],
    ) -> Match | None:
        """The papers ``typed`` finds, and those using the other form of an acronym:
        ``others`` holds each other form's terms and how the user is told of it."""
        if typed is None:
            return None
        mask, scores = typed.mask.copy(), typed.scores.copy()
        for terms, shown in others:
            found = self._sequence(fields, terms)
            added = found.mask & ~mask & self.arrays.live
            mask |= found.mask
            scores += np.float32(ACRONYM_WEIGHT) * found.scores
            if self._negated == 0 and added.any():
                self.also_searched[shown] = None
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
        """The most frequent terms starting as the prefix would (every one of them
        counted, in every segment: each segment's run is read in one piece)."""
        frequency: Counter[str] = Counter()
        for start in prefix_starts(prefix):
            for run in self.arrays.term_runs(field, start):
                for text, count in zip(run.texts(), run.doc_frequencies.tolist(), strict=True):
                    frequency[text] += count
        return most_frequent(frequency)

    def _fuzzy_terms(self, field: str, term: Term) -> list[str]:
        return most_frequent(near_terms(self.arrays, field, term.text, term.max_edits))


def most_frequent(frequency: Counter[str]) -> list[str]:
    """The MAX_EXPANSIONS terms of most documents (ties: in text order), in text order
    if all are kept, else most frequent first."""
    limit = MAX_EXPANSIONS
    if len(frequency) <= limit:
        return sorted(frequency)
    ranked = heapq.nsmallest(limit, frequency.items(), key=lambda item: (-item[1], item[0]))
    return [text for text, _count in ranked]


def _plain_words(items: tuple[Node, ...]) -> tuple[str, ...] | None:
    """The fields of a run of plain words of one text field (or of all), else None."""
    fields = {item.field for item in items if isinstance(item, Term) and item.kind == "word"}
    if len(fields) != 1 or not all(
        isinstance(item, Term) and item.kind == "word" for item in items
    ):
        return None
    (field,) = fields
    if field is None:
        return TEXT_FIELDS
    return (field,) if field in TEXT_FIELDS else None


def _acronyms_of(expansions: list[Expansion]) -> list[tuple[tuple[str, ...], str]]:
    """The acronyms of expansions as other forms to search: (terms, as shown)."""
    return [((found.acronym,), found.acronym_shown) for found in expansions]


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

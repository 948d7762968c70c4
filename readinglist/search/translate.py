"""The query language's syntax tree, as Whoosh queries.

Designed for latency: stop words are dropped, a prefix expands to its most frequent
terms only (prefixes drive the latency tail), and a query of filters only never scores.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.reading import IndexReader

from readinglist.core.query import (
    TEXT_FIELDS,
    And,
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
from readinglist.search.schema import ANALYZER, epoch_minutes

MAX_PREFIX_TERMS = 24
PREFIX_SCAN = 400


def analyze(text: str) -> list[str]:
    """The index terms of a piece of text (stemmed, stop words dropped)."""
    return [token.text for token in ANALYZER(text)]


def _with_positions(text: str) -> list[tuple[str, int]]:
    return [(token.text, token.pos) for token in ANALYZER(text, positions=True)]


class Translator:
    """Builds Whoosh queries against one reader (prefixes are expanded from its lexicon)."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader

    def translate(self, node: Node | None) -> wq.Query:
        if node is None:
            return wq.Every()
        built = self._node(node)
        return wq.Every() if built is None else built  # only stop words: like no words

    def _node(self, node: Node) -> wq.Query | None:
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, TagFilter):
            return wq.Term("tags", node.name)
        if isinstance(node, StatusFilter):
            return wq.Term("status", node.status.value)
        if isinstance(node, HasFilter):
            return wq.Term("has", node.what)
        if isinstance(node, NumberFilter):
            return wq.NumericRange(node.field, node.low, node.high)
        if isinstance(node, DateFilter):
            start = None if node.start is None else epoch_minutes(node.start)
            end = None if node.end is None else epoch_minutes(node.end) - 1  # half-open
            return wq.NumericRange("added", start, end)
        if isinstance(node, Not):
            inner = self._node(node.item)
            return None if inner is None else wq.And([wq.Every(), wq.Not(inner)])
        if isinstance(node, And):
            parts = [q for q in (self._node(item) for item in node.items) if q is not None]
            positives = [q for q in parts if not _is_negation(q)]
            negatives = [q.subqueries[1] for q in parts if _is_negation(q)]
            if not parts:
                return None
            if not positives:
                positives = [wq.Every()]
            combined = positives + negatives  # Not nodes: And excludes them
            return combined[0] if len(combined) == 1 else wq.And(combined)
        if isinstance(node, Or):
            parts = [q for q in (self._node(item) for item in node.items) if q is not None]
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else wq.Or(parts)
        raise TypeError(f"unknown query node {node!r}")

    def _term(self, term: Term) -> wq.Query | None:
        fields = (term.field,) if term.field else TEXT_FIELDS
        per_field = [q for q in (self._term_in(field, term) for field in fields) if q is not None]
        if not per_field:
            return None
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    def _term_in(self, field: str, term: Term) -> wq.Query | None:
        if term.kind == "prefix":
            return self._prefix(field, term.text)
        if term.kind == "fuzzy":
            words = analyze(term.text) or [term.text.lower()]
            max_edits = getattr(term, "max_edits", 1)
            return wq.FuzzyTerm(field, words[0], maxdist=max_edits, prefixlength=1)
        tokens = _with_positions(term.text)
        if not tokens:
            return None  # only stop words
        if len(tokens) == 1:
            return wq.Term(field, tokens[0][0])
        words = [word for word, _ in tokens]
        gaps = tokens[-1][1] - tokens[0][1] - (len(tokens) - 1)
        if term.kind == "phrase":
            return wq.Phrase(field, words, slop=1 + gaps)
        return wq.And([wq.Term(field, word) for word in words])  # "3d-consistent"

    def _prefix(self, field: str, prefix: str) -> wq.Query | None:
        """The most frequent index terms starting with the prefix (or its stem)."""
        stems = analyze(prefix)
        starts = {prefix.lower(), *(stems[:1])}
        candidates: list[str] = []
        for start in starts:
            for index, raw in enumerate(self.reader.expand_prefix(field, start)):
                if index >= PREFIX_SCAN:
                    break
                candidates.append(raw.decode() if isinstance(raw, bytes) else raw)
        if not candidates:
            return wq.NullQuery
        unique = sorted(set(candidates))
        if len(unique) > MAX_PREFIX_TERMS:
            unique = sorted(unique, key=lambda t: -self.reader.doc_frequency(field, t))
            unique = unique[:MAX_PREFIX_TERMS]
        terms = [wq.Term(field, text) for text in unique]
        return terms[0] if len(terms) == 1 else wq.Or(terms)


def _is_negation(q: wq.Query) -> bool:
    return (
        isinstance(q, wq.And)
        and len(q.subqueries) == 2
        and isinstance(q.subqueries[0], wq.Every)
        and isinstance(q.subqueries[1], wq.Not)
    )

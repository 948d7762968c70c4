"""Questions about words the index answers for "did you mean" and for highlighting.

Each answer holds as long as the searcher does (one index generation: a write opens a
new searcher), so it is kept with the searcher's posting arrays (``PostingArrays.memo``):
typing and paging repeat the same questions, and a correction costs 30-180 ms on a
100k library (Whoosh's Levenshtein automaton over two fields' terms).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from whoosh import classify
from whoosh import query as wq

from readinglist.core.normalize import edit_distance
from readinglist.core.query import TEXT_FIELDS
from readinglist.search.analysis import (
    WORD,
    analyse_token,
    catenated,
    prefix_starts,
    query_tokens,
)
from readinglist.search.engine import Evaluator, PostingArrays
from readinglist.search.near import near_probes, terms_near

T = TypeVar("T")

CORRECTION_FIELDS = ("abstract", "title")
# A correction is a word: no single letters, numbers or pieces of names ("d" for "dcn").
MIN_CORRECTION = 3
KEY_TERMS_FIELD = "abstract"


def _memo(arrays: PostingArrays, key: tuple[str, ...], compute: Callable[[], T]) -> T:
    found = arrays.memo.get(key)
    if found is None:
        found = arrays.memo[key] = compute()
    return found


def remembered(
    arrays: PostingArrays, key: tuple[str, ...], compute: Callable[[], str | None]
) -> str | None:
    """An answer of the caller's (a whole "did you mean"), kept with the searcher."""
    memo = arrays.memo
    full = ("caller", *key)
    if full not in memo:
        memo[full] = compute()
    found: str | None = memo[full]
    return found


def term_in_index(arrays: PostingArrays, word: str) -> bool:
    """Whether any paper's text holds the word (its whole form's term)."""

    def compute() -> bool:
        whole = analyse_token(word).whole
        reader = arrays.reader
        return whole is not None and any(
            reader.doc_frequency(field, whole) > 0 for field in TEXT_FIELDS
        )

    return _memo(arrays, ("in", word), compute)


def completes(arrays: PostingArrays, prefix: str) -> bool:
    """Whether some index term starts as a word starting with ``prefix`` would."""

    def compute() -> bool:
        reader = arrays.reader
        return any(
            next(iter(reader.expand_prefix(field, start)), None) is not None
            for start in prefix_starts(prefix)
            for field in TEXT_FIELDS
        )

    return _memo(arrays, ("completes", prefix), compute)


def corrections(arrays: PostingArrays, word: str, limit: int = 3) -> list[str]:
    """Index terms (stems) close to a misspelt word (two edits at most), the fewest
    edits first, then the most frequent."""

    def compute() -> list[str]:
        whole = analyse_token(word).whole or catenated(word)
        typed = catenated(word)
        frequency: Counter[str] = Counter()
        probes = near_probes(word)
        # Terms sharing two first letters first (a few thousand of them: milliseconds
        # where a first letter's are tens of thousands, seconds at 400k terms), the
        # first letters swapped as well; then the first letter's, if none was near.
        swapped = {p[1] + p[0] + p[2:] for p in probes if len(p) >= MIN_CORRECTION}
        swapped.update(p[0] + p[2] + p[1] + p[3:] for p in probes if len(p) >= MIN_CORRECTION)
        for prefix, tried in ((2, probes | swapped), (1, probes)):
            for field in CORRECTION_FIELDS:
                near = terms_near(arrays, field, tried, 2, prefix)
                for candidate, count in near.items():
                    if len(candidate) >= MIN_CORRECTION and candidate.isalpha():
                        frequency[candidate] += count
            if frequency:
                break

        def distance(term: str) -> int:
            return min(edit_distance(whole, term), edit_distance(typed[: len(term)], term))

        # Fewest edits first, then the commonest: "splate" -> "splat" before "state".
        ranked = sorted(frequency, key=lambda term: (distance(term), -frequency[term]))
        return ranked[:limit]

    return list(_memo(arrays, ("corrections", word, str(limit)), compute))


def papers_with_term(arrays: PostingArrays, term: str, limit: int = 5) -> list[int]:
    """Ids of papers whose title or abstract holds an index term (a stem, as is)."""

    def compute() -> list[int]:
        paper_ids = arrays.paper_ids
        if paper_ids is None:  # no search has read the ids yet: Whoosh's own ranking
            built = wq.Or([wq.Term(field, term) for field in CORRECTION_FIELDS])
            results = arrays.searcher.search(built, limit=limit, terms=False)
            return [int(hit["id"]) for hit in results]
        # From the posting arrays: Whoosh would score every posting in Python (0.1 s
        # for a common stem at 100k papers). The papers using the term most, then the
        # first indexed.
        counts = np.zeros(arrays.size, np.float32)
        for field in CORRECTION_FIELDS:
            docs, frequencies = arrays.postings(field, term)
            np.add.at(counts, docs, frequencies)
        counts[~arrays.live] = 0
        holding = np.flatnonzero(counts)
        chosen = holding[np.lexsort((holding, -counts[holding]))[:limit]]
        return [int(paper_ids[doc]) for doc in chosen]

    return list(_memo(arrays, ("papers", term, str(limit)), compute))


def highlight_words(arrays: PostingArrays, words: Sequence[str]) -> tuple[str, ...]:
    """The query's words, and the other form of any acronym among them (the search
    found those papers by it too): "moe" adds "mixture of experts", and "large
    language models" adds "LLM". Only with the acronyms a search has read already:
    the searcher may have been replaced (and closed) since."""

    def compute() -> tuple[str, ...]:
        table = arrays.acronyms_read
        found = dict.fromkeys(words)
        if table is None or not len(table):
            return tuple(found)
        sequences = [
            tuple(piece for token in query_tokens(word) for piece in token.sequence)
            for word in words
        ]
        everything = tuple(piece for sequence in sequences for piece in sequence)
        for sequence in [*sequences, everything]:
            found.update(dict.fromkeys(e.acronym_shown for e in table.acronyms(sequence)))
            if len(sequence) == 1:
                found.update(dict.fromkeys(e.words for e in table.expansions(sequence[0])))
        return tuple(found)

    return _memo(arrays, ("highlight", *words), compute)


def key_terms(arrays: PostingArrays, text: str, count: int = 12) -> list[tuple[str, float]]:
    """The terms that tell ``text`` apart from the library's abstracts (Whoosh's Bo1
    model), weighted. Words count by their pieces only, as written in sequence: a
    name's whole form and camel humps ("geotexdensifi", "tex") would crowd out the
    words two papers share; single letters and numbers tell nothing."""
    searcher = arrays.searcher
    if not text.strip() or searcher.doc_count() == 0:
        return []
    counts = Counter(
        piece
        for match in WORD.finditer(text)
        for piece in analyse_token(match.group()).sequence
        if len(piece) > 1 and not piece.replace(".", "").isdigit()
    )
    expander = classify.Expander(arrays.reader, KEY_TERMS_FIELD)
    expander.add((piece, float(frequency)) for piece, frequency in counts.items())
    return [(str(term), float(weight)) for term, weight in expander.expanded_terms(count)]


def also_searched(evaluator: Evaluator) -> str | None:
    """What a search found through an acronym's other form, for the user."""
    if not evaluator.also_searched:
        return None
    return "also searched: " + ", ".join(evaluator.also_searched)

"""Index terms near a possibly misspelt word: fuzzy terms (``word~``) and "did you mean".

Candidates are the terms sharing the word's first letters, each segment's read in one
piece (:meth:`readinglist.search.postings.PostingArrays.term_runs`). Most are ruled
out at once with NumPy, by two bounds no edit can beat: the length (an edit changes it
by one at most) and the letters (an edit adds or removes one letter of the word's
count at most, a transposition none). Only the few terms left are decoded and
compared letter by letter (Damerau-Levenshtein). Comparing every term of a first
letter in Python, through Whoosh's term infos, cost 0.1-0.3 s a typo at 100k papers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from readinglist.core.query import beyond_index
from readinglist.search.analysis import analyse_token, catenated
from readinglist.search.whoosh_private.terms import TermRun

MIN_CUT_WORD = 8  # words this long may be typos of a longer word's stem

# Each UTF-8 byte's letter bin: a-z, 0-9 their own, a character's continuation bytes
# none (-1: a character counts once), every other character one shared bin. Sharing a
# bin only weakens the bound, never breaks it.
_OTHER = 36
_BINS = _OTHER + 1
_BIN_OF = np.full(256, _OTHER, np.int64)
_BIN_OF[ord("a") : ord("z") + 1] = np.arange(26)
_BIN_OF[ord("0") : ord("9") + 1] = np.arange(26, 36)
_BIN_OF[0x80:0xC0] = -1


class TermSource(Protocol):
    """What :func:`terms_near` reads: each segment's terms of a prefix (PostingArrays)."""

    def term_runs(self, field: str, prefix: str) -> list[TermRun]: ...


def near_terms(
    arrays: TermSource, field: str, word: str, max_edits: int, prefix: int = 1
) -> Counter[str]:
    """Index terms (stems) within ``max_edits`` of a possibly misspelt word, sharing its
    first ``prefix`` letters, with their document frequencies.

    The index holds stems, and a typo is seldom stemmed like the word it misses
    ("segmentaton" keeps its ending, the index has "segment"): the typo's stem and its
    first letters, cut where a stem of the right word would end, are compared too.
    """
    return terms_near(arrays, field, near_probes(word), max_edits, prefix)


def near_probes(word: str) -> set[str]:
    """What a possibly misspelt word is compared with the index's terms as (see
    :func:`near_terms`); none for a word beyond the index."""
    if beyond_index(word):
        return set()  # in no paper; and the comparisons grow with the word
    typed = catenated(word)
    whole = analyse_token(typed).whole
    probes = {typed, whole or typed}
    if len(typed) >= MIN_CUT_WORD:
        probes.update(typed[:cut] for cut in range(len(typed) - 4, len(typed)) if cut >= 5)
    return probes


def terms_near(
    arrays: TermSource, field: str, probes: Iterable[str], max_edits: int, prefix: int
) -> Counter[str]:
    """Terms within ``max_edits`` (Damerau-Levenshtein) of any probe that share its
    first ``prefix`` letters, with their document frequencies (summed over segments):
    Whoosh's ``terms_within``, with one read of the terms of each start for all the
    probes that share it, and the bounds checked for all of them at once."""
    by_start: dict[str, list[str]] = {}
    for probe in probes:
        if len(probe) >= prefix:
            by_start.setdefault(probe[:prefix], []).append(probe)
    found: Counter[str] = Counter()
    for start, group in by_start.items():
        for run in arrays.term_runs(field, start):
            chosen = _within_bounds(run, group, max_edits)
            if not len(chosen):
                continue
            texts = run.texts(chosen)
            letters = _code_points(texts)
            near = np.zeros(len(texts), np.bool_)
            for probe in group:
                near |= distances(probe, letters) <= max_edits
            counts = run.doc_frequencies[chosen].tolist()
            for place in np.flatnonzero(near).tolist():
                found[texts[place]] += counts[place]
    return found


@dataclass(frozen=True)
class Letters:
    """Words as code points, one column a word (a row: each word's n-th letter), padded
    with -1 (no letter)."""

    points: npt.NDArray[np.int32]
    lengths: npt.NDArray[np.int64]


def _code_points(words: list[str]) -> Letters:
    lengths = np.array([len(word) for word in words], np.int64)
    flat = np.frombuffer("".join(words).encode("utf-32-le"), "<u4").astype(np.int32)
    width = int(lengths.max(initial=0))
    points = np.full((width, len(words)), -1, np.int32)
    places = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    points[places, np.repeat(np.arange(len(words)), lengths)] = flat
    return Letters(points, lengths)


def distances(word: str, others: Letters) -> npt.NDArray[np.int16]:
    """The edit distance from ``word`` to each of ``others``, all at once: Whoosh's
    ``damerau_levenshtein`` (optimal string alignment: an insertion, deletion,
    substitution or swap of two adjacent letters costs one; no letter is edited twice).

    The table is filled a row (a letter of ``word``) at a time, for every word at
    once; a row's insertions (each cell at most its left neighbour plus one) are a
    running minimum of the cells less their column, plus their column."""
    points = others.points
    width, count = points.shape
    columns = np.arange(width + 1, dtype=np.int16)[:, None]  # words are short (MAX_WORD)
    above = np.repeat(columns, count, axis=1)
    two_above = above
    wanted = [ord(char) for char in word]
    for row, char in enumerate(wanted, start=1):
        differ = points != char
        cells = np.empty_like(above)
        cells[0] = row
        np.minimum(above[1:] + 1, above[:-1] + differ, out=cells[1:])
        if row > 1 and width > 1:
            swapped = (points[:-1] == char) & (points[1:] == wanted[row - 2]) & differ[1:]
            np.minimum(cells[2:], np.where(swapped, two_above[:-2] + 1, cells[2:]), out=cells[2:])
        cells = np.minimum.accumulate(cells - columns, axis=0) + columns
        two_above, above = above, cells
    found: npt.NDArray[np.int16] = above[others.lengths, np.arange(count)]
    return found


def _within_bounds(run: TermRun, probes: list[str], max_edits: int) -> npt.NDArray[np.int64]:
    """The places of the run's terms that some probe's length and letters do not rule
    out: an edit changes the length by one at most, and the letters too (it adds one,
    removes one, or both: a count of letters apart ``max(extra, missing)`` falls by one
    at most; a transposition changes neither)."""
    lengths = run.lengths()
    low = min(len(probe) for probe in probes) - max_edits
    high = max(len(probe) for probe in probes) + max_edits
    places = np.flatnonzero((lengths >= low) & (lengths <= high))
    if not len(places):
        return places
    bags = _letter_counts(run, places)
    keep = np.zeros(len(places), np.bool_)
    for probe in probes:
        wanted = _letter_counts(_run_of_one(probe), np.zeros(1, np.int64))[0]
        apart = np.maximum(
            np.maximum(bags - wanted, 0).sum(axis=1), np.maximum(wanted - bags, 0).sum(axis=1)
        )
        keep |= (np.abs(lengths[places] - len(probe)) <= max_edits) & (apart <= max_edits)
    return places[keep]


def _run_of_one(text: str) -> TermRun:
    data = text.encode("utf-8")
    size = np.array([len(data)], np.int64)
    return TermRun(data, np.zeros(1, np.int64), size, np.zeros(1, np.int64))


def _letter_counts(run: TermRun, places: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """How many of each letter bin the terms at ``places`` hold: one row a term."""
    starts, sizes = run.starts[places], run.sizes[places]
    total = int(sizes.sum())
    rows = np.repeat(np.arange(len(places)), sizes)
    offsets = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    raw = np.frombuffer(run.data, np.uint8)
    bins = _BIN_OF[raw[np.repeat(starts, sizes) + offsets]]
    counted = bins >= 0
    cells = rows[counted] * _BINS + bins[counted]
    return np.bincount(cells, minlength=len(places) * _BINS).reshape(len(places), _BINS)

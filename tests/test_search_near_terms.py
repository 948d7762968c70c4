"""The terms near a misspelt word, found in one pass per start (issue 16, item 5).

``terms_near`` replaces Whoosh's ``terms_within`` (one Python distance per term of a
first letter, per probe: seconds at 400k terms); it must find exactly what a
Damerau-Levenshtein distance over every term finds, and its cheap letter-count bound
must never exceed the distance.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from whoosh.support.levenshtein import damerau_levenshtein

from readinglist.app_context import open_library
from readinglist.core.models import ParsedPaper, ParseResult
from readinglist.search import lookups
from readinglist.search.engine import _letters_apart, near_probes, terms_near
from tests.helpers import copy_library


class SortedTerms:
    """A reader's ``expand_prefix`` over a sorted vocabulary (bytes, like Whoosh)."""

    def __init__(self, words: set[str]) -> None:
        self.words = sorted(words)

    def expand_prefix(self, field: str, prefix: str) -> Iterator[bytes]:
        return (w.encode() for w in self.words if w.startswith(prefix))


def _vocabulary(rng: random.Random, size: int) -> set[str]:
    letters = "aeinorst"  # few letters: many words within two edits of each other
    return {"".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(size)}


def test_terms_near_finds_what_the_distance_over_every_term_finds() -> None:
    rng = random.Random(5)
    words = _vocabulary(rng, 3000)
    reader = SortedTerms(words)
    for _ in range(60):
        probes = {rng.choice(sorted(words)) for _ in range(rng.randint(1, 3))}
        probes.add("".join(rng.choice("aeinorst") for _ in range(rng.randint(3, 8))))
        for edits in (1, 2):
            for prefix in (1, 2):
                expected = {
                    w
                    for w in words
                    for p in probes
                    if w[:prefix] == p[:prefix] and len(p) >= prefix
                    if damerau_levenshtein(w, p) <= edits
                }
                assert terms_near(reader, "abstract", probes, edits, prefix) == expected


def test_the_letter_bound_never_exceeds_the_distance() -> None:
    rng = random.Random(9)
    words = sorted(_vocabulary(rng, 400))
    for _ in range(3000):
        a, b = rng.choice(words), rng.choice(words)
        distance = damerau_levenshtein(a, b)
        bound = _letters_apart(a, Counter(b), 2)
        assert bound <= distance or (distance > 2 and bound > 2), (a, b)


def test_probes_cut_a_long_typo_where_a_stem_would_end() -> None:
    assert {"segmentaton", "segment", "segmenta"} <= near_probes("segmentaton")
    assert near_probes("x" * 80) == set()  # beyond the index


def test_a_typo_is_corrected_and_its_papers_found_by_the_posting_arrays(
    tmp_path: Path, empty_library_template: Path
) -> None:
    folder = copy_library(empty_library_template, tmp_path / "library")
    papers = [ParsedPaper(f"Segmentation study {n}", "Image segmentation.", n) for n in range(30)]
    papers += [
        ParsedPaper(f"Sgementation art {n}", "A sgementation of pieces.", 40 + n) for n in range(2)
    ]
    with open_library(folder) as opened:
        opened.library.import_parsed(ParseResult(tuple(papers)), "t.txt", b"t")
        found = opened.library.search("segmentaton", limit=5)
        assert found.total == 0 and found.suggestion == "segmentation"
        # A swapped second and third letter is found among the two-letter starts.
        assert opened.library.search("sgementaton", limit=5).suggestion is not None
        arrays = opened.index._arrays()
        ids = lookups.papers_with_term(arrays, "segment", limit=20)
        assert len(ids) == 20 and len(set(ids)) == 20
        titles = {p.id: p.title for p in opened.library.papers()}
        assert all(titles[i].startswith("Segmentation") for i in ids)

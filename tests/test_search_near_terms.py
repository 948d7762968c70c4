"""The terms near a misspelt word, found in one pass per start (issue 16, item 5).

``terms_near`` replaces Whoosh's ``terms_within`` (one Python distance per term of a
first letter, per probe: seconds at 400k terms); it must find exactly what a
Damerau-Levenshtein distance over every term finds, and its cheap length and letter-count
bounds must never rule out a term within the distance.
"""

from __future__ import annotations

import random
from pathlib import Path

from whoosh.support.levenshtein import damerau_levenshtein

from readinglist.app_context import open_library
from readinglist.core.models import ParsedPaper, ParseResult
from readinglist.search import lookups
from readinglist.search.near import _within_bounds, near_probes, terms_near
from readinglist.search.whoosh_private.terms import TermRun, run_of
from tests.helpers import copy_library


class SortedTerms:
    """``term_runs`` over a sorted vocabulary split into segments, as the posting arrays
    read them: each segment's terms of a prefix with their document frequencies."""

    def __init__(self, words: set[str], segments: int = 2) -> None:
        ordered = sorted(words)
        self.segments = [ordered[part::segments] for part in range(segments)]

    def term_runs(self, field: str, prefix: str) -> list[TermRun]:
        return [
            run_of([(w.encode(), len(w)) for w in words if w.startswith(prefix)])
            for words in self.segments
        ]


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
                found = terms_near(reader, "abstract", probes, edits, prefix)
                assert set(found) == expected
                assert all(count == len(term) for term, count in found.items())


def test_the_length_and_letter_bounds_never_rule_out_a_near_term() -> None:
    rng = random.Random(9)
    words = sorted(_vocabulary(rng, 400) | {"caf\u00e9", "cafe", "f\u00e7ade", "yolov9", "yolo9v"})
    run = run_of([(w.encode(), 1) for w in sorted(words, key=str.encode)])
    texts = run.texts()
    for _ in range(300):
        probe = rng.choice(words)
        for edits in (1, 2):
            kept = set(run.texts(_within_bounds(run, [probe], edits)))
            near = {w for w in texts if damerau_levenshtein(w, probe) <= edits}
            assert near <= kept, (probe, near - kept)
    # And they do rule terms out: most of a vocabulary is far from one word.
    assert len(_within_bounds(run, ["rose"], 1)) < len(texts) // 4


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


def test_the_spellings_of_several_stems_read_at_once_are_each_ones_alone(
    tmp_path: Path, digest_library_template: Path
) -> None:
    """ "Did you mean" reads the papers of all its candidate stems at once: each stem's
    spellings, and their order (which breaks ties), are what reading its own give."""
    from readinglist.core import suggestions

    folder = copy_library(digest_library_template, tmp_path / "library")
    with open_library(folder) as opened:
        store, index = opened.store, opened.index
        stems = index.corrections("segmentaton") + index.corrections("gausian")
        stems += ["model", "diffus", "transform"]
        together = suggestions._spellings(store, index, stems)
        alone = [suggestions._spellings(store, index, [stem])[0] for stem in stems]
        assert [list(c.items()) for c in together] == [list(c.items()) for c in alone]
        assert all(together) and len(together) == len(stems) >= 5
        assert opened.library.search("gausian splatting", limit=5).suggestion == (
            "gaussian splatting"
        )


def test_a_stem_starts_as_its_word_spelt_the_american_way() -> None:
    """ "Did you mean" stems only the words that may stem to a candidate: those whose
    American spelling starts with the candidate's letter. Porter2 (and the plural of
    an acronym dropped) keep a word's first letter, over a library's words and the
    stemmer's exceptions."""
    from readinglist.core.digest_parser import parse_digest
    from readinglist.core.spelling import american
    from readinglist.search.analysis import stem
    from tests.helpers import shared_digest_path

    text = shared_digest_path().read_text(encoding="utf-8")
    words = {w for p in parse_digest(text).papers for w in _words_of(p.title, p.abstract)}
    words |= {"skies", "dying", "lying", "idly", "ugly", "only", "yellow", "youth", "llms"}
    words |= {"oestrogen", "aesthetic", "anaesthesia", "colour", "centre", "optimise"}
    assert len(words) > 2000
    for word in words:
        assert stem(word)[:1] == american(word)[:1], word


def _words_of(*texts: str) -> list[str]:
    import re

    return re.findall(r"[^\W\d_]+", " ".join(texts).lower())

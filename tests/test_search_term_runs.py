"""A prefix's terms read from the terms table in one piece (issue 16, item 5).

Prefix expansion, fuzzy terms, "did you mean" and the acronym table read each
segment's terms of a prefix at once (``WhooshAccess.prefix_terms``) instead of walking
Whoosh's term infos: the run must hold exactly the terms and document frequencies
Whoosh walks, whatever the segments, and a prefix must expand to the most frequent of
all its terms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.models import ParsedPaper, ParseResult
from readinglist.search import bulk_writer, engine
from readinglist.search.engine import Evaluator
from readinglist.search.whoosh_private import INTERNALS, PUBLIC
from readinglist.search.whoosh_private.terms import run_of
from tests.helpers import copy_library

# "abz..." sorts after every other "ab" word but is in the most papers.
RARE = [f"ab{chr(97 + n // 26)}{chr(97 + n % 26)}rare" for n in range(40)]


def _papers() -> list[ParsedPaper]:
    papers = [
        ParsedPaper(
            f"Study {n} of {RARE[n % len(RARE)]}",
            f"On {RARE[n % 7]} and more." + " more" * (n % 3),  # weights 1, 2 or 3
            n,
        )
        for n in range(60)
    ]
    papers += [
        ParsedPaper(
            f"Abzfrequent work {n}", "Abzfrequent naïve café façade models models.", 100 + n
        )
        for n in range(30)
    ]
    return papers


@pytest.fixture(scope="module")
def library(
    tmp_path_factory: pytest.TempPathFactory, empty_library_template: Path
) -> Iterator[OpenLibrary]:
    folder = copy_library(empty_library_template, tmp_path_factory.mktemp("runs") / "library")
    with open_library(folder) as opened:
        opened.library.import_parsed(ParseResult(tuple(_papers())), "t.txt", b"t")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(bulk_writer, "SEGMENT_DOCS", 25)
            opened.library.indexing.rebuild()
        yield opened


def _walked(leaf: object, field: str, prefix: bytes) -> list[tuple[str, int]]:
    """What Whoosh's own walk of the prefix's term infos finds."""
    if field not in leaf.schema:  # type: ignore[attr-defined]
        return []
    return [
        (text.decode("utf-8"), int(info.doc_frequency()))
        for text, info in leaf.iter_prefix(field, prefix)  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize("field", ["title", "abstract", "acronyms", "pairs", "tags"])
@pytest.mark.parametrize("prefix", ["", "a", "ab", "abz", "na", "caf", "zzz", "\u00e9"])
def test_a_prefix_run_holds_what_whoosh_walks(library: OpenLibrary, field: str, prefix: str):
    leaves = [leaf for leaf, _ in library.index.searcher().reader().leaf_readers()]
    assert len(leaves) >= 4
    start = prefix.encode("utf-8")
    for leaf in leaves:
        expected = _walked(leaf, field, start)
        for access in (INTERNALS, PUBLIC):
            run = access.prefix_terms(leaf, field, start)
            texts = run.texts()
            assert list(zip(texts, run.doc_frequencies.tolist(), strict=True)) == expected
            assert run.lengths().tolist() == [len(text) for text in texts]


def test_the_lengths_count_characters_not_bytes(library: OpenLibrary):
    arrays = library.index._arrays()
    runs = arrays.term_runs("abstract", "caf")
    texts = [text for run in runs for text in run.texts()]
    assert "café" in texts
    assert [n for run in runs for n in run.lengths().tolist()] == [len(t) for t in texts]


def test_a_prefix_expands_to_its_most_frequent_terms_of_every_segment(
    library: OpenLibrary, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(engine, "MAX_EXPANSIONS", 5)
    arrays = library.index._arrays()
    reader = arrays.reader
    frequency = Counter(
        {
            text.decode(): reader.doc_frequency("title", text)
            for text in reader.expand_prefix("title", "ab")
        }
    )
    expected = [t for t, _ in sorted(frequency.items(), key=lambda i: (-i[1], i[0]))[:5]]
    expanded = Evaluator(arrays)._prefix_terms("title", "ab")
    assert expanded == expected
    assert expanded[0] == "abzfrequ"  # last in text order, first in papers (a stem)
    found = library.library.search("title:ab*", limit=200)
    assert {p.paper.title for p in found.results} >= {f"Abzfrequent work {n}" for n in range(30)}


def test_a_typo_is_corrected_from_the_runs_of_several_segments(library: OpenLibrary):
    found = library.library.search("abzfrequnt", limit=5)
    assert found.total == 0
    assert found.suggestion == "abzfrequent"
    assert library.library.search("abzfrequnt~", limit=50).total == 30


@pytest.mark.parametrize("field", ["title", "abstract", "pairs", "tags"])
def test_blocks_decode_to_the_postings_whoosh_reads(library: OpenLibrary, field: str):
    """Document numbers from summed deltas and weights expanded from their minified
    forms (none, one number, one each) are what Whoosh's matcher yields one by one."""
    leaves = [leaf for leaf, _ in library.index.searcher().reader().leaf_readers()]
    seen: set[float] = set()
    for leaf in leaves:
        run = INTERNALS.prefix_terms(leaf, field, b"")
        for text in run.texts():
            ids, weights = INTERNALS.term_postings(leaf, field, text.encode())
            public_ids, public_weights = PUBLIC.term_postings(leaf, field, text.encode())
            live = ~np.isin(ids, INTERNALS.deleted(leaf))
            assert ids[live].tolist() == public_ids.tolist()
            assert weights[live].tolist() == public_weights.tolist()
            seen.update(weights.tolist())
    assert field != "abstract" or {1.0, 2.0, 3.0} <= seen


@pytest.mark.parametrize("count", [3, 200])
def test_texts_are_decoded_alike_one_by_one_or_at_once(count: int):
    words = sorted({f"w{n:03d}" for n in range(count)} | {"café", "naïve", "x\x00y"})
    run = run_of([(word.encode(), 1) for word in sorted(words, key=str.encode)])
    expected = sorted(words, key=str.encode)
    assert run.texts() == expected
    chosen = np.arange(0, len(run), 2)
    assert run.texts(chosen) == expected[::2]

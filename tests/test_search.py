"""Search: the query language against a real index, kept in step with the database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import ParsedPaper, ReadStatus
from readinglist.core.normalize import title_key
from readinglist.search import bulk_writer, schema
from readinglist.search.engine import Match, ordered, top
from readinglist.search.index import WhooshIndex
from readinglist.search.index_folders import INDEX_PREFIX
from readinglist.storage.orm import OutboxRow
from readinglist.storage.store import SqlUnitOfWork
from tests.helpers import (
    SHARED_DIGEST_PAPERS,
    build_template,
    copy_library,
    shared_digest_path,
)

PAPERS = [
    ParsedPaper(
        "Gaussian Splatting for Real-Time Radiance Field Rendering",
        "Radiance field methods represent scenes with neural networks. We introduce 3D Gaussian"
        " splatting, which renders novel views in real time. Code: https://github.com/a/gs.",
        0,
    ),
    ParsedPaper(
        "Denoising Diffusion Probabilistic Models",
        "We present high quality image synthesis using diffusion probabilistic models. Our"
        " results are state of the art on CIFAR10. Project: https://hojonathanho.github.io/ddpm.",
        0,
    ),
    ParsedPaper(
        "Attention Is All You Need",
        "The dominant sequence transduction models are based on recurrent networks. We propose"
        " the Transformer, based solely on attention mechanisms, dispensing with recurrence.",
        0,
    ),
    ParsedPaper(
        "Neural Radiance Fields for View Synthesis",
        "We present a method that synthesizes novel views of complex scenes by optimizing a"
        " neural radiance field. It uses a fully connected network, not convolutions.",
        0,
    ),
]


@pytest.fixture(scope="module")
def digest_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenLibrary]:
    """The shared digest imported once; read-only tests share it."""
    folder = tmp_path_factory.mktemp("digest") / "library"
    with open_library(folder) as opened:
        opened.library.import_bytes(shared_digest_path().read_bytes(), "digest.txt")
        yield opened


def _fill_small(opened: OpenLibrary) -> None:
    opened.library.import_bytes(render_digest(PAPERS).encode(), "small.txt")
    opened.library.tag([1], add=["3d/gaussian-splatting"])
    opened.library.tag([4], add=["3d/nerf"])
    opened.library.tag([2], add=["generative"])
    opened.library.set_status([2], ReadStatus.READ)
    opened.library.set_status([3], ReadStatus.QUEUED)
    opened.library.rate([2], 5)
    opened.library.rate([3], 3)
    opened.library.set_notes(3, "Read section 3.2 on multi-head attention again")


@pytest.fixture(scope="module")
def small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("small"), _fill_small)


@pytest.fixture
def small(library_dir: Path, small_template: Path) -> Iterator[OpenLibrary]:
    """Five papers with tags, statuses, ratings and a note: a copy per test."""
    with open_library(copy_library(small_template, library_dir)) as opened:
        yield opened


def ids(opened: OpenLibrary, query: str, **kwargs: object) -> list[int]:
    results = opened.library.search(query, limit=50, **kwargs)  # type: ignore[arg-type]
    return sorted(result.paper.id for result in results.results)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("radiance", [1, 4]),
        ("radiance field rendering", [1]),  # AND by default
        ("splat", [1]),  # stemming: splatting
        ("splatting", [1]),
        ('"radiance field"', [1, 4]),
        ('"field radiance"', []),
        ("diffusion OR transformer", [2, 3]),
        ("radiance NOT gaussian", [4]),
        ("radiance -gaussian", [4]),
        ("(gaussian OR transformer) real", [1]),
        ("synth*", [2, 4]),
        ("gausian~", [1]),
        ("difusion~", [2]),
        ("title:attention", [3]),
        ("abstract:attention", [3]),
        ("title:radiance", [1, 4]),
        ("notes:multi-head", [3]),
        ("notes:attention", [3]),
        ("tag:3d", [1, 4]),
        ("tag:3d/nerf", [4]),
        ("tag:3", []),
        ("-tag:3d", [2, 3]),
        ("status:read", [2]),
        ("status:unread", [1, 4]),
        ("has:code", [1]),
        ("has:project", [2]),
        ("has:notes", [3]),
        ("rating:>=4", [2]),
        ("rating:3..5", [2, 3]),
        ("rating:0", [1, 4]),
        ("seen:1", [1, 2, 3, 4]),
        ("seen:>1", []),
        ("added:>7d", [1, 2, 3, 4]),
        ("added:<7d", []),
        ("all you need", [3]),  # stop words do not stop a search
        ("the", [1, 2, 3, 4]),  # only stop words: every paper
        ("", [1, 2, 3, 4]),
    ],
)
def test_query_language(small: OpenLibrary, query: str, expected: list[int]):
    assert ids(small, query) == expected


def test_added_accepts_calendar_periods(small: OpenLibrary):
    now = datetime.now(UTC)
    assert ids(small, f"added:{now:%Y-%m}") == [1, 2, 3, 4]
    assert ids(small, f"added:{now:%Y-%m-%d}") == [1, 2, 3, 4]
    last_year = now - timedelta(days=400)
    assert ids(small, f"added:{last_year:%Y}") == []


def test_a_query_that_does_not_parse_falls_back_to_words(small: OpenLibrary):
    results = small.library.search("(radiance field")
    assert results.message is not None and "words instead" in results.message
    assert sorted(r.paper.id for r in results.results) == [1, 4]


def test_ranked_by_relevance_title_matches_first(small: OpenLibrary):
    results = small.library.search("attention")
    assert results.results[0].paper.id == 3
    assert results.results[0].score > 0


def test_sorted_by_a_column_and_paged(digest_library: OpenLibrary):
    library = digest_library.library
    by_title = library.search("", sort="title", limit=20)
    titles = [title_key(r.paper.title) for r in by_title.results]
    assert titles == sorted(titles)
    assert by_title.total == SHARED_DIGEST_PAPERS
    second = library.search("", sort="title", offset=20, limit=20)
    assert title_key(second.results[0].paper.title) >= titles[-1]
    assert not {r.paper.id for r in second.results} & {r.paper.id for r in by_title.results}
    # One import: every paper ties on its added time, and ties go lowest id first (the
    # digest's own order).
    newest = library.search("gaussian", sort="added", limit=5)
    assert [r.paper.id for r in newest.results] == sorted(r.paper.id for r in newest.results)


def test_highlights_mark_the_query_words(small: OpenLibrary):
    (result,) = small.library.search("splatting radiance", limit=1).results
    marked = {text.lower() for text, hit in result.abstract if hit}
    assert marked >= {"splatting", "radiance"}
    assert "".join(text for text, _ in result.title) == result.paper.title
    title_marks = [text for text, hit in result.title if hit]
    assert title_marks == ["Splatting", "Radiance"]


def test_did_you_mean_comes_from_the_librarys_own_words(digest_library: OpenLibrary):
    results = digest_library.library.search("gausian splating")
    assert results.total == 0
    assert results.suggestion == "gaussian splatting"
    assert digest_library.library.search(results.suggestion).total > 0
    assert digest_library.library.search("gaussian splatting").suggestion is None


def test_similar_papers_with_the_terms_that_explain_why(digest_library: OpenLibrary):
    library = digest_library.library
    source = library.search('"gaussian splatting"', limit=1).results[0].paper
    similar = library.similar(source.id, k=5)
    assert len(similar) == 5
    assert source.id not in {s.paper.id for s in similar}
    assert all(s.terms for s in similar)
    assert any("gaussian" in s.terms for s in similar)
    scores = [s.score for s in similar]
    assert scores == sorted(scores, reverse=True)


def test_every_change_reaches_the_index(small: OpenLibrary):
    library = small.library
    library.tag([2], add=["to-read"])
    assert ids(small, "tag:to-read") == [2]
    library.set_status([4], ReadStatus.DROPPED)
    assert ids(small, "status:dropped") == [4]
    library.set_notes(1, "compare with mip-nerf")
    assert ids(small, "notes:mip") == [1]
    library.rate([1], 4)
    assert ids(small, "rating:4") == [1]
    library.rename_tag("3d", "three-d")
    assert ids(small, "tag:three-d") == [1, 4]
    assert ids(small, "tag:3d") == []
    library.delete([3])
    assert ids(small, "transformer") == []
    assert small.library.indexing.check(repair=False).clean


def test_an_outbox_left_by_a_crash_is_drained_on_the_next_start(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    with open_library(library_dir) as opened:
        opened.library.import_bytes(render_digest(PAPERS[:2]).encode(), "a.txt")
        # The process "dies" after commit, before the index is written.
        monkeypatch.setattr(type(opened.library.indexing), "sync", lambda self: 0)
        opened.library.import_bytes(render_digest(PAPERS[2:]).encode(), "b.txt")
        assert ids(opened, "transformer") == []
        with opened.store.unit_of_work() as uow:
            assert uow.session.scalar(select(func.count()).select_from(OutboxRow)) == 2
    monkeypatch.undo()
    with open_library(library_dir) as reopened:
        assert ids(reopened, "transformer") == [3]
        with reopened.store.unit_of_work() as uow:
            assert uow.session.scalar(select(func.count()).select_from(OutboxRow)) == 0


def test_the_outbox_is_written_in_the_same_transaction(
    small: OpenLibrary, monkeypatch: pytest.MonkeyPatch
):
    def explode(self: SqlUnitOfWork) -> None:
        raise RuntimeError("crash before commit")

    monkeypatch.setattr(SqlUnitOfWork, "write_outbox", explode)
    with pytest.raises(RuntimeError):
        small.library.set_status([1], ReadStatus.READ)
    monkeypatch.undo()
    assert small.library.details(1).paper.status is ReadStatus.UNREAD  # rolled back too


def test_a_deleted_index_folder_is_rebuilt_on_start(library_dir: Path):
    with open_library(library_dir) as opened:
        opened.library.import_bytes(render_digest(PAPERS).encode(), "a.txt")
    shutil.rmtree(library_dir / f"{INDEX_PREFIX}{schema.SCHEMA_VERSION}")
    messages: list[str] = []
    with open_library(library_dir, on_message=messages.append) as reopened:
        assert ids(reopened, "radiance") == [1, 4]
    assert messages == ["the search index is missing: rebuilt it from the library (4 papers)"]


def test_a_corrupt_index_is_rebuilt_with_a_message(library_dir: Path):
    with open_library(library_dir) as opened:
        opened.library.import_bytes(render_digest(PAPERS).encode(), "a.txt")
    folder = library_dir / f"{INDEX_PREFIX}{schema.SCHEMA_VERSION}"
    for path in folder.iterdir():
        path.write_bytes(b"\x00garbage")
    messages: list[str] = []
    with open_library(library_dir, on_message=messages.append) as reopened:
        assert ids(reopened, "diffusion") == [2]
    assert len(messages) == 1 and messages[0].startswith("the search index was damaged")


def test_a_new_schema_version_rebuilds_and_removes_the_old_folder(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    with open_library(library_dir) as opened:
        opened.library.import_bytes(render_digest(PAPERS).encode(), "a.txt")
    old = library_dir / f"{INDEX_PREFIX}{schema.SCHEMA_VERSION}"
    monkeypatch.setattr("readinglist.search.index.SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    messages: list[str] = []
    with open_library(library_dir, on_message=messages.append) as reopened:
        assert reopened.index.folder.name == f"{INDEX_PREFIX}{schema.SCHEMA_VERSION + 1}"
        assert ids(reopened, "transformer") == [3]
    assert not old.exists()
    assert messages and "format changed" in messages[0]


def test_doctor_finds_and_repairs_planted_drift(small: OpenLibrary):
    index: WhooshIndex = small.index
    papers = small.library.papers()
    index.apply([], [1])  # missing
    index.apply([replace(papers[1], rating=0, updated_at=papers[1].added_at)], [])  # stale
    index.apply([replace(papers[0], id=99)], [])  # extra
    report = small.library.indexing.check(repair=True)
    assert (report.missing, report.stale, report.extra) == ((1,), (2,), (99,))
    assert small.library.indexing.check(repair=False).clean
    assert ids(small, "rating:5") == [2]


def test_reindex_rebuilds_from_scratch_with_progress(digest_library: OpenLibrary):
    calls: list[tuple[int, int]] = []
    count = digest_library.library.indexing.rebuild(lambda done, total: calls.append((done, total)))
    assert count == SHARED_DIGEST_PAPERS
    assert calls[-1] == (SHARED_DIGEST_PAPERS, SHARED_DIGEST_PAPERS)
    assert digest_library.library.indexing.check(repair=False).clean


@pytest.mark.parametrize(
    "query",
    ["gaussian splatting", '"point cloud"', "diffus*", "segmentaton~", "model -video", ""],
)
def test_a_rebuild_in_several_segments_ranks_the_same(
    digest_library: OpenLibrary, monkeypatch: pytest.MonkeyPatch, query: str
):
    """Rebuilds cut the library into segments; ranking and totals do not notice."""
    library = digest_library.library

    def ranked() -> list[tuple[int, float]]:
        found = library.search(query, limit=300)
        return [(result.paper.id, round(result.score, 4)) for result in found.results]

    library.indexing.rebuild()
    one = ranked()
    monkeypatch.setattr(bulk_writer, "SEGMENT_DOCS", 50)
    library.indexing.rebuild()
    assert len(digest_library.index.searcher().reader().leaf_readers()) == 5
    assert ranked() == one
    assert one or not query


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_any_query_string_gives_results_or_a_message_never_an_error(
    digest_library: OpenLibrary, query: str
):
    results = digest_library.library.search(query, limit=5)
    assert results.total >= len(results.results)
    assert results.message is None or "\n" not in results.message


@pytest.mark.parametrize(
    "words",
    [("gaussian",), ("gaussian", "splatting"), ("model",), ("diffusion", "image"), ("3d",)],
)
def test_posting_arrays_agree_with_whoosh(digest_library: OpenLibrary, words: tuple[str, ...]):
    """The engine reads Whoosh's blocks directly: it must match what Whoosh itself finds."""
    from whoosh import query as wq

    from readinglist.search.analysis import analyze

    searcher = digest_library.index.searcher()
    terms = [analyze(word)[0] for word in words]
    whoosh_query = wq.And(
        [
            wq.Or([wq.Term(field, term) for field in ("title", "abstract", "notes")])
            for term in terms
        ]
    )
    expected = {
        int(searcher.stored_fields(doc)["id"]) for doc in searcher.docs_for_query(whoosh_query)
    }
    results = digest_library.library.search(" ".join(words), limit=1000)
    assert expected, words
    assert {r.paper.id for r in results.results} == expected
    assert results.total == len(expected)


@pytest.mark.parametrize(
    "sort", [None, "title", "added", "status", "seen", "rating", "priority", "position"]
)
def test_an_empty_library_searches_and_sorts(opened: OpenLibrary, sort: str | None):
    results = opened.library.search("", sort=sort, within=[1, 2], with_ids=True)
    assert (results.total, results.results, results.ids) == (0, (), ())


def test_typos_in_long_words_are_found_and_corrected(digest_library: OpenLibrary):
    """The index holds stems ("segment"); a typo keeps its ending ("segmentaton")."""
    library = digest_library.library
    assert library.search("segmentaton~").total == library.search("segmentation").total
    assert library.search("quantizaton~").total > 0
    assert library.search("quantizaton models").suggestion == "quantization models"
    assert library.search("segmentaton").suggestion == "segmentation"


def test_a_write_decodes_only_the_new_segment(small: OpenLibrary, monkeypatch: pytest.MonkeyPatch):
    from readinglist.search import whoosh_private

    decoded: list[str] = []
    real = whoosh_private.raw_matcher

    def counting(leaf: object, field: str, btext: bytes) -> object:
        decoded.append(whoosh_private.INTERNALS.segment_key(leaf))
        return real(leaf, field, btext)

    monkeypatch.setattr(whoosh_private, "raw_matcher", counting)
    assert ids(small, "title:radiance") == [1, 4]
    first = set(decoded)
    decoded.clear()
    small.library.set_notes(1, "radiance in the notes too")  # a write: a new searcher
    assert ids(small, "title:radiance") == [1, 4]
    assert first and not set(decoded) & first  # the old segments' postings were kept


def test_an_unsupported_search_sort_is_a_clear_error(small: OpenLibrary):
    from readinglist.core.errors import InvalidValueError

    with pytest.raises(InvalidValueError, match="cannot sort a search by 'colour'"):
        small.library.search("radiance", sort="colour")
    with pytest.raises(InvalidValueError, match="position needs"):
        small.library.search("radiance", sort="position")  # of which ids?


HF_DAILY = """[
 {"paper": {"id": "2401.01234", "title": "Alpha Nets: Learning Everything at Once",
   "summary": "We study alpha nets. They learn everything at once.",
   "authors": [{"name": "Geoffrey Hinton"}, {"name": "Yann LeCun"}], "upvotes": 12},
  "publishedAt": "2024-01-02T00:00:00.000Z"},
 {"paper": {"id": "2312.00042", "title": "Beta Transformers for Tiny Data",
   "summary": "Beta transformers fit tiny data sets; Hinton's nets did not.",
   "authors": [{"name": "Ada Lovelace"}, {"name": "Geoffrey Everest"}], "upvotes": 3},
  "publishedAt": "2023-12-01T00:00:00.000Z"}
]"""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("author:hinton", [1]),
        ('author:"geoffrey hinton"', [1]),
        ('author:"hinton geoffrey"', []),
        ("author:geoffrey", [1, 2]),
        ("author:lovel*", [2]),
        ("author:lovelac~", [2]),
        ("author:hinton OR author:lovelace", [1, 2]),
        ("hinton", [2]),  # plain words search titles, abstracts and notes, not authors
        ("arxiv:2401.01234", [1]),
        ("arxiv:arXiv:2312.00042v3", [2]),
        ("arxiv:2401.09999", []),
        ("-arxiv:2401.01234", [2]),
    ],
)
def test_author_and_arxiv_fields(library_dir: Path, query: str, expected: list[int]):
    with open_library(library_dir) as opened:
        opened.library.import_bytes(HF_DAILY.encode(), "daily.json")
        assert ids(opened, query) == expected
        opened.library.indexing.rebuild()  # the bulk writer indexes them the same way
        assert ids(opened, query) == expected


def test_writes_add_segments_and_small_ones_are_compacted(
    digest_library: OpenLibrary, monkeypatch: pytest.MonkeyPatch
):
    """Each write adds a segment (Whoosh's merge would freeze the window); past
    MAX_SMALL_SEGMENTS the small ones are re-indexed as one; searches do not notice."""
    from readinglist.search import index as index_module

    library = digest_library.library
    library.indexing.rebuild()
    before = {q: ids(digest_library, q) for q in ("gaussian", "model")}
    monkeypatch.setattr(index_module, "MAX_SMALL_SEGMENTS", 2)

    def segments() -> int:
        return len(digest_library.index.searcher().reader().leaf_readers())

    counts = []
    for paper_id in range(1, 8):
        library.tag([paper_id], add=[f"w{paper_id}"])
        library.set_status([paper_id], ReadStatus.READ)
        counts.append(segments())
    assert max(counts) <= 1 + 2 + 1  # compaction ran whenever a write went past the limit
    assert counts[0] == 2  # the first write: the rebuilt segment and its own
    assert digest_library.library.indexing.check(repair=False).clean
    assert all(ids(digest_library, f"tag:w{n}") == [n] for n in range(1, 8))
    assert ids(digest_library, "gaussian") == before["gaussian"]
    assert ids(digest_library, "model") == before["model"]
    assert set(range(1, 8)) <= set(ids(digest_library, "status:read"))
    # A segment whose every document was rewritten elsewhere is gone, not kept empty.
    reader = digest_library.index.searcher().reader()
    assert all(leaf.doc_count() > 0 for leaf, _ in reader.leaf_readers())


def test_sorting_by_added_tells_minutes_apart(opened: OpenLibrary):
    """Sort keys are exact: epoch minutes in float32 would tie papers 2 minutes apart.
    Newest first is the natural direction of "added"; descending flips it."""
    from readinglist.core.library import Library

    moments = iter(datetime(2026, 11, 30, 12, minute, tzinfo=UTC) for minute in range(60))
    library = Library(opened.store, clock=lambda: next(moments), index=opened.index)
    for number in range(5):
        paper = ParsedPaper(f"Paper Number {number} on Topics", f"Abstract {number}. More.", 0)
        library.import_bytes(render_digest([paper]).encode(), f"d{number}.txt")
    newest = library.search("", sort="added", limit=5)
    assert [r.paper.id for r in newest.results] == [5, 4, 3, 2, 1]
    oldest = library.search("", sort="added", descending=True, limit=5)
    assert [r.paper.id for r in oldest.results] == [1, 2, 3, 4, 5]


def test_the_paper_id_column_is_read_in_one_piece_as_whoosh_reads_it(small: OpenLibrary) -> None:
    library, index = small.library, small.index
    for batch in range(2):  # each import writes a segment of its own
        more = [ParsedPaper(f"Extra {batch}{n}: Splats", "More splats.", 0) for n in range(3)]
        library.import_bytes(render_digest(more).encode(), f"more{batch}.txt")
    library.delete([library.papers()[0].id])  # a deleted document keeps its place
    assert isinstance(index, WhooshIndex)
    arrays = index._arrays()
    assert len(arrays.leaves) >= 2
    read = index._paper_ids(arrays)
    iterated = arrays.reader.column_reader("paper_id")  # Whoosh's own, value by value
    assert read.tolist() == list(iterated)
    stored = [int(arrays.reader.stored_fields(doc)["id"]) for doc in range(arrays.size)]
    assert read.tolist() == stored


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=1, max_size=40),
    limit=st.integers(1, 12),
    ranked=st.booleans(),
    ties=st.none() | st.permutations(list(range(40))),
)
def test_pages_cut_among_equal_keys_follow_the_whole_order(
    keys: list[float], limit: int, ranked: bool, ties: list[int] | None
) -> None:
    """Many papers share a key (one import's time, a score): every page is the slice of
    the one full order, so paging never shows a paper twice or skips one."""
    values = np.array(keys)
    match = Match(np.ones(len(keys), dtype=np.bool_), values.astype(np.float32))
    order = None if ranked else values.astype(np.int64)
    tie = None if ties is None else np.array(ties[: len(keys)], dtype=np.int64)
    whole = top(match, 0, len(keys), order, tie).tolist()
    pages = [
        top(match, offset, limit, order, tie).tolist() for offset in range(0, len(keys), limit)
    ]
    assert [doc for page in pages for doc in page] == whole
    assert ordered(match, order, tie).tolist() == whole
    if tie is not None:  # equal keys: by the tie-break
        primary = -values if ranked else values
        assert whole == sorted(range(len(keys)), key=lambda doc: (primary[doc], tie[doc]))


@pytest.mark.parametrize(
    "query",
    ["a" * 70, "gaussian " + "a" * 70, "a" * 70 + "*", "title:" + "a" * 70, "x" * 20_000 + "~2"],
)
def test_a_word_longer_than_the_index_holds_matches_nothing_and_says_so(
    digest_library: OpenLibrary, query: str
):
    """Issue 17, items 7 and 10: such a word was dropped, so the query matched every
    paper in silence; a fuzzy one was compared with every term (minutes)."""
    results = digest_library.library.search(query)
    assert results.total == 0
    assert results.suggestion is None
    assert results.message is not None and "longest word the index holds" in results.message


def test_the_longest_word_the_index_holds_is_still_searched(digest_library: OpenLibrary):
    from readinglist.core.query import MAX_WORD_CHARS, beyond_index

    assert not beyond_index("a" * MAX_WORD_CHARS)
    assert not beyond_index("-".join(["qwen2.5"] * 30))  # a long compound of short parts
    assert beyond_index("a" * (MAX_WORD_CHARS + 1))
    assert digest_library.library.search("gaussian").total > 0


def test_the_highlight_window_is_where_the_marks_are_densest():
    from readinglist.search.highlight import highlight

    text = "gaussian filler " * 40 + "word " * 200 + "gaussian gaussian gaussian " * 3 + "end"
    runs = highlight(text, ["gaussian"], whole=False, width=120)
    shown = "".join(part for part, _ in runs)
    assert shown.startswith("…") and shown.count("gaussian") >= 9
    assert "filler" not in shown

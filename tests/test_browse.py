"""Browsing from the database (no index): filters, sorts, pages and ids against the
search index's answers and the reference order of core/orders.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.browse import SearchNotReadyError, plain_fragment
from readinglist.core.digest_parser import render_digest
from readinglist.core.digest_sources import read_digest
from readinglist.core.errors import InvalidValueError
from readinglist.core.library import Library
from readinglist.core.models import SEARCH_SORTS, Paper, ParsedPaper, Priority, ReadStatus
from readinglist.core.orders import POSITION, RELEVANCE, UNRANKED, sorted_papers
from tests.helpers import SHARED_DIGEST_PAPERS

START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def annotated(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[OpenLibrary, Library]]:
    """The shared digest, a second digest with a third of it (seen twice), a third with
    new papers two days later, and statuses, tags, ratings, notes, priorities, arXiv ids."""
    from tests.helpers import shared_digest_path

    folder = tmp_path_factory.mktemp("browse") / "library"
    data = shared_digest_path().read_bytes()
    times = iter(START + timedelta(minutes=7 * step) for step in range(10_000))
    with open_library(folder) as opened:
        library = Library(opened.store, clock=lambda: next(times), index=opened.index)
        library.import_bytes(data, "first.txt")
        papers = read_digest(data, "first.txt").papers
        library.import_bytes(render_digest(papers[::3]).encode(), "again.txt")
        times = iter(START + timedelta(days=2, minutes=step) for step in range(10_000))
        fresh = [ParsedPaper(f"Fresh paper number {n}", f"Abstract {n}.", n) for n in range(5)]
        library.import_bytes(render_digest(fresh).encode(), "fresh.txt")
        library.set_status(range(1, 40), ReadStatus.READ)
        library.set_status(range(40, 50), ReadStatus.QUEUED)
        library.set_status([7, 8], ReadStatus.DROPPED)
        library.tag(range(10, 20), add=["3d"])
        library.tag(range(15, 25), add=["3D/gaussian splatting"])
        library.tag([30, 31], add=["3dx", "a_b"])
        library.tag([32], add=["aXb"])
        for rating, ids in ((5, [3, 60, 61]), (4, [4, 62]), (2, [5, 63, 64, 65])):
            library.rate(ids, rating)
        library.set_notes(70, "to read again")
        library.set_notes(71, "  \n\t ")  # only white space: no notes
        library.set_priority([80, 81], Priority.HIGH)
        with opened.store.unit_of_work(write=True) as uow:
            for paper_id, arxiv in ((90, "2401.01234"), (91, "2402.00001")):
                uow.set_metadata(paper_id, None, arxiv, None, START)
        library.indexing.sync()
        yield opened, library


def all_papers(library: Library) -> list[Paper]:
    return library.papers()


def search_ids(library: Library, query: str, **kwargs: object) -> list[int]:
    results = library.search(query, limit=10_000, **kwargs)  # type: ignore[arg-type]
    return [result.paper.id for result in results.results]


FILTERS = [
    "",
    "status:read",
    "-status:read",
    "status:read OR status:queued",
    "tag:3d",
    'tag:"3d/gaussian splatting"',
    "-tag:3d",
    'tag:"a_b"',
    "has:code",
    "-has:code",
    "has:project",
    "has:notes",
    "rating:5",
    "rating:>=2",
    "rating:2..4",
    "rating:<1",
    "seen:2",
    "seen:>1",
    "seen:1",
    "added:2026-03-03",
    "added:<2026-03-02",
    "added:>=2026-03-01T09:37:00Z",
    "added:2026-03-01T09:30:00Z..2026-03-01T10:00:00Z",
    "arxiv:2401.01234",
    "-arxiv:2401.01234",
    "status:read tag:3d -has:code",
    "(tag:3d OR rating:5) -status:dropped",
    "status:",  # a fallback with nothing to search for: every paper
]


@pytest.mark.parametrize("query", FILTERS)
def test_each_filter_matches_what_the_index_matches(annotated, query: str) -> None:
    _, library = annotated
    browsed = library.browse(query, limit=10_000, with_ids=True)
    assert browsed.total == len(browsed.ids) == len(browsed.results)
    assert sorted(browsed.ids) == sorted(search_ids(library, query))
    expected = sorted_papers(
        [paper for paper in all_papers(library) if paper.id in set(browsed.ids)], UNRANKED
    )
    assert list(browsed.ids) == [paper.id for paper in expected]
    assert [result.paper.id for result in browsed.results] == list(browsed.ids)


def test_the_filters_see_what_was_set(annotated) -> None:
    _, library = annotated
    assert library.browse("tag:3d", limit=0).total == 15  # 10-24: the tag and its sub-tag
    assert library.browse('tag:"a_b"', limit=0).total == 2  # _ is not a wildcard
    assert library.browse("tag:3D", limit=0).total == 15  # the query normalizes the case
    assert library.browse("has:notes", limit=0).total == 1
    assert library.browse("seen:2", limit=0).total == len(range(0, SHARED_DIGEST_PAPERS, 3))
    assert library.browse("added:2026-03-03", limit=0).total == 5
    assert library.browse("", limit=0).total == SHARED_DIGEST_PAPERS + 5


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", [s for s in SEARCH_SORTS if s not in (RELEVANCE, POSITION)])
def test_every_sort_is_the_reference_order(annotated, sort: str, descending: bool) -> None:
    _, library = annotated
    browsed = library.browse("", sort, descending, 0, 10_000, with_ids=True)
    expected = [paper.id for paper in sorted_papers(all_papers(library), sort, descending)]
    assert list(browsed.ids) == expected
    assert [result.paper.id for result in browsed.results] == expected


def test_relevance_without_words_is_the_unranked_order(annotated) -> None:
    _, library = annotated
    unranked = library.browse("status:read", UNRANKED, False, 0, 100, with_ids=True).ids
    assert library.browse("status:read", None, False, 0, 100, with_ids=True).ids == unranked
    assert library.browse("status:read", RELEVANCE, True, 0, 100, with_ids=True).ids == unranked


def test_pages_cut_the_ids_in_order(annotated) -> None:
    _, library = annotated
    every = library.browse("-status:read", "title", False, 0, 10_000, with_ids=True).ids
    pages: list[int] = []
    for offset in range(0, len(every) + 30, 30):
        page = library.browse("-status:read", "title", False, offset, 30)
        assert page.total == len(every)
        assert page.offset == offset
        assert page.ids == ()  # not asked for
        pages.extend(result.paper.id for result in page.results)
    assert pages == list(every)
    assert library.browse("", limit=0).results == ()
    assert library.browse("", offset=10_000).results == ()


def test_within_a_set_or_a_sequence_of_ids(annotated) -> None:
    _, library = annotated
    wanted = [25, 3, 17, 999_999, 3, 60]
    inside = library.browse("", "rating", False, 0, 100, within=set(wanted), with_ids=True)
    present = [paper for paper in all_papers(library) if paper.id in set(wanted)]
    assert list(inside.ids) == [paper.id for paper in sorted_papers(present, "rating")]
    assert set(inside.ids[:2]) == {3, 60}  # rated 5; then 25 and 17, not rated
    filtered = library.browse("tag:3d", within=wanted, with_ids=True)
    assert set(filtered.ids) == {17}
    in_order = library.browse("", POSITION, False, 0, 2, within=wanted, with_ids=True)
    assert in_order.ids == (25, 3, 17, 60)
    assert [result.paper.id for result in in_order.results] == [25, 3]
    backwards = library.browse("", POSITION, True, 0, 10, within=wanted, with_ids=True)
    assert backwards.ids == (60, 17, 3, 25)
    assert library.browse("", within=[], with_ids=True).total == 0
    many = range(1, 50_000)  # more than SQLite's parameters: one JSON value
    assert library.browse("", within=many, limit=0).total == SHARED_DIGEST_PAPERS + 5


@pytest.mark.parametrize(
    "query",
    ["gaussian", "-gaussian", "title:nerf", "status:read diffus*", '"a b" OR tag:x', "status:x"],
)
def test_words_need_the_index(annotated, query: str) -> None:
    _, library = annotated
    with pytest.raises(SearchNotReadyError, match="once the search index is built"):
        library.browse(query)


def test_a_bad_sort_is_refused(annotated) -> None:
    _, library = annotated
    with pytest.raises(InvalidValueError, match="cannot sort by 'size'"):
        library.browse("", "size")
    with pytest.raises(InvalidValueError, match="position order needs"):
        library.browse("", POSITION)


def test_rows_carry_plain_text(annotated) -> None:
    _, library = annotated
    result = library.browse("", "title", False, 0, 1).results[0]
    assert result.title == ((result.paper.title, False),)
    assert result.score == 0.0
    long = "word " * 100
    cut = plain_fragment(long, whole=False)
    assert cut[-1] == ("…", False) and len(cut[0][0]) < len(long)
    assert plain_fragment(long, whole=True) == ((long, False),)
    assert plain_fragment("", whole=True) == ()


def test_browsing_works_without_any_index(tmp_path: Path) -> None:
    """The point of it: a library opened without building its index browses all."""
    folder = tmp_path / "library"
    with open_library(folder) as opened:
        opened.library.import_bytes(
            render_digest(ParsedPaper(f"Paper {n}", f"About {n}.", n) for n in range(150)).encode(),
            "d.txt",
        )
    opened.index.discard(folder)
    with open_library(folder, build_index=False) as reopened:
        assert not reopened.library.indexing.ready
        browsed = reopened.library.browse("", "title", False, 0, 10, with_ids=True)
        assert browsed.total == 150 and len(browsed.ids) == 150
        assert browsed.results[0].paper.title == "Paper 0"

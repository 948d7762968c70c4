"""One definition of every order: the store, the index and core's reference agree.

readinglist.core.orders defines each sort (keys, natural directions, the tie-break by
paper id); the database sorts with SQL, the index with NumPy over its columns. Random
small libraries (titles with symbols, case and punctuation; statuses, ratings,
priorities and added times with ties; papers seen in several digests) must list the
same papers in the same order whichever answers, in both directions, page by page.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.library import Library
from readinglist.core.models import (
    SEARCH_SORTS,
    SORT_KEYS,
    PaperQuery,
    ParsedPaper,
    ParseResult,
    Priority,
    ReadStatus,
)
from readinglist.core.normalize import title_key
from readinglist.core.orders import ORDERS, POSITION, RELEVANCE, sort_key, sorted_papers
from readinglist.storage.orm import PaperRow
from tests.helpers import copy_library

# Pieces of titles: symbols, case, punctuation, accents; "(GG) MoE" sorts as "gg moe".
PIECES = (
    "(GG) MoE vs. MLP",
    "MoE",
    "moe layers",
    "Mixture",
    "mixture-of-experts",
    "Élan",
    "elan",
    "Zürich",
    "zebra",
    "3D-Gaussians",
    "3D Gaussians",
    "[Re] Attention",
    "attention!",
    "“Quoted” title",
    "_under score",
    "~tilde",
    "Ωmega",
    "a",
    "B",
    "42",
)
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# Few distinct times, some a microsecond or a second apart: plenty of ties, and ties
# that epoch minutes (or seconds) would make where the database has none.
TIMES = tuple(
    T0 + delta
    for delta in (
        timedelta(0),
        timedelta(microseconds=1),
        timedelta(seconds=1),
        timedelta(minutes=1),
        timedelta(days=3),
        timedelta(days=-400),
    )
)


@dataclass(frozen=True)
class Plan:
    titles: list[str]
    digests: list[tuple[list[int], datetime]]  # papers (indices into titles), import time
    added: list[datetime]
    statuses: list[ReadStatus]
    ratings: list[int]
    priorities: list[Priority]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    titles = draw(
        st.lists(
            st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map(" ".join),
            min_size=1,
            max_size=12,
            unique_by=title_key,  # one import cannot hold the same paper twice
        )
    )
    count = len(titles)
    digests = draw(
        st.lists(
            st.tuples(
                st.permutations(range(count)).flatmap(
                    lambda order: st.integers(1, len(order)).map(lambda n: list(order[:n]))
                ),
                st.sampled_from(TIMES[:5]),
            ),
            min_size=1,
            max_size=4,
        )
    )
    missing = [index for index in range(count) if all(index not in d for d, _ in digests)]
    first, when = digests[0]
    digests[0] = (first + missing, when)  # every paper comes in with some digest
    column = st.lists(st.sampled_from(TIMES), min_size=count, max_size=count)
    return Plan(
        titles=titles,
        digests=digests,
        added=draw(column),
        statuses=draw(st.lists(st.sampled_from(list(ReadStatus)), min_size=count, max_size=count)),
        ratings=draw(st.lists(st.integers(0, 2), min_size=count, max_size=count)),
        priorities=draw(st.lists(st.sampled_from(list(Priority)), min_size=count, max_size=count)),
    )


@contextmanager
def built(
    plan: Plan, template: Path
) -> Iterator[tuple[OpenLibrary, Library, list[int], list[int]]]:
    """The plan's library (in a copy of the empty ``template``); yields it, a library on
    it with a settable clock, the paper id of each title, and the digest id of each
    digest."""
    with tempfile.TemporaryDirectory() as folder:
        target = copy_library(template, Path(folder) / "lib")
        with open_library(target) as opened:
            yield from _filled(opened, plan)


def _filled(
    opened: OpenLibrary, plan: Plan
) -> Iterator[tuple[OpenLibrary, Library, list[int], list[int]]]:
    now = [T0]
    library = Library(opened.store, clock=lambda: now[0], index=opened.index)
    digest_ids: list[int] = []
    for number, (members, when) in enumerate(plan.digests):
        now[0] = when
        parsed = ParseResult(
            tuple(ParsedPaper(plan.titles[i], f"Abstract of {i}.", 0) for i in members)
        )
        summary = library.import_parsed(parsed, f"d{number}.txt", f"d{number}".encode())
        digest_ids.append(summary.digest_id)
    by_key = {title_key(p.title): p.id for p in library.papers()}
    ids = [by_key[title_key(title)] for title in plan.titles]
    for status in set(plan.statuses):
        library.set_status(
            [i for i, v in zip(ids, plan.statuses, strict=True) if v == status], status
        )
    for priority in set(plan.priorities):
        chosen = [i for i, v in zip(ids, plan.priorities, strict=True) if v == priority]
        library.set_priority(chosen, priority)
    for rating in set(plan.ratings):
        library.rate([i for i, v in zip(ids, plan.ratings, strict=True) if v == rating], rating)
    # Added times with ties and out of id order (as a restored backup has them).
    with opened.store.unit_of_work(write=True) as uow:
        for paper_id, added in zip(ids, plan.added, strict=True):
            uow.session.execute(
                update(PaperRow).where(PaperRow.id == paper_id).values(added_at=added)
            )
    library.indexing.rebuild()
    yield opened, library, ids, digest_ids


def search_ids(library: Library, sort: str, descending: bool, **kwargs: object) -> list[int]:
    found = library.search("", sort=sort, descending=descending, **kwargs)  # type: ignore[arg-type]
    return [result.paper.id for result in found.results]


def test_every_order_is_defined_in_core() -> None:
    assert set(SORT_KEYS) == set(ORDERS) | {POSITION}
    assert set(SEARCH_SORTS) == set(SORT_KEYS) | {RELEVANCE}


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plan=plans(), page=st.integers(1, 5), data=st.data())
def test_store_index_and_reference_agree_on_every_order(
    empty_library_template: Path, plan: Plan, page: int, data: st.DataObject
) -> None:
    with built(plan, empty_library_template) as (_, library, ids, digest_ids):
        papers = library.papers()
        count = len(papers)
        for sort in ORDERS:
            for descending in (False, True):
                expected = [p.id for p in sorted_papers(papers, sort, descending)]
                query = PaperQuery(sort=sort, descending=descending)
                assert [p.id for p in library.papers(query)] == expected, (sort, descending)
                found = library.search(
                    "", sort=sort, descending=descending, limit=count, with_ids=True
                )
                assert [r.paper.id for r in found.results] == expected, (sort, descending)
                assert list(found.ids) == expected
                pages = [
                    paper_id
                    for offset in range(0, count, page)
                    for paper_id in search_ids(library, sort, descending, offset=offset, limit=page)
                ]
                assert pages == expected, (sort, descending, page)
                # A page with every id: the page is the slice of the ids.
                middle = library.search(
                    "", sort=sort, descending=descending, offset=1, limit=page, with_ids=True
                )
                assert list(middle.ids) == expected
                assert [r.paper.id for r in middle.results] == expected[1 : 1 + page]

        # Relevance without words to score: the natural "added" order.
        newest = [p.id for p in sorted_papers(papers, "added")]
        assert search_ids(library, RELEVANCE, False, limit=count) == newest

        # Position: the order of the ids given (a subset, repeats count once).
        within = data.draw(st.lists(st.sampled_from(ids), max_size=len(ids) + 2))
        unique = list(dict.fromkeys(within))
        for descending in (False, True):
            wanted = unique[::-1] if descending else unique
            got = library.search(
                "",
                sort=POSITION,
                descending=descending,
                within=within,
                limit=count,
                with_ids=True,
            )
            assert [r.paper.id for r in got.results] == wanted
            assert list(got.ids) == wanted
            query = PaperQuery(ids=tuple(within), sort=POSITION, descending=descending)
            assert [p.id for p in library.papers(query)] == wanted

        # Digest order: the newest digest's ranking first, then older digests' papers.
        newest_first = sorted(
            range(len(plan.digests)),
            key=lambda d: (plan.digests[d][1], digest_ids[d]),
            reverse=True,
        )
        expected_order: list[int] = []
        positions: dict[int, int] = {}
        for d in newest_first:
            for position, index in enumerate(plan.digests[d][0], start=1):
                if ids[index] not in positions:
                    positions[ids[index]] = position
                    expected_order.append(ids[index])
        assert library.digest_paper_ids(digest_ids) == expected_order
        assert library.digest_positions(digest_ids) == positions
        found = library.search("", sort=POSITION, within=expected_order, with_ids=True)
        assert list(found.ids) == expected_order


def test_sort_key_is_the_reference_of_title_and_added() -> None:
    """The reference itself: "(GG) MoE" sorts as "gg moe", times to the microsecond."""
    from readinglist.core.models import Paper

    def paper(paper_id: int, title: str, added: datetime) -> Paper:
        return Paper(
            id=paper_id,
            title=title,
            abstract="",
            status=ReadStatus.UNREAD,
            priority=Priority.NONE,
            rating=0,
            tags=(),
            links=(),
            notes="",
            added_at=added,
            updated_at=added,
            first_seen=None,
            last_seen=None,
            times_seen=0,
        )

    papers = [
        paper(1, "Zebra", T0),
        paper(2, "(GG) MoE vs. MLP", T0 + timedelta(microseconds=1)),
        paper(3, "gating", T0),
        paper(4, "Élan", T0),
    ]
    assert [p.id for p in sorted_papers(papers, "title")] == [3, 2, 1, 4]
    assert [p.id for p in sorted_papers(papers, "title", descending=True)] == [4, 1, 2, 3]
    assert [p.id for p in sorted_papers(papers, "added")] == [2, 1, 3, 4]
    # Descending flips the keys, not the tie-break (lowest id first).
    assert [p.id for p in sorted_papers(papers, "added", descending=True)] == [1, 3, 4, 2]
    assert sort_key(papers[0], "rating") < sort_key(papers[1], "rating")  # tie: by id


@pytest.mark.parametrize("sort", list(ORDERS))
def test_an_edit_does_not_move_a_paper_among_its_equals(sort: str, tmp_path: Path) -> None:
    """A status change re-indexes the paper (a new, higher document number): among the
    papers it ties with, it stays where it was, in the store and in the index."""
    with open_library(tmp_path / "lib") as opened:
        library = opened.library
        parsed = ParseResult(tuple(ParsedPaper(f"Paper {n}", "Text.", 0) for n in "abcdef"))
        library.import_parsed(parsed, "one.txt", b"one")
        library.set_status([1, 2, 3, 4, 5, 6], ReadStatus.QUEUED)  # all tie on status

        def both() -> tuple[list[int], list[int]]:
            store = [p.id for p in library.papers(PaperQuery(sort=sort))]
            return store, search_ids(library, sort, False, limit=10)

        store, index = both()
        assert store == index
        if sort == "status":
            library.set_status([3], ReadStatus.QUEUED)  # no change: touch it otherwise
            library.set_notes(3, "edited")
        else:
            library.set_status([3], ReadStatus.READING)
        assert both() == (store, index)
        library.set_notes(2, "an edit that changes no key")
        assert both() == (store, index)


def test_bytes_columns_are_read_in_one_piece_as_whoosh_reads_them(tmp_path: Path) -> None:
    from readinglist.search.ordering import text_column, text_ranks

    with open_library(tmp_path / "lib") as opened:
        library = opened.library
        for batch in range(2):  # each import writes a segment of its own
            titles = [f"(GG) Title {batch}{n}" for n in range(3)] + ["Élan", "zebra"]
            parsed = ParseResult(tuple(ParsedPaper(title, "Text.", 0) for title in titles))
            library.import_parsed(parsed, f"d{batch}.txt", f"d{batch}".encode())
        library.set_notes(1, "re-indexed: its old document stays, deleted")
        with opened.index._reading() as arrays:
            for leaf, _offset in arrays.leaves:
                fast = text_column(leaf.column_reader("title_key", translate=False))
                assert fast == list(leaf.column_reader("title_key", translate=False))
                assert len(fast) == leaf.doc_count_all()
    values = [b"b", b"a", b"\xc3\xa9", b"b", b"z", b""]
    assert text_ranks(values).tolist() == [2, 1, 4, 2, 3, 0]
    assert text_ranks([b"b", b"a"]).tolist() == [1, 0]
    assert text_ranks([]).tolist() == []

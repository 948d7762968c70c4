"""One definition of each sort order: the database and the index give the same ids.

Random small libraries (titles with symbols and case, ties on every key, papers seen
in several digests at equal and different times, edits after the import) are listed by
the store (``Library.papers``) and by the index (``Library.search`` with every id), for
every order in both directions, and compared with the pure-Python reference
(:func:`readinglist.core.orders.sorted_papers`).
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist.app_context import open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.library import Library
from readinglist.core.models import PaperQuery, ParsedPaper, Priority, ReadStatus
from readinglist.core.normalize import title_key
from readinglist.core.orders import ORDERS, sorted_papers

WORDS = ("MoE", "moe", "(GG)", "Gaussian", "gaussian", "vs.", "MLP", "Zebra", "a", "3D", "É")
PUNCTUATION = ("", ":", "-", "!", "?")

titles = st.lists(
    st.tuples(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
        st.sampled_from(PUNCTUATION),
        st.integers(0, 99),
    ).map(lambda t: f"{' '.join(t[0])}{t[1]} Paper {t[2]}"),
    min_size=2,
    max_size=14,
    unique_by=title_key,
)


@st.composite
def libraries(draw: st.DrawFn) -> dict[str, object]:
    names = draw(titles)
    count = len(names)
    digests = draw(
        st.lists(
            st.tuples(
                st.lists(st.integers(0, count - 1), min_size=1, max_size=count, unique=True),
                st.integers(0, 2),  # minutes after the previous digest: 0 ties its time
            ),
            min_size=1,
            max_size=4,
        )
    )
    fields = draw(
        st.lists(
            st.tuples(
                st.sampled_from(list(ReadStatus)),
                st.integers(0, 5),
                st.sampled_from(list(Priority)),
            ),
            min_size=count,
            max_size=count,
        )
    )
    return {"names": names, "digests": digests, "fields": fields}


def build(folder: Path, spec: dict[str, object]) -> tuple[Library, object]:
    names: list[str] = spec["names"]  # type: ignore[assignment]
    digests: list[tuple[list[int], int]] = spec["digests"]  # type: ignore[assignment]
    fields: list[tuple[ReadStatus, int, Priority]] = spec["fields"]  # type: ignore[assignment]
    opened = open_library(folder)
    moment = [datetime(2026, 11, 1, 9, 0, tzinfo=UTC)]

    def clock() -> datetime:
        return moment[0]

    library = Library(opened.store, clock=clock, index=opened.index)
    for number, (members, minutes) in enumerate(digests):
        moment[0] += timedelta(minutes=minutes)
        papers = [ParsedPaper(names[i], f"Abstract of {names[i]}.", 0) for i in members]
        library.import_bytes(render_digest(papers).encode(), f"digest-{number}.txt")
    moment[0] += timedelta(minutes=1)
    present = {paper.title: paper.id for paper in library.papers()}
    for name, (status, rating, priority) in zip(names, fields, strict=True):
        paper_id = present.get(name)
        if paper_id is not None:
            library.set_status([paper_id], status)
            library.rate([paper_id], rating)
            library.set_priority([paper_id], priority)
    return library, opened


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spec=libraries())
def test_the_store_and_the_index_give_every_order_the_same_ids(spec: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        library, opened = build(Path(folder) / "library", spec)
        try:
            everything = library.papers()
            for sort in ORDERS:
                for descending in (False, True):
                    wanted = [p.id for p in sorted_papers(everything, sort, descending)]
                    stored = library.papers(PaperQuery(sort=sort, descending=descending))
                    found = library.search(
                        "", sort=sort, descending=descending, limit=3, with_ids=True
                    )
                    assert [p.id for p in stored] == wanted, (sort, descending)
                    assert list(found.ids) == wanted, (sort, descending)
                    # Pages are slices of that one order.
                    pages = [
                        r.paper.id
                        for offset in range(0, len(wanted), 3)
                        for r in library.search(
                            "", sort=sort, descending=descending, offset=offset, limit=3
                        ).results
                    ]
                    assert pages == wanted, (sort, descending)
        finally:
            opened.close()  # type: ignore[attr-defined]


def test_an_edit_never_moves_a_paper_among_its_equals(opened) -> None:
    """Papers of one import tie on their added time: a status change re-indexes one of
    them (a new index document), and it stays where it was."""
    library = opened.library
    papers = [ParsedPaper(f"Paper {n} about things", f"Abstract {n}.", 0) for n in range(8)]
    library.import_bytes(render_digest(papers).encode(), "one.txt")
    before = list(library.search("", sort="added", with_ids=True).ids)
    assert before == sorted(before)  # the digest's order: lowest id first
    library.set_status([before[3]], ReadStatus.READ)
    library.set_notes(before[5], "edited")
    for sort in ("added", "rating", "priority", "seen"):
        ids = list(library.search("", sort=sort, with_ids=True).ids)
        assert ids == [p.id for p in library.papers(PaperQuery(sort=sort))] == before, sort

"""Sort orders at the edges: edits among ties, and more ids than a statement holds.

(The property test that the store, the index and the core's reference agree on random
libraries is tests/test_orders.py.)
"""

from __future__ import annotations

from readinglist.core.digest_parser import render_digest
from readinglist.core.models import PaperQuery, ParsedPaper, ReadStatus
from readinglist.core.orders import ORDERS, sorted_papers


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


def test_more_ids_than_one_statement_holds_keep_every_order(opened, monkeypatch) -> None:
    """A 100k-paper selection is more ids than one ``IN (...)`` may hold: statements go
    a chunk at a time (here 4 ids, for 23 papers) and the order is still the library's."""
    from readinglist.storage import batching, store

    library = opened.library
    papers = [ParsedPaper(f"Paper {n:02d} about things", f"Abstract {n}.", 0) for n in range(23)]
    library.import_bytes(render_digest(papers).encode(), "one.txt")
    monkeypatch.setattr(batching, "CHUNK", 4)
    monkeypatch.setattr(store, "CHUNK", 4)
    ids = tuple(p.id for p in library.papers())
    assert library.set_status(ids[::2], ReadStatus.READ).count == 12
    assert library.rate(ids[1::3], 3).count == 8
    assert library.tag(ids, add=["all"]).count == 23
    assert library.bulk.field_values(ids, "status") == {
        i: ("read" if n % 2 == 0 else "unread") for n, i in enumerate(ids)
    }
    everything = library.papers()
    for sort in ORDERS:
        for descending in (False, True):
            chunked = library.papers(PaperQuery(ids=ids, sort=sort, descending=descending))
            assert [p.id for p in chunked] == [
                p.id for p in sorted_papers(everything, sort, descending)
            ]
    given = tuple(reversed(ids))
    assert [p.id for p in library.papers(PaperQuery(ids=given, sort="position", limit=5))] == [
        *given[:5]
    ]
    assert library.delete(ids).count == 23

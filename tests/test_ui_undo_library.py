"""What the window's undo, progress and sidebar need from the Library (no Qt here)."""

from __future__ import annotations

import pytest

from readinglist.app_context import OpenLibrary
from readinglist.core.digest_parser import render_digest
from readinglist.core.errors import DigestError, ImportCancelledError
from readinglist.core.models import ParsedPaper, Priority, ReadStatus

ABSTRACT = "We examine {name}. Code is at https://github.com/example/{name}."


def digest(*names: str, abstract: str = ABSTRACT) -> bytes:
    papers = [ParsedPaper(f"Paper {n}: A Study", abstract.format(name=n), 0) for n in names]
    return render_digest(papers).encode()


def everything(opened: OpenLibrary) -> list[object]:
    """Every paper with its details, and the tags: what an undo must give back."""
    library = opened.library
    return [library.details(p.id) for p in library.papers()] + [library.tags()]


def test_a_restored_paper_has_everything_it_had(opened: OpenLibrary):
    library = opened.library
    ids = list(library.import_bytes(digest("a", "b", "c"), "one.txt").new_ids)
    library.import_bytes(digest("a"), "two.txt")
    library.set_status(ids[:2], ReadStatus.READING)
    library.set_status(ids[:1], ReadStatus.READ)
    library.tag(ids[:2], add=["3d/nerf", "todo"])
    library.set_tag_colour("3d/nerf", "#ff8800")
    library.rate(ids[:1], 4)
    library.set_priority(ids[:1], Priority.HIGH)
    library.set_notes(ids[0], "# Notes\nread the appendix")
    before = everything(opened)

    snapshots = library.snapshot(ids[:2])
    library.delete(ids[:2])
    library.rename_tag("todo", "later")  # the tag row is gone for the deleted papers' sake
    assert [p.id for p in library.papers()] == ids[2:]
    report = library.restore(snapshots)

    assert report.ids == {ids[0]: ids[0], ids[1]: ids[1]}
    assert report.skipped == ()
    library.rename_tag("later", "todo")
    assert everything(opened) == before
    assert library.search("nerf").total == 0  # the words of "3d/nerf" are tags, not text
    assert library.search('tag:"3d/nerf"', limit=0).total == 2  # back in the index


def list_times(opened: OpenLibrary, name: str) -> dict[int, object]:
    list_id = opened.library.lists.get(name).id
    with opened.store.unit_of_work() as uow:
        return dict(uow.list_item_times(list_id))


def test_restored_papers_go_back_to_their_places_in_their_lists(opened: OpenLibrary):
    library = opened.library
    a, b, c, d = library.import_bytes(digest("a", "b", "c", "d"), "one.txt").new_ids
    library.lists.create("To read")
    library.lists.add("To read", [d, a, c, b])
    library.lists.create("Gone soon")
    library.lists.add("Gone soon", [a])
    times = list_times(opened, "To read")

    snapshots = library.snapshot([a, c])
    library.delete([a, c])
    assert library.lists.get("To read").paper_ids == (d, b)
    library.lists.delete("Gone soon")
    library.restore(snapshots)

    assert library.lists.get("To read").paper_ids == (d, a, c, b)
    assert list_times(opened, "To read") == times  # each kept the time it was added
    assert [reading_list.name for reading_list in library.lists.all()] == ["To read"]


def test_a_paper_imported_again_since_its_delete_is_not_restored_twice(opened: OpenLibrary):
    library = opened.library
    (paper_id,) = library.import_bytes(digest("a"), "one.txt").new_ids
    snapshots = library.snapshot([paper_id])
    library.delete([paper_id])
    library.import_bytes(digest("a"), "again.txt")
    report = library.restore(snapshots)
    assert report.skipped == (paper_id,)
    assert len(library.papers()) == 1


def test_undo_import_removes_new_papers_and_reverts_the_ones_it_met(opened: OpenLibrary):
    library = opened.library
    first = library.import_bytes(digest("a", abstract="Short."), "one.txt")
    library.set_status(first.new_ids, ReadStatus.QUEUED)
    before = everything(opened)

    record = library.import_undoable(digest("a", "b"), "two.txt")
    assert record.summary.new == 1
    assert record.summary.abstracts_changed == first.new_ids
    assert library.details(first.new_ids[0]).paper.times_seen == 2

    library.undo_import(record)
    assert everything(opened) == before
    assert [d.source_name for d in library.digests()] == ["one.txt"]
    assert library.search("examine", limit=0).total == 0  # the changed abstract is gone
    assert library.search("short", limit=0).total == 1


def test_a_cancelled_import_changes_nothing(opened: OpenLibrary, shared_digest_bytes: bytes):
    library = opened.library
    seen: list[tuple[int, int]] = []

    def cancelled() -> bool:
        return len(seen) >= 3  # after three progress reports

    with pytest.raises(ImportCancelledError):
        library.import_undoable(
            shared_digest_bytes, "digest.txt", lambda d, t: seen.append((d, t)), cancelled
        )
    assert seen[:3] == [(0, 211), (25, 211), (50, 211)]
    assert library.papers() == []
    assert library.digests() == []
    assert library.search("", limit=0).total == 0


def test_progress_is_reported_up_to_the_whole_digest(opened: OpenLibrary):
    seen: list[tuple[int, int]] = []
    opened.library.import_bytes(digest(*"abc"), "d.txt", lambda d, t: seen.append((d, t)))
    assert seen == [(0, 3), (3, 3)]


def test_bad_input_for_an_undoable_import_is_refused(opened: OpenLibrary):
    with pytest.raises(DigestError):
        opened.library.import_undoable(b"\x00\x01 not a digest", "x.bin")
    assert opened.library.digests() == []


def test_digests_and_the_papers_they_brought(opened: OpenLibrary):
    library = opened.library
    one = library.import_bytes(digest("a", "b"), "one.txt")
    two = library.import_bytes(digest("b", "c"), "two.txt")
    digests = library.digests()
    assert [(d.source_name, d.paper_count, d.new_count) for d in digests] == [
        ("one.txt", 2, 2),
        ("two.txt", 2, 1),
    ]
    assert library.digest_paper_ids([two.digest_id]) == sorted(two.existing_ids + two.new_ids)
    assert library.digest_paper_ids([two.digest_id], new_only=True) == list(two.new_ids)
    # In digest order: the newest digest's papers in its order, then the older one's.
    (a, b), (c,) = one.new_ids, two.new_ids
    assert library.digest_paper_ids([one.digest_id, two.digest_id]) == [b, c, a]


def test_a_search_within_some_papers_pages_over_them_only(opened: OpenLibrary):
    library = opened.library
    ids = library.import_bytes(digest(*"abcde"), "d.txt").new_ids
    within = ids[1:4]
    results = library.search("study", sort="title", offset=1, limit=1, within=within)
    assert results.total == 3
    assert [r.paper.id for r in results.results] == [ids[2]]
    assert library.search("study", within=()).total == 0
    library.delete([ids[2]])  # a deleted paper, and an id never seen, are no hits
    results = library.search("study", sort="title", within=[*within, 999])
    assert [r.paper.id for r in results.results] == [ids[1], ids[3]]
    assert results.total == 2

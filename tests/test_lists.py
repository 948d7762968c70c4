"""Reading lists and saved searches, on a real SQLite library with its index."""

from __future__ import annotations

import pytest

from readinglist.app_context import OpenLibrary
from readinglist.core.digest_parser import render_digest
from readinglist.core.errors import InvalidValueError, NotFoundError
from readinglist.core.models import ParsedPaper, ReadStatus

ABSTRACT = "We study {name} models. They work well on many benchmarks and are simple."


@pytest.fixture
def five(opened: OpenLibrary) -> OpenLibrary:
    papers = [ParsedPaper(f"Paper {n}: Gaussian {n}", ABSTRACT.format(name=n), 0) for n in "abcde"]
    opened.library.import_bytes(render_digest(papers).encode(), "d.txt")
    return opened


def test_lists_are_named_ordered_and_shared(five: OpenLibrary) -> None:
    library = five.library
    created = library.lists.create("  To   Read ")
    assert created.name == "To Read" and created.paper_ids == ()
    assert library.lists.add("to read", [3, 1, 3]).count == 2  # once each, in the order given
    assert library.lists.add("TO READ", [1, 2]).count == 1  # 1 is in already
    library.lists.create("Group")
    library.lists.add("group", [2])
    assert library.lists.get("to read").paper_ids == (3, 1, 2)
    assert [(rl.name, rl.paper_ids) for rl in library.lists.all()] == [
        ("Group", (2,)),
        ("To Read", (3, 1, 2)),
    ]
    assert library.lists.remove("to read", [1, 5]).count == 1
    assert library.lists.get("to read").paper_ids == (3, 2)
    library.delete([2])  # a deleted paper leaves every list
    assert library.lists.get("to read").paper_ids == (3,)
    assert library.lists.get("group").paper_ids == ()


def test_drag_and_drop_reorders(five: OpenLibrary) -> None:
    library = five.library
    library.lists.create("L")
    library.lists.add("L", [1, 2, 3, 4, 5])
    assert library.lists.move("L", [5], 0).count
    assert library.lists.get("L").paper_ids == (5, 1, 2, 3, 4)
    assert library.lists.move("L", [1, 2], 99).count
    assert library.lists.get("L").paper_ids == (5, 3, 4, 1, 2)
    assert library.lists.move("L", [4, 5], 1).count
    assert library.lists.get("L").paper_ids == (3, 4, 5, 1, 2)
    assert library.lists.get("L").paper_ids == (3, 4, 5, 1, 2)
    with pytest.raises(NotFoundError, match="not in the list 'L': 9"):
        library.lists.move("L", [9], 0)


def test_a_list_can_be_given_back_its_papers_in_an_order(five: OpenLibrary) -> None:
    library = five.library
    library.lists.create("L")
    library.lists.add("L", [1, 2, 3])
    library.delete([2])
    assert library.lists.set_papers("l", [4, 2, 1, 4]).count
    assert library.lists.get("l").paper_ids == (4, 1)  # 2 is gone
    assert library.lists.get("L").paper_ids == (4, 1)
    with pytest.raises(NotFoundError):
        library.lists.set_papers("nope", [1])


def test_list_names_and_bad_requests_change_nothing(five: OpenLibrary) -> None:
    library = five.library
    library.lists.create("Mine")
    with pytest.raises(InvalidValueError, match="already exists"):
        library.lists.create("MINE")
    with pytest.raises(InvalidValueError, match="needs a name"):
        library.lists.create("   ")
    with pytest.raises(NotFoundError, match="no list named 'nope'"):
        library.lists.add("nope", [1])
    with pytest.raises(NotFoundError, match="no paper with id 42"):
        library.lists.add("mine", [1, 42])
    assert library.lists.get("mine").paper_ids == ()
    library.lists.create("Other")
    with pytest.raises(InvalidValueError, match="already exists"):
        library.lists.rename("other", "mine")
    library.lists.rename("other", "Renamed")
    library.lists.delete("mine")
    assert [rl.name for rl in library.lists.all()] == ["Renamed"]
    assert len(library.papers()) == 5  # deleting a list keeps its papers


def test_saved_searches_are_always_current(five: OpenLibrary) -> None:
    library = five.library
    library.set_status([1], ReadStatus.READ)
    saved = library.searches.save("Gaussians", "Gaussian  -status:read")
    assert saved.query == "Gaussian  -status:read"  # kept as typed
    assert library.searches.ids("gaussians") == [2, 3, 4, 5]
    more = ParsedPaper("Gaussian Late Arrival", ABSTRACT.format(name="late"), 0)
    library.import_bytes(render_digest([more]).encode(), "e.txt")
    assert library.searches.ids("GAUSSIANS") == [2, 3, 4, 5, 6]
    with pytest.raises(InvalidValueError, match="already exists"):
        library.searches.save("gaussians", "x")
    library.searches.save("gaussians", "title:late", replace=True)
    assert library.searches.ids("gaussians") == [6]
    assert [s.name for s in library.searches.all()] == ["gaussians"]  # as typed last
    library.searches.delete("gaussians")
    assert library.searches.all() == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "needs a query"),
        ("(unbalanced", "cannot be saved: unbalanced parenthesis"),
        ("rating:lots", "cannot be saved: rating: expects a number"),
        ("arxiv:banana", "cannot be saved: arxiv: expects an arXiv id"),
    ],
)
def test_a_query_that_does_not_parse_is_not_saved(
    five: OpenLibrary, query: str, message: str
) -> None:
    with pytest.raises(InvalidValueError, match=message):
        five.library.searches.save("bad", query)
    assert five.library.searches.all() == []


def test_a_deleted_list_comes_back_as_it_was(five: OpenLibrary) -> None:
    library = five.library
    library.lists.create("To Read")
    library.lists.add("to read", [4, 2])
    library.lists.add("to read", [5, 1])  # added later: times differ
    before = library.lists.get("to read")
    snapshot = library.lists.snapshot("to read")
    with five.store.unit_of_work() as uow:
        times = uow.list_item_times(before.id)

    library.lists.delete("to read")
    library.delete([5])  # gone from the library since: left out on restore
    back = library.lists.restore(snapshot)

    assert back == library.lists.get("to read")
    assert (back.id, back.name, back.created_at) == (before.id, before.name, before.created_at)
    assert back.paper_ids == (4, 2, 1)
    with five.store.unit_of_work() as uow:
        assert uow.list_item_times(back.id) == {i: times[i] for i in (4, 2, 1)}
    with pytest.raises(InvalidValueError, match="already exists"):
        library.lists.restore(snapshot)  # its name is taken (by itself): nothing changes
    assert [rl.paper_ids for rl in library.lists.all()] == [(4, 2, 1)]

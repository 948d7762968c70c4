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
    created = library.create_list("  To   Read ")
    assert created.name == "To Read" and created.paper_ids == ()
    assert library.add_to_list("to read", [3, 1, 3]) == 2  # once each, in the order given
    assert library.add_to_list("TO READ", [1, 2]) == 1  # 1 is in already
    library.create_list("Group")
    library.add_to_list("group", [2])
    assert library.reading_list("to read").paper_ids == (3, 1, 2)
    assert [(rl.name, rl.paper_ids) for rl in library.lists()] == [
        ("Group", (2,)),
        ("To Read", (3, 1, 2)),
    ]
    assert library.remove_from_list("to read", [1, 5]) == 1
    assert library.reading_list("to read").paper_ids == (3, 2)
    library.delete([2])  # a deleted paper leaves every list
    assert library.reading_list("to read").paper_ids == (3,)
    assert library.reading_list("group").paper_ids == ()


def test_drag_and_drop_reorders(five: OpenLibrary) -> None:
    library = five.library
    library.create_list("L")
    library.add_to_list("L", [1, 2, 3, 4, 5])
    assert library.move_in_list("L", [5], 0).paper_ids == (5, 1, 2, 3, 4)
    assert library.move_in_list("L", [1, 2], 99).paper_ids == (5, 3, 4, 1, 2)
    assert library.move_in_list("L", [4, 5], 1).paper_ids == (3, 4, 5, 1, 2)
    assert library.reading_list("L").paper_ids == (3, 4, 5, 1, 2)
    with pytest.raises(NotFoundError, match="not in the list 'L': 9"):
        library.move_in_list("L", [9], 0)


def test_a_list_can_be_given_back_its_papers_in_an_order(five: OpenLibrary) -> None:
    library = five.library
    library.create_list("L")
    library.add_to_list("L", [1, 2, 3])
    library.delete([2])
    assert library.set_list_papers("l", [4, 2, 1, 4]).paper_ids == (4, 1)  # 2 is gone
    assert library.reading_list("L").paper_ids == (4, 1)
    with pytest.raises(NotFoundError):
        library.set_list_papers("nope", [1])


def test_list_names_and_bad_requests_change_nothing(five: OpenLibrary) -> None:
    library = five.library
    library.create_list("Mine")
    with pytest.raises(InvalidValueError, match="already exists"):
        library.create_list("MINE")
    with pytest.raises(InvalidValueError, match="needs a name"):
        library.create_list("   ")
    with pytest.raises(NotFoundError, match="no list named 'nope'"):
        library.add_to_list("nope", [1])
    with pytest.raises(NotFoundError, match="no paper with id 42"):
        library.add_to_list("mine", [1, 42])
    assert library.reading_list("mine").paper_ids == ()
    library.create_list("Other")
    with pytest.raises(InvalidValueError, match="already exists"):
        library.rename_list("other", "mine")
    library.rename_list("other", "Renamed")
    library.delete_list("mine")
    assert [rl.name for rl in library.lists()] == ["Renamed"]
    assert len(library.papers()) == 5  # deleting a list keeps its papers


def test_saved_searches_are_always_current(five: OpenLibrary) -> None:
    library = five.library
    library.set_status([1], ReadStatus.READ)
    saved = library.save_search("Gaussians", "Gaussian  -status:read")
    assert saved.query == "Gaussian  -status:read"  # kept as typed
    assert library.saved_search_ids("gaussians") == [2, 3, 4, 5]
    more = ParsedPaper("Gaussian Late Arrival", ABSTRACT.format(name="late"), 0)
    library.import_bytes(render_digest([more]).encode(), "e.txt")
    assert library.saved_search_ids("GAUSSIANS") == [2, 3, 4, 5, 6]
    with pytest.raises(InvalidValueError, match="already exists"):
        library.save_search("gaussians", "x")
    library.save_search("gaussians", "title:late", replace=True)
    assert library.saved_search_ids("gaussians") == [6]
    assert [s.name for s in library.saved_searches()] == ["gaussians"]  # as typed last
    library.delete_saved_search("gaussians")
    assert library.saved_searches() == []


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
        five.library.save_search("bad", query)
    assert five.library.saved_searches() == []


def test_a_deleted_list_comes_back_as_it_was(five: OpenLibrary) -> None:
    library = five.library
    library.create_list("To Read")
    library.add_to_list("to read", [4, 2])
    library.add_to_list("to read", [5, 1])  # added later: times differ
    before = library.reading_list("to read")
    snapshot = library.list_snapshot("to read")
    with five.store.unit_of_work() as uow:
        times = uow.list_item_times(before.id)

    library.delete_list("to read")
    library.delete([5])  # gone from the library since: left out on restore
    back = library.restore_list(snapshot)

    assert back == library.reading_list("to read")
    assert (back.id, back.name, back.created_at) == (before.id, before.name, before.created_at)
    assert back.paper_ids == (4, 2, 1)
    with five.store.unit_of_work() as uow:
        assert uow.list_item_times(back.id) == {i: times[i] for i in (4, 2, 1)}
    with pytest.raises(InvalidValueError, match="already exists"):
        library.restore_list(snapshot)  # its name is taken (by itself): nothing changes
    assert [rl.paper_ids for rl in library.lists()] == [(4, 2, 1)]

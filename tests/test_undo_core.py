"""The Qt-free undo records (readinglist.core.undo) and their journal
(readinglist.core.undo_journal): every change is undone through a JSON round trip, as
``readinglist undo`` does it in a later process, and an undo never overwrites what
was changed after the change it takes back."""

from __future__ import annotations

import pytest

from readinglist.app_context import OpenLibrary
from readinglist.core.changes import Changes
from readinglist.core.digest_parser import render_digest
from readinglist.core.errors import InvalidValueError
from readinglist.core.library import Library
from readinglist.core.models import ParsedPaper, Priority, ReadStatus
from readinglist.core.undo import (
    Change,
    ListLifeChange,
    ValueChange,
    add_change,
    delete_change,
    import_change,
    move_change,
    notes_change,
    priority_change,
    rating_change,
    record_and_apply,
    remove_change,
    status_change,
    tag_change,
    tags_change,
)
from readinglist.core.undo_journal import KEEP, dumps, loads

ABSTRACT = "We study {name} with a method of our own."


@pytest.fixture
def library(opened: OpenLibrary) -> Library:
    papers = [ParsedPaper(f"Paper {n}: Gaussian {n}", ABSTRACT.format(name=n), 0) for n in "abcde"]
    opened.library.import_bytes(render_digest(papers).encode(), "d.txt")
    return opened.library


def _through_journal(change: Change) -> Change:
    """What a later process reads back of this change."""
    (loaded,) = loads(dumps([change]))
    return loaded


def _state(library: Library) -> list[tuple[object, ...]]:
    return [(p.id, p.status, p.priority, p.rating, p.notes, p.tags) for p in library.papers()]


@pytest.mark.parametrize(
    "make",
    [
        lambda: status_change([1, 2, 3], ReadStatus.READ),
        lambda: rating_change([2, 4], 5),
        lambda: priority_change([1, 5], Priority.HIGH),
        lambda: notes_change(3, "my private note"),
        lambda: tag_change([1, 2], "nerf", add=True),
        lambda: tags_change([1, 2], add=["a", "b"], remove=[]),
    ],
    ids=["status", "rating", "priority", "notes", "tag", "tags"],
)
def test_each_change_is_undone_after_a_journal_round_trip(library: Library, make) -> None:
    before = _state(library)
    change = make()
    changes = record_and_apply(change)(library)
    assert isinstance(changes, Changes) and changes.count > 0
    assert _state(library) != before
    undone = _through_journal(change).restore(library)
    assert undone.count > 0
    assert _state(library) == before


def test_delete_and_import_are_undone_after_a_journal_round_trip(library: Library) -> None:
    before = _state(library)
    delete = delete_change([2, 4])
    assert record_and_apply(delete)(library).removed == {2, 4}
    assert sorted(p.id for p in library.papers()) == [1, 3, 5]
    back = _through_journal(delete).restore(library)
    assert back.added and len(library.papers()) == 5
    assert sorted(s[1:] for s in _state(library)) == sorted(s[1:] for s in before)

    data = render_digest([ParsedPaper("A new paper on splats", "Its abstract.", 0)]).encode()
    record = library.import_undoable(data, "new.txt")
    imported = import_change([("new.txt", data)], [record])
    assert len(library.papers()) == 6
    _through_journal(imported).restore(library)
    assert len(library.papers()) == 5
    assert len(library.digests()) == 1


def test_list_changes_are_undone_after_a_journal_round_trip(library: Library) -> None:
    create = ListLifeChange("create", "Group", create=True)
    record_and_apply(create)(library)
    add = add_change("Group", [3, 1, 2])
    record_and_apply(add)(library)
    move = move_change("Group", [2], 0)
    record_and_apply(move)(library)
    assert library.lists.get("Group").paper_ids == (2, 3, 1)
    _through_journal(move).restore(library)
    assert library.lists.get("Group").paper_ids == (3, 1, 2)
    remove = remove_change("Group", [1])
    record_and_apply(remove)(library)
    _through_journal(remove).restore(library)
    assert library.lists.get("Group").paper_ids == (3, 1, 2)
    _through_journal(add).restore(library)
    assert library.lists.get("Group").paper_ids == ()
    _through_journal(create).restore(library)
    assert [found.name for found in library.lists.all()] == []


def test_an_undo_leaves_alone_what_was_changed_since(library: Library) -> None:
    change = status_change([1, 2], ReadStatus.READ)
    record_and_apply(change)(library)
    library.set_status([2], ReadStatus.DROPPED)  # the user changed paper 2 again since
    undone = _through_journal(change)
    assert isinstance(undone, ValueChange)
    assert undone.restore(library).count == 1
    statuses = {p.id: p.status for p in library.papers()}
    assert statuses[1] is ReadStatus.UNREAD
    assert statuses[2] is ReadStatus.DROPPED  # not overwritten
    assert undone.kept == (2,)

    untag = tag_change([1, 2], "nerf", add=False)
    library.tag([1, 2], add=["nerf"])
    record_and_apply(untag)(library)
    library.tag([2], add=["nerf"])  # the user put it back on paper 2 since
    assert _through_journal(untag).restore(library).count == 1  # only paper 1 needed it
    assert {p.id: p.tags for p in library.papers()}[2] == ("nerf",)


def test_the_journal_keeps_the_last_changes_and_refuses_what_it_cannot_read() -> None:
    changes: list[Change] = [status_change([n], ReadStatus.READ) for n in range(KEEP + 5)]
    kept = loads(dumps(changes))
    assert len(kept) == KEEP
    assert kept[0].ids == (5,)
    with pytest.raises(InvalidValueError, match="damaged"):
        loads("{not json")
    with pytest.raises(InvalidValueError, match="another version"):
        loads('{"format": 99, "changes": []}')
    with pytest.raises(InvalidValueError, match="does not know"):
        loads('{"format": 1, "changes": [{"$dc": "Popen", "f": {}}]}')

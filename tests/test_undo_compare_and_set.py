"""An undo writes a value back only where the field still holds what the undone change
set, checked by the write itself (a conditional UPDATE), not by a read before it: a
change another client commits between the undo's decision and its write survives, on
SQLite and on PostgreSQL (issue 20). The same for a tag (a DELETE of the papers that
still carry it, an INSERT ... ON CONFLICT DO NOTHING for those that still lack it) and
for the time spent (the minutes in the write's WHERE)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.models import ReadStatus
from readinglist.core.undo import (
    notes_change,
    record_and_apply,
    status_change,
    tag_change,
    time_spent_change,
)
from readinglist.member import set_member_name
from readinglist.storage.shared_url import write_locator
from tests.test_storage_dialects import _many_papers

Clients = tuple[OpenLibrary, OpenLibrary]


@pytest.fixture(params=["sqlite", "postgresql"])
def clients(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Clients]:
    """Two clients of one library: the same folder twice (SQLite), or one member's
    two machines (PostgreSQL)."""
    if request.param == "sqlite":
        mine = open_library(tmp_path / "library")
        other = open_library(tmp_path / "library")
    else:
        url: str = request.getfixturevalue("postgres_url")
        set_member_name("Alice")
        for machine in ("laptop", "desktop"):
            write_locator(tmp_path / machine, url)
        mine = open_library(tmp_path / "laptop")
        other = open_library(tmp_path / "desktop")
    mine.library.import_bytes(_many_papers(3), "few.txt")
    other.library.indexing.sync()
    try:
        yield mine, other
    finally:
        mine.close()
        other.close()


def _before_next_write(
    monkeypatch: pytest.MonkeyPatch, opened: OpenLibrary, meanwhile: Callable[[], object]
) -> None:
    """Run ``meanwhile`` (another client's committed change) just before this client's
    next writing transaction begins: after the undo decided what to write back."""
    unit_of_work = opened.store.unit_of_work
    armed = [True]

    def hooked(write: bool = False) -> AbstractContextManager[object]:
        if write and armed[0]:
            armed[0] = False
            meanwhile()
        return unit_of_work(write=write)

    monkeypatch.setattr(opened.store, "unit_of_work", hooked)


def test_an_undo_leaves_a_status_changed_meanwhile(
    clients: Clients, monkeypatch: pytest.MonkeyPatch
):
    mine, other = clients
    a, b, _ = (paper.id for paper in mine.library.papers())
    change = status_change([a, b], ReadStatus.READING)
    record_and_apply(change)(mine.library)

    _before_next_write(monkeypatch, mine, lambda: other.library.set_status([a], ReadStatus.DROPPED))
    change.restore(mine.library)

    assert change.kept == (a,)  # said so
    statuses = mine.library.bulk.field_values([a, b], "status")
    assert statuses == {a: "dropped", b: "unread"}


def test_an_undo_leaves_notes_written_meanwhile(clients: Clients, monkeypatch: pytest.MonkeyPatch):
    mine, other = clients
    paper_id = mine.library.papers()[0].id
    change = notes_change(paper_id, "mine")
    record_and_apply(change)(mine.library)

    _before_next_write(monkeypatch, mine, lambda: other.library.set_notes(paper_id, "theirs"))
    change.restore(mine.library)

    assert change.kept == (paper_id,)
    assert mine.library.details(paper_id).paper.notes == "theirs"


def _tags_of(opened: OpenLibrary, ids: list[int]) -> dict[int, tuple[str, ...]]:
    return {paper_id: opened.library.details(paper_id).paper.tags for paper_id in ids}


def test_an_undone_tag_stays_off_a_paper_untagged_meanwhile_and_skips_a_deleted_one(
    clients: Clients, monkeypatch: pytest.MonkeyPatch
):
    mine, other = clients
    a, b, c = (paper.id for paper in mine.library.papers())
    change = tag_change([a, b, c], "x", add=True)
    record_and_apply(change)(mine.library)

    def meanwhile() -> None:
        other.library.tag([a], remove=["x"])
        other.library.delete([c])  # a read-then-write undo failed on it: "no paper"

    _before_next_write(monkeypatch, mine, meanwhile)
    change.restore(mine.library)

    assert change.kept == (a,)  # changed since: said so
    assert _tags_of(mine, [a, b]) == {a: (), b: ()}


def test_a_tag_put_back_meanwhile_is_left_as_it_is(
    clients: Clients, monkeypatch: pytest.MonkeyPatch
):
    mine, other = clients
    a, b, _ = (paper.id for paper in mine.library.papers())
    mine.library.tag([a, b], add=["x"])
    change = tag_change([a, b], "x", add=False)
    record_and_apply(change)(mine.library)

    _before_next_write(monkeypatch, mine, lambda: other.library.tag([a], add=["x"]))
    changes = change.restore(mine.library)

    assert change.kept == (a,)
    assert changes.count == 1  # b only
    assert _tags_of(mine, [a, b]) == {a: ("x",), b: ("x",)}


def test_an_undo_leaves_a_time_recorded_meanwhile(
    clients: Clients, monkeypatch: pytest.MonkeyPatch
):
    mine, other = clients
    a, b, c = (paper.id for paper in mine.library.papers())
    mine.library.time_spent.set([c], 20)
    change = time_spent_change([a, b, c], 30)
    record_and_apply(change)(mine.library)

    _before_next_write(monkeypatch, mine, lambda: other.library.time_spent.set([a], 45))
    change.restore(mine.library)

    assert change.kept == (a,)
    assert mine.library.time_spent.minutes([a, b, c]) == {a: 45, c: 20}


def test_an_undone_clear_leaves_a_time_recorded_meanwhile(
    clients: Clients, monkeypatch: pytest.MonkeyPatch
):
    mine, other = clients
    a, b, _ = (paper.id for paper in mine.library.papers())
    mine.library.time_spent.set([a, b], 20)
    change = time_spent_change([a, b], None)
    record_and_apply(change)(mine.library)

    _before_next_write(monkeypatch, mine, lambda: other.library.time_spent.set([a], 50))
    change.restore(mine.library)

    assert change.kept == (a,)
    assert mine.library.time_spent.minutes([a, b]) == {a: 50, b: 20}
    recorded = mine.library.time_spent.snapshot([b])[b]
    assert recorded is not None and recorded == change.previous[b]  # with its time

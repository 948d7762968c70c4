"""An undo writes a value back only where the field still holds what the undone change
set, checked by the write itself (a conditional UPDATE), not by a read before it: a
change another client commits between the undo's decision and its write survives, on
SQLite and on PostgreSQL (issue 20)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.models import ReadStatus
from readinglist.core.undo import notes_change, record_and_apply, status_change
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
